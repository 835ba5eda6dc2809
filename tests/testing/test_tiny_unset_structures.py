"""Structures a default config leaves None and only a checkpoint fills: the tiny config must fill them, or the
model cannot even be built. Each case is a transformers 5.25 model that failed on its shrunk default config."""

from __future__ import annotations

import pytest
import torch
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.models.auto.modeling_auto import MODEL_FOR_OBJECT_DETECTION_MAPPING_NAMES, MODEL_MAPPING_NAMES

import transformers
from scaffold.testing.tiny import shrink_config


def _build_on_meta(model_type: str):
    config = shrink_config(CONFIG_MAPPING[model_type]())
    names = MODEL_MAPPING_NAMES.get(model_type) or MODEL_FOR_OBJECT_DETECTION_MAPPING_NAMES[model_type]
    model_class = getattr(transformers, names)
    with torch.device("meta"):
        return model_class(config)


@pytest.mark.parametrize(
    "model_type",
    [
        "dots1",  # experts, their width and the shared experts all unset
        "diffusion_gemma",  # num_experts, top_k_experts, moe_intermediate_size unset
        "lfm2_moe",  # layer_types unset, indexed per layer
        "deepseek_ocr2",  # mlp_layer_types unset, indexed per layer
        "chameleon",  # vocabulary_map unset, read for "<image>"
        "pp_ocrv5_server_det",  # intra-class block layout, kernel_list and scale_factor_list unset
        "qwen4_exp",  # the QSA indexer's budget and block size unset, divided
    ],
)
def test_a_model_whose_default_config_leaves_a_structure_unset_builds_on_the_tiny_config(model_type):
    assert sum(p.numel() for p in _build_on_meta(model_type).parameters()) > 0


def test_the_filled_structures_keep_the_tiny_sizes():
    dots1 = shrink_config(CONFIG_MAPPING["dots1"]())
    assert (dots1.n_routed_experts, dots1.num_experts_per_tok, dots1.n_shared_experts) == (4, 2, 1)
    ocr = shrink_config(CONFIG_MAPPING["deepseek_ocr2_text"]())
    assert ocr.mlp_layer_types == ["dense"] + ["sparse"] * (ocr.num_hidden_layers - 1)
    chameleon = shrink_config(CONFIG_MAPPING["chameleon"]())
    assert chameleon.vocabulary_map == {"<image>": chameleon.image_token_id}
    assert chameleon.image_token_id < chameleon.vocab_size


def test_a_set_structure_is_left_alone():
    config = CONFIG_MAPPING["lfm2_moe"](layer_types=["conv", "full_attention"], num_hidden_layers=2)
    assert shrink_config(config).layer_types == ["conv", "full_attention"]


def test_a_list_field_left_none_takes_the_default_its_docstring_documents():
    from transformers import PreTrainedConfig

    class Documented(PreTrainedConfig):
        """
        Args:
            kernel_list (`list[int]`, *optional*, defaults to `[3, 2, 2]`):
                Kernel sizes.
            other_list (`list[int]`, *optional*, defaults to `[5]`):
                Set by the user below, left alone.
        """

        model_type = "documented"

        def __init__(self, kernel_list=None, other_list=None, **kwargs):
            self.kernel_list, self.other_list = kernel_list, other_list
            super().__init__(**kwargs)

    tiny = shrink_config(Documented(other_list=[7]))
    assert (tiny.kernel_list, tiny.other_list) == ([3, 2, 2], [7])


def test_layer_index_lists_wrap_around_the_tiny_layer_count_and_keep_their_length():
    """mllama's vision model reads the states of layers [3, 7, 15, 23, 30]: five of them, of its 2 tiny layers."""
    tiny = shrink_config(CONFIG_MAPPING["mllama_vision_model"]())
    assert len(tiny.intermediate_layers_indices) == 5
    assert max(tiny.intermediate_layers_indices) < tiny.num_hidden_layers


def test_fields_a_model_reads_that_its_config_classes_lack_are_found_and_supplied():
    """dbrx's attention reads attn_config.rope_theta, which DbrxAttentionConfig (5.25) does not define; the generated
    tests supply it as the zoo does (checkpoints carry it), or a dbrx clone's suite fails 21 of 27 tests."""
    from transformers import DbrxConfig, DbrxModel, LlamaConfig, LlamaModel

    from scaffold.testing.tiny import find_missing_fields, supply_field

    config = shrink_config(DbrxConfig())
    found = find_missing_fields(config, DbrxModel)
    assert found == (("DbrxAttentionConfig", "rope_theta"),)
    assert "rope_theta" not in vars(config.attn_config)  # found on a copy
    assert supply_field(config, *found[0]) and config.attn_config.rope_theta == 10000.0
    with torch.device("meta"):
        DbrxModel(config)
    assert find_missing_fields(shrink_config(LlamaConfig()), LlamaModel) == ()
