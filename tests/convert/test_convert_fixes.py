"""Before/after tests for converter bugs found by the full fidelity run (scripts/fidelity.py) and by clones.

Each test converts a small modular snippet against a dict-backed fake transformers and checks the one
behaviour that was wrong (the "before" is said in the test's docstring).
"""

from __future__ import annotations

import ast

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular

from dict_resolver import FakeResolver


def _convert(modular: str, modules: dict[str, str], **options: object) -> dict[str, str]:
    result = convert_modular(modular, modular_path="bar/modular_bar.py", resolver=FakeResolver(modules),
                             options=ConvertOptions(**options))  # type: ignore[arg-type]
    return {str(f.path): f.content for f in result.files}


def _in_tree(modular: str, modules: dict[str, str]) -> dict[str, str]:
    return _convert(modular, modules, import_style=ImportStyle.IN_TREE, package="transformers.models.bar")


def _guarded_imports(code: str) -> dict[str, list[str]]:
    """``{guard source: [import source, ...]}`` for the top-level ``if <guard>: import ...`` blocks."""
    found: dict[str, list[str]] = {}
    for stmt in ast.parse(code).body:
        if isinstance(stmt, ast.If) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body):
            found.setdefault(ast.unparse(stmt.test), []).extend(ast.unparse(s) for s in stmt.body)
    return found


def _top_level_classes(code: str) -> list[str]:
    return [s.name for s in ast.parse(code).body if isinstance(s, ast.ClassDef)]


IMAGE_PROCESSING_FOO = '''
from ...image_processing_backends import TorchvisionBackend
from ...processing_utils import ImagesKwargs


class FooImageProcessorKwargs(ImagesKwargs, total=False):
    do_grayscale: bool


class FooImageProcessor(TorchvisionBackend):
    valid_kwargs = FooImageProcessorKwargs


__all__ = ["FooImageProcessor"]
'''

IMAGE_PROCESSING_PIL_FOO = '''
from ...image_processing_backends import PilBackend
from ...processing_utils import ImagesKwargs


class FooImageProcessorKwargs(ImagesKwargs, total=False):
    do_grayscale: bool


class FooImageProcessorPil(PilBackend):
    valid_kwargs = FooImageProcessorKwargs


__all__ = ["FooImageProcessorPil"]
'''


def test_string_annotation_keeps_its_type_checking_import() -> None:
    """Before: ``outputs: "DepthEstimatorOutput"`` did not count as a use, so the guarded import was dropped."""
    modular = '''
from typing import TYPE_CHECKING

from transformers.models.foo.image_processing_foo import FooImageProcessor

if TYPE_CHECKING:
    from ...modeling_outputs import DepthEstimatorOutput


class BarImageProcessor(FooImageProcessor):
    def post_process(self, outputs: "DepthEstimatorOutput | None"):
        return outputs
'''
    files = _in_tree(modular, {"transformers.models.foo.image_processing_foo": IMAGE_PROCESSING_FOO})
    code = files["image_processing_bar.py"]
    assert _guarded_imports(code) == {"TYPE_CHECKING": ["from ...modeling_outputs import DepthEstimatorOutput"]}
    assert "from typing import TYPE_CHECKING" in code


def test_sibling_import_under_type_checking_stays_guarded() -> None:
    """Before: ``if TYPE_CHECKING: from .modeling_bar import X`` lost its guard (a circular import at run time)."""
    modular = '''
from typing import TYPE_CHECKING

from transformers.models.foo.image_processing_foo import FooImageProcessor

if TYPE_CHECKING:
    from .modeling_bar import BarOutput


class BarImageProcessor(FooImageProcessor):
    def post_process(self, outputs: "BarOutput"):
        return outputs
'''
    files = _in_tree(modular, {"transformers.models.foo.image_processing_foo": IMAGE_PROCESSING_FOO})
    code = files["image_processing_bar.py"]
    assert _guarded_imports(code) == {"TYPE_CHECKING": ["from .modeling_bar import BarOutput"]}


