"""``convert_modular``: a modular file's text in, the generated files' texts out. Pure apart from the resolver."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from scaffold.convert.assemble import (
    FileDraft,
    Namespace,
    bfs_classes,
    keeps_modular_assignment,
    needed_imports,
    relative_order,
    split_cross_kind,
)
from scaffold.convert.definitions import DefKind, Definition, ModuleIndex, index_module, materialize
from scaffold.convert.names_ast import code_of, names_used
from scaffold.convert.flatten import merge_class, rename_parent_text
from scaffold.convert.import_guards import GUARD_TEST_RECORDS, file_guards
from scaffold.convert.header_gap import first_used_import_has_gap, header_with_gap
from scaffold.convert.imports import ImportRecord, render_imports
from scaffold.convert.kernels import forward_kernel_functions
from scaffold.convert.nested_imports import absolute_nested_imports
from scaffold.convert.options import ConversionResult, ConvertOptions, DefinitionOrder, ImportStyle
from scaffold.convert.preformat import all_statement, ends_with_import, spaced_module_body, split_long_imports
from scaffold.convert.rename import rename_identifier
from scaffold.convert.routing import kind_for_module, kind_for_name
from scaffold.convert.shapes import string_nodes
from scaffold.convert.sources import (
    ParsedSource,
    SourceModule,
    infer_source_names,
    load_source,
    model_specific,
    library_api_names,
    literal_values,
    other_model_types,
    parse_source,
    read_config_names,
    sibling_stem,
)
from scaffold.errors import ModularError
from scaffold.names import camel_from_snake
from scaffold.files import FileKind, GeneratedFile
from scaffold.source import SourceResolver


@dataclass(frozen=True)
class ModularFile:
    """The parsed modular file: its index, its parents (imported name -> module) and its other imports."""

    path: str
    snake: str
    tree: cst.Module
    index: ModuleIndex
    parents: Mapping[str, str]
    imports: tuple[ImportRecord, ...]

    @property
    def camel(self) -> str:
        """The new model's CamelCase prefix as its file name spells it (``sam2_video`` -> ``Sam2Video``)."""
        return camel_from_snake(self.snake)


def convert_modular(
    modular_source: str, *, modular_path: str, resolver: SourceResolver, options: ConvertOptions = ConvertOptions()
) -> ConversionResult:
    """Expand a ``modular_<name>.py`` into the standalone files transformers' converter would produce."""
    modular = read_modular(modular_source, modular_path, options)
    sources = load_sources(modular, resolver, options)
    drafts = build_drafts(modular, sources)
    files = tuple(
        render_file(draft, modular, sources, options)
        for draft in sorted(drafts.values(), key=lambda d: d.kind.filename(modular.snake))
        if draft.entries
    )
    return ConversionResult(files=files)


def snake_of(modular_path: str) -> str:
    """``my_llama/modular_my_llama.py`` -> ``my_llama``."""
    stem = PurePosixPath(modular_path.replace("\\", "/")).stem
    return stem[len("modular_") :] if stem.startswith("modular_") else stem


def read_modular(text: str, path: str, options: ConvertOptions) -> ModularFile:
    """Parse and index the modular file; split its imports into parents and plain imports."""
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise _syntax_error(text, path, error) from None
    index = index_module(tree, options.package, text)
    parents: dict[str, str] = {}
    plain: list[ImportRecord] = []
    for record in index.imports:
        own_file = options.package is not None and sibling_stem(record.module, options.package) is not None
        if model_specific(record.module) and record.guard is None and not own_file:
            parents[record.bound] = record.module
        elif record.module.startswith("..") or (
            record.module.startswith(".") and sibling_stem(record.module, None) is None
        ):
            raise ModularError(
                f"cannot resolve the relative import 'from {record.module} import {record.name}'; import transformers "
                "absolutely or give the package of the modular file",
                path=path,
                line=_line_of_import(tree, record.name),
            )
        else:
            sibling = sibling_stem(record.module, options.package)
            plain.append(record if sibling is None else replace(record, module="." + sibling))  # guard kept
    return ModularFile(path, snake_of(path), tree, index, parents, tuple(plain))


