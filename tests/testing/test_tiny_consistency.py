"""shrink_config's consistency rules for configs whose validators or constructors refused the plain shrink.

Each case failed before its rule existed (the error is in the test's docstring). The config class is built from
the shrunk values (its validators run) and the model is built and run on it, so a test passes only when the
transformers model accepts the tiny config.
"""

from __future__ import annotations

import pytest
import torch
from transformers import (
    DoryConfig,
    DoryModel,
    FalconH1Config,
    FalconH1Model,
    FunnelConfig,
    FunnelModel,
    Gemma3nTextConfig,
    Gemma3nTextModel,
    Mamba2Config,
    Mamba2Model,
    Molmo2Config,
    ProphetNetConfig,
    ProphetNetModel,
    TimeSeriesTransformerConfig,
    TimeSeriesTransformerModel,
    Zamba2Config,
    Zamba2Model,
)
from tiny_helpers import ids as _ids
from tiny_helpers import rebuilt as _rebuilt
from transformers.models.auto.configuration_auto import CONFIG_MAPPING

from scaffold.testing.tiny import SERIES_HORIZON, TinySizes, shrink_config


def _runs(model_class, config, **inputs):
    torch.manual_seed(0)
    with torch.no_grad():
        return model_class(config).eval()(**inputs)