def test_pil_file_defines_the_kwargs_class_its_parent_file_defines() -> None:
    """Before: ``BarImageProcessorKwargs`` was imported from image_processing_bar instead of copied."""
    modular = '''
from transformers.models.foo.image_processing_foo import FooImageProcessor
from transformers.models.foo.image_processing_pil_foo import FooImageProcessorPil


class BarImageProcessor(FooImageProcessor):
    pass


class BarImageProcessorPil(FooImageProcessorPil):
    pass
'''
    modules = {
        "transformers.models.foo.image_processing_foo": IMAGE_PROCESSING_FOO,
        "transformers.models.foo.image_processing_pil_foo": IMAGE_PROCESSING_PIL_FOO,
    }
    files = _in_tree(modular, modules)
    pil = files["image_processing_pil_bar.py"]
    assert _top_level_classes(pil) == ["BarImageProcessorKwargs", "BarImageProcessorPil"]
    assert "from .image_processing_bar import" not in pil


TOKENIZATION_FOO = '''
from dataclasses import dataclass

from ...tokenization_python import PreTrainedTokenizer
from ...utils import ModelOutput


@dataclass
class FooCTCTokenizerOutput(ModelOutput):
    text: list


class FooCTCTokenizer(PreTrainedTokenizer):
    def decode(self, ids):
        return FooCTCTokenizerOutput(text=ids)


__all__ = ["FooCTCTokenizer"]
'''


def test_tokenizer_output_dataclass_is_defined_in_the_tokenization_file() -> None:
    """Before: ``BarCTCTokenizerOutput`` (no tokenizer suffix) was imported from modeling_bar, which lacked it."""
    modular = '''
from transformers.models.foo.tokenization_foo import FooCTCTokenizer


class BarCTCTokenizer(FooCTCTokenizer):
    pass
'''
    files = _convert(modular, {"transformers.models.foo.tokenization_foo": TOKENIZATION_FOO})
    assert list(files) == ["tokenization_bar.py"]
    code = files["tokenization_bar.py"]
    assert _top_level_classes(code) == ["BarCTCTokenizerOutput", "BarCTCTokenizer"]
    assert "modeling_bar" not in code


MODELING_FOO_STDLIB_LOGGING = '''
import logging

from torch import nn

from transformers import FooConfig

logger = logging.getLogger(__name__)


class FooModel(nn.Module):
    def __init__(self, config: FooConfig):
        super().__init__()
        logger.info("made")


__all__ = ["FooModel"]
'''

PROCESSING_FOO = '''
from transformers import logging

from ...processing_utils import ProcessorMixin

logger = logging.get_logger(__name__)


class FooProcessor(ProcessorMixin):
    def __call__(self, text):
        logger.warning("called")
        return text


__all__ = ["FooProcessor"]
'''

CONFIGURATION_FOO = '''
from ...configuration_utils import PreTrainedConfig


class FooConfig(PreTrainedConfig):
    model_type = "foo"


__all__ = ["FooConfig"]
'''


def test_each_file_binds_a_shared_name_from_its_own_parent_file() -> None:
    """Before: processing_bar.py imported the stdlib ``logging`` of modeling_foo (``logging.get_logger`` fails)."""
    modular = '''
from transformers.models.foo.configuration_foo import FooConfig
from transformers.models.foo.modeling_foo import FooModel
from transformers.models.foo.processing_foo import FooProcessor


class BarConfig(FooConfig):
    pass


class BarModel(FooModel):
    pass


class BarProcessor(FooProcessor):
    pass
'''
    modules = {
        "transformers.models.foo.configuration_foo": CONFIGURATION_FOO,
        "transformers.models.foo.modeling_foo": MODELING_FOO_STDLIB_LOGGING,
        "transformers.models.foo.processing_foo": PROCESSING_FOO,
    }
    files = _convert(modular, modules)
    assert "from transformers import logging" in files["processing_bar.py"]
    assert "import logging\n" in files["modeling_bar.py"]


def test_parent_importing_its_own_config_from_the_top_package_gets_the_new_config() -> None:
    """Before: ``from transformers import FooConfig`` in modeling_foo stayed, so the clone used FooConfig."""
    modular = '''
from transformers.models.foo.configuration_foo import FooConfig
from transformers.models.foo.modeling_foo import FooModel


class BarConfig(FooConfig):
    pass


class BarModel(FooModel):
    pass
'''
    modules = {
        "transformers.models.foo.configuration_foo": CONFIGURATION_FOO,
        "transformers.models.foo.modeling_foo": MODELING_FOO_STDLIB_LOGGING,
    }
    modeling = _convert(modular, modules)["modeling_bar.py"]
    assert "from .configuration_bar import BarConfig" in modeling
    assert "FooConfig" not in modeling


