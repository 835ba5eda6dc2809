"""Formatting is a str -> str step: black for Python, nothing for other files. A failure writes nothing.

Speed without changing a byte of output: black is imported only when a file is not in the format cache
(``format_cache.py``: black's output by input hash).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from scaffold.errors import ScaffoldError
from scaffold.files import GeneratedFile
from scaffold.format_cache import FormatCache, default_cache

LINE_LENGTH = 119  # transformers' own line length, so diffs against its files stay readable
TARGET_VERSION = "PY310"  # a black.TargetVersion member name
MODE_KEY = f"line_length={LINE_LENGTH};target_versions={TARGET_VERSION.lower()}"  # what _mode() sets: cache key


Black = Callable[[str, str], str]  # (source, path for messages) -> black's output: run_black, or a helper.Helper


class FormattingError(ScaffoldError):
    """Generated code that black cannot parse: a scaffold bug, reported without writing anything."""


@lru_cache(maxsize=1)
def _mode() -> Any:
    import black

    return black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion[TARGET_VERSION]})


def black_or_invalid(source: str) -> tuple[str, str | None]:
    """(black's output, None), or ("", black's message) when ``source`` does not parse."""
    import black

    try:
        return black.format_str(source, mode=_mode()), None
    except black.InvalidInput as exc:
        return "", str(exc)


def run_black(source: str, path: str) -> str:
    """black's output for ``source`` (``path`` names it in the error), in this process."""
    return checked_output(path, *black_or_invalid(source))


def checked_output(path: str, formatted: str, invalid: str | None) -> str:
    """``formatted``, or FormattingError when black found the input invalid (reaching that is a generator bug)."""
    if invalid is not None:  # black's first line says where: "cannot parse for target version ...: 1:4"
        where = invalid.splitlines()[0] if invalid.strip() else "black gave no reason"
        raise FormattingError(f"{path}: generated code does not parse ({where}); nothing was written.")
    return formatted


def format_python(source: str, *, path: str = "<generated>", cache: FormatCache | None = None) -> str:
    """``source`` formatted by black; ``cache`` (default: the user cache, unless disabled) is read first."""
    return _formatted(source, path, cache if cache is not None else default_cache(MODE_KEY))[0]


def _formatted(source: str, path: str, cache: FormatCache | None, black: Black | None = None) -> tuple[str, bool]:
    """(black's output for ``source``, whether black had to run for it)."""
    cached = cache.get(source) if cache is not None else None
    if cached is not None:
        return cached, False
    formatted = (black or run_black)(source, path)
    if cache is not None:
        cache.put(source, formatted)
    return formatted, True


def format_file(generated: GeneratedFile) -> GeneratedFile:
    return _format_file(generated, default_cache(MODE_KEY))[0]


def _format_file(
    generated: GeneratedFile, cache: FormatCache | None, black: Black | None = None
) -> tuple[GeneratedFile, bool]:
    if generated.path.suffix != ".py":
        return generated, False
    formatted, ran = _formatted(generated.content, str(generated.path), cache, black)
    return GeneratedFile(path=generated.path, content=formatted, kind=generated.kind), ran


def format_files(files: Sequence[GeneratedFile], black: Black | None = None) -> tuple[GeneratedFile, ...]:
    """``format_file`` on each file, in order (each served from the format cache when it holds the text).

    ``black`` formats what the cache does not hold (default ``run_black``; the CLI passes its ``helper.Helper``).
    """
    cache = default_cache(MODE_KEY)
    results = [_format_file(f, cache, black) for f in files]
    if cache is not None and any(ran for _, ran in results):
        cache.prune()  # only a run that added entries can take the folder past its bound
    return tuple(f for f, _ in results)
