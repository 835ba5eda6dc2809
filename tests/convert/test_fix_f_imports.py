"""Before/after tests for the import fixes of session 3 (helper f-imports): which guard an import gets, and
where a parent's imports of its own package's files point in the generated files.

Each test converts a small modular snippet against a dict-backed fake transformers; the "before" is said in
the test's docstring.
"""

from __future__ import annotations

import ast

from scaffold.backends import gather_backends
from scaffold.convert import ConvertOptions, ImportStyle, convert_modular

from dict_resolver import FakeResolver


def _convert(modular: str, modules: dict[str, str], style: ImportStyle = ImportStyle.IN_TREE) -> dict[str, str]:
    options = ConvertOptions(import_style=style, package="transformers.models.bar")
    result = convert_modular(modular, modular_path="bar/modular_bar.py", resolver=FakeResolver(modules), options=options)
    return {str(f.path): f.content for f in result.files}


def _imports(code: str) -> set[tuple[str, str]]:
    """``{(guard source or "", import source)}`` of a module's top level."""
    found: set[tuple[str, str]] = set()
    for stmt in ast.parse(code).body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.add(("", ast.unparse(stmt)))
        elif isinstance(stmt, ast.If):
            found |= {(ast.unparse(stmt.test), ast.unparse(s)) for s in stmt.body if isinstance(s, (ast.Import, ast.ImportFrom))}
    return found


PIL_FOO = '''
from ...image_processing_backends import PilBackend


class FooImageProcessorPil(PilBackend):
    def post_process(self, outputs):
        return outputs


__all__ = ["FooImageProcessorPil"]
'''

PIL_MODULAR = '''
import torch

from ..foo.image_processing_pil_foo import FooImageProcessorPil


class BarImageProcessorPil(FooImageProcessorPil):
    def post_process(self, outputs):
        return torch.sigmoid(outputs)


__all__ = ["BarImageProcessorPil"]
'''


def test_torch_import_of_a_pil_image_processor_is_protected() -> None:
    """Before: the modular file's plain ``import torch`` was copied as is into the pil file, which then needed
    torch to import; transformers protects every torch import of pil and feature-extraction files."""
    files = _convert(PIL_MODULAR, {"transformers.models.foo.image_processing_pil_foo": PIL_FOO})
    found = _imports(files["image_processing_pil_bar.py"])
    assert ("is_torch_available()", "import torch") in found
    assert ("", "import torch") not in found
    assert ("", "from ...utils import is_torch_available") in found


FEATURE_FOO = '''
from ...feature_extraction_sequence_utils import SequenceFeatureExtractor


class FooFeatureExtractor(SequenceFeatureExtractor):
    def __call__(self, audio):
        return audio
'''

PROCESSING_FOO = '''
from ...processing_utils import ProcessorMixin


class FooProcessor(ProcessorMixin):
    def __call__(self, text):
        return text
'''

AUDIO_MODULAR = '''
import torch
from torch import nn

from ..foo.feature_extraction_foo import FooFeatureExtractor
from ..foo.processing_foo import FooProcessor


class BarFeatureExtractor(FooFeatureExtractor):
    def __call__(self, audio):
        return nn.functional.pad(torch.as_tensor(audio), (0, 1))


class BarProcessor(FooProcessor):
    def __call__(self, text):
        return torch.tensor(text)
'''


def test_torch_imports_of_a_feature_extractor_are_protected_and_a_processor_keeps_them_plain() -> None:
    """Before: ``import torch`` and ``from torch import nn`` were plain in the feature extractor as well."""
    modules = {
        "transformers.models.foo.feature_extraction_foo": FEATURE_FOO,
        "transformers.models.foo.processing_foo": PROCESSING_FOO,
    }
    files = _convert(AUDIO_MODULAR, modules)
    extractor = _imports(files["feature_extraction_bar.py"])
    assert {("is_torch_available()", "import torch"), ("is_torch_available()", "from torch import nn")} <= extractor
    assert ("", "import torch") in _imports(files["processing_bar.py"])


IMAGE_FOO = '''
from torchvision.transforms.v2 import functional as tvF

from ...image_processing_backends import TorchvisionBackend


class FooImageProcessor(TorchvisionBackend):
    def resize(self, image):
        return tvF.resize(image, [2, 2])
'''

VIDEO_FOO = '''
from ...utils import is_torchvision_available
from ...video_processing_utils import BaseVideoProcessor

if is_torchvision_available():
    from torchvision.transforms.v2 import functional as tvF


class FooVideoProcessor(BaseVideoProcessor):
    def resize(self, video):
        return tvF.resize(video, [2, 2])
'''

