"""The zoo child's input rules read from the model itself: the main input from forward, hidden states by
parameter name, patch grids, videos, widths a linear layer asks for, sessions labelled; and the shared
random_ids / random_pixels rules (vocabulary of both sides, code points, non-square images)."""

import pytest
import torch
from transformers import PretrainedConfig

from scaffold.zoo_child import NeedsSession, _feature_inputs, _label, _working_inputs


def test_main_input_falls_back_to_an_optional_forward_parameter_with_a_builder():
    """got_ocr2's vision encoder: inherited main_input_name 'input_ids', forward(pixel_values=None)."""

    class Encoder(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, pixel_values=None):
            return (pixel_values.mean(),)

    inputs = _working_inputs(Encoder(), PretrainedConfig(image_size=16, num_channels=3))
    assert set(inputs) == {"pixel_values"} and inputs["pixel_values"].shape == (2, 3, 16, 16)


def test_hidden_states_by_name_come_with_an_attention_mask_and_a_padding_mask():
    """idefics2's perceiver takes (context, attention_mask); gemma3n's audio encoder (audio_mel, audio_mel_mask)
    where True marks padding."""

    class Perceiver(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, context, attention_mask):
            assert context.shape[-1] == 12 and attention_mask.shape == context.shape[:2]
            assert bool(attention_mask.all())
            return (context,)

    class AudioEncoder(torch.nn.Module):
        main_input_name = "audio_mel"

        def forward(self, audio_mel, audio_mel_mask):
            assert audio_mel.shape[-1] == 20, "mel bins"
            assert audio_mel_mask.dtype == torch.bool and not bool(audio_mel_mask.any())
            return (audio_mel,)

    inputs = _working_inputs(Perceiver(), PretrainedConfig(hidden_size=12))
    assert inputs["context"].shape == (2, 7, 12)
    inputs = _working_inputs(AudioEncoder(), PretrainedConfig(hidden_size=12, input_feat_size=20))
    assert inputs["audio_mel"].shape == (2, 7, 20) and inputs["audio_mel_mask"].shape == (2, 7)


def test_a_width_a_linear_layer_refuses_is_refit_from_the_error():
    """muse_glimmer's context_hidden_states are hidden_size * len(target_layer_ids) wide."""

    class Assistant(torch.nn.Module):
        main_input_name = "noise_embeds"

        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(24, 12)

        def forward(self, noise_embeds, context_hidden_states):
            assert noise_embeds.shape[-1] == 12
            return (self.fc(context_hidden_states),)

    inputs = _working_inputs(Assistant(), PretrainedConfig(hidden_size=12))
    assert inputs["noise_embeds"].shape == (2, 7, 12) and inputs["context_hidden_states"].shape == (2, 7, 24)


def test_pixel_towers_with_a_grid_get_patches_grid_and_merge_sizes():
    """video_llama_3's vision tower: forward(pixel_values, grid_thw, merge_sizes); muse_spark names its
    temporal patch size patch_temporal."""

    class Tower(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values, grid_thw, merge_sizes):
            assert pixel_values.shape == (int(grid_thw.prod(-1).sum()), 3 * 2 * 16)
            assert merge_sizes.tolist() == [2, 2]
            return (pixel_values,)

    config = PretrainedConfig(num_channels=3, patch_temporal=2, patch_size=4, merge_size=2)
    inputs = _working_inputs(Tower(), config)
    assert inputs["grid_thw"].tolist() == [[1, 4, 4]] * 2


def test_patchified_pixels_get_position_ids():
    """gemma4's vision tower: forward(pixel_values, pixel_position_ids), (x, y) per patch."""

    class Tower(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values, pixel_position_ids):
            assert pixel_position_ids.shape == (*pixel_values.shape[:2], 2)
            return (pixel_values,)

    inputs = _working_inputs(Tower(), PretrainedConfig(num_channels=3, patch_size=4, num_patches=16))
    assert inputs["pixel_values"].shape == (2, 16, 48)
    assert inputs["pixel_position_ids"][0, :5].tolist() == [[0, 0], [1, 0], [2, 0], [3, 0], [0, 1]]


