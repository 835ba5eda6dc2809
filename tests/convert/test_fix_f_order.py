"""Before/after tests for definition order and renames (fidelity session 3, helper f-order).

Each test converts a small modular snippet against a dict-backed fake transformers and checks the one
behaviour that was wrong (the "before" is said in the test's docstring). Expected values are written by hand
from the files transformers ships (the model named in each docstring).
"""

from __future__ import annotations

import ast

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.convert.rename import IN_TREE_COMPAT

from dict_resolver import FakeResolver


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


MODELING_BART = '''
from torch import nn


class BartScaledWordEmbedding(nn.Embedding):
    pass


class BartAttention(nn.Module):
    pass


class BartEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = BartScaledWordEmbedding(1, 1)
        self.attn = BartAttention()
'''

MODELING_MB = '''
def shift_tokens_right(input_ids):
    return input_ids


class MBModel:
    pass
'''


def test_new_prefix_takes_the_casing_of_the_modular_classes() -> None:
    """plbart: the new model's classes spell it ``PLBart``; that casing is the default prefix which wins a tie of
    prefix votes (before: the default was ``Plbart`` from the file name, and the last vote ``PLBartFoo`` won)."""
    modular = '''
from ..bart.modeling_bart import BartAttention, BartEncoder
from ..mb.modeling_mb import shift_tokens_right


class PLBartAttention(BartAttention):
    pass


class PLBartFooEncoder(BartEncoder):
    def forward(self, x):
        return shift_tokens_right(x)
'''
    modules = {"transformers.models.bart.modeling_bart": MODELING_BART, "transformers.models.mb.modeling_mb": MODELING_MB}
    result = convert_modular(
        modular,
        modular_path="plbart/modular_plbart.py",
        resolver=FakeResolver(modules),
        options=ConvertOptions(import_style=ImportStyle.IN_TREE, package="transformers.models.plbart"),
    )
    code = {str(f.path): f.content for f in result.files}["modeling_plbart.py"]
    assert _top_level_names(code) == ["PLBartAttention", "PLBartScaledWordEmbedding", "shift_tokens_right", "PLBartFooEncoder"]


MODELING_MAMBA2 = '''
import torch
from torch import nn

from ...integrations import use_kernel_func_from_hub_with_fallback, use_kernelized_func


def apply_mask(hidden_states):
    """see https://github.com/state-spaces/mamba/issues/66"""
    return hidden_states


class MambaRMSNormGated(nn.Module):
    pass


@use_kernel_func_from_hub_with_fallback("mamba_chunk_scan_combined", "mamba_ssm")
def mamba2_chunk_scan(x):
    return x


@use_kernelized_func([mamba2_chunk_scan])
class Mamba2Mixer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.use_mambapy = config.use_mambapy

    def forward(self, x):
        return mamba2_chunk_scan(apply_mask(x))

    def init_mamba2_weights(self):
        pass


class Mamba2Model(nn.Module):
    pass


__all__ = ["Mamba2Mixer", "Mamba2Model"]
'''


def test_kernel_hub_functions_and_the_old_model_name() -> None:
    """bamba: ``mamba2`` is renamed with its own name ``Mamba2`` although ``BambaRMSNormGated(MambaRMSNormGated)``
    votes ``Mamba`` (before: ``state-spaces/Bamba``); a ``@use_kernel_func_from_hub...`` function keeps its name
    and strings (before: ``bamba_chunk_scan``); ``mambapy`` is another word (before: ``use_bambapy`` is not
    possible with ``Mamba2``, see falcon_mamba: ``use_falcon_mambapy``), while methods are renamed."""
    modular = '''
from ..mamba2.modeling_mamba2 import Mamba2Mixer, MambaRMSNormGated


class BambaRMSNormGated(MambaRMSNormGated):
    pass


class BambaMixer(Mamba2Mixer):
    pass
'''
    code = _convert_named("bamba", modular, {"transformers.models.mamba2.modeling_mamba2": MODELING_MAMBA2})
    assert "state-spaces/mamba/issues" in code
    assert 'def mamba2_chunk_scan(' in code and '"mamba_chunk_scan_combined", "mamba_ssm"' in code
    assert "return mamba2_chunk_scan(apply_mask(x))" in code and "use_kernelized_func([mamba2_chunk_scan])" in code
    assert "def init_bamba_weights(self)" in code


