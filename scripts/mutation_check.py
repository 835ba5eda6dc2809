"""Mutation check: do the generated tests catch real bugs?

Generates a clone with `python -m scaffold new-model --like MODEL --no-tests` into a temporary folder, runs its
generated tests once (they must pass), then applies each mutation below - one at a time - to the clone's
modeling / configuration file, reruns the tests and records which tests failed. A mutation is a list of
exact text substitutions; each must match exactly once, else the mutation is reported as BROKEN (neither
caught nor missed).

    python scripts/mutation_check.py --like llama [--only NAME ...] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mutation:
    """A named bug: (file kind, old text, new text) substitutions applied together."""

    name: str
    edits: tuple[tuple[str, str, str], ...]  # ("modeling" | "configuration", old, new)


M, C = "modeling", "configuration"

LLAMA_MUTATIONS = (
    Mutation("drop the attention mask", ((M, "            attention_mask,\n            dropout=", "            None,\n            dropout="),)),
    Mutation(
        "break the cache update",
        ((M, "key_states, value_states = past_key_values.update(", "past_key_values.update("),),
    ),
    Mutation("never create a cache", ((M, "past_key_values = DynamicCache(config=self.config)", "past_key_values = None"),)),
    Mutation(
        "skip the MLP residual",
        ((M, "        hidden_states = residual + hidden_states\n        return hidden_states", "        return hidden_states"),),
    ),
    Mutation("mis-tie embeddings", ((M, '_tied_weights_keys = {"lm_head.weight": "model.embed_tokens.weight"}', "_tied_weights_keys = {}"),)),
    Mutation(
        "forget the norms in _init_weights",
        (
            (
                M,
                "    _supports_attention_backend = True\n",
                "    _supports_attention_backend = True\n\n"
                "    def _init_weights(self, module):\n"
                "        if 'RMSNorm' in type(module).__name__:\n"
                "            return\n"
                "        super()._init_weights(module)\n",
            ),
        ),
    ),
    Mutation(
        "no label shift in the loss",
        (
            (
                M,
                "loss = self.loss_function(logits=logits, labels=labels, vocab_size=self.config.vocab_size, **kwargs)",
                "loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1))",
            ),
        ),
    ),
    Mutation(
        "final norm key renamed on save",
        (
            (M, "        self.norm = ", "        self.final_norm = "),
            (M, "hidden_states = self.norm(hidden_states)", "hidden_states = self.final_norm(hidden_states)"),
        ),
    ),
    Mutation(
        "config num_key_value_heads ignored",
        ((C, "        if self.num_key_value_heads is None:\n            self.num_key_value_heads", "        if True:\n            self.num_key_value_heads"),),
    ),
    Mutation("config default changed", ((C, "rms_norm_eps: float = 1e-6", "rms_norm_eps: float = 1e-5"),)),
    Mutation(
        "final norm ignores config eps",
        ((M, "self.norm = MutLlamaRMSNorm(config.hidden_size, eps=config.rms_norm_eps)", "self.norm = MutLlamaRMSNorm(config.hidden_size, eps=1e-5)"),),
    ),
    Mutation("wrong rotary sign", ((M, "q_embed = (q * cos) + (rotate_half(q) * sin)", "q_embed = (q * cos) - (rotate_half(q) * sin)"),)),
    Mutation("wrong attention scaling", ((M, "self.scaling = self.head_dim**-0.5", "self.scaling = self.head_dim**-1.0"),)),
    Mutation(
        "positions ignore the cache",
        ((M, "device=inputs_embeds.device) + past_seen_tokens", "device=inputs_embeds.device)"),),
    ),
    Mutation(
        "activation on the wrong branch",
        ((M, "self.act_fn(self.gate_proj(x)) * self.up_proj(x)", "self.gate_proj(x) * self.act_fn(self.up_proj(x))"),),
    ),
    Mutation(
        "last layer skipped",
        ((M, "self.layers[: self.config.num_hidden_layers]", "self.layers[: self.config.num_hidden_layers - 1]"),),
    ),
    Mutation("attention weights not returned", ((M, "        return attn_output, attn_weights\n", "        return attn_output, None\n"),)),
    Mutation(
        "GenerationMixin dropped",
        ((M, "(MutLlamaPreTrainedModel, GenerationMixin):", "(MutLlamaPreTrainedModel):"),),
    ),
    Mutation(
        "padding mask inverted in eager attention",
        ((M, "attn_weights = attn_weights + attention_mask", "attn_weights = attn_weights - attention_mask"),),
    ),
    Mutation("bias config ignored", ((M, "bias=config.mlp_bias)\n        self.down_proj", "bias=False)\n        self.down_proj"),)),
)

PROFILES = {"llama": ("mut-llama", "mut_llama", LLAMA_MUTATIONS)}


@dataclass(frozen=True)
class Outcome:
    """Result of one test run on one mutation."""

    name: str
    status: str  # "caught" | "MISSED" | "BROKEN"
    failed: tuple[str, ...]
    seconds: float


def generate(like: str, name: str, out: Path) -> None:
    """Write the clone with the scaffold CLI (without running its tests)."""
    command = [sys.executable, "-m", "scaffold", "new-model", "--like", like, "--name", name, "--out", str(out), "--no-tests"]
    subprocess.run(command, check=True, capture_output=True, text=True)


def run_tests(project: Path) -> tuple[int, tuple[str, ...], float]:
    """Run the project's tests; return exit code, failed test names (sorted) and wall seconds."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(project)}
    command = [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", "--tb=no", "-rfE"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    failed = sorted({match.group(2) for match in re.finditer(r"^(FAILED|ERROR) \S+?::(?:\w+::)?(\w+)", result.stdout, re.M)})
    if result.returncode not in (0, 1):
        failed = failed or [f"pytest exit {result.returncode}: {result.stdout.strip().splitlines()[-1:]}"]
    return result.returncode, tuple(failed), seconds


def apply(mutation: Mutation, files: dict[str, Path], originals: dict[str, str]) -> str | None:
    """Write the mutated files; return why the mutation is broken, or None when it applied."""
    texts = dict(originals)
    for kind, old, new in mutation.edits:
        count = texts[kind].count(old)
        if count != 1:
            return f"{kind}: {old[:40]!r} matches {count} times"
        texts[kind] = texts[kind].replace(old, new)
    for kind, path in files.items():
        path.write_text(texts[kind])
    return None


def check(project: Path, package: str, mutations: tuple[Mutation, ...]) -> list[Outcome]:
    """Run the baseline, then every mutation; restore the pristine files at the end."""
    files = {kind: project / package / f"{kind}_{package}.py" for kind in (M, C)}
    originals = {kind: path.read_text() for kind, path in files.items()}
    code, failed, seconds = run_tests(project)
    print(f"baseline: exit {code}, {seconds:.1f} s, failed {list(failed)}", flush=True)
    if code != 0:
        raise SystemExit("the generated tests fail on the unmutated clone; fix that first")
    outcomes = []
    try:
        for mutation in mutations:
            problem = apply(mutation, files, originals)
            if problem:
                outcomes.append(Outcome(mutation.name, "BROKEN", (problem,), 0.0))
            else:
                code, failed, seconds = run_tests(project)
                outcomes.append(Outcome(mutation.name, "caught" if code != 0 else "MISSED", failed, seconds))
            print(f"  {outcomes[-1].status:6} {mutation.name} ({outcomes[-1].seconds:.1f} s)", flush=True)
    finally:
        for kind, path in files.items():
            path.write_text(originals[kind])
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    """The table: mutation, status, wall time, failed tests; then the caught percentage."""
    lines = [f"| mutation | result | wall s | failed tests |", "|---|---|---|---|"]
    for outcome in outcomes:
        lines.append(f"| {outcome.name} | {outcome.status} | {outcome.seconds:.1f} | {', '.join(outcome.failed)} |")
    valid = [outcome for outcome in outcomes if outcome.status != "BROKEN"]
    caught = sum(outcome.status == "caught" for outcome in valid)
    share = 100.0 * caught / len(valid) if valid else 0.0
    lines.append(f"\ncaught {caught}/{len(valid)} = {share:.0f}% ({len(outcomes) - len(valid)} broken mutations)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--like", default="llama", choices=sorted(PROFILES))
    parser.add_argument("--only", nargs="*", help="run only mutations whose name contains one of these words")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()
    name, package, mutations = PROFILES[args.like]
    if args.only:
        mutations = tuple(m for m in mutations if any(word in m.name for word in args.only))
    workdir = Path(tempfile.mkdtemp(prefix="mutation-"))
    try:
        generate(args.like, name, workdir / "project")
        start = time.perf_counter()
        outcomes = check(workdir / "project", package, mutations)
        print(report(outcomes))
        print(f"total wall time {time.perf_counter() - start:.0f} s")
    finally:
        if args.keep:
            print(f"project kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
