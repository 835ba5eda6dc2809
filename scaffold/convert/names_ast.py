"""Fast name analysis with Python's ``ast``: which names a statement mentions, and which it needs at once.

libcst is the tool for rewriting; for reading names it is about 50 times slower than the C parser behind
``ast``. These functions work on source text (a parent module's text, or the code of a libcst node).
"""

from __future__ import annotations

import ast
import symtable
from functools import lru_cache

import libcst as cst

_EMPTY = cst.Module(body=[])


def names_in(tree: ast.AST) -> frozenset[str]:
    """Every identifier an ``ast`` subtree mentions: names, attributes, keywords, parameters, definitions."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
    return frozenset(found)


def _header_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names evaluated when a ``def`` runs: decorators, defaults, annotations."""
    parts: list[ast.AST] = [*func.decorator_list, *func.args.defaults]
    parts += [d for d in func.args.kw_defaults if d is not None]
    every = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs, func.args.vararg, func.args.kwarg]
    parts += [a.annotation for a in every if a is not None and a.annotation is not None]
    if func.returns is not None:
        parts.append(func.returns)
    found: set[str] = set()
    for part in parts:
        found |= names_in(part)
    return found


def definition_time_names_of(stmt: ast.stmt) -> frozenset[str]:
    """Names a top-level statement needs when it runs (not later, inside function bodies)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset(_header_names(stmt))
    if not isinstance(stmt, ast.ClassDef):
        return names_in(stmt)
    found: set[str] = set()
    for part in [*stmt.bases, *stmt.keywords, *stmt.decorator_list]:
        found |= names_in(part)
    for inner in stmt.body:
        is_def = isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef))
        found |= _header_names(inner) if is_def else names_in(inner)  # type: ignore[arg-type]
    return frozenset(found - {stmt.name})


@lru_cache(maxsize=4096)
def _parsed(code: str) -> ast.stmt | None:
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return None
    return body[0] if body else None


@lru_cache(maxsize=8192)
def code_of(node: cst.CSTNode) -> str:
    """Source text of a libcst node (nodes are immutable and hash by identity, so this is memoized)."""
    return _EMPTY.code_for_node(node)


def names_used(node: cst.CSTNode) -> frozenset[str]:
    """Every identifier a libcst statement mentions."""
    parsed = _parsed(code_of(node))
    return names_in(parsed) if parsed is not None else frozenset()


def definition_time_names(node: cst.CSTNode) -> frozenset[str]:
    """Names a libcst top-level statement needs when it runs."""
    parsed = _parsed(code_of(node))
    return definition_time_names_of(parsed) if parsed is not None else frozenset()


def variables_used(node: cst.CSTNode) -> frozenset[str]:
    """The plain names a libcst statement reads or binds (no attribute or keyword names): what imports serve.

    Names inside string annotations count too (``outputs: "DepthEstimatorOutput"`` needs its import, usually
    under ``if TYPE_CHECKING:``).
    """
    code = code_of(node)
    parsed = _parsed(code)
    if parsed is None:
        return frozenset()
    found = set(_global_names(code))
    for annotation in _annotations(parsed):
        found |= _names_in_strings(annotation)
    found |= _dotted_names(parsed)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _global_names(code: str) -> frozenset[str]:
    """Module-level names a statement binds or reads; a function's parameters and locals are not among them.

    (``def f(self, strict): g(strict)`` does not need ``from huggingface_hub.dataclasses import strict``.)
    """
    found: set[str] = set()
    stack = [symtable.symtable(code, "<statement>", "exec")]
    while stack:
        table = stack.pop()
        top = table.get_type() == "module"
        found |= {s.get_name() for s in table.get_symbols() if top or s.is_global()}
        stack.extend(table.get_children())
    return frozenset(found)


def _dotted_names(tree: ast.AST) -> set[str]:
    """``torch.distributions.Categorical`` -> ``torch.distributions``, ``torch.distributions.Categorical``.

    A plain ``import torch.distributions`` binds ``torch`` like ``import torch`` does; this tells them apart.
    """
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name):
                found.add(".".join([value.id, *reversed(parts)]))
    return found


def _annotations(tree: ast.AST) -> list[ast.expr]:
    """Every annotation expression in a subtree: parameters, returns, annotated assignments."""
    found: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            found.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [a for a in found if a is not None]


def _names_in_strings(annotation: ast.expr) -> set[str]:
    """The plain names of the string parts of an annotation (``"X | None"`` -> X), unparsable strings skipped."""
    found: set[str] = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            inner = _parsed_expression(node.value)
            if inner is not None:
                found |= {n.id for n in ast.walk(inner) if isinstance(n, ast.Name)}
    return found


@lru_cache(maxsize=4096)
def _parsed_expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
