"""The new-model pipeline from names to a Plan: discovery -> clone -> modular -> convert -> templates -> format.

Pure but for discovery (which reads the installed transformers): nothing here writes or prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scaffold import __version__
from scaffold.backends import ModuleBackends, gather_backends
from scaffold.clone import Clone, plan_clone
from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.discovery import Catalogue, SourceModel, discover
from scaffold.errors import InvalidNameError
from scaffold.files import FileKind, GeneratedFile
from scaffold.formatting import Black, format_files
from scaffold.names import ModelNames, camel_from_snake
from scaffold.profiles import class_body
from scaffold.source import SourceResolver
from scaffold.templates import render
from scaffold.writer import Plan

# Keyword arguments of the per-backend register calls (why: AutoImageProcessor/AutoVideoProcessor take a
# {backend: class} dict, every other Auto class takes one class).
PER_BACKEND_ARGUMENT = {
    "AutoImageProcessor": "image_processor_classes",
    "AutoVideoProcessor": "video_processor_classes",
}


# Backends a per-backend processor entry needs, by its key in transformers' table (why: a borrowed
# torchvision processor is a placeholder without torchvision, and register() rejects it).
BACKEND_KEY_NEEDS = {"pil": ("vision",), "torchvision": ("torchvision",)}


@dataclass(frozen=True)
class RegisterCall:
    """One register call of the generated ``__init__`` and the backends it needs (as ``_available`` arguments)."""

    auto_class: str
    config_class: str
    needs: str  # '"torchvision", "vision"', or "" when it needs nothing optional
    classes: tuple[tuple[str, str, str], ...]  # (backend key, class name, needs of this entry)


@dataclass(frozen=True)
class NewModelRequest:
    like: str
    name: str
    out: Path | None = None
    class_prefix: str | None = None


def plan_new_model(request: NewModelRequest, catalogue: Catalogue | None = None, black: Black | None = None) -> Plan:
    """Everything `scaffold new-model` writes, as a Plan rooted at the output directory (``black``: see
    ``format_files``)."""
    catalogue = catalogue or Catalogue.load()
    names = ModelNames.from_name(request.name, request.class_prefix)
    if catalogue.is_known_type(names.model_type):
        raise InvalidNameError(f"'{names.model_type}' is already a transformers model type; choose another --name.")
    source = discover(request.like, catalogue)
    clone = plan_clone(source, names)
    files = build_files(clone, catalogue.installed)
    root = request.out if request.out is not None else Path.cwd() / names.snake
    return Plan(root=root, files=format_files(files, black))


def build_files(clone: Clone, resolver: SourceResolver) -> tuple[GeneratedFile, ...]:
    names = clone.names
    package = PurePosixPath(names.snake)
    modular = render_modular(clone)
    converted = convert_modular(
        modular,
        modular_path=f"{names.snake}/modular_{names.snake}.py",
        resolver=resolver,
        options=ConvertOptions(import_style=ImportStyle.OUT_OF_TREE),
    )
    model_files = tuple(
        GeneratedFile(path=package / f.path.name, content=f.content, kind=f.kind) for f in converted.files
    )
    backends = gather_backends({f.path.stem: f.content for f in model_files if f.path.suffix == ".py"})
    context = _context(clone, tuple(f.path.name for f in model_files), backends)
    return (
        GeneratedFile(
            PurePosixPath("pyproject.toml"), render("project/pyproject.toml.j2", **context), FileKind.PROJECT
        ),
        GeneratedFile(PurePosixPath("README.md"), render("project/README.md.j2", **context), FileKind.PROJECT),
        GeneratedFile(package / "__init__.py", render("project/package_init.py.j2", **context), FileKind.PACKAGE_INIT),
        GeneratedFile(package / f"modular_{names.snake}.py", modular, FileKind.MODULAR),
        *model_files,
        GeneratedFile(
            PurePosixPath("tests") / f"test_modeling_{names.snake}.py",
            render("project/test_modeling.py.j2", **context),
            FileKind.TEST,
        ),
    )


def render_modular(clone: Clone) -> str:
    """The modular file: one subclass per exported source class, imports grouped by source module."""
    imports: dict[str, list[str]] = {}
    for cls in clone.classes:
        imports.setdefault(cls.source_module, []).append(cls.source)
    return render(
        "project/modular.py.j2",
        names=clone.names,
        source=clone.source,
        scaffold_version=__version__,
        imports=[(module, sorted(found)) for module, found in imports.items()],
        classes=clone.classes,
        bodies={cls.new: class_body(clone.source.names.model_type, cls.source, cls.new) for cls in clone.classes},
    )


def _context(clone: Clone, model_files: tuple[str, ...], backends: dict[str, ModuleBackends]) -> dict[str, object]:
    names, source = clone.names, clone.source
    local = set(clone.exported)
    registered = {name for reg in clone.registrations for _, name in reg.classes}
    auto_classes = sorted({"AutoConfig", *(reg.auto_class for reg in clone.registrations)})
    local_imports = [
        (f"{cls_kind.value}_{names.snake}", [c.new for c in clone.classes_of(cls_kind)])
        for cls_kind in FileKind
        if clone.classes_of(cls_kind)
    ]
    return {
        "names": names,
        "source": source,
        "clone": clone,
        "scaffold_version": __version__,
        "default_camel": camel_from_snake(names.snake),
        "model_files": model_files,
        "transformers_imports": sorted(set(auto_classes) | (registered - local)),
        "local_imports": local_imports,
        "per_backend": PER_BACKEND_ARGUMENT,
        "uses_backends": any(r.auto_class in PER_BACKEND_ARGUMENT for r in clone.registrations),
        "import_guards": {m: _arguments(b.imports) for m, b in backends.items() if b.imports},
        "register_calls": (calls := _register_calls(clone, backends)),
        "uses_available": any(b.imports for b in backends.values())
        or any(c.needs or any(e for _, _, e in c.classes) for c in calls),
        "auto_classes": auto_classes,
        "test": clone.test,
        "test_family": clone.test.family,
        "test_imports": sorted({clone.test.config_class, *(new for _, new, _ in clone.test.heads)}),
        "key_renames": _key_renames(source, names),
    }


def _register_calls(clone: Clone, backends: dict[str, ModuleBackends]) -> tuple[RegisterCall, ...]:
    """The registrations with what each needs: its Auto class's backends, and per class its module's
    import needs, its ``@requires`` and its per-backend key."""
    auto_needs = dict(clone.source.auto_class_backends)
    modules = {c.new: f"{c.kind.value}_{clone.names.snake}" for c in clone.classes}
    calls = []
    for reg in clone.registrations:
        per_class = [
            (key, name, _class_needs(name, modules, backends) + BACKEND_KEY_NEEDS.get(key, ()))
            for key, name in reg.classes
        ]
        call_needs = set(auto_needs.get(reg.auto_class, ()))
        if reg.auto_class not in PER_BACKEND_ARGUMENT:  # per-backend entries are checked one by one
            call_needs.update(n for _, _, needs in per_class for n in needs)
        entries = tuple((key, name, _arguments(tuple(set(needs) - call_needs))) for key, name, needs in per_class)
        calls.append(RegisterCall(reg.auto_class, reg.config_class, _arguments(tuple(call_needs)), entries))
    return tuple(calls)


def _class_needs(name: str, modules: dict[str, str], backends: dict[str, ModuleBackends]) -> tuple[str, ...]:
    found = backends.get(modules.get(name, ""))
    return found.of_class(name) if found is not None else ()


def _arguments(needs: tuple[str, ...]) -> str:
    """``("vision", "torchvision")`` -> ``'"torchvision", "vision"'`` (sorted, for ``_available(...)``)."""
    return ", ".join(f'"{n}"' for n in sorted(set(needs)))


def _key_renames(source: SourceModel, names: ModelNames) -> tuple[tuple[str, str], ...]:
    """State-dict key components the rename changes, for the parity test: the base model prefix
    (``bert.`` -> ``my_bert.``) and submodule attributes named after the model (``albert_layer_groups.``)."""
    from scaffold.convert.rename import RenameMap, Spellings, rename_identifier

    old, new = (Spellings(n.camel, n.snake, n.kebab, n.upper) for n in (source.names, names))
    rename_map = RenameMap(pairs=((old, new),))
    renames = set()
    for name in (*source.base_model_prefixes, *source.module_attributes):
        renamed = rename_identifier(name, rename_map)
        if renamed != name:
            renames.add((f"{name}.", f"{renamed}."))
    return tuple(sorted(renames))
