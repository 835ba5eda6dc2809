"""More broken models the suite must reject (the subprocess cases live in test_testing_catches_bugs.py).

Each case calls one suite test directly on a healthy tester (must pass) and on a broken one (must fail), in
process: no second interpreter, so a few seconds in all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from testing_standins import LLAMA, VED
from transformers import LlamaConfig

from scaffold.testing import CausalLMTester, GenericTester, VisionEncoderDecoderTester

LlamaModelClass = LLAMA["model_classes"]["AutoModel"]
LlamaLMClass = LLAMA["model_classes"]["AutoModelForCausalLM"]


class NormsNotInitialised(LlamaModelClass):
    """_init_weights forgets the RMSNorm weights (a head class would not do: submodules use their model's)."""

    def _init_weights(self, module: object) -> None:
        if "RMSNorm" not in type(module).__name__:
            super()._init_weights(module)


class CacheIgnored(LlamaLMClass):
    """Drops past_key_values: incremental decoding restarts from nothing at every step."""

    def forward(self, past_key_values: object = None, **kwargs: object) -> object:
        return super().forward(**kwargs)


class IgnoresMlpBias(LlamaLMClass):
    """Builds its MLP without bias whatever config.mlp_bias says (the tiny default config has it off)."""

    def __init__(self, config: object) -> None:
        config = copy.deepcopy(config)
        config.mlp_bias = False
        super().__init__(config)


class IgnoringConfig(LLAMA["config_class"]):
    """Overwrites one init argument after construction."""

    def __post_init__(self, **kwargs: object) -> None:
        super().__post_init__(**kwargs)
        self.rms_norm_eps = 1e-6


def tester(**changes: object) -> CausalLMTester:
    """A llama stand-in tester with some class attributes replaced (not collected: defined in a function)."""
    return type("LlamaCase", (CausalLMTester,), {**LLAMA, **changes, "__test__": False})()


CASES: dict[str, tuple[str, dict[str, object]]] = {
    "init_skips_norms": (
        "test_init_weights_cover_every_parameter",
        {"model_classes": {"AutoModel": NormsNotInitialised}},
    ),
    "cache_ignored": (
        "test_incremental_decoding_with_cache_matches_full_forward",
        {"model_classes": {"AutoModelForCausalLM": CacheIgnored}},
    ),
    "model_ignores_a_flag": (
        "test_parity_with_source_for_flipped_flags",
        {"model_classes": {"AutoModelForCausalLM": IgnoresMlpBias}},
    ),
    "config_ignores_an_argument": ("test_config_values_reach_the_config", {"config_class": IgnoringConfig}),
}


def run(case: CausalLMTester, test_name: str) -> None:
    method: Callable[[], None] = getattr(case, test_name)
    method()


@pytest.mark.parametrize("name", sorted(CASES))
def test_healthy_model_passes(name: str) -> None:
    test_name, changes = CASES[name]
    healthy = {
        key: {k: LLAMA[key][k] for k in value} if isinstance(value, dict) else LLAMA[key]
        for key, value in changes.items()
    }
    run(tester(**healthy), test_name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_model_fails(name: str) -> None:
    test_name, changes = CASES[name]
    with pytest.raises(AssertionError) as failure:
        run(tester(**changes), test_name)
    if name == "config_ignores_an_argument":
        assert "rms_norm_eps" in str(failure.value)


def test_encoder_and_decoder_types_are_class_attributes() -> None:
    case = type("DeitBert", (VisionEncoderDecoderTester,), {**VED, "__test__": False})
    case.encoder_model_type, case.decoder_model_type = "deit", "bert"
    config = case().get_config()
    assert (config.encoder.model_type, config.decoder.model_type) == ("deit", "bert")
    assert (config.encoder.hidden_size, config.decoder.num_hidden_layers) == (32, 2)


def test_tiny_config_is_consistent() -> None:
    config = tester().get_config()
    assert (config.hidden_size, config.num_hidden_layers, config.vocab_size) == (32, 2, 99)
    assert config.head_dim * config.num_attention_heads == config.hidden_size
    assert config.num_attention_heads % config.num_key_value_heads == 0
    assert LlamaConfig().hidden_size == 4096  # the class defaults are untouched


def test_bases_are_not_collected() -> None:
    assert not CausalLMTester.__test__ and not GenericTester.__test__
    assert type("TestX", (CausalLMTester,), {}).__test__
