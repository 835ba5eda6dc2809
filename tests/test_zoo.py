"""The zoo child's input builders: candidate layouts, required arguments, honest 'no builder' verdicts."""

import pytest
import torch
from transformers import PretrainedConfig

from scaffold.zoo_child import _working_inputs


class _FramesLast(torch.nn.Module):
    """Accepts input_features only as (batch, frames, 80): the second candidate layout."""

    main_input_name = "input_features"

    def forward(self, input_features, attention_mask=None):
        assert input_features.shape[-1] == 80, input_features.shape
        return (input_features.sum(-1),)


class _NeedsState(torch.nn.Module):
    main_input_name = "input_ids"

    def forward(self, input_ids, state):
        return (input_ids,)


def test_the_first_layout_the_model_accepts_is_used():
    inputs = _working_inputs(_FramesLast(), PretrainedConfig(num_mel_bins=80))
    assert inputs["input_features"].shape == (2, 64, 80)


class _StateOnly(torch.nn.Module):
    main_input_name = "state"

    def forward(self, state):
        return (state,)


class _PixelsWithInheritedMainInput(torch.nn.Module):
    main_input_name = "input_ids"  # inherited default; forward takes pixels

    def forward(self, pixel_values):
        return (pixel_values,)


def test_unknown_main_input_is_an_honest_verdict():
    with pytest.raises(NotImplementedError, match="main_input_name='state'"):
        _working_inputs(_StateOnly(), PretrainedConfig())


def test_main_input_is_read_from_forward_when_the_declared_one_is_not_a_parameter():
    inputs = _working_inputs(_PixelsWithInheritedMainInput(), PretrainedConfig(image_size=16, num_channels=3))
    assert set(inputs) == {"pixel_values"} and inputs["pixel_values"].shape == (2, 3, 16, 16)


def test_unknown_required_argument_is_an_honest_verdict():
    with pytest.raises(NotImplementedError, match="required argument 'state'"):
        _working_inputs(_NeedsState(), PretrainedConfig(vocab_size=20))


def test_embeds_arguments_are_built_from_the_hidden_size():
    class Qformer(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, query_embeds):
            return (query_embeds,)

    inputs = _working_inputs(Qformer(), PretrainedConfig(vocab_size=20, hidden_size=12))
    assert inputs["query_embeds"].shape == (2, 4, 12)


def test_a_crashing_child_costs_only_its_project(monkeypatch):
    """The projects after the one that killed the child are checked again in a fresh child."""
    from scaffold import zoo

    calls = []

    def fake_child(batch):
        calls.append([name for _, name in batch])
        found = {}
        for _, name in batch:
            if name == "b":  # "b" kills its process before printing a verdict
                return found, "Segmentation fault"
            found[name] = ("parity", "")
        return found, ""

    monkeypatch.setattr(zoo, "_run_child", fake_child)
    verdicts = zoo.check_batch([("p", "a"), ("p", "b"), ("p", "c"), ("p", "d")])
    assert verdicts == {
        "a": ("parity", ""),
        "b": ("generated", "child crashed: Segmentation fault"),
        "c": ("parity", ""),
        "d": ("parity", ""),
    }
    assert calls == [["a", "b", "c", "d"], ["c", "d"]]
