"""every_width rules that bring a model under the zoo's 40M parameter budget and keep it running, each checked on
the real transformers config class by building the model and running it. Every case failed before its rule (the
error or parameter count is in the test's docstring)."""

from __future__ import annotations

import torch
import transformers
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.models.qwen2_5_omni import modeling_qwen2_5_omni

from scaffold.testing.tiny import TinySizes, shrink_config

BUDGET = 40_000_000  # scaffold.zoo_child.PARAMETER_BUDGET, written out: the test must not follow a change of it


def _tiny(model_type: str):
    config_class = CONFIG_MAPPING[model_type]
    data = shrink_config(config_class(), TinySizes(every_width=True)).to_dict()
    data.pop("model_type", None)
    return config_class(**data)


def _built(model_class, config):
    with torch.device("meta"):
        assert sum(p.numel() for p in model_class(config).parameters()) < BUDGET, model_class.__name__
    torch.manual_seed(0)
    return model_class(config).eval()


def test_width_tuples_under_a_table_name_are_divided() -> None:
    """florence_vision: embed_dim is the tuple (128, 256, 512, 1024) and depths (1, 1, 9, 1): 90M parameters."""
    config = _tiny("florence_vision")
    assert list(config.embed_dim) == [64, 128, 256, 512] and list(config.depths) == [1, 1, 2, 1]
    with torch.no_grad():
        out = _built(transformers.Florence2VisionBackbone, config)(torch.randn(1, 3, 32, 32))
    assert out.last_hidden_state.shape[:2] == (1, 512)


def test_d_prefixed_widths_are_widths() -> None:
    """perceiver: d_latents 1280 over 26 self-attention layers, 259M parameters."""
    config = _tiny("perceiver")
    assert config.d_latents == 32
    with torch.no_grad():
        out = _built(transformers.PerceiverModel, config)(inputs=torch.randn(2, 7, config.d_model))
    assert out.last_hidden_state.shape == (2, config.num_latents, 32)


def test_efficientnet_widths_follow_the_width_coefficient() -> None:
    """efficientnet: hidden_dim 2560 = round_filters(1280) at width_coefficient 2.0; shrunk to 32 with the
    coefficient reset: 'running_mean should contain 1280 elements not 32'."""
    config = _tiny("efficientnet")
    assert (config.width_coefficient, config.hidden_dim) == (1.0, 1280)
    with torch.no_grad():
        out = _built(transformers.EfficientNetModel, config)(torch.randn(2, 3, 32, 32))
    assert out.pooler_output.shape == (2, 1280)


def test_align_image_embedding_matches_the_projection_and_stays_finite() -> None:
    """align: the last stage's width (round_filters(320)) must equal the tiny projection_dim; at the tiny width
    with std 0.02 weights its pooled embeddings underflow and every logit is NaN."""
    config = _tiny("align")
    assert max(config.vision_config.out_channels) == config.projection_dim
    model = _built(transformers.AlignModel, config)
    ids = torch.randint(3, config.text_config.vocab_size, (2, 7), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = model(input_ids=ids, pixel_values=torch.randn(2, 3, 32, 32))
    assert out.logits_per_image.shape == (2, 2) and bool(out.logits_per_image.isfinite().all())


def test_clip_geometry_follows_the_tiny_image() -> None:
    """tvp: frames padded to max_img_size 448 with a 96-wide prompt, 48 of them: 'The size of tensor a (32)
    must match the size of tensor b (448)'. (Batch 1: tvp's grid position embeddings refuse a batch of 2.)"""
    config = _tiny("tvp")
    assert (config.max_img_size, config.visual_prompt_size, config.num_frames) == (128, 27, 2)
    model = _built(transformers.TvpModel, config)
    with torch.no_grad():
        out = model(input_ids=torch.randint(3, 50, (1, 7)), pixel_values=torch.randn(1, 2, 3, 128, 128))
    assert out.last_hidden_state.shape[-1] == config.hidden_size


def test_a_vq_code_grid_follows_the_tiny_image() -> None:
    """janus_vqgan: num_patches 32 asks for 1024 codes where a 32-pixel image gives 4: 'Expected image_tokens to
    have shape (batch_size, 1024)'."""
    config = _tiny("janus_vqgan")
    assert config.num_patches == 2
    with torch.no_grad():
        out = _built(transformers.JanusVQVAE, config)(torch.randn(2, 3, 32, 32))
    assert out.decoded_pixel_values.shape == (2, 3, 32, 32)


def test_a_vocoder_keeps_a_channel_for_each_upsampling_stage() -> None:
    """qwen2_5_omni_bigvgan: six upsample_rates halve upsample_initial_channel 32 down to 0: 'could not create a
    primitive descriptor for the deconvolution'."""
    config = _tiny("qwen2_5_omni_bigvgan")
    assert config.upsample_initial_channel == 64
    model = _built(modeling_qwen2_5_omni.Qwen2_5OmniToken2WavBigVGANModel, config)
    with torch.no_grad():
        out = model(torch.randn(2, config.mel_dim, 8))
    assert out.shape[-1] == 8 * 5 * 3 * 2 * 2 * 2 * 2
