"""Optional backends of generated modules, read from their source (scaffold.backends), and their guards."""

from scaffold.backends import gather_backends
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


PRETTY_MIDI_MODULE = """
from transformers.utils import is_pretty_midi_available

if is_pretty_midi_available():
    import pretty_midi

class Tokenizer:
    def notes_to_midi(self, notes: list[pretty_midi.Note]): ...
"""


def test_a_guarded_import_of_any_transformers_backend_used_at_definition_time_is_a_need():
    """Before: pop2piano's clone failed to import without pretty_midi (the table knew only a dozen libraries)."""
    assert gather_backends({"tokenization_x": PRETTY_MIDI_MODULE})["tokenization_x"].imports == ("pretty_midi",)


def test_every_backend_named_is_a_key_of_transformers_backends_mapping():
    from transformers.utils.import_utils import BACKENDS_MAPPING

    from scaffold.backends import IMPORT_BACKENDS

    assert set(IMPORT_BACKENDS.values()) <= set(BACKENDS_MAPPING)