VIDEO_MODULAR = '''
from ..foo.image_processing_foo import FooImageProcessor
from ..foo.video_processing_foo import FooVideoProcessor


class BarImageProcessor(FooImageProcessor):
    pass


class BarVideoProcessor(FooVideoProcessor):
    pass
'''


def test_the_first_parent_to_import_a_name_decides_its_guard() -> None:
    """Before: the video processing parent's ``if is_torchvision_available():`` guard won because that parent has
    the same kind as the file; transformers takes the first occurrence in the modular file's import order
    (here the image processing parent, which imports ``tvF`` plainly)."""
    modules = {
        "transformers.models.foo.image_processing_foo": IMAGE_FOO,
        "transformers.models.foo.video_processing_foo": VIDEO_FOO,
    }
    found = _imports(_convert(VIDEO_MODULAR, modules)["video_processing_bar.py"])
    assert ("", "from torchvision.transforms.v2 import functional as tvF") in found
    assert not any(guard for guard, _ in found)


RESNET_FOO = '''
from torch import nn

from .configuration_foo_resnet import FooResNetConfig


class FooResNetConvLayer(nn.Module):
    def __init__(self, config: FooResNetConfig):
        super().__init__()
        self.size = config.hidden_size
'''

RESNET_MODULAR = '''
from ...configuration_utils import PreTrainedConfig
from ..foo.modeling_foo_resnet import FooResNetConvLayer


class BarConfig(PreTrainedConfig):
    model_type = "bar"


class BarConvLayer(FooResNetConvLayer):
    pass
'''




SWIN_FOO = '''
from torch import nn

from .configuration_foo import FooConfig
from .configuration_foo_swin import FooSwinConfig


class FooModel(nn.Module):
    def __init__(self, config: FooConfig):
        super().__init__()
        self.backbone_config = FooSwinConfig.from_dict(config.backbone)
'''

SWIN_MODULAR = '''
from transformers.models.foo.configuration_foo import FooConfig
from transformers.models.foo.modeling_foo import FooModel


class BarConfig(FooConfig):
    pass


class BarModel(FooModel):
    pass
'''

CONFIG_FOO = '''
from ...configuration_utils import PreTrainedConfig


class FooConfig(PreTrainedConfig):
    model_type = "foo"
'''


def test_a_parent_import_of_another_model_part_stays_an_import_of_transformers() -> None:
    """Before: ``modeling_foo`` importing ``.configuration_foo_swin`` became ``from .configuration_foo_swin import
    BarSwinConfig`` in the clone: neither the file nor the class exists (``--like maskformer`` failed to import)."""
    modules = {
        "transformers.models.foo.modeling_foo": SWIN_FOO,
        "transformers.models.foo.configuration_foo": CONFIG_FOO,
    }
    modeling = _convert(SWIN_MODULAR, modules, ImportStyle.OUT_OF_TREE)["modeling_bar.py"]
    assert ("", "from transformers.models.foo.configuration_foo_swin import FooSwinConfig") in _imports(modeling)
    assert "FooSwinConfig.from_dict" in modeling and "BarSwinConfig" not in modeling


VIDEO_V2_FOO = '''
from ...utils import is_torchvision_available, is_torchvision_v2_available
from ...video_processing_utils import BaseVideoProcessor

if is_torchvision_v2_available():
    from torchvision.transforms.v2 import functional as tvF
elif is_torchvision_available():
    from torchvision.transforms import functional as tvF


class FooVideoProcessor(BaseVideoProcessor):
    def resize(self, video, resample: tvF.InterpolationMode):
        return tvF.resize(video, [2, 2], resample)
'''

VIDEO_V2_MODULAR = '''
from ..foo.video_processing_foo import FooVideoProcessor


class BarVideoProcessor(FooVideoProcessor):
    pass
'''


def test_the_elif_branch_of_an_import_guard_is_kept() -> None:
    """Before: only the ``if`` branch was kept: without torchvision v2, ``tvF`` was never bound (and
    ``is_torchvision_available`` was not imported)."""
    files = _convert(VIDEO_V2_MODULAR, {"transformers.models.foo.video_processing_foo": VIDEO_V2_FOO}, ImportStyle.OUT_OF_TREE)
    tree = ast.parse(files["video_processing_bar.py"])
    guard = next(s for s in tree.body if isinstance(s, ast.If) and "tvF" in ast.unparse(s))
    assert ast.unparse(guard) == (
        "if is_torchvision_v2_available():\n    from torchvision.transforms.v2 import functional as tvF\n"
        "elif is_torchvision_available():\n    from torchvision.transforms import functional as tvF"
    )
    assert ("", "from transformers.utils import is_torchvision_available, is_torchvision_v2_available") in _imports(
        files["video_processing_bar.py"]
    )


