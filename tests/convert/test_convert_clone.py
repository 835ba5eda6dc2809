"""Milestone 1: the clone case. Converting a `class MyX(X): pass` modular gives a standalone, importable copy."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.files import FileKind
from scaffold.source import installed_transformers
from clone_modular import clone_modular

CASES = [
    ("llama", "Llama", "MyLlama"),
    ("vision_encoder_decoder", "VisionEncoderDecoder", "MyVisionEncoderDecoder"),
    ("gpt2", "GPT2", "MyGpt2"),
    ("bert", "Bert", "MyBert"),
    ("opt", "OPT", "MyOpt"),
    ("t5", "T5", "MyT5"),
    ("llava", "Llava", "MyLlava"),
    ("blip_2", "Blip2", "MyBlip2"),
    ("vit", "ViT", "MyViT"),
    ("whisper", "Whisper", "MyWhisper"),
    ("clip", "CLIP", "MyClip"),
]


def _convert(model: str, old: str, new: str):
    resolver = installed_transformers()
    text = clone_modular(resolver, model, old, new)
    snake = f"my_{model}"
    result = convert_modular(text, modular_path=f"{snake}/modular_{snake}.py", resolver=resolver,
                             options=ConvertOptions(import_style=ImportStyle.OUT_OF_TREE))
    return text, snake, result


def _importable(content: str) -> bool:
    """A file needing an optional back-end that is not installed here cannot be imported (nor can the source)."""
    return "torchvision" not in content or importlib.util.find_spec("torchvision") is not None


@pytest.mark.parametrize(("model", "old", "new"), CASES, ids=[c[0] for c in CASES])
def test_clone_converts_to_an_importable_standalone_package(model: str, old: str, new: str, tmp_path: Path) -> None:
    text, snake, result = _convert(model, old, new)
    package = tmp_path / snake
    package.mkdir()
    (package / "__init__.py").write_text("")
    assert [str(f.path) for f in result.files] == sorted(str(f.path) for f in result.files)
    assert FileKind.MODELING in {f.kind for f in result.files}
    assert FileKind.CONFIGURATION in {f.kind for f in result.files}
    for generated in result.files:
        compile(generated.content, str(generated.path), "exec")
        assert f"transformers.models.{model}.modeling_{model} import" not in generated.content
        assert f"transformers.models.{model}.configuration_{model} import" not in generated.content
        assert f"from ..{model}" not in generated.content and "from ..." not in generated.content
        (package / str(generated.path)).write_text(generated.content)
    exported = {line.split("(")[0][len("class ") :] for line in text.splitlines() if line.startswith("class ")}
    sys.path.insert(0, str(tmp_path))
    try:
        found = set()
        for generated in result.files:
            if not _importable(generated.content):
                continue
            module = importlib.import_module(f"{snake}.{generated.path.stem}")
            found |= {name for name in exported if hasattr(module, name)}
            for name in getattr(module, "__all__", ()):
                cls = getattr(module, name)
                leaked = [c for c in cls.__mro__ if c.__module__.startswith(f"transformers.models.{model}.")
                          and c.__module__.rpartition(".")[2].startswith(("modeling_", "configuration_"))]
                assert leaked == [], f"{name} still inherits from the source model: {leaked}"
        needs_optional = any(not _importable(f.content) for f in result.files)
        assert found == exported or needs_optional
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == snake or n.startswith(snake + ".")]:
            del sys.modules[name]


def test_clone_of_llama_defines_every_layer_locally_and_keeps_generic_imports_absolute() -> None:
    _, _, result = _convert("llama", "Llama", "MyLlama")
    modeling = next(f for f in result.files if f.kind is FileKind.MODELING).content
    for name in ("class MyLlamaRMSNorm(", "class MyLlamaAttention(", "class MyLlamaDecoderLayer(",
                 "def rotate_half(", "def apply_rotary_pos_emb(", "class MyLlamaPreTrainedModel(PreTrainedModel)"):
        assert name in modeling
    assert "from transformers.modeling_utils import" in modeling
    assert "from .configuration_my_llama import MyLlamaConfig" in modeling
    assert modeling.index("class MyLlamaPreTrainedModel(") < modeling.index("class MyLlamaModel(")
