"""Finding the modular file's model-specific parents, reading them, and renaming them to the new model."""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

from types import MappingProxyType

import libcst as cst

from scaffold.autotables import read_config_table
from scaffold.convert.definitions import DefKind, ModuleIndex, index_source
from scaffold.convert.imports import ImportBranch, ImportRecord
from scaffold.convert.naming import (
    SourceNames,
    default_camel,
    pick_prefix,
    shared_prefix,
    spelled_prefix,
    cased_name,
    lowercase_name,
    new_prefix,
)
from scaffold.convert.rename import RenameMap, RenamePolicy, Spellings, needs_no_rename, rename_identifier, rename_node
from scaffold.convert.routing import SUFFIX_KINDS, kind_for_module, kind_for_name, model_of_module
from scaffold.files import FileKind
from scaffold.source import SourceResolver

# Modules under transformers.models that are shared machinery, not a model to inherit from.
NOT_MODEL_PACKAGES = frozenset({"auto"})
# Decorators of functions the kernel hub replaces by name: such functions are never renamed.
KERNEL_DECORATOR = "use_kernel_func_from_hub"


def model_specific(module: str) -> bool:
    """``transformers.models.llama.modeling_llama`` is model-specific; ``transformers.models.auto...`` is not."""
    parts = module.split(".")
    if len(parts) != 4 or parts[:2] != ["transformers", "models"] or parts[2] in NOT_MODEL_PACKAGES:
        return False
    return kind_for_module(parts[3]) is not None


def sibling_stem(record_module: str, package: str | None) -> str | None:
    """The file stem when ``record_module`` is a model-code file in ``package`` (or written ``.<stem>``)."""
    if record_module.startswith(".") and record_module.count(".") == 1:
        stem = record_module[1:]
    elif package and record_module.rpartition(".")[0] == package:
        stem = record_module.rpartition(".")[2]
    else:
        return None
    return stem if kind_for_module(stem) is not None else None


@dataclass(frozen=True)
class SourceModule:
    """A parent module read from transformers and renamed: its index and (renamed) import records."""

    names: SourceNames
    index: ModuleIndex
    imports: tuple[ImportRecord, ...]
    sibling_names: frozenset[str]  # names it imports from its own model's other files (imports, not deps)
    rename_map: RenameMap

    @property
    def module(self) -> str:
        return self.names.module


@dataclass(frozen=True)
class ParsedSource:
    """A parent module as read, before renaming: its tree, its index and its model's CamelCase prefix."""

    module: str
    index: ModuleIndex
    camel_hint: str


def parse_source(module: str, text: str) -> ParsedSource:
    """Index a parent module and guess its model prefix from the classes it exports."""
    index = index_source(text, module.rpartition(".")[0])
    classes = [n for n, d in index.definitions.items() if d.kind is DefKind.CLASS]
    exported = [n for n in index.exports or () if n in classes] or classes
    return ParsedSource(module, index, shared_prefix(exported, tuple(s for s, _ in SUFFIX_KINDS)))


