"""Unit tests of scaffold.testing's pure parts: tiny configs, key renames, output comparison, collection."""

from __future__ import annotations

import pytest
import torch
from transformers import BertConfig, GPT2Config, LlamaConfig, T5Config
from transformers.modeling_outputs import CausalLMOutputWithPast

from scaffold.testing import CausalLMTester, GenericTester, ModelTester, TinySizes, shrink_config
from scaffold.testing.helpers import assert_outputs_equal, rename_keys, tensor_leaves
from scaffold.testing.tiny import apply_overrides


def test_shrink_llama_keeps_heads_consistent() -> None:
    tiny = shrink_config(LlamaConfig())
    assert (tiny.hidden_size, tiny.num_hidden_layers, tiny.num_attention_heads) == (32, 2, 4)
    assert tiny.head_dim == 8 and tiny.num_key_value_heads == 2
    assert tiny.vocab_size == 99 and tiny.intermediate_size == 64


def test_shrink_does_not_touch_the_original() -> None:
    original = LlamaConfig()
    shrink_config(original)
    assert original.hidden_size == 4096


def test_shrink_clamps_token_ids_into_the_tiny_vocab() -> None:
    tiny = shrink_config(GPT2Config())
    assert tiny.vocab_size == 99
    assert 0 <= tiny.bos_token_id < 99 and 0 <= tiny.eos_token_id < 99


def test_shrink_sets_t5_kv_size_and_zero_dropout() -> None:
    tiny = shrink_config(T5Config())
    assert tiny.d_kv == tiny.d_model // tiny.num_heads == 8
    assert tiny.dropout_rate == 0.0
    assert shrink_config(BertConfig()).hidden_dropout_prob == 0.0


def test_custom_sizes_and_dotted_overrides() -> None:
    tiny = shrink_config(LlamaConfig(), TinySizes(hidden=64, heads=8, kv_heads=8))
    assert (tiny.hidden_size, tiny.head_dim, tiny.num_key_value_heads) == (64, 8, 8)
    holder = GPT2Config()
    holder.sub = LlamaConfig()
    apply_overrides(holder, {"sub.vocab_size": 7, "n_layer": 1})
    assert holder.sub.vocab_size == 7 and holder.n_layer == 1


def test_rename_keys_maps_clone_prefix_to_source_prefix() -> None:
    state = {"my_bert.embeddings.weight": torch.zeros(1), "classifier.bias": torch.ones(1)}
    renamed = rename_keys(state, (("bert.", "my_bert."),))
    assert sorted(renamed) == ["bert.embeddings.weight", "classifier.bias"]


def test_rename_keys_renames_a_component_anywhere_in_the_key() -> None:
    state = {
        "my_albert.encoder.my_albert_layer_groups.0.weight": torch.zeros(1),
        "my_albert.encoder.albert_layer_groups_extra.bias": torch.ones(1),
    }
    renames = (("albert.", "my_albert."), ("albert_layer_groups.", "my_albert_layer_groups."))
    assert sorted(rename_keys(state, renames)) == [
        "albert.encoder.albert_layer_groups.0.weight",
        "albert.encoder.albert_layer_groups_extra.bias",
    ]


def test_assert_outputs_equal_detects_a_tiny_difference() -> None:
    first = CausalLMOutputWithPast(logits=torch.zeros(2, 3))
    second = CausalLMOutputWithPast(logits=torch.zeros(2, 3) + 1e-7)
    assert_outputs_equal(first, CausalLMOutputWithPast(logits=torch.zeros(2, 3)))
    with pytest.raises(AssertionError, match="logits differs"):
        assert_outputs_equal(first, second)
    assert [name for name, _ in tensor_leaves(first)] == ["logits"]


def test_bases_are_not_collected_but_subclasses_are() -> None:
    assert ModelTester.__test__ is False and CausalLMTester.__test__ is False and GenericTester.__test__ is False

    class TestSomething(CausalLMTester):
        pass

    assert TestSomething.__test__ is True


def test_first_int_skips_bools_and_missing_names_then_defaults_or_raises() -> None:
    from types import SimpleNamespace

    from scaffold.testing.helpers import first_int

    config = SimpleNamespace(use_cache=True, d_model=None, num_layers=3)
    assert first_int(config, ("use_cache", "d_model", "num_layers")) == 3
    assert first_int(config, ("use_cache", "hidden_size"), 32) == 32
    with pytest.raises(AttributeError, match="hidden_size"):
        first_int(config, ("hidden_size",))
