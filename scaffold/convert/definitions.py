"""Read-only analysis of a module's top level: its definitions, the names each uses, and its ``__all__``."""

from __future__ import annotations

import ast
import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

import libcst as cst

from scaffold.convert.imports import ImportRecord, records_of_ast, top_level_import_records
from scaffold.convert.kernels import forward_kernel_decorators
from scaffold.convert.names_ast import names_in, names_used
from scaffold.convert.rename import RenameMap, needs_no_rename, rename_node
from scaffold.convert.shapes import only_small


class DefKind(enum.Enum):
    """What a top-level definition is."""

    CLASS = "class"
    FUNCTION = "function"
    ASSIGNMENT = "assignment"


@dataclass(frozen=True)
class Definition:
    """A top-level class, function or single-name assignment, with the names its code mentions.

    A parent module's definitions are parsed by libcst only when used: they carry their source ``segment``
    (leading comments included) and the ``rename`` map to apply, and ``node`` is None until then.
    """

    name: str
    kind: DefKind
    node: cst.BaseStatement | None
    order: int  # position in its module's body
    uses: frozenset[str]
    segment: str = ""
    rename: RenameMap | None = None
    # Top-level statements that complete an assignment (``X["key"] = f`` after ``X = ...``): placed right after it.
    followers: tuple[cst.BaseStatement, ...] = ()


def materialize(definition: Definition) -> cst.BaseStatement:
    """The libcst node of a definition, parsed from its segment and renamed when needed."""
    node = definition.node if definition.node is not None else parse_segment(definition.segment)
    if definition.rename is not None:
        untouched = (
            untouched_statements(node, definition.segment, definition.rename) if definition.segment else frozenset()
        )
        node = rename_node(node, definition.rename, untouched | forward_kernel_decorators(node))  # type: ignore[assignment]
    return node


def untouched_statements(node: cst.BaseStatement, segment: str, rename_map: RenameMap) -> frozenset[int]:
    """Ids of ``node`` (parsed from ``segment``) or of its class body statements that renaming cannot change.

    A class body statement is matched to its lines with ``ast``: statement i of the libcst body is statement i
    of the ``ast`` body when both have as many statements (a line ``a = 1; b = 2`` is one libcst statement but
    two ``ast`` ones: then nothing is skipped). Its text runs from the end of the statement before (the class
    line for the first) to its own last line, so the comments libcst attaches to it are checked too.
    """
    if needs_no_rename(segment, rename_map):
        return frozenset({id(node)})
    body = node.body.body if isinstance(node, cst.ClassDef) and isinstance(node.body, cst.IndentedBlock) else None
    tree = ast.parse(segment).body
    if body is None or len(tree) != 1 or not isinstance(tree[0], ast.ClassDef) or len(tree[0].body) != len(body):
        return frozenset()
    lines = segment.splitlines(keepends=True)
    untouched, previous_end = set(), tree[0].lineno - 1
    for statement, parsed in zip(body, tree[0].body):
        if needs_no_rename("".join(lines[previous_end : parsed.end_lineno]), rename_map):
            untouched.add(id(statement))
        previous_end = parsed.end_lineno or previous_end
    return frozenset(untouched)


@lru_cache(maxsize=2048)
def parse_segment(segment: str) -> cst.BaseStatement:
    """Parse one top-level statement with the comments and blank lines above it."""
    module = cst.parse_module(segment)
    first = module.body[0]
    return first.with_changes(leading_lines=[*module.header, *first.leading_lines])


@dataclass(frozen=True)
class ModuleIndex:
    """The top level of one module: definitions by name (last one wins), imports, and ``__all__``."""

    definitions: Mapping[str, Definition]
    imports: tuple[ImportRecord, ...]
    exports: tuple[str, ...] | None

    def get(self, name: str) -> Definition | None:
        """The definition of ``name``, or None."""
        return self.definitions.get(name)


