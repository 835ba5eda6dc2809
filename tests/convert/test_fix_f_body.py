"""Before/after tests for definition-body differences against transformers' generated files (helper f-body).

Each test converts a small modular snippet against a dict-backed fake transformers and checks one behaviour
(the "before" is said in the test's docstring).
"""

from __future__ import annotations

import ast

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular

from dict_resolver import FakeResolver


def _in_tree(modular: str, modules: dict[str, str]) -> dict[str, str]:
    options = ConvertOptions(import_style=ImportStyle.IN_TREE, package="transformers.models.bar")
    result = convert_modular(modular, modular_path="bar/modular_bar.py", resolver=FakeResolver(modules),
                             options=options)
    return {str(f.path): f.content for f in result.files}


def _methods(code: str, cls: str) -> list[str]:
    for stmt in ast.parse(code).body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls:
            return [s.name for s in stmt.body if isinstance(s, ast.FunctionDef)]
    raise AssertionError(f"no class {cls}")


MODELING_FOO = '''
from torch import nn


class FooModel(nn.Module):
    def forward(self, x):
        return x

    def generate(self):
        return 1

    def decode(self):
        return 2
'''

RAISING_CHILD = '''
from ..foo.modeling_foo import FooModel


class BarModel(FooModel):
    def generate(self):
        raise AttributeError("Not needed for Bar")

    def decode(
        self,
    ):
        raise AttributeError("Not needed for Bar")

    @staticmethod
    def forward(x):
        raise NotImplementedError("Bar")
'''


def test_a_raising_method_removes_the_parent_method_only_in_the_one_line_shape() -> None:
    """Before: every child method whose body only raises ``...Error(...)`` removed the parent's method.

    transformers removes it only for the one-line shape: one blank line before ``def``, no decorator, the
    signature on one line and ``raise`` next. The first member right under ``class`` (no blank line before it),
    a multi-line signature or a decorated method override the parent's method like any other (DeepseekVL's
    image processors keep ``postprocess``).
    """
    code = _in_tree(RAISING_CHILD, {"transformers.models.foo.modeling_foo": MODELING_FOO})["modeling_bar.py"]
    assert _methods(code, "BarModel") == ["forward", "generate", "decode"]
    removing = RAISING_CHILD.replace("class BarModel(FooModel):\n", "class BarModel(FooModel):\n    x = 1\n\n")
    code = _in_tree(removing, {"transformers.models.foo.modeling_foo": MODELING_FOO})["modeling_bar.py"]
    assert _methods(code, "BarModel") == ["forward", "decode"]


def _class(code: str, cls: str) -> ast.ClassDef:
    for stmt in ast.parse(code).body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls:
            return stmt
    raise AssertionError(f"no class {cls}")


def test_new_prefix_follows_transformers_rule() -> None:
    """Before: the parent model's prefix decided where the shared suffix starts (JambaMamba for JambaMambaMixer
    on FalconMambaMixer), and a suffix starting lower-case was cut at its first capital (Zamba2Mamba)."""
    from scaffold.convert.naming import cased_name, lowercase_name, new_prefix

    assert new_prefix("JambaMambaMixer", "FalconMambaMixer", "FalconMamba", "Jamba") == "Jamba"
    assert new_prefix("Zamba2MambaMixer", "BambaMixer", "Bamba", "Zamba2") == "Zamba2"
    assert new_prefix("Qwen2_5_VLTextConfig", "Qwen2VLTextConfig", "Qwen2VL", "Qwen2_5_VL") == "Qwen2_5_VL"
    assert new_prefix("XCLIPAttention", "CLIPAttention", "CLIP", "XClip") == "XCLIP"
    assert new_prefix("DeepseekOcr2SamVisionLayer", "SamVisionLayer", "Sam", "DeepseekOcr2") == "DeepseekOcr2Sam"
    assert new_prefix("MistralDecoderLayer", "LlamaDecoderLayer", "Llama", "Mistral") == "Mistral"
    table = {"deepseek_ocr2_encoder": "DeepseekOcr2VisionEncoderConfig", "qwen2_5_vl": "Qwen2_5_VLConfig"}
    assert lowercase_name("DeepseekOcr2VisionEncoder", table) == "deepseek_ocr2_encoder"
    assert lowercase_name("MLCD", table) == "m_l_c_d"
    assert cased_name("qwen2_5_vl", table) == "Qwen2_5_VL"
    assert cased_name("my_llama", table) == "MyLlama"


