"""Inputs the zoo child builds for forwards that take optional arguments they read as given (minicpm's
target_sizes, the qwen omni audio encoders' feature_lens, audioflamingo3's input_features_mask) and refits
after an elementwise size mismatch (fun_asr_nano). Each on the real transformers class, tiny config."""

import torch
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.models.audioflamingo3.modeling_audioflamingo3 import AudioFlamingo3Encoder
from transformers.models.fun_asr_nano.modeling_fun_asr_nano import FunAsrNanoEncoder
from transformers.models.minicpm_ocr.modeling_minicpm_ocr import MiniCPMOcrVisionModel
from transformers.models.qwen2_5_omni.modeling_qwen2_5_omni import Qwen2_5OmniAudioEncoder

from scaffold.testing.tiny import shrink_config
from scaffold.zoo_child import _working_inputs


def _tiny(model_class, model_type):
    config = shrink_config(CONFIG_MAPPING[model_type]())
    torch.manual_seed(0)
    return model_class(config).eval(), config


def test_minicpm_vision_gets_packed_patches_and_their_grids():
    """'NoneType' object has no attribute 'device': forward(pixel_values, target_sizes=None) packs images."""
    model, config = _tiny(MiniCPMOcrVisionModel, "minicpm_ocr_vision")
    inputs = _working_inputs(model, config)
    side = config.image_size // config.patch_size
    assert inputs["target_sizes"].tolist() == [[side, side]] * 2
    assert inputs["pixel_values"].shape == (1, config.num_channels, config.patch_size, config.patch_size * 2 * side**2)


def test_qwen_omni_audio_encoder_gets_its_frames_in_one_row_with_their_lengths():
    """unsupported operand type(s) for /: 'NoneType' and 'int' (feature_lens unset)."""
    model, config = _tiny(Qwen2_5OmniAudioEncoder, "qwen2_5_omni_audio_encoder")
    inputs = _working_inputs(model, config)
    frames = int(inputs["feature_lens"][0])
    assert inputs["feature_lens"].tolist() == [frames, frames]
    assert inputs["input_features"].shape == (config.num_mel_bins, 2 * frames)


def test_audioflamingo3_encoder_gets_a_mask_over_its_frames():
    """'NoneType' object has no attribute 'sum' (input_features_mask unset)."""
    model, config = _tiny(AudioFlamingo3Encoder, "audioflamingo3_encoder")
    inputs = _working_inputs(model, config)
    features, mask = inputs["input_features"], inputs["input_features_mask"]
    assert mask.shape == (features.shape[0], features.shape[-1]) and bool(mask.all())


def test_a_size_an_elementwise_op_refuses_is_refit_from_the_error():
    """fun_asr_nano: features 560 wide (mel bins * stacked frames), at most 63 frames (its positions)."""
    model, config = _tiny(FunAsrNanoEncoder, "fun_asr_nano_encoder")
    inputs = _working_inputs(model, config)
    assert inputs["input_features"].shape[-1] == config.num_mel_bins * config.num_stacked_frames
    assert inputs["input_features"].shape[1] < config.max_position_embeddings
    assert inputs["input_features_mask"].shape == inputs["input_features"].shape[:2]


def test_feature_map_lists_come_as_one_level_with_their_position_embeddings():
    """sam3's DETR encoder zips vision_features with vision_pos_embeds ('NoneType' object is not iterable); its
    mask decoder reshapes encoder states into the last backbone map."""
    from transformers.models.sam3.modeling_sam3 import Sam3DetrEncoder, Sam3MaskDecoder

    model, config = _tiny(Sam3DetrEncoder, "sam3_detr_encoder")
    inputs = _working_inputs(model, config)
    assert isinstance(inputs["vision_features"], list) and isinstance(inputs["vision_pos_embeds"], list)
    assert inputs["vision_pos_embeds"][0].shape == inputs["vision_features"][0].shape
    model, config = _tiny(Sam3MaskDecoder, "sam3_mask_decoder")
    inputs = _working_inputs(model, config)
    assert [t.dim() for t in inputs["backbone_features"]] == [4]


