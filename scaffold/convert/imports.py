"""Import statements as typed records: gathered from a module, resolved to absolute, rendered in a style.

Imports are not copied as statements. Each imported name becomes an ``ImportRecord`` with an absolute module
(or ``.<stem>`` for a sibling generated file), so that the generated file can re-emit exactly the names it uses,
in the import style the caller asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node

from scaffold.convert.options import ImportStyle


@dataclass(frozen=True)
class ImportRecord:
    """One imported name: ``from <module> import <name> as <alias>``, or ``import <name> as <alias>``.

    ``module`` is absolute (``transformers.utils``), ``""`` for a plain ``import``, or ``.<stem>`` for a sibling
    generated file. ``guard`` is the source of an ``if`` test protecting the import (``is_torch_available()``).
    """

    module: str
    name: str
    alias: str | None = None
    guard: str | None = None

    @property
    def bound(self) -> str:
        """The name this import binds in the module namespace."""
        if self.alias:
            return self.alias
        return self.name.split(".")[0] if not self.module else self.name


def resolve_module(relative_level: int, module: str, package: str | None) -> str | None:
    """``(3, "utils", "transformers.models.llama")`` -> ``transformers.utils``; None when it cannot resolve."""
    if relative_level == 0:
        return module
    if not package:
        return None
    parts = package.split(".")
    if relative_level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (relative_level - 1)]
    return ".".join(base + ([module] if module else []))


def records_of_statement(
    stmt: cst.BaseSmallStatement, package: str | None, guard: str | None = None
) -> tuple[ImportRecord, ...]:
    """The records of one ``import`` / ``from ... import`` statement (star imports give none)."""
    if isinstance(stmt, cst.Import):
        return tuple(
            ImportRecord("", get_full_name_for_node(alias.name) or "", _alias_of(alias), guard) for alias in stmt.names
        )
    if not isinstance(stmt, cst.ImportFrom) or isinstance(stmt.names, cst.ImportStar):
        return ()
    dotted = get_full_name_for_node(stmt.module) if stmt.module is not None else ""
    resolved = resolve_module(len(stmt.relative), dotted or "", package)
    if resolved is None:
        resolved = "." * len(stmt.relative) + (dotted or "")
    return tuple(
        ImportRecord(resolved, get_full_name_for_node(alias.name) or "", _alias_of(alias), guard)
        for alias in stmt.names
    )


def _alias_of(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return get_full_name_for_node(alias.asname.name)


def top_level_import_records(module: cst.Module, package: str | None) -> tuple[ImportRecord, ...]:
    """All import records of a module's top level: plain ones, then those protected by an ``if``."""
    plain: list[ImportRecord] = []
    guarded: list[ImportRecord] = []
    for stmt in module.body:
        if m.matches(stmt, m.SimpleStatementLine(body=[m.Import() | m.ImportFrom()])):
            plain.extend(records_of_statement(stmt.body[0], package))
        elif isinstance(stmt, cst.If) and _has_import(stmt.body.body):
            guard = module.code_for_node(stmt.test)
            for inner in stmt.body.body:
                if isinstance(inner, cst.SimpleStatementLine):
                    for small in inner.body:
                        guarded.extend(records_of_statement(small, package, guard))
    return tuple(plain + guarded)


def _has_import(body: Sequence[cst.BaseStatement]) -> bool:
    return any(m.matches(s, m.SimpleStatementLine(body=[m.Import() | m.ImportFrom()])) for s in body)


def styled_module(module: str, style: ImportStyle, new_package: str) -> str:
    """Spell an absolute module for the generated file: absolute out of tree, relative in tree."""
    if not module or module.startswith(".") or style is ImportStyle.OUT_OF_TREE:
        return module
    if module != "transformers" and not module.startswith("transformers."):
        return module
    target = module.split(".")
    here = new_package.split(".")
    common = 0
    while common < min(len(target), len(here)) and target[common] == here[common]:
        common += 1
    dots = "." * (len(here) - common + 1)
    return dots + ".".join(target[common:])


def render_imports(records: Iterable[ImportRecord], style: ImportStyle, new_package: str) -> list[cst.BaseStatement]:
    """Statements importing ``records``: one ``from`` statement per module (first-seen order), guards last."""
    grouped: dict[tuple[str | None, str], list[ImportRecord]] = {}
    for record in records:
        key = (record.guard, styled_module(record.module, style, new_package))
        grouped.setdefault(key, []).append(record)
    plain: list[cst.BaseStatement] = []
    guarded: dict[str, list[cst.BaseStatement]] = {}
    for (guard, module), group in grouped.items():
        statements = _statements_for(module, group)
        if guard is None:
            plain.extend(statements)
        else:
            guarded.setdefault(guard, []).extend(statements)
    for guard, statements in guarded.items():
        plain.append(cst.If(test=cst.parse_expression(guard), body=cst.IndentedBlock(body=statements)))
    return plain


def _statements_for(module: str, group: list[ImportRecord]) -> list[cst.SimpleStatementLine]:
    if not module:
        return [cst.parse_statement(_plain_import_code(r)) for r in group]  # type: ignore[misc]
    names = ", ".join(r.name + (f" as {r.alias}" if r.alias else "") for r in group)
    return [cst.parse_statement(f"from {module} import {names}")]  # type: ignore[list-item]


def _plain_import_code(record: ImportRecord) -> str:
    return f"import {record.name}" + (f" as {record.alias}" if record.alias else "")


def with_guard(record: ImportRecord, guard: str | None) -> ImportRecord:
    """The same record under another guard."""
    return replace(record, guard=guard)
