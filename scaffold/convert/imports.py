"""Import statements as typed records: gathered from a module, resolved to absolute, rendered in a style.

Imports are not copied as statements. Each imported name becomes an ``ImportRecord`` with an absolute module
(or ``.<stem>`` for a sibling generated file), so that the generated file can re-emit exactly the names it uses,
in the import style the caller asked for.
"""

from __future__ import annotations

import ast
import textwrap
import enum
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import libcst as cst
from libcst.helpers import get_full_name_for_node

from scaffold.convert.options import ImportStyle
from scaffold.convert.shapes import only_small


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
    orelse: tuple[ImportBranch, ...] = ()  # the guard's elif / else branches, kept as the source wrote them

    @property
    def bound(self) -> str:
        """The name this import binds in the module namespace."""
        if self.alias:
            return self.alias
        return self.name.split(".")[0] if not self.module else self.name


@dataclass(frozen=True)
class ImportBranch:
    """An ``elif <test>:`` branch of an import guard (``test`` None: the ``else:`` branch) and its imports.

    ``if is_torchvision_v2_available(): from torchvision.transforms.v2 import functional as tvF`` followed by
    ``elif is_torchvision_available(): from torchvision.transforms import functional as tvF`` keeps its ``elif``.
    ``others`` is the source of the branch's other statements, rendered after its imports: the stand-ins a
    module defines when the optional package is missing (xlstm's ``else: ChunkwiseKernelType = Literal[...]``).
    """

    test: str | None
    records: tuple[ImportRecord, ...]
    others: tuple[str, ...] = ()


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
        single = only_small(stmt, (cst.Import, cst.ImportFrom))
        if single is not None:
            plain.extend(records_of_statement(single, package))
        elif isinstance(stmt, cst.If) and _has_import(stmt.body.body):
            guard = module.code_for_node(stmt.test)
            branches = _cst_branches(module, stmt.orelse, package)
            for inner in stmt.body.body:
                if isinstance(inner, cst.SimpleStatementLine):
                    for small in inner.body:
                        guarded.extend(replace(r, orelse=branches) for r in records_of_statement(small, package, guard))
    return tuple(plain + guarded)


def _cst_branches(module: cst.Module, orelse: cst.If | cst.Else | None, package: str | None) -> tuple[ImportBranch, ...]:
    """The elif / else branches of an import guard: their imports, and the source of their other statements."""
    branches: list[ImportBranch] = []
    while orelse is not None:
        body = orelse.body.body
        imports = [s for s in body if only_small(s, (cst.Import, cst.ImportFrom)) is not None]
        records = tuple(r for s in imports for r in records_of_statement(s.body[0], package))  # type: ignore[attr-defined]
        others = tuple(module.code_for_node(s).strip("\n") + "\n" for s in body if s not in imports)
        test = module.code_for_node(orelse.test) if isinstance(orelse, cst.If) else None
        branches.append(ImportBranch(test, records, others))
        orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    return tuple(branches)


def _has_import(body: Sequence[cst.BaseStatement]) -> bool:
    return any(only_small(s, (cst.Import, cst.ImportFrom)) is not None for s in body)


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


class Section(enum.IntEnum):
    """isort sections, in the order they appear."""

    FUTURE = 0
    STDLIB = 1
    THIRD_PARTY = 2
    FIRST_PARTY = 3  # transformers, imported absolutely
    LOCAL = 4  # relative imports


def section_of(module: str) -> Section:
    """The isort section of a (styled) module name."""
    if module.startswith("."):
        return Section.LOCAL
    top = module.split(".")[0]
    if top == "__future__":
        return Section.FUTURE
    if top in sys.stdlib_module_names:
        return Section.STDLIB
    return Section.FIRST_PARTY if top == "transformers" else Section.THIRD_PARTY


def _module_key(module: str) -> tuple[int, str]:
    """Relative modules furthest first (more dots), then by name, case-insensitively."""
    dots = len(module) - len(module.lstrip("."))
    return (-dots, module.lstrip(".").lower())


