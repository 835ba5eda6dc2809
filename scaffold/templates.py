"""The jinja2 environment for templates/: strict, trailing newlines kept, nothing clever in templates."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from scaffold.format_cache import cache_root

_REPO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def templates_dir() -> Path:
    """templates/ of a source checkout (editable install), else the copy shipped as scaffold.templates."""
    if _REPO_TEMPLATES.is_dir():
        return _REPO_TEMPLATES
    return Path(str(resources.files("scaffold.templates")))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """StrictUndefined: a missing context value is a bug and must fail, never render as empty text.

    Compiled templates are kept in the user cache (jinja2's bytecode cache: keyed by template name and source
    checksum), so a run does not compile the same templates again; ``SCAFFOLD_NO_CACHE=1`` turns that off.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    root = cache_root()
    if root is None:
        return None
    try:
        (root / "jinja").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BestEffortBytecodeCache(str(root / "jinja"))


class _BestEffortBytecodeCache(jinja2.FileSystemBytecodeCache):
    """jinja2's file cache, except that a failed write is ignored (the template was compiled anyway)."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            return


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
