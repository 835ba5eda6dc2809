"""Small structural predicates on libcst nodes, written with isinstance.

These replace ``libcst.matchers``, whose import alone costs about half a second of every scaffold run.
"""

from __future__ import annotations

from typing import TypeVar

import libcst as cst

T = TypeVar("T", bound=cst.BaseSmallStatement)


def only_small(stmt: cst.CSTNode | None, kind: type[T] | tuple[type, ...]) -> T | None:
    """The single small statement of a one-statement line when it is of ``kind``, else None.

    ``x = 1`` (a line holding one ``Assign``) with kind ``cst.Assign`` -> the ``Assign``; ``x = 1; y = 2`` -> None.
    """
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], kind):
        return stmt.body[0]  # type: ignore[return-value]
    return None


def is_name(node: cst.CSTNode | None, value: str | None = None) -> bool:
    """A ``Name`` node, with the given identifier when one is given."""
    return isinstance(node, cst.Name) and (value is None or node.value == value)


def is_attr_or_name(node: cst.CSTNode | None, value: str) -> bool:
    """``value`` or ``anything.value``."""
    return is_name(node, value) or (isinstance(node, cst.Attribute) and node.attr.value == value)


def is_super_call(node: cst.CSTNode | None, method: str) -> bool:
    """``super().method(...)`` (any arguments to either call)."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == method
        and isinstance(node.func.value, cst.Call)
        and is_name(node.func.value.func, "super")
    )


def string_nodes(node: cst.CSTNode) -> list[cst.SimpleString]:
    """Every ``SimpleString`` under ``node``, in source order."""
    found: list[cst.SimpleString] = []

    class _Collect(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

    node.visit(_Collect())
    return found
