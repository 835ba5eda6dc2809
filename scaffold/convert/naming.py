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


def spelled_prefix(snake: str, class_names: list[str]) -> str | None:
    """The CamelCase prefix the classes use for the model ``snake``: ``Qwen2_5_VL`` for ``qwen2_5_vl``.

    A prefix counts when it spells ``snake`` case-insensitively once underscores are dropped and a capital
    letter follows it; the most frequent one wins (the first seen on a tie); None when no class has one.
    """
    target = snake.replace("_", "").lower()
    found: Counter[str] = Counter()
    for name in class_names:
        for end in range(len(target), len(name)):
            head = name[:end]
            if head.replace("_", "").lower() == target and name[end].isupper():
                found[head] += 1
                break
            if len(head.replace("_", "")) > len(target):
                break
    return found.most_common(1)[0][0] if found else None


def voted_prefix(child: str, parent: str, default_new: str, old: str = "") -> str:
    """The new-model prefix one ``Child(Parent)`` pair votes for (transformers' rule).

    A child that is a word plus the whole parent name keeps the parent model's name ``old`` after that word
    (``DeepseekOcr2SamVisionLayer`` / ``SamVisionLayer`` -> ``DeepseekOcr2Sam``). Else the child without the CamelCase suffix it shares with its parent (every occurrence of it removed); the
    default prefix when they share none, when the suffix starts lowercase (``EncoderLayer`` / ``DecoderLayer``
    share ``coderLayer``) or when the cut ate into the default prefix (``Qwen2_5_VLTextConfig`` /
    ``Qwen2VLTextConfig`` share ``VLTextConfig``: ``Qwen2_5_VL``, not ``Qwen2_5_``).
    """
    if old and child.endswith(parent) and len(child) > len(parent):
        return child[: -len(parent)] + old if parent.startswith(old) else default_new
    suffix = common_suffix(child, parent)
    if not suffix or not suffix[0].isupper():
        return default_new
    prefix = child.replace(suffix, "")
    if len(prefix) < len(default_new) and default_new in child:
        return default_new
    return prefix


def collides(new_prefix: str, default_new: str, old_camel: str, source_classes: list[str]) -> bool:
    """Whether a sub-prefix (``Ovis2Vision``) spelled for the source (``Aimv2Vision``) starts a class of it.

    transformers then renames the source with the default prefix instead (``Aimv2MLP`` -> ``Ovis2MLP``).
    """
    if new_prefix == default_new:
        return False
    old_prefix = new_prefix.replace(default_new, old_camel)
    return any(name.startswith(old_prefix) for name in source_classes)


def config_prefix(names: list[str]) -> str | None:
    """The model prefix of the shortest ``<Prefix>Config`` name: ``ASTConfig`` -> ``AST`` (None when none)."""
    configs = sorted((n for n in names if n.endswith("Config") and len(n) > len("Config")), key=lambda n: (len(n), n))
    return configs[0][: -len("Config")] if configs else None
