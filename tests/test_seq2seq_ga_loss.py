"""Issue 5.1 for text seq2seq sources: a `--like t5` / `--like bart` clone logs the same loss at
gradient_accumulation_steps=1 and 2, while the stock transformers model logs a doubled loss at GA=2.

Both runs see the same 4 examples in the same order (2 optimizer steps of 2 examples: one batch of 2, or two
accumulated batches of 1) with every label sequence of equal length, so the mean losses must agree.
"""

from __future__ import annotations

import importlib
import sys

import pytest
import torch
import transformers
from transformers import AutoConfig, Seq2SeqTrainer, Seq2SeqTrainingArguments

from scaffold.project import NewModelRequest, plan_new_model
from scaffold.writer import write_new_tree

VOCAB = 40
SIZES = {
    "t5": dict(d_model=16, d_ff=32, d_kv=8, num_layers=1, num_decoder_layers=1, num_heads=2, dropout_rate=0.0),
    "bart": dict(
        d_model=16,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        max_position_embeddings=16,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
    ),
}
STOCK = {"t5": transformers.T5ForConditionalGeneration, "bart": transformers.BartForConditionalGeneration}
CLONE = {
    "t5": ("ga-probe-t5", "GaProbeT5ForConditionalGeneration"),
    "bart": ("ga-probe-bart", "GaProbeBartForConditionalGeneration"),
}


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, type]:
    """The LM head class of a t5 and a bart clone, generated into a temporary folder and imported."""
    found = {}
    for like, (name, head) in CLONE.items():
        snake = name.replace("-", "_")
        root = tmp_path_factory.mktemp(like) / snake
        write_new_tree(plan_new_model(NewModelRequest(like=like, name=name, out=root)))
        sys.path.insert(0, str(root))
        try:
            found[like] = getattr(importlib.import_module(snake), head)
        finally:
            sys.path.remove(str(root))
    return found


def _examples() -> list[dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(1)
    return [
        {"input_ids": torch.randint(3, VOCAB, (6,), generator=g), "labels": torch.randint(3, VOCAB, (5,), generator=g)}
        for _ in range(4)
    ]


def _logged_losses(model_class: type, like: str, accumulation: int, out_dir: str) -> list[float]:
    """Train a tiny `model_class` holding the stock model's seeded weights; return the logged losses."""
    config = STOCK[like].config_class(vocab_size=VOCAB, pad_token_id=0, decoder_start_token_id=0, **SIZES[like])
    torch.manual_seed(0)
    weights = STOCK[like](config).state_dict()
    model = model_class(model_class.config_class(**config.to_dict()))
    model.load_state_dict(weights)
    args = Seq2SeqTrainingArguments(
        out_dir,
        per_device_train_batch_size=2 // accumulation,
        gradient_accumulation_steps=accumulation,
        max_steps=2,
        learning_rate=1e-3,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
    )
    trainer = Seq2SeqTrainer(model=model, args=args, train_dataset=_examples())
    trainer.train()
    return [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]


@pytest.mark.parametrize("like", ["t5", "bart"])
def test_clone_logs_the_same_loss_at_ga1_and_ga2_unlike_the_stock_model(clones, tmp_path, like):
    transformers.logging.set_verbosity_error()
    stock = [_logged_losses(STOCK[like], like, ga, str(tmp_path / f"stock{ga}")) for ga in (1, 2)]
    clone = [_logged_losses(clones[like], like, ga, str(tmp_path / f"clone{ga}")) for ga in (1, 2)]
    assert len(clone[0]) == len(clone[1]) == 2
    assert stock[1][0] == pytest.approx(2 * stock[0][0], rel=1e-3)  # the bug the profile fixes is present
    assert clone[1] == pytest.approx(clone[0], rel=1e-3)
    assert clone[0][0] == pytest.approx(stock[0][0], rel=1e-4)  # same loss as the source at GA=1


def test_the_clone_says_it_ignores_loss_kwargs(clones):
    for like, head in clones.items():
        assert head.accepts_loss_kwargs is False, like
        assert "accepts_loss_kwargs" not in vars(STOCK[like]), like


def test_every_listed_head_still_ignores_loss_kwargs_in_transformers():
    """The table names real classes whose Trainer default (forward takes **kwargs) is the wrong one."""
    import inspect

    from scaffold.profiles import MEAN_LOSS_SEQ2SEQ_HEADS, profile_for

    for model_type, head in MEAN_LOSS_SEQ2SEQ_HEADS.items():
        cls = getattr(transformers, head)
        assert "accepts_loss_kwargs" not in vars(cls), head
        kinds = {p.kind for p in inspect.signature(cls.forward).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD in kinds, head
        assert "accepts_loss_kwargs = False" in profile_for(model_type).overrides[head]
