"""Before/after tests for which parent definitions a conversion pulls in, and under which names (issue #4).

The new-model prefix a parent module is renamed with decides the names of the dependencies copied from it:
a dependency whose renamed name is a class of the modular file is not copied, any other one is. These tests
pin transformers' rules for that prefix (scaffold.convert.naming, sources.infer_source_names) on small
modular snippets against a dict-backed fake transformers; each docstring says what was wrong before.
"""

from __future__ import annotations

import ast

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular

from dict_resolver import FakeResolver


def _modeling(modular: str, modules: dict[str, str], snake: str = "bar") -> str:
    result = convert_modular(
        modular,
        modular_path=f"{snake}/modular_{snake}.py",
        resolver=FakeResolver(modules),
        options=ConvertOptions(import_style=ImportStyle.IN_TREE, package=f"transformers.models.{snake}"),
    )
    return next(f.content for f in result.files if str(f.path) == f"modeling_{snake}.py")


def _classes(code: str) -> list[str]:
    return [s.name for s in ast.parse(code).body if isinstance(s, ast.ClassDef)]


MODELING_FOO = '''
from torch import nn


class FooRMSNorm(nn.Module):
    pass


class FooMLP(nn.Module):
    pass


class FooAttention(nn.Module):
    pass


class FooDecoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = FooAttention(config)
        self.mlp = FooMLP(config)
        self.norm = FooRMSNorm(config)


class FooVisionModel(nn.Module):
    pass


class FooModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layers = nn.ModuleList([FooDecoderLayer(config)])
        self.norm = FooRMSNorm(config)
'''
FOO = {"transformers.models.foo.modeling_foo": MODELING_FOO}


def test_a_sub_prefix_colliding_with_the_source_falls_back_to_the_default_prefix() -> None:
    """Before: the layer was renamed with the voted ``BarVision`` prefix although ``FooVision...`` classes exist,
    so ``BarVisionMLP`` and ``BarVisionRMSNorm`` were copied; transformers renames with ``Bar``: ``BarMLP`` is
    copied and the modular's ``BarRMSNorm`` is used."""
    modular = '''
from ..foo.modeling_foo import FooAttention, FooDecoderLayer, FooRMSNorm


class BarRMSNorm(FooRMSNorm):
    pass


class BarVisionAttention(FooAttention):
    pass


class BarVisionDecoderLayer(FooDecoderLayer):
    def __init__(self, config):
        super().__init__()
        self.attention = BarVisionAttention(config)
'''
    code = _modeling(modular, FOO)
    assert _classes(code) == ["BarRMSNorm", "BarVisionAttention", "BarMLP", "BarVisionDecoderLayer"]
    assert "self.norm = BarRMSNorm(config)" in code


def test_pairs_without_a_capitalised_shared_suffix_vote_for_the_default_prefix() -> None:
    """Before: ``BarEncoderLayer(FooDecoderLayer)`` voted ``BarEncoder`` (suffix ``Layer``) and nothing else
    voted, so ``BarEncoderAttention`` and friends were copied; both pairs vote ``Bar`` in transformers."""
    modular = '''
from ..foo.modeling_foo import FooDecoderLayer, FooModel


class BarEncoderLayer(FooDecoderLayer):
    pass


class BarDecoder(FooModel):
    pass
'''
    code = _modeling(modular, FOO)
    assert _classes(code) == ["BarRMSNorm", "BarMLP", "BarAttention", "BarEncoderLayer", "BarDecoderLayer", "BarDecoder"]


def test_the_default_prefix_is_the_one_the_modular_classes_spell() -> None:
    """Before: the default prefix of ``bar_vl`` was ``BarVl``, so the tie between ``BarVL`` and ``BarVLFoo`` went
    to the last pair and ``BarVLFooRMSNorm`` was copied; the modular's classes spell ``BarVL``."""
    modular = '''
from ..foo.modeling_foo import FooDecoderLayer, FooRMSNorm


class BarVLRMSNorm(FooRMSNorm):
    pass


class BarVLFooDecoderLayer(FooDecoderLayer):
    pass
'''
    code = _modeling(modular, FOO, snake="bar_vl")
    assert _classes(code) == ["BarVLRMSNorm", "BarVLMLP", "BarVLAttention", "BarVLFooDecoderLayer"]


MODELING_VIT = '''
from torch import nn


class ViTAttention(nn.Module):
    pass


class ViTMLP(nn.Module):
    pass


class ViTLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = ViTAttention(config)
        self.mlp = ViTMLP(config)
'''


