"""The jinja2 environment for templates/: strict, trailing newlines kept, nothing clever in templates."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

_REPO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def templates_dir() -> Path:
    """templates/ of a source checkout (editable install), else the copy shipped as scaffold.templates."""
    if _REPO_TEMPLATES.is_dir():
        return _REPO_TEMPLATES
    return Path(str(resources.files("scaffold.templates")))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """StrictUndefined: a missing context value is a bug and must fail, never render as empty text."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
