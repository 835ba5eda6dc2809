"""mrope sections a model falls back to in its code when the config has none (ernie4_5_vl_moe, paddleocr_vl):
the tiny config carries them scaled to the tiny head, equal sections kept equal. Built on the real classes."""

import torch
from transformers import Ernie4_5_VLMoeConfig, PaddleOCRVLConfig
from transformers.models.ernie4_5_vl_moe.modeling_ernie4_5_vl_moe import Ernie4_5_VLMoeTextModel
from transformers.models.paddleocr_vl.modeling_paddleocr_vl import PaddleOCRTextModel

from scaffold.testing.tiny import _code_sections, scaled_sections, shrink_config


def _run(model_class, text_config) -> torch.Tensor:
    torch.manual_seed(0)
    model = model_class(text_config).eval()
    ids = torch.randint(0, text_config.vocab_size, (2, 7))
    with torch.no_grad():
        return model(input_ids=ids, use_cache=False).last_hidden_state


def test_paddleocr_gets_the_sections_its_code_defaults_to_scaled_to_the_tiny_head():
    """paddleocr_vl: split_with_sizes expects split_sizes to sum exactly to 4, got [16, 24, 24] (its code's
    default, not in the config; the key is not among those the config lets through, but the text model reads it)."""
    text = shrink_config(PaddleOCRVLConfig()).text_config
    assert _code_sections(text) == [16, 24, 24]
    assert sum(text.rope_parameters["mrope_section"]) == text.head_dim // 2
    assert _run(PaddleOCRTextModel, text).shape == (2, 7, text.hidden_size)


def test_ernie_keeps_its_equal_h_and_w_sections_equal():
    """ernie4_5_vl_moe: stack expects each tensor to be equal size, got [2, 7, 2] and [2, 7, 1] ([22, 22, 20]
    scaled to [2, 1, 1])."""
    text = shrink_config(Ernie4_5_VLMoeConfig()).text_config
    first, second, _ = text.rope_parameters["mrope_section"]
    assert first == second
    assert _run(Ernie4_5_VLMoeTextModel, text).shape == (2, 7, text.hidden_size)


def test_keep_equal_gives_the_remainder_to_a_group_of_equal_sections_only_when_it_fits():
    assert scaled_sections([22, 22, 20], 4) == [2, 1, 1]  # without: the largest shortfall first
    assert scaled_sections([22, 22, 20], 4, keep_equal=True) == [1, 1, 2]
    assert scaled_sections([16, 24, 24], 8, keep_equal=True) == [2, 3, 3]
    assert scaled_sections([1, 1, 1], 4, keep_equal=True) == [2, 1, 1]  # no group fits: as without
