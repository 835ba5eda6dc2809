"""Discovery: what a transformers model type is made of, read from the installed package.

``discover("vision-encoder-decoder")`` returns a frozen ``SourceModel``: the model's spellings, its source
files with the classes each exports, and every Auto class that maps it. It is the only pipeline step that
reads transformers (as files, never by importing it: that would pull in torch and take seconds).
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from scaffold.autotables import AutoTables, read_auto_tables
from scaffold.convert.naming import shared_prefix
from scaffold.convert.routing import SUFFIX_KINDS
from scaffold.errors import SourceNotFoundError, UnknownModelTypeError
from scaffold.files import FileKind
from scaffold.names import ModelNames
from scaffold.source import InstalledTransformers, installed_transformers

# File name prefixes of the model files we clone, longest first so `image_processing_pil_` wins over
# `image_processing_` (why: both prefixes match `image_processing_pil_x.py`).
FILE_PREFIXES = (
    ("image_processing_pil_", FileKind.IMAGE_PROCESSING_PIL),
    ("image_processing_", FileKind.IMAGE_PROCESSING),
    ("video_processing_", FileKind.VIDEO_PROCESSING),
    ("feature_extraction_", FileKind.FEATURE_EXTRACTION),
    ("configuration_", FileKind.CONFIGURATION),
    ("tokenization_", FileKind.TOKENIZATION),
    ("processing_", FileKind.PROCESSING),
    ("modeling_", FileKind.MODELING),
)


@dataclass(frozen=True)
class SourceFile:
    """One file of the source model and the names its ``__all__`` exports."""

    kind: FileKind
    module: str  # dotted: transformers.models.llama.modeling_llama
    exported: tuple[str, ...]
    base_model_prefixes: tuple[str, ...] = ()  # values of `base_model_prefix = "..."` in the file, sorted
    class_configs: tuple[tuple[str, str], ...] = ()  # (exported class, its `config: X` annotation, inherited)
    module_attributes: tuple[str, ...] = ()  # names assigned as ``self.<name> = ...`` in the file, sorted
    class_prefix: str = ""  # its classes' camel prefix when not the model's (an alias's own tokenizer: GPTSw3)


@dataclass(frozen=True)
class AutoEntry:
    """One Auto class that maps the source model type (or a sibling type of the same module)."""

    auto_class: str  # AutoModelForCausalLM
    model_type: str  # the source model type the table maps (llama, or blip_2_qformer for a sub-config)
    class_name: str  # LlamaForCausalLM
    backend: str  # "pil" / "torchvision" for per-backend image and video processors, else ""
    owned: bool  # defined in the source model's own files (cloned) rather than borrowed from another model


@dataclass(frozen=True)
class SourceModel:
    """Everything the pipeline needs to know about the model being cloned."""

    names: ModelNames  # model_type as given by transformers, module stem, class prefix
    package: str  # transformers.models.llama
    config_class: str
    config_types: tuple[tuple[str, str], ...]  # (model type, config class) of every config in these files
    files: tuple[SourceFile, ...]
    auto_entries: tuple[AutoEntry, ...]
    transformers_version: str
    # (Auto class, backends its @requires names) for the Auto classes in auto_entries that need any
    auto_class_backends: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def exported(self) -> tuple[str, ...]:
        return tuple(name for f in self.files for name in f.exported)

    @property
    def base_model_prefixes(self) -> tuple[str, ...]:
        """Values of ``base_model_prefix`` in the modeling file(s), sorted."""
        return tuple(sorted({p for f in self.files if f.kind is FileKind.MODELING for p in f.base_model_prefixes}))

    @property
    def module_attributes(self) -> tuple[str, ...]:
        """Names assigned as ``self.<name> = ...`` in the modeling file(s): submodule names in state-dict keys."""
        return tuple(sorted({a for f in self.files if f.kind is FileKind.MODELING for a in f.module_attributes}))

    def config_of(self, class_name: str) -> str | None:
        """The config class a model class declares (``config: Llama4TextConfig``), or None when unknown."""
        return next((c for f in self.files for name, c in f.class_configs if name == class_name), None)


@dataclass(frozen=True)
class Catalogue:
    """The installed transformers and its Auto tables, read once per run."""

    installed: InstalledTransformers
    tables: AutoTables

    @classmethod
    def load(cls, read_tables: Callable[[InstalledTransformers], AutoTables] = read_auto_tables) -> Catalogue:
        """The installed transformers and its tables (``read_tables``: ``read_auto_tables``, or the CLI's helper
        process, which gives the same tables)."""
        installed = installed_transformers()
        return cls(installed=installed, tables=read_tables(installed))

    def model_types(self) -> tuple[str, ...]:
        return tuple(sorted(self.tables.config_names))

    def resolve(self, like: str) -> str:
        """Accept `-` or `_` spellings; unknown types get a 'did you mean' error."""
        known = self.tables.config_names
        for candidate in (like, like.replace("_", "-"), like.replace("-", "_")):
            if candidate in known:
                return candidate
        close = difflib.get_close_matches(like, list(known), n=1, cutoff=0.6)
        hint = f" Did you mean '{close[0]}'?" if close else " Run 'scaffold list' to see them."
        raise UnknownModelTypeError(f"No model type '{like}' in transformers {self.installed.version}.{hint}")

    def alias_target(self, model_type: str) -> str | None:
        """The type whose own package defines the config an alias type borrows (``gpt-sw3`` -> ``gpt2``)."""
        config_class = self.tables.config_names[model_type]
        for other, other_config in sorted(self.tables.config_names.items()):
            if other != model_type and other_config == config_class:
                module = self.tables.module_of(other)
                if module != self.tables.module_of(model_type) and self.installed.path_of(
                    f"transformers.models.{module}.configuration_{module}"
                ):
                    return other
        return None

    def is_known_type(self, name: str) -> bool:
        known = self.tables.config_names
        return any(c in known for c in (name, name.replace("_", "-"), name.replace("-", "_")))


def discover(like: str, catalogue: Catalogue | None = None) -> SourceModel:
    """Read the model type ``like`` from the installed transformers."""
    catalogue = catalogue or Catalogue.load()
    model_type = catalogue.resolve(like)
    config_class = catalogue.tables.config_names[model_type]
    package = f"transformers.models.{catalogue.tables.module_of(model_type)}"
    package_dir = catalogue.installed.path_of(package)
    if package_dir is None:
        raise SourceNotFoundError(f"transformers has no package {package} for model type '{model_type}'.")
    try:
        files = _model_files(package_dir.parent, package, config_class)
    except SourceNotFoundError:
        target = catalogue.alias_target(model_type)
        if target is None:
            raise
        files = _alias_files(catalogue, model_type, target, package_dir.parent, package)
    exported = {name for f in files for name in f.exported}
    config_types = _config_types(catalogue.tables, model_type, exported)
    own_classes = tuple(sorted(name for f in files if not f.class_prefix for name in f.exported))
    entries = _auto_entries(catalogue.tables, tuple(t for t, _ in config_types) or (model_type,), exported)
    return SourceModel(
        names=ModelNames.for_source(
            model_type,
            _stem(files, config_class),
            _widened_prefix(_class_prefix(tuple(c for _, c in config_types), config_class), own_classes),
        ),
        package=package,
        config_class=config_class,
        config_types=config_types,
        files=files,
        auto_entries=entries,
        transformers_version=catalogue.installed.version,
        auto_class_backends=tuple(
            sorted(
                (a, b)
                for a, b in catalogue.tables.auto_class_backends.items()
                if any(e.auto_class == a for e in entries)
            )
        ),
    )


def _alias_files(
    catalogue: Catalogue, model_type: str, target: str, package_dir: Path, package: str
) -> tuple[SourceFile, ...]:
    """The files of an alias type (``gpt-sw3``, whose config class is gpt2's): the target's model code, with the
    alias package's own files (``tokenization_gpt_sw3``) in place of the target's files of the same kinds."""
    config_class = catalogue.tables.config_names[model_type]
    target_package = f"transformers.models.{catalogue.tables.module_of(target)}"
    target_dir = catalogue.installed.path_of(target_package)
    if target_dir is None:
        raise SourceNotFoundError(f"transformers has no package {target_package} for model type '{target}'.")
    own = tuple(
        replace(f, class_prefix=shared_prefix(list(f.exported), tuple(s for s, _ in SUFFIX_KINDS)))
        for f in _files_of_stem(package_dir, package, catalogue.tables.module_of(model_type))
    )
    kinds = {f.kind for f in own}
    borrowed = _model_files(target_dir.parent, target_package, config_class)
    files = [f for f in borrowed if f.kind not in kinds] + list(own)
    return tuple(sorted(files, key=lambda f: (list(FileKind).index(f.kind), f.module)))


def _config_types(tables: AutoTables, model_type: str, exported: set[str]) -> tuple[tuple[str, str], ...]:
    """(model type, config class) for each config class these files define, one type per class.

    Aliases (``gpt-sw3`` also maps to ``GPT2Config``) are dropped: the cloned type wins, then the type whose
    module is the source's own.
    """
    module = tables.module_of(model_type)
    chosen: dict[str, str] = {}
    for t, c in sorted(tables.config_names.items()):
        if c not in exported or tables.module_of(t) != module and t != model_type:
            continue
        if c not in chosen or t == model_type:
            chosen[c] = t
    chosen[tables.config_names[model_type]] = model_type
    return tuple(sorted((t, c) for c, t in chosen.items()))


def _model_files(package_dir: Path, package: str, config_class: str) -> tuple[SourceFile, ...]:
    """The files sharing the config file's stem (``configuration_data2vec_audio`` -> ``*_data2vec_audio``)."""
    parsed = {p.stem: _parse_file(p) for p in sorted(package_dir.glob("*.py"))}
    config_stem = next(
        (stem for stem, f in parsed.items() if stem.startswith("configuration_") and config_class in f.defined),
        None,
    )
    if config_stem is None:
        raise SourceNotFoundError(f"No configuration file in {package} defines {config_class}.")
    return _files_of_stem(package_dir, package, config_stem.removeprefix("configuration_"), parsed)


def _files_of_stem(
    package_dir: Path, package: str, stem: str, parsed: dict[str, _ParsedFile] | None = None
) -> tuple[SourceFile, ...]:
    """The files of ``package`` named ``<prefix>_<stem>`` that export classes, in FileKind order."""
    if parsed is None:
        parsed = {p.stem: _parse_file(p) for p in sorted(package_dir.glob("*.py"))}
    files = []
    for module, f in parsed.items():
        kind = _kind_of(module, stem)
        if kind is not None and f.exported:
            configs = tuple((name, f.configs[name]) for name in f.exported if name in f.configs)
            files.append(
                SourceFile(kind, f"{package}.{module}", f.exported, f.base_model_prefixes, configs, f.attributes)
            )
    return tuple(sorted(files, key=lambda f: (list(FileKind).index(f.kind), f.module)))


def _kind_of(module: str, stem: str) -> FileKind | None:
    for prefix, kind in FILE_PREFIXES:
        if module == f"{prefix}{stem}":
            return kind
    return None


@dataclass(frozen=True)
class _ParsedFile:
    """What discovery reads from one module file, in one parse."""

    exported: tuple[str, ...]  # ``__all__`` names the file defines as classes
    defined: frozenset[str]  # names of the classes it defines
    base_model_prefixes: tuple[str, ...]
    configs: dict[str, str]  # class -> config class it declares, inherited through in-file bases
    attributes: tuple[str, ...]  # names assigned as ``self.<name> = ...``, sorted


def _parse_file(path: Path) -> _ParsedFile:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported: tuple[str, ...] = ()
    defined = frozenset(n.name for n in tree.body if isinstance(n, ast.ClassDef))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                exported = tuple(e.value for e in node.value.elts if isinstance(e, ast.Constant))
    exported = tuple(name for name in exported if name in defined)
    return _ParsedFile(exported, defined, _prefixes_in(tree), _class_configs(tree), _self_attributes(tree))


def _self_attributes(tree: ast.Module) -> tuple[str, ...]:
    """Every ``self.<name>`` that is assigned to in ``tree``, sorted."""
    found = {
        target.attr
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
    }
    return tuple(sorted(found))


def _class_configs(tree: ast.Module) -> dict[str, str]:
    """Class name -> the ``config: X`` annotation of its body or, failing that, of its first in-file base with one."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    own = {name: _declared_config(cls) for name, cls in classes.items()}
    found: dict[str, str] = {}
    for name in sorted(classes):
        seen, queue = set(), [name]
        while queue and name not in found:
            current = queue.pop(0)
            if current in seen or current not in classes:
                continue
            seen.add(current)
            if own[current] is not None:
                found[name] = own[current]
            queue.extend(b.id for b in classes[current].bases if isinstance(b, ast.Name))
    return found


def _declared_config(cls: ast.ClassDef) -> str | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "config":
            if isinstance(stmt.annotation, ast.Name):
                return stmt.annotation.id
    return None


def _prefixes_in(tree: ast.Module) -> tuple[str, ...]:
    """Every ``base_model_prefix = "..."`` class attribute in ``tree``, sorted."""
    found = {
        stmt.value.value
        for cls in tree.body
        if isinstance(cls, ast.ClassDef)
        for stmt in cls.body
        if isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
        and any(isinstance(t, ast.Name) and t.id == "base_model_prefix" for t in stmt.targets)
    }
    return tuple(sorted(found))


def _auto_entries(tables: AutoTables, model_types: tuple[str, ...], exported: set[str]) -> tuple[AutoEntry, ...]:
    entries = []
    for model_type in model_types:
        for auto_class, class_names in tables.entries_for(model_type):
            for backend, class_name in class_names:
                entries.append(AutoEntry(auto_class, model_type, class_name, backend, class_name in exported))
    return tuple(entries)


def _stem(files: tuple[SourceFile, ...], config_class: str) -> str:
    config_file = next(f for f in files if f.kind is FileKind.CONFIGURATION and config_class in f.exported)
    return config_file.module.rsplit(".", 1)[1].removeprefix("configuration_")


def _class_prefix(configs: tuple[str, ...], config_class: str) -> str:
    """The camel prefix the config classes of the Auto table share (``Blip2Config``, ``Blip2QFormerConfig`` ->
    ``Blip2``). Only the table's: a file also exporting deprecated spellings (``Ernie4_5_VL_MoeConfig`` next to
    ``Ernie4_5_VLMoeConfig``) would cut the prefix to ``Ernie4_5_V``."""
    prefix = config_class.removesuffix("Config")
    for name in configs:
        while prefix and not (name.startswith(prefix) and _boundary(name, len(prefix))):
            prefix = prefix[:-1]
    return prefix or config_class.removesuffix("Config")


def _widened_prefix(prefix: str, classes: tuple[str, ...]) -> str:
    """The prefix cut back, whole camel words at a time, until every class of the source starts with it.

    Why: a model whose only config is a sub-model's (pixtral's ``PixtralVisionConfig``) gets the prefix
    ``PixtralVision``, which ``PixtralProcessor`` and ``PixtralPreTrainedModel`` lack; the clone then named them
    ``MyPixtralPixtralProcessor`` and kept ``PixtralAttention`` unrenamed. The cut is kept only when it ends on a
    letter or digit and is not empty: a prefix ``Qwen2_5_`` (shared with ``Qwen2_5_VisionTransformer...``) or none
    at all (bart's legacy ``PretrainedBartModel``) would rename worse than the classes it misses.
    """
    cut = prefix
    while cut and not all(name.startswith(cut) and _boundary(name, len(cut)) for name in classes):
        cut = cut[:-1]
        while cut and not _word_end(prefix, len(cut)):
            cut = cut[:-1]
    return cut if cut and cut[-1].isalnum() else prefix


def _word_end(name: str, index: int) -> bool:
    """True when a camel word ends at ``index``; inside a run of capitals only between two acronyms of two letters
    or more (``OmniASR|CTC``), never one letter off (``Ernie4_5_V|LMoe``)."""
    if not _boundary(name, index) or index == len(name):
        return index == len(name)
    if not name[index - 1].isupper() or index + 1 == len(name) or name[index + 1].islower():
        return True
    before = len(name[:index]) - len(name[:index].rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    after = len(name[index:]) - len(name[index:].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return before >= 2 and after >= 2


def _boundary(name: str, index: int) -> bool:
    """True when ``name[:index]`` ends a camel word: next char upper-case or end of name."""
    return index == len(name) or name[index].isupper()
