"""Docstring facts used when a child class or method is merged into its parent: detection and merging."""

from __future__ import annotations

import re

import libcst as cst

from scaffold.convert.shapes import only_small

_TRIPLE_DOUBLE = re.compile(r'"""[\s\S]*"""')


def is_docstring(stmt: cst.CSTNode) -> bool:
    """True for a statement that is a triple-double-quoted string expression."""
    expr = only_small(stmt, cst.Expr)
    return (
        expr is not None
        and isinstance(expr.value, cst.SimpleString)
        and _TRIPLE_DOUBLE.search(expr.value.value) is not None
    )


def docstring_value(stmt: cst.CSTNode) -> str:
    """The raw string token of a docstring statement (quotes and prefix included)."""
    return stmt.body[0].value.value  # type: ignore[attr-defined]


def with_docstring_value(stmt: cst.SimpleStatementLine, value: str) -> cst.SimpleStatementLine:
    """The same docstring statement holding another string token."""
    return stmt.with_changes(body=[cst.Expr(value=cst.SimpleString(value=value))])


def _indent_after_quotes(doc: str) -> int:
    found = re.search(r'(?:"""|\'\'\'|```)\n(\s+)', doc)
    return len(found.group(1)) if found else 0


def is_complete(doc: str) -> bool:
    """A child docstring is complete (replaces the parent's) when it documents its own arguments."""
    body = doc.split('"""', 1)[1]
    if re.search(r"\n\s*Args:\n", body):
        return True
    returns = re.search(r"\n([^\S\n]*)Returns:\n", body)
    if returns is None:
        return False
    indent = returns.group(1)
    stripped = body.strip("\n")
    return stripped.startswith(indent + "    ") or stripped.startswith(indent + "\t")


def merge(parent_doc: str, child_doc: str) -> str:
    """The docstring of a merged definition: the child's when complete, else the parent's extended by it.

    A partial child docstring with one code example replaces the parent's example; other partial text is
    appended to the parent's docstring unless the parent already contains it.
    """
    if is_complete(child_doc):
        return child_doc
    parts = parent_doc.split("```")
    if "```" in child_doc and len(parts) > 1:
        new_parts = child_doc.lstrip('r"').split("```")
        if len(new_parts) != 3:
            return child_doc
        parent_intro = parts[0].rstrip(" \n").split('"""', 1)[-1]
        child_head, _, child_intro = child_doc.split("```")[0].partition('"""')
        if child_intro.rstrip(" \n").startswith(parent_intro):  # the child repeats the parent's intro: say it once
            return "".join([child_head, '"""', child_intro, "```", new_parts[1], "```", parts[2]])
        level = _indent_after_quotes(parent_doc)
        return "".join([parts[0].rstrip(" \n") + new_parts[0], f"\n{level * ' '}```", new_parts[1], "```", parts[2]])
    if child_doc in parent_doc or _contains_either(parent_doc, child_doc):
        return child_doc
    if re.search(r"\n\s*.*\(.*\)\:\n\s*\w", child_doc):
        child_doc = child_doc.replace("\n    ", "\n        ")
    return parent_doc.rstrip('"') + "\n" + child_doc.lstrip('r"\n')


def _text(doc: str) -> str:
    """A docstring token's text: prefix, quotes and surrounding blank space removed."""
    return doc.lstrip("rRuU").strip("\"'").strip()


def _contains_either(parent_doc: str, child_doc: str) -> bool:
    """One docstring's text is part of the other's: the child's replaces the parent's, nothing is repeated.

    (5.25's ``BambaMixer`` extends ``Mamba2Mixer``'s text, ``JambaMambaMixer`` shortens ``FalconMambaMixer``'s:
    both generated classes have the child's docstring.)
    """
    parent, child = _text(parent_doc), _text(child_doc)
    return bool(parent and child) and (child in parent or parent in child)
