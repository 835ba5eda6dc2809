"""Mutation check: do a generated model's tests (scaffold.testing) catch real bugs?

    python scripts/mutation_check.py --like llama [--jobs 2] [--only NAME ...] [--all-failures]
    python scripts/mutation_check.py --like vision-encoder-decoder

Generates a clone with `python -m scaffold new-model --like LIKE --name mut-... --no-tests` into a temporary
directory, checks that its generated tests pass, then applies each mutation below alone (an exact text
substitution in the modeling or configuration file that must match exactly once, else the mutation is
reported BROKEN, not caught), runs the generated tests with pytest and prints a table: mutation, caught
(the failing tests), wall time; then the share caught. By default pytest stops at the first failure (-x);
--all-failures runs every test of each mutant.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    """One bug: replace `old` by `new` in the file of kind `target` ("modeling" or "configuration")."""

    name: str
    target: str
    old: str
    new: str


@dataclass(frozen=True)
class Outcome:
    """What the generated tests did with one mutant."""

    mutation: str
    status: str  # caught / MISSED / BROKEN (n matches)
    failed: tuple[str, ...]
    seconds: float


LLAMA_INIT_SKIPS_NORMS = """    _supports_attention_backend = True

    def _init_weights(self, module):
        if "RMSNorm" in type(module).__name__:
            return
        super()._init_weights(module)
