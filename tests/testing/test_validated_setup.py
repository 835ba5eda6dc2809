"""Families fall back to a tiny setup the source model runs on; sub-config and config-only types."""

from __future__ import annotations

import importlib
import warnings

import pytest
from testing_standins import standin

from scaffold.testing import GenericTester, ImageTextToTextTester

WAV2VEC2 = standin("wav2vec2", "standin-w2v", {"AutoModel": "Wav2Vec2Model"})
QWEN2_VL = standin("qwen2_vl", "standin-qwen2-vl", {"AutoModelForImageTextToText": "Qwen2VLForConditionalGeneration"})
LLAVA = standin("llava", "standin-llava-vs", {"AutoModelForImageTextToText": "LlavaForConditionalGeneration"})


def _tester(family, attributes):
    return type("Suite", (family,), {**attributes, "__test__": False})()


def test_a_speech_model_refusing_token_ids_runs_on_the_searched_setup():
    suite = _tester(GenericTester, WAV2VEC2)
    config = suite.get_config()
    inputs = suite.make_inputs(config)
    assert not suite.own_inputs_work()  # wav2vec2 takes input_values, not input_ids
    assert "input_values" in inputs and "input_ids" not in inputs
    suite.test_parity_with_source_model()
    suite.test_attention_and_hidden_state_outputs()
    suite.test_batching_equivalence()


def test_own_inputs_are_kept_when_the_source_runs_on_them():
    suite = _tester(ImageTextToTextTester, LLAVA)
    config = suite.get_config()
    inputs = suite.make_inputs(config)
    assert suite.own_inputs_work() and "pixel_values" in inputs
    assert (inputs["input_ids"] == config.image_token_id).sum().item() > 0


def test_a_text_only_fallback_for_an_image_model_says_the_image_path_is_untested():
    suite = _tester(ImageTextToTextTester, QWEN2_VL)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = suite.make_inputs(suite.get_config())
    if any(name.startswith(("pixel", "image")) for name in inputs):
        pytest.fail(f"expected the searched setup to be text only for qwen2_vl, got {sorted(inputs)}")
    assert any("image path is untested" in str(w.message) for w in caught)
    suite.test_parity_with_source_model()


def _package(tmp_path, monkeypatch, name: str, source_config: str, model_type: str, modeling: str):
    """A package on disk laid out as a generated one: a config subclass registered under ``model_type``, and
    ``modeling`` as its modeling module."""
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text(f"from .configuration_{name} import *\n")
    (root / f"configuration_{name}.py").write_text(
        "import transformers\nfrom transformers import AutoConfig\n"
        f"class Standin{source_config}(transformers.{source_config}):\n    model_type = {model_type!r}\n"
        f"AutoConfig.register({model_type!r}, Standin{source_config}, exist_ok=True)\n"
    )
    (root / f"modeling_{name}.py").write_text(modeling)
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module(name)


def _suite_class(package, source_config: str, model_type: str, source_model_type: str):
    attributes = {
        "config_class": getattr(package, f"Standin{source_config}"),
        "model_type": model_type,
        "model_classes": {},
        "source_model_type": source_model_type,
    }
    return type("TestSubConfig", (GenericTester,), attributes)


def _collected(suite_class) -> set[str]:
    return {name for name in dir(suite_class) if name.startswith("test_") and callable(getattr(suite_class, name))}


def test_a_config_only_type_runs_its_config_tests_only(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch, "standin_vision_only", "IdeficsVisionConfig", "standin-ivis", "")
    suite_class = _suite_class(package, "IdeficsVisionConfig", "standin-ivis", "idefics_vision")
    collected = _collected(suite_class)
    assert {"test_config_save_load", "test_auto_classes_after_registration"} <= collected
    assert not collected & {"test_parity_with_source_model", "test_batching_equivalence", "test_save_load_safetensors"}
    suite = suite_class()
    suite.test_config_json_round_trip(tmp_path)
    suite.test_auto_classes_after_registration(tmp_path)


def test_a_sub_config_type_tests_the_model_class_built_from_its_config(tmp_path, monkeypatch):
    modeling = (
        "from transformers.models.dia.modeling_dia import DiaDecoder\n"
        "from .configuration_standin_dia_dec import StandinDiaDecoderConfig\n"
        "class StandinDiaDecoder(DiaDecoder):\n    config_class = StandinDiaDecoderConfig\n"
    )
    package = _package(tmp_path, monkeypatch, "standin_dia_dec", "DiaDecoderConfig", "standin-dia-dec", modeling)
    suite_class = _suite_class(package, "DiaDecoderConfig", "standin-dia-dec", "dia_decoder")
    assert [cls.__name__ for cls in suite_class.model_classes.values()] == ["StandinDiaDecoder"]
    assert suite_class.source_class_objects["StandinDiaDecoder"].__name__ == "DiaDecoder"
    assert "test_parity_with_source_model" in _collected(suite_class)
    suite_class().test_parity_with_source_model()


def test_an_input_option_is_kept_whole_when_batching_and_yields_to_the_generate_settings():
    """A searched setup may carry an option (qwen2_vl's use_cache=False): not sliced, not passed twice."""
    from testing_standins import LLAMA

    from scaffold.testing import CausalLMTester

    class Suite(CausalLMTester):
        __test__ = False

        def make_inputs(self, config, batch_size=None):
            return {**super().make_inputs(config, batch_size), "use_cache": False}

    for name, value in LLAMA.items():
        setattr(Suite, name, value)
    suite = Suite()
    suite.test_batching_equivalence()
    suite.test_generate_with_and_without_cache_agree()
