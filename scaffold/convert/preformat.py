"""Lay generated code out the way black will, where that is certain, so that black's first pass changes nothing.

``black.format_str`` formats a second time whenever its first pass changed the text, so a file that is already
in black's layout costs one pass instead of two. Only layouts black imposes whatever the input are produced
here (black still formats every file; its output does not depend on these choices):

- an import ``from m import a, b`` longer than the line length is split one name per line with a trailing comma;
- ``__all__`` on one line when it fits, else one name per line with a trailing comma;
- two blank lines before a top-level statement that follows a class or function;
- one blank line between the last top-level import and a following statement that is not a class or function;
- in a class body: one blank line before a method or class that follows a simple statement (an attribute or
  the docstring) directly, and one after the class docstring.
"""

from __future__ import annotations

import re

import libcst as cst

LINE_LENGTH = 119  # scaffold.formatting.LINE_LENGTH (not imported: that module loads the formatter)
_ONE_LINE_IMPORT = re.compile(r"^( *)from (\S+) import ([A-Za-z0-9_., ]+)$")
_BLANK = cst.EmptyLine(indent=False)  # no trailing whitespace: black strips it


def split_long_imports(code: str) -> str:
    """Every single-line ``from m import a, b`` longer than the line length, one name per line."""
    lines = []
    for line in code.split("\n"):
        match = _ONE_LINE_IMPORT.match(line)
        if len(line) <= LINE_LENGTH or match is None:
            lines.append(line)
            continue
        indent, module, names = match.groups()
        lines.append(f"{indent}from {module} import (")
        lines.extend(f"{indent}    {name.strip()}," for name in names.split(","))
        lines.append(f"{indent})")
    return "\n".join(lines)


def all_statement(names: list[str]) -> cst.SimpleStatementLine:
    """``__all__ = [...]`` as black lays it out."""
    one_line = "__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]"
    if len(one_line) > LINE_LENGTH:
        one_line = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]"
    return cst.parse_statement(one_line)  # type: ignore[return-value]


def _is_definition(node: cst.CSTNode) -> bool:
    return isinstance(node, (cst.ClassDef, cst.FunctionDef))


def _is_block_definition(node: cst.CSTNode) -> bool:
    """A class or function with an indented body (black keeps one-line stubs ``def f(): ...`` together)."""
    return _is_definition(node) and isinstance(node.body, cst.IndentedBlock)  # type: ignore[attr-defined]


def _with_blank_lines(node: cst.BaseStatement, count: int) -> cst.BaseStatement:
    """``node`` with exactly ``count`` blank lines above it, when it has no comment or blank line there yet."""
    if node.leading_lines:  # type: ignore[attr-defined]
        return node
    return node.with_changes(leading_lines=[_BLANK] * count)


def spaced_module_body(body: list[cst.BaseStatement], after_imports: bool) -> list[cst.BaseStatement]:
    """Top-level statements with black's blank lines after classes and functions and after the imports."""
    spaced = []
    for index, node in enumerate(body):
        if index and _is_block_definition(body[index - 1]):
            node = _with_blank_lines(node, 2)
        elif not index and after_imports and not _is_definition(node):
            node = _with_blank_lines(node, 1)
        spaced.append(node)
    return spaced


def spaced_class_body(body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Class body statements with black's blank line after the docstring and before a method after an attribute."""
    spaced = []
    for index, node in enumerate(body):
        previous = body[index - 1] if index else None
        if index == 1 and _is_docstring(body[0]):
            node = _with_blank_lines(node, 1)
        elif isinstance(previous, cst.SimpleStatementLine) and _is_definition(node):
            node = _with_blank_lines(node, 1)
        spaced.append(node)
    return spaced


def _is_docstring(node: cst.BaseStatement) -> bool:
    """A string statement as black's ``is_docstring`` sees it: one plain (not bytes, not f-) string literal,
    with no comment above it."""
    if not isinstance(node, cst.SimpleStatementLine) or len(node.body) != 1:
        return False
    expr = node.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.SimpleString):
        return False
    if any(line.comment is not None for line in node.leading_lines):
        return False
    return not set(expr.value.prefix.lower()) & {"b", "f"}


def ends_with_import(code: str) -> bool:
    """Whether the last line of ``code`` ends a top-level import (``from m import a`` or the ``)`` of one)."""
    lines = code.rstrip("\n").split("\n")
    last = lines[-1] if lines else ""
    return last.startswith(("from ", "import ")) or (last == ")" and any(l.startswith("from ") for l in lines))
