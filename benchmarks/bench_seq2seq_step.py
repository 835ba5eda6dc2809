"""One Seq2SeqTrainer training step: the tiny vision-encoder-decoder clone vs transformers' own model.

    python benchmarks/bench_seq2seq_step.py [--steps 20] [--warmup 3] [--rounds 3] [--no-test-file]

Generates a `--like vision-encoder-decoder` clone into a temporary folder and imports it. Builds a tiny ViT + GPT2
VisionEncoderDecoderModel with a fixed seed and loads the same weights into the clone, then trains each with
Seq2SeqTrainer on the same batches (same seed, same order). A callback records the wall time of every optimizer
step (data collation, forward, backward, optimizer); the first `--warmup` steps of each run are dropped. Runs of
the two models alternate for `--rounds` rounds so that load from other processes hits both alike. Prints the median
step time of each, their ratio (renaming should cost nothing: 1.0 within noise) and the first losses of each (they
must match: same weights, same batches). Then times the generated test file (`pytest <project>/tests`) in a fresh
process. Prints figures only; it asserts nothing. The load average is printed since the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import transformers
from transformers import (
    GPT2Config,
    Seq2SeqTrainer,
    Seq2SeqTrainingArguments,
    TrainerCallback,
    VisionEncoderDecoderConfig,
    VisionEncoderDecoderModel,
    ViTConfig,
)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scaffold.project import NewModelRequest, plan_new_model  # noqa: E402
from scaffold.writer import write_new_tree  # noqa: E402

IMAGE, VOCAB, LABEL_LENGTH, BATCH = 32, 99, 8, 4


class StepTimer(TrainerCallback):
    """Wall seconds of each optimizer step, from on_step_begin to on_step_end."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._started = 0.0

    def on_step_begin(self, args, state, control, **kwargs):
        self._started = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self.seconds.append(time.perf_counter() - self._started)


def generate_clone(out: Path) -> type:
    """The model class of a vision-encoder-decoder clone written into `out` and imported from there."""
    write_new_tree(plan_new_model(NewModelRequest(like="vision-encoder-decoder", name="bench-captioner", out=out)))
    sys.path.insert(0, str(out))
    return importlib.import_module("bench_captioner").BenchCaptionerModel


def tiny_config(config_class: type) -> object:
    encoder = ViTConfig(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        image_size=IMAGE,
        patch_size=8,
    )
    decoder = GPT2Config(n_embd=32, n_layer=2, n_head=2, vocab_size=VOCAB)
    return config_class.from_encoder_decoder_configs(encoder, decoder, decoder_start_token_id=1, pad_token_id=0)


def examples(count: int) -> list[dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(1)
    return [
        {
            "pixel_values": torch.randn(3, IMAGE, IMAGE, generator=g),
            "labels": torch.randint(2, VOCAB, (LABEL_LENGTH,), generator=g),
        }
        for _ in range(count)
    ]


def train(model: torch.nn.Module, steps: int, out: str) -> tuple[list[float], list[float]]:
    """Step seconds and logged losses of `steps` optimizer steps."""
    args = Seq2SeqTrainingArguments(
        out,
        per_device_train_batch_size=BATCH,
        max_steps=steps,
        learning_rate=1e-3,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
        dataloader_num_workers=0,
    )
    timer = StepTimer()
    trainer = Seq2SeqTrainer(model=model, args=args, train_dataset=examples(steps * BATCH), callbacks=[timer])
    trainer.remove_callback(transformers.trainer_callback.PrinterCallback)  # keep the output to the figures
    trainer.train()
    return timer.seconds, [e["loss"] for e in trainer.state.log_history if "loss" in e]


def time_test_file(project: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of `pytest tests` in the project (a fresh process), and pytest's last line."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return wall, usage.ru_utime + usage.ru_stime - cpu, lines[-1] if lines else f"exit {done.returncode}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=3, help="steps dropped at the start of each run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of each model")
    parser.add_argument("--no-test-file", action="store_true", help="skip timing the generated test file")
    args = parser.parse_args(argv)
    transformers.logging.set_verbosity_error()
    torch.set_num_threads(1)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; torch threads: 1")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "bench_captioner"
        clone_class = generate_clone(project)
        torch.manual_seed(0)
        weights = VisionEncoderDecoderModel(tiny_config(VisionEncoderDecoderConfig)).state_dict()
        builders = {
            "transformers VisionEncoderDecoderModel": lambda: VisionEncoderDecoderModel(
                tiny_config(VisionEncoderDecoderConfig)
            ),
            "clone BenchCaptionerModel": lambda: clone_class(tiny_config(clone_class.config_class)),
        }
        timings: dict[str, list[float]] = {name: [] for name in builders}
        first_losses: dict[str, list[float]] = {}
        for round_index in range(args.rounds):
            for name, build in builders.items():
                model = build()
                model.load_state_dict(weights)
                seconds, losses = train(model, args.warmup + args.steps, str(Path(tmp) / f"run{round_index}"))
                timings[name].extend(seconds[args.warmup :])
                first_losses.setdefault(name, losses[:3])
        print(
            f"one Seq2SeqTrainer step (batch {BATCH}, ViT+GPT2 2 layers hidden 32), median of "
            f"{args.rounds} x {args.steps} steps after {args.warmup} warm-up steps per run:"
        )
        medians = {name: statistics.median(values) for name, values in timings.items()}
        for name, values in timings.items():
            q = statistics.quantiles(values, n=4)
            print(
                f"  {name:40} median {medians[name] * 1000:7.2f} ms  (quartiles {q[0] * 1000:.2f}-{q[2] * 1000:.2f} ms)"
                f"  first losses {[round(x, 4) for x in first_losses[name]]}"
            )
        stock, clone = medians.values()
        print(f"  ratio clone / transformers: {clone / stock:.3f}")
        if not args.no_test_file:
            wall, cpu, summary = time_test_file(project)
            print(
                f"generated VED test file (pytest {project.name}/tests): {wall:.1f} s wall, {cpu:.1f} s CPU: {summary}"
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
