"""Case-aware, boundary-aware renaming of a model's name in a libcst tree (``Llama`` -> ``MyLlama``).

The public API the converter calls:

- ``Spellings``, ``RenamePolicy``, ``IN_TREE_COMPAT``, ``RenameMap`` (``rename_map.py``): the typed inputs;
- ``rename_node(node, rename_map)``: any node, a whole ``Module`` included, renamed in one walk by the
  transformers of ``rename_transformers.py`` (identifiers, strings, f-string parts, docstrings, comments);
- ``rename_identifier`` / ``rename_text``: the same rules on a plain identifier or piece of prose
  (``rename_words.py``).

Import statements are never touched: the converter decides imports itself.
"""

from __future__ import annotations

from functools import lru_cache

from collections.abc import Callable, Sequence
from typing import TypeVar

import libcst as cst

from scaffold.convert import rename_transformers as rt
from scaffold.convert.rename_map import IN_TREE_COMPAT, RenameMap, RenamePolicy, Spellings
from scaffold.convert.rename_words import rename_identifier, rename_text

__all__ = [
    "IN_TREE_COMPAT",
    "RenameMap",
    "RenamePolicy",
    "Spellings",
    "rename_identifier",
    "rename_node",
    "needs_no_rename",
    "rename_text",
]

NodeT = TypeVar("NodeT", bound=cst.CSTNode)
Handler = Callable[..., object]

# The rewrites rename_node applies, in order; each is one transformer class of rename_transformers.py.
REWRITES: tuple[type[cst.CSTTransformer], ...] = (
    rt.RenameIdentifierTransformer,
    rt.RenameStringTransformer,
    rt.RenameFormattedStringTransformer,
    rt.RenameDocstringTransformer,
    rt.RenameCommentTransformer,
)


def rename_node(node: NodeT, rename_map: RenameMap, untouched: frozenset[int] = frozenset()) -> NodeT:
    """``node`` with every old model name renamed per ``rename_map`` (the node itself when there is none).

    ``untouched`` holds the ``id`` of subtrees known to contain nothing to rename (see ``needs_no_rename``):
    they are kept as they are without being walked.
    """
    if not rename_map.pairs or id(node) in untouched:
        return node
    parts = [rewrite(rename_map) for rewrite in REWRITES]  # type: ignore[call-arg]
    return node.visit(ComposedTransformer(parts, untouched))  # type: ignore[return-value]


def needs_no_rename(text: str, rename_map: RenameMap) -> bool:
    """True when renaming cannot change source ``text``: no old spelling in any case, and no ``Copied from``.

    Every rewrite changes only a name, string or comment where an old spelling matches (case-insensitively at
    most), or drops a ``# Copied from`` comment; so text without either comes out of ``rename_node`` as it was.
    """
    folded = text.casefold()
    if rename_map.policy.drop_copied_from and "copied from" in folded:
        return False
    spellings = {s.casefold() for old, _ in rename_map.pairs for s in (old.camel, old.snake, old.kebab, old.upper) if s}
    return not any(spelling in folded for spelling in spellings)


class ComposedTransformer(cst.CSTTransformer):
    """Runs several transformers in one walk of the tree: each sees every node, in the given order.

    One walk instead of five: a walk of a large modeling file costs far more than the renaming itself. The
    parts' ``visit_<Node>`` / ``leave_<Node>`` methods are looked up once, by node type; parts must define no
    attribute visitors (``visit_<Node>_<field>``), which holds for the rename transformers.
    """

    def __init__(self, parts: Sequence[cst.CSTTransformer], untouched: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.visits = _handlers(parts, "visit_")
        self.leaves = _handlers(parts, "leave_")
        self.untouched = untouched  # ids of subtrees no part would change: neither visited nor left

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.untouched:
            return False
        wanted = [handler(node) for handler in self.visits.get(type(node).__name__, ())]
        return False not in wanted

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[no-untyped-def]
        result: object = updated_node
        if id(original_node) in self.untouched:
            return result
        for handler in self.leaves.get(type(original_node).__name__, ()):
            result = handler(original_node, result)
            if not isinstance(result, cst.CSTNode):
                break
        return result

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


def _handlers(parts: Sequence[cst.CSTTransformer], prefix: str) -> dict[str, tuple[Handler, ...]]:
    """Node type name -> the parts' own ``<prefix><Node>`` methods, in part order (libcst's stubs left out)."""
    found: dict[str, list[Handler]] = {}
    for part in parts:
        for attr in _own_methods(type(part), prefix):
            found.setdefault(attr[len(prefix) :], []).append(getattr(part, attr))
    return {name: tuple(handlers) for name, handlers in found.items()}


@lru_cache(maxsize=64)
def _own_methods(part_type: type, prefix: str) -> tuple[str, ...]:
    """The ``<prefix><Node>`` methods a transformer class defines itself (``dir`` is slow: done once per class)."""
    return tuple(
        attr
        for attr in sorted(dir(part_type))
        if attr.startswith(prefix)
        and attr.count("_") == 1
        and getattr(part_type, attr) is not getattr(cst.CSTTransformer, attr, None)
    )