def _syntax_error(text: str, path: str, error: cst.ParserSyntaxError) -> ModularError:
    """Python's own compiler names the line best; libcst's message is the fallback."""
    try:
        compile(text, path, "exec", flags=ast.PyCF_ONLY_AST)
    except SyntaxError as python_error:
        return ModularError(f"syntax error: {python_error.msg}", path=path, line=python_error.lineno)
    return ModularError(f"syntax error: {error.message}", path=path, line=error.raw_line)


def _line_of(tree: cst.Module, node: cst.CSTNode) -> int | None:
    positions = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
    return positions[node].start.line if node in positions else None


def _line_of_import(tree: cst.Module, name: str) -> int | None:
    for stmt in tree.body:
        if isinstance(stmt, cst.SimpleStatementLine) and name in cst.Module(body=[stmt]).code:
            return _line_of(tree, stmt)
    return None


def model_bases(modular: ModularFile, node: cst.ClassDef) -> list[str]:
    """The bases of a modular class that name a model-specific parent; more than one is an error."""
    bases = [get_full_name_for_node(b.value) or "" for b in node.bases]
    found = [b for b in bases if b in modular.parents]
    if len(found) > 1:
        raise ModularError(
            f"class {node.name.value} has more than one model-specific base ({', '.join(found)}); keep one",
            path=modular.path,
            line=_line_of(modular.tree, node),
        )
    return found


def load_sources(modular: ModularFile, resolver: SourceResolver, options: ConvertOptions) -> dict[str, SourceModule]:
    """Read and rename every parent module, and check each parent class exists."""
    pairs = []
    for definition in modular.index.definitions.values():
        if definition.kind is DefKind.CLASS:
            pairs.extend((definition.name, base) for base in model_bases(modular, definition.node))  # type: ignore[arg-type]
    parsed: dict[str, ParsedSource] = {}
    others: dict[str, frozenset[str]] = {}
    literals: frozenset[str] = frozenset()
    for module in dict.fromkeys(modular.parents.values()):
        text = resolver.read_module(module)
        if text is None:
            raise ModularError(
                f"unknown parent module '{module}': it is not in the installed transformers",
                path=modular.path,
                line=_line_of_import(modular.tree, module.rpartition(".")[2]),
            )
        parsed[module] = parse_source(module, text)
        if options.rename_policy.word_boundaries:  # transformers' own converter renames them (in-tree mode)
            others[module] = other_model_types(text, module.split(".")[2], resolver, module)
            literals |= literal_values(text)  # every module compares with the option values the config allows
    hints = {module: p.camel_hint for module, p in parsed.items()}
    classes = {
        m: frozenset(n for n, d in p.index.definitions.items() if d.kind is DefKind.CLASS) for m, p in parsed.items()
    }
    own_configs = tuple(n for n in modular.index.definitions if n.endswith("Config")) + tuple(
        r.bound for r in modular.imports if r.module.startswith(".configuration_")  # its own config (ASTConfig)
    )
    names = infer_source_names(
        modular.parents, pairs, modular.snake, hints, read_config_names(resolver), classes, own_configs
    )
    defined = frozenset(modular.index.definitions) | _own_package_names(modular)
    # Names kept as they are: other models' types, and the functions the kernel hub looks up by name.
    kept = {
        module: others.get(module, frozenset()) | forward_kernel_functions(p.index) for module, p in parsed.items()
    }
    # In clones, also the library's own names (is_encoder_decoder) and the option values of Literal annotations.
    if options.rename_policy.word_boundaries:
        kept = {
            module: names_ | literals | library_api_names(names[module].old_snake, resolver)
            for module, names_ in kept.items()
        }
    sources = {
        module: load_source(names[module], parsed[module], options.rename_policy, modular.snake, defined, kept[module])
        for module in parsed
    }
    return sources


def _own_package_names(modular: ModularFile) -> frozenset[str]:
    """Names the modular file imports from its own package (``from .generation_x import XCache``): a parent's
    import renamed to one of them names the new model's object, so its uses are renamed too."""
    own = [
        r.bound
        for r in modular.imports
        if r.module.startswith(".") or r.module.rpartition(".")[0].endswith("." + modular.snake)
    ]
    return frozenset(own)