MODELING_FOO_SMALL = '''
import torch
import torch.distributions
from torch import nn

from .configuration_foo import FooConfig


class FooLayer(nn.Module):
    def __init__(self, config: FooConfig):
        super().__init__()

    def _load(self, state_dict, strict):
        return torch.distributions.Categorical(logits=state_dict).entropy(), strict


class FooModel(nn.Module):
    def __init__(self, config: FooConfig):
        super().__init__()
        self.layer = FooLayer(config)


__all__ = ["FooModel"]
'''


def test_import_from_the_modular_files_own_config_is_a_sibling_import_not_a_parent() -> None:
    """Before: ``from .configuration_bar import BarOtherConfig`` (in-tree) was taken as a parent and its import lost."""
    modular = '''
from transformers.models.foo.modeling_foo import FooModel

from .configuration_bar import BarConfig, BarOtherConfig


class BarModel(FooModel):
    def __init__(self, config: BarConfig, other: BarOtherConfig):
        super().__init__(config)
'''
    modules = {"transformers.models.foo.modeling_foo": MODELING_FOO_SMALL}
    modeling = _in_tree(modular, modules)["modeling_bar.py"]
    assert "from .configuration_bar import BarConfig, BarOtherConfig" in modeling


def test_parameter_named_like_a_modular_import_does_not_pull_that_import() -> None:
    """Before: ``def _load(self, state_dict, strict)`` kept ``from huggingface_hub.dataclasses import strict``."""
    modular = '''
from huggingface_hub.dataclasses import strict

from transformers.models.foo.modeling_foo import FooModel


class BarModel(FooModel):
    pass
'''
    modeling = _convert(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_SMALL})["modeling_bar.py"]
    assert "def _load(self, state_dict, strict)" in modeling
    assert "huggingface_hub" not in modeling


def test_plain_dotted_import_is_kept_next_to_the_plain_one() -> None:
    """Before: ``import torch.distributions`` was dropped because ``import torch`` already bound ``torch``."""
    modular = '''
from transformers.models.foo.modeling_foo import FooModel


class BarModel(FooModel):
    pass
'''
    modeling = _convert(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_SMALL})["modeling_bar.py"]
    lines = modeling.splitlines()
    assert "import torch" in lines and "import torch.distributions" in lines


MODELING_FOO_DECORATED = '''
from torch import nn

from ...integrations import use_kernelized_func
from ...utils import auto_docstring


def rotate(x):
    return x


@use_kernelized_func(rotate)
class FooAttention(nn.Module):
    def forward(self, x):
        return x


class FooForCausalLM(nn.Module):
    def forward(self, x):
        r"""
        Example:

        ```python
        >>> model = FooForCausalLM()
        ```"""
        return x


__all__ = ["FooAttention", "FooForCausalLM"]
'''


def test_no_inherit_decorator_drops_the_parents_decorators_and_itself() -> None:
    """Before: ``@no_inherit_decorator`` was emitted (and imported) instead of removing the parent's decorator."""
    modular = '''
from transformers.models.foo.modeling_foo import FooAttention

from ...utils.generic import no_inherit_decorator


@no_inherit_decorator
class BarAttention(FooAttention):
    pass
'''
    modeling = _in_tree(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_DECORATED})["modeling_bar.py"]
    assert "no_inherit_decorator" not in modeling
    assert "use_kernelized_func" not in modeling
    assert "class BarAttention(nn.Module):" in modeling


def test_child_docstring_repeating_the_parents_intro_says_it_once() -> None:
    """Before: a child ``Example:`` block merged into the parent's gave ``Example:`` twice."""
    modular = '''
from transformers.models.foo.modeling_foo import FooForCausalLM


class BarForCausalLM(FooForCausalLM):
    def forward(self, x):
        r"""
        Example:

        ```python
        >>> model = BarForCausalLM.from_pretrained("bar")
        ```"""
        return super().forward(x)
'''
    modeling = _in_tree(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_DECORATED})["modeling_bar.py"]
    assert modeling.count("Example:") == 1
    assert 'BarForCausalLM.from_pretrained("bar")' in modeling


