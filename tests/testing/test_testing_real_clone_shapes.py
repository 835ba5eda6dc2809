"""Shapes of real clones the stand-ins of test_testing_families.py did not have (found on `new-model` output):
every head of t5/bart, a dual encoder (clip) under VisionEncoderTester, an absolute-position decoder (gpt2)
with left padding, and a decoder that drops `decoder_attention_mask`. Tests are called directly (fast)."""

from __future__ import annotations

import pytest
import torch
from testing_standins import VED, standin

from scaffold.testing import (
    CausalLMTester,
    EncoderTester,
    GenericTester,
    ImageTextToTextTester,
    Seq2SeqLMTester,
    VisionEncoderDecoderTester,
    VisionEncoderTester,
)

T5_HEADS = standin(
    "t5",
    "standin-t5-heads",
    {
        "AutoModel": "T5Model",
        "AutoModelForSeq2SeqLM": "T5ForConditionalGeneration",
        "AutoModelForPreTraining": "T5ForConditionalGeneration",
        "AutoModelForTextEncoding": "T5EncoderModel",
        "AutoModelForTokenClassification": "T5ForTokenClassification",
        "AutoModelForSequenceClassification": "T5ForSequenceClassification",
    },
)
BART_HEADS = standin(
    "bart",
    "standin-bart-heads",
    {
        "AutoModelForSeq2SeqLM": "BartForConditionalGeneration",
        "AutoModelForMaskedLM": "BartForConditionalGeneration",
        "AutoModelForCausalLM": "BartForCausalLM",
        "AutoModelForSequenceClassification": "BartForSequenceClassification",
        "AutoModelForQuestionAnswering": "BartForQuestionAnswering",
    },
)
CLIP = standin(
    "clip",
    "standin-clip",
    {"AutoModel": "CLIPModel", "AutoModelForImageClassification": "CLIPForImageClassification"},
)
GPT2 = standin("gpt2", "standin-gpt2", {"AutoModelForCausalLM": "GPT2LMHeadModel"})


def direct(base: type, attributes: dict) -> object:
    return type("Direct", (base,), {**attributes, "__test__": False})()


@pytest.mark.parametrize("heads", [T5_HEADS, BART_HEADS], ids=["t5", "bart"])
def test_every_seq2seq_head_gets_inputs_it_takes(heads: dict) -> None:
    suite = direct(Seq2SeqLMTester, heads)
    suite.test_loss_and_backward_for_every_head()
    suite.test_parity_with_source_model()


def test_only_the_full_seq2seq_classes_get_decoder_inputs() -> None:
    suite = direct(Seq2SeqLMTester, T5_HEADS)
    config = suite.get_config()
    takes = {key: "decoder_input_ids" in suite.inputs_for(key, config) for key in suite.head_keys()}
    assert takes == {
        "AutoModel": True,
        "AutoModelForPreTraining": True,
        "AutoModelForSeq2SeqLM": True,
        "AutoModelForSequenceClassification": False,
        "AutoModelForTextEncoding": False,
        "AutoModelForTokenClassification": False,
    }
    inputs = suite.inputs_for("AutoModelForPreTraining", config)
    labels = suite.labels_for("AutoModelForPreTraining", config, inputs)["labels"]
    assert labels.shape == inputs["decoder_input_ids"].shape
    assert (inputs["input_ids"][:, -1] == config.eos_token_id).all()


@pytest.mark.parametrize(
    "test_name",
    [
        "test_loss_and_backward_for_every_head",
        "test_config_defaults_match_source",
        "test_init_weights_cover_every_parameter",
        "test_parity_with_source_model",
    ],
)
def test_dual_encoder_under_the_vision_tester(test_name: str) -> None:
    getattr(direct(VisionEncoderTester, CLIP), test_name)()


def test_dual_encoder_heads_get_only_their_inputs() -> None:
    suite = direct(VisionEncoderTester, CLIP)
    config = suite.get_config()
    assert sorted(suite.inputs_for("AutoModel", config)) == ["attention_mask", "input_ids", "pixel_values"]
    assert sorted(suite.inputs_for("AutoModelForImageClassification", config)) == ["pixel_values"]