def build_drafts(modular: ModularFile, sources: Mapping[str, SourceModule]) -> dict[FileKind, FileDraft]:
    """Fill one draft per file kind, class by class in the modular file's order, then ``__all__``."""
    drafts: dict[FileKind, FileDraft] = {}
    imported = imported_objects(modular, sources)
    spaces = {module: source_namespace(modular, source, imported) for module, source in sources.items()}
    own = modular_namespace(modular, imported)
    for definition in modular.index.definitions.values():  # a class defined twice is placed where it first appears
        if definition.kind is not DefKind.CLASS:
            continue
        kind = kind_for_name(definition.name, modular.camel)
        draft = drafts.setdefault(kind, FileDraft(kind))
        add_class(modular, sources, spaces, own, imported_by_kind(sources, kind), draft, definition)
    for definition in modular.index.definitions.values():
        if definition.name == "__getattr__" and definition.node is not None:
            kind = _kind_of_strings(definition.node)
            drafts.setdefault(kind, FileDraft(kind)).put("__getattr__", definition.node)
    for kind, names in exports_by_kind(modular).items():
        drafts.setdefault(kind, FileDraft(kind)).put("__all__", _all_statement(names))
    return drafts


def _kind_of_strings(node: cst.CSTNode) -> FileKind:
    """A module ``__getattr__`` (deprecated names) goes to the file of the first name it mentions."""
    for found in string_nodes(node):
        value = found.evaluated_value
        if isinstance(value, str) and kind_for_name(value) is not FileKind.MODELING:
            return kind_for_name(value)
    return FileKind.MODELING


def imported_by_kind(sources: Mapping[str, SourceModule], kind: FileKind) -> frozenset[str]:
    """Names the parent files of ``kind`` import from their siblings: imports in that file, never copies."""
    found: set[str] = set()
    for module, source in sources.items():
        if kind_for_module(module.rpartition(".")[2]) is kind:
            found |= source.sibling_names
    return frozenset(found)


def imported_objects(modular: ModularFile, sources: Mapping[str, SourceModule]) -> dict[str, tuple[str, Definition]]:
    """Functions and assignments the modular file imports from parents, with what they need, by module."""
    found: dict[str, tuple[str, Definition]] = {}
    for name, module in modular.parents.items():
        index = sources[module].index
        definition = index.get(name)
        if definition is None or definition.kind is DefKind.CLASS or name in modular.index.definitions:
            continue
        ns = Namespace(index.definitions, _positions(index), {})
        for dep in sorted(ns.closure_of_objects({name})):
            if dep not in modular.index.definitions and dep not in found:
                found[dep] = (module, index.definitions[dep])
    return found


def source_namespace(
    modular: ModularFile, source: SourceModule, imported: Mapping[str, tuple[str, Definition]]
) -> Namespace:
    """A parent module's definitions, with the modular file's functions, assignments and new classes merged."""
    definitions = dict(source.index.definitions)
    merged_order: dict[str, tuple[int, int]] = {}
    foreign = sorted((n for n, (module, _) in imported.items() if module != source.module), reverse=True)
    for rank, name in enumerate(foreign):  # no position in this module: reverse alphabetical, as transformers sorts
        definitions[name] = imported[name][1]
        merged_order[name] = (0, rank)
    for name, definition in modular.index.definitions.items():
        has = name in source.index.definitions
        if definition.kind is DefKind.FUNCTION or (
            definition.kind is DefKind.ASSIGNMENT and keeps_modular_assignment(name, definition.node, has)
        ):
            definitions[name] = definition
        elif definition.kind is DefKind.CLASS and not has and name not in source.sibling_names:
            definitions[name] = definition
        else:
            continue
        merged_order[name] = (1, definition.order)
    for name in source.sibling_names:
        definitions.pop(name, None)
    redefined = {n for n, order in merged_order.items() if order[0] == 1}
    original = {n: p for n, p in _positions(source.index).items() if n not in redefined}
    return Namespace(definitions, original, merged_order, foreign=frozenset(foreign))


def _positions(index: ModuleIndex) -> dict[str, int]:
    return {name: d.order for name, d in index.definitions.items()}