def infer_source_names(
    parents: Mapping[str, str],
    class_bases: list[tuple[str, str]],
    new_snake: str,
    hints: Mapping[str, str],
    config_names: Mapping[str, str] = MappingProxyType({}),
    module_classes: Mapping[str, frozenset[str]] = MappingProxyType({}),
    own_configs: tuple[str, ...] = (),
) -> dict[str, SourceNames]:
    """Per source module, the old -> new prefixes, voted by the ``Child(Parent)`` pairs that use it.

    ``parents`` maps an imported name to its module; ``class_bases`` lists ``(child, model-specific base)``;
    ``hints`` gives each module's own CamelCase prefix; ``config_names`` is the Auto config table (model type ->
    config class), which spells model names the way transformers' converter does; ``module_classes`` the
    classes each module defines. As in that converter, the old prefix is the parent model's name, each pair
    votes for the child's prefix (``new_prefix``), and a winner other than the default prefix that would
    collide with a class of the parent module (``FooText`` when it defines ``LlamaText...``) gives way to it.
    """
    default_new = cased_name(new_snake, config_names)
    if new_snake not in config_names:  # a model the Auto table does not know: its classes spell its name
        spelled = spelled_prefix([child for child, _ in class_bases], new_snake)
        default_new = spelled or _config_prefix(own_configs) or default_new
    votes: dict[str, Counter[tuple[str, str]]] = {module: Counter() for module in dict.fromkeys(parents.values())}
    olds = {module: _old_camel(module, hints, config_names) for module in votes}
    olds = _cloned_prefixes(parents, class_bases, olds, default_new)
    old_snakes = {module: _old_snake(module, config_names) for module in votes}
    for child, base in class_bases:
        module = parents[base]
        if child != base:  # ``class DetrDecoderOutput(DetrDecoderOutput)`` says nothing of the new prefix
            votes[module][(olds[module], new_prefix(child, base, olds[module], default_new))] += 1
    result = {}
    for module, counter in votes.items():
        old_snake = old_snakes[module]
        chosen = pick_prefix(counter, default_new) or (olds[module], default_new)
        collides = chosen[1].replace(default_new, chosen[0])
        if chosen[1] != default_new and any(c.startswith(collides) for c in module_classes.get(module, ())):
            chosen = (chosen[0], default_new)
        new_snake_of = lowercase_name(chosen[1], config_names)
        if chosen[1] == default_new and chosen[1] + "Config" not in config_names.values():
            new_snake_of = new_snake  # a model the Auto table does not know is named as its files are
        result[module] = SourceNames(module, chosen[0], old_snake, chosen[1], new_snake_of)
    return result


def _cloned_prefixes(
    parents: Mapping[str, str], class_bases: list[tuple[str, str]], olds: dict[str, str], new: str
) -> dict[str, str]:
    """``olds`` with each module's ``_cloned_prefix``; a shorter prefix found in one module of a package applies to
    its other modules with the same old prefix whose pairs fit it (paddleocr_vl's processing file)."""
    pairs = {m: [(c, b) for c, b in class_bases if parents[b] == m] for m in olds}
    found = {m: _cloned_prefix(pairs[m], old, new) for m, old in olds.items()}
    for module, old in olds.items():
        package = module.rpartition(".")[0]
        shorter = sorted({s for m, s in found.items() if m.rpartition(".")[0] == package and olds[m] == old} - {old})
        if found[module] == old and len(shorter) == 1 and _fits(pairs[module], shorter[0], new):
            found[module] = shorter[0]
    return found


def _fits(pairs: list[tuple[str, str]], short: str, new: str) -> bool:
    return all(b.startswith(short) and c == new + b[len(short) :] for c, b in pairs)


def _cloned_prefix(pairs: list[tuple[str, str]], old: str, new: str) -> str:
    """The prefix of the module's classes a clone's modular file swapped for ``new``, when it is not ``old``.

    paddleocr_vl's classes are ``PaddleOCRVL*`` and ``PaddleOCR*``: a clone names them ``<new>VLConfig`` and
    ``<new>TextConfig``, so the old prefix is ``PaddleOCR``; a clone of rt_detr_resnet swaps ``RTDetrResNet``, not
    the directory's ``RTDetr``. Used only when the module has two bases or more, not every child is ``new`` + its
    base without ``old``, and every child is exactly ``new`` + its base without the prefix returned.
    """
    bases = sorted({base for _, base in pairs})
    if len(bases) < 2 or _fits(pairs, old, new):
        return old
    common = os.path.commonprefix(bases)
    for end in range(len(common), 0, -1):
        if all(len(b) > end and b[end].isupper() for b in bases) and _fits(pairs, common[:end], new):
            return common[:end]
    return old


def _old_snake(module: str, config_names: Mapping[str, str]) -> str:
    """The parent model's snake name: its directory's, or the model part's its file is named after when only that
    part is in the Auto table (``data2vec_audio`` for ``data2vec/modeling_data2vec_audio``)."""
    old_snake = module.split(".")[2]
    part = model_of_module(module.rpartition(".")[2]) or old_snake
    if not _known(old_snake, config_names) and _known(part, config_names):
        return part
    return old_snake


def _known(snake: str, config_names: Mapping[str, str]) -> bool:
    return snake in config_names or snake.replace("_", "-") in config_names