def test_speecht5_without_pre_nets_takes_hidden_states_on_both_sides():
    """Given normalized_shape=[32], expected input with shape [*, 32], but got input of size [2, 3200]."""
    from transformers import SpeechT5Model

    model, config = _tiny(SpeechT5Model, "speecht5")
    inputs = _working_inputs(model, config)
    assert inputs["input_values"].shape[-1] == inputs["decoder_input_values"].shape[-1] == config.hidden_size


def test_a_video_clip_is_also_tried_as_frames_in_rows():
    """xclip's vision tower: batch = rows // num_frames ('shape [0, 8, 32] is invalid')."""
    from transformers import XCLIPVisionModel

    model, config = _tiny(XCLIPVisionModel, "xclip_vision_model")
    assert _working_inputs(model, config)["pixel_values"].shape[0] == 2 * config.num_frames


def test_optional_states_forward_reads_are_filled_and_refit():
    """moshi's depth decoder projects last_hidden_state with per-codebook weights 4096 wide (a bmm refuses 32);
    blt's local decoder projects patch_embeds (linear(): argument 'input' must be Tensor, not NoneType)."""
    from transformers.models.blt.modeling_blt import BltLocalDecoder
    from transformers.models.moshi.modeling_moshi import MoshiDepthDecoder

    model, config = _tiny(MoshiDepthDecoder, "moshi_depth")
    assert _working_inputs(model, config)["last_hidden_state"].shape[-1] == config.input_size
    model, config = _tiny(BltLocalDecoder, "blt_local_decoder")
    assert "patch_embeds" in _working_inputs(model, config)


def test_grid_patches_are_also_tried_as_small_images_and_as_merged_tiles():
    """kimi_k25's vision tower embeds each patch with a conv2d ('Expected 3D or 4D input to conv2d, got
    [32, 192]'); inkling2's takes one (merge * patch)^2 tile per merged token, channels last."""
    from transformers.models.inkling2.modeling_inkling2 import Inkling2VisionModel
    from transformers.models.kimi_k25.modeling_kimi_k25 import Kimi_K25VisionModel

    model, config = _tiny(Kimi_K25VisionModel, "kimi_k25_vision")
    assert _working_inputs(model, config)["pixel_values"].dim() == 4
    model, config = _tiny(Inkling2VisionModel, "inkling2_vision")
    pixels = _working_inputs(model, config)["pixel_values"]
    tile = config.spatial_merge_size * config.patch_size
    assert pixels.shape[1:] == (tile, tile, 3)


def test_patches_as_rows_for_a_config_that_fixes_its_patch_count():
    """molmo2's vision tower: 'mat1 and mat2 shapes cannot be multiplied (2268x378 and 192x32)' on images."""
    from transformers.models.molmo2.modeling_molmo2 import Molmo2VisionModel

    model, config = _tiny(Molmo2VisionModel, "molmo2_vision")
    pixels = _working_inputs(model, config)["pixel_values"]
    assert pixels.shape == (2, config.num_position_embeddings, config.num_channels * config.patch_size**2)


def test_pi0_gets_cameras_prompt_and_a_full_action_chunk_together():
    """pi0: 'NoneType' object has no attribute 'shape' (pixel_attention_mask) with images alone,
    'get_seq_length' of None with ids alone, negative sizes with fewer action states than its chunk."""
    from transformers import PI0Model

    model, config = _tiny(PI0Model, "pi0")
    inputs = _working_inputs(model, config)
    assert inputs["action_embeds"].shape[1] == config.chunk_size
    assert inputs["pixel_attention_mask"].shape == inputs["pixel_values"].shape[:2]
    assert "input_ids" in inputs
