"""Before/after tests for definition order and renames (fidelity session 3, helper f-order).

Each test converts a small modular snippet against a dict-backed fake transformers and checks the one
behaviour that was wrong (the "before" is said in the test's docstring). Expected values are written by hand
from the files transformers ships (the model named in each docstring).
"""

from __future__ import annotations

import ast

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular


class FakeResolver:
    """Serves module sources from a dict."""

    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = modules

    def read_module(self, dotted: str) -> str | None:
        return self.modules.get(dotted)


def _convert(modular: str, modules: dict[str, str]) -> dict[str, str]:
    result = convert_modular(
        modular,
        modular_path="bar/modular_bar.py",
        resolver=FakeResolver(modules),
        options=ConvertOptions(import_style=ImportStyle.IN_TREE, package="transformers.models.bar"),
    )
    return {str(f.path): f.content for f in result.files}


def _top_level_names(code: str) -> list[str]:
    names = []
    for stmt in ast.parse(code).body:
        if isinstance(stmt, (ast.ClassDef, ast.FunctionDef)):
            names.append(stmt.name)
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id != "__all__":
            names.append(stmt.targets[0].id)
    return names


MODELING_FOO = '''
import torch
from torch import nn


class FooPreTrainedModel(nn.Module):
    base_model_prefix = "model"


class FooLayer(nn.Module):
    def forward(self, x):
        return x


class FooModel(FooPreTrainedModel):
    def __init__(self):
        super().__init__()
        self.layer = FooLayer()
'''


def test_class_defined_twice_is_placed_where_it_first_appears() -> None:
    """got_ocr2: a modular class defined twice takes the last body but the FIRST position (before: the last)."""
    modular = '''
from torch import nn

from ..foo.modeling_foo import FooPreTrainedModel


class BarPreTrainedModel(FooPreTrainedModel):
    first = True


class BarLayer(nn.Module):
    pass


class BarPreTrainedModel(FooPreTrainedModel):
    second = True
'''
    files = _convert(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO})
    code = files["modeling_bar.py"]
    assert _top_level_names(code) == ["BarPreTrainedModel", "BarLayer"]
    assert "second = True" in code and "first = True" not in code


MODELING_ATT = '''
from torch import nn


def eager_attention_forward(module, query):
    return query


class AttSelfAttention(nn.Module):
    def forward(self, x):
        return eager_attention_forward(self, x)
'''

MODELING_LLAMA = '''
from torch import nn


def repeat_kv(hidden_states, n_rep):
    return hidden_states


def eager_attention_forward(module, query):
    return repeat_kv(query, 1)


class LlamaMLP(nn.Module):
    pass


class LlamaAttention(nn.Module):
    def forward(self, x):
        return eager_attention_forward(self, x)
'''


def test_modular_function_does_not_pull_names_imported_from_another_parent() -> None:
    """evolla: the modular ``eager_attention_forward`` uses ``repeat_kv`` imported from llama; placed for a class
    of another parent (which has no ``repeat_kv``) it does not bring ``repeat_kv`` along: that comes later, before
    the llama class that needs it (before: ``repeat_kv`` right after the modular function)."""
    modular = '''
from ..att.modeling_att import AttSelfAttention
from ..llama.modeling_llama import LlamaAttention, LlamaMLP, repeat_kv


def eager_attention_forward(module, query):
    return repeat_kv(query, 2)


class BarSelfAttention(AttSelfAttention):
    pass


class BarMLP(LlamaMLP):
    pass


class BarAttention(LlamaAttention):
    pass
'''
    modules = {"transformers.models.att.modeling_att": MODELING_ATT, "transformers.models.llama.modeling_llama": MODELING_LLAMA}
    code = _convert(modular, modules)["modeling_bar.py"]
    assert _top_level_names(code) == ["eager_attention_forward", "BarSelfAttention", "BarMLP", "repeat_kv", "BarAttention"]


MODELING_QWEN = '''
from torch import nn


def rotate_half(x):
    return x


def apply_rotary_pos_emb_vision(q, k):
    return rotate_half(q), k


def repeat_kv(hidden_states, n_rep):
    return hidden_states


def eager_attention_forward(module, query):
    return repeat_kv(query, 1)
'''

