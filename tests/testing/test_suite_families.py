"""The common suite on transformers' own models as clones of themselves: encoder, seq2seq, vision encoder."""

from pathlib import Path

import pytest
from transformers import (
    BertConfig,
    BertForMaskedLM,
    BertForSequenceClassification,
    BertForTokenClassification,
    BertModel,
    T5Config,
    T5ForConditionalGeneration,
    T5Model,
    ViTConfig,
    ViTForImageClassification,
    ViTModel,
)

from scaffold.testing import EncoderTester, Seq2SeqLMTester, VisionEncoderTester


class TestBertAsItsOwnClone(EncoderTester):
    config_class = BertConfig
    model_type = "bert"
    model_classes = {
        "AutoModel": BertModel,
        "AutoModelForMaskedLM": BertForMaskedLM,
        "AutoModelForSequenceClassification": BertForSequenceClassification,
        "AutoModelForTokenClassification": BertForTokenClassification,
    }
    source_model_type = "bert"
    source_classes = {
        "AutoModel": "BertModel",
        "AutoModelForMaskedLM": "BertForMaskedLM",
        "AutoModelForSequenceClassification": "BertForSequenceClassification",
        "AutoModelForTokenClassification": "BertForTokenClassification",
    }
    state_dict_key_renames = (("bert.", "bert."),)


class TestT5AsItsOwnClone(Seq2SeqLMTester):
    config_class = T5Config
    model_type = "t5"
    model_classes = {"AutoModel": T5Model, "AutoModelForSeq2SeqLM": T5ForConditionalGeneration}
    source_model_type = "t5"
    source_classes = {"AutoModel": "T5Model", "AutoModelForSeq2SeqLM": "T5ForConditionalGeneration"}

    @pytest.mark.xfail(
        strict=True, reason="stock T5 (transformers 5.23) ignores num_items_in_batch: doubled loss at GA=2"
    )
    def test_gradient_accumulation_logs_the_same_loss(self, tmp_path: Path) -> None:
        super().test_gradient_accumulation_logs_the_same_loss(tmp_path)


class TestViTAsItsOwnClone(VisionEncoderTester):
    config_class = ViTConfig
    model_type = "vit"
    model_classes = {"AutoModel": ViTModel, "AutoModelForImageClassification": ViTForImageClassification}
    source_model_type = "vit"
    source_classes = {"AutoModel": "ViTModel", "AutoModelForImageClassification": "ViTForImageClassification"}
    state_dict_key_renames = (("vit.", "vit."),)