def test_videos_image_pairs_and_patch_cubes_are_candidates():
    """vjepa2 takes (batch, frames, channels, height, width); lightglue pairs of images; inkling's vision
    encoder one channels-last patch cube per row."""

    class Video(torch.nn.Module):
        main_input_name = "pixel_values_videos"

        def forward(self, pixel_values_videos):
            return (pixel_values_videos,)

    class Pairs(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values):
            assert pixel_values.dim() == 5 and pixel_values.shape[1] == 2
            return (pixel_values,)

    class Cubes(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values):
            assert pixel_values.dim() == 5 and pixel_values.shape[-1] == 3
            return (pixel_values,)

    video = _working_inputs(Video(), PretrainedConfig(crop_size=16, tubelet_size=2, num_channels=3))
    assert video["pixel_values_videos"].shape == (2, 4, 3, 16, 16)
    assert _working_inputs(Pairs(), PretrainedConfig(image_size=8))["pixel_values"].shape == (2, 2, 3, 8, 8)
    cubes = PretrainedConfig(temporal_patch_size=2, patch_size=4, num_channels=3)
    assert _working_inputs(Cubes(), cubes)["pixel_values"].shape == (8, 2, 4, 4, 3)


def test_required_companions_try_every_layout_and_codebook_ids():
    """pe_audio requires input_values as (batch, 1, samples); inkling's audio_input_ids are ids per codebook."""

    class TextAudio(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, input_values):
            assert input_values.dim() == 3, "channels first"
            return (input_ids,)

    class Codes(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, audio_input_ids):
            return (audio_input_ids,)

    assert _working_inputs(TextAudio(), PretrainedConfig(vocab_size=20))["input_values"].shape == (2, 1, 3200)
    codes = _working_inputs(Codes(), PretrainedConfig(num_codebooks=5, codebook_size=9))["audio_input_ids"]
    assert codes.shape == (2, 7, 5) and int(codes.max()) < 9


def test_a_session_object_is_labelled_not_counted_as_a_failure():
    class Tracker(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, inference_session, frame_idx=None):
            return (frame_idx,)

    with pytest.raises(NeedsSession, match="inference_session"):
        _working_inputs(Tracker(), PretrainedConfig())
    try:
        _working_inputs(Tracker(), PretrainedConfig())
    except NeedsSession as exc:
        from scaffold.zoo_child import NoTinySetup

        wrapped = NoTinySetup("no tiny setup")
        wrapped.__cause__ = exc
        assert _label(wrapped) == "needs a session object"


def test_random_ids_stay_below_both_vocabularies_and_read_code_points():
    """marian's decoder view reports decoder_vocab_size (58101) over a 99-row shared embedding; canine has no
    vocabulary (hashed Unicode code points)."""
    from transformers import CanineConfig, MarianConfig

    from scaffold.testing.families import CODEPOINT_VOCAB, random_ids

    marian = MarianConfig(vocab_size=99, decoder_vocab_size=58101)
    assert int(random_ids(marian, 4, 50).max()) < 99
    assert int(random_ids(CanineConfig(), 4, 50).max()) < CODEPOINT_VOCAB
    with pytest.raises(AttributeError, match="no vocab_size"):
        random_ids(PretrainedConfig(), 2, 3)


def test_random_pixels_honour_a_height_width_pair():
    from transformers import VitPoseBackboneConfig

    from scaffold.testing.families import random_pixels

    assert random_pixels(VitPoseBackboneConfig(image_size=[24, 16]), 2).shape == (2, 3, 24, 16)
    assert random_pixels(PretrainedConfig(image_size=8, num_channels=1), 2).shape == (2, 1, 8, 8)


def test_passages_are_given_when_forward_takes_them_without_a_retriever():
    """rag without a retriever asserts context_input_ids, context_attention_mask and doc_scores are passed."""

    class Rag(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids=None, context_input_ids=None, context_attention_mask=None, doc_scores=None):
            assert context_input_ids is not None, "Make sure that `context_input_ids` are passed"
            assert context_input_ids.shape[0] == doc_scores.numel() == context_attention_mask.shape[0]
            return (doc_scores,)

    config = PretrainedConfig(n_docs=3, generator=PretrainedConfig(vocab_size=11))
    inputs = _working_inputs(Rag(), config)
    assert inputs["context_input_ids"].shape == (2 * 3, 7) and int(inputs["context_input_ids"].max()) < 11