def test_config_names_are_read_from_the_auto_tables() -> None:
    from scaffold.convert.sources import read_config_names

    mappings = 'CONFIG_MAPPING_NAMES = OrderedDict(\n    [\n        ("afmoe", "AfmoeConfig"),\n        ("x-y", "XYConfig"),\n    ]\n)\n'
    auto = 'CONFIG_MAPPING_NAMES.update(\n    {\n        "mlcd": "MLCDVisionConfig",\n    }\n)\n'
    resolver = FakeResolver({"transformers.models.auto.auto_mappings": mappings,
                             "transformers.models.auto.configuration_auto": auto})
    assert dict(read_config_names(resolver)) == {"afmoe": "AfmoeConfig", "x-y": "XYConfig", "mlcd": "MLCDVisionConfig"}
    assert dict(read_config_names(FakeResolver({}))) == {}


MODELING_FOO_MAMBA = '''
from torch import nn


class FooMambaMixer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.init_foo_mamba_weights()

    def init_foo_mamba_weights(self):
        self.use_foo_mambapy = 1


class FooMambaModel(nn.Module):
    pass
'''

JAMBA_LIKE = '''
from ..foo_mamba.modeling_foo_mamba import FooMambaMixer


class BarMambaMixer(FooMambaMixer):
    x = 1

    def init_bar_weights(self):
        raise NotImplementedError("Not needed for bar")
'''


def test_a_prefix_ending_in_the_parent_model_name_renames_it_whole() -> None:
    """Before: ``BarMambaMixer(FooMambaMixer)`` renamed foo_mamba -> bar_mamba, so the parent's
    ``init_foo_mamba_weights`` became ``init_bar_mamba_weights`` and the child's ``init_bar_weights`` (which
    removes it) matched nothing; transformers renames foo_mamba -> bar."""
    code = _in_tree(JAMBA_LIKE, {"transformers.models.foo_mamba.modeling_foo_mamba": MODELING_FOO_MAMBA})
    cls = _class(code["modeling_bar.py"], "BarMambaMixer")
    assert [s.name for s in cls.body if isinstance(s, ast.FunctionDef)] == ["__init__"]
    assert "self.init_bar_weights()" in ast.unparse(cls)


CONFIGURATION_FOO = '''
from ...configuration_utils import PreTrainedConfig


class FooVisionConfig(PreTrainedConfig):
    model_type = "foo_vision"
    base_config_key = "vision_config"


class FooConfig(PreTrainedConfig):
    model_type = "foo"
'''

VISION_ENCODER_CONFIG = '''
from ..foo.configuration_foo import FooVisionConfig


class BarVisionEncoderConfig(FooVisionConfig):
    pass
'''


def test_strings_of_a_parent_renamed_to_another_name_follow_the_child_name() -> None:
    """Before: ``model_type = "bar_vision_encoder_vision"`` (foo -> bar_vision_encoder applied to "foo_vision");
    transformers renames the renamed parent's prefix (BarVisionEncoderVision) to the child's in strings too."""
    code = _in_tree(VISION_ENCODER_CONFIG, {"transformers.models.foo.configuration_foo": CONFIGURATION_FOO})
    cls = _class(code["configuration_bar.py"], "BarVisionEncoderConfig")
    assert "model_type = 'bar_vision_encoder'" in ast.unparse(cls)


MODELING_ANCESTORS = '''
from torch import nn

from ...modeling_layers import GradientCheckpointingLayer
from ...modeling_utils import PreTrainedModel


class FooPreTrainedModel(PreTrainedModel):
    pass


class FooModel(FooPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.a = 1

    def rope(self, x):
        return x

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        return 1


class FooBlock(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.b = 2
'''