def test_old_snake_name_followed_by_a_letter_is_another_word() -> None:
    """falcon_mamba: ``use_mambapy`` (the mamba.py package) stays when mamba becomes falcon_mamba (before:
    ``use_falcon_mambapy``, an attribute the config does not have); ``init_mamba_weights`` is renamed."""
    parent = MODELING_MAMBA2.replace("mamba2", "mamba").replace("Mamba2", "Mamba")
    modular = '''
from ..mamba.modeling_mamba import MambaMixer


class FalconMambaMixer(MambaMixer):
    pass
'''
    code = _convert_named("falcon_mamba", modular, {"transformers.models.mamba.modeling_mamba": parent})
    assert "self.use_mambapy = config.use_mambapy" in code
    assert "def init_falcon_mamba_weights(self)" in code


def _convert_named(snake: str, modular: str, modules: dict[str, str]) -> str:
    result = convert_modular(
        modular,
        modular_path=f"{snake}/modular_{snake}.py",
        resolver=FakeResolver(modules),
        options=ConvertOptions(
            import_style=ImportStyle.IN_TREE, package=f"transformers.models.{snake}", rename_policy=IN_TREE_COMPAT
        ),
    )
    return {str(f.path): f.content for f in result.files}[f"modeling_{snake}.py"]


CONFIGURATION_VP = '''
from ...configuration_utils import PreTrainedConfig


class VpTextConfig(PreTrainedConfig):
    model_type = "vp_text"


class VpConfig(PreTrainedConfig):
    model_type = "vp"
    sub_configs = {"backbone_config": "vp_backbone", "text_config": "vp_text"}
'''


def test_type_of_another_model_is_not_renamed_in_a_clone() -> None:
    """vitpose clone: ``"vitpose_backbone"`` is the type of another installed model (it has its own package) and
    stays; ``"vitpose_text"``-like own sub-config types follow the clone (before: ``"bar_backbone"``, a KeyError in
    AutoConfig)."""
    modular = '''
from ..vp.configuration_vp import VpConfig


class BarConfig(VpConfig):
    model_type = "bar"
'''
    modules = {
        "transformers.models.vp.configuration_vp": CONFIGURATION_VP,
        "transformers.models.vp_backbone.configuration_vp_backbone": "class VpBackboneConfig: ...\n",
    }
    code = _convert(modular, modules)["configuration_bar.py"]
    assert '"backbone_config": "vp_backbone"' in code and '"text_config": "bar_text"' in code


def test_item_assignment_follows_its_variable_with_what_it_needs() -> None:
    """doge: ``ALL_ATTENTION_FUNCTIONS["doge_flex_attention"] = flex_attention_forward`` completes the modular
    assignment above it; it is emitted right after it, and pulls in the function it stores (before: both dropped)."""
    modular = '''
from torch import nn

from ...modeling_utils import AttentionInterface
from ..foo.modeling_foo import FooLayer


def flex_attention_forward(module, query):
    return query


ALL_ATTENTION_FUNCTIONS = AttentionInterface()
ALL_ATTENTION_FUNCTIONS["bar_flex_attention"] = flex_attention_forward


class BarAttention(nn.Module):
    def forward(self, x):
        return ALL_ATTENTION_FUNCTIONS.get_interface("eager", None)


class BarLayer(FooLayer):
    pass
'''
    code = _convert(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO})["modeling_bar.py"]
    body = [ast.unparse(s) for s in ast.parse(code).body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    assert body[1:3] == [
        "ALL_ATTENTION_FUNCTIONS = AttentionInterface()",
        "ALL_ATTENTION_FUNCTIONS['bar_flex_attention'] = flex_attention_forward",
    ]
    assert body[0].startswith("def flex_attention_forward(") and body[3].startswith("class BarAttention(")
