"""Tiny test configs derived from a model's default config: same structure, sizes small enough to build fast.

Pure functions over config objects: `shrink_config` changes the known size fields of a config (and of its
sub-configs, recursively) in place on a copy, keeping head counts, head_dim and per-layer lists consistent.
"""

from __future__ import annotations

import copy
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
        }
    )


# Sub-config attribute names that hold a nested config to shrink too.
SUB_CONFIG_NAMES = ("text_config", "vision_config", "audio_config", "encoder", "decoder")
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
# Dropout fields set to zero: the suite compares outputs of train-mode passes (gradient checkpointing).
DROPOUT_SUFFIXES = ("dropout", "dropout_prob", "dropout_rate", "attention_dropout", "pdrop")


def shrink_config(config: PreTrainedConfig, sizes: TinySizes | None = None) -> PreTrainedConfig:
    """Return a copy of `config` with its size fields (and those of its sub-configs) made tiny."""
    tiny = copy.deepcopy(config)
    _shrink_in_place(tiny, sizes or TinySizes())
    return tiny


def _shrink_in_place(config: PreTrainedConfig, sizes: TinySizes) -> None:
    for name in SUB_CONFIG_NAMES:
        sub = getattr(config, name, None)
        if isinstance(sub, PreTrainedConfig):
            _shrink_in_place(sub, sizes)
    for name, size_attr in sorted(sizes.fields.items()):
        value = getattr(config, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            setattr(config, name, min(value, getattr(sizes, size_attr)))
    _fix_heads(config)
    _fix_layer_lists(config)
    _fix_token_ids(config)
    _zero_dropout(config)


def _fix_heads(config: PreTrainedConfig) -> None:
    """Keep head_dim, d_kv and key/value heads consistent with the new hidden size and head count."""
    hidden = getattr(config, "hidden_size", None) or getattr(config, "d_model", None)
    heads = getattr(config, "num_attention_heads", None) or getattr(config, "num_heads", None)
    if not (isinstance(hidden, int) and isinstance(heads, int) and heads):
        return
    if isinstance(getattr(config, "head_dim", None), int):
        config.head_dim = hidden // heads
    if isinstance(getattr(config, "d_kv", None), int):
        config.d_kv = hidden // heads
    kv = getattr(config, "num_key_value_heads", None)
    if isinstance(kv, int) and heads % kv:
        config.num_key_value_heads = heads


def _fix_layer_lists(config: PreTrainedConfig) -> None:
    """Cut per-layer lists (layer_types, ...) to the tiny layer count."""
    layers = getattr(config, "num_hidden_layers", None)
    if not isinstance(layers, int):
        return
    for name in ("layer_types", "mlp_layer_types"):
        value = getattr(config, name, None)
        if isinstance(value, list) and len(value) > layers:
            setattr(config, name, value[:layers])


def _fix_token_ids(config: PreTrainedConfig) -> None:
    """Special token ids must index into the tiny vocabulary: clamp large ones to its last ids."""
    vocab = getattr(config, "vocab_size", None)
    text = getattr(config, "text_config", None)
    if not isinstance(vocab, int) and isinstance(text, PreTrainedConfig):
        vocab = getattr(text, "vocab_size", None)  # composite models (llava) index the text vocabulary
    if not isinstance(vocab, int):
        return
    for offset, name in enumerate(TOKEN_ID_FIELDS):
        value = getattr(config, name, None)
        if isinstance(value, int) and value >= vocab:
            setattr(config, name, vocab - 1 - offset % 3)


def _zero_dropout(config: PreTrainedConfig) -> None:
    for name in sorted(vars(config)):
        value = getattr(config, name, None)
        if isinstance(value, float) and name.endswith(DROPOUT_SUFFIXES):
            setattr(config, name, 0.0)


def apply_overrides(config: PreTrainedConfig, overrides: dict[str, Any]) -> PreTrainedConfig:
    """Set `overrides` on the config; a dotted key ("decoder.vocab_size") reaches into a sub-config."""
    for key in sorted(overrides):
        target = config
        *path, last = key.split(".")
        for part in path:
            target = getattr(target, part)
        setattr(target, last, overrides[key])
    return config