ANCESTOR_CALLS = '''
from torch import nn

from ...modeling_layers import GradientCheckpointingLayer
from ...modeling_utils import PreTrainedModel
from ..foo.modeling_foo import FooBlock, FooModel, FooPreTrainedModel


class BarPreTrainedModel(FooPreTrainedModel):
    pass


class BarHelper(nn.Module):
    def rope(self, x):
        return x


class BarModel(FooModel):
    def __init__(self, config):
        BarPreTrainedModel.__init__(self, config)
        self.a = 2

    def rope(self, x):
        return BarHelper.rope(self, x)

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        return PreTrainedModel.from_pretrained(*args, **kwargs)


class BarBlock(FooBlock, GradientCheckpointingLayer):
    def __init__(self, config):
        nn.Module.__init__()
        self.b = 3
'''


def test_ancestor_calls_become_super_and_other_classes_calls_stay() -> None:
    """Before: ``nn.Module.__init__()`` (no ``self``) and ``PreTrainedModel.from_pretrained(...)`` stayed, while
    ``BarHelper.rope(self, x)`` (a class of the modular file, not an ancestor) became ``super().rope(x)``.
    ``BarPreTrainedModel`` is defined here but is the merged class's base: its ``__init__`` is an ancestor's."""
    code = _in_tree(ANCESTOR_CALLS, {"transformers.models.foo.modeling_foo": MODELING_ANCESTORS})["modeling_bar.py"]
    model = ast.unparse(_class(code, "BarModel"))
    assert "super().__init__(config)" in model
    assert "return BarHelper.rope(self, x)" in model
    assert "return super().from_pretrained(*args, **kwargs)" in model
    block = _class(code, "BarBlock")
    assert "super().__init__()" in ast.unparse(block)
    assert [ast.unparse(b) for b in block.bases] == ["GradientCheckpointingLayer"]


CONFIGURATION_ATTR = '''
from ...configuration_utils import PreTrainedConfig


class FooConfig(PreTrainedConfig):
    model_type = "foo"

    @property
    def stride(self) -> int:
        return 2

    @property
    def _impl(self):
        return 1
'''

CONFIG_FIELD_AND_SETTER = '''
from ...configuration_utils import PreTrainedConfig
from ..foo.configuration_foo import FooConfig


class BarConfig(FooConfig):
    stride: int = 4

    def set_impl(self, value):
        PreTrainedConfig._impl.__set__(self, value)
'''


def test_a_child_field_replaces_a_parent_property_and_library_attributes_stay() -> None:
    """Before: the parent's ``stride`` property stayed next to the child's ``stride`` field, and
    ``PreTrainedConfig._impl.__set__`` (the merged class's base, not one the child names) became
    ``super()._impl.__set__``."""
    code = _in_tree(CONFIG_FIELD_AND_SETTER, {"transformers.models.foo.configuration_foo": CONFIGURATION_ATTR})
    cls = _class(code["configuration_bar.py"], "BarConfig")
    assert [s.name for s in cls.body if isinstance(s, ast.FunctionDef)] == ["_impl", "set_impl"]
    assert "PreTrainedConfig._impl.__set__(self, value)" in ast.unparse(cls)


PROCESSING_FOO = '''
from ...processing_utils import ProcessorMixin


class FooProcessor(ProcessorMixin):
    attributes = ["tokenizer"]
'''

PROCESSOR_WITH_MIXIN = '''
from ...processing_utils import OmniModalProcessorMixin
from ..foo.processing_foo import FooProcessor


class BarProcessor(FooProcessor, OmniModalProcessorMixin):
    pass
'''


def test_an_extra_base_ending_with_the_parent_base_replaces_it() -> None:
    """Before: ``class BarProcessor(ProcessorMixin)``: ``OmniModalProcessorMixin`` shares no *partial* suffix with
    ``ProcessorMixin`` (it ends with all of it), so it switched nothing."""
    code = _in_tree(PROCESSOR_WITH_MIXIN, {"transformers.models.foo.processing_foo": PROCESSING_FOO})
    cls = _class(code["processing_bar.py"], "BarProcessor")
    assert [ast.unparse(b) for b in cls.bases] == ["OmniModalProcessorMixin"]


