"""`scaffold export`: make a saved checkpoint loadable with ``trust_remote_code=True`` without the package.

The generated package's model code (configuration_/modeling_/processing_... files, which import each other
relatively and transformers absolutely) is copied next to the weights, and ``config.json`` gets an
``auto_map`` naming the config class and the class of every Auto class the package registers. The Auto
classes are read from the package's ``__init__.py`` syntax tree, never by importing it.

Tokenizer, image processor, feature extractor and processor classes (each file's ``__all__``) get ``auto_map``
entries too, in ``config.json`` and in the saved JSON file their Auto class reads first (``tokenizer_config.json``,
``preprocessor_config.json``, ``processor_config.json``) when the checkpoint has it.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from scaffold.discovery import FILE_PREFIXES
from scaffold.errors import ScaffoldError
from scaffold.files import FileKind, GeneratedFile
from scaffold.writer import Plan

# Where each processing Auto class looks for its ``auto_map`` before config.json: (saved JSON file, key of the nested
# dict inside it or "" for the top level). Why: a processor saves its image processor / feature extractor nested in
# processor_config.json, and AutoImageProcessor reads the auto_map next to that nested `image_processor_type`.
PROCESSING_FILES: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        "AutoFeatureExtractor": (("preprocessor_config.json", ""), ("processor_config.json", "feature_extractor")),
        "AutoImageProcessor": (("preprocessor_config.json", ""), ("processor_config.json", "image_processor")),
        "AutoProcessor": (
            ("processor_config.json", ""),
            ("preprocessor_config.json", ""),
            ("tokenizer_config.json", ""),
        ),
        "AutoTokenizer": (("tokenizer_config.json", ""),),
    }
)

# File kind -> (Auto class, how its classes are recognised by name, image backend or None).
_PROCESSING_KINDS: tuple[tuple[FileKind, str, str, str | None], ...] = (
    (FileKind.TOKENIZATION, "AutoTokenizer", "Tokenizer", None),
    (FileKind.IMAGE_PROCESSING_PIL, "AutoImageProcessor", "ImageProcessor", "pil"),
    (FileKind.IMAGE_PROCESSING, "AutoImageProcessor", "ImageProcessor", "torchvision"),
    (FileKind.FEATURE_EXTRACTION, "AutoFeatureExtractor", "FeatureExtractor", None),
    (FileKind.PROCESSING, "AutoProcessor", "Processor", None),
)

JsonValue = str | list | dict


@dataclass(frozen=True)
class ProcessingEntry:
    """One processing Auto class and the ``auto_map`` value naming its class(es) as ``"module.Class"``."""

    auto_class: str
    classes: tuple[tuple[str, str], ...]  # (role, "module.Class"): role is slow/fast, an image backend, or ""

    def json_value(self) -> JsonValue:
        """The value transformers expects: [slow, fast] for tokenizers, {backend: class} for image processors."""
        roles = dict(self.classes)
        if self.auto_class == "AutoTokenizer":
            return [roles.get("slow"), roles.get("fast")]
        if self.auto_class == "AutoImageProcessor":
            return dict(sorted(roles.items()))
        return roles[""]


@dataclass(frozen=True)
class PackageCode:
    """The model code of a generated package and what its register() maps."""

    package: Path
    files: tuple[Path, ...]
    auto_map: tuple[tuple[str, str], ...]  # (Auto class, "module.Class") in registration order
    processing: tuple[ProcessingEntry, ...] = ()  # sorted by Auto class


def read_package(project: Path) -> PackageCode:
    """Find the package of a generated project (the folder holding a modular_*.py) and read its code."""
    candidates = sorted(p.parent for p in project.glob("*/modular_*.py"))
    if len(candidates) != 1:
        raise ScaffoldError(f"{project}: expected one package with a modular_*.py file, found {len(candidates)}.")
    package = candidates[0]
    files = tuple(sorted(p for p in package.glob("*.py") if _is_model_code(p.stem)))
    module_of = {name: p.stem for p in files for name in _defined_classes(p)}
    auto_map = _registrations(package / "__init__.py", module_of)
    return PackageCode(
        package=package,
        files=files,
        auto_map=_config_through_modeling(auto_map, files),
        processing=_processing_entries(files),
    )


def plan_export(code: PackageCode, checkpoint: Path) -> Plan:
    """The code files to copy into ``checkpoint`` and its config.json with the ``auto_map`` added."""
    config_path = checkpoint / "config.json"
    if not config_path.is_file():
        raise ScaffoldError(f"{checkpoint}: no config.json; save the model there with save_pretrained() first.")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["auto_map"] = dict(code.auto_map) | {e.auto_class: e.json_value() for e in code.processing}
    files = [
        GeneratedFile(PurePosixPath(p.name), p.read_text(encoding="utf-8"), FileKind.MODELING) for p in code.files
    ]
    files.append(_json_file("config.json", config))
    for name, places in sorted(_places_by_file(code.processing).items()):
        if (checkpoint / name).is_file():
            saved = json.loads((checkpoint / name).read_text(encoding="utf-8"))
            files.append(_json_file(name, _with_auto_maps(saved, places)))
    return Plan(root=checkpoint, files=tuple(files))


def _with_auto_maps(saved: dict, places: list[tuple[str, ProcessingEntry]]) -> dict:
    """``saved`` with each entry added to the auto_map at the top level or inside a nested sub-processor dict."""
    for key, entry in places:
        target = saved if key == "" else saved.get(key)
        if isinstance(target, dict):
            target["auto_map"] = _dict_or_empty(target.get("auto_map")) | {entry.auto_class: entry.json_value()}
    return saved


def _json_file(name: str, data: dict) -> GeneratedFile:
    return GeneratedFile(PurePosixPath(name), json.dumps(data, indent=2, sort_keys=True) + "\n", FileKind.PROJECT)


def _dict_or_empty(value: object) -> dict:
    """An existing auto_map to extend (a legacy tokenizer list form is replaced)."""
    return dict(value) if isinstance(value, dict) else {}


def _places_by_file(entries: tuple[ProcessingEntry, ...]) -> dict[str, list[tuple[str, ProcessingEntry]]]:
    by_file: dict[str, list[tuple[str, ProcessingEntry]]] = {}
    for entry in entries:
        for name, key in PROCESSING_FILES[entry.auto_class]:
            by_file.setdefault(name, []).append((key, entry))
    return by_file


def _processing_entries(files: tuple[Path, ...]) -> tuple[ProcessingEntry, ...]:
    """The tokenizer / image processor / feature extractor / processor classes each file exports in ``__all__``."""
    found: dict[str, dict[str, str]] = {}
    for path in files:
        kind = _kind_of(path.stem)
        for file_kind, auto_class, marker, backend in _PROCESSING_KINDS:
            if kind is not file_kind:
                continue
            for name in _exported(path):
                if marker in name:
                    role = backend or _tokenizer_role(name, auto_class)
                    found.setdefault(auto_class, {}).setdefault(role, f"{path.stem}.{name}")
    return tuple(ProcessingEntry(a, tuple(sorted(roles.items()))) for a, roles in sorted(found.items()))


def _tokenizer_role(name: str, auto_class: str) -> str:
    if auto_class != "AutoTokenizer":
        return ""
    return "fast" if name.endswith("Fast") else "slow"


def _kind_of(stem: str) -> FileKind | None:
    """The kind of a model-code file from its prefix (the longest prefix wins: image_processing_pil_ first)."""
    for prefix, kind in FILE_PREFIXES:
        if stem.startswith(prefix):
            return kind
    return None


def _exported(path: Path) -> list[str]:
    """The names in a module's literal ``__all__`` list, in order."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                return [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


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