def _old_camel(module: str, hints: Mapping[str, str], config_names: Mapping[str, str]) -> str:
    """The parent model's CamelCase name: its Auto config class's, else that of the model part the module is
    named after (``modeling_data2vec_audio`` in data2vec: ``Data2VecAudio``), else the prefix its classes share
    when that spells the model's name (``XCLIP`` for x_clip) or names a config of the table (``OpenAIGPT`` in
    openai), else one capital per word (``FooCTC`` classes in foo: ``Foo``)."""
    old_snake = module.split(".")[2]
    hint = hints.get(module, "")
    if _known(old_snake, config_names):
        return cased_name(old_snake, config_names)
    part = _old_snake(module, config_names)
    if part != old_snake:
        return cased_name(part, config_names)
    if hint.replace("_", "").lower() == old_snake.replace("_", "") or hint + "Config" in config_names.values():
        return hint
    return default_camel(old_snake)


def _config_prefix(names: tuple[str, ...]) -> str:
    """The prefix of the shortest ``<Prefix>Config`` name (``ASTConfig`` -> ``AST``), "" when there is none."""
    configs = sorted((n for n in names if n.endswith("Config") and len(n) > len("Config")), key=lambda n: (len(n), n))
    return configs[0][: -len("Config")] if configs else ""


def read_config_names(resolver: SourceResolver) -> Mapping[str, str]:
    """Model type -> config class name, as transformers' Auto config table lists them (empty when not found),
    without the types that borrow another package's config class.

    The table is evaluated from the syntax trees of the auto modules (``scaffold.autotables``), so every entry is
    read however it is written (``kosmos-2.5``; ``gpt-sw3``, which ``OrderedDict(**{...}, **table)`` puts first).
    A borrowing type is dropped (why: the table spells model names, and ``GPT2Config`` spells gpt2's: kept, it
    would name gpt_sw3's classes ``GPT2...`` and win gpt2's config for ``gpt_sw3`` as the first with it).
    """
    table = read_config_table(resolver)
    packages: dict[str, set[str]] = {}
    for model_type, config in table.config_names.items():
        packages.setdefault(config, set()).add(table.module_of(model_type))
    borrowed = {
        package
        for config, found in packages.items()
        if len(found) > 1
        for package in found
        if not _defines(resolver, package, config)
    }
    return MappingProxyType({t: c for t, c in table.config_names.items() if table.module_of(t) not in borrowed})


def _defines(resolver: SourceResolver, package: str, config: str) -> bool:
    """True when ``package``'s own configuration file defines the class ``config``."""
    text = resolver.read_module(f"transformers.models.{package}.configuration_{package}") or ""
    return re.search(rf"^class {config}\b", text, re.MULTILINE) is not None


def rename_map_for(names: SourceNames, keep: frozenset[str], policy: RenamePolicy) -> RenameMap:
    """The rename map of one source module."""
    old = Spellings.infer(names.old_camel, names.old_snake)
    new = Spellings.infer(names.new_camel, names.new_snake)
    return RenameMap(pairs=((old, new),), keep=keep, policy=policy)


def load_source(
    names: SourceNames,
    parsed: ParsedSource,
    policy: RenamePolicy,
    file_snake: str,
    modular_defines: frozenset[str] = frozenset(),
    other_models: frozenset[str] = frozenset(),
) -> SourceModule:
    """Rename one parent module; its sibling imports now point at the new model's files.

    Names the parent imports from elsewhere keep their spelling, except when the modular file defines the
    renamed name itself (``Data2VecAudioBaseModelOutput = Wav2Vec2BaseModelOutput``): then uses are renamed.
    ``other_models`` are the types of other models the parent names (``vitpose_backbone``): they stay too.
    """
    package = names.module.rpartition(".")[0]
    raw = replace(parsed.index, imports=tuple(_own_class_from_top(r, names) for r in parsed.index.imports))
    own_model = model_of_module(names.module.rpartition(".")[2])
    imported = {r.bound for r in raw.imports if _foreign_or_outside(r.module, package, names.old_snake, own_model)}
    free = rename_map_for(names, frozenset(), policy)
    kernels = hub_kernel_functions(raw)
    keep = frozenset(n for n in imported if rename_identifier(n, free) not in modular_defines) | kernels | other_models
    rename_map = rename_map_for(names, keep, policy)
    renamed: dict[str, str] = {}

    def new(name: str) -> str:
        if name not in renamed:
            renamed[name] = rename_identifier(name, rename_map)
        return renamed[name]

    definitions = {}
    for definition in raw.definitions.values():
        if definition.name in kernels:  # copied verbatim
            definitions[definition.name] = definition
            continue
        uses = frozenset(new(u) for u in definition.uses)
        renames = None if definition.name in kernels else rename_map
        definitions[new(definition.name)] = replace(definition, name=new(definition.name), uses=uses, rename=renames)
    imports = tuple(
        _renamed_record(r, package, names.old_snake, file_snake, rename_map, own_model) for r in raw.imports
    )
    imports = _with_renamed_branches(imports, rename_map)
    siblings = frozenset(r.bound for r in imports if r.module.startswith("."))
    index = ModuleIndex(MappingProxyType(definitions), imports, raw.exports)
    return SourceModule(names, index, imports, siblings, rename_map)


