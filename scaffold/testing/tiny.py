"""Tiny test configs derived from a model's default config: same structure, sizes small enough to build fast.

Pure functions over config objects: `shrink_config` changes the known size fields of a config (and of every
nested config, recursively) in place on a copy, then keeps the invariants models check consistent: head_dim /
d_kv / kv heads (MLA: head_dim is the rope width over its partial rotary factor, keys for every head), a
rotary_dim's share of the head, per-layer lists and dicts cut to the layer count with every kind of layer kept,
num_blocks within the layers, backbone stages and feature-map sizes, fields equal to an old hidden size
anywhere in the tree, mamba head split, mrope sections summing to head_dim / 2 (also those the modeling code
defaults to; the one read of a file here), YaRN original positions, token ids below the vocabulary, a window
for kept sliding layers, a default language for adapters, zero dropout; and the counts validators tie
together: mamba heads * head width == inner width in every naming, a forecast horizon, per-block and per-part
layer counts, kv-shared layers leaving a producer of every kind, feature-layer and derived layer indices
within the cut, bottleneck ratios, indexer heads, square window counts. Each rule is tested on the real
config class by building the model (tests/testing/test_tiny_rules.py, test_tiny_code_sections.py,
test_tiny_counts.py).
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import functools
import inspect
import re
from dataclasses import dataclass, field
from typing import Any

from transformers import PreTrainedConfig


@dataclass(frozen=True)
class TinySizes:
    """The small sizes a tiny config uses; one table so a test (or a generated test) can pass its own."""

    hidden: int = 32
    layers: int = 2
    heads: int = 4
    kv_heads: int = 2
    intermediate: int = 64
    vocab: int = 99
    positions: int = 64
    image: int = 32
    patch: int = 8
    rank: int = 16  # low-rank projections (MLA's kv_lora_rank) and state sizes (mamba_d_state)
    head: int = 8  # explicit per-head widths (MLA's qk_rope_head_dim, v_head_dim)
    queries: int = 10  # object queries of detection heads (a top-k over fewer tokens than 900 fails)
    # Back-off variants, off by default (the zoo tries them when the plain tiny config does not run):
    # every_width: also shrink size fields the table does not name (see _shrink_every_width);
    # keep_stages: backbones keep their stage count (why: maskformer wires four swin stages by hand).
    every_width: bool = False
    keep_stages: bool = False
    # window: an unset sliding_window is set even when no layer is declared sliding (see _fix_sliding_window).
    window: bool = False
    # field -> size attribute above; why: these are the names transformers configs use for each size.
    fields: dict[str, str] = field(
        default_factory=lambda: {
            "hidden_size": "hidden",
            "d_model": "hidden",
            "n_embd": "hidden",
            "embed_dim": "hidden",
            "projection_dim": "hidden",
            "num_hidden_layers": "layers",
            "num_layers": "layers",
            "n_layer": "layers",
            "num_decoder_layers": "layers",
            "num_encoder_layers": "layers",
            "num_encoder_attention_heads": "heads",
            "num_decoder_attention_heads": "heads",
            "encoder_layers": "layers",
            "decoder_layers": "layers",
            "num_attention_heads": "heads",
            "n_head": "heads",
            "num_heads": "heads",
            "encoder_attention_heads": "heads",
            "decoder_attention_heads": "heads",
            "num_key_value_heads": "kv_heads",
            "intermediate_size": "intermediate",
            "d_ff": "intermediate",
            "encoder_ffn_dim": "intermediate",
            "decoder_ffn_dim": "intermediate",
            "vocab_size": "vocab",
            "max_position_embeddings": "positions",
            "n_positions": "positions",
            "image_size": "image",
            "patch_size": "patch",
            "moe_intermediate_size": "intermediate",
            "shared_expert_intermediate_size": "intermediate",
            "ffn_dim": "intermediate",
            "kv_lora_rank": "rank",
            "q_lora_rank": "rank",
            "qk_nope_head_dim": "head",
            "qk_rope_head_dim": "head",
            "v_head_dim": "head",
            "mamba_d_state": "rank",
            "num_queries": "queries",
        }
    )


# Token id fields that must stay below the tiny vocabulary.
TOKEN_ID_FIELDS = (
    "bos_token_id",
    "eos_token_id",
    "pad_token_id",
    "decoder_start_token_id",
    "sep_token_id",
    "cls_token_id",
    "mask_token_id",
    "image_token_id",
    "image_token_index",
    "question_token_id",
)
# Placeholder token ids of multimodal configs, set when unset (image ids first, then video ids).
PLACEHOLDER_TOKEN_FIELDS = ("image_token_index", "image_token_id", "video_token_index", "video_token_id")
# Forecast horizon of time series configs that leave prediction_length unset (why: autoformer, informer and
# time_series_transformer refuse to build without one; their context_length defaults to it).
SERIES_HORIZON = 4
# Dropout fields set to zero: the suite compares outputs of train-mode passes (gradient checkpointing).
DROPOUT_SUFFIXES = ("dropout", "dropout_prob", "dropout_rate", "attention_dropout", "pdrop")


def shrink_config(config: PreTrainedConfig, sizes: TinySizes | None = None) -> PreTrainedConfig:
    """Return a copy of `config` with its size fields (and those of its sub-configs) made tiny."""
    tiny = copy.deepcopy(config)
    widths: dict[int, int] = {}
    _shrink_in_place(tiny, sizes or TinySizes(), set(), widths)
    _follow_widths(tiny, widths, set())
    return tiny


def _get(config: Any, name: str) -> Any:
    """getattr that treats any error as absent (why: gemma4 raises for per-layer attributes read globally)."""
    try:
        return getattr(config, name, None)
    except Exception:  # noqa: BLE001 - an attribute the config refuses to give is one we leave alone
        return None


def _set(config: Any, name: str, value: Any) -> None:
    """setattr that leaves read-only attributes alone (why: falcon's head_dim is a property it derives; funnel's
    and prophetnet's num_hidden_layers raise NotImplementedError, being derived from other counts)."""
    try:
        setattr(config, name, value)
    except (AttributeError, NotImplementedError):
        pass


def _sub_configs(config: PreTrainedConfig) -> list[PreTrainedConfig]:
    """Every nested config held by an attribute (text_config, codec_config, talker_config...), by name."""
    return [value for _, value in sorted(vars(config).items()) if isinstance(value, PreTrainedConfig)]


def _shrink_in_place(config: PreTrainedConfig, sizes: TinySizes, seen: set[int], widths: dict[int, int]) -> None:
    if id(config) in seen:  # a sub-config shared by two attributes is shrunk once
        return
    seen.add(id(config))
    parts = [(sub, _get(sub, "hidden_size")) for sub in [config, *_sub_configs(config)]]  # widths before
    stages = list(_get(config, "depths")) if isinstance(_get(config, "depths"), (list, tuple)) else []  # uncut
    for sub in _sub_configs(config):
        _shrink_in_place(sub, sizes, seen, widths)
    before = {name: _get(config, name) for name in sorted(set(sizes.fields) | set(RELATED_FIELDS))}
    for name, size_attr in sorted(sizes.fields.items()):
        value = before[name]
        if isinstance(value, int) and not isinstance(value, bool):
            _set(config, name, min(value, getattr(sizes, size_attr)))
    if sizes.keep_stages and isinstance(before.get("stage_names"), list):
        _keep_stages(config, before, sizes)
    if sizes.every_width:
        _shrink_every_width(config, sizes)
    _shrink_vocabularies(config, sizes)
    _fill_unset(config, sizes)
    _fill_unset_structures(config, sizes)
    _fix_heads(config, before)
    _fix_bottleneck(config, before)
    _fix_rotary(config, before)
    _fix_stage_heads(config, before)
    _fix_layer_parts(config, before, sizes)
    _fix_layer_lists(config, before, sizes)
    _fix_block_count(config)
    _fix_feature_sizes(config)
    _fix_block_sizes(config, sizes)
    _fix_shared_layers(config, before)
    _fix_feature_layers(config, sizes)
    _fix_stage_window(config, before)  # after the cut: the stage count sets the last grid
    _fix_window_count(config)
    _fix_stage_output_width(config, before)
    _fix_backbone_features(config)
    _record_width(config, before, widths)
    _fix_joint_widths(config, parts)
    _fix_stage_doubling(config, before, stages, sizes)
    _fix_mamba(config)
    _fix_context(config)
    _fix_sliding_window(config, sizes)
    _fix_rope(config)
    _fix_token_ids(config)
    _zero_dropout(config)
    _fix_index_heads(config)
    _derive_layer_indices(config, sizes)  # last: the class derives them from the finished config
    _wrap_layer_indices(config)


# Fields read before shrinking by the fixes below, besides the size fields.
RELATED_FIELDS = (
    "head_dim",
    "d_kv",
    "num_key_value_heads",
    "num_stages",
    "stage_names",
    "rotary_dim",
    "depths",
    "patch_embeds_hidden_size",
)
# Size-like attribute name parts whose value, when equal to the old hidden size, follows the new one
# (why: mimi's upsample_groups and glm46v's vision out_hidden_size are the hidden size under another name).
WIDTH_NAME_PARTS = ("size", "dim", "groups", "channels")


def _keep_stages(config: PreTrainedConfig, before: dict[str, Any], sizes: TinySizes) -> None:
    """A backbone keeps its layer (stage) counts; each stage's depth is cut to the tiny layer count instead."""
    for name, size_attr in sorted(sizes.fields.items()):
        if size_attr == "layers" and isinstance(before.get(name), int):
            _set(config, name, before[name])
    depths = _get(config, "depths")
    if isinstance(depths, list) and all(type(d) is int for d in depths):
        config.depths = [min(d, sizes.layers) for d in depths]


# Name parts of the size fields every_width shrinks, and of those it leaves alone (input geometry, lengths).
EVERY_WIDTH_SUFFIXES = ("_size", "_dim", "_channels", "_channel", "_filters", "hidden_sizes", "_dims")
EVERY_WIDTH_KEEP = (
    "vocab",
    "position",
    "image",
    "img",
    "patch",
    "kernel",
    "window",
    "sampling",
    "chunk",
    "stride",
    "frame",
    "input",
    "length",
    "context",
    "bins",
    "mel",
)


def _shrink_every_width(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Size fields the table does not name, made tiny: ints above the tiny width become it (the intermediate
    one for ffn-like names), width lists are divided by one factor (ratios kept), per-stage depths and
    multiplier coefficients drop to the tiny ones (why: align's EfficientNet channel lists and coefficients,
    janus_vqgan's base_channels, tvp's ResNet hidden_sizes, vibevoice's doubling num_filters, muse_spark's
    moe_hidden_size, seamless_m4t's vocoder widths kept 40M-700M parameters)."""
    names = [n for n in sorted(vars(config)) if not n.startswith("_") and _every_width_name(config, n, sizes)]
    names = [n for n in names if not any(k in n for k in EVERY_WIDTH_KEEP)]
    lists = [vars(config)[n] for n in names if _int_list(vars(config)[n]) and _width_name(n)]
    # one factor for every width list (why: align's in_channels and out_channels chain stage to stage)
    factor = -(-max(max(v) for v in lists) // (16 * sizes.hidden)) if lists else 1  # lists above 512 only
    coefficient = _width_coefficient(config)
    _shrink_video_geometry(config, sizes)  # first: prompt sizes keep their share of the old image
    for name in names:
        value = vars(config)[name]
        wide = sizes.intermediate if ("ffn" in name or "intermediate" in name or "moe" in name) else sizes.hidden
        if "filters" in name:
            wide = 4
        if type(value) is int and _width_name(name) and value > wide:
            _set(config, name, round(value / coefficient) if coefficient else wide)
        elif _int_list(value) and _width_name(name) and coefficient:
            _set(config, name, type(value)(min(v, sizes.hidden) for v in value))
        elif _int_list(value) and _width_name(name) and factor > 1:
            _set(config, name, type(value)(max(1, v // factor) for v in value))
        elif _int_list(value) and name == "depths":
            _set(config, name, type(value)(min(v, sizes.layers) for v in value))
        elif type(value) is float and name.endswith("_coefficient") and value > 1:
            _set(config, name, 1.0)
    _fix_code_grid(config, sizes)
    _fix_upsample_channels(config)
    if coefficient:
        _keep_activation_scale(config)


# Weight init std of a capped EfficientNet-like stack (see _keep_activation_scale).
EFFICIENTNET_INIT_STD = 0.2


def _keep_activation_scale(config: PreTrainedConfig) -> None:
    """A conv stack capped at the tiny width keeps its activations' scale: its init std grows to
    EFFICIENTNET_INIT_STD (why: align's convolutions drawn with std 0.02 shrink activations about 1e4-fold per
    stage at 32 channels; after seven stages its pooled image embeddings, about 1e-27, underflow in the L2
    normalisation and every logit is NaN, which no two runs compare equal on)."""
    if type(vars(config).get("initializer_range")) is float and config.initializer_range < EFFICIENTNET_INIT_STD:
        config.initializer_range = EFFICIENTNET_INIT_STD


def _fix_upsample_channels(config: PreTrainedConfig) -> None:
    """A vocoder halves its channels at each upsampling stage: its first width keeps one channel for the last
    (why: qwen2_5_omni_bigvgan's six upsample_rates take upsample_initial_channel 32 down to 0 channels, which
    the transposed convolution refuses: 'could not create a primitive descriptor for the deconvolution')."""
    rates = vars(config).get("upsample_rates")
    for name in sorted(vars(config)):
        value = vars(config)[name]
        if _int_list(rates) and type(value) is int and name.endswith("initial_channel") and 0 < value:
            _set(config, name, max(value, 2 ** len(rates)))


def _fix_code_grid(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """A VQ-VAE's code grid side (num_patches) is the tiny image's side after its encoder, which halves the
    image at each level but the last of channel_multiplier (why: janus_vqgan decodes num_patches ** 2 = 1024
    codes where a 32-pixel image gives 4: 'Expected image_tokens to have shape (batch_size, 1024)')."""
    levels, side = vars(config).get("channel_multiplier"), vars(config).get("num_patches")
    if _int_list(levels) and type(side) is int and "image_size" not in vars(config):
        config.num_patches = max(1, sizes.image >> (len(levels) - 1))


# Frames of a clip every_width keeps (the zoo's video inputs hold two frames).
EVERY_WIDTH_FRAMES = 2


def _shrink_video_geometry(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """An image size under another name (``*_img_size``) becomes four tiny images wide, sizes drawn inside it
    (``*prompt_size``) keep their share of it, and the clip's num_frames drops to two (why: tvp pads every frame
    of its 48-frame clips to max_img_size 448 with a 96-wide visual prompt and adds that to the pixels: 'The size
    of tensor a (32) must match the size of tensor b (448)'; at 32 pixels its stride-32 ResNet leaves a 1x1 grid
    that its 2x2 max pool refuses, hence 128, one of the zoo's image sides)."""
    side = 4 * sizes.image
    for name in sorted(vars(config)):
        old = vars(config)[name]
        if type(old) is not int or not name.endswith("_img_size") or old <= side:
            continue
        _set(config, name, side)
        for inner in sorted(n for n in vars(config) if n.endswith("prompt_size")):
            value = vars(config)[inner]
            if type(value) is int and 0 < value < old:
                _set(config, inner, max(1, value * side // old))
    frames = vars(config).get("num_frames")
    if type(frames) is int and frames > EVERY_WIDTH_FRAMES:
        config.num_frames = EVERY_WIDTH_FRAMES


def _width_name(name: str) -> bool:
    """A width by its name: a size suffix, or ``d_*`` like d_model (why: perceiver's d_latents, 1280 wide over
    26 self-attention layers, kept 259M parameters)."""
    return name.endswith(EVERY_WIDTH_SUFFIXES) or name.startswith("d_")


def _every_width_name(config: PreTrainedConfig, name: str, sizes: TinySizes) -> bool:
    """A field every_width shrinks: one the table does not name, or a width list under a table name (the table
    shrinks ints only; why: florence_vision's embed_dim is four stage widths, 128 to 1024, 90M parameters)."""
    return name not in sizes.fields or (_int_list(vars(config)[name]) and _width_name(name))


def _width_coefficient(config: PreTrainedConfig) -> float:
    """The width_coefficient above 1 of an EfficientNet-like config, else 0. Its width lists are then capped at
    the tiny width, entry by entry (why: align's image embedding is its last stage's width, round_filters(320),
    which the text projection's tiny projection_dim must match, and the first stage takes the stem's built-in
    round_filters(32): a common divisor would break one or the other), and its int widths are divided by the
    coefficient, which is reset to 1 (why: efficientnet's hidden_dim 2560 is the batch norm width of
    round_filters(1280), which the model builds itself: 'running_mean should contain 1280 elements not 32')."""
    coefficient = vars(config).get("width_coefficient")
    return coefficient if type(coefficient) is float and coefficient > 1 else 0


def _int_list(value: Any) -> bool:
    """A list or tuple of ints (why: florence_vision's per-stage embed_dim and depths are tuples)."""
    return isinstance(value, (list, tuple)) and bool(value) and all(type(v) is int for v in value)


def _shrink_vocabularies(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Every other vocabulary follows the tiny one: int fields named like a vocabulary (why: gemma4's
    vocab_size_per_layer_input and blt's encoder_hash_byte_group_vocab kept 134M and 96M embedding weights)."""
    for name, value in sorted(vars(config).items()):
        if "vocab" in name and type(value) is int and value > sizes.vocab and not name.startswith("_"):
            _set(config, name, sizes.vocab)


def _fill_unset(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Fields the default config leaves None that the model reads as numbers (why: nemotron divides by an
    unset num_key_value_heads; deepseek_v2 routes to top-k of an unset num_experts_per_tok experts; xmod
    refuses ids without a default_language among its adapters' languages)."""
    heads = _get(config, "num_attention_heads")
    if _unset(config, "num_key_value_heads") and isinstance(heads, int):
        config.num_key_value_heads = heads
    if "vocab_size" in vars(config) and config.vocab_size is None:  # esm: a vocabulary of None tokens
        config.vocab_size = sizes.vocab
    if isinstance(_get(config, "vision_config"), PreTrainedConfig):  # blip-2 compares ids with an unset id
        text_vocab = _get(_get(config, "text_config"), "vocab_size") or _get(config, "vocab_size")
        vocab = min(sizes.vocab, text_vocab) if type(text_vocab) is int else sizes.vocab  # a kept one is larger
        for offset, name in enumerate(PLACEHOLDER_TOKEN_FIELDS):
            if _unset(config, name):
                setattr(config, name, vocab - 1 - offset % 2)
    languages = _get(config, "languages")  # xmod: no language adapter is chosen unless one is named
    if "default_language" in vars(config) and config.default_language is None and isinstance(languages, (list, tuple)):
        config.default_language = languages[0] if languages else None
    if "prediction_length" in vars(config) and config.prediction_length is None:  # time series: a horizon
        config.prediction_length = SERIES_HORIZON
    _fill_unset_experts(config, sizes)
    experts = _get(config, "n_routed_experts") or _get(config, "num_experts") or _get(config, "num_local_experts")
    if _unset(config, "num_experts_per_tok") and isinstance(experts, int):
        config.num_experts_per_tok = min(2, experts)


# Expert-count fields a MoE config may leave None, and the MoE fields whose presence says it is one.
EXPERT_COUNT_FIELDS = ("n_routed_experts", "num_experts", "num_local_experts")
MOE_MARKERS = ("num_experts_per_tok", "moe_intermediate_size", "top_k_experts", "n_shared_experts")
TINY_EXPERTS = 4


def _fill_unset_experts(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """A MoE config's expert count, their width and its shared experts, when it leaves them None (why: dots1 and
    diffusion_gemma make ``torch.empty(None, ...)`` experts). The top-k follows in ``_fill_unset``."""
    if not any(name in vars(config) for name in MOE_MARKERS):
        return
    unset_moe = {name: TINY_EXPERTS for name in EXPERT_COUNT_FIELDS}
    unset_moe.update(top_k_experts=2, n_shared_experts=1, moe_intermediate_size=sizes.intermediate)
    for name, value in unset_moe.items():
        if _unset(config, name):
            setattr(config, name, value)


# The convolutions of the PP-OCR detection necks' intra-class blocks, which read (kernel, stride, padding) of each
# from a config dict that has no default; 1 x 1 convolutions keep every feature map's shape.
INTRACLASS_CONVS = (
    "reduce_channel",
    "return_channel",
    *(
        f"{d}_conv_{r}ratio"
        for d in ("vertical_long_to_small", "horizontal_small_to_long")
        for r in ("long", "mid", "short")
    ),
    *(f"symmetric_conv_long_{r}ratio" for r in ("long", "mid", "short")),
)


def _unset(config: PreTrainedConfig, name: str) -> bool:
    """True when ``name`` is a field the config holds and leaves None (not one it lacks or derives)."""
    return name in vars(config) and vars(config)[name] is None


def _fill_unset_structures(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Structures a default config leaves None that only a checkpoint's config fills, so the model cannot be built
    without them (why, each seen on the default config of transformers 5.25 - experts aside, see
    ``_fill_unset_experts``: lfm2_moe and deepseek_ocr2 index unset per-layer type lists; chameleon
    and emu3 read ``<image>`` from an unset vocabulary map; granite4_vision counts an unset list of deep-stack
    layer pairs; qwen4_exp divides its unset QSA token budget by an unset block size; the pp_ocr det necks read
    their unset intra-class block layout)."""
    layers = _get(config, "num_hidden_layers")
    if isinstance(layers, int) and layers > 0:
        if _unset(config, "layer_types"):  # the one type every decoder with per-layer types knows
            config.layer_types = ["full_attention"] * layers
        if _unset(config, "mlp_layer_types"):  # both kinds of block, the convention of the configs that set it
            config.mlp_layer_types = ["dense"] + ["sparse"] * (layers - 1)
    if _unset(config, "deepstack_layer_map"):  # (vision layer, text layer) pairs: the last vision layer into the first
        config.deepstack_layer_map = [(-1, 0)]
    if _unset(config, "vocabulary_map"):  # only the image placeholder; the image-token names come from a tokenizer
        image_token = _get(config, "image_token_id")
        config.vocabulary_map = {"<image>": image_token if isinstance(image_token, int) else sizes.vocab - 1}
        if _unset(config, "image_token_id"):
            config.image_token_id = config.vocabulary_map["<image>"]
    if _unset(config, "intraclass_block_config"):  # pp_ocrv5/v6 det necks: each conv as (kernel, stride, padding)
        config.intraclass_block_config = {name: [1, 1, 0] for name in INTRACLASS_CONVS}
    _fill_documented_lists(config)
    stages = _get(_get(config, "backbone_config"), "stage_out_channels")
    if _unset(config, "scale_factor_list") and isinstance(stages, (list, tuple)):
        # pp_ocrv5_server_det's neck scales stage i's map up to the first stage's: each stage halves the size
        config.scale_factor_list = [2**i for i in range(len(stages))]
    if _unset(config, "downsample_rate") and "deepstack_layer_map" in vars(config):
        # granite4_vision's window Q-Former: query window side / key window side, as its checkpoints write it
        config.downsample_rate = "1/2"
    if _unset(config, "clip_qkv"):  # dbrx clamps with it unguarded (transformers 5.25); 8 is its checkpoints' value
        config.clip_qkv = 8.0
    _fill_indexer(config)


DOCUMENTED_LIST_DEFAULT = re.compile(r"^\s*(\w+) \(`[^`]*`,[^)]*defaults to `(\[[^`]*\])`", re.MULTILINE)


def _fill_documented_lists(config: PreTrainedConfig) -> None:
    """A list field the config leaves None though its docstring gives a default list: the documented list
    (why: pp_ocrv5_server_det documents kernel_list as ``[3, 2, 2]`` but leaves it None, and indexes it)."""
    for name, literal in DOCUMENTED_LIST_DEFAULT.findall(inspect.getdoc(type(config)) or ""):
        if _unset(config, name):
            with contextlib.suppress(ValueError, SyntaxError):
                setattr(config, name, ast.literal_eval(literal))


def _fill_indexer(config: PreTrainedConfig) -> None:
    """A token indexer (qwen4_exp's QSA) all of whose sizes are unset: one key head over blocks of 4 tokens,
    a budget of two blocks, head width the attention's."""
    fields = ("indexer_n_heads", "indexer_kv_heads", "indexer_head_dim", "indexer_budget", "indexer_compress_ratio")
    head_dim = _get(config, "head_dim")
    if not all(_unset(config, name) for name in fields) or not isinstance(head_dim, int):
        return
    config.indexer_n_heads, config.indexer_kv_heads, config.indexer_head_dim = 2, 1, head_dim
    config.indexer_budget, config.indexer_compress_ratio = 8, 4


def _fix_context(config: PreTrainedConfig) -> None:
    """An attention context no longer than the positions (why: granite_speech5's validator refuses a
    context_size of 128 above max_position_embeddings 64)."""
    context, positions = _get(config, "context_size"), _get(config, "max_position_embeddings")
    if type(context) is int and type(positions) is int and context > positions:
        config.context_size = positions


def _fix_heads(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """Keep head_dim, d_kv and key/value heads consistent with the new hidden size and head count.

    MLA attention (deepseek_v3 and its kin) ropes over qk_rope_head_dim: its head_dim is that width.
    """
    hidden = _get(config, "hidden_size") or _get(config, "d_model")
    heads = _get(config, "num_attention_heads") or _get(config, "num_heads")
    if not (isinstance(hidden, int) and isinstance(heads, int) and heads):
        return
    rope, nope = _get(config, "qk_rope_head_dim"), _get(config, "qk_nope_head_dim")
    if isinstance(rope, int) and isinstance(nope, int):
        if isinstance(before["head_dim"], int):
            _set(config, "head_dim", _mla_head_dim(config, rope))
        if isinstance(_get(config, "qk_head_dim"), int):
            _set(config, "qk_head_dim", rope + nope)
    elif isinstance(before["head_dim"], int) or (before["head_dim"] is None and "head_dim" in vars(config)):
        _set(config, "head_dim", hidden // heads)  # an unset head_dim means this width (hunyuan_vl reads None)
    if isinstance(before["d_kv"], int):
        _set(config, "d_kv", hidden // heads)
    kv = _get(config, "num_key_value_heads")
    if isinstance(kv, int) and (heads % kv or isinstance(_get(config, "kv_lora_rank"), int)):
        config.num_key_value_heads = heads  # MLA expands one latent into keys and values for every head


def _mla_head_dim(config: PreTrainedConfig, rope: int) -> int:
    """The head_dim an MLA config ropes ``rope`` dimensions of: rope itself, or rope / partial_rotary_factor when
    its rope parameters rope a part of the head (why: mistral4 ropes half of a nope + rope head; a head_dim of the
    rope width leaves 4 rotary dimensions for 8-wide rope keys, "tensor a (4) must match tensor b (2)")."""
    holder = _get(config, "rope_parameters")
    factor = holder.get("partial_rotary_factor") if isinstance(holder, dict) else None
    if isinstance(factor, float) and 0 < factor < 1 and (rope / factor).is_integer():
        return int(rope / factor)
    return rope


def _fix_bottleneck(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """A bottleneck intermediate size (a quarter of the hidden size or less) keeps its ratio to the hidden size
    (why: fun_asr_nano's validator wants its adaptor's intermediate_size, 256 of 1024, to be hidden_size // 4)."""
    old_hidden, old_inner = before.get("hidden_size"), before.get("intermediate_size")
    hidden = _get(config, "hidden_size")
    if all(type(v) is int and v > 0 for v in (old_hidden, old_inner, hidden)) and old_inner * 4 <= old_hidden:
        _set(config, "intermediate_size", max(1, hidden * old_inner // old_hidden))


def _head_width(values: dict[str, Any]) -> int | None:
    """hidden size / head count of a config's field values (either naming), None when unknown."""
    hidden = next((values[n] for n in ("hidden_size", "d_model", "n_embd") if type(values.get(n)) is int), None)
    heads = next((values[n] for n in ("num_attention_heads", "n_head", "num_heads") if type(values.get(n)) is int), 0)
    return hidden // heads if hidden and heads else None


def _fix_rotary(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """A rotary width in dimensions (codegen, gptj: rotary_dim 64 of 256-wide heads) keeps its share of the new
    head width, an even number of at least 2 (why: 64 rotary dimensions of 8-wide heads broke apply_rotary)."""
    rotary, old_head = before.get("rotary_dim"), _head_width(before)
    new_head = _head_width({n: _get(config, n) for n in before})
    if not (type(rotary) is int and old_head and new_head and rotary > new_head):
        return
    _set(config, "rotary_dim", max(2, rotary * new_head // old_head // 2 * 2))


def _fix_stage_heads(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """Per-stage head counts of a hierarchical backbone whose stage i is embed_dim * 2**i wide (swin and its
    kin) each become the largest divisor of the new stage width not above the old count (why: 3 heads of a
    32-wide first stage: "shape '[8, 49, -1, 10]' is invalid" in grounding-dino's swin backbone)."""
    old, embed = before.get("embed_dim"), _get(config, "embed_dim")
    if not (type(old) is int and type(embed) is int and embed < old):
        return
    for name in ("num_heads", "num_attention_heads"):
        heads = _get(config, name)
        if isinstance(heads, (list, tuple)) and heads and all(type(h) is int and h > 0 for h in heads):
            fitted = [max(d for d in range(1, h + 1) if (embed << i) % d == 0) for i, h in enumerate(heads)]
            _set(config, name, type(heads)(fitted))


def _fix_stage_window(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """A hierarchical backbone's attention window fits the patch grid of its last stage once the image shrank
    (why: swin builds its relative position table for a 7-wide window, then narrows windows to a 4-wide last
    stage: "The size of tensor a (16) must match the size of tensor b (49)")."""
    window, image, patch = _get(config, "window_size"), _get(config, "image_size"), _get(config, "patch_size")
    depths, old_image = _get(config, "depths"), before.get("image_size")
    if not all(type(v) is int for v in (window, image, patch, old_image)) or image >= old_image:
        return
    if isinstance(depths, (list, tuple)) and depths and type(_get(config, "embed_dim")) is int:
        last = (image // patch) >> (len(depths) - 1)
        if 0 < last < window:
            _set(config, "window_size", last)


def _fix_window_count(config: PreTrainedConfig) -> None:
    """A square count of windows (side * side) tiles the shrunk image and its patch grid: the side drops until
    it divides both per window (why: lw_detr's 16 windows of a 32-pixel image: "image_size has to be divisible by
    num_windows")."""
    count, image, patch = _get(config, "num_windows"), _get(config, "image_size"), _get(config, "patch_size")
    if not all(type(v) is int and v > 0 for v in (count, image, patch)):
        return
    side = int(count**0.5)
    while side > 1 and (image % (side * side) or (image // (side * side)) % side or (image // patch) % side):
        side -= 1
    if side * side != count and side * side < count:
        config.num_windows = side * side


def _fix_stage_output_width(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """A hidden_size that was the last stage's width (first width * 2 ** (stages - 1)) stays that width (why:
    clap's audio projection reads hidden_size 32 where its 2-stage swin ends 192 wide, 96 * 2)."""
    for base_name in ("embed_dim", "patch_embeds_hidden_size"):
        old_base, base = before.get(base_name), _get(config, base_name)
        old_depths, depths, old_hidden = before.get("depths"), _get(config, "depths"), before.get("hidden_size")
        if not all(type(v) is int for v in (old_base, base, old_hidden)):
            continue
        if isinstance(old_depths, (list, tuple)) and isinstance(depths, (list, tuple)) and depths:
            if old_hidden == old_base << (len(old_depths) - 1):
                _set(config, "hidden_size", base << (len(depths) - 1))
                return


def _layer_counts(config: PreTrainedConfig, before: dict[str, Any], sizes: TinySizes) -> dict[int, int]:
    """old layer count -> new one, for each layer-count field the shrink changed."""
    counts = {}
    for name, size_attr in sorted(sizes.fields.items()):
        old, new = before.get(name), _get(config, name)
        if size_attr == "layers" and isinstance(old, int) and isinstance(new, int) and new < old:
            counts[old] = new
    return counts


def _fix_layer_lists(config: PreTrainedConfig, before: dict[str, Any], sizes: TinySizes) -> None:
    """Cut per-layer lists (layer_types, kv_source_layers, per-stage hidden_sizes) and per-layer dicts to the tiny
    layer count: any list attribute as long as a layer count the shrink changed."""
    counts = _layer_counts(config, before, sizes)
    for name, value in sorted(vars(config).items()):
        if isinstance(value, list) and len(value) in counts and not name.startswith("_"):
            setattr(config, name, _cut(name, value, counts[len(value)]))
        elif isinstance(value, tuple) and len(value) in counts and name.endswith("s"):
            setattr(config, name, tuple(_cut(name, list(value), counts[len(value)])))
    if counts and _get(config, "is_heterogeneous"):  # gemma4: per_layer_config maps layer index -> overrides
        overrides = config.to_dict().get("per_layer_config") or {}
        kept = min(counts.values())
        config.per_layer_config = {int(k): v for k, v in sorted(overrides.items()) if int(k) < kept}


def _fix_block_count(config: PreTrainedConfig) -> None:
    """A num_blocks counting the last layers (eomt's query blocks, xlstm's layers) is at most the layer count
    (why: eomt's 4 query blocks of 2 layers never add the queries; its mask head then reads 12 channels where
    its upscale block takes 32)."""
    blocks, layers = _get(config, "num_blocks"), _get(config, "num_hidden_layers")
    if type(blocks) is int and type(layers) is int and 0 < layers < blocks:
        _set(config, "num_blocks", layers)


def _fix_feature_sizes(config: PreTrainedConfig) -> None:
    """backbone_feature_sizes, the (h, w) of each feature map, follow the backbone's tiny patch grid, the smallest
    map being that grid (why: sam3_tracker views its 4 x 4 maps as [288, 288]: "shape '[2, -1, 288, 288]' is
    invalid")."""
    sizes, backbone = _get(config, "backbone_feature_sizes"), _get(config, "backbone_config")
    image, patch = _get(backbone, "image_size"), _get(backbone, "patch_size")
    if not (type(image) is int and type(patch) is int and patch and isinstance(sizes, list) and sizes):
        return
    if not all(isinstance(s, (list, tuple)) and s and all(type(v) is int and v > 0 for v in s) for s in sizes):
        return
    smallest, grid = min(min(s) for s in sizes), image // patch
    if grid and smallest != grid:
        config.backbone_feature_sizes = [[v * grid // smallest for v in s] for s in sizes]


def _fix_layer_parts(config: PreTrainedConfig, before: dict[str, Any], sizes: TinySizes) -> None:
    """Layer counts of the parts of a stack (n_*_layers) that sum to its old layer count keep one layer each at
    least, and the layer count becomes their new sum (why: dory's 8 input, 20 recurrent and 8 output layers of 36
    must add up to num_hidden_layers)."""
    old, new = before.get("num_hidden_layers"), _get(config, "num_hidden_layers")
    if not (type(old) is int and type(new) is int and new < old):
        return
    parts = {
        name: value
        for name, value in sorted(vars(config).items())
        if name.startswith(("n_", "num_"))
        and name.endswith("_layers")
        and name not in sizes.fields
        and type(value) is int
        and value > 0
    }
    if len(parts) < 2 or sum(parts.values()) != old:
        return
    for name, value in parts.items():
        setattr(config, name, max(1, value * new // old))
    _set(config, "num_hidden_layers", sum(_get(config, name) for name in parts))


def _fix_block_sizes(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Per-block layer counts whose sum is the layer count keep every block, of at most the tiny layer count each
    (why: funnel derives num_hidden_layers from block_sizes [4, 4, 4] and refuses to have it set)."""
    blocks = _get(config, "block_sizes")
    blocks = list(blocks) if isinstance(blocks, tuple) else blocks
    if _int_list(blocks) and max(blocks) > sizes.layers // len(blocks):
        config.block_sizes = [max(1, min(b, sizes.layers // len(blocks))) for b in blocks]


def _fix_shared_layers(config: PreTrainedConfig, before: dict[str, Any]) -> None:
    """The last layers reusing earlier layers' keys and values (num_kv_shared_layers) keep their share of the cut
    layers: all of them if all were, else as many as leave a producing layer of every kind before them (why:
    gemma3n's 15 of 30 shared layers left no producer among 2; gemma4_unified_assistant shares all 30)."""
    shared, old, layers = (
        _get(config, "num_kv_shared_layers"),
        before.get("num_hidden_layers"),
        _get(config, "num_hidden_layers"),
    )
    if not all(type(v) is int for v in (shared, old, layers)) or layers >= old or not shared:
        return
    if shared >= old:
        config.num_kv_shared_layers = layers
        return
    kinds = _get(config, "layer_types")
    count = shared * layers // old
    while count and isinstance(kinds, list) and set(kinds[: layers - count]) != set(kinds):
        count -= 1
    config.num_kv_shared_layers = count


def _fix_feature_layers(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Layers a projector reads features from, given as non-negative indices past the tiny layer count, become the
    last tiny layers in the same order (why: molmo2's adapter reads vision layers [24, 18] of a 2-layer tower).
    Lists with negative indices count from the end and stay as they are."""
    for name, value in sorted(vars(config).items()):
        if "feature_layer" not in name or not _int_list(value) or min(value) < 0 or max(value) < sizes.layers:
            continue
        ranks = sorted(set(value), reverse=True)
        setattr(config, name, [max(0, sizes.layers - 1 - ranks.index(v)) for v in value])


def _cut(name: str, values: list, count: int) -> list:
    """The first ``count`` values; for layer types, every kind of layer kept (why: olmo_hybrid refuses a model
    whose first layers, all linear attention, leave no attention layer)."""
    cut = values[:count]
    if name.endswith("layer_types"):
        missing = [kind for kind in dict.fromkeys(values) if kind not in cut]
        if missing and len(missing) < count:
            cut = cut[: count - len(missing)] + missing
    return cut


def _fix_backbone_features(config: PreTrainedConfig) -> None:
    """A backbone whose stage count changed returns its new last stage (why: out_features such as
    'stage12' name stages that no longer exist)."""
    names, features = _get(config, "stage_names"), _get(config, "out_features")
    counts = _stage_counts(config)
    if not (isinstance(names, list) and isinstance(features, list) and counts):
        return
    count = min(counts)
    if len(names) == count + 1 and all(f in names for f in features):
        return
    config.stage_names = ["stem"] + [f"stage{i}" for i in range(1, count + 1)]
    if hasattr(config, "_out_features"):
        config._out_features, config._out_indices = [f"stage{count}"], [count]
    else:
        config.out_features, config.out_indices = [f"stage{count}"], [count]


def _stage_counts(config: PreTrainedConfig) -> list[int]:
    """The stage counts the config's own sizes imply: its per-stage lists, or its layer count."""
    lists = [
        len(v) for n, v in sorted(vars(config).items()) if n in ("depths", "hidden_sizes") and isinstance(v, list)
    ]
    if lists:
        return lists
    layers = _get(config, "num_hidden_layers")
    return [layers] if isinstance(layers, int) else []


def _record_width(config: PreTrainedConfig, before: dict[str, Any], widths: dict[int, int]) -> None:
    """Remember old hidden size -> new one, for _follow_widths."""
    old, new = before.get("hidden_size") or before.get("d_model"), _get(config, "hidden_size")
    if isinstance(old, int) and isinstance(new, int) and old > new and old >= 64:
        widths[old] = min(new, widths.get(old, new))


def _fix_joint_widths(config: PreTrainedConfig, parts: list[tuple[PreTrainedConfig, Any]]) -> None:
    """A ``*_dim`` field equal to the sum of two old hidden sizes among the config's and its sub-configs' becomes
    the sum of their new ones (why: neucodec's and xcodec2's quantization_dim, 1024 + 1024, and xcodec's
    codebook_dim, 256 + 768, are the width of acoustic and semantic states concatenated; left as they were, the
    quantizer refuses the tiny 32 + 32)."""
    pairs = [(old, _get(part, "hidden_size")) for part, old in parts if type(old) is int]
    sums = {}
    for i, (old_a, new_a) in enumerate(pairs):
        for old_b, new_b in pairs[i + 1 :]:
            if type(new_a) is int and type(new_b) is int and (new_a, new_b) != (old_a, old_b):
                sums.setdefault(old_a + old_b, new_a + new_b)
    for name, value in sorted(vars(config).items()):
        if type(value) is int and name.endswith("_dim") and not name.startswith("_") and value in sums:
            _set(config, name, sums[value])


def _fix_stage_doubling(config: PreTrainedConfig, before: dict[str, Any], stages: list, sizes: TinySizes) -> None:
    """A first-stage width doubled at each later stage up to the hidden size follows the new hidden size and stage
    count (why: clap's audio patch_embeds_hidden_size 96 * 2^3 = hidden_size 768; left at 96 with two tiny stages,
    its last stage is 192 wide where the projection takes 32)."""
    old, new, depths = before.get("hidden_size"), _get(config, "hidden_size"), _get(config, "depths")
    depths = list(depths) if isinstance(depths, (list, tuple)) else []
    if type(old) is not int or type(new) is not int or len(stages) < 2 or not depths:
        return
    first_new = new >> (len(depths) - 1)
    for name, value in sorted(vars(config).items()):
        if type(value) is not int or name in sizes.fields or not ("hidden_size" in name or "embed" in name):
            continue
        if value << (len(stages) - 1) == old and first_new << (len(depths) - 1) == new and first_new > 0:
            _set(config, name, first_new)


def _follow_widths(config: PreTrainedConfig, widths: dict[int, int], seen: set[int]) -> None:
    """Int size fields the table does not know, equal to an old hidden size of any config in the tree, become
    that config's new hidden size (why: mimi's upsample_groups, glm46v's vision out_hidden_size and
    gradium's flow_head_config.condition_dim are a hidden size under another name)."""
    if id(config) in seen:
        return
    seen.add(id(config))
    for name, value in sorted(vars(config).items()):
        if type(value) is int and value in widths and any(part in name for part in WIDTH_NAME_PARTS):
            _set(config, name, widths[value])
        elif isinstance(value, PreTrainedConfig):
            _follow_widths(value, widths, seen)


def _fix_sliding_window(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Sliding layers kept by the cut need a window: set an unset one below the test length. With ``window``
    any unset window is set (why: step3p7's text model builds its sliding mask even with no sliding layer)."""
    types = _get(config, "layer_types")
    sliding = isinstance(types, list) and "sliding_attention" in types
    if (sliding or sizes.window) and _get(config, "sliding_window") is None and "sliding_window" in vars(config):
        config.sliding_window = 4


# Names of a mamba mixer's (expand, head count, head width, group count, explicit inner width) in each naming.
MAMBA_FIELDS = (
    ("mamba_expand", "mamba_n_heads", "mamba_d_head", "mamba_n_groups", "mamba_d_ssm"),  # bamba, falcon_h1
    ("mamba_expand", "n_mamba_heads", "mamba_headdim", "mamba_ngroups", None),  # zamba2
    ("expand", "num_heads", "head_dim", "n_groups", None),  # mamba2
    ("expand", "mamba_num_heads", "mamba_head_dim", "n_groups", None),  # nemotron_h
)


def _fix_mamba(config: PreTrainedConfig) -> None:
    """Mamba mixers split expand * hidden_size (or an explicit inner width, which follows it) into heads of a
    width: heads * head width == inner, heads a multiple of the groups (why: mamba2, falcon_h1 and zamba2
    validate or reshape by that product; falcon_h1's mamba_d_ssm 1024 stayed the full model's inner width)."""
    for expand_name, heads_name, head_name, groups_name, inner_name in MAMBA_FIELDS:
        expand, hidden, heads = _get(config, expand_name), _get(config, "hidden_size"), _get(config, heads_name)
        if not all(type(v) is int for v in (expand, hidden, heads)) or heads_name not in vars(config):
            continue
        inner = expand * hidden
        if inner_name and type(_get(config, inner_name)) is int:
            setattr(config, inner_name, inner)
        heads = next(h for h in (4, 2, 1) if inner % h == 0)
        setattr(config, heads_name, heads)
        if type(_get(config, head_name)) is int:
            setattr(config, head_name, inner // heads)
        groups = _get(config, groups_name)
        if type(groups) is int and heads % groups:
            setattr(config, groups_name, 1)
        return


def _fix_rope(config: PreTrainedConfig) -> None:
    """Multimodal rope sections (qwen2_vl, glm4v) split the rotary half of head_dim (partial_rotary_factor of
    it): scale them to the new head width.
    A YaRN original_max_position_embeddings above the tiny max_position_embeddings follows it down."""
    positions = _get(config, "max_position_embeddings")
    for holder_name in ("rope_parameters", "rope_scaling"):
        holder = _get(config, holder_name)
        original = holder.get("original_max_position_embeddings") if isinstance(holder, dict) else None
        if isinstance(original, int) and isinstance(positions, int) and original > positions:
            holder["original_max_position_embeddings"] = positions
        sections = holder.get("mrope_section") if isinstance(holder, dict) else None
        roped = isinstance(holder, dict) and bool(holder)  # an empty dict: no rope (cohere_compass's text config)
        in_code = _code_sections(config) if sections is None and roped else []
        keep_equal = bool(in_code) and ("mrope_section" in _rope_ignored_keys(config) or "vocab_size" in vars(config))
        if keep_equal:  # the model's own default sections (ernie: [22, 22, 20]) fit only the full head
            sections = in_code
        elif sections is None and roped and "mrope_section" in _rope_ignored_keys(config):
            sections = [1, 1, 1]
        if not (isinstance(sections, list) and sections):
            continue
        head_dim = _get(config, "head_dim")
        hidden, heads = _get(config, "hidden_size"), _get(config, "num_attention_heads")
        if not isinstance(head_dim, int) and isinstance(hidden, int) and isinstance(heads, int) and heads:
            head_dim = hidden // heads
        factor = holder.get("partial_rotary_factor", _get(config, "partial_rotary_factor"))
        if isinstance(head_dim, int) and isinstance(factor, float) and 0 < factor < 1:
            head_dim = _widen_rotary(config, head_dim, factor, len(sections))
        if isinstance(head_dim, int) and (sum(sections) != head_dim // 2 or "mrope_section" not in holder):
            holder["mrope_section"] = scaled_sections(sections, head_dim // 2, keep_equal)


def _widen_rotary(config: PreTrainedConfig, head_dim: int, factor: float, sections: int) -> int:
    """The rotary width of a partial rope (glm4v_moe ropes half of each head), with fewer, wider heads when it
    leaves fewer than one pair per section (why: 8-wide heads rope 4 dimensions, 2 pairs for 3 sections)."""
    heads, kv = _get(config, "num_attention_heads"), _get(config, "num_key_value_heads")
    while int(head_dim * factor) // 2 < sections and isinstance(heads, int) and heads > 1:
        heads, head_dim = heads // 2, head_dim * 2
        config.num_attention_heads = heads
        if isinstance(kv, int):
            config.num_key_value_heads = kv = min(kv, heads)
        if isinstance(_get(config, "head_dim"), int):
            _set(config, "head_dim", head_dim)
    return int(head_dim * factor)


def _rope_ignored_keys(config: PreTrainedConfig) -> set:
    """Rope keys the config class lets through unvalidated: mrope_section there means the model reads it."""
    keys = getattr(type(config), "ignore_keys_at_rope_validation", None)
    return set(keys) if isinstance(keys, (set, frozenset, list, tuple)) else set()


def scaled_sections(sections: list[int], total: int, keep_equal: bool = False) -> list[int]:
    """``sections`` scaled to sum to ``total``, each at least 1 (the largest shortfalls get the remainder).
    With ``keep_equal``, sections of equal width get the remainder together, while it lasts (why: ernie4_5_vl
    stacks its h and w sections pairwise, "stack expects each tensor to be equal size")."""
    whole = sum(sections)
    out = [max(1, s * total // whole) for s in sections]
    while sum(out) > total and max(out) > 1:
        out[out.index(max(out))] -= 1
    while sum(out) < total:
        shortfall = [s * total / whole - o for s, o in zip(sections, out)]
        ranked = sorted(range(len(out)), key=lambda i: -shortfall[i])  # stable: ties go to the first
        fits = [i for i in ranked if sections.count(sections[i]) <= total - sum(out)] if keep_equal else ranked
        chosen = fits[0] if fits else ranked[0]
        for i in [j for j in range(len(out)) if sections[j] == sections[chosen]] if fits and keep_equal else [chosen]:
            out[i] += 1
    return out


def _code_sections(config: PreTrainedConfig) -> list[int]:
    """The mrope sections the config's modeling module falls back to when rope_parameters has none (paddleocr_vl
    reads ``rope_parameters.get("mrope_section", [16, 24, 24])``), [] when it names none. Why: a config without
    the key still gets those full-size sections, which the tiny head cannot split."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(type(config).__module__.replace(".configuration_", ".modeling_"))
    except (ImportError, ValueError):  # a config defined outside a package
        return []
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return []
    return list(_sections_in(spec.origin))


@functools.lru_cache(maxsize=32)
def _sections_in(path: str) -> tuple[int, ...]:
    """The first ``.get("mrope_section", [...])`` default list in the Python file ``path``, () when none."""
    import ast

    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            args = node.args
            if len(args) == 2 and isinstance(args[0], ast.Constant) and args[0].value == "mrope_section":
                found = ast.literal_eval(args[1]) if isinstance(args[1], ast.List) else []
                if found and all(type(v) is int and v > 0 for v in found):
                    return tuple(found)
    return ()


def _fix_token_ids(config: PreTrainedConfig) -> None:
    """Special token ids must index into the tiny vocabulary: clamp large ones to its last ids."""
    vocab = _get(config, "vocab_size")
    text = _get(config, "text_config")
    if not isinstance(vocab, int) and isinstance(text, PreTrainedConfig):
        vocab = getattr(text, "vocab_size", None)  # composite models (llava) index the text vocabulary
    if not isinstance(vocab, int):
        return
    names = sorted(set(TOKEN_ID_FIELDS) | {n for n in vars(config) if n.endswith(("_token_id", "_token_index"))})
    for offset, name in enumerate(names):
        value = _get(config, name)
        if isinstance(value, int) and not isinstance(value, bool) and value >= vocab:
            _set(config, name, vocab - 1 - offset % 3)


def _fix_index_heads(config: PreTrainedConfig) -> None:
    """A sparse-attention indexer's heads (index_num_heads) are no more than the query heads sharing one key
    head (why: kolibri1_1's validator refused 12 indexer heads for 2 query heads per key head)."""
    index, heads, kv = (_get(config, n) for n in ("index_num_heads", "num_attention_heads", "num_key_value_heads"))
    if all(type(v) is int and v > 0 for v in (index, heads, kv)) and index > heads // kv:
        config.index_num_heads = max(1, heads // kv)


def _derive_layer_indices(config: PreTrainedConfig, sizes: TinySizes) -> None:
    """Lists of layer indices that the class derives when unset (its field defaults to None) and that point past
    the tiny layer count are derived again by the class from the cut config (why: kolibri1_1's index_layers
    [4, 14, 19, 29], the indexed layers of its 30; its validator wants them among the cut layer types)."""
    if not dataclasses.is_dataclass(config):
        return
    fields = {f.name: f for f in dataclasses.fields(config)}
    layers = _get(config, "num_hidden_layers")
    stale = [
        name
        for name, value in sorted(vars(config).items())
        if name in fields
        and fields[name].default is None
        and name.endswith("_layers")
        and _int_list(value)
        and type(layers) is int
        and max(value) >= layers
    ]
    if not stale:
        return
    try:
        fresh = type(config)(**{n: (None if n in stale else v) for n, v in vars(config).items() if n in fields})
    except Exception:  # noqa: BLE001 - a config the class refuses keeps its lists
        return
    for name in stale:
        setattr(config, name, getattr(fresh, name))


def _wrap_layer_indices(config: PreTrainedConfig) -> None:
    """Lists of layer indices (``*layers_indices``) past the tiny layer count wrap around it, keeping their length:
    the length sets widths (why: mllama's vision model concatenates the states of intermediate layers [3, 7, 15,
    23, 30], five of them, of its 2 tiny layers; its class derives that same list again)."""
    layers = _get(config, "num_hidden_layers")
    for name, value in sorted(vars(config).items()):
        if name.endswith("layers_indices") and _int_list(value) and type(layers) is int and layers > 0:
            if max(value) >= layers:
                setattr(config, name, [index % layers for index in value])


def _zero_dropout(config: PreTrainedConfig) -> None:
    for name in sorted(vars(config)):
        value = _get(config, name)
        if isinstance(value, float) and name.endswith(DROPOUT_SUFFIXES):
            setattr(config, name, 0.0)


# Fields a model reads that its config class does not define (transformers 5.25: dbrx's attention config lacks
# rope_theta, t5gemma2's text config dropout_rate, pix2struct's text config initializer_range...): a checkpoint's
# config.json carries them, so real loads work; tiny configs get them too. A value, or the field of the same
# config to copy it from.
MISSING_FIELD_VALUES: dict[str, Any] = {
    "initializer_range": 0.02,
    "dropout_rate": 0.0,
    "rope_theta": 10000.0,
    "num_key_value_heads": "num_attention_heads",
    "shared_expert_intermediate_size": "intermediate_size",
    "spatial_merge_size": 2,  # qwen3_omni_moe's talker config; the vision tower merges 2 x 2 patches
}
MISSING_FIELD = re.compile(r"'(\w+)' object has no attribute '(\w+)'")
MissingField = tuple[str, str]  # (config class name, field name)


def missing_field(error: BaseException) -> MissingField | None:
    """(config class, field) when ``error`` says a config lacks a field the table has a value for, else None."""
    found = MISSING_FIELD.search(str(error)) if isinstance(error, AttributeError) else None
    if found is None or not found.group(1).endswith("Config") or found.group(2) not in MISSING_FIELD_VALUES:
        return None
    return found.group(1), found.group(2)


def supply_field(config: PreTrainedConfig, class_name: str, field_name: str) -> bool:
    """Set ``field_name`` on every config of class ``class_name`` in ``config``'s tree that lacks it, in place;
    True when one was set."""
    value = MISSING_FIELD_VALUES[field_name]
    changed = False
    for sub in [config, *_nested_configs(config)]:
        if type(sub).__name__ == class_name and field_name not in vars(sub):
            given = getattr(sub, value, None) if isinstance(value, str) else value
            if given is not None:
                setattr(sub, field_name, given)
                changed = True
    return changed


def find_missing_fields(config: PreTrainedConfig, model_class: type) -> tuple[MissingField, ...]:
    """The fields a model of ``model_class`` reads that ``config``'s classes lack, found by building it on the
    meta device (no memory) and supplying each in turn; () when it builds, or fails for another reason."""
    import torch

    found: list[MissingField] = []
    trial = copy.deepcopy(config)
    for _ in range(len(MISSING_FIELD_VALUES) + 1):
        try:
            with torch.device("meta"):
                model_class(copy.deepcopy(trial))
            return tuple(found)
        except Exception as exc:  # noqa: BLE001 - only a missing field of the table is acted on
            field = missing_field(exc)
            if field is None or not supply_field(trial, *field):
                return tuple(found)
            found.append(field)
    return tuple(found)


def _nested_configs(config: PreTrainedConfig) -> list[PreTrainedConfig]:
    """Every config nested in ``config``'s attributes, depth first."""
    found = []
    for sub in _sub_configs(config):
        found += [sub, *_nested_configs(sub)]
    return found


def apply_overrides(config: PreTrainedConfig, overrides: dict[str, Any]) -> PreTrainedConfig:
    """Set `overrides` on the config; a dotted key ("decoder.vocab_size") reaches into a sub-config."""
    for key in sorted(overrides):
        target = config
        *path, last = key.split(".")
        for part in path:
            target = getattr(target, part)
        setattr(target, last, overrides[key])
    return config
