"""Formatting is a str -> str step: black for Python, nothing for other files. A failure writes nothing.

Speed without changing a byte of output: black is imported only when a file is not in the format cache
(``format_cache.py``: black's output by input hash), and ``format_files`` formats the misses on two processes
(a forked child takes the largest files) when the platform can fork safely, else one after the other.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from scaffold.errors import ScaffoldError
from scaffold.files import GeneratedFile
from scaffold.format_cache import FormatCache, default_cache

LINE_LENGTH = 119  # transformers' own line length, so diffs against its files stay readable
MODE_KEY = f"line_length={LINE_LENGTH};target_versions=py310"  # what _mode() sets, for the cache key
# Below this many characters of unformatted code, forking a formatter costs more than it saves.
PARALLEL_MIN_CHARS = 8_000


class FormattingError(ScaffoldError):
    """Generated code that black cannot parse: a scaffold bug, reported without writing anything."""


@lru_cache(maxsize=1)
def _mode() -> Any:
    import black

    return black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY310})


def _black(source: str, path: str) -> str:
    import black

    try:
        return black.format_str(source, mode=_mode())
    except black.InvalidInput as exc:  # pragma: no cover - reaching this is a generator bug
        raise FormattingError(f"{path}: generated code does not parse ({exc}); nothing was written.") from None


def format_python(source: str, *, path: str = "<generated>", cache: FormatCache | None = None) -> str:
    """``source`` formatted by black; ``cache`` (default: the user cache, unless disabled) is read first."""
    cache = cache if cache is not None else default_cache(MODE_KEY)
    cached = cache.get(source) if cache is not None else None
    if cached is not None:
        return cached
    formatted = _black(source, path)
    if cache is not None:
        cache.put(source, formatted)
    return formatted


def format_file(generated: GeneratedFile) -> GeneratedFile:
    if generated.path.suffix != ".py":
        return generated
    formatted = format_python(generated.content, path=str(generated.path))
    return GeneratedFile(path=generated.path, content=formatted, kind=generated.kind)


def format_files(files: Sequence[GeneratedFile], *, jobs: int | None = None) -> tuple[GeneratedFile, ...]:
    """``format_file`` on each file, in order; the cache misses on ``jobs`` processes (None: 2 when safe)."""
    cache = default_cache(MODE_KEY)
    texts = [f.content if f.path.suffix == ".py" else None for f in files]
    done = [None if text is None or cache is None else cache.get(text) for text in texts]
    misses = [i for i, text in enumerate(texts) if text is not None and done[i] is None]
    for i, formatted in zip(misses, _format_all([(texts[i], str(files[i].path)) for i in misses], jobs)):  # type: ignore[misc]
        done[i] = formatted
        if cache is not None:
            cache.put(texts[i], formatted)  # type: ignore[arg-type]
    return tuple(
        f if text is None else GeneratedFile(path=f.path, content=done[i], kind=f.kind)  # type: ignore[arg-type]
        for i, (f, text) in enumerate(zip(files, texts))
    )


def _format_all(items: list[tuple[str, str]], jobs: int | None) -> list[str]:
    """Black on (source, path) items, in order: on the started formatters, or the largest ones in a forked
    child when that pays, else here."""
    if _STARTED and items and jobs != 1:  # even one file: the workers have black loaded already
        return _on_started(items)
    if len(items) < 2:
        return [_black(source, path) for source, path in items]
    jobs = jobs if jobs is not None else _default_jobs()
    if jobs < 2 or sum(len(s) for s, _ in items) < PARALLEL_MIN_CHARS:
        return [_black(source, path) for source, path in items]
    import multiprocessing

    theirs = set(split_work([len(s) for s, _ in items]))
    _mode()  # import black before forking: the child inherits it
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child = pool.map_async(_black_item, [items[i] for i in sorted(theirs)])
        mine = {i: _black(*items[i]) for i in range(len(items)) if i not in theirs}
        theirs_done = dict(zip(sorted(theirs), child.get()))
    return [mine[i] if i in mine else theirs_done[i] for i in range(len(items))]


# The formatter processes start_formatters() forked (at most one pool per process; [] when none).
_STARTED: list[Any] = []


def start_formatters() -> Any:
    """Fork two formatter processes now, which import black while the caller converts; the pool, or None.

    One of them loads black at once; the caller can give the other one a task and call ``warm_up(True)`` at
    its end (``new-model`` has it read the installed transformers first).

    For a command that will format several files: ``format_files`` then hands its cache misses to them,
    largest first, and this process never imports black. The caller may give them other work meanwhile
    (``pool.apply_async``). Call ``stop_formatters`` when done. None where forking is not safe (serial).
    """
    if not _STARTED and _default_jobs() >= 2:
        import multiprocessing

        _STARTED.append(multiprocessing.get_context("fork").Pool(2))
        _STARTED[0].apply_async(warm_up)  # one worker loads black now; the other is free for the caller's task
    return _STARTED[0] if _STARTED else None


def warm_up(in_background: bool = False) -> None:
    """Import black (in a thread when ``in_background``: a worker does it after returning its own task)."""
    if in_background:
        threading.Thread(target=_mode, daemon=True).start()
    else:
        _mode()


def stop_formatters() -> None:
    while _STARTED:
        _STARTED.pop().terminate()


def _on_started(items: list[tuple[str, str]]) -> list[str]:
    order = sorted(range(len(items)), key=lambda i: -len(items[i][0]))  # largest first: it ends last
    done = _STARTED[0].map(_black_item, [items[i] for i in order], chunksize=1)
    by_index = dict(zip(order, done))
    return [by_index[i] for i in range(len(items))]


def _black_item(item: tuple[str, str]) -> str:
    return _black(*item)


def split_work(sizes: Sequence[int]) -> list[int]:
    """Indices for the child: the largest item first, then greedily whatever keeps the two shares even."""
    child, parent, theirs = 0, 0, []
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        if child <= parent:
            child += sizes[i]
            theirs.append(i)
        else:
            parent += sizes[i]
    return sorted(theirs)


def _default_jobs() -> int:
    """2 where forking is cheap and safe: Linux-style fork, 2+ CPUs, and no other thread (or torch) running.

    ``SCAFFOLD_FORMAT_JOBS`` overrides it (1: serial).
    """
    forced = os.environ.get("SCAFFOLD_FORMAT_JOBS")
    if forced:
        return max(1, int(forced))
    import multiprocessing

    can_fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    quiet = threading.active_count() == 1 and "torch" not in sys.modules
    return 2 if can_fork and quiet and (os.cpu_count() or 1) > 1 else 1
