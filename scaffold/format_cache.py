"""A content-addressed cache of black's output, like black's own cache: it can make a run faster, never different.

An entry's key is the SHA-256 of the input text, the installed black (the path, size and modification time of
its module file: another build or version is another key) and the mode; its value is black's output for that
input. Reading never imports black. Entries are written through a temporary file and ``os.replace``, so a
reader sees a whole entry or none; any OS error makes the cache a no-op.

Where: ``$SCAFFOLD_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/scaffold`` or ``~/.cache/scaffold``;
``SCAFFOLD_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA = "1"  # bump when the meaning of an entry changes


@dataclass(frozen=True)
class FormatCache:
    """Black outputs by key under ``directory``; ``mode`` names the formatting options in every key."""

    directory: Path
    mode: str

    def key(self, source: str) -> str:
        digest = hashlib.sha256(f"{SCHEMA}\0{black_identity()}\0{self.mode}\0".encode())
        digest.update(source.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, source: str) -> str | None:
        """The cached output for ``source``, or None."""
        try:
            return (self.directory / self.key(source)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, source: str, formatted: str) -> None:
        """Store ``formatted`` as the output for ``source`` (best effort: errors are ignored)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=self.directory)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(formatted)
            os.replace(tmp, self.directory / self.key(source))
        except OSError:
            return


@lru_cache(maxsize=1)
def black_identity() -> str:
    """The installed black, without importing it: its module file's path, size and mtime."""
    spec = importlib.util.find_spec("black")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "black:missing"
    stat = os.stat(origin)
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"


def cache_root() -> Path | None:
    """scaffold's user cache directory, or None when caching is off (``SCAFFOLD_NO_CACHE=1``)."""
    if os.environ.get("SCAFFOLD_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("SCAFFOLD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scaffold"


def cache_directory() -> Path | None:
    """Where black's outputs go, or None when caching is off."""
    root = cache_root()
    return root / "black" if root is not None else None


def default_cache(mode: str) -> FormatCache | None:
    directory = cache_directory()
    return FormatCache(directory, mode) if directory is not None else None
