"""Formatting is a str -> str step: black for Python, nothing for other files. A failure writes nothing."""

from __future__ import annotations

import black

from scaffold.errors import ScaffoldError
from scaffold.files import GeneratedFile

LINE_LENGTH = 119  # transformers' own line length, so diffs against its files stay readable
_MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY310})


class FormattingError(ScaffoldError):
    """Generated code that black cannot parse: a scaffold bug, reported without writing anything."""


def format_python(source: str, *, path: str = "<generated>") -> str:
    try:
        return black.format_str(source, mode=_MODE)
    except black.InvalidInput as exc:  # pragma: no cover - reaching this is a generator bug
        raise FormattingError(f"{path}: generated code does not parse ({exc}); nothing was written.") from exc


def format_file(generated: GeneratedFile) -> GeneratedFile:
    if generated.path.suffix != ".py":
        return generated
    formatted = format_python(generated.content, path=str(generated.path))
    return GeneratedFile(path=generated.path, content=formatted, kind=generated.kind)