def _name_key(record: ImportRecord) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and modules."""
    name = record.name
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name)


def render_imports(records: Iterable[ImportRecord], style: ImportStyle, new_package: str) -> list[cst.BaseStatement]:
    """isort-ordered statements importing ``records``; blank line between sections; guarded imports last."""
    grouped: dict[tuple[str | None, str], list[ImportRecord]] = {}
    for record in records:
        module = styled_module(record.module, style, new_package) if record.module else _PLAIN + record.name
        grouped.setdefault((record.guard, module), []).append(record)
    plain = sorted((k for k in grouped if k[0] is None), key=lambda k: _statement_key(k[1]))
    statements: list[cst.BaseStatement] = []
    previous: Section | None = None
    for _, module in plain:
        section = section_of(module.lstrip(_PLAIN))
        for stmt in _statements_for(module, grouped[(None, module)]):
            if previous is not None and section is not previous:
                stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
            statements.append(stmt)
            previous = section
    guards: dict[str, list[cst.BaseStatement]] = {}
    branches: dict[str, tuple[ImportBranch, ...]] = {}
    for guard, module in sorted((k for k in grouped if k[0] is not None), key=lambda k: _statement_key(k[1])):
        guards.setdefault(guard, []).extend(_statements_for(module, grouped[(guard, module)]))  # type: ignore[index]
        found = next((r.orelse for r in grouped[(guard, module)] if r.orelse), ())  # type: ignore[index]
        branches[guard] = branches.get(guard) or found  # type: ignore[index]
    for guard, inner in guards.items():
        orelse = _rendered_branches(branches[guard], style, new_package)
        statements.append(cst.If(test=cst.parse_expression(guard), body=cst.IndentedBlock(body=inner), orelse=orelse))
    return statements


def _rendered_branches(
    branches: tuple[ImportBranch, ...], style: ImportStyle, new_package: str
) -> cst.If | cst.Else | None:
    """The ``elif`` / ``else`` chain of a guard, its imports spelled in ``style``."""
    if not branches:
        return None
    first, rest = branches[0], branches[1:]
    inner: list[cst.BaseStatement] = []
    for record in first.records:
        module = styled_module(record.module, style, new_package) if record.module else _PLAIN + record.name
        inner.extend(_statements_for(module, [record]))
    inner.extend(cst.parse_statement(code) for code in first.others)
    body = cst.IndentedBlock(body=inner)
    if first.test is None:
        return cst.Else(body=body)
    return cst.If(test=cst.parse_expression(first.test), body=body, orelse=_rendered_branches(rest, style, new_package))


_PLAIN = "="  # marks the group of a plain ``import x`` statement (``=x``)


def _statement_key(module: str) -> tuple[int, int, tuple[int, str]]:
    plain = module.startswith(_PLAIN)
    bare = module[len(_PLAIN) :] if plain else module
    return (section_of(bare), 0 if plain else 1, _module_key(bare))


def _statements_for(module: str, group: list[ImportRecord]) -> list[cst.SimpleStatementLine]:
    if module.startswith(_PLAIN):
        ordered = sorted(group, key=lambda r: (r.name.lower(), r.alias or ""))
        return [cst.parse_statement(_plain_import_code(r)) for r in ordered]  # type: ignore[misc]
    unique = list(dict.fromkeys(sorted(group, key=_name_key)))
    names = ", ".join(r.name + (f" as {r.alias}" if r.alias else "") for r in unique)
    return [cst.parse_statement(f"from {module} import {names}")]  # type: ignore[list-item]


def _plain_import_code(record: ImportRecord) -> str:
    return f"import {record.name}" + (f" as {record.alias}" if record.alias else "")


def with_guard(record: ImportRecord, guard: str | None) -> ImportRecord:
    """The same record under another guard."""
    return replace(record, guard=guard)


def _ast_records(stmt: ast.stmt, package: str | None, guard: str | None) -> list[ImportRecord]:
    if isinstance(stmt, ast.Import):
        return [ImportRecord("", a.name, a.asname, guard) for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom) and not any(a.name == "*" for a in stmt.names):
        resolved = resolve_module(stmt.level, stmt.module or "", package)
        module = resolved if resolved is not None else "." * stmt.level + (stmt.module or "")
        return [ImportRecord(module, a.name, a.asname, guard) for a in stmt.names]
    return []


def records_of_ast(tree: ast.Module, text: str, package: str | None) -> tuple[ImportRecord, ...]:
    """The import records of a module's top level, read with ``ast`` (plain ones, then guarded ones)."""
    plain: list[ImportRecord] = []
    guarded: list[ImportRecord] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            plain.extend(_ast_records(stmt, package, None))
        elif isinstance(stmt, ast.If) and any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body):
            guard = ast.get_source_segment(text, stmt.test) or ast.unparse(stmt.test)
            branches = _ast_branches(stmt.orelse, text, package)
            for inner in stmt.body:
                guarded.extend(replace(r, orelse=branches) for r in _ast_records(inner, package, guard))
    return tuple(plain + guarded)


def _ast_source(stmt: ast.stmt, lines: list[str]) -> str:
    """The source of an indented statement, decorators included, dedented to column 0."""
    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
    return textwrap.dedent("".join(lines[first - 1 : stmt.end_lineno])).strip("\n") + "\n"


def _ast_branches(orelse: list[ast.stmt], text: str, package: str | None) -> tuple[ImportBranch, ...]:
    """The elif / else branches of an import guard read with ``ast`` (as ``_cst_branches`` reads them)."""
    branches: list[ImportBranch] = []
    lines = text.splitlines(keepends=True)
    while orelse:
        elif_ = orelse[0] if len(orelse) == 1 and isinstance(orelse[0], ast.If) else None
        body = elif_.body if elif_ is not None else orelse
        imports = [s for s in body if isinstance(s, (ast.Import, ast.ImportFrom))]
        records = tuple(r for s in imports for r in _ast_records(s, package, None))
        others = tuple(_ast_source(s, lines) for s in body if s not in imports)
        test = (ast.get_source_segment(text, elif_.test) or ast.unparse(elif_.test)) if elif_ is not None else None
        branches.append(ImportBranch(test, records, others))
        orelse = elif_.orelse if elif_ is not None else []
    return tuple(branches)
