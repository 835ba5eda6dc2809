"""Whether a generated file has a blank line between its header comments and its imports.

transformers' generated files (5.25: 705 of 708 files) have one when the modular file's header ends with a
blank line, or when the first of the modular file's top-level import statements that the generated file still
imports has a blank line above it in the modular file (the usual case after a module docstring, which the
generated file does not keep: the docstring of modular_qwen3.py, a blank line, then
``from collections.abc import Callable``). The header case is libcst's (the blank line is part of
``Module.header``); this module decides the other.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from scaffold.convert.imports import records_of_statement
from scaffold.convert.shapes import only_small


def first_used_import_has_gap(tree: cst.Module, bound: Iterable[str], package: str | None) -> bool:
    """True when the first top-level import statement of ``tree`` binding a name in ``bound`` follows a blank line."""
    wanted = set(bound)
    for stmt in tree.body:
        single = only_small(stmt, (cst.Import, cst.ImportFrom))
        if single is None or not any(r.bound in wanted for r in records_of_statement(single, package)):
            continue
        return any(line.comment is None for line in stmt.leading_lines)  # type: ignore[attr-defined]
    return False


def header_with_gap(header: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine], gap: bool) -> list[cst.EmptyLine]:
    """``header`` ending with a blank line when ``gap`` asks for one (and it has none)."""
    lines = list(header)
    if gap and not (lines and lines[-1].comment is None):
        lines.append(cst.EmptyLine(indent=False))
    return lines
