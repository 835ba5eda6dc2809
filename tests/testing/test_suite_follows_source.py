"""Text-model tests whose property does not hold for every source model: the clone must then behave as its
source does (same tensors, same config reload, same tying), and a test skips only when the source fails the
same way. Stand-ins are transformers' own classes under a new model_type (faithful clones), next to broken
variants the tests must still reject. Each case calls one suite test in process.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from testing_standins import LLAMA, standin
from transformers import LlamaConfig

from scaffold.testing import CausalLMTester, EncoderTester, GenericTester
from scaffold.testing.families import cache_argument

CANINE = standin(
    "canine",
    "standin-canine",
    {"AutoModel": "CanineModel", "AutoModelForSequenceClassification": "CanineForSequenceClassification"},
)
NYSTROMFORMER = standin("nystromformer", "standin-nystromformer", {"AutoModel": "NystromformerModel"})
ESM = standin("esm", "standin-esm", {"AutoModel": "EsmModel", "AutoModelForMaskedLM": "EsmForMaskedLM"})
BERT = standin("bert", "standin-bert-follows", {"AutoModel": "BertModel"})
MOSHI = standin("moshi", "standin-moshi", {"AutoModelForCausalLM": "MoshiForCausalLM"})
MAMBA = standin("mamba", "standin-mamba", {"AutoModelForCausalLM": "MambaForCausalLM"})
QWEN3_NEXT = standin("qwen3_next", "standin-qwen3-next", {"AutoModelForCausalLM": "Qwen3NextForCausalLM"})
DEEPSEEK_V2 = standin("deepseek_v2", "standin-deepseek-v2", {"AutoModelForCausalLM": "DeepseekV2ForCausalLM"})
POCKET_TTS = standin("pocket_tts", "standin-pocket-tts", {"AutoModel": "PocketTTSModel"})


def case(family: type, attributes: dict, **changes: object) -> object:
    """A tester of `family` over stand-in `attributes`, some replaced (not collected: built in a function)."""
    return type("Case", (family,), {**attributes, **changes, "__test__": False})()


def run(tester: object, test_name: str, *args: object) -> None:
    method: Callable[..., None] = getattr(tester, test_name)
    method(*args)


# ----------------------------------------------------------------------------- broken variants
class BertIgnoresMask(BERT["model_classes"]["AutoModel"]):
    """Drops attention_mask: padded tokens reach every position (BertModel masks them)."""

    def forward(self, input_ids=None, attention_mask=None, **kwargs):  # noqa: ANN001, ANN201
        return super().forward(input_ids=input_ids, **kwargs)


class EsmDoublesEmbeds(ESM["model_classes"]["AutoModelForMaskedLM"]):
    """Scales given inputs_embeds: the inputs_embeds path differs from the source's."""

    def forward(self, input_ids=None, inputs_embeds=None, **kwargs):  # noqa: ANN001, ANN201
        if inputs_embeds is not None:
            inputs_embeds = 2 * inputs_embeds
        return super().forward(input_ids=input_ids, inputs_embeds=inputs_embeds, **kwargs)