# transformers' base modules: the names they define or read (config flags, PreTrainedModel and generate hooks) are
# the library's API, which a model's code uses under the same spelling whatever the model is called.
LIBRARY_API_MODULES = (
    "transformers.configuration_utils",
    "transformers.modeling_utils",
    "transformers.generation.utils",
)


def library_api_names(old_snake: str, resolver: SourceResolver) -> frozenset[str]:
    """Identifiers of transformers' base modules that hold the old model name as a part of a snake-case word.

    Why: a clone of ``encoder-decoder`` renamed the config flag ``is_encoder_decoder`` to ``is_my_ed`` where
    transformers reads ``is_encoder_decoder``, so the clone built no decoder inputs. Names without an
    underscore around the old name (``EncoderDecoderModel``, ``encoder_decoder`` itself) are the model's own.
    """
    part = re.compile(rf"\b(?:\w+_{re.escape(old_snake)}(?:_\w+)?|{re.escape(old_snake)}_\w+)\b")
    return frozenset(name for name in _library_identifiers(resolver) if part.fullmatch(name))


def _library_identifiers(resolver: SourceResolver) -> frozenset[str]:
    """Every snake-case identifier of the base modules, read once per resolver (a clone reads several parents)."""
    try:
        return _cached_library_identifiers(resolver)
    except TypeError:  # an unhashable resolver (a test's stand-in) is read every time
        return _read_library_identifiers(resolver)


def _read_library_identifiers(resolver: SourceResolver) -> frozenset[str]:
    found: set[str] = set()
    for module in LIBRARY_API_MODULES:
        found.update(re.findall(r"\b[a-z_][a-z0-9]*_[a-z0-9_]+\b", resolver.read_module(module) or ""))
    return frozenset(found)


_cached_library_identifiers = functools.lru_cache(maxsize=4)(_read_library_identifiers)


LITERAL_TYPE = re.compile(r"\bLiteral\[([^\]]*)\]")
QUOTED_WORD = re.compile(r"""["']([\w.\-]+)["']""")


def literal_values(text: str) -> frozenset[str]:
    """The strings a module's ``Literal[...]`` annotations allow: option values that checkpoints' config files
    hold as written (chmv2's ``bins_strategy: Literal["linear", "log", "chmv2_mixlog"]``). Why kept: a clone
    that renamed them to ``my_chmv2_mixlog`` refused every chmv2 config.json it was given."""
    return frozenset(word for body in LITERAL_TYPE.findall(text) for word in QUOTED_WORD.findall(body))


def other_model_types(text: str, old_snake: str, resolver: SourceResolver, module: str = "") -> frozenset[str]:
    """Words of a parent module that start with its model's name and are the type of another installed model.

    ``"vitpose_backbone"`` in configuration_vitpose names the vitpose_backbone model: a clone of vitpose must keep
    it (renamed, ``AutoConfig`` has no such type), while ``blip_2_qformer`` is blip_2's own sub-config and follows.
    A type of the Auto table whose config class the module's own configuration file does not define is another
    model too (``rt_detr_resnet``, whose config lives in ``configuration_rt_detr_resnet``, in rt_detr's backbone).
    """
    words = sorted(set(re.findall(rf"(?<![\w]){re.escape(old_snake)}_\w+", text)))
    own_config = _own_config_text(module, resolver) if module and words else None
    config_names = read_config_names(resolver) if own_config is not None else {}
    return frozenset(
        w
        for w in words
        if resolver.read_module(f"transformers.models.{w}.configuration_{w}") is not None
        or (own_config is not None and _defined_elsewhere(w, config_names, own_config))
    )