CONFIGURATION_PP_SMALL = '''
from ...configuration_utils import PreTrainedConfig


class PPOCRSmallRecConfig(PreTrainedConfig):
    model_type = "pp_ocr_small_rec"


__all__ = ["PPOCRSmallRecConfig"]
'''


def test_model_type_follows_the_file_names_when_the_class_prefix_is_not_their_camel_case() -> None:
    """Before: PPOCRSmallRec -> PPOCRTinyRec gave the snake name ``ppocr_tiny`` (``model_type = "ppocr_tiny"``)."""
    modular = '''
from transformers.models.pp_ocr_small_rec.configuration_pp_ocr_small_rec import PPOCRSmallRecConfig


class PPOCRTinyRecConfig(PPOCRSmallRecConfig):
    pass
'''
    result = convert_modular(
        modular,
        modular_path="pp_ocr_tiny_rec/modular_pp_ocr_tiny_rec.py",
        resolver=FakeResolver({"transformers.models.pp_ocr_small_rec.configuration_pp_ocr_small_rec": CONFIGURATION_PP_SMALL}),
    )
    code = {str(f.path): f.content for f in result.files}["configuration_pp_ocr_tiny_rec.py"]
    assert 'model_type = "pp_ocr_tiny_rec"' in code
    assert "class PPOCRTinyRecConfig(PreTrainedConfig):" in code


PROCESSING_FOO_LATE_INIT = '''
from ...processing_utils import ProcessorMixin


class FooProcessor(ProcessorMixin):
    def __init__(self, image_processor=None, tokenizer=None):
        self.image_seq_length = image_processor.image_seq_length
        super().__init__(image_processor, tokenizer)


__all__ = ["FooProcessor"]
'''

MODELING_FOO_EARLY_INIT = '''
from torch import nn


class FooModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.size = config.size


__all__ = ["FooModel"]
'''


def _init_lines(code: str, cls: str) -> list[str]:
    for stmt in ast.parse(code).body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls:
            init = next(s for s in stmt.body if isinstance(s, ast.FunctionDef) and s.name == "__init__")
            return [ast.unparse(s) for s in init.body]
    raise AssertionError(f"no {cls}")


def test_child_code_before_super_init_stays_before_the_parents_body_when_the_parent_calls_it_last() -> None:
    """Before: the parent's ``super().__init__(...)`` (its last line) was moved above the child's own code."""
    modular = '''
from transformers.models.foo.processing_foo import FooProcessor


class BarProcessor(FooProcessor):
    def __init__(self, image_processor=None, tokenizer=None, prefix="x"):
        self.prefix = prefix
        super().__init__(image_processor=image_processor, tokenizer=tokenizer)
'''
    code = _convert(modular, {"transformers.models.foo.processing_foo": PROCESSING_FOO_LATE_INIT})["processing_bar.py"]
    assert _init_lines(code, "BarProcessor") == [
        "self.prefix = prefix",
        "self.image_seq_length = image_processor.image_seq_length",
        "super().__init__(image_processor, tokenizer)",
    ]


def test_parent_super_init_that_comes_first_stays_first() -> None:
    """The other case (unchanged): a parent starting with ``super().__init__()`` keeps it on top."""
    modular = '''
from transformers.models.foo.modeling_foo import FooModel


class BarModel(FooModel):
    def __init__(self, config):
        self.flag = True
        super().__init__(config)
'''
    code = _convert(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_EARLY_INIT})["modeling_bar.py"]
    assert _init_lines(code, "BarModel") == ["super().__init__()", "self.flag = True", "self.size = config.size"]


MODELING_FOO_OUTPUT = '''
from torch import nn

from ...modeling_outputs import FooBaseModelOutput


class FooModel(nn.Module):
    def forward(self, x) -> FooBaseModelOutput:
        return FooBaseModelOutput(last_hidden_state=x)


__all__ = ["FooModel"]
'''


def test_imported_name_is_renamed_when_the_modular_file_defines_the_renamed_name() -> None:
    """Before: ``BarBaseModelOutput = FooBaseModelOutput`` was dropped and uses kept ``FooBaseModelOutput``."""
    modular = '''
from transformers.models.foo.modeling_foo import FooModel

from ...modeling_outputs import FooBaseModelOutput

BarBaseModelOutput = FooBaseModelOutput


class BarModel(FooModel):
    pass
'''
    code = _in_tree(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_OUTPUT})["modeling_bar.py"]
    assert "BarBaseModelOutput = FooBaseModelOutput" in code
    assert "def forward(self, x) -> BarBaseModelOutput:" in code
    assert code.index("BarBaseModelOutput = FooBaseModelOutput") < code.index("class BarModel(")


