"""The zoo child's inputs read off the config, forward's annotations and the model's own refusals: frame-wise
spectrograms and latents, decoder ids per codebook, required counts, ids, lengths, prompt images and optional
arguments, images refitted to the size the model names, optional inputs the model says it needs, image
positions in the text, image tiles and whole audio tokens."""

import torch
from transformers import MusicgenConfig, PretrainedConfig

from scaffold.zoo_child import _decoder_ids, _text_config, _working_inputs


def test_spectrograms_and_latents_are_frame_wise_states_of_the_configured_width():
    """hifigan vocoders take (batch, frames, model_in_dim); codec decoders (batch, latent_dim, frames)."""

    class Vocoder(torch.nn.Module):
        main_input_name = "spectrogram"

        def forward(self, spectrogram):
            assert spectrogram.shape[-1] == 10, "model_in_dim mel bins, frames first"
            return (spectrogram.sum(-1),)

    class CodecDecoder(torch.nn.Module):
        main_input_name = "latents"

        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv1d(6, 2, 1)

        def forward(self, latents):
            return (self.conv(latents),)

    assert _working_inputs(Vocoder(), PretrainedConfig(model_in_dim=10))["spectrogram"].shape == (2, 8, 10)
    assert _working_inputs(CodecDecoder(), PretrainedConfig(latent_dim=6))["latents"].shape == (2, 6, 8)


def test_a_config_with_two_text_configs_reads_its_decoder_and_gets_ids_per_codebook():
    """musicgen: text_encoder and decoder; the decoder reads (batch * num_codebooks, length) ids."""
    config = MusicgenConfig()
    assert _text_config(config) is config.decoder
    ids = _decoder_ids(config)
    assert ids.shape == (2 * config.decoder.num_codebooks, 5)
    assert int(ids.max()) < config.decoder.vocab_size


def test_required_counts_embedding_indices_and_sample_lengths_are_built():
    """deepseek_ocr2's num_patches (an int), timesfm's freq (below freq_size), dots3_note's chunk_sample_lengths
    (frames * hop_length)."""

    class Encoder(torch.nn.Module):
        main_input_name = "inputs_embeds"

        def forward(self, inputs_embeds, num_patches: int):
            assert isinstance(num_patches, int) and 0 < num_patches < inputs_embeds.shape[1]
            return (inputs_embeds,)

    class Forecaster(torch.nn.Module):
        main_input_name = "past_values"

        def forward(self, past_values, freq):
            assert freq.shape == (past_values.shape[0], 1) and int(freq.max()) < 3
            return (past_values,)

    class Audio(torch.nn.Module):
        main_input_name = "input_features"

        def forward(self, input_features, chunk_sample_lengths):
            assert chunk_sample_lengths.tolist() == [input_features.shape[-1] * 16] * input_features.shape[0]
            return (input_features,)

    assert isinstance(_working_inputs(Encoder(), PretrainedConfig(hidden_size=12))["num_patches"], int)
    assert _working_inputs(Forecaster(), PretrainedConfig(freq_size=3))["freq"].shape == (2, 1)
    inputs = _working_inputs(Audio(), PretrainedConfig(num_mel_bins=8, hop_length=16))
    assert inputs["chunk_sample_lengths"].shape == (2,)


def test_prompt_images_task_tokens_and_arguments_that_may_be_none_are_built():
    """seggpt's prompt image and mask are shaped like its image; oneformer's task_inputs are task_seq_len
    tokens; phi4_multimodal's audio mask is required but typed ``Tensor | None``."""

    class Segmenter(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values, prompt_pixel_values, prompt_masks, task_inputs):
            assert prompt_pixel_values.shape == prompt_masks.shape == pixel_values.shape
            assert task_inputs.shape == (pixel_values.shape[0], 5)
            return (pixel_values,)

    class AudioEncoder(torch.nn.Module):
        main_input_name = "hidden_states"

        def forward(self, hidden_states, mask: torch.Tensor | None):
            assert mask is None and hidden_states.shape[-1] == 80
            return (hidden_states,)

    inputs = _working_inputs(Segmenter(), PretrainedConfig(image_size=16, num_channels=3, task_seq_len=5))
    assert set(inputs) == {"pixel_values", "prompt_pixel_values", "prompt_masks", "task_inputs"}
    inputs = _working_inputs(AudioEncoder(), PretrainedConfig(hidden_size=12, input_size=80))
    assert inputs["mask"] is None


