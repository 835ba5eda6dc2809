"""A content-addressed cache of black's output, like black's own cache: it can make a run faster, never different.

An entry's key is the SHA-256 of the input text, the installed black (the path, size and modification time of
its module file: another build or version is another key) and the mode; its value is black's output for that
input. Reading never imports black. Entries are written through a temporary file and ``os.replace``, so a
reader sees a whole entry or none, and a failed write leaves no temporary file; any OS error makes the cache a
no-op. The folder is bounded (``MAX_BYTES``): ``prune`` (run once per generation) removes the least recently
used entries (a read marks its entry used) until it holds three quarters of the bound.

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
MAX_BYTES = 32 * 1024 * 1024  # ~300 llama clones (about 100 kB of black output each); pruned to 3/4 of it


@dataclass(frozen=True)
class FormatCache:
    """Black outputs by key under ``directory``; ``mode`` names the formatting options in every key."""

    directory: Path
    mode: str
    max_bytes: int = MAX_BYTES

    def key(self, source: str) -> str:
        digest = hashlib.sha256(f"{SCHEMA}\0{black_identity()}\0{self.mode}\0".encode())
        digest.update(source.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, source: str) -> str | None:
        """The cached output for ``source``, or None; a hit marks the entry as used (its mtime)."""
        entry = self.directory / self.key(source)
        try:
            text = entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        try:
            os.utime(entry)
        except OSError:
            pass  # a read-only cache still serves its entries
        return text

    def put(self, source: str, formatted: str) -> None:
        """Store ``formatted`` as the output for ``source`` (best effort: errors are ignored)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=self.directory)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(formatted)
            os.replace(tmp, self.directory / self.key(source))
        except BaseException as exc:
            _remove(Path(tmp))
            if isinstance(exc, (OSError, UnicodeError)):
                return
            raise

    def prune(self) -> None:
        """When the folder holds more than ``max_bytes``, remove the least recently used entries (and any
        temporary file a killed writer left) until it holds three quarters of that."""
        entries = _entries(self.directory)
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(entries):
            if total <= self.max_bytes * 3 // 4:
                break
            if _remove(path):
                total -= size


def _entries(directory: Path) -> list[tuple[int, int, Path]]:
    """(mtime in ns, size, path) of every file in the folder; [] when it cannot be read."""
    found = []
    try:
        with os.scandir(directory) as scan:
            for item in scan:
                try:
                    stat = item.stat(follow_symlinks=False)
                except OSError:  # removed or renamed meanwhile by another run
                    continue
                if not item.is_dir(follow_symlinks=False):
                    found.append((stat.st_mtime_ns, stat.st_size, Path(item.path)))
    except OSError:
        return []
    return found


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


@lru_cache(maxsize=1)
def black_origin() -> str | None:
    """The module file of the black this process would import (found without importing it), or None."""
    spec = importlib.util.find_spec("black")
    return spec.origin if spec is not None else None


@lru_cache(maxsize=1)
def black_identity() -> str:
    """The installed black, without importing it: its module file's path, size and mtime."""
    origin = black_origin()
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