def test_init_check_still_fails_on_a_parameter_the_source_initialises() -> None:
    """Tolerating what the source leaves alone (clip logit_scale) must not hide what the clone forgets."""
    base = CLIP["model_classes"]["AutoModelForImageClassification"]

    class ForgetsClassifier(base):
        def _init_weights(self, module: torch.nn.Module) -> None:
            if module is not getattr(self, "classifier", None):
                super()._init_weights(module)

    heads = {"AutoModelForImageClassification": ForgetsClassifier}
    sources = {"AutoModelForImageClassification": "CLIPForImageClassification"}
    suite = direct(VisionEncoderTester, {**CLIP, "model_classes": heads, "source_classes": sources})
    with pytest.raises(AssertionError, match="classifier.weight"):
        suite.test_init_weights_cover_every_parameter()


def test_left_padding_with_absolute_positions() -> None:
    direct(CausalLMTester, GPT2).test_left_padding_does_not_change_outputs()


def _dropping_decoder_mask(model_class: type) -> type:
    class DropsDecoderMask(model_class):
        def forward(self, *args, decoder_attention_mask=None, **kwargs):
            return super().forward(*args, **kwargs)

    return DropsDecoderMask


@pytest.mark.parametrize(
    ("base", "attributes", "key"),
    [
        (VisionEncoderDecoderTester, VED, "AutoModelForImageTextToText"),
        (Seq2SeqLMTester, BART_HEADS, "AutoModelForSeq2SeqLM"),
    ],
    ids=["ved", "bart"],
)
def test_decoder_attention_mask_test(base: type, attributes: dict, key: str) -> None:
    """Passes on the stock model, fails on one that drops decoder_attention_mask."""
    direct(base, attributes).test_decoder_attention_mask_is_applied()
    broken = {**attributes, "model_classes": {key: _dropping_decoder_mask(attributes["model_classes"][key])}}
    with pytest.raises(AssertionError):
        direct(base, broken).test_decoder_attention_mask_is_applied()


def test_main_head_is_a_task_head_even_when_the_bare_model_comes_first() -> None:
    """bert's clone lists AutoModelForTextEncoding (the bare BertModel) first: tests must not run on it."""
    bert = standin(
        "bert",
        "standin-bert-order",
        {"AutoModel": "BertModel", "AutoModelForMaskedLM": "BertForMaskedLM"},
    )
    bare = bert["model_classes"]["AutoModel"]
    ordered = {"AutoModelForTextEncoding": bare, **bert["model_classes"]}
    assert direct(EncoderTester, {**bert, "model_classes": ordered}).main_head() == "AutoModelForMaskedLM"
    only_bare = {"AutoModelForTextEncoding": bare, "AutoModel": bare}
    assert direct(EncoderTester, {**bert, "model_classes": only_bare}).main_head() == "AutoModelForTextEncoding"


def test_generic_tester_on_splinter_question_tokens_and_unknown_labels() -> None:
    """splinter needs a question token (inside the tiny vocabulary) in every row; its pre-training head takes
    question positions, not labels: that head gets no labels instead of a `labels=` it would ignore."""
    splinter = standin(
        "splinter",
        "standin-splinter",
        {
            "AutoModelForPreTraining": "SplinterForPreTraining",
            "AutoModelForQuestionAnswering": "SplinterForQuestionAnswering",
        },
    )
    suite = direct(GenericTester, splinter)
    config = suite.get_config()
    inputs = suite.make_inputs(config)
    assert config.question_token_id < config.vocab_size
    assert (inputs["input_ids"] == config.question_token_id).any(dim=1).all()
    assert suite.labels_for("AutoModelForPreTraining", config, inputs) is None
    suite.test_loss_and_backward_for_every_head()
    suite.test_parity_with_source_model()


def test_pre_training_head_gets_only_the_label_names_it_declares() -> None:
    """llava's clone lists AutoModelForPreTraining: it takes labels, not bert's next_sentence_label too."""
    llava = standin("llava", "standin-llava-pt", {"AutoModelForPreTraining": "LlavaForConditionalGeneration"})
    suite = direct(ImageTextToTextTester, llava)
    config = suite.get_config()
    labels = suite.labels_for("AutoModelForPreTraining", config, suite.make_inputs(config))
    assert sorted(labels) == ["labels"]
