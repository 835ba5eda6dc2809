"""Plain-data tests: name inference, routing, import resolution and import styles."""

from __future__ import annotations

from scaffold.convert.imports import ImportRecord, render_imports, resolve_module, styled_module
from scaffold.convert.naming import common_suffix, shared_prefix
from scaffold.convert.options import ImportStyle
from scaffold.convert.routing import kind_for_module, kind_for_name
from scaffold.files import FileKind

import libcst as cst


def test_common_suffix_rejects_a_whole_name() -> None:
    assert common_suffix("MistralModel", "LlamaModel") == "Model"
    assert common_suffix("MyLlamaModel", "LlamaModel") == ""


def test_shared_prefix_of_a_modules_classes() -> None:
    assert shared_prefix(["LlamaModel", "LlamaForCausalLM", "LlamaPreTrainedModel"], ("Config",)) == "Llama"
    assert shared_prefix(["CLIPTextModel", "CLIPModel", "CLIPVisionModel"], ()) == "CLIP"
    assert shared_prefix(["LlamaConfig"], ("Config",)) == "Llama"


def test_routing_by_the_longest_class_name_suffix() -> None:
    assert kind_for_name("MyConfig") is FileKind.CONFIGURATION
    assert kind_for_name("LlavaImageProcessor") is FileKind.IMAGE_PROCESSING
    assert kind_for_name("LlavaImageProcessorPil") is FileKind.IMAGE_PROCESSING_PIL
    assert kind_for_name("LlavaProcessor") is FileKind.PROCESSING
    assert kind_for_name("QwenVideoProcessor") is FileKind.VIDEO_PROCESSING
    assert kind_for_name("rotate_half") is FileKind.MODELING
    assert kind_for_module("image_processing_pil_vit") is FileKind.IMAGE_PROCESSING_PIL
    assert kind_for_module("generation_whisper") is None


def test_relative_imports_resolve_against_the_package() -> None:
    assert resolve_module(3, "utils", "transformers.models.llama") == "transformers.utils"
    assert resolve_module(2, "auto", "transformers.models.llama") == "transformers.models.auto"
    assert resolve_module(1, "configuration_llama", None) is None


def test_import_styles() -> None:
    here = "transformers.models.my_llama"
    assert styled_module("transformers.utils", ImportStyle.IN_TREE, here) == "...utils"
    assert styled_module("transformers.models.auto", ImportStyle.IN_TREE, here) == "..auto"
    assert styled_module("transformers.utils", ImportStyle.OUT_OF_TREE, here) == "transformers.utils"
    assert styled_module(".configuration_my_llama", ImportStyle.OUT_OF_TREE, here) == ".configuration_my_llama"
    assert styled_module("torch", ImportStyle.IN_TREE, here) == "torch"


def test_rendered_imports_are_isort_ordered_by_section() -> None:
    records = [
        ImportRecord(".configuration_x", "XConfig"),
        ImportRecord("transformers.utils", "auto_docstring"),
        ImportRecord("transformers.utils", "TransformersKwargs"),
        ImportRecord("torch", "nn"),
        ImportRecord("", "torch"),
        ImportRecord("collections.abc", "Callable"),
    ]
    code = cst.Module(body=render_imports(records, ImportStyle.IN_TREE, "transformers.models.x")).code
    assert code == (
        "from collections.abc import Callable\n\nimport torch\nfrom torch import nn\n\n"
        "from ...utils import TransformersKwargs, auto_docstring\nfrom .configuration_x import XConfig\n"
    )


