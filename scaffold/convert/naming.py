"""Inferring the old -> new model names of a modular file from its class names and module names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scaffold.names import camel_from_snake


def common_suffix(first: str, second: str) -> str:
    """The longest common suffix of two names, or ``""`` when it is the whole of either."""
    size = 0
    while size < min(len(first), len(second)) and first[-1 - size] == second[-1 - size]:
        size += 1
    suffix = first[len(first) - size :] if size else ""
    return "" if suffix in (first, second) else suffix


def camel_prefixes(child: str, parent: str, old_hint: str = "") -> tuple[str, str] | None:
    """``("MyLlamaModel", "LlamaModel")`` -> ``("Llama", "MyLlama")``: the parts before a CamelCase suffix.

    The source model's own prefix ``old_hint`` (``ViT``), when given and the child ends with what follows it,
    tells where the suffix starts: ``MyViTModel`` / ``ViTModel``, and ``Qwen2_5_VLConfig`` / ``Qwen2VLConfig`` with
    hint ``Qwen2VL`` (-> ``Qwen2VL``, ``Qwen2_5_VL``, not ``Qwen2``, ``Qwen2_5_``). Else the common suffix does.
    """
    if old_hint and parent.startswith(old_hint) and len(parent) > len(old_hint):
        rest = parent[len(old_hint) :]
        if child.endswith(rest) and len(child) > len(rest) and rest[0].isupper():
            return old_hint, child[: -len(rest)]  # Qwen2VLTextConfig -> Qwen2_5_VLTextConfig: Qwen2VL, Qwen2_5_VL
    suffix = common_suffix(child, parent)
    while suffix and not suffix[0].isupper():  # BioGptAttention / BartAttention share "tAttention"
        suffix = suffix[1:]
    if suffix:
        return parent[: -len(suffix)], child[: -len(suffix)]
    return None


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


def camel_spelled_in(class_names: list[str], snake: str) -> str:
    """The CamelCase prefix the modular file's classes spell its snake name with, or "".

    ``["PLBartModel"]`` and ``plbart`` -> ``PLBart`` (not ``Plbart``); ``Qwen2_5_VLModel`` and ``qwen2_5_vl`` ->
    ``Qwen2_5_VL``. This is the model's own casing, which transformers' converter reads from its config mapping.
    """
    target = snake.replace("_", "").lower()
    for name in class_names:
        for cut in range(len(target), len(name) + 1):
            prefix = name[:cut]
            if prefix.replace("_", "").lower() == target and (cut == len(name) or name[cut].isupper()):
                return prefix
    return ""
