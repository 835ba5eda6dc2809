"""What a clone is made of: the pure decisions between discovery and templates.

From a ``SourceModel`` and the new ``ModelNames`` this module derives, without I/O: the new name of every
exported class, the modular file's classes, the Auto registrations (every Auto class that maps the source
model, with cloned or borrowed classes), and the test family. Templates only lay these objects out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.autotables import PREPROCESSOR_AUTO_CLASSES
from scaffold.discovery import AutoEntry, SourceModel
from scaffold.files import FileKind
from scaffold.names import ModelNames
from scaffold.profiles import profile_for

# Test families, first match wins. Why an ordered table: a model can sit in several Auto mappings
# (llava is in CausalLM-like and ImageTextToText ones); the most specific family must decide.
FAMILY_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("Seq2SeqLMTester", frozenset({"AutoModelForSeq2SeqLM"})),
    ("ImageTextToTextTester", frozenset({"AutoModelForImageTextToText"})),
    ("EncoderTester", frozenset({"AutoModelForMaskedLM"})),  # before causal LM: bert also has BertLMHeadModel
    ("CausalLMTester", frozenset({"AutoModelForCausalLM"})),
    ("EncoderTester", frozenset({"AutoModelForSequenceClassification"})),
    ("VisionEncoderTester", frozenset({"AutoModelForImageClassification"})),
)
# Composite models assembled from two other models' configs: recognised by type, not by Auto class,
# because AutoModelForImageTextToText also maps llava-style models that build their own towers.
COMPOSITE_ENCODER_DECODER_TYPES = frozenset({"vision-encoder-decoder"})
PREPROCESSOR_AUTO_NAMES = frozenset(name for name, _ in PREPROCESSOR_AUTO_CLASSES)


@dataclass(frozen=True)
class ClonedClass:
    """One exported class of the source and its name in the clone."""

    source: str
    new: str
    kind: FileKind
    source_module: str
    model_type: str | None  # set for config classes: the model type the clone declares


@dataclass(frozen=True)
class Registration:
    """One ``Auto*.register`` call: the classes an Auto class maps for one config of the clone."""

    auto_class: str
    config_class: str
    classes: tuple[tuple[str, str], ...]  # (backend key or "", class name) - backend only for processors


@dataclass(frozen=True)
class TestSpec:
    """What the generated test file needs: its family and the heads to test, clone vs source names."""

    family: str
    config_class: str
    heads: tuple[tuple[str, str, str], ...]  # (Auto class, clone class, source class)


@dataclass(frozen=True)
class Clone:
    """Everything derived from (source, names) that the templates lay out."""

    source: SourceModel
    names: ModelNames
    classes: tuple[ClonedClass, ...]
    config_types: tuple[tuple[str, str], ...]  # (new model type, new config class)
    registrations: tuple[Registration, ...]
    test: TestSpec

    def new_name(self, source_name: str) -> str:
        return next(c.new for c in self.classes if c.source == source_name)

    def classes_of(self, kind: FileKind) -> tuple[ClonedClass, ...]:
        return tuple(c for c in self.classes if c.kind is kind)

    @property
    def exported(self) -> tuple[str, ...]:
        return tuple(c.new for c in self.classes)


def plan_clone(source: SourceModel, names: ModelNames) -> Clone:
    """Derive the clone of ``source`` under ``names``."""
    type_map = {t: new_model_type(t, source.names, names) for t, _ in source.config_types}
    classes = tuple(
        ClonedClass(
            source=name,
            new=new_class_name(name, f.class_prefix or source.names.camel, names.camel),
            kind=f.kind,
            source_module=f.module,
            model_type=_config_model_type(name, source, type_map),
        )
        for f in source.files
        for name in f.exported
    )
    renamed = {c.source: c.new for c in classes}
    entries = _profile_entries(source) + source.auto_entries
    return Clone(
        source=source,
        names=names,
        classes=classes,
        config_types=tuple((type_map[t], renamed[c]) for t, c in source.config_types),
        registrations=_registrations(source, entries, renamed),
        test=_test_spec(source, entries, renamed),
    )


def _profile_entries(source: SourceModel) -> tuple[AutoEntry, ...]:
    """Auto registrations the source's profile adds to what transformers maps (VED: AutoModel)."""
    return tuple(
        AutoEntry(auto_class, source.names.model_type, class_name, "", owned=True)
        for auto_class, class_name in profile_for(source.names.model_type).extra_auto_classes
    )