MODELING_SIG = '''
from torch import nn


def eager_attention_forward(module, query):
    return query


class SigAttention(nn.Module):
    def forward(self, x):
        return eager_attention_forward(self, x)
'''


def test_objects_from_other_parents_sort_reverse_alphabetically() -> None:
    """video_llama_3: functions merged from another parent module have no position in the class's parent module;
    they follow its own definitions in reverse alphabetical order (before: in their own module's order,
    ``apply_rotary_pos_emb_vision`` before ``repeat_kv``)."""
    modular = '''
from ..qwen.modeling_qwen import apply_rotary_pos_emb_vision, eager_attention_forward
from ..sig.modeling_sig import SigAttention


class BarAttention(SigAttention):
    def forward(self, x):
        x = apply_rotary_pos_emb_vision(x, x)
        return eager_attention_forward(self, x)
'''
    modules = {"transformers.models.qwen.modeling_qwen": MODELING_QWEN, "transformers.models.sig.modeling_sig": MODELING_SIG}
    code = _convert(modular, modules)["modeling_bar.py"]
    assert _top_level_names(code) == [
        "eager_attention_forward", "rotate_half", "repeat_kv", "apply_rotary_pos_emb_vision", "BarAttention"
    ]


MODELING_INK = '''
def causal_conv1d_update(x):
    return x


def causal_conv1d_fn(x):
    return x
'''

MODELING_NEXT = '''
def apply_mask_to_padding_states(hidden_states, attention_mask):
    return hidden_states
'''


def test_imports_of_a_parentless_class_come_module_by_module_alphabetically() -> None:
    """glm5_next: a modular class without a model parent needs functions imported from two modules; the module
    holding the alphabetically first name comes first, each module's functions in their own order (before:
    in the order of the import statements)."""
    modular = '''
from torch import nn

from ..ink.modeling_ink import causal_conv1d_fn, causal_conv1d_update
from ..next.modeling_next import apply_mask_to_padding_states


def l2norm(x):
    return x


class BarLinearAttention(nn.Module):
    def forward(self, x):
        x = apply_mask_to_padding_states(x, None)
        return l2norm(causal_conv1d_fn(causal_conv1d_update(x)))
'''
    modules = {"transformers.models.ink.modeling_ink": MODELING_INK, "transformers.models.next.modeling_next": MODELING_NEXT}
    code = _convert(modular, modules)["modeling_bar.py"]
    assert _top_level_names(code) == [
        "apply_mask_to_padding_states", "causal_conv1d_update", "causal_conv1d_fn", "l2norm", "BarLinearAttention"
    ]


IMAGE_PROCESSING_PIL_DET = '''
from ...image_processing_backends import PilBackend
from ...processing_utils import ImagesKwargs

SUPPORTED_FORMATS = ("coco",)


def convert_poly(x):
    return x


class DetImageProcessorKwargs(ImagesKwargs, total=False):
    do_convert: bool


class DetImageProcessorPil(PilBackend):
    valid_kwargs = DetImageProcessorKwargs

    def go(self, x):
        return convert_poly(x), SUPPORTED_FORMATS


__all__ = ["DetImageProcessorPil"]
'''


def test_pil_kwargs_class_comes_after_the_constants() -> None:
    """conditional_detr, mask2former: in a pil image processing file the ``ImageProcessorKwargs`` copied from the
    pil parent comes before the functions, after the constants (before: at its position in the parent, or
    first of all)."""
    modular = '''
from ..det.image_processing_pil_det import DetImageProcessorPil


class BarImageProcessorPil(DetImageProcessorPil):
    pass


__all__ = ["BarImageProcessorPil"]
'''
    code = _convert(modular, {"transformers.models.det.image_processing_pil_det": IMAGE_PROCESSING_PIL_DET})[
        "image_processing_pil_bar.py"
    ]
    assert _top_level_names(code) == ["SUPPORTED_FORMATS", "BarImageProcessorKwargs", "convert_poly", "BarImageProcessorPil"]
