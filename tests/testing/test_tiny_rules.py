"""shrink_config's structural rules, each checked on the real transformers config class by building the model.

Every case failed before its rule existed (the error is in the test's docstring); the model itself checks the
invariant, so a test passes only when the tiny model builds and runs.
"""

from __future__ import annotations

import torch
import transformers
from transformers import (
    BambaConfig,
    BambaModel,
    ConvNextConfig,
    ConvNextModel,
    DeepseekV3Config,
    DeepseekV3Model,
    MimiConfig,
)
from tiny_helpers import ids as _ids
from tiny_helpers import rebuilt as _rebuilt
from transformers.models.auto.configuration_auto import CONFIG_MAPPING

from scaffold.testing.tiny import TinySizes, scaled_sections, shrink_config


def test_per_stage_lists_follow_the_stage_count() -> None:
    """convnext: num_stages aliases num_hidden_layers; hidden_sizes stayed 4 long (LayerNorm 768 vs 192)."""
    config = _rebuilt(ConvNextConfig, shrink_config(ConvNextConfig()))
    assert (config.hidden_sizes, config.depths, config.out_features) == ([96, 192], [3, 3], ["stage2"])
    with torch.no_grad():
        out = ConvNextModel(config).eval()(torch.randn(1, 3, 32, 32))
    assert out.pooler_output.shape == (1, 192)


def test_mla_head_dim_is_the_rope_width_and_keys_have_every_head() -> None:
    """deepseek_v3 (axk1, kimi_k25): head_dim hidden/heads (8) against qk_rope_head_dim 64 broke rope."""
    config = _rebuilt(DeepseekV3Config, shrink_config(DeepseekV3Config()))
    assert config.head_dim == config.qk_rope_head_dim <= 8
    assert config.num_key_value_heads == config.num_attention_heads
    assert config.qk_head_dim == config.qk_rope_head_dim + config.qk_nope_head_dim
    with torch.no_grad():
        out = DeepseekV3Model(config).eval()(_ids(config.vocab_size))
    assert out.last_hidden_state.shape == (2, 5, config.hidden_size)


