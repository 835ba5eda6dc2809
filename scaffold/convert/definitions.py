"""Read-only analysis of a module's top level: its definitions, the names each uses, and its ``__all__``."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import libcst as cst
import libcst.matchers as m

from scaffold.convert.imports import ImportRecord, top_level_import_records


class DefKind(enum.Enum):
    """What a top-level definition is."""

    CLASS = "class"
    FUNCTION = "function"
    ASSIGNMENT = "assignment"


@dataclass(frozen=True)
class Definition:
    """A top-level class, function or single-name assignment, with the names its code mentions."""

    name: str
    kind: DefKind
    node: cst.BaseStatement
    order: int  # position in its module's body
    uses: frozenset[str]


@dataclass(frozen=True)
class ModuleIndex:
    """The top level of one module: definitions by name (last one wins), imports, and ``__all__``."""

    definitions: Mapping[str, Definition]
    imports: tuple[ImportRecord, ...]
    exports: tuple[str, ...] | None

    def get(self, name: str) -> Definition | None:
        """The definition of ``name``, or None."""
        return self.definitions.get(name)


class GatherNamesVisitor(cst.CSTVisitor):
    """Collects every ``Name`` a node mentions (attributes and keywords included, as an over-approximation)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def names_used(node: cst.CSTNode) -> frozenset[str]:
    """Every name ``node`` mentions."""
    visitor = GatherNamesVisitor()
    node.visit(visitor)
    return frozenset(visitor.names)


_SINGLE_ASSIGN = m.SimpleStatementLine(body=[m.Assign(targets=[m.AssignTarget(target=m.Name())])])
_SINGLE_ANN_ASSIGN = m.SimpleStatementLine(body=[m.AnnAssign(target=m.Name())])


def definition_of(stmt: cst.BaseStatement, order: int) -> Definition | None:
    """The definition a top-level statement makes, or None (imports, expressions, ``__all__``)."""
    if isinstance(stmt, cst.ClassDef):
        return Definition(stmt.name.value, DefKind.CLASS, stmt, order, names_used(stmt) - {stmt.name.value})
    if isinstance(stmt, cst.FunctionDef):
        return Definition(stmt.name.value, DefKind.FUNCTION, stmt, order, names_used(stmt) - {stmt.name.value})
    name = assigned_name(stmt)
    if name is None or name == "__all__":
        return None
    return Definition(name, DefKind.ASSIGNMENT, stmt, order, names_used(stmt) - {name})


def assigned_name(stmt: cst.BaseStatement) -> str | None:
    """``X = ...`` or ``X: T = ...`` at top level -> ``X``."""
    if m.matches(stmt, _SINGLE_ASSIGN):
        return stmt.body[0].targets[0].target.value  # type: ignore[attr-defined]
    if m.matches(stmt, _SINGLE_ANN_ASSIGN):
        return stmt.body[0].target.value  # type: ignore[attr-defined]
    return None


def exported_names(module: cst.Module) -> tuple[str, ...] | None:
    """The string entries of a top-level ``__all__ = [...]``, or None when there is none."""
    for stmt in module.body:
        if assigned_name(stmt) != "__all__":
            continue
        value = stmt.body[0].value  # type: ignore[attr-defined]
        if isinstance(value, (cst.List, cst.Tuple)):
            return tuple(
                e.value.evaluated_value for e in value.elements if isinstance(e.value, cst.SimpleString)
            )
    return None


def index_module(module: cst.Module, package: str | None) -> ModuleIndex:
    """Index a parsed module's top level."""
    definitions: dict[str, Definition] = {}
    for order, stmt in enumerate(module.body):
        found = definition_of(stmt, order)
        if found is not None:
            definitions[found.name] = found
    return ModuleIndex(
        definitions=MappingProxyType(definitions),
        imports=top_level_import_records(module, package),
        exports=exported_names(module),
    )


def _function_header_names(func: cst.FunctionDef) -> set[str]:
    """Names evaluated when a ``def`` statement runs: decorators, defaults, annotations."""
    found: set[str] = set()
    for decorator in func.decorators:
        found |= names_used(decorator)
    params = func.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        if param.default is not None:
            found |= names_used(param.default)
        if param.annotation is not None:
            found |= names_used(param.annotation)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param) and star.annotation is not None:
            found |= names_used(star.annotation)
    if func.returns is not None:
        found |= names_used(func.returns)
    return found


def definition_time_names(node: cst.CSTNode) -> frozenset[str]:
    """Names a top-level statement needs when it runs (not later, inside function bodies).

    A class needs its bases, decorators, class-level statements and its methods' headers; a function its
    header; anything else every name it mentions.
    """
    if isinstance(node, cst.FunctionDef):
        return frozenset(_function_header_names(node))
    if not isinstance(node, cst.ClassDef):
        return names_used(node)
    found: set[str] = set()
    for part in [*node.bases, *node.keywords, *node.decorators]:
        found |= names_used(part)
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else node.body.body
    for stmt in body:
        found |= _function_header_names(stmt) if isinstance(stmt, cst.FunctionDef) else names_used(stmt)
    return frozenset(found - {node.name.value})
