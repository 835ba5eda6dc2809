"""Shared inputs of the plugin tests: the llava facts as discovery reports them, written out by hand."""

from __future__ import annotations

import dataclasses

from scaffold.names import ModelNames
from scaffold.plugin.source import PluginSource

LLAVA = PluginSource(
    model_type="llava",
    model_class="LlavaForConditionalGeneration",
    architecture="LlavaForConditionalGeneration",
    processor_class="LlavaProcessor",
    supports_flash_attn=True,
    image_token="<image>",
    chat_template=None,
    vision_tower_attr="vision_tower",
    projector_attrs=("multi_modal_projector",),
    lm_head_attr="lm_head",
    text_config_attr="text_config",
    image_token_config_attrs=("image_token_index", "image_token_id"),
    transformers_version="5.25.0",
)
NAMES = ModelNames.from_name("my-vlm")


def llava_with(**changes: object) -> PluginSource:
    return dataclasses.replace(LLAVA, **changes)