def test_pil_file_copies_the_kwargs_class_of_its_parent_even_when_the_modular_file_redefines_it() -> None:
    """Before: a modular ``BarImageProcessorKwargs`` (routed to image_processing_bar) left the pil file without one."""
    modular = '''
from transformers.models.foo.image_processing_foo import FooImageProcessor, FooImageProcessorKwargs
from transformers.models.foo.image_processing_pil_foo import FooImageProcessorPil


class BarImageProcessorKwargs(FooImageProcessorKwargs):
    extra: int


class BarImageProcessor(FooImageProcessor):
    pass


class BarImageProcessorPil(FooImageProcessorPil):
    pass
'''
    modules = {
        "transformers.models.foo.image_processing_foo": IMAGE_PROCESSING_FOO,
        "transformers.models.foo.image_processing_pil_foo": IMAGE_PROCESSING_PIL_FOO,
    }
    files = _in_tree(modular, modules)
    assert _top_level_classes(files["image_processing_pil_bar.py"]) == ["BarImageProcessorKwargs", "BarImageProcessorPil"]
    assert "extra: int" in files["image_processing_bar.py"]


def test_a_suffix_reaching_into_the_model_prefix_does_not_route() -> None:
    """Before: ``Sam2VideoProcessor`` went to video_processing_sam2_video.py (suffix ``VideoProcessor``)."""
    from scaffold.convert.routing import kind_for_name
    from scaffold.files import FileKind

    assert kind_for_name("Sam2VideoProcessor", "Sam2Video") is FileKind.PROCESSING
    assert kind_for_name("Sam2VideoVideoProcessor", "Sam2Video") is FileKind.VIDEO_PROCESSING
    assert kind_for_name("LlavaNextVideoProcessor", "LlavaNextVideo") is FileKind.PROCESSING
    assert kind_for_name("LlavaVideoProcessor", "Llava") is FileKind.VIDEO_PROCESSING


MODELING_FOO_LM_HEAD = '''
from torch import nn

from ...utils import logging

logger = logging.get_logger(__name__)


class FooLMHeadModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        if not config.is_decoder:
            logger.warning("If you want to use `FooLMHeadModel` as a standalone, add `is_decoder=True.`")


__all__ = ["FooLMHeadModel"]
'''


def test_parent_class_name_inside_the_merged_class_becomes_the_childs() -> None:
    """Before: ``BarForCausalLM(FooLMHeadModel)`` kept saying ``BarLMHeadModel`` in its own strings."""
    modular = '''
from transformers.models.foo.modeling_foo import FooLMHeadModel


class BarForCausalLM(FooLMHeadModel):
    pass
'''
    code = _convert(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_LM_HEAD})["modeling_bar.py"]
    assert "If you want to use `BarForCausalLM` as a standalone" in code
    assert "LMHeadModel" not in code


def test_pil_copy_of_a_modular_kwargs_class_carries_the_modular_fields() -> None:
    """Before: the pil file copied the parent's kwargs class without the field the modular class adds."""
    modular = '''
from transformers.models.foo.image_processing_foo import FooImageProcessor, FooImageProcessorKwargs
from transformers.models.foo.image_processing_pil_foo import FooImageProcessorPil


class BarImageProcessorKwargs(FooImageProcessorKwargs):
    patch_expand_factor: int


class BarImageProcessor(FooImageProcessor):
    pass


class BarImageProcessorPil(FooImageProcessorPil):
    pass
'''
    modules = {
        "transformers.models.foo.image_processing_foo": IMAGE_PROCESSING_FOO,
        "transformers.models.foo.image_processing_pil_foo": IMAGE_PROCESSING_PIL_FOO,
    }
    pil = _in_tree(modular, modules)["image_processing_pil_bar.py"]
    kwargs = next(s for s in ast.parse(pil).body if isinstance(s, ast.ClassDef) and s.name == "BarImageProcessorKwargs")
    assert [ast.unparse(s) for s in kwargs.body] == ["do_grayscale: bool", "patch_expand_factor: int"]
