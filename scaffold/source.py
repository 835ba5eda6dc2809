"""Reading transformers' source files from the installed package, without importing transformers.

Importing ``transformers.models.auto`` pulls in torch (about 4 s); generation must not. So the installed
package is located with ``importlib.util.find_spec`` and its files are read as text. This module and
``scaffold.discovery`` are the only places that read the installed transformers.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from scaffold.errors import SourceNotFoundError


class SourceResolver(Protocol):
    """Gives the source text of a dotted module (``transformers.models.llama.modeling_llama``), or None."""

    def read_module(self, dotted: str) -> str | None: ...


@dataclass(frozen=True)
class InstalledTransformers:
    """The transformers package installed in this environment, read as files."""

    root: Path  # .../site-packages/transformers
    version: str

    def path_of(self, dotted: str) -> Path | None:
        """``transformers.models.llama.modeling_llama`` -> the .py file, or None when there is none."""
        parts = dotted.split(".")
        if parts[0] != "transformers":
            return None
        base = self.root.joinpath(*parts[1:])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def read_module(self, dotted: str) -> str | None:
        path = self.path_of(dotted)
        return path.read_text(encoding="utf-8") if path is not None else None


@lru_cache(maxsize=1)
def installed_transformers() -> InstalledTransformers:
    """Locate the installed transformers; raises SourceNotFoundError with what to do when it is missing."""
    spec = importlib.util.find_spec("transformers")
    if spec is None or not spec.submodule_search_locations:
        raise SourceNotFoundError("transformers is not installed. Run: pip install 'transformers>=5,<6'")
    root = Path(next(iter(spec.submodule_search_locations)))
    return InstalledTransformers(root=root, version=_read_version(root))


def _read_version(root: Path) -> str:
    for line in (root / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SourceNotFoundError(f"Cannot read the transformers version from {root / '__init__.py'}.")