MODELING_FOO_WITH_GENERATION = '''
from torch import nn

from .generation_foo import FooDecoderCache


class FooDecoder(nn.Module):
    def forward(self, x, cache: FooDecoderCache | None = None):
        return x
'''

DECODER_WITH_OWN_CACHE = '''
from ..foo.modeling_foo import FooDecoder
from .generation_bar import BarDecoderCache


class BarDecoder(FooDecoder):
    pass
'''


def test_a_parent_import_renamed_to_a_name_the_modular_imports_from_its_package_is_renamed() -> None:
    """Before: ``cache: FooDecoderCache`` stayed (a name the parent imports from a file kind the converter does
    not generate is kept), though the modular file imports ``BarDecoderCache`` from its own generation file."""
    code = _in_tree(DECODER_WITH_OWN_CACHE, {"transformers.models.foo.modeling_foo": MODELING_FOO_WITH_GENERATION})
    assert "cache: BarDecoderCache | None=None" in ast.unparse(_class(code["modeling_bar.py"], "BarDecoder"))


def test_a_class_named_like_its_parent_does_not_vote_for_the_prefix() -> None:
    """Before: ``DetrDecoderOutput(DetrDecoderOutput)`` voted for the default prefix, tying with the
    ``MaskFormerDetr`` votes, so detr's classes were renamed ``MaskFormer...`` instead of ``MaskFormerDetr...``."""
    from scaffold.convert.sources import infer_source_names

    module = "transformers.models.detr.modeling_detr"
    bases = ["DetrDecoderOutput", "DetrPreTrainedModel", "DetrDecoder", "DetrSinePositionEmbedding"]
    pairs = [
        ("DetrDecoderOutput", "DetrDecoderOutput"),
        ("MaskFormerDetrPreTrainedModel", "DetrPreTrainedModel"),
        ("MaskFormerDetrDecoder", "DetrDecoder"),
        ("MaskFormerSinePositionEmbedding", "DetrSinePositionEmbedding"),
    ]
    table = {"maskformer": "MaskFormerConfig", "detr": "DetrConfig"}
    names = infer_source_names(dict.fromkeys(bases, module), pairs, "maskformer", {module: "Detr"}, table)[module]
    assert (names.old_camel, names.new_camel, names.new_snake) == ("Detr", "MaskFormerDetr", "mask_former_detr")


def test_videos_and_audio_kwargs_classes_go_to_the_processing_file() -> None:
    """Before: ``DeprecatedQwen3OmniMoeVideosKwargs`` (and the ``__getattr__`` naming it) went to the modeling
    file; like ``ImagesKwargs`` and ``TextKwargs`` subclasses they belong to processing."""
    from scaffold.convert.routing import kind_for_name
    from scaffold.files import FileKind

    assert kind_for_name("DeprecatedQwen3OmniMoeVideosKwargs") is FileKind.PROCESSING
    assert kind_for_name("FooAudioKwargs") is FileKind.PROCESSING
    assert kind_for_name("FooVideoProcessorKwargs") is FileKind.VIDEO_PROCESSING


def test_the_default_prefix_takes_its_snake_name_from_the_auto_table() -> None:
    """Before: x_clip's prefix XCLIP (its classes' spelling, the default) took the file's snake name ``x_clip``, so
    "CLIP" in strings became "X_CLIP"; the Auto table names XCLIPConfig's model type ``xclip`` (dashes -> ``_``)."""
    from scaffold.convert.sources import infer_source_names

    module = "transformers.models.clip.modeling_clip"
    table = {"xclip": "XCLIPConfig", "clip": "CLIPConfig", "audio-spectrogram-transformer": "ASTConfig"}
    names = infer_source_names({"CLIPMLP": module}, [("XCLIPMLP", "CLIPMLP")], "x_clip", {module: "CLIP"}, table)
    assert (names[module].new_camel, names[module].new_snake) == ("XCLIP", "xclip")
    names = infer_source_names({"CLIPMLP": module}, [("ASTMLP", "CLIPMLP")], "audio_spectrogram_transformer", {}, table)
    assert (names[module].new_camel, names[module].new_snake) == ("AST", "audio_spectrogram_transformer")