def modular_namespace(modular: ModularFile, imported: Mapping[str, tuple[str, Definition]]) -> Namespace:
    """The modular file's own definitions plus the functions and assignments it imports from parents."""
    definitions = dict(modular.index.definitions)
    files = list(dict.fromkeys(modular.parents.values()))
    merged = {name: (files.index(module), d.order) for name, (module, d) in imported.items()}
    definitions.update({name: d for name, (_, d) in imported.items()})
    return Namespace(definitions, _positions(modular.index), merged, merged_first=True)


def add_class(
    modular: ModularFile,
    sources: Mapping[str, SourceModule],
    spaces: Mapping[str, Namespace],
    own: Namespace,
    siblings: frozenset[str],
    draft: FileDraft,
    definition: Definition,
) -> None:
    """Put one modular class (flattened when it has a model-specific parent) and what it needs in ``draft``."""
    node: cst.ClassDef = definition.node  # type: ignore[assignment]
    bases = model_bases(modular, node)
    if bases:
        module = modular.parents[bases[0]]
        ns = spaces[module]
        node = flatten(modular, sources[module], node, bases[0])
        direct = ns.closure_of_objects(ns.deps_of(names_used(node) - siblings, node.name.value))
        home = kind_for_module(module.rpartition(".")[2])
        direct, extra = split_cross_kind(direct, ns, draft.kind, modular.snake, home)
        later = {  # modular classes placed in this file later (others the parent of this kind defines are copied)
            n
            for n, d in modular.index.definitions.items()
            if d.kind is DefKind.CLASS and kind_for_name(n, modular.camel) is draft.kind
        }
        missing = bfs_classes(ns, direct - later, [*draft.entries, *later])
    else:
        ns = own
        direct = ns.closure_of_objects(ns.deps_of(names_used(node) - siblings, node.name.value))
        direct, extra = split_cross_kind(direct, ns, draft.kind, modular.snake)
        missing = [n for n in direct if n not in draft.entries]
    draft.extra_imports.extend(extra)
    for name in pil_kwargs_first(relative_order(ns, missing), ns, draft.kind):
        if name != node.name.value:  # a class reached through its own dependencies is placed once, last
            draft.put(name, _copied(modular, ns, name))
            for index, follower in enumerate(ns.definitions[name].followers):
                draft.put(f"{name}[{index}]", follower)
    draft.put(node.name.value, node)


def pil_kwargs_first(order: list[str], ns: Namespace, kind: FileKind) -> list[str]:
    """In a pil image processing file the ``...ImageProcessorKwargs`` class comes first, after the constants.

    transformers' converter puts it where the torchvision file's class would be imported, whatever its
    position in the pil parent (``MaskFormerImageProcessorKwargs`` follows a function there).
    """
    if kind is not FileKind.IMAGE_PROCESSING_PIL:
        return order
    moved = [
        n for n in order if kind_for_name(n) is FileKind.IMAGE_PROCESSING and ns.definitions[n].kind is DefKind.CLASS
    ]
    rest = [n for n in order if n not in moved]
    at = next((i for i, n in enumerate(rest) if ns.definitions[n].kind is not DefKind.ASSIGNMENT), len(rest))
    return rest[:at] + moved + rest[at:]


def _copied(modular: ModularFile, ns: Namespace, name: str) -> cst.BaseStatement:
    """A parent definition copied into a file; a modular class of that name is merged onto it (or replaces it).

    (``GlmgaImageProcessorKwargs(Glm4vImageProcessorKwargs)`` adds a field: the pil file's copy has it too.)
    """
    parent = materialize(ns.definitions[name])
    own = modular.index.definitions.get(name)
    if own is None or own.kind is not DefKind.CLASS or not isinstance(parent, cst.ClassDef):
        return parent
    bases = model_bases(modular, own.node)  # type: ignore[arg-type]
    return merge_class(own.node, parent, bases[0]) if bases else own.node  # type: ignore[arg-type,return-value]


def flatten(modular: ModularFile, source: SourceModule, node: cst.ClassDef, base: str) -> cst.ClassDef:
    """Merge a modular class into its (renamed) parent class."""
    renamed = rename_identifier(base, source.rename_map)
    parent = source.index.get(renamed)
    if parent is None or parent.kind is not DefKind.CLASS:
        raise ModularError(
            f"unknown parent class '{base}': {source.module} does not define it",
            path=modular.path,
            line=_line_of(modular.tree, node),
        )
    parent_node = rename_parent_text(materialize(parent), node.name.value, source.rename_map.policy)  # type: ignore[arg-type]
    return merge_class(node, parent_node, base, frozenset(modular.index.definitions))