def test_byte_models_get_patch_indices_when_forward_takes_them():
    """blt's local encoder pools byte states into patches and fails on patch_ids=None."""

    class LocalEncoder(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids=None, num_patches=None, patch_ids=None):
            assert patch_ids is not None, "'NoneType' object has no attribute 'unsqueeze'"
            assert patch_ids.shape == input_ids.shape and int(patch_ids.max()) < num_patches
            assert bool((patch_ids.diff(dim=1) >= 0).all())
            return (input_ids,)

    inputs = _working_inputs(LocalEncoder(), PretrainedConfig(vocab_size=20))
    assert inputs["num_patches"] == 3


def test_required_side_ids_padding_and_an_image_grid_under_its_other_name_are_built():
    """instructblipvideo requires qformer_input_ids, timesfm past_values_padding (no input builder for
    required argument ...); inkling2's vision tower names its patch grid image_grid_thw."""

    class QFormerFed(torch.nn.Module):
        def forward(self, input_ids, qformer_input_ids):
            assert qformer_input_ids.dtype == torch.long and int(qformer_input_ids.max()) < 20
            return (input_ids.float(),)

    class Series(torch.nn.Module):
        main_input_name = "past_values"

        def forward(self, past_values, past_values_padding):
            assert past_values_padding.shape == past_values.shape and not bool(past_values_padding.any())
            return (past_values,)

    class GridTower(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values, image_grid_thw):
            assert pixel_values.shape[0] == int(image_grid_thw.prod(-1).sum())
            return (pixel_values,)

    assert _working_inputs(QFormerFed(), PretrainedConfig(vocab_size=20))["qformer_input_ids"].shape == (2, 7)
    assert set(_working_inputs(Series(), PretrainedConfig(context_length=8))) == {"past_values", "past_values_padding"}
    grid = _working_inputs(GridTower(), PretrainedConfig(patch_size=2, spatial_merge_size=2))["image_grid_thw"]
    assert grid.tolist() == [[1, 4, 4]] * 2


def test_clips_of_the_configured_length_and_one_channel_spectrograms_are_tried():
    """videomae's pixel_values are clips of num_frames frames (its position table has one row per tubelet
    patch); clap's input_features are a one-channel image, (batch, 1, frames, mel bins)."""

    class VideoModel(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values):
            assert pixel_values.dim() == 5 and pixel_values.shape[1] == 16, "a full clip"
            return (pixel_values,)

    class SpectrogramImage(torch.nn.Module):
        main_input_name = "input_features"

        def forward(self, input_features):
            assert input_features.dim() == 4 and input_features.shape[1] == 1 and input_features.shape[-1] == 20
            return (input_features,)

    config = PretrainedConfig(image_size=8, num_channels=3, num_frames=16, tubelet_size=2)
    assert _working_inputs(VideoModel(), config)["pixel_values"].shape == (2, 16, 3, 8, 8)
    features = _working_inputs(SpectrogramImage(), PretrainedConfig(num_mel_bins=20))["input_features"]
    assert features.shape[:2] == (2, 1)


def test_a_subsampled_width_a_linear_layer_refuses_scales_the_input_width():
    """gemma4_audio, cohere_asr: a conv stack turns 64 mel bins into 512 features where the projection takes
    1024 ('mat1 and mat2 shapes cannot be multiplied (40x512 and 1024x32)'): no input is 512 wide, the
    features are re-made twice as wide."""

    class Subsampling(torch.nn.Module):
        main_input_name = "input_features"

        def __init__(self):
            super().__init__()
            self.proj = torch.nn.Linear(8, 4)

        def forward(self, input_features):
            return (self.proj(input_features[..., ::4]),)

    features = _working_inputs(Subsampling(), PretrainedConfig(num_mel_bins=16))["input_features"]
    assert features.shape[-1] == 32