def test_mamba_heads_divide_the_inner_width() -> None:
    """bamba, granitemoehybrid: validate_architecture refused mamba_n_heads 128 for expand * hidden 64."""
    config = _rebuilt(BambaConfig, shrink_config(BambaConfig()))
    assert config.mamba_n_heads * config.mamba_d_head == config.mamba_expand * config.hidden_size
    with torch.no_grad():
        out = BambaModel(config).eval()(_ids(config.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape[-1] == config.hidden_size


def test_widths_equal_to_the_hidden_size_follow_it() -> None:
    """mimi: upsample_groups 512 (the hidden size) against 32 channels: 'in_channels must be divisible by groups'."""
    tiny = shrink_config(MimiConfig())
    assert tiny.upsample_groups == tiny.hidden_size == 32
    assert tiny.codebook_size == MimiConfig().codebook_size  # not a width: left alone


def test_per_layer_lists_and_dicts_are_cut_to_the_layer_count() -> None:
    """mistral_large4 kv_source_layers (72 entries for 2 layers); gemma4 per_layer_config keys up to 29."""
    gemma = CONFIG_MAPPING["gemma4_unified"]
    text = _rebuilt(gemma, shrink_config(gemma())).text_config
    assert all(int(k) < text.num_hidden_layers for k in text.to_dict()["per_layer_config"])
    assert len(text.layer_types) == text.num_hidden_layers


def test_mrope_sections_sum_to_half_the_tiny_head_dim() -> None:
    """glm46v: split_with_sizes expects sizes summing to 4, got [8, 12, 12]."""
    glm = CONFIG_MAPPING["glm46v"]
    text = shrink_config(glm()).text_config
    head_dim = text.hidden_size // text.num_attention_heads
    assert sum(text.rope_parameters["mrope_section"]) == head_dim // 2
    assert scaled_sections([8, 12, 12], 4) == [1, 2, 1] and scaled_sections([16, 24, 24], 32) == [8, 12, 12]


def test_configs_that_refuse_a_global_head_dim_still_shrink() -> None:
    """gemma4_unified raised AmbiguousGlobalPerLayerAttributeError from getattr(config, 'head_dim', None)."""
    gemma = CONFIG_MAPPING["gemma4_unified"]
    assert shrink_config(gemma()).text_config.hidden_size == 32


def test_validators_of_the_real_configs_accept_the_tiny_values() -> None:
    """Each config's own validate_architecture refused the earlier tiny values:
    olmo_hybrid 'expects at least one attention layer' (the first layers are linear attention);
    gradium_phonon_tts 'flow_head_config.condition_dim (768) must equal the backbone hidden_size (32)';
    nemotron3_5_transcribe_word_timestamp 'blank_token_id (23862) must be a class below vocab_size (99)'."""
    for model_type in ("olmo_hybrid", "gradium_phonon_tts", "nemotron3_5_transcribe_word_timestamp"):
        config_class = CONFIG_MAPPING[model_type]
        tiny = _rebuilt(config_class, shrink_config(config_class()))  # raises when a validator refuses
        assert tiny.get_text_config().hidden_size <= 32, model_type
    hybrid = shrink_config(CONFIG_MAPPING["olmo_hybrid"]())
    assert len(set(hybrid.layer_types)) == len(set(CONFIG_MAPPING["olmo_hybrid"]().layer_types)) == 2


def test_read_only_head_dim_is_left_to_the_config() -> None:
    """falcon: "property 'head_dim' of 'FalconConfig' object has no setter"."""
    falcon = shrink_config(CONFIG_MAPPING["falcon"]())
    assert falcon.head_dim == falcon.hidden_size // falcon.num_attention_heads


def test_an_unset_head_dim_is_written_out() -> None:
    """hunyuan_vl's attention reads config.head_dim (None by default): 'NoneType' ** float."""
    hunyuan = CONFIG_MAPPING["hunyuan_vl"]
    text = shrink_config(hunyuan()).get_text_config()
    assert text.head_dim == text.hidden_size // text.num_attention_heads


def test_random_ids_find_the_vocabulary_of_a_nested_text_model() -> None:
    """fastspeech2_conformer_with_hifigan keeps its text model under model_config: 'no attribute vocab_size'."""
    from scaffold.testing.families import random_ids

    config = shrink_config(CONFIG_MAPPING["fastspeech2_conformer_with_hifigan"]())
    ids = random_ids(config, 2, 5)
    assert ids.shape == (2, 5) and int(ids.max()) < config.model_config.vocab_size


def test_every_vocabulary_follows_the_tiny_one() -> None:
    """gemma4_text's vocab_size_per_layer_input (262144 x 512 weights) and blt's encoder_hash_byte_group_vocab
    (500002 per group) kept the tiny models over 90M parameters."""
    gemma = shrink_config(CONFIG_MAPPING["gemma4_text"]())
    assert gemma.vocab_size_per_layer_input == gemma.vocab_size == 99
    blt = shrink_config(CONFIG_MAPPING["blt"]())
    assert blt.encoder_hash_byte_group_vocab <= 99
    assert shrink_config(CONFIG_MAPPING["bert"]()).type_vocab_size == 2  # already small: left alone


def test_unset_fields_the_model_reads_are_filled() -> None:
    """nemotron: 'int // NoneType' (num_key_value_heads None); deepseek_v2: 'topk(): argument k must be int,
    not NoneType' (num_experts_per_tok None) - both with the default config."""
    nemotron = CONFIG_MAPPING["nemotron"]
    config = _rebuilt(nemotron, shrink_config(nemotron()))
    assert config.num_key_value_heads == config.num_attention_heads
    deepseek = CONFIG_MAPPING["deepseek_v2"]
    config = _rebuilt(deepseek, shrink_config(deepseek()))
    assert config.num_experts_per_tok == 2
    with torch.no_grad():
        out = transformers.DeepseekV2Model(config).eval()(_ids(config.vocab_size))
    assert out.last_hidden_state.shape == (2, 5, config.hidden_size)


def test_attention_context_fits_the_positions() -> None:
    """granite_speech5_encoder: 'context_size must be in (0, max_position_embeddings=64], got 128'."""
    granite = CONFIG_MAPPING["granite_speech5_encoder"]
    config = _rebuilt(granite, shrink_config(granite()))
    assert 0 < config.context_size <= config.max_position_embeddings


def _meta_parameters(model_class, config) -> int:
    with torch.device("meta"):
        return sum(p.numel() for p in model_class(config).parameters())


def test_every_width_variant_reaches_widths_the_table_does_not_name() -> None:
    """vibevoice_acoustic_tokenizer (num_filters doubling per stage: 686M parameters), muse_spark
    (moe_hidden_size 4096: 451M) and seamless_m4t (vocoder unit_embed_dim 1280: 62M) stayed over the zoo's
    40M budget with the plain tiny config."""
    budget = 40_000_000
    for model_type, model_class in (
        ("vibevoice_acoustic_tokenizer", transformers.VibeVoiceAcousticTokenizerModel),
        ("muse_spark", transformers.MuseSparkModel),
        ("seamless_m4t", transformers.SeamlessM4TModel),
    ):
        config_class = CONFIG_MAPPING[model_type]
        plain = _rebuilt(config_class, shrink_config(config_class()))
        assert _meta_parameters(model_class, plain) > budget, model_type  # the variant is needed at all
        tiny = _rebuilt(config_class, shrink_config(config_class(), TinySizes(every_width=True)))
        assert _meta_parameters(model_class, tiny) < budget, model_type
    align = shrink_config(CONFIG_MAPPING["align"](), TinySizes(every_width=True)).vision_config
    assert (align.width_coefficient, align.depth_coefficient, align.hidden_dim) == (1.0, 1.0, 1280)


def test_stages_kept_variant_keeps_a_backbone_stage_count() -> None:
    """maskformer wires its swin backbone's out_features to four stages by hand: 'out_features must be a subset
    of stage_names: [stem, stage1, stage2] got [stage1, ..., stage4]'."""
    maskformer = CONFIG_MAPPING["maskformer"]
    config = _rebuilt(maskformer, shrink_config(maskformer(), TinySizes(keep_stages=True)))
    assert len(config.backbone_config.depths) == 4 and max(config.backbone_config.depths) <= 2
    model = transformers.MaskFormerModel(config).eval()
    with torch.no_grad():
        out = model(torch.randn(1, 3, 64, 64))
    assert out.encoder_last_hidden_state.shape[1] == config.backbone_config.embed_dim * 2**3  # the fourth stage


def test_rotary_width_keeps_its_share_of_the_tiny_head() -> None:
    """codegen, gptj: rotary_dim 64 of 8-wide heads, 'The size of tensor a (8) must match the size of tensor b
    (64)' in apply_rotary_pos_emb."""
    for model_type, model_class in (("codegen", transformers.CodeGenModel), ("gptj", transformers.GPTJModel)):
        config_class = CONFIG_MAPPING[model_type]
        default = config_class()
        config = _rebuilt(config_class, shrink_config(default))
        head = config.n_embd // config.n_head
        assert config.rotary_dim == max(2, default.rotary_dim * head // (default.n_embd // default.n_head)), model_type
        with torch.no_grad():
            out = model_class(config).eval()(_ids(config.vocab_size))
        assert out.last_hidden_state.shape == (2, 5, config.n_embd), model_type


def test_a_default_language_is_chosen_among_the_adapters() -> None:
    """xmod: 'Input language unknown. Please call XmodPreTrainedModel.set_default_language()' for plain ids."""
    xmod = CONFIG_MAPPING["xmod"]
    config = _rebuilt(xmod, shrink_config(xmod()))
    assert config.default_language == xmod().languages[0]
    with torch.no_grad():
        out = transformers.XmodModel(config).eval()(_ids(config.vocab_size))
    assert out.last_hidden_state.shape == (2, 5, config.hidden_size)


def test_window_variant_sets_an_unset_sliding_window() -> None:
    """step3p7's text model builds a sliding mask for every forward: 'Could not find a sliding_window argument
    in the config, or it is not set' with its default config (no sliding layer, window None)."""
    step = CONFIG_MAPPING["step3p7"]
    assert shrink_config(step()).text_config.sliding_window is None  # off by default
    config = _rebuilt(step, shrink_config(step(), TinySizes(window=True)))
    assert config.text_config.sliding_window == 4
    with torch.no_grad():
        out = transformers.Step3p7Model(config).eval()(_ids(config.text_config.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape[:2] == (2, 5)


def test_swin_stages_get_heads_dividing_their_width_and_a_window_fitting_their_grid() -> None:
    """swin (and grounding-dino's, mask2former's swin backbones): 3 heads of a 32-wide stage, "shape
    '[8, 49, -1, 10]' is invalid"; then a 7-wide window over a 4-wide last stage, "The size of tensor a (16)
    must match the size of tensor b (49)"."""
    swin = CONFIG_MAPPING["swin"]
    config = _rebuilt(swin, shrink_config(swin()))
    widths = [config.embed_dim << i for i in range(len(config.depths))]
    assert all(w % h == 0 for w, h in zip(widths, config.num_heads)) and config.num_heads[0] > 1
    assert config.window_size == (config.image_size // config.patch_size) >> (len(config.depths) - 1)
    with torch.no_grad():
        out = transformers.SwinModel(config).eval()(torch.randn(2, 3, config.image_size, config.image_size))
    assert out.pooler_output.shape == (2, widths[-1])


def test_detection_queries_fit_a_tiny_image() -> None:
    """grounding-dino: 900 object queries, a top-k over the few tokens of a 32-pixel image: 'selected index k
    out of range'."""
    dino = CONFIG_MAPPING["grounding-dino"]
    config = _rebuilt(dino, shrink_config(dino()))
    assert config.num_queries == TinySizes().queries
    model = transformers.GroundingDinoModel(config).eval()
    with torch.no_grad():
        out = model(pixel_values=torch.randn(2, 3, 32, 32), input_ids=_ids(config.text_config.vocab_size))
    assert out.last_hidden_state.shape[:2] == (2, config.num_queries)


def test_partial_rope_sections_fit_the_rotary_part_of_wider_heads() -> None:
    """glm4v_moe ropes half of each head (partial_rotary_factor 0.5): 'split_with_sizes expects split_sizes to
    sum exactly to 2, got [2, 1, 1]' - and 8-wide heads leave 2 rotary pairs for 3 sections."""
    glm = CONFIG_MAPPING["glm4v_moe"]
    config = _rebuilt(glm, shrink_config(glm()))
    text = config.text_config
    rotary = int(text.hidden_size // text.num_attention_heads * text.rope_parameters["partial_rotary_factor"])
    assert (
        sum(text.rope_parameters["mrope_section"]) == rotary // 2 and min(text.rope_parameters["mrope_section"]) >= 1
    )
    with torch.no_grad():
        out = transformers.Glm4vMoeModel(config).eval()(_ids(text.vocab_size), use_cache=False)
    assert out.last_hidden_state.shape == (2, 5, text.hidden_size)


def test_an_unset_vocabulary_is_the_tiny_one() -> None:
    """esm's default vocab_size is None: 'empty(): argument size must be tuple of ints, but found NoneType'."""
    esm = CONFIG_MAPPING["esm"]
    config = _rebuilt(esm, shrink_config(esm()))
    assert config.vocab_size == TinySizes().vocab
    with torch.no_grad():
        out = transformers.EsmModel(config).eval()(inputs_embeds=torch.randn(2, 5, config.hidden_size))
    assert out.last_hidden_state.shape == (2, 5, config.hidden_size)


def test_unset_placeholder_tokens_of_a_multimodal_config_get_an_id() -> None:
    """blip-2's image_token_index is None by default: input_ids == None gives a bool, "'bool' object has no
    attribute 'unsqueeze'"; instructblipvideo's video_token_index likewise."""
    blip = CONFIG_MAPPING["blip-2"]
    config = _rebuilt(blip, shrink_config(blip()))
    assert 0 <= config.image_token_index < config.text_config.vocab_size
    with torch.no_grad():
        out = transformers.Blip2Model(config).eval()(torch.randn(2, 3, 32, 32), _ids(config.text_config.vocab_size))
    assert out.logits.shape[:2] == (2, 5)
    video = CONFIG_MAPPING["instructblipvideo"]
    assert shrink_config(video()).video_token_index is not None
    assert shrink_config(CONFIG_MAPPING["llama"]()).to_dict().get("image_token_index") is None  # no vision: left


def test_a_hidden_size_that_was_the_last_stage_width_stays_it() -> None:
    """clap's audio projection reads hidden_size (32 after the shrink) where its 2-stage swin ends 192 wide:
    'mat1 and mat2 shapes cannot be multiplied (2x192 and 32x32)'."""
    clap = CONFIG_MAPPING["clap"]
    config = _rebuilt(clap, shrink_config(clap()))
    audio = config.audio_config
    assert audio.hidden_size == audio.patch_embeds_hidden_size * 2 ** (len(audio.depths) - 1)
    features = torch.randn(2, 1, 64, audio.num_mel_bins)
    with torch.no_grad():
        out = transformers.ClapModel(config).eval()(
            input_ids=_ids(config.text_config.vocab_size), input_features=features
        )
    assert out.audio_embeds.shape == (2, config.projection_dim)


def test_a_width_of_two_concatenated_states_follows_both_hidden_sizes() -> None:
    """neucodec's quantizer projects the concatenated acoustic and semantic states (1024 + 1024 = its
    quantization_dim 2048): 'mat1 and mat2 shapes cannot be multiplied (20x64 and 2048x8)' on the tiny config."""
    from transformers.models.neucodec.modeling_neucodec import NeuCodecQuantizer

    config = _rebuilt(CONFIG_MAPPING["neucodec"], shrink_config(CONFIG_MAPPING["neucodec"]()))
    joined = config.hidden_size + config.semantic_model_config.hidden_size
    quantized, _ = NeuCodecQuantizer(config)(torch.randn(1, 3, joined))
    assert quantized.shape == (1, 3, joined)


def test_a_width_of_two_concatenated_sub_config_states_follows_both() -> None:
    """xcodec's codebook_dim is its acoustic (256) plus semantic (768) hidden size: 'mat1 and mat2 shapes cannot
    be multiplied (20x64 and 1024x1024)' on the tiny config."""
    from transformers.models.xcodec.modeling_xcodec import XcodecEuclideanCodebook

    config = _rebuilt(CONFIG_MAPPING["xcodec"], shrink_config(CONFIG_MAPPING["xcodec"]()))
    joined = config.acoustic_model_config.hidden_size + config.semantic_model_config.hidden_size
    assert XcodecEuclideanCodebook(config).quantize(torch.randn(3, joined)).shape == (3,)


def test_a_first_stage_width_doubling_up_to_the_hidden_size_follows_it() -> None:
    """clap's audio encoder: patch_embeds_hidden_size 96 doubles over four stages to hidden_size 768; with two
    tiny stages and a 32-wide hidden size it stayed 96: 'mat1 and mat2 shapes cannot be multiplied (2x192 and
    32x32)' in the audio projection."""
    config = _rebuilt(CONFIG_MAPPING["clap"], shrink_config(CONFIG_MAPPING["clap"]()))
    model = transformers.ClapModel(config).eval()
    features = torch.randn(2, 1, 64, config.audio_config.num_mel_bins)
    with torch.no_grad():
        embeds = model.get_audio_features(input_features=features)
    assert tuple(getattr(embeds, "pooler_output", embeds).shape) == (2, config.projection_dim)