def exports_by_kind(modular: ModularFile) -> dict[FileKind, list[str]]:
    """The modular ``__all__`` split by the file each name goes to (empty when it has none)."""
    split: dict[FileKind, list[str]] = {}
    for name in modular.index.exports or ():
        split.setdefault(kind_for_name(name, modular.camel), []).append(name)
    return split


def _all_statement(names: list[str]) -> cst.SimpleStatementLine:
    return all_statement(names)


def default_header(modular_path: str) -> str:
    """The comment block on top of every generated file when the caller gives none."""
    return (
        f"# This file was generated from {modular_path} by `scaffold convert`.\n"
        "# Do not edit it by hand: edit the modular file and convert it again.\n"
    )


def render_file(
    draft: FileDraft, modular: ModularFile, sources: Mapping[str, SourceModule], options: ConvertOptions
) -> GeneratedFile:
    """The text of one generated file: header, the imports its body needs, then the body."""
    ranks = source_ranks(sources, draft.kind) if options.definition_order is DefinitionOrder.SOURCE else None
    body = draft.body(ranks)
    records = list(modular.imports) + draft.extra_imports
    for source in sorted(sources.values(), key=lambda src: _home_kind(src) is not draft.kind):
        records.extend(source.imports)  # a name bound by the parent file of this kind wins (`logging`)
    imports = needed_imports(body, draft.entries, _unique(records))
    ordered = [*modular.imports, *draft.extra_imports, *(r for src in sources.values() for r in src.imports)]
    imports = file_guards(imports, ordered, draft.kind)
    guards = [cst.parse_expression(r.guard) for r in imports if r.guard is not None]
    guards += [cst.parse_expression(b.test) for r in imports for b in r.orelse if b.test]  # elif tests too
    fallbacks = {code: None for r in imports for b in r.orelse for code in b.others}  # xlstm's else: stand-ins
    if guards or fallbacks:  # names a kept guard tests (is_torch_available), or its branches use, are needed too
        tests = [cst.SimpleStatementLine([cst.Expr(g)]) for g in guards] + [cst.parse_statement(c) for c in fallbacks]
        extra = needed_imports(tests, draft.entries, _unique(records + list(GUARD_TEST_RECORDS)))
        imports = _unique(imports + [r for r in extra if r.guard is None])
    imports = [r for r in imports if r.module != "." + draft.kind.filename(modular.snake)[:-3]]
    new_package = options.package or f"transformers.models.{modular.snake}"
    gap = first_used_import_has_gap(modular.tree, (r.bound for r in imports), options.package)
    rendered = render_imports(imports, options.import_style, new_package)
    leading = cst.Module(body=rendered, header=header_with_gap(modular.tree.header, gap)).code
    if options.import_style is ImportStyle.OUT_OF_TREE:
        body = [absolute_nested_imports(node, code_of(node)) for node in body]
    leading = split_long_imports(leading)  # black's layout (see preformat): one formatting pass instead of two
    code = leading + "".join(code_of(node) for node in spaced_module_body(body, ends_with_import(leading)))
    header = options.header if options.header is not None else default_header(modular.path)
    return GeneratedFile(
        path=PurePosixPath(draft.kind.filename(modular.snake)), content=header + code, kind=draft.kind
    )


def source_ranks(sources: Mapping[str, SourceModule], kind: FileKind) -> dict[str, int]:
    """Each (renamed) name's position in the parent modules of ``kind``, one module after the other."""
    ranks: dict[str, int] = {}
    offset = 0
    for source in sources.values():
        if _home_kind(source) is not kind:
            continue
        for name, definition in source.index.definitions.items():
            ranks.setdefault(name, offset + definition.order)
        offset += 1 + max((d.order for d in source.index.definitions.values()), default=0)
    return ranks


def _home_kind(source: SourceModule) -> FileKind | None:
    return kind_for_module(source.module.rpartition(".")[2])


def _unique(records: list[ImportRecord]) -> list[ImportRecord]:
    return list(dict.fromkeys(records))
