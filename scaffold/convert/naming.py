"""Inferring the old -> new model names of a modular file from its class names and module names."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from scaffold.names import camel_from_snake


def common_suffix(first: str, second: str) -> str:
    """The longest common suffix of two names, or ``""`` when it is the whole of either."""
    size = 0
    while size < min(len(first), len(second)) and first[-1 - size] == second[-1 - size]:
        size += 1
    suffix = first[len(first) - size :] if size else ""
    return "" if suffix in (first, second) else suffix


def shared_prefix(class_names: list[str], suffixes: tuple[str, ...]) -> str:
    """The model prefix of a module's classes: ``[LlamaModel, LlamaForCausalLM]`` -> ``Llama``.

    With a single class, its known suffix is cut (``LlamaConfig`` -> ``Llama``); "" when nothing is shared.
    """
    if not class_names:
        return ""
    if len(class_names) == 1:
        name = class_names[0]
        cut = max((s for s in suffixes if name.endswith(s) and len(s) < len(name)), key=len, default="")
        return name[: len(name) - len(cut)] if cut else ""
    prefix = class_names[0]
    for name in class_names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    for name in class_names:
        rest = name[len(prefix) :]
        if rest and not (rest[0].isupper() or rest[0].isdigit()):
            while prefix and not prefix[-1].isupper():
                prefix = prefix[:-1]
            prefix = prefix[:-1]
            break
    return prefix


@dataclass(frozen=True)
class SourceNames:
    """How one source model is named in camel and snake case, and what it becomes."""

    module: str  # transformers.models.llama.modeling_llama
    old_camel: str
    old_snake: str
    new_camel: str
    new_snake: str


def pick_prefix(votes: Counter[tuple[str, str]], default_new: str) -> tuple[str, str] | None:
    """The most frequent (old, new) prefix pair; on a tie the default new prefix, else the last seen."""
    if not votes:
        return None
    top = max(votes.values())
    tied = [pair for pair, count in votes.items() if count == top]
    for pair in tied:
        if pair[1] == default_new:
            return pair
    return tied[-1]


def default_camel(snake: str) -> str:
    """``my_llama`` -> ``MyLlama``."""
    return camel_from_snake(snake)


def lowercase_name(camel: str, config_names: Mapping[str, str]) -> str:
    """A CamelCase prefix in snake case, as transformers' converter spells it.

    The model type whose config class is ``<camel>Config`` when the Auto table has one
    (``DeepseekOcr2VisionEncoder`` -> ``deepseek_ocr2_encoder``), else one word per capital (``MLCD`` -> ``m_l_c_d``).
    """
    for model_type, config in config_names.items():
        if config == camel + "Config":
            return model_type.replace("-", "_")
    return "_".join(word.lower() for word in re.findall(r"[A-Z][^A-Z]*", camel))


def cased_name(snake: str, config_names: Mapping[str, str]) -> str:
    """A snake model name in CamelCase: its config class without ``Config`` when the Auto table knows the model
    type (``qwen2_5_vl`` -> ``Qwen2_5_VL``), else one capital per word (``my_llama`` -> ``MyLlama``)."""
    config = config_names.get(snake) or config_names.get(snake.replace("_", "-"))
    return config[: -len("Config")] if config and config.endswith("Config") else default_camel(snake)


def new_prefix(child: str, parent: str, old: str, default: str) -> str:
    """The new model prefix a ``child(parent)`` pair votes for, by transformers' rule (``old``: the parent model's).

    A child named as a word plus the whole parent name, starting with the default prefix (in any case), keeps
    the parent model's name after that word (``DeepseekOcr2SamVisionNeck`` / ``SamVisionNeck`` ->
    ``DeepseekOcr2Sam``, ``XCLIPAttention`` / ``CLIPAttention`` -> ``XCLIP``); one not starting with it votes for
    the default (deepseek_vl_hybrid's ``DeepseekVLSamVisionNeck``: ``SamLayerNorm`` -> the modular's
    ``DeepseekVLHybridLayerNorm``). Else the child's name before the CamelCase suffix it
    shares with the parent (``JambaMambaMixer`` / ``FalconMambaMixer`` -> ``Jamba``). The default prefix when
    there is no such suffix (``Zamba2MambaMixer`` / ``BambaMixer`` share ``ambaMixer``), or when the cut falls
    inside the default name (``Qwen2_5_VLConfig`` / ``Qwen2VLConfig`` share ``VLConfig``: ``Qwen2_5_VL``).
    """
    if child.endswith(parent) and len(child) > len(parent):
        named_as_default = child.lower().startswith(default.lower())
        return child[: -len(parent)] + old if parent.startswith(old) and named_as_default else default
    suffix = common_suffix(child, parent)
    if not suffix or not suffix[0].isupper():
        return default
    prefix = child[: -len(suffix)]
    return default if len(prefix) < len(default) and default in child else prefix


def spelled_prefix(names: list[str], snake: str) -> str:
    """The most common start of ``names`` that spells ``snake`` (``PPOCRTinyRecConfig``, ``pp_ocr_tiny_rec`` ->
    ``PPOCRTinyRec``), followed by a capital or the end; "" when none does."""
    target = snake.replace("_", "").lower()
    found: Counter[str] = Counter()
    for name in names:
        for end in range(len(target), len(name) + 1):
            head = name[:end]
            if head.replace("_", "").lower() == target and (end == len(name) or not name[end].islower()):
                found[head] += 1
                break
    return max(found, key=lambda k: (found[k], k)) if found else ""
