"""Case-aware renaming (minimal stand-in; the full version with hub-id protection and prose rules replaces it).

Maps each spelling of an old model name onto the same spelling of the new one, at word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True)
class Spellings:
    camel: str
    snake: str
    kebab: str
    upper: str

    @classmethod
    def infer(cls, camel: str, snake: str) -> Spellings:
        return cls(camel, snake, snake.replace("_", "-"), snake.upper())

    @classmethod
    def from_names(cls, names) -> Spellings:  # scaffold.names.ModelNames
        return cls(names.camel, names.snake, names.kebab, names.upper)


@dataclass(frozen=True)
class RenamePolicy:
    keep_hub_ids: bool = True  # leave `org/name` checkpoint ids untouched
    rename_text: bool = True  # rename inside comments and docstrings too


IN_TREE_COMPAT = RenamePolicy()


@dataclass(frozen=True)
class RenameMap:
    pairs: tuple[tuple[Spellings, Spellings], ...] = ()
    keep: frozenset[str] = frozenset()
    policy: RenamePolicy = RenamePolicy()


def _replace(text: str, old: Spellings, new: Spellings) -> str:
    patterns = {old.snake: new.snake, old.upper: new.upper, old.camel: new.camel}
    rx = re.compile(
        "(?<![a-z0-9])(" + "|".join(re.escape(k) for k in patterns) + ")(.|$)", re.IGNORECASE | re.DOTALL
    )

    def rep(mo: re.Match[str]) -> str:
        m, nxt = mo.group(1), mo.group(2)
        replacement = patterns.get(m, new.camel)
        if len(patterns) == 2 and m.isupper() and not nxt.isalpha():
            replacement = patterns[m.lower()].upper()
        return replacement + nxt

    return rx.sub(rep, text)


def rename_identifier(name: str, rename_map: RenameMap) -> str:
    if name in rename_map.keep:
        return name
    for old, new in rename_map.pairs:
        name = _replace(name, old, new)
    return name


def rename_text(text: str, rename_map: RenameMap) -> str:
    return rename_identifier(text, rename_map)


class _RenameTransformer(cst.CSTTransformer):
    def __init__(self, rename_map: RenameMap) -> None:
        super().__init__()
        self.rename_map = rename_map

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return updated.with_changes(value=rename_identifier(updated.value, self.rename_map))

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.SimpleString:
        return updated.with_changes(value=rename_text(updated.value, self.rename_map))

    def leave_Comment(self, original: cst.Comment, updated: cst.Comment) -> cst.Comment:
        return updated.with_changes(value=rename_text(updated.value, self.rename_map))


def rename_node(node: cst.CSTNode, rename_map: RenameMap) -> cst.CSTNode:
    return node.visit(_RenameTransformer(rename_map))
