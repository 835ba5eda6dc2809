"""discover_plugin_source on the installed transformers (imports torch; one model built on the meta device)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from torch import nn

from scaffold.errors import UnknownModelTypeError
from scaffold.plugin.discover import PluginSourceError, _module_roles
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


def test_pinned_release_flag() -> None:
    assert discover_plugin_source("llava").in_pinned_transformers is True
    assert discover_plugin_source("qwen2_vl").in_pinned_transformers is False  # Qwen2-VL came after 4.41


def test_model_without_a_vision_module_is_a_user_error() -> None:
    with pytest.raises(PluginSourceError, match="cannot tell which part is the vision tower"):
        discover_plugin_source("fuyu")  # Fuyu feeds patches straight into the decoder


class _Block(nn.Module):
    def __init__(self, config: object | None = None) -> None:
        super().__init__()
        self.config = config
        self.proj = nn.Linear(2, 2)


class _FakeVlm(nn.Module):
    """model.{visual, merger, language_model} + lm_head, with the vision config COPIED (no identity match)."""

    def __init__(self) -> None:
        super().__init__()
        self.config = SimpleNamespace(vision_config=object(), text_config=object())
        self.model = nn.Module()
        self.model.visual = _Block(config=object())
        self.model.merger = _Block()
        self.model.language_model = _Block(config=self.config.text_config)
        self.model.empty = nn.Module()  # no parameters: not a projector
        self.lm_head = nn.Linear(2, 3)

    def get_output_embeddings(self) -> nn.Module:
        return self.lm_head


def test_module_roles_fall_back_to_vision_tower_names() -> None:
    assert _module_roles(_FakeVlm()) == ("visual", ("merger",), "lm_head")


def test_discovery_matches_the_hand_written_fixture_the_contract_tests_use(llava: PluginSource) -> None:
    """The contract tests run on plugin_fixtures.LLAVA; this ties it to what discovery really reports."""
    from plugin_fixtures import LLAVA

    assert dataclasses.replace(llava, transformers_version=LLAVA.transformers_version) == LLAVA


class _FlatVlm(nn.Module):
    """A decoder whose layers sit next to the vision tower (GIT / IDEFICS style): no language-model child."""

    def __init__(self) -> None:
        super().__init__()
        self.config = SimpleNamespace(vision_config=object())
        self.image_encoder = _Block(config=self.config.vision_config)
        self.visual_projection = _Block()
        self.layers = _Block()
        self.output = nn.Linear(2, 3)

    def get_output_embeddings(self) -> nn.Module:
        return self.output


def test_flat_model_keeps_decoder_layers_out_of_the_projectors() -> None:
    assert _module_roles(_FlatVlm()) == ("image_encoder", ("visual_projection",), "output")