def test_images_are_refit_to_the_size_the_model_names_in_its_error():
    """vitpose's 256x192 when the config names none; seggpt stacks its prompt over its image (both halved)."""

    class Stacked(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values, prompt_pixel_values):
            stacked = torch.cat([pixel_values, prompt_pixel_values], dim=2)
            height, width = stacked.shape[-2:]
            if (height, width) != (48, 24):
                raise ValueError(f"Input image size ({height}*{width}) doesn't match model (48*24).")
            return (stacked,)

    inputs = _working_inputs(Stacked(), PretrainedConfig(num_channels=3))
    assert inputs["pixel_values"].shape[-2:] == inputs["prompt_pixel_values"].shape[-2:] == (24, 24)


def test_an_optional_input_the_model_says_it_needs_is_added_at_the_width_the_config_names():
    """lxmert: visual_feats (visual_feat_dim) then visual_pos (visual_pos_dim), each asked for in turn."""

    class CrossModal(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids=None, inputs_embeds=None, visual_feats=None, visual_pos=None):
            for name, value in (("visual_feats", visual_feats), ("visual_pos", visual_pos)):
                if value is None:
                    raise ValueError(f"`{name}` cannot be `None`")
            return (visual_feats.sum(-1) + visual_pos.sum(-1),)

    inputs = _working_inputs(CrossModal(), PretrainedConfig(vocab_size=20, visual_feat_dim=6, visual_pos_dim=4))
    assert inputs["visual_feats"].shape[-1] == 6 and inputs["visual_pos"].shape[-1] == 4


def test_text_with_an_image_gets_room_for_the_image_queries():
    """kosmos-2 writes latent_query_num image embeddings where image_embeds_position_mask is 1."""

    class Grounded(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values=None, input_ids=None, image_embeds_position_mask=None):
            if input_ids is None:
                raise ValueError("You have to specify either input_ids or inputs_embeds")
            assert image_embeds_position_mask.shape == input_ids.shape
            assert image_embeds_position_mask.sum(-1).tolist() == [3] * input_ids.shape[0]
            return (pixel_values,)

    config = PretrainedConfig(vocab_size=20, image_size=16, num_channels=3, latent_query_num=3)
    inputs = _working_inputs(Grounded(), config)
    assert inputs["input_ids"].shape[1] > 3


def test_tiled_images_come_with_their_aspect_ratio_and_tile_mask():
    """mllama's vision tower: (batch, images, tiles, channels, side, side)."""

    class Tiled(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, pixel_values, aspect_ratio_ids, aspect_ratio_mask):
            batch, images, tiles = pixel_values.shape[:3]
            assert aspect_ratio_ids.shape == (batch, images) and int(aspect_ratio_ids.min()) >= 1
            assert aspect_ratio_mask.shape == (batch, images, tiles)
            return (pixel_values,)

    inputs = _working_inputs(Tiled(), PretrainedConfig(image_size=16, num_channels=3, max_num_tiles=2))
    assert inputs["pixel_values"].shape == (2, 1, 2, 3, 16, 16)


def test_audio_is_also_tried_in_whole_tokens_of_samples():
    """muse_spark's audio encoder refuses a waveform that is not a multiple of samples_per_token."""

    class Tokenizer(torch.nn.Module):
        main_input_name = "input_values"

        def forward(self, input_values):
            if input_values.shape[-1] % 96:
                raise ValueError("not a multiple of 96")
            return (input_values,)

    assert _working_inputs(Tokenizer(), PretrainedConfig(samples_per_token=96))["input_values"].shape[-1] % 96 == 0


def test_a_decoder_gets_encoder_states_of_its_cross_hidden_size():
    """dia's decoder names the width of what it cross-attends to cross_hidden_size."""

    class Decoder(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, encoder_hidden_states=None):
            if encoder_hidden_states is None:
                raise AttributeError("'NoneType' object has no attribute 'shape'")
            assert encoder_hidden_states.shape[-1] == 9
            return (encoder_hidden_states,)

    inputs = _working_inputs(Decoder(), PretrainedConfig(vocab_size=20, cross_hidden_size=9))
    assert inputs["encoder_hidden_states"].shape[-1] == 9