def test_several_images_per_text_come_with_the_mask_of_which_images_each_position_sees():
    """idefics takes (batch, images, channels, height, width) with image_attention_mask (batch, length, images);
    without it "'NoneType' object has no attribute 'size'"."""

    class Interleaved(torch.nn.Module):
        def forward(self, input_ids, pixel_values=None, image_attention_mask=None):
            assert pixel_values is not None and pixel_values.dim() == 5
            assert image_attention_mask.shape == (*input_ids.shape, pixel_values.shape[1])
            return (pixel_values,)

    inputs = _working_inputs(Interleaved(), PretrainedConfig(vocab_size=20, image_size=8, num_channels=3))
    assert bool(inputs["image_attention_mask"].all())


def test_feature_width_is_read_from_the_audio_sub_config_that_names_it():
    """cohere_asr keeps its 128 mel bins in encoder_config, neucodec its 160-wide stacked frames in
    semantic_model_config.feature_projection_input_dim: read from the top config, the width was 80."""

    class Encoder(torch.nn.Module):
        main_input_name = "input_features"

        def forward(self, input_features):
            assert input_features.shape[-1] == 160, "stacked frame width"
            return (input_features,)

    from transformers import CohereAsrConfig, NeuCodecConfig

    assert _working_inputs(Encoder(), NeuCodecConfig())["input_features"].shape == (2, 64, 160)
    assert _feature_inputs(None, CohereAsrConfig())[0]["input_features"].shape == (2, 128, 64)


def test_spectrograms_are_also_tried_as_one_channel_images():
    """clap's audio encoder takes (batch, 1, frames, mel bins) and batch-norms over the mel bins."""

    class Encoder(torch.nn.Module):
        main_input_name = "input_features"

        def __init__(self):
            super().__init__()
            self.norm = torch.nn.BatchNorm2d(12)

        def forward(self, input_features):
            return (self.norm(input_features.transpose(1, 3)),)

    inputs = _working_inputs(Encoder().eval(), PretrainedConfig(num_mel_bins=12))
    assert inputs["input_features"].shape == (2, 1, 64, 12)


def test_a_width_read_after_subsampling_is_refit_by_the_ratio_the_layer_asks_for():
    """gemma4's audio encoder flattens (mel bins / 4) x channels after two stride-2 convs into a linear layer
    sized for 128 bins: the input's mel width is scaled by wanted / given, not set to the layer's width."""

    class Encoder(torch.nn.Module):
        main_input_name = "input_features"

        def __init__(self):
            super().__init__()
            self.proj = torch.nn.Linear(32 * 8, 4)

        def forward(self, input_features):
            pooled = torch.nn.functional.avg_pool1d(input_features, 4)  # (batch, frames, bins / 4)
            return (self.proj(pooled.repeat_interleave(8, dim=-1)),)

    inputs = _working_inputs(Encoder(), PretrainedConfig(num_mel_bins=64))
    assert inputs["input_features"].shape[-1] == 128


def test_decoder_ids_carry_one_id_per_audio_channel_when_the_decoder_has_channels():
    """dia's decoder reads (batch, length, decoder_config.num_channels) ids: "shape '[2, 9, -1]' is invalid for
    input of size 10" with (batch, length) ids."""

    class EncoderDecoder(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, decoder_input_ids=None):
            return (decoder_input_ids.reshape(2, 3, -1).float(),)

    decoder = PretrainedConfig(num_channels=3, vocab_size=10)
    config = PretrainedConfig(is_encoder_decoder=True, vocab_size=10)
    config.decoder_config = decoder
    inputs = _working_inputs(EncoderDecoder(), config)
    assert inputs["decoder_input_ids"].shape == (2, 5, 3) and int(inputs["decoder_input_ids"].max()) < 10