@pytest.mark.parametrize(
    ("config_class", "model_class", "expand", "heads", "head"),
    [
        # "hidden_size * expand (64) must equal num_heads * head_dim (32)"
        (Mamba2Config, Mamba2Model, "expand", "num_heads", "head_dim"),
        # "The dimensions for the Mamba head state do not match the model intermediate_size" (mamba_d_ssm 1024)
        (FalconH1Config, FalconH1Model, "mamba_expand", "mamba_n_heads", "mamba_d_head"),
        # "shape '[2, 7, 8, 640]' is invalid": mamba_headdim stayed 2 * 2560 / 8
        (Zamba2Config, Zamba2Model, "mamba_expand", "n_mamba_heads", "mamba_headdim"),
    ],
)
def test_mamba_heads_split_the_inner_width_in_every_naming(config_class, model_class, expand, heads, head) -> None:
    config = _rebuilt(config_class, shrink_config(config_class()))
    assert getattr(config, heads) * getattr(config, head) == getattr(config, expand) * config.hidden_size
    out = _runs(model_class, config, input_ids=_ids(config.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape == (2, 5, config.hidden_size)


def test_an_explicit_mamba_inner_width_follows_the_hidden_size() -> None:
    """falcon_h1: mamba_d_ssm 1024 stayed the full model's inner width against expand * hidden 64."""
    config = _rebuilt(FalconH1Config, shrink_config(FalconH1Config()))
    assert config.mamba_d_ssm == config.mamba_expand * config.hidden_size


def test_time_series_configs_get_a_horizon() -> None:
    """time_series_transformer, autoformer, informer: "The `prediction_length` config needs to be specified"."""
    config = _rebuilt(TimeSeriesTransformerConfig, shrink_config(TimeSeriesTransformerConfig()))
    assert config.prediction_length == config.context_length == SERIES_HORIZON
    history = config.context_length + max(config.lags_sequence)
    values = torch.randn(2, history, generator=torch.Generator().manual_seed(0))
    out = _runs(
        TimeSeriesTransformerModel,
        config,
        past_values=values,
        past_time_features=torch.zeros(2, history, config.num_time_features),
        past_observed_mask=torch.ones_like(values),
    )
    assert out.encoder_last_hidden_state.shape[:2] == (2, config.context_length)


def test_layer_counts_the_config_derives_are_left_to_it() -> None:
    """prophetnet: setting num_hidden_layers raised NotImplementedError; its encoder layers are
    num_encoder_layers, which now shrinks."""
    config = _rebuilt(ProphetNetConfig, shrink_config(ProphetNetConfig()))
    assert (config.num_encoder_layers, config.num_decoder_layers) == (2, 2)
    assert config.num_encoder_attention_heads == config.num_decoder_attention_heads == 4
    out = _runs(ProphetNetModel, config, input_ids=_ids(config.vocab_size), decoder_input_ids=_ids(config.vocab_size))
    assert out.last_hidden_state.shape[0] == 2


def test_block_sizes_keep_every_block() -> None:
    """funnel: num_hidden_layers is the sum of block_sizes [4, 4, 4] and refuses to be set
    (NotImplementedError): each block keeps one layer."""
    config = _rebuilt(FunnelConfig, shrink_config(FunnelConfig()))
    assert config.block_sizes == [1, 1, 1]
    out = _runs(FunnelModel, config, input_ids=_ids(config.vocab_size))
    assert out.last_hidden_state.shape[0] == 2


def test_kv_shared_layers_leave_a_producer_of_every_kind() -> None:
    """gemma3n_text: 15 of 30 layers sharing keys left no producing layer among 2 ("The set of layer types
    producing a cache is different than the set of layer types using them")."""
    config = _rebuilt(Gemma3nTextConfig, shrink_config(Gemma3nTextConfig()))
    unshared = config.layer_types[: config.num_hidden_layers - config.num_kv_shared_layers]
    assert set(unshared) == set(config.layer_types)
    out = _runs(Gemma3nTextModel, config, input_ids=_ids(config.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape[:2] == (2, 5)


def test_all_shared_layers_stay_all_shared() -> None:
    """gemma4_unified_assistant shares all 30 layers: 30 shared of 2 layers broke kv_sharing_modes."""
    config = CONFIG_MAPPING["gemma4_unified_assistant"]()
    tiny = _rebuilt(type(config), shrink_config(config))
    assert tiny.text_config.num_kv_shared_layers == tiny.text_config.num_hidden_layers == 2
    assert tiny.text_config.kv_sharing_modes == ["reuse", "reuse"]


def test_feature_layers_index_the_tiny_tower() -> None:
    """molmo2: "adapter_config.vision_feature_layer [24, 18] must index the 2 layers of vision_config"."""
    config = _rebuilt(Molmo2Config, shrink_config(Molmo2Config()))
    assert config.adapter_config.vision_feature_layer == [1, 0]


def test_layer_parts_add_up_to_the_layer_count() -> None:
    """dory: "n_input_layers + n_recurrent_layers + n_output_layers must equal num_hidden_layers" (8 + 20 + 8)."""
    config = _rebuilt(DoryConfig, shrink_config(DoryConfig()))
    assert (config.n_input_layers, config.n_recurrent_layers, config.n_output_layers) == (1, 1, 1)
    assert config.num_hidden_layers == len(config.layer_types) == 3
    out = _runs(DoryModel, config, input_ids=_ids(config.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape[:2] == (2, 5)


def test_window_count_tiles_the_tiny_image() -> None:
    """lw_detr: "image_size has to be divisible by num_windows" for 16 windows of a 32-pixel image."""
    config = CONFIG_MAPPING["lw_detr"]()
    tiny = _rebuilt(type(config), shrink_config(config))
    assert tiny.backbone_config.num_windows == 4


def test_no_rope_sections_for_a_config_without_rope() -> None:
    """cohere_compass: mrope_section added to its empty rope_parameters failed the strict field check."""
    config = CONFIG_MAPPING["cohere_compass_text"]()
    tiny = _rebuilt(type(config), shrink_config(config))
    assert "mrope_section" not in (tiny.rope_parameters or {})


def test_a_bottleneck_keeps_its_ratio_to_the_hidden_size() -> None:
    """fun_asr_nano: "adaptor_config.intermediate_size (64) must equal text_config.hidden_size // 4 (8)"."""
    config = CONFIG_MAPPING["fun_asr_nano"]()
    tiny = _rebuilt(type(config), shrink_config(config))
    assert tiny.adaptor_config.intermediate_size == tiny.text_config.hidden_size // 4 == 8


def test_unset_placeholder_ids_index_a_kept_vocabulary() -> None:
    """A vocabulary the sizes keep (the zoo's "vocabulary kept" candidate) is the bound of the placeholder ids
    set for unset ones, not the sizes' own vocabulary."""
    from transformers import Blip2Config

    tiny = shrink_config(Blip2Config(), TinySizes(vocab=1 << 30))
    assert tiny.image_token_index < tiny.text_config.vocab_size


def test_indexer_heads_and_derived_layer_indices_follow_the_cut() -> None:
    """kolibri1_1 (at 16-wide heads, which its NVFP4 rounding needs): "`index_layers` must be increasing
    indexed-attention layers, got [4, 14, 19, 29]", then "`index_num_heads` must be between 1 and the number of
    query heads of key head 0"."""
    from transformers import Kolibri1_1Config, Kolibri1_1Model

    config = _rebuilt(Kolibri1_1Config, shrink_config(Kolibri1_1Config(), TinySizes(hidden=64, heads=2)))
    indexed = [i for i, kind in enumerate(config.layer_types) if kind == "indexed_attention"]
    assert config.index_layers == indexed[:1] and config.index_num_heads == 1
    out = _runs(Kolibri1_1Model, config, input_ids=_ids(config.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape[:2] == (2, 5)
