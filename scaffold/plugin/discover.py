"""Discovery for plugins: the one step that imports transformers and torch to look at a real model.

``discover("llava")`` builds the model on the meta device (no memory, no weights) from its default config and
reads which child is the vision tower, which are projectors and which is the LM head, plus the class facts the
plugin needs (flash attention support, processor class, image token, the processor's own chat template).
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any

from scaffold.errors import ScaffoldError, UnknownModelTypeError
from scaffold.plugin.source import PluginSource

# Auto tables that map vision-language models to their generation class, most specific first (why: an
# image-text-to-text class is what VL-RLHF fine-tunes; vision2seq is the older name of the same role).
_MAPPING_TABLES = ("MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES", "MODEL_FOR_VISION_2_SEQ_MAPPING_NAMES")
# Config attributes that hold the language model's sub-config, in the order we try them.
_TEXT_CONFIG_ATTRS = ("text_config", "llm_config", "language_config")
# Config attributes that hold the image token id: 4.41 spells it image_token_index, newer models image_token_id.
_IMAGE_TOKEN_CONFIG_ATTRS = ("image_token_index", "image_token_id")
_DEFAULT_IMAGE_TOKEN = "<image>"
# Attribute names vision towers go by, tried (shallowest module first) when no module holds vision_config
# itself (why: some models copy the sub-config, so identity finds nothing).
_VISION_TOWER_NAMES = ("vision_tower", "vision_model", "visual", "vision_encoder", "image_encoder")
_DEFAULT_HEAD = "lm_head"
# Names of the language model next to the vision tower, used when its config is a copy (why: a projector is
# excluded from LoRA targets, so mistaking the language model for one would leave nothing to train).
# Name parts of projector modules, used only for flat models (vision tower next to the decoder layers).
_PROJECTOR_WORDS = ("proj", "connector", "aligner", "adapter", "merger", "resampler")
_LANGUAGE_MODEL_NAMES = ("language_model", "text_model", "llm", "text_decoder", "decoder", "model")
# The image-text generation classes of transformers 4.41.0, the frameworks' pin (read from that release's
# MODEL_FOR_VISION_2_SEQ_MAPPING_NAMES; it has no image-text-to-text table). A plugin for any other class
# imports a name 4.41 does not have.
PINNED_VLM_CLASSES = frozenset(
    {
        "Blip2ForConditionalGeneration",
        "BlipForConditionalGeneration",
        "GitForCausalLM",
        "Idefics2ForConditionalGeneration",
        "InstructBlipForConditionalGeneration",
        "Kosmos2ForConditionalGeneration",
        "LlavaForConditionalGeneration",
        "LlavaNextForConditionalGeneration",
        "PaliGemmaForConditionalGeneration",
        "Pix2StructForConditionalGeneration",
        "VideoLlavaForConditionalGeneration",
        "VipLlavaForConditionalGeneration",
        "VisionEncoderDecoderModel",
    }
)


class PluginSourceError(ScaffoldError):
    """A vision-language model whose structure scaffold cannot read (it does not build, or has no vision part)."""


def discover(like: str) -> PluginSource:
    """The PluginSource of ``like`` (a model type such as ``llava``, ``-`` and ``_`` both accepted)."""
    import transformers

    model_type = _model_type(like)
    class_name = _model_class_name(model_type)
    model_cls = _import_class(transformers, class_name)
    processor_name = _processor_class_name(model_type)
    processor_cls = _optional_class(transformers, processor_name)
    model = _meta_model(model_cls, model_type)
    vision, projectors, head = _module_roles(model)
    return PluginSource(
        model_type=model_type,
        model_class=class_name,
        architecture=class_name,
        processor_class=processor_name,
        supports_flash_attn=_supports_flash_attn(model_cls),
        image_token=_init_default(processor_cls, "image_token", _DEFAULT_IMAGE_TOKEN),
        chat_template=_own_chat_template(processor_cls),
        vision_tower_attr=vision,
        projector_attrs=projectors,
        lm_head_attr=head,
        text_config_attr=next((a for a in _TEXT_CONFIG_ATTRS if hasattr(model.config, a)), None),
        image_token_config_attrs=_IMAGE_TOKEN_CONFIG_ATTRS,
        transformers_version=transformers.__version__,
        in_pinned_transformers=class_name in PINNED_VLM_CLASSES,
    )


def _import_class(transformers: Any, class_name: str) -> Any:
    try:
        return getattr(transformers, class_name)
    except Exception as exc:  # optional dependencies of that model are missing
        raise PluginSourceError(
            f"transformers cannot import {class_name} here ({type(exc).__name__}: {exc}); install what it needs."
        ) from exc


def _optional_class(transformers: Any, class_name: str | None) -> Any:
    """The processor class, or None when it cannot be imported here: its defaults are a nicety, not a need."""
    try:
        cls = getattr(transformers, class_name) if class_name else None
        getattr(cls, "chat_template", None)  # a placeholder for a missing backend raises here, not on import
        return cls
    except Exception:  # e.g. a processor that needs torchvision, which this environment lacks
        return None


def _vlm_table() -> dict[str, str]:
    from transformers.models.auto import modeling_auto

    table: dict[str, str] = {}
    for name in reversed(_MAPPING_TABLES):  # the most specific table wins
        table.update(getattr(modeling_auto, name, {}))
    return table


def _model_type(like: str) -> str:
    table = _vlm_table()
    for candidate in (like, like.replace("-", "_"), like.replace("_", "-")):
        if candidate in table:
            return candidate
    close = difflib.get_close_matches(like.replace("-", "_"), sorted(table), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise UnknownModelTypeError(
        f"'{like}' is not a vision-language model type of the installed transformers (plugins need an "
        f"image-text-to-text model such as 'llava').{hint}"
    )


def _model_class_name(model_type: str) -> str:
    name = _vlm_table()[model_type]
    return name if isinstance(name, str) else name[0]


def _processor_class_name(model_type: str) -> str | None:
    from transformers.models.auto.processing_auto import PROCESSOR_MAPPING_NAMES

    name = PROCESSOR_MAPPING_NAMES.get(model_type)
    return name if isinstance(name, str) else None


def _meta_model(model_cls: Any, model_type: str) -> Any:
    """The model with its default config on the meta device: module structure without allocating weights."""
    import torch
    from transformers import AutoConfig

    try:
        config = AutoConfig.for_model(model_type)
        with torch.device("meta"):
            return model_cls(config)
    except Exception as exc:  # any failure of a third-party constructor means "cannot read this model"
        raise PluginSourceError(
            f"{model_cls.__name__} does not build from its default config ({type(exc).__name__}: {exc}); "
            "scaffold reads a model's structure from that build. Try a model type like 'llava'."
        ) from exc


def _module_roles(model: Any) -> tuple[str, tuple[str, ...], str]:
    """(vision tower, projectors, LM head) as attribute names.

    The vision tower is the module built from ``config.vision_config`` (or named like one); the projectors are
    its siblings that own parameters and are neither the language model nor the LM head.
    """
    vision_path = _path_holding_config(model, getattr(model.config, "vision_config", None))
    parent_path, _, vision = vision_path.rpartition(".")
    head = _head_name(model)
    text_config = next((getattr(model.config, a) for a in _TEXT_CONFIG_ATTRS if hasattr(model.config, a)), None)
    siblings = [
        (name, child)
        for name, child in model.get_submodule(parent_path).named_children()
        if name not in (vision, head) and _owns_parameters(child)
    ]
    if any(_is_language_model(name, child, text_config) for name, child in siblings):
        projectors = tuple(
            sorted(name for name, child in siblings if not _is_language_model(name, child, text_config))
        )
    else:  # the vision tower sits inside a flat language model: only projector-named siblings are projectors
        projectors = tuple(sorted(name for name, _ in siblings if any(word in name for word in _PROJECTOR_WORDS)))
    return vision, projectors, head


def _owns_parameters(module: Any) -> bool:
    return any(True for _ in module.parameters())


def _is_language_model(name: str, module: Any, text_config: Any) -> bool:
    """Built from the text sub-config, or (when the config was copied) named like a language model."""
    if text_config is not None and getattr(module, "config", None) is text_config:
        return True
    return name in _LANGUAGE_MODEL_NAMES


def _path_holding_config(model: Any, config: Any) -> str:
    """The module built from ``config`` (by identity), else the shallowest one with a vision-tower name."""
    named = [(name, module) for name, module in model.named_modules() if name]
    by_identity = [name for name, module in named if config is not None and getattr(module, "config", None) is config]
    by_name = sorted(
        (name for name, _ in named if name.rpartition(".")[2] in _VISION_TOWER_NAMES), key=lambda n: n.count(".")
    )
    found = by_identity or by_name
    if not found:
        raise PluginSourceError(
            f"{type(model).__name__} has no module built from config.vision_config nor one named like a vision "
            "tower; scaffold cannot tell which part is the vision tower. Try a model type like 'llava'."
        )
    return found[0]


def _head_name(model: Any) -> str:
    head = model.get_output_embeddings()
    names = [name for name, module in model.named_modules() if head is not None and module is head]
    return names[0].rpartition(".")[2] if names else _DEFAULT_HEAD


def _supports_flash_attn(model_cls: Any) -> bool:
    """transformers 5 names the flag _supports_flash_attn, 4.41 _supports_flash_attn_2."""
    return bool(
        getattr(model_cls, "_supports_flash_attn", False) or getattr(model_cls, "_supports_flash_attn_2", False)
    )


def _init_default(cls: Any, parameter: str, fallback: str) -> str:
    if cls is None:
        return fallback
    default = inspect.signature(cls.__init__).parameters.get(parameter)
    if default is not None and isinstance(default.default, str):
        return default.default
    return fallback


def _own_chat_template(processor_cls: Any) -> str | None:
    """A chat template the processor class itself ships (an ``__init__`` default or a class attribute)."""
    if processor_cls is None:
        return None
    from_init = _init_default(processor_cls, "chat_template", "")
    if from_init:
        return from_init
    attribute = getattr(processor_cls, "chat_template", None)
    return attribute if isinstance(attribute, str) and attribute else None