GUARDED_AT_DEFINITION = '''
from transformers.utils import is_torchvision_available

if is_torchvision_available():
    from torchvision.transforms.v2 import functional as tvF


class BarVideoProcessor:
    def resize(self, video, resample: tvF.InterpolationMode):
        return video
'''

GUARDED_IN_BODY = '''
from transformers.utils import is_torchvision_available

if is_torchvision_available():
    from torchvision.transforms.v2 import functional as tvF


class BarVideoProcessor:
    def resize(self, video, resample: "tvF.InterpolationMode"):
        return tvF.resize(video, [2, 2])
'''


def test_a_guarded_import_needed_at_definition_time_makes_the_module_need_its_backend() -> None:
    """Before: guarded imports never counted, so the clone's ``__init__`` imported a video processing module whose
    signature evaluates ``tvF`` and failed with NameError without torchvision (``--like embedding_gemma2``).
    A name used only in function bodies or string annotations still does not count."""
    found = gather_backends({"at_definition": GUARDED_AT_DEFINITION, "in_body": GUARDED_IN_BODY})
    assert found["at_definition"].imports == ("torchvision",)
    assert found["in_body"].imports == ()


FALLBACK_FOO = '''
from ...configuration_utils import PreTrainedConfig
from ...modeling_layers import GradientCheckpointingLayer
from ...utils import is_foo_kernels_available

if is_foo_kernels_available():
    from foo_kernels import KernelType, FooBackend
else:
    from typing import Literal

    KernelType = Literal["native"]

    class FooBackend(GradientCheckpointingLayer):
        def __init__(self, config: FooConfig):
            super().__init__()


class FooConfig(PreTrainedConfig):
    kernel: KernelType = "native"


class FooModel(GradientCheckpointingLayer):
    def __init__(self, config: FooConfig):
        super().__init__()
        self.backend = FooBackend(config)
'''

FALLBACK_MODULAR = '''
from ..foo.modeling_foo import FooModel


class BarModel(FooModel):
    pass
'''


def test_the_stand_ins_of_an_import_guards_else_branch_are_kept_and_renamed() -> None:
    """Before: an ``else:`` branch holding anything but imports was dropped with the whole branch, so without the
    optional package ``KernelType`` and ``FooBackend`` were never bound (``--like xlstm``: NameError at import).
    Now the branch is kept, its model names follow the clone, and the names it uses are imported."""
    files = _convert(FALLBACK_MODULAR, {"transformers.models.foo.modeling_foo": FALLBACK_FOO}, ImportStyle.OUT_OF_TREE)
    code = files["modeling_bar.py"]
    guard = next(s for s in ast.parse(code).body if isinstance(s, ast.If) and "KernelType" in ast.unparse(s))
    fallback = ast.unparse(ast.Module(body=guard.orelse, type_ignores=[]))
    assert "KernelType = Literal['native']" in fallback and "from typing import Literal" in fallback
    assert "class BarBackend(GradientCheckpointingLayer)" not in fallback  # imported names keep their spelling
    assert "def __init__(self, config: BarConfig)" in fallback and "FooConfig" not in fallback
    assert ("", "from transformers.modeling_layers import GradientCheckpointingLayer") in _imports(code)


def test_the_ast_and_cst_readers_agree_on_an_else_branch_with_stand_ins() -> None:
    import libcst as cst

    from scaffold.convert.imports import records_of_ast, top_level_import_records

    package = "transformers.models.foo"
    by_ast = records_of_ast(ast.parse(FALLBACK_FOO), FALLBACK_FOO, package)
    by_cst = top_level_import_records(cst.parse_module(FALLBACK_FOO), package)
    guarded = [r for r in by_ast if r.guard]
    assert guarded and guarded == [r for r in by_cst if r.guard]
    (branch,) = guarded[0].orelse
    assert branch.test is None and [r.name for r in branch.records] == ["Literal"]
    assert branch.others[0] == 'KernelType = Literal["native"]\n'
    assert branch.others[1].startswith("class FooBackend(GradientCheckpointingLayer):\n    def __init__")
