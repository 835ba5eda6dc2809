"""scaffold.testing: the common test suite that every generated model package runs.

A generated `tests/test_modeling_<name>.py` subclasses one family tester and sets a few class attributes
(config_class, model_type, model_classes, source_model_type, source_classes, state_dict_key_renames,
config_overrides); pytest then collects the whole suite on that subclass. The bases are not collected.
"""

from .base import ModelTester
from .families import (
    CausalLMTester,
    EncoderTester,
    GenericTester,
    ImageTextToTextTester,
    Seq2SeqLMTester,
    VisionEncoderDecoderTester,
    VisionEncoderTester,
)
from .tiny import TinySizes, shrink_config

__all__ = [
    "CausalLMTester",
    "EncoderTester",
    "GenericTester",
    "ImageTextToTextTester",
    "ModelTester",
    "Seq2SeqLMTester",
    "TinySizes",
    "VisionEncoderDecoderTester",
    "VisionEncoderTester",
    "shrink_config",
]
