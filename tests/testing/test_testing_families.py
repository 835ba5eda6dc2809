"""The common suite passes on stand-in clones of one model per family (transformers' classes, new model_type)."""

from __future__ import annotations

from testing_standins import BART, BERT, LLAMA, T5, VED, VIT

from scaffold.testing import (
    CausalLMTester,
    EncoderTester,
    Seq2SeqLMTester,
    VisionEncoderDecoderTester,
    VisionEncoderTester,
)


class TestLlamaStandin(CausalLMTester):
    locals().update(LLAMA)


class TestBertStandin(EncoderTester):
    locals().update(BERT)
    params_without_grad = ()


class TestBartStandin(Seq2SeqLMTester):
    locals().update(BART)


class TestT5Standin(Seq2SeqLMTester):
    locals().update(T5)


class TestVitStandin(VisionEncoderTester):
    locals().update(VIT)


class TestVisionEncoderDecoderStandin(VisionEncoderDecoderTester):
    locals().update(VED)
