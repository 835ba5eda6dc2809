"""Issue 5.2: a vision-encoder-decoder clone builds from local folders of tiny saved encoders and decoders.

The clone is generated once per module into a temporary folder and imported from there. Each pair is saved with
`save_pretrained`, loaded with `from_encoder_decoder_pretrained`, run with labels and asked to generate.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import torch
from transformers import (
    BertConfig,
    BertLMHeadModel,
    DeiTConfig,
    DeiTModel,
    GPT2Config,
    GPT2LMHeadModel,
    SwinConfig,
    SwinModel,
    TrOCRConfig,
    TrOCRForCausalLM,
    ViTConfig,
    ViTModel,
)

from scaffold.project import NewModelRequest, plan_new_model
from scaffold.writer import write_new_tree

HIDDEN, VOCAB, IMAGE = 32, 99, 32
START, PAD = 1, 0

ENCODERS = {
    "vit": lambda: ViTModel(
        ViTConfig(
            hidden_size=HIDDEN,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
            image_size=IMAGE,
            patch_size=16,
        )
    ),
    "swin": lambda: SwinModel(
        SwinConfig(image_size=IMAGE, patch_size=4, embed_dim=16, depths=[1, 1], num_heads=[2, 2], window_size=4)
    ),
    "deit": lambda: DeiTModel(
        DeiTConfig(
            hidden_size=HIDDEN,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
            image_size=IMAGE,
            patch_size=16,
        )
    ),
}

# Saved as plain language models (no cross-attention): loading them as decoders must switch it on.
DECODERS = {
    "gpt2": lambda: GPT2LMHeadModel(GPT2Config(n_embd=HIDDEN, n_layer=1, n_head=2, vocab_size=VOCAB)),
    "bert": lambda: BertLMHeadModel(
        BertConfig(
            hidden_size=HIDDEN,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
            vocab_size=VOCAB,
            is_decoder=True,
        )
    ),
    "trocr": lambda: TrOCRForCausalLM(
        TrOCRConfig(d_model=HIDDEN, decoder_layers=1, decoder_attention_heads=2, decoder_ffn_dim=37, vocab_size=VOCAB)
    ),
}

PAIRS = [("vit", "gpt2"), ("swin", "gpt2"), ("deit", "gpt2"), ("vit", "bert"), ("vit", "trocr")]
EXPECTED_DECODER = {"gpt2": "GPT2LMHeadModel", "bert": "BertLMHeadModel", "trocr": "TrOCRForCausalLM"}
EXPECTED_ENCODER = {"vit": "ViTModel", "swin": "SwinModel", "deit": "DeiTModel"}


@pytest.fixture(scope="module")
def model_class(tmp_path_factory: pytest.TempPathFactory) -> type:
    """`VedPretrainedProbeModel` from a vision-encoder-decoder clone generated into a temporary folder."""
    root = tmp_path_factory.mktemp("clone") / "ved_pretrained_probe"
    plan = plan_new_model(NewModelRequest(like="vision-encoder-decoder", name="ved-pretrained-probe", out=root))
    write_new_tree(plan)
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module("ved_pretrained_probe")
    finally:
        sys.path.remove(str(root))
    return package.VedPretrainedProbeModel


@pytest.fixture(scope="module")
def saved_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each tiny encoder and decoder saved in its own folder."""
    root = tmp_path_factory.mktemp("parts")
    torch.manual_seed(0)
    folders = {}
    for name, build in {**ENCODERS, **DECODERS}.items():
        build().save_pretrained(root / name)
        folders[name] = root / name
    return folders


@pytest.mark.parametrize(("encoder", "decoder"), PAIRS, ids=["-".join(p) for p in PAIRS])
def test_from_encoder_decoder_pretrained_trains_and_generates(model_class, saved_parts, encoder, decoder):
    model = model_class.from_encoder_decoder_pretrained(
        str(saved_parts[encoder]), str(saved_parts[decoder]), decoder_start_token_id=START, pad_token_id=PAD
    )
    assert type(model.config).__name__ == "VedPretrainedProbeConfig"
    assert (type(model.encoder).__name__, type(model.decoder).__name__) == (
        EXPECTED_ENCODER[encoder],
        EXPECTED_DECODER[decoder],
    )
    assert model.generation_config.decoder_start_token_id == START  # set at construction, so generate sees it
    torch.manual_seed(1)
    pixels = torch.randn(2, 3, IMAGE, IMAGE)
    labels = torch.randint(2, VOCAB, (2, 5))
    out = model(pixel_values=pixels, labels=labels)
    assert torch.isfinite(out.loss) and out.loss.item() > 0
    out.loss.backward()
    other = model(pixel_values=torch.randn(2, 3, IMAGE, IMAGE), labels=labels)
    assert not torch.allclose(out.logits, other.logits)  # the decoder attends to the image (cross-attention is on)
    generated = model.generate(pixels, max_new_tokens=3, do_sample=False)
    assert generated.shape == (2, 4)
    assert generated[:, 0].tolist() == [START, START]


def test_config_from_encoder_decoder_configs_builds_any_pair(model_class):
    config_class = model_class.config_class
    config = config_class.from_encoder_decoder_configs(
        SwinConfig(image_size=IMAGE, patch_size=4, embed_dim=16, depths=[1, 1], num_heads=[2, 2], window_size=4),
        TrOCRConfig(d_model=HIDDEN, decoder_layers=1, decoder_attention_heads=2, decoder_ffn_dim=37, vocab_size=VOCAB),
        decoder_start_token_id=START,
        pad_token_id=PAD,
    )
    model = model_class(config)
    assert (config.encoder.model_type, config.decoder.model_type) == ("swin", "trocr")
    assert config.decoder.is_decoder and config.decoder.add_cross_attention
    labels = torch.randint(2, VOCAB, (2, 4))
    assert torch.isfinite(model(pixel_values=torch.randn(2, 3, IMAGE, IMAGE), labels=labels).loss)


def test_missing_decoder_path_is_reported(model_class, saved_parts):
    with pytest.raises(ValueError, match="decoder"):
        model_class.from_encoder_decoder_pretrained(str(saved_parts["vit"]), None)