def test_without_a_class_spelling_the_name_the_config_gives_the_default_prefix() -> None:
    """Before: ``ATAttention`` / ``ViTAttention`` share ``TAttention``, so the pairs voted ``A`` and ``AMLP`` was
    copied; the default prefix of ``audio_thing`` is its config's, ``AT`` (``ATConfig``), which ``A`` cuts into."""
    modular = '''
from ..vit.modeling_vit import ViTAttention, ViTLayer
from .configuration_audio_thing import ATConfig


class ATAttention(ViTAttention):
    pass


class ATLayer(ViTLayer):
    pass
'''
    code = _modeling(modular, {"transformers.models.vit.modeling_vit": MODELING_VIT}, snake="audio_thing")
    assert _classes(code) == ["ATAttention", "ATMLP", "ATLayer"]


def test_a_videos_kwargs_class_and_its_deprecation_hook_go_to_the_processing_file() -> None:
    """Before: ``DeprecatedBarVideosKwargs`` had no known suffix, so it and the module ``__getattr__`` naming
    ``BarVideosKwargs`` went to the modeling file; like ``ImagesKwargs``, ``VideosKwargs`` is processing."""
    modular = '''
from ...processing_utils import ProcessingKwargs, VideosKwargs
from ...utils.deprecation import deprecate_attr


class DeprecatedBarVideosKwargs(VideosKwargs, total=False):
    fps: int


class BarProcessorKwargs(ProcessingKwargs, total=False):
    videos_kwargs: DeprecatedBarVideosKwargs


__getattr__ = deprecate_attr(__name__, remove={"BarVideosKwargs": (DeprecatedBarVideosKwargs, "9.0")})
'''
    result = convert_modular(
        modular,
        modular_path="bar/modular_bar.py",
        resolver=FakeResolver({}),
        options=ConvertOptions(import_style=ImportStyle.IN_TREE, package="transformers.models.bar"),
    )
    files = {str(f.path): f.content for f in result.files}
    assert list(files) == ["processing_bar.py"]
    assert _classes(files["processing_bar.py"]) == ["DeprecatedBarVideosKwargs", "BarProcessorKwargs"]
    assert "__getattr__ = deprecate_attr(" in files["processing_bar.py"]


MODELING_SAM = '''
from torch import nn


class SamMLPBlock(nn.Module):
    pass


class SamVisionLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.mlp = SamMLPBlock(config)
'''


def test_a_child_named_word_plus_parent_keeps_the_parent_model_name_in_dependencies() -> None:
    """Before: ``BarSamVisionLayer(SamVisionLayer)`` voted the default ``Bar`` (the whole parent name is no shared
    suffix), so ``BarMLPBlock`` was copied; transformers renames ``Sam`` to ``BarSam``: ``BarSamMLPBlock``."""
    modular = '''
from ..sam.modeling_sam import SamVisionLayer


class BarSamVisionLayer(SamVisionLayer):
    pass
'''
    code = _modeling(modular, {"transformers.models.sam.modeling_sam": MODELING_SAM})
    assert _classes(code) == ["BarSamMLPBlock", "BarSamVisionLayer"]


MODELING_MAMBA2 = '''
from torch import nn

from ...integrations import use_kernel_func_from_hub_with_fallback


@use_kernel_func_from_hub_with_fallback("mamba_chunk_scan_combined", "mamba_ssm")
def mamba2_chunk_scan(x, use_mamba2py=False):
    return x


class Mamba2Mixer(nn.Module):
    def forward(self, x):
        return mamba2_chunk_scan(x)
'''


def test_a_hub_kernel_function_is_copied_verbatim() -> None:
    """Before: renaming mamba2 -> bar gave ``bar_chunk_scan(x, use_barpy=False)``; a function decorated with
    ``@use_kernel_func_from_hub...`` is named after its kernel library, so it and its uses stay as they are."""
    modular = '''
from ..mamba2.modeling_mamba2 import Mamba2Mixer


class BarMixer(Mamba2Mixer):
    pass
'''
    code = _modeling(modular, {"transformers.models.mamba2.modeling_mamba2": MODELING_MAMBA2})
    assert "def mamba2_chunk_scan(x, use_mamba2py=False):" in code
    assert "return mamba2_chunk_scan(x)" in code
    assert "bar_chunk_scan" not in code


MODELING_DETR = '''
from torch import nn


class DetrMLP(nn.Module):
    pass


class DetrDecoderOutput(nn.Module):
    pass


class DetrDecoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.mlp = DetrMLP(config)
'''


def test_a_class_redefining_its_parents_name_does_not_vote() -> None:
    """Before: ``DetrDecoderOutput(DetrDecoderOutput)`` voted the default ``Bar`` and tied with ``BarDetr``, so the
    default won and ``BarMLP`` was copied; only ``BarDetrDecoder`` votes: ``BarDetrMLP``."""
    modular = '''
from ..detr.modeling_detr import DetrDecoder, DetrDecoderOutput


class DetrDecoderOutput(DetrDecoderOutput):
    pass


class BarDetrDecoder(DetrDecoder):
    pass
'''
    code = _modeling(modular, {"transformers.models.detr.modeling_detr": MODELING_DETR})
    assert _classes(code) == ["DetrDecoderOutput", "BarDetrMLP", "BarDetrDecoder"]