def new_class_name(name: str, old_prefix: str, new_prefix: str) -> str:
    """``LlamaForCausalLM`` -> ``MyLlamaForCausalLM``; a class without the prefix gets it in front."""
    return new_prefix + name[len(old_prefix) :] if name.startswith(old_prefix) else new_prefix + name


def new_model_type(model_type: str, old: ModelNames, new: ModelNames) -> str:
    """The cloned type keeps the user's spelling; sibling types swap the stem (``blip_2_qformer`` -> ``x_qformer``).

    A sibling that would become another spelling of the new name gets the new name in front instead: cloning the
    sub-config ``clipseg_vision_model`` as ``my-seg`` names its package's main type ``clipseg`` ``my_seg_clipseg``,
    not ``my_seg`` (why: ``my_seg`` next to ``my-seg`` are two types transformers spells as one module name).
    Put in front, the sibling's type is spelled in snake case (``kosmos-2.5`` -> ``my_seg_kosmos_2_5``).
    """
    if model_type == old.model_type:
        return new.model_type
    for spelling, replacement in ((old.snake, new.snake), (old.kebab, new.kebab)):
        if model_type.startswith(spelling):
            renamed = replacement + model_type[len(spelling) :]
            if renamed.replace("-", "_") != new.snake:
                return renamed
    return f"{new.snake}_{re.sub(r'[^a-z0-9]+', '_', model_type)}"


def _config_model_type(name: str, source: SourceModel, type_map: dict[str, str]) -> str | None:
    return next((type_map[t] for t, c in source.config_types if c == name), None)


def _registrations(
    source: SourceModel, entries: tuple[AutoEntry, ...], renamed: dict[str, str]
) -> tuple[Registration, ...]:
    """Group the Auto entries by (Auto class, config) into register calls, in discovery order."""
    config_of_type = dict(source.config_types)
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for entry in entries:
        config = config_of_type.get(entry.model_type)
        # A borrowed model class (qwen2's AutoModelForDecision maps JevForDecision) is bound to another
        # config class and cannot serve the clone's; borrowed tokenizers and processors can.
        if config is None or not (entry.owned or entry.auto_class in PREPROCESSOR_AUTO_NAMES):
            continue
        if not _built_from(source, entry.class_name, config):
            continue
        key = (entry.auto_class, renamed[config])
        name = renamed.get(entry.class_name, entry.class_name) if entry.owned else entry.class_name
        taken = grouped.setdefault(key, [])
        # One class per (Auto class, config), except per-backend processors (pil + torchvision): the
        # alternatives transformers lists (FunnelModel, FunnelBaseModel) cannot all be registered.
        if not taken or (entry.backend and all(b != entry.backend for b, _ in taken)):
            taken.append((entry.backend, name))
    return tuple(Registration(auto_class=a, config_class=c, classes=tuple(v)) for (a, c), v in grouped.items())


def _built_from(source: SourceModel, class_name: str, config: str) -> bool:
    """False for a model class declaring another config (llama4's table maps Llama4ForCausalLM, whose config
    is Llama4TextConfig, for Llama4Config too): ``Auto*.register`` refuses such a pair."""
    declared = source.config_of(class_name)
    return declared is None or declared == config


def _test_spec(source: SourceModel, entries: tuple[AutoEntry, ...], renamed: dict[str, str]) -> TestSpec:
    primary = [
        e
        for e in entries
        if e.model_type == source.names.model_type
        and e.owned
        and _built_from(source, e.class_name, source.config_class)
    ]
    heads: dict[str, tuple[str, str, str]] = {}
    for entry in primary:
        if entry.auto_class.startswith("AutoModel") and entry.auto_class not in heads:
            heads[entry.auto_class] = (entry.auto_class, renamed[entry.class_name], entry.class_name)
    return TestSpec(
        family=_family(source.names.model_type, frozenset(heads)),
        config_class=renamed[source.config_class],
        heads=tuple(heads.values()),
    )


def _family(model_type: str, auto_classes: frozenset[str]) -> str:
    if model_type in COMPOSITE_ENCODER_DECODER_TYPES:
        return "VisionEncoderDecoderTester"
    for family, triggers in FAMILY_RULES:
        if auto_classes & triggers:
            return family
    return "GenericTester"
