"""Seq2SeqTrainer tests for the families trained with it (seq2seq LM, vision encoder-decoder)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
import transformers
from transformers import PreTrainedConfig, Seq2SeqTrainer, Seq2SeqTrainingArguments


class ExampleDataset(torch.utils.data.Dataset):
    """A fixed list of examples (dicts of tensors) that Trainer can batch with its default collator."""

    def __init__(self, examples: list[dict[str, torch.Tensor]]) -> None:
        self.examples = examples

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return self.examples[index]


class Seq2SeqTrainerTests:
    """Mixin: train, evaluate with generation, gradient accumulation and reload through Seq2SeqTrainer."""

    __test__ = False
    trainer_generation_max_length: ClassVar[int] = 8
    # The saved model must reload through AutoModel too (issue 5: VED clones register AutoModel).
    reload_through_auto_model: ClassVar[bool] = False

    def training_examples(self, config: PreTrainedConfig, count: int) -> list[dict[str, torch.Tensor]]:
        """`count` examples with labels; the family provides the features."""
        raise NotImplementedError

    def trainer(self, tmp_path: Path, config: PreTrainedConfig, examples: list, **arguments: Any) -> Seq2SeqTrainer:
        settings = {
            "output_dir": str(tmp_path),
            "report_to": [],
            "use_cpu": True,
            "save_strategy": "no",
            "logging_steps": 1,
            "per_device_train_batch_size": 2,
            "per_device_eval_batch_size": 2,
            "learning_rate": 1e-3,
            "max_steps": 3,
            "seed": 0,
            "dataloader_num_workers": 0,
            "disable_tqdm": True,
        }
        args = Seq2SeqTrainingArguments(**{**settings, **arguments})
        model = self.build(self.main_head(), config)
        return Seq2SeqTrainer(model=model, args=args, train_dataset=ExampleDataset(examples))

    def test_seq2seq_trainer_trains_and_evaluates_with_generate(self, tmp_path: Path) -> None:
        config = self.get_config()
        examples = self.training_examples(config, 4)
        seen: list[np.ndarray] = []

        def compute_metrics(prediction: Any) -> dict[str, float]:
            seen.append(np.asarray(prediction.predictions))
            return {"mean_token": float(np.asarray(prediction.predictions).mean())}

        trainer = self.trainer(
            tmp_path / "run",
            config,
            examples,
            predict_with_generate=True,
            generation_max_length=self.trainer_generation_max_length,
            generation_num_beams=1,
        )
        trainer.compute_metrics = compute_metrics
        trainer.train()
        metrics = trainer.evaluate(eval_dataset=ExampleDataset(examples))
        assert np.isfinite(metrics["eval_loss"]), metrics
        assert seen, "predict_with_generate did not call compute_metrics"
        predictions = seen[0]
        assert predictions.shape[0] == len(examples) and predictions.ndim == 2, predictions.shape
        assert np.issubdtype(predictions.dtype, np.integer), predictions.dtype
        assert "eval_mean_token" in metrics
        self._check_reload(tmp_path / "saved", trainer, config)

    def _check_reload(self, path: Path, trainer: Seq2SeqTrainer, config: PreTrainedConfig) -> None:
        trainer.save_model(str(path))
        key = self.main_head()
        reloaded = getattr(transformers, key).from_pretrained(path).eval()
        assert type(reloaded) is self.model_classes[key]
        if "AutoModel" in self.model_classes or self.reload_through_auto_model:
            base = transformers.AutoModel.from_pretrained(path)
            expected = self.model_classes.get("AutoModel", self.model_classes[key])
            assert type(base) is expected, f"AutoModel loaded {type(base).__name__}, not {expected.__name__}"
        model = trainer.model.eval()
        inputs = self.generation_inputs(config)
        for num_beams in (1, 2):
            settings = {"max_new_tokens": 4, "num_beams": num_beams, "do_sample": False}
            with torch.no_grad():
                assert torch.equal(model.generate(**inputs, **settings), reloaded.generate(**inputs, **settings))

    def test_loss_drops_when_overfitting_one_batch(self, tmp_path: Path) -> None:
        config = self.get_config()
        examples = self.training_examples(config, 2)
        trainer = self.trainer(tmp_path, config, examples * 8, max_steps=12, learning_rate=1e-2)
        trainer.train()
        losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
        assert len(losses) == 12, losses
        assert losses[-1] < 0.7 * losses[0], f"loss did not drop enough: {losses}"

    def test_gradient_accumulation_logs_the_same_loss(self, tmp_path: Path) -> None:
        """GA=2 with half batches logs the loss of GA=1 (a model ignoring num_items_in_batch doubles it)."""
        config = self.get_config()
        examples = self.training_examples(config, 4)
        logged = []
        for batch, steps in ((4, 1), (2, 2)):
            trainer = self.trainer(
                tmp_path / f"ga{steps}",
                copy.deepcopy(config),
                examples,
                max_steps=1,
                per_device_train_batch_size=batch,
                gradient_accumulation_steps=steps,
            )
            trainer.train()
            logged.append(next(entry["loss"] for entry in trainer.state.log_history if "loss" in entry))
        assert abs(logged[0] - logged[1]) <= 0.02 * abs(logged[0]), f"GA=1 logged {logged[0]}, GA=2 {logged[1]}"