def _own_config_text(module: str, resolver: SourceResolver) -> str | None:
    """The text of the configuration file of ``module``'s own model part, None when there is none."""
    part = model_of_module(module.rpartition(".")[2])
    return resolver.read_module(f"{module.rpartition('.')[0]}.configuration_{part}") if part else None


def _defined_elsewhere(word: str, config_names: Mapping[str, str], own_config: str) -> bool:
    """True when ``word`` is a model type whose config class ``own_config`` does not define."""
    config = config_names.get(word) or config_names.get(word.replace("_", "-"))
    return config is not None and re.search(rf"^class {config}\b", own_config, re.MULTILINE) is None


def hub_kernel_functions(index: ModuleIndex) -> frozenset[str]:
    """Functions decorated ``@use_kernel_func_from_hub...(...)``: copied as they are, name included.

    The kernel hub finds them by name (``mamba_chunk_scan_combined``, ``mamba_ssm``), so transformers' converter
    never renames them: ``mamba2_chunk_scan`` keeps its name in bamba, ``mamba_inner_fn`` in falcon_mamba.
    """
    found = set()
    for name, definition in index.definitions.items():
        if definition.kind is DefKind.FUNCTION and any(u.startswith(KERNEL_DECORATOR) for u in definition.uses):
            lines = definition.segment.splitlines()
            if any(line.startswith("@" + KERNEL_DECORATOR) for line in lines):
                found.add(name)
    return frozenset(found)


def _own_class_from_top(record: ImportRecord, names: SourceNames) -> ImportRecord:
    """``from transformers import UdopConfig`` in modeling_udop is a sibling import of its own config file."""
    if record.module != "transformers" or not record.name.startswith(names.old_camel) or record.guard is not None:
        return record
    kind = kind_for_name(record.name)
    if kind is FileKind.MODELING:
        return record
    return replace(record, module=f"{names.module.rpartition('.')[0]}.{kind.filename(names.old_snake)[:-3]}")


def _foreign_or_outside(module: str, package: str, old_snake: str, own_model: str | None) -> bool:
    """True for an import from outside the parent's package, or from a sibling file of another model part.

    A sibling of another model part (``modeling_maskformer`` importing ``configuration_maskformer_swin``) is not a
    file the conversion generates: it stays an import of transformers' module, its names keep their spelling.
    """
    stem = sibling_stem(module, package)
    return stem is None or model_of_module(stem) not in (old_snake, own_model)


def _with_renamed_branches(records: tuple[ImportRecord, ...], rename_map: RenameMap) -> tuple[ImportRecord, ...]:
    """``records`` whose guards' elif / else statements are renamed like the rest of the parent: xlstm's fallback
    classes (``def __init__(self, config: xLSTMConfig)``) follow the clone's names. Each chain is renamed once."""
    done: dict[tuple[ImportBranch, ...], tuple[ImportBranch, ...]] = {}
    result = []
    for record in records:
        if any(branch.others for branch in record.orelse):
            if record.orelse not in done:
                done[record.orelse] = tuple(
                    replace(b, others=tuple(_renamed_code(code, rename_map) for code in b.others))
                    for b in record.orelse
                )
            record = replace(record, orelse=done[record.orelse])
        result.append(record)
    return tuple(result)


def _renamed_code(code: str, rename_map: RenameMap) -> str:
    if needs_no_rename(code, rename_map):
        return code
    return cst.Module(body=[rename_node(cst.parse_statement(code), rename_map)]).code


def _renamed_record(
    record: ImportRecord,
    package: str,
    old_snake: str,
    file_snake: str,
    rename_map: RenameMap,
    own_model: str | None = None,
) -> ImportRecord:
    """A parent's import of its own model's files (``.configuration_rt_detr_resnet`` in ``modeling_rt_detr_resnet``)
    now imports the new model's files; other imports are kept as they are."""
    if _foreign_or_outside(record.module, package, old_snake, own_model):
        return record
    stem = sibling_stem(record.module, package) or ""
    model = model_of_module(stem) or ""
    new_stem = stem[: len(stem) - len(model)] + file_snake
    alias = rename_identifier(record.alias, rename_map) if record.alias else None
    return replace(record, module="." + new_stem, name=rename_identifier(record.name, rename_map), alias=alias)