"""

LLAMA = (
    Mutation("drop attention mask", "modeling",
             "inputs_embeds=inputs_embeds,\n            attention_mask=attention_mask,",
             "inputs_embeds=inputs_embeds,\n            attention_mask=None,"),
    Mutation("cache update result ignored", "modeling",
             "key_states, value_states = cache.update(key_states, value_states, self.layer_idx, kwargs=kwargs)",
             "cache.update(key_states, value_states, self.layer_idx, kwargs=kwargs)"),
    Mutation("no cache returned", "modeling",
             "            cache=cache,\n        )\n",
             "            cache=None,\n        )\n"),
    Mutation("position ids ignore the cache", "modeling",
             "device=inputs_embeds.device) + past_seen_tokens", "device=inputs_embeds.device)"),
    Mutation("skip attention residual", "modeling",
             "hidden_states = residual + hidden_states\n\n        # Fully Connected",
             "hidden_states = hidden_states\n\n        # Fully Connected"),
    Mutation("skip MLP residual", "modeling",
             "hidden_states = self.mlp(hidden_states)\n        hidden_states = residual + hidden_states",
             "hidden_states = self.mlp(hidden_states)\n        hidden_states = hidden_states"),
    Mutation("mis-tied embeddings", "modeling",
             '_tied_weights_keys = {"lm_head.weight": "model.embed_tokens.weight"}', "_tied_weights_keys = {}"),
    Mutation("_init_weights forgets the norms", "modeling",
             "    _supports_attention_backend = True\n", LLAMA_INIT_SKIPS_NORMS),
    Mutation("wrong label shift", "modeling",
             "self.loss_function(logits=logits, labels=labels,",
             "self.loss_function(logits=logits[:, 1:], labels=labels[:, :-1],"),
    Mutation("attention scaling", "modeling", "self.scaling = self.head_dim**-0.5", "self.scaling = self.head_dim**-1.0"),
    Mutation("rotate_half sign", "modeling", "return torch.cat((-x2, x1), dim=-1)", "return torch.cat((x2, -x1), dim=-1)"),
    Mutation("RMSNorm epsilon outside rsqrt", "modeling",
             "torch.rsqrt(variance + self.variance_epsilon)", "(torch.rsqrt(variance) + self.variance_epsilon)"),
    Mutation("MLP activation dropped", "modeling",
             "self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))",
             "self.down_proj(self.gate_proj(x) * self.up_proj(x))"),
    Mutation("not causal", "modeling", "self.is_causal = True", "self.is_causal = False"),
    Mutation("eager attention repeats keys as values", "modeling",
             "value_states = repeat_kv(value, module.num_key_value_groups)",
             "value_states = repeat_kv(key, module.num_key_value_groups)"),
    Mutation("eager softmax over the wrong axis", "modeling",
             "softmax(attn_weights, dim=-1,", "softmax(attn_weights, dim=-2,"),
    Mutation("final norm skipped", "modeling",
             "hidden_states = self.norm(hidden_states)\n", "hidden_states = hidden_states\n"),
    Mutation("last layer skipped", "modeling",
             "self.layers[: self.config.num_hidden_layers]", "self.layers[: self.config.num_hidden_layers - 1]"),
    Mutation("config ignores num_key_value_heads", "configuration",
             "if self.num_key_value_heads is None:", "if True:"),
    Mutation("config default changed", "configuration", "rms_norm_eps: float = 1e-6", "rms_norm_eps: float = 1e-5"),
)

VED = (
    Mutation("loss scaled under gradient accumulation", "modeling",
             "accepts_loss_kwargs = False", "accepts_loss_kwargs = True"),
    Mutation("labels not shifted right", "modeling",
             "decoder_input_ids = shift_tokens_right(\n",
             "decoder_input_ids = (lambda ids, *a: ids)(\n"),
    Mutation("decoder start token ignored", "modeling",
             "shifted_input_ids[:, 0] = decoder_start_token_id", "shifted_input_ids[:, 0] = 0"),
    Mutation("padding -100 kept in decoder inputs", "modeling",
             "shifted_input_ids.masked_fill_(shifted_input_ids == -100, pad_token_id)", "pass"),
    Mutation("encoder output not passed to the decoder", "modeling",
             "encoder_hidden_states=encoder_hidden_states,", "encoder_hidden_states=None,"),
    Mutation("main_input_name wrong", "modeling", 'main_input_name = "pixel_values"', 'main_input_name = "input_ids"'),
    Mutation("no GenerationMixin", "modeling", "(PreTrainedModel, GenerationMixin):", "(PreTrainedModel):"),
    Mutation("loss against reversed labels", "modeling",
             "loss = loss_fct(logits.reshape(-1, self.decoder.config.vocab_size), labels.reshape(-1))",
             "loss = loss_fct(logits.reshape(-1, self.decoder.config.vocab_size), labels.flip(-1).reshape(-1))"),
    Mutation("decoder attention mask dropped", "modeling",
             "attention_mask=decoder_attention_mask,", "attention_mask=None,"),
    Mutation("config decoder without cross-attention", "configuration",
             "decoder_config.add_cross_attention = True", "decoder_config.add_cross_attention = False"),
    Mutation("encoder-to-decoder projection skipped", "modeling",
             "encoder_hidden_states = self.enc_to_dec_proj(encoder_hidden_states)",
             "encoder_hidden_states = encoder_hidden_states"),
    Mutation("encoder output detached (encoder never trains)", "modeling",
             "encoder_hidden_states = encoder_outputs[0]", "encoder_hidden_states = encoder_outputs[0].detach()"),
    Mutation("-100 label padding not ignored by the loss", "modeling",
             "loss_fct = CrossEntropyLoss()", "loss_fct = CrossEntropyLoss(ignore_index=-1)"),
    Mutation("collator shift returns the labels unshifted", "modeling",
             "return shift_tokens_right(labels, self.config.pad_token_id, self.config.decoder_start_token_id)",
             "return labels"),
    Mutation("cache not passed to the decoder", "modeling",
             "cache=cache,", "cache=None,"),
    Mutation("use_cache not passed to the decoder", "modeling", "use_cache=use_cache,", "use_cache=False,"),
    Mutation("config not marked encoder-decoder", "configuration",
             "is_encoder_decoder: bool = True", "is_encoder_decoder: bool = False"),
    Mutation("config default decoder changed", "configuration",
             'config_class=AutoConfig, model_type="bert"', 'config_class=AutoConfig, model_type="gpt2"'),
)

PROFILES = {"llama": ("mut-llama", LLAMA), "vision-encoder-decoder": ("mut-captioner", VED)}


def generate(like: str, name: str, out: Path) -> Path:
    """Run the generator; return the project directory."""
    command = [sys.executable, "-m", "scaffold", "new-model", "--like", like, "--name", name]
    subprocess.run(command + ["--out", str(out), "--no-tests"], cwd=REPO, check=True, capture_output=True)
    return out


def target_file(project: Path, name: str, target: str) -> Path:
    """The generated modeling / configuration file of the project."""
    package = name.replace("-", "_")
    return project / package / f"{target}_{package}.py"


def run_tests(project: Path, all_failures: bool) -> tuple[tuple[str, ...], float, str]:
    """Run the project's tests; return the failing test names, the wall time and the output tail."""
    for cache in project.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    report = project / "report.xml"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
    command += [] if all_failures else ["-x"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if not report.is_file():
        return ("<collection or import error>",), seconds, done.stdout[-2000:]
    failed = [
        case.get("name")
        for case in ElementTree.parse(report).iter("testcase")
        if any(child.tag in ("failure", "error") for child in case)
    ]
    if done.returncode != 0 and not failed:
        failed.append(f"<pytest exit {done.returncode}>")
    return tuple(sorted(failed)), seconds, done.stdout[-2000:]


def check_one(mutation: Mutation, source: Path, workdir: Path, name: str, all_failures: bool) -> Outcome:
    """Copy the project, apply one mutation, run the tests."""
    project = workdir / mutation.name.replace(" ", "_")
    shutil.copytree(source, project)
    path = target_file(project, name, mutation.target)
    text = path.read_text()
    matches = text.count(mutation.old)
    if matches != 1:
        return Outcome(mutation.name, f"BROKEN ({matches} matches)", (), 0.0)
    path.write_text(text.replace(mutation.old, mutation.new))
    failed, seconds, _ = run_tests(project, all_failures)
    shutil.rmtree(project, ignore_errors=True)
    return Outcome(mutation.name, "caught" if failed else "MISSED", failed, seconds)


def print_table(outcomes: list[Outcome], baseline_seconds: float) -> None:
    """The table of mutants and the share caught (broken mutations are not counted)."""
    width = max(len(outcome.mutation) for outcome in outcomes)
    print(f"\n{'mutation':<{width}}  {'status':<18} {'wall s':>7}  failing tests")
    for outcome in outcomes:
        failing = ", ".join(outcome.failed)
        print(f"{outcome.mutation:<{width}}  {outcome.status:<18} {outcome.seconds:7.1f}  {failing}")
    valid = [outcome for outcome in outcomes if not outcome.status.startswith("BROKEN")]
    caught = sum(outcome.status == "caught" for outcome in valid)
    share = 100.0 * caught / len(valid) if valid else 0.0
    broken = len(outcomes) - len(valid)
    print(f"\ncaught {caught}/{len(valid)} = {share:.0f}% ({broken} broken mutations not counted); "
          f"unmutated suite: {baseline_seconds:.1f} s wall, load average now {os.getloadavg()[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--like", default="llama", choices=sorted(PROFILES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="names of mutations to run")
    parser.add_argument("--all-failures", action="store_true", help="run every test of each mutant (no -x)")
    args = parser.parse_args(argv)
    name, mutations = PROFILES[args.like]
    if args.only:
        mutations = tuple(mutation for mutation in mutations if mutation.name in set(args.only))
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        source = generate(args.like, name, Path(tmp) / "project")
        failed, baseline, tail = run_tests(source, all_failures=True)
        if failed:
            print(f"the unmutated clone's tests fail ({', '.join(failed)}); nothing to measure\n{tail}")
            return 2
        print(f"unmutated {args.like} clone: tests pass in {baseline:.1f} s", flush=True)
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [
                pool.submit(check_one, mutation, source, Path(tmp), name, args.all_failures)
                for mutation in mutations
            ]
            outcomes = []
            for future in futures:
                outcomes.append(future.result())
                print(f"  {outcomes[-1].mutation}: {outcomes[-1].status}", flush=True)
    print_table(outcomes, baseline)
    broken = [outcome.mutation for outcome in outcomes if outcome.status.startswith("BROKEN")]
    if broken:  # a mutation whose text no longer occurs measures nothing: the list needs updating
        print(f"error: {len(broken)} mutation(s) no longer match the generated code: {', '.join(broken)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
