"""The zoo child's verdict when the most shrunk configs are over the parameter budget, and the input builders the
budget work needed: perceiver's ``inputs`` as float states, a waveform under the name ``hidden_states``, a
vocoder's ``mel_spectrogram``."""

import pytest
import torch
from transformers import PretrainedConfig

from scaffold import zoo_child
from scaffold.zoo_child import NoTinySetup, _working_inputs


def _setup_error(monkeypatch, sizes: dict[str, int]) -> str:
    """_tiny_setup's verdict over candidates of the given sizes, each of which fails with its own label."""

    def refuse(source_class, config):
        raise ValueError(f"{config.label} refused")

    candidates = [(label, PretrainedConfig(label=label)) for label in sizes]
    monkeypatch.setattr(zoo_child, "_candidates", lambda config_class, overrides=None: candidates)
    monkeypatch.setattr(zoo_child, "_parameters", lambda source_class, config: sizes[config.label])
    monkeypatch.setattr(zoo_child, "_source_twin", refuse)
    monkeypatch.setattr(zoo_child, "_source_fault", lambda source_class, error: "")
    with pytest.raises(NoTinySetup) as caught:
        zoo_child._tiny_setup(PretrainedConfig, torch.nn.Module)
    return str(caught.value)


def test_the_verdict_names_the_first_candidate_tried_not_one_over_the_budget(monkeypatch):
    """align, perceiver, tvp...: the plain tiny config over 40M said 'MemoryError: over 40000000 parameters'
    while the every-width config, the first one run, failed (or passed) for another reason."""
    error = _setup_error(monkeypatch, {"tiny": 10**9, "tiny, every width": 10**6, "default": 10**6})
    assert error.startswith("ValueError: tiny, every width refused")


def test_the_budget_is_the_verdict_when_no_candidate_is_under_it(monkeypatch):
    error = _setup_error(monkeypatch, {"tiny": 10**9, "default": 10**10})
    assert error.startswith("OverBudget: tiny config: over 40000000 parameters")


def test_inputs_are_also_tried_as_float_states_of_the_model_width():
    """perceiver without a preprocessor: 'Last dimension of the inputs: 3200 doesn't correspond to
    config.d_model'."""

    class Perceiver(torch.nn.Module):
        main_input_name = "inputs"

        def forward(self, inputs):
            if inputs.dim() != 3 or inputs.shape[-1] != 12:
                raise ValueError("Last dimension of the inputs doesn't correspond to config.d_model")
            return (inputs,)

    inputs = _working_inputs(Perceiver(), PretrainedConfig(d_model=12))
    assert inputs["inputs"].shape == (2, 7, 12)


def test_a_waveform_model_gets_audio_under_the_name_hidden_states():
    """vibevoice_acoustic_tokenizer_encoder: main_input_name input_values, forward(hidden_states) of
    (batch, 1, samples): 'expected input[2, 7, 38] to have 1 channels'."""

    class Encoder(torch.nn.Module):
        main_input_name = "input_values"

        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv1d(1, 4, 7)

        def forward(self, hidden_states):
            return (self.conv(hidden_states),)

    inputs = _working_inputs(Encoder(), PretrainedConfig(hidden_size=12))
    assert inputs["hidden_states"].shape == (2, 1, zoo_child.AUDIO_SAMPLES)


def test_a_vocoder_gets_mel_frames_of_its_mel_width():
    """qwen2_5_omni_bigvgan: 'no input builder for main_input_name='mel_spectrogram''."""

    class Vocoder(torch.nn.Module):
        main_input_name = "mel_spectrogram"

        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv1d(20, 4, 3)

        def forward(self, mel_spectrogram):
            return (self.conv(mel_spectrogram),)

    inputs = _working_inputs(Vocoder(), PretrainedConfig(mel_dim=20))
    assert inputs["mel_spectrogram"].shape == (2, 20, zoo_child.MEL_FRAMES)


def test_inputs_are_cut_to_one_sample_when_no_batch_of_two_runs():
    """tvp views its grid column embeddings with the batch size: "shape '[2, 1, 2, 32]' is invalid for input of
    size 64" at any batch above one."""

    class Grid(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values):
            return (torch.zeros(2, 4).view(pixel_values.shape[0], 1, 2, 4),)

    inputs = _working_inputs(Grid(), PretrainedConfig(image_size=8, num_channels=3))
    assert inputs["pixel_values"].shape == (1, 3, 8, 8)


def test_the_batch_of_two_error_stays_the_verdict_when_one_sample_fails_too():
    class Broken(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values):
            raise RuntimeError(f"refused {pixel_values.shape[0]}")

    with pytest.raises(RuntimeError, match="refused 2"):
        _working_inputs(Broken(), PretrainedConfig(image_size=8, num_channels=3))


def test_overrides_are_set_on_every_candidate():
    """A generated test's config_overrides reach each config the search tries (dotted keys into sub-configs)."""
    from transformers import LlamaConfig, LlavaConfig

    for label, config in zoo_child._candidates(LlamaConfig, {"num_hidden_layers": 3}):
        assert config.num_hidden_layers == 3, label
    for label, config in zoo_child._candidates(LlavaConfig, {"text_config.num_hidden_layers": 3}):
        assert isinstance(config, Exception) or config.text_config.num_hidden_layers == 3, label