class LlamaLeaksTheFuture(LLAMA["model_classes"]["AutoModelForCausalLM"]):
    """Adds a little of the last position's logits to every position."""

    def forward(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        output = super().forward(*args, **kwargs)
        output.logits = output.logits + 1e-3 * output.logits[:, -1:]
        return output


class MambaIgnoresCache(MAMBA["model_classes"]["AutoModelForCausalLM"]):
    """Drops the cache: every step restarts from nothing."""

    def forward(self, input_ids=None, cache=None, **kwargs):  # noqa: ANN001, ANN201
        return super().forward(input_ids=input_ids, **kwargs)


class RejectsSmallEps(LLAMA["config_class"]):
    """Refuses an rms_norm_eps below the default, which LlamaConfig takes."""

    def __post_init__(self, **kwargs: object) -> None:
        super().__post_init__(**kwargs)
        if self.rms_norm_eps < LlamaConfig().rms_norm_eps:
            raise ValueError("rms_norm_eps too small")


class DriftsOnReload(LLAMA["config_class"]):
    """Grows max_position_embeddings at every construction: a reload differs, LlamaConfig's does not."""

    def __post_init__(self, **kwargs: object) -> None:
        super().__post_init__(**kwargs)
        self.max_position_embeddings += 1


# ----------------------------------------------------------------------------- faithful clones pass
def test_padding_leaks_as_in_the_source() -> None:
    """canine downsamples characters with a strided convolution, nystromformer averages landmarks over all
    tokens: padded tokens change other positions in the source too."""
    run(case(EncoderTester, CANINE), "test_padding_is_masked")
    run(case(EncoderTester, NYSTROMFORMER), "test_padding_is_masked")


def test_padding_that_the_source_masks_must_be_masked() -> None:
    broken = case(EncoderTester, BERT, model_classes={"AutoModel": BertIgnoresMask})
    with pytest.raises(AssertionError, match="holds for BertModel, not for the clone"):
        run(broken, "test_padding_is_masked")


def test_inputs_embeds_path_as_in_the_source() -> None:
    """esm's inputs_embeds skip the position embeddings and norm that input_ids get, in the source as well."""
    run(case(EncoderTester, ESM), "test_inputs_embeds_equal_input_ids")
    broken = case(EncoderTester, ESM, model_classes={**ESM["model_classes"], "AutoModelForMaskedLM": EsmDoublesEmbeds})
    with pytest.raises(AssertionError, match="differs from the source's"):
        run(broken, "test_inputs_embeds_equal_input_ids")


def test_no_input_embeddings_skips_only_because_the_source_has_none() -> None:
    """canine has no embedding matrix (hashed code points); the skip names the source's own error."""
    tester = case(EncoderTester, CANINE)
    for test_name in ("test_inputs_embeds_equal_input_ids", "test_resize_token_embeddings"):
        with pytest.raises(pytest.skip.Exception, match="CanineForSequenceClassification fails this as well"):
            run(tester, test_name)


def test_resize_skips_when_the_source_fails_alike() -> None:
    """esm's LM head keeps a bias of the old vocabulary size: the source's forward fails after a resize too."""
    with pytest.raises(pytest.skip.Exception, match="EsmForMaskedLM fails this as well: RuntimeError"):
        run(case(EncoderTester, ESM), "test_resize_token_embeddings")


def test_flag_the_source_cannot_run_is_not_compared() -> None:
    """esm with token_dropout flipped on and no mask_token_id fails in the source's forward: nothing to compare."""
    run(case(EncoderTester, ESM), "test_parity_with_source_for_flipped_flags")


def test_config_reloads_as_in_the_source(tmp_path) -> None:  # noqa: ANN001
    """MoshiConfig() leaves audio_vocab_size unset and fills it from the audio encoder only when reloading."""
    tester = case(CausalLMTester, MOSHI)
    run(tester, "test_config_json_round_trip", tmp_path)
    run(tester, "test_config_save_load", tmp_path)


def test_config_that_drifts_alone_fails(tmp_path) -> None:  # noqa: ANN001
    broken = case(CausalLMTester, LLAMA, config_class=DriftsOnReload)
    with pytest.raises(AssertionError, match="source config class round-trips"):
        run(broken, "test_config_json_round_trip", tmp_path)


def test_tied_weights_as_in_the_source(tmp_path) -> None:  # noqa: ANN001
    """Moshi's input embedding has one row more than its LM head: the source never ties them."""
    run(case(CausalLMTester, MOSHI), "test_tied_weights_follow_the_config", tmp_path)


def test_config_values_the_source_derives_or_rejects() -> None:
    """deepseek_v2 sets head_dim from qk_rope_head_dim; pocket_tts's strict validation rejects a lone
    hidden_size (not a ValueError): both as in their source config classes."""
    run(case(CausalLMTester, DEEPSEEK_V2), "test_config_values_reach_the_config")
    run(case(GenericTester, POCKET_TTS), "test_config_values_reach_the_config")


def test_config_rejecting_what_the_source_takes_fails() -> None:
    with pytest.raises(AssertionError, match="rms_norm_eps"):
        run(case(CausalLMTester, LLAMA, config_class=RejectsSmallEps), "test_config_values_reach_the_config")


def test_cache_under_another_argument_name() -> None:
    """mamba's forward takes and returns its cache as `cache`."""
    tester = case(CausalLMTester, MAMBA)
    assert cache_argument(tester.build("AutoModelForCausalLM")) == "cache"
    run(tester, "test_incremental_decoding_with_cache_matches_full_forward")
    broken = case(CausalLMTester, MAMBA, model_classes={"AutoModelForCausalLM": MambaIgnoresCache})
    with pytest.raises(AssertionError):
        run(broken, "test_incremental_decoding_with_cache_matches_full_forward")


def test_causal_rounding_as_in_the_source() -> None:
    """qwen3_next's chunked linear attention moves earlier logits by ~1e-8 when the last token changes."""
    run(case(CausalLMTester, QWEN3_NEXT), "test_causal_mask_future_tokens_do_not_leak")
    heads = {"AutoModelForCausalLM": LlamaLeaksTheFuture}
    with pytest.raises(AssertionError, match="holds for LlamaForCausalLM, not for the clone"):
        run(case(CausalLMTester, LLAMA, model_classes=heads), "test_causal_mask_future_tokens_do_not_leak")


def test_leak_checks_compare_tensors_with_the_source() -> None:
    """The clone's tensors are compared with the source's when the property fails in both."""
    tester = case(EncoderTester, CANINE)
    config = tester.get_config()
    clone = tester.build("AutoModel", config)

    def check(first: torch.Tensor) -> None:
        raise AssertionError("fails everywhere")

    tester.assert_holds_as_in_source("AutoModel", config, clone, lambda m: (torch.zeros(1),), check)
    offsets = iter([torch.zeros(1), torch.ones(1)])
    with pytest.raises(AssertionError, match="differs from the source's"):
        tester.assert_holds_as_in_source("AutoModel", config, clone, lambda m: (next(offsets),), check)
