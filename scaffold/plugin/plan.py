"""Plan the files of a VL-RLHF / Resonance plugin: pure, from a PluginSource and ModelNames to GeneratedFiles."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from scaffold.files import FileKind, GeneratedFile
from scaffold.formatting import format_python
from scaffold.names import ModelNames
from scaffold.plugin import contract
from scaffold.plugin.chat_template import derive_parts
from scaffold.plugin.source import EOS_MARK, Framework, PluginSource
from scaffold.templates import render


def plan_plugin(framework: Framework, source: PluginSource, names: ModelNames) -> tuple[GeneratedFile, ...]:
    """The plugin package file and the auto_load patch, paths relative to the output root, sorted by path."""
    context = plugin_context(framework, source, names)
    files = (_plugin_init(framework, names, context), _registry_patch(framework, source, names, context))
    return tuple(sorted(files, key=lambda generated: str(generated.path)))


def plugin_warnings(framework: Framework, source: PluginSource) -> tuple[str, ...]:
    """What the user should know before running the plugin; the files are written either way."""
    if source.in_pinned_transformers:
        return ()
    return (
        f"{source.model_class} is not in transformers 4.41, the version {framework.title} pins: the plugin "
        "imports only once the framework moves to a transformers that has it.",
    )


def plugin_path(framework: Framework, names: ModelNames) -> PurePosixPath:
    return PurePosixPath(framework.package, "models", names.camel, "__init__.py")


def patch_path(framework: Framework, names: ModelNames) -> PurePosixPath:
    return PurePosixPath("patches", f"{framework.package}-auto_load-{names.snake}.patch")


def class_name(names: ModelNames, slot: contract.Slot) -> str:
    return f"{names.camel}{slot.suffix}"


def nickname_keys(source: PluginSource, names: ModelNames) -> tuple[str, ...]:
    """The HF architecture (what a source checkpoint records) and ``<Name>ForRL`` (what a trained one records)."""
    return (source.architecture, f"{names.camel}ForRL")


def plugin_context(framework: Framework, source: PluginSource, names: ModelNames) -> dict[str, Any]:
    """Everything the templates read, Python literals already written with repr (templates stay dumb)."""
    keys = nickname_keys(source, names)
    chat = derive_parts(source.chat_template, f"{source.image_token}\n")
    processor = f"transformers.{source.processor_class}" if source.processor_class else "transformers.AutoProcessor"
    return {
        "framework": framework.value,
        "framework_title": framework.title,
        "package": framework.package,
        "camel": names.camel,
        "kebab": names.kebab,
        "model_type": source.model_type,
        "model_class": source.model_class,
        "processor_class": processor,
        "architecture": source.architecture,
        "camel_literal": repr(names.camel),
        "image_token_literal": repr(source.image_token),
        "image_placeholder_literal": repr(chat.image_placeholder),
        "eos_mark_literal": repr(EOS_MARK),
        "chat_origin": chat.origin,
        "chat_fields": [(repr(field), repr(getattr(chat, field))) for field in _TEXT_FIELDS],
        "vision_attr_literal": repr(source.vision_tower_attr),
        "projector_attrs_literal": repr(tuple(source.projector_attrs)),
        "lm_head_attr_literal": repr(source.lm_head_attr),
        "text_config_attr_literal": repr(source.text_config_attr),
        "image_token_config_attrs_literal": repr(tuple(source.image_token_config_attrs)),
        "transformers_version": source.transformers_version,
        "nickname_keys": [repr(key) for key in keys],
        "flash_keys": [repr(key) for key in keys] if source.supports_flash_attn else [],
        "mapper": [(slot.field, class_name(names, slot)) for slot in contract.MAPPER_SLOTS],
    }


# The chat-template parts stored as text; image_placeholder is passed on its own.
_TEXT_FIELDS = tuple(field for field in contract.CHAT_TEMPLATE_FIELDS if field != "image_placeholder")


def _plugin_init(framework: Framework, names: ModelNames, context: dict[str, Any]) -> GeneratedFile:
    path = plugin_path(framework, names)
    content = format_python(render("plugin/model_init.py.j2", **context), path=str(path))
    return GeneratedFile(path=path, content=content, kind=FileKind.PLUGIN)


def _registry_patch(
    framework: Framework, source: PluginSource, names: ModelNames, context: dict[str, Any]
) -> GeneratedFile:
    """Unified-diff hunks anchored on the two assignments; names are identifiers, so plain quotes are safe."""
    path = patch_path(framework, names)
    keys = nickname_keys(source, names)
    patch_context = {
        **context,
        "target": f"src/{framework.package}/utils/auto_load.py",
        "patch_name": path.name,
        "nickname_lines": [f'    "{key}": "{names.camel}",' for key in keys],
        "flash_lines": [f'    "{key}",' for key in keys] if source.supports_flash_attn else [],
    }
    return GeneratedFile(path=path, content=render("plugin/auto_load.patch.j2", **patch_context), kind=FileKind.PLUGIN)