def test_a_text_length_the_model_adds_to_is_refit_from_the_error():
    """voxtral_realtime adds one audio embedding per text position: 8 of them, so 8 ids."""

    class Streaming(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids):
            audio = torch.zeros(input_ids.shape[0], 8)
            return (input_ids.float() + audio,)

    assert _working_inputs(Streaming(), PretrainedConfig(vocab_size=20))["input_ids"].shape == (2, 8)


def test_grid_patches_are_also_tried_as_one_sequence_of_square_patches():
    """paddleocr_vl's vision tower: (1, patches, channels, patch, patch) with grid_thw."""

    class Tower(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values, grid_thw):
            batch, patches, channels, height, width = pixel_values.shape
            assert patches == int(grid_thw.prod(-1).sum()) and (channels, height, width) == (3, 4, 4)
            return (pixel_values,)

    config = PretrainedConfig(patch_size=4, num_channels=3, spatial_merge_size=1)
    assert _working_inputs(Tower(), config)["pixel_values"].dim() == 5


def test_an_attention_mask_is_added_when_the_model_fails_on_its_absence():
    """kosmos-2.5's vision encoder reads its expanded mask whether or not it built one."""

    class Encoder(torch.nn.Module):
        main_input_name = "hidden_states"

        def forward(self, hidden_states, attention_mask=None):
            if attention_mask is None:
                raise UnboundLocalError("cannot access local variable 'expanded_attn_mask'")
            assert attention_mask.shape == hidden_states.shape[:2] and bool(attention_mask.all())
            return (hidden_states,)

    assert "attention_mask" in _working_inputs(Encoder(), PretrainedConfig(hidden_size=12))


def test_features_are_also_tried_in_one_window_with_their_frame_mask():
    """qwen3_asr's encoder attends in chunks of 2 * n_window frames, its mask one value per frame."""

    class Encoder(torch.nn.Module):
        main_input_name = "input_features"

        def forward(self, input_features, input_features_mask):
            if input_features.shape[-1] % 10:
                raise ValueError("expects `padded_feature_length` to be a multiple of `n_window * 2` (10)")
            assert input_features_mask.shape == (input_features.shape[0], input_features.shape[-1])
            return (input_features,)

    inputs = _working_inputs(Encoder(), PretrainedConfig(num_mel_bins=8, n_window=5))
    assert inputs["input_features"].shape == (2, 8, 10)


def test_marked_questions_fit_the_prompt_and_the_verbalizer_rows():
    """jev scores each question's options from the row of its type's offset on, at a marked prompt position."""
    offsets = {"noul": 0, "score": 2, "choice": 8}

    class Decision(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, marks, num_options, question_type_ids):
            marks, num_options, types = marks[0], num_options[0], question_type_ids[0]
            assert 1 <= int(marks.min()) and int(marks.max()) <= input_ids.shape[1]
            starts = torch.tensor(list(offsets.values()))[types]
            assert int((starts + num_options).max()) <= 10 and int(num_options.min()) >= 1
            return (input_ids,)

    inputs = _working_inputs(Decision(), PretrainedConfig(vocab_size=20, offsets=offsets, num_verbalizers=10))
    assert inputs["question_type_ids"].tolist() == [[0, 1, 2]]


def test_a_dit_gets_a_mel_and_conditions_whose_frames_match_its_repeated_codes():
    """qwen2_5_omni's token2wav DiT repeats each codec code ``repeats`` frames and adds it to the mel."""

    class DiT(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, hidden_states, condition_vector, speaker_embedding, quantized_code, time_step):
            frames = quantized_code.shape[1] * 3
            assert hidden_states.shape[1:] == (frames, 6) and condition_vector.shape[-1] == 6
            assert speaker_embedding.shape[1:] == (frames, 5) and int(quantized_code.max()) < 4
            return (hidden_states + time_step,)

    config = PretrainedConfig(repeats=3, mel_dim=6, enc_emb_dim=5, num_embeds=4, hidden_size=12)
    assert _working_inputs(DiT(), config)["time_step"].dim() == 0
