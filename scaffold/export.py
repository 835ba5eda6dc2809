"""`scaffold export`: make a saved checkpoint loadable with ``trust_remote_code=True`` without the package.

The generated package's model code (configuration_/modeling_/processing_... files, which import each other
relatively and transformers absolutely) is copied next to the weights, and ``config.json`` gets an
``auto_map`` naming the config class and the class of every Auto class the package registers. The Auto
classes are read from the package's ``__init__.py`` syntax tree, never by importing it.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scaffold.discovery import FILE_PREFIXES
from scaffold.errors import ScaffoldError
from scaffold.files import FileKind, GeneratedFile
from scaffold.writer import Plan


@dataclass(frozen=True)
class PackageCode:
    """The model code of a generated package and what its register() maps."""

    package: Path
    files: tuple[Path, ...]
    auto_map: tuple[tuple[str, str], ...]  # (Auto class, "module.Class") in registration order


def read_package(project: Path) -> PackageCode:
    """Find the package of a generated project (the folder holding a modular_*.py) and read its code."""
    candidates = sorted(p.parent for p in project.glob("*/modular_*.py"))
    if len(candidates) != 1:
        raise ScaffoldError(f"{project}: expected one package with a modular_*.py file, found {len(candidates)}.")
    package = candidates[0]
    files = tuple(sorted(p for p in package.glob("*.py") if _is_model_code(p.stem)))
    module_of = {name: p.stem for p in files for name in _defined_classes(p)}
    auto_map = _registrations(package / "__init__.py", module_of)
    return PackageCode(package=package, files=files, auto_map=_config_through_modeling(auto_map, files))


def plan_export(code: PackageCode, checkpoint: Path) -> Plan:
    """The code files to copy into ``checkpoint`` and its config.json with the ``auto_map`` added."""
    config_path = checkpoint / "config.json"
    if not config_path.is_file():
        raise ScaffoldError(f"{checkpoint}: no config.json; save the model there with save_pretrained() first.")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["auto_map"] = dict(code.auto_map)
    files = [
        GeneratedFile(PurePosixPath(p.name), p.read_text(encoding="utf-8"), FileKind.MODELING) for p in code.files
    ]
    files.append(
        GeneratedFile(
            PurePosixPath("config.json"), json.dumps(config, indent=2, sort_keys=True) + "\n", FileKind.PROJECT
        )
    )
    return Plan(root=checkpoint, files=tuple(files))


def _config_through_modeling(
    auto_map: tuple[tuple[str, str], ...], files: tuple[Path, ...]
) -> tuple[tuple[str, str], ...]:
    """Point AutoConfig at the config class as the modeling module imports it.

    transformers names a remote module after the hash of the file and its relative imports, so
    ``configuration_x.py`` loaded alone and the copy ``modeling_x.py`` imports are two modules with two config
    classes; a model that checks ``isinstance(config, self.config_class)`` (vision-encoder-decoder does) then
    rejects its own config. Loading the config class through the modeling module gives one class.
    """
    mapping = dict(auto_map)
    module, config_class = mapping["AutoConfig"].split(".")
    for path in files:
        if path.stem.startswith("modeling_") and config_class in _imported_names(path):
            mapping["AutoConfig"] = f"{path.stem}.{config_class}"
            break
    return tuple(mapping.items())


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}


def _is_model_code(stem: str) -> bool:
    return any(stem.startswith(prefix) for prefix, _ in FILE_PREFIXES)


def _defined_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]


def _registrations(init: Path, module_of: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """``AutoX.register(config_or_type, Class, ...)`` calls of register() -> (AutoX, "module.Class")."""
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register"):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id.startswith("Auto")) or len(node.args) < 2:
            continue
        target = node.args[1]
        if isinstance(target, ast.Name) and target.id in module_of and owner.id not in found:
            found[owner.id] = f"{module_of[target.id]}.{target.id}"
    if "AutoConfig" not in found:
        raise ScaffoldError(f"{init}: no AutoConfig.register(...) call; is this a package made by scaffold?")
    return tuple(found.items())