def test_features_also_come_with_one_frame_per_hop_of_the_waveform():
    """xcodec2 concatenates semantic frames (from input_features) with acoustic ones (samples / hop_length):
    'Sizes of tensors must match except in dimension 1. Expected size 64 but got size 10'."""

    class Codec(torch.nn.Module):
        main_input_name = "input_values"

        def forward(self, input_values, input_features):
            acoustic = input_values.reshape(2, -1, 320).mean(-1, keepdim=True)  # (batch, frames, 1)
            return (torch.cat([input_features, acoustic], dim=-1),)

    inputs = _working_inputs(Codec(), PretrainedConfig(num_mel_bins=12, hop_length=320))
    assert inputs["input_features"].shape == (2, 3200 // 320, 12)


def test_a_model_without_forward_is_labelled_not_counted_as_a_failure():
    """bark's top model only generates: its forward is torch's unimplemented placeholder
    ("_forward_unimplemented() got an unexpected keyword argument 'input_ids'")."""
    from scaffold.zoo_child import NoTinySetup

    class GenerateOnly(torch.nn.Module):
        def generate(self, input_ids):
            return input_ids

    with pytest.raises(NotImplementedError) as caught:
        _working_inputs(GenerateOnly(), PretrainedConfig(vocab_size=10))
    wrapped = NoTinySetup("no tiny setup")
    wrapped.__cause__ = caught.value
    assert _label(wrapped) == "needs generate (no forward)"


def test_lagged_series_get_their_lags_of_history_and_time_features_as_long():
    """time_series_transformer: "lags cannot go further than history length, found lag 7 while history length is
    only 4", then "input length 4 and time feature lengths 0 does not match"."""

    class Series(torch.nn.Module):
        main_input_name = "past_values"

        def forward(self, past_values, past_time_features, past_observed_mask):
            assert past_values.shape[1] >= 4 + 7, "lags cannot go further than history length"
            assert past_time_features.shape[:2] == past_values.shape[:2] and past_time_features.shape[2] == 3
            return (past_values,)

    config = PretrainedConfig(context_length=4, lags_sequence=[1, 2, 7], num_time_features=3)
    inputs = _working_inputs(Series(), config)
    assert inputs["past_values"].shape[:2] == (2, 11)


def test_back_off_candidates_for_hard_coded_widths_and_token_ids():
    """bridgetower builds MultiheadAttention(hidden, hidden // 64): 0 heads of a 32-wide model; shieldgemma2 reads
    the logits of tokens 10784 and 3771 of a 99-token vocabulary (IndexError)."""
    from transformers import BridgeTowerConfig, BridgeTowerModel, ShieldGemma2Config

    from scaffold.zoo_child import _candidates

    wide = dict(_candidates(BridgeTowerConfig))["tiny, 64 wide, 32-wide heads"]
    inputs = _working_inputs(BridgeTowerModel(wide).eval(), wide)
    assert inputs["pixel_values"].shape[0] == inputs["input_ids"].shape[0] == 2
    kept = dict(_candidates(ShieldGemma2Config))["tiny, vocabulary kept"]
    assert kept.text_config.vocab_size > 10784 and kept.text_config.hidden_size == 32


def test_pixels_are_also_built_under_the_name_image():
    """bridgetower's vision model: "no input builder for required argument 'image'"."""

    class Vision(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, image, image_mask=None):
            assert image.ndim == 4 and image.shape[:2] == (2, 3)
            return (image,)

    inputs = _working_inputs(Vision(), PretrainedConfig(image_size=32, num_channels=3))
    assert set(inputs) == {"image"}


def test_a_head_pooling_over_a_long_window_gets_the_long_waveform():
    """wav2vec2's x-vector head: its dilated TDNN has no frames left on the usual 3200 samples."""
    from scaffold.zoo_child import AUDIO_SAMPLES, LONG_AUDIO_FACTOR

    class XVector(torch.nn.Module):
        main_input_name = "input_values"

        def forward(self, input_values):
            assert input_values.dim() == 2 and input_values.shape[1] > AUDIO_SAMPLES * 4, input_values.shape
            return (input_values.mean(-1),)

    inputs = _working_inputs(XVector(), PretrainedConfig())
    assert inputs["input_values"].shape == (2, AUDIO_SAMPLES * LONG_AUDIO_FACTOR)