def definition_of(stmt: cst.BaseStatement, order: int, uses: frozenset[str] | None = None) -> Definition | None:
    """The definition a top-level statement makes, or None (imports, expressions, ``__all__``).

    ``uses`` may be given when already known (read with ``ast`` from the text); else it is computed.
    """
    if isinstance(stmt, (cst.ClassDef, cst.FunctionDef)):
        name, kind = stmt.name.value, DefKind.CLASS if isinstance(stmt, cst.ClassDef) else DefKind.FUNCTION
    else:
        name, kind = assigned_name(stmt), DefKind.ASSIGNMENT  # type: ignore[assignment]
    if name is None or name == "__all__":
        return None
    found = uses if uses is not None else names_used(stmt)
    return Definition(name, kind, stmt, order, found - {name})


def assigned_name(stmt: cst.BaseStatement) -> str | None:
    """``X = ...`` or ``X: T = ...`` at top level -> ``X``."""
    assign = only_small(stmt, cst.Assign)
    if assign is not None and len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name):
        return assign.targets[0].target.value
    annotated = only_small(stmt, cst.AnnAssign)
    if annotated is not None and isinstance(annotated.target, cst.Name):
        return annotated.target.value
    return None


def item_assigned(stmt: cst.BaseStatement) -> str | None:
    """``X["key"] = value`` or ``X.attr = value`` at top level -> ``X`` (it adds to ``X``), else None."""
    assign = only_small(stmt, cst.Assign)
    if assign is None or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if isinstance(target, (cst.Subscript, cst.Attribute)) and isinstance(target.value, cst.Name):
        return target.value.value
    return None


def exported_names(module: cst.Module) -> tuple[str, ...] | None:
    """The string entries of a top-level ``__all__ = [...]``, or None when there is none."""
    for stmt in module.body:
        if assigned_name(stmt) != "__all__":
            continue
        value = stmt.body[0].value  # type: ignore[attr-defined]
        if isinstance(value, (cst.List, cst.Tuple)):
            return tuple(e.value.evaluated_value for e in value.elements if isinstance(e.value, cst.SimpleString))
    return None


def index_module(module: cst.Module, package: str | None, text: str | None = None) -> ModuleIndex:
    """Index a parsed module's top level (``text``, when given, is its source: names are read faster)."""
    uses = _uses_by_order(text, len(module.body)) if text is not None else {}
    definitions: dict[str, Definition] = {}
    for order, stmt in enumerate(module.body):
        target = item_assigned(stmt)
        if target in definitions and definitions[target].kind is DefKind.ASSIGNMENT:
            known = definitions[target]
            extra = (uses.get(order) or names_used(stmt)) - {target}
            definitions[target] = replace(known, uses=known.uses | extra, followers=(*known.followers, stmt))
            continue
        found = definition_of(stmt, order, uses.get(order))
        if found is not None:
            definitions[found.name] = found
    return ModuleIndex(
        definitions=MappingProxyType(definitions),
        imports=top_level_import_records(module, package),
        exports=exported_names(module),
    )


def _uses_by_order(text: str, count: int) -> dict[int, frozenset[str]]:
    """Names per top-level statement, read with ``ast``; empty when the statement counts disagree."""
    body = ast.parse(text).body
    return {i: names_in(stmt) for i, stmt in enumerate(body)} if len(body) == count else {}


def _ast_definition(stmt: ast.stmt) -> tuple[str, DefKind] | None:
    if isinstance(stmt, ast.ClassDef):
        return stmt.name, DefKind.CLASS
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return stmt.name, DefKind.FUNCTION
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, DefKind.ASSIGNMENT
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, DefKind.ASSIGNMENT
    return None


def _ast_exports(stmt: ast.stmt) -> tuple[str, ...] | None:
    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.List, ast.Tuple)):
        values = [e.value for e in stmt.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return tuple(values)
    return None


def index_source(text: str, package: str) -> ModuleIndex:
    """Index a parent module from its text with ``ast``; nodes are parsed later, only when used."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    definitions: dict[str, Definition] = {}
    exports: tuple[str, ...] | None = None
    previous_end = 0
    for order, stmt in enumerate(tree.body):
        found = _ast_definition(stmt)
        segment = "".join(lines[previous_end : stmt.end_lineno])
        previous_end = stmt.end_lineno or previous_end
        if found is None:
            continue
        name, kind = found
        if name == "__all__":
            exports = _ast_exports(stmt)
            continue
        definitions[name] = Definition(name, kind, None, order, names_in(stmt) - {name}, segment)
    imports = records_of_ast(tree, text, package)
    return ModuleIndex(MappingProxyType(definitions), imports, exports)
