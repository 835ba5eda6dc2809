"""Counts the tiny config keeps consistent with its new sizes: an MLA head_dim = rope / partial_rotary_factor
(mistral4), num_blocks at most the layers (eomt), backbone_feature_sizes on the patch grid (sam3_tracker)."""

import torch
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.models.mistral4.modeling_mistral4 import Mistral4Model

from scaffold.testing.tiny import shrink_config


def test_mistral4_head_ropes_its_whole_rope_width():
    """'The size of tensor a (4) must match the size of tensor b (2)': head_dim 8 * 0.5 ropes 4 of 8 rope dims."""
    config = shrink_config(CONFIG_MAPPING["mistral4"]())
    factor = config.rope_parameters["partial_rotary_factor"]
    assert config.head_dim * factor == config.qk_rope_head_dim
    torch.manual_seed(0)
    model = Mistral4Model(config).eval()
    with torch.no_grad():
        out = model(input_ids=torch.randint(0, config.vocab_size, (2, 7)), use_cache=False)
    assert out.last_hidden_state.shape == (2, 7, config.hidden_size)


def test_deepseek_v3_head_dim_stays_the_rope_width():
    config = shrink_config(CONFIG_MAPPING["deepseek_v3"]())
    assert config.head_dim == config.qk_rope_head_dim


def test_eomt_query_blocks_are_at_most_the_layers():
    """eomt: 4 query blocks of 2 layers never add the queries ('expected input[2, 12, 4, 4] to have 32 channels')."""
    from transformers import EomtForUniversalSegmentation

    config = shrink_config(CONFIG_MAPPING["eomt"]())
    assert config.num_blocks == config.num_hidden_layers
    torch.manual_seed(0)
    model = EomtForUniversalSegmentation(config).eval()
    with torch.no_grad():
        out = model(pixel_values=torch.randn(2, 3, config.image_size, config.image_size))
    assert out.class_queries_logits.shape[:2] == (2, config.num_queries)


def test_sam3_tracker_feature_sizes_follow_the_tiny_patch_grid():
    """sam3_tracker: "shape '[2, -1, 288, 288]' is invalid for input of size 2048" (4 x 4 maps of a 32-pixel image)."""
    from transformers import Sam3TrackerModel

    config = shrink_config(CONFIG_MAPPING["sam3_tracker"]())
    vision = config.vision_config
    grid = vision.backbone_config.image_size // vision.backbone_config.patch_size
    assert min(min(size) for size in vision.backbone_feature_sizes) == grid
    torch.manual_seed(0)
    model = Sam3TrackerModel(config).eval()
    with torch.no_grad():
        out = model(
            pixel_values=torch.randn(2, 3, vision.backbone_config.image_size, vision.backbone_config.image_size)
        )
    assert out.pred_masks.shape[0] == 2
