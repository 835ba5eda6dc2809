"""The writer: the one place that puts generated files on disk, and the same code in "check" mode.

A new project is built in a temporary directory next to its destination and moved into place in one
rename, so an error leaves nothing half-written. Updates of existing generated files (``convert``,
``check --fix``) write each changed file through a temporary file and ``os.replace``.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scaffold.errors import OutputConflictError
from scaffold.files import FileStatus, GeneratedFile


@dataclass(frozen=True)
class Plan:
    """The files one command produces, relative to ``root``."""

    root: Path
    files: tuple[GeneratedFile, ...]


@dataclass(frozen=True)
class FileOutcome:
    path: PurePosixPath
    status: FileStatus
    diff: str = ""  # unified diff (disk -> planned) for files that differ


@dataclass(frozen=True)
class WriteReport:
    root: Path
    outcomes: tuple[FileOutcome, ...]
    written: bool

    @property
    def changed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status in (FileStatus.CREATE, FileStatus.OVERWRITE))


def compare(plan: Plan) -> tuple[FileOutcome, ...]:
    """What writing the plan would do to each file, with diffs; reads the disk, writes nothing."""
    return tuple(_compare_one(plan.root, f) for f in sorted(plan.files, key=lambda f: f.path))


def _compare_one(root: Path, generated: GeneratedFile) -> FileOutcome:
    target = root / generated.path
    if not target.exists():
        return FileOutcome(generated.path, FileStatus.CREATE)
    current = target.read_text(encoding="utf-8")
    if current == generated.content:
        return FileOutcome(generated.path, FileStatus.IDENTICAL)
    diff = "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            generated.content.splitlines(keepends=True),
            fromfile=f"{generated.path} (on disk)",
            tofile=f"{generated.path} (generated)",
        )
    )
    return FileOutcome(generated.path, FileStatus.OVERWRITE, diff)


def write_new_tree(plan: Plan, *, force: bool = False, dry_run: bool = False) -> WriteReport:
    """Create ``plan.root`` with exactly the planned files; an existing root needs ``force``."""
    root = plan.root
    exists = root.exists()
    if exists and not force:
        raise OutputConflictError(f"{root} already exists; pass --force to replace it, or choose --out.")
    if exists and not root.is_dir():
        raise OutputConflictError(f"{root} exists and is not a directory.")
    outcomes = tuple(
        FileOutcome(f.path, FileStatus.OVERWRITE if exists else FileStatus.CREATE)
        for f in sorted(plan.files, key=lambda f: f.path)
    )
    if dry_run:
        return WriteReport(root, outcomes, written=False)
    staging = _staging_dir(root)
    try:
        for generated in plan.files:
            _write_text(staging / generated.path, generated.content)
        _swap_into_place(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return WriteReport(root, outcomes, written=True)


def write_changed(plan: Plan, *, dry_run: bool = False) -> WriteReport:
    """Bring existing files in line with the plan, one atomic replace per changed file."""
    outcomes = compare(plan)
    if not dry_run:
        by_path = {f.path: f for f in plan.files}
        for outcome in outcomes:
            if outcome.status in (FileStatus.CREATE, FileStatus.OVERWRITE):
                _replace_file(plan.root / outcome.path, by_path[outcome.path].content)
    return WriteReport(plan.root, outcomes, written=not dry_run)


def _staging_dir(root: Path) -> Path:
    parent = root.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{root.name}.scaffold-", dir=parent))
    except OSError as exc:
        raise OutputConflictError(f"Cannot write to {parent}: {exc.strerror or exc}.") from exc


def _swap_into_place(staging: Path, root: Path) -> None:
    """Move the staged tree to ``root``; an old ``root`` is kept aside until the move has succeeded."""
    backup = None
    try:
        if root.exists():
            backup = root.with_name(f".{root.name}.scaffold-old-{os.getpid()}")
            os.replace(root, backup)
        os.replace(staging, root)
    except OSError as exc:
        if backup is not None and not root.exists():
            os.replace(backup, root)
        raise OutputConflictError(f"Cannot write {root}: {exc.strerror or exc}.") from exc
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def _write_text(path: Path, content: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise OutputConflictError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def _replace_file(path: Path, content: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputConflictError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
