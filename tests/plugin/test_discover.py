"""discover_plugin_source on the installed transformers (imports torch; one model built on the meta device)."""

from __future__ import annotations

import pytest

from scaffold.errors import UnknownModelTypeError
from scaffold.plugin.source import PluginSource, discover_plugin_source


@pytest.fixture(scope="module")
def llava() -> PluginSource:
    return discover_plugin_source("llava")


def test_llava_classes_and_flags(llava: PluginSource) -> None:
    assert llava.model_class == "LlavaForConditionalGeneration"
    assert llava.architecture == "LlavaForConditionalGeneration"
    assert llava.processor_class == "LlavaProcessor"
    assert llava.supports_flash_attn is True
    assert llava.image_token == "<image>"
    assert llava.chat_template is None  # LlavaProcessor ships no template of its own


def test_llava_module_roles(llava: PluginSource) -> None:
    assert llava.vision_tower_attr == "vision_tower"
    assert llava.projector_attrs == ("multi_modal_projector",)
    assert llava.lm_head_attr == "lm_head"
    assert llava.text_config_attr == "text_config"
    assert "image_token_index" in llava.image_token_config_attrs


def test_dash_spelling_is_accepted() -> None:
    assert discover_plugin_source("llava-next").model_class == "LlavaNextForConditionalGeneration"


@pytest.mark.parametrize(("like", "hint"), [("lava", "llava"), ("bert", "")])
def test_not_a_vision_language_model(like: str, hint: str) -> None:
    with pytest.raises(UnknownModelTypeError, match="not a vision-language model") as excinfo:
        discover_plugin_source(like)
    assert hint in str(excinfo.value)
