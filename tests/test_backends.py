"""Optional backends of generated modules, read from their source (scaffold.backends), and their guards."""

from transformers.utils.import_utils import BACKENDS_MAPPING

from scaffold.backends import IMPORT_BACKENDS, gather_backends
from scaffold.project import NewModelRequest, plan_new_model

TORCHVISION_MODULE = """
import torch
from torchvision.transforms.v2 import functional as tvF
from transformers.utils import is_torchvision_available

if is_torchvision_available():
    import torchvision

class Kwargs: ...
"""
PIL_SIBLING = """
import numpy as np
from .image_processing_x import Kwargs
from transformers.utils.import_utils import requires

@requires(backends=("torch", "torchaudio>=2.0"))
class Extractor: ...

class Plain: ...
"""
FREE = """
import torch
from tokenizers import Tokenizer
from transformers import PreTrainedModel
"""


def test_direct_transitive_and_class_backends():
    found = gather_backends(
        {"image_processing_x": TORCHVISION_MODULE, "image_processing_pil_x": PIL_SIBLING, "modeling_x": FREE}
    )
    assert found["image_processing_x"].imports == ("torchvision",)
    assert found["image_processing_pil_x"].imports == ("torchvision",)  # through `from .image_processing_x`
    assert found["modeling_x"].imports == ()  # torch and tokenizers are always there
    assert found["image_processing_pil_x"].of_class("Extractor") == ("torchaudio", "torchvision")
    assert found["image_processing_pil_x"].of_class("Plain") == ("torchvision",)


def test_conditional_imports_are_not_needs():
    found = gather_backends(
        {"m": "from transformers.utils import is_vision_available\nif is_vision_available():\n    import PIL\n"}
    )
    assert found["m"].imports == ()


def _init_of(like: str, tmp_path) -> str:
    plan = plan_new_model(NewModelRequest(like=like, name="my-x", out=tmp_path / "out"))
    return next(f.content for f in plan.files if f.path.as_posix() == "my_x/__init__.py")


def test_video_processor_registration_waits_for_torchvision(tmp_path):
    init = _init_of("glm46v", tmp_path)
    guard = 'if _available("torchvision", "vision"):\n        _register_backends(\n            AutoVideoProcessor,'
    assert guard in init
    assert "            AutoModel,\n" not in init  # model registrations stay unconditional
    assert "    AutoModel.register(MyXConfig, MyXModel, exist_ok=True)" in init


MIDI_TOKENIZER = """
from transformers.utils import is_pretty_midi_available

if is_pretty_midi_available():
    import pretty_midi

class Tokenizer:
    def encode(self, notes: list[pretty_midi.Note]): ...
"""


def test_a_guarded_library_used_at_definition_time_is_an_import_need():
    # pop2piano's tokenizer: the annotation is evaluated when the class body runs, so the module needs pretty_midi.
    assert gather_backends({"tokenization_x": MIDI_TOKENIZER})["tokenization_x"].imports == ("pretty_midi",)
    inside_body = MIDI_TOKENIZER.replace(
        "(self, notes: list[pretty_midi.Note]): ...", "(self):\n        pretty_midi.Note"
    )
    assert gather_backends({"tokenization_x": inside_body})["tokenization_x"].imports == ()


def test_every_backend_is_one_the_generated_init_can_look_up():
    # The generated __init__ calls BACKENDS_MAPPING[name] for each need: a name it lacks would raise KeyError.
    assert set(IMPORT_BACKENDS.values()) <= set(BACKENDS_MAPPING)


GUARDED_SIBLING = """
from transformers.utils import is_vision_available

if is_vision_available():
    from .image_processing_x import get_resize_output_image_size

class Processor: ...
"""


def test_a_guarded_sibling_import_brings_the_sibling_needs():
    # pixtral's processor imports a helper from its torchvision image processor when PIL is installed: without
    # torchvision the package failed to import.
    found = gather_backends({"processing_x": GUARDED_SIBLING, "image_processing_x": TORCHVISION_MODULE})
    assert found["processing_x"].imports == ("torchvision",)
