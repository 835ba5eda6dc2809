"""`scaffold convert` and `scaffold check`: expand modular files of a project into Plans.

Both commands build the same Plan (the standalone files a modular file gives, next to it); `convert` writes
it, `check` compares it with the disk. Reading the modular files is this module's only I/O.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.errors import ModularError, ScaffoldError
from scaffold.files import GeneratedFile
from scaffold.formatting import format_file
from scaffold.source import installed_transformers
from scaffold.writer import Plan

_SKIPPED_DIRS = frozenset({".git", "__pycache__", ".venv", "venv", "build", "dist", "node_modules"})


def plan_modular_file(modular: Path) -> Plan:
    """The standalone files ``modular`` expands to, rooted at its folder, formatted."""
    if not modular.is_file():
        raise ScaffoldError(f"{modular}: no such file.")
    if not modular.name.startswith("modular_") or modular.suffix != ".py":
        raise ModularError("a modular file must be named modular_<name>.py", path=str(modular))
    source = modular.read_text(encoding="utf-8")
    result = convert_modular(
        source,
        modular_path=f"{modular.parent.name}/{modular.name}",
        resolver=installed_transformers(),
        options=ConvertOptions(import_style=ImportStyle.OUT_OF_TREE),
    )
    files = tuple(
        format_file(GeneratedFile(path=PurePosixPath(f.path.name), content=f.content, kind=f.kind))
        for f in result.files
    )
    return Plan(root=modular.parent, files=files)


def find_modular_files(directory: Path) -> tuple[Path, ...]:
    """Every modular_*.py below ``directory``, sorted, skipping hidden, cache and build folders."""
    if not directory.is_dir():
        raise ScaffoldError(f"{directory}: not a directory.")
    found = [
        path
        for path in directory.rglob("modular_*.py")
        if not any(part in _SKIPPED_DIRS or part.startswith(".") for part in path.relative_to(directory).parts[:-1])
    ]
    if not found:
        raise ScaffoldError(f"No modular_*.py file below {directory}.")
    return tuple(sorted(found))
