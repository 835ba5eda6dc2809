"""The zoo: `new-model --like T` for every model type of the installed transformers, with a verdict per stage.

    python -m scaffold.zoo                      # every type in the config mapping (long: run it by hand)
    python -m scaffold.zoo llama gpt2 bert      # some types
    python -m scaffold.zoo --limit 40 --jobs 2  # the first 40
    python -m scaffold.zoo --every 10           # a deterministic sample of every 10th type
    python -m scaffold.zoo --every 10 --offset 3  # another sample of the same size
    python -m scaffold.zoo --until registers qwen2_5_omni_talker  # stop after registration (no torch models)

Stages, each counted only when the previous one passed:
  generated    new-model produced and wrote the files (in-process, no torch)
  imports      `import <package>` works in a fresh process
  registers    AutoConfig.for_model(new type) gives the clone's config class
  instantiates a tiny model of the clone's main head builds from scaffold.testing's tiny config
  parity       the clone and the transformers source model, same config values and weights, give
               bit-equal outputs on CPU

The tiny config is the first of a few candidates (scaffold.testing's shrink, then shrinking less within a
parameter budget) on which the *source* model builds and runs; when none does, the failure is
"NoTinySetup" (a gap of our test configs or input builders, not of the clone).

These verdicts are labelled rather than counted as our failures, and shown in their own lines:
  config-only        a sub-config type (dia_decoder, idefics_perciever...) from which neither transformers
                     nor the clone builds a model class alone: it generates, imports and registers, and
                     that is all there is to check. A model class that takes the sub-config (dia's internal
                     DiaDecoder) is found in the modeling modules and tested instead when there is one.
  needs <library>    the source model cannot be built without a library transformers asks for (timm for
                     edgetam and omdet-turbo's backbones, torchvision), which is not installed here.
  needs a session object  the forward takes a stateful object a processor builds (sam2_video's
                     inference_session), not tensors.
  needs generate (no forward)  the source model has no forward, only generate (bark): no output to compare.
  broken in transformers  the source type's own default config fails in the installed transformers
                     (nougat names a sub-config type the Auto table spells differently), or the source model
                     fails on it as on every tiny config (it reads a field its config class lacks and the zoo
                     knows no value for, or its default config raises the same error on the meta device -
                     not an ImportError, a ValueError nor an operation on None: a value the default config
                     leaves unset is a gap of our tiny configs): the clone inherits it.
A field a model reads that its config class lacks (dbrx's rope_theta) is supplied from a table of usual values
before any verdict: checkpoints' config files carry it, so real loads work, and the check goes on.
The closing summary groups every failure by cause: the first stage that failed and the exception type.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError

STAGES = ("generated", "imports", "registers", "instantiates", "parity")


@dataclass(frozen=True)
class ZooResult:
    model_type: str
    reached: str  # the last stage passed ("" when generation failed)
    failure: str  # first line of the error of the stage that failed, "" when all passed
    seconds: float
    label: str = ""  # "config-only" or "needs <library>": a verdict that is not a failure of ours
    own_tests: str = ""  # with --own-tests: pytest's closing line for the project's generated tests


def generate_one(model_type: str, workdir: str) -> tuple[ZooResult, Path | None, str]:
    """Generate a clone of ``model_type`` under ``workdir``; the project and name when it worked."""
    from scaffold.project import NewModelRequest, plan_new_model
    from scaffold.writer import write_new_tree

    started = time.perf_counter()
    name = "zoo-" + "".join(c if c.isalnum() else "-" for c in model_type.lower()).strip("-")
    name = "-".join(part for part in name.split("-") if part)
    out = Path(workdir) / name.replace("-", "_")
    try:
        plan = plan_new_model(NewModelRequest(like=model_type, name=name, out=out))
        write_new_tree(plan, force=True)
    except ScaffoldError as exc:
        return ZooResult(model_type, "", f"generate: {exc}", time.perf_counter() - started), None, name
    except Exception as exc:  # a bug of ours: recorded, the zoo goes on
        failure = f"generate: {type(exc).__name__}: {str(exc)[:300]}"
        return ZooResult(model_type, "", failure, time.perf_counter() - started), None, name
    return ZooResult(model_type, "generated", "", time.perf_counter() - started), out, name


def own_tests_of(project: str) -> str:
    """The closing line of the generated tests of one project, the failed tests' names appended."""
    from scaffold.testrun import run_project_tests

    report = run_project_tests(Path(project), extra_args=("-rfE", "--no-header"))
    failed = sorted({m.group(1) for m in _FAILED_TEST_RE.finditer(report.output)})
    return report.summary + (f" [{', '.join(failed)}]" if failed else "")


_FAILED_TEST_RE = re.compile(r"^(?:FAILED|ERROR) \S+::(?:\w+::)?(\w+)", re.MULTILINE)


def check_batch(batch: list[tuple[str, str]], until: str = STAGES[-1]) -> dict[str, tuple[str, ...]]:
    """Check (project, name) pairs in child processes; name -> (reached, failure[, label]).

    A child that dies (a hard crash, a SystemExit inside a model) costs only the project it was checking:
    the projects after it are checked again in a fresh child.
    """
    verdicts: dict[str, tuple[str, str]] = {}
    pending = list(batch)
    while pending:
        found, error = _run_child(pending) if until == STAGES[-1] else _run_child(pending, until)
        verdicts.update(found)
        pending = [pair for pair in pending if pair[1] not in verdicts]
        if pending:  # the child died while checking the first project it gave no verdict for
            verdicts[pending[0][1]] = ("generated", f"child crashed: {error[:200]}")
            pending = pending[1:]
    return verdicts


def _run_child(batch: list[tuple[str, str]], until: str = STAGES[-1]) -> tuple[dict[str, tuple[str, str]], str]:
    """One child process over ``batch``: the verdicts it printed, and the last line of its stderr."""
    child = ["scaffold.zoo_child"] if STAGES.index(until) > STAGES.index("registers") else ["scaffold.zoo", "--child"]
    command = [sys.executable, "-m", *child, *[item for pair in batch for item in pair]]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
        stdout, error = completed.stdout, (completed.stderr.strip().splitlines() or ["no output"])[-1]
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        error = "timeout"
    verdicts = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            v = json.loads(line)
            verdicts[v["name"]] = (v["reached"], v["failure"], v.get("label", ""))
    return verdicts, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clone model types and report per stage.")
    parser.add_argument("types", nargs="*", help="model types (default: all in the config mapping)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--every", type=int, default=1, help="a deterministic sample: every N-th type")
    parser.add_argument("--offset", type=int, default=0, help="with --every: start the sample at this index")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--until", choices=STAGES[1:], default=STAGES[-1], help="the last stage to check")
    parser.add_argument(
        "--own-tests", action="store_true", help="also run each project's generated tests (what new-model runs)"
    )
    args = parser.parse_args(argv)
    from scaffold.discovery import Catalogue

    types = list(args.types) or list(Catalogue.load().model_types())
    types = types[args.offset :: args.every]
    if args.limit:
        types = types[: args.limit]
    with tempfile.TemporaryDirectory(prefix="scaffold-zoo-") as workdir:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            generated = list(pool.map(generate_one, types, [workdir] * len(types)))
            ready = [(str(out), name) for _, out, name in generated if out is not None]
            batches = [ready[i :: args.jobs * 4] for i in range(args.jobs * 4) if ready[i :: args.jobs * 4]]
            verdicts = {}
            for found in pool.map(check_batch, batches, [args.until] * len(batches)):
                verdicts.update(found)
            projects = [project for project, _ in ready] if args.own_tests else []
            own = dict(zip([name for _, name in ready], pool.map(own_tests_of, projects))) if projects else {}
    results = []
    for result, out, name in generated:
        if out is not None:
            reached, failure, *label = verdicts[name]
            result = ZooResult(result.model_type, reached, failure, result.seconds, "".join(label), own.get(name, ""))
        results.append(result)
    _print(results, args.until)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


def _print(results: list[ZooResult], until: str = STAGES[-1]) -> None:
    width = max(len(r.model_type) for r in results)
    for r in sorted(results, key=lambda r: r.model_type):
        status = "ok" if r.reached == until else f"stops after {r.reached or 'nothing'}: {r.failure}"
        status = f"[{r.label}] {status}" if r.label else status
        print(f"{r.model_type:<{width}}  {r.seconds:6.1f}s  {status[:200]}")
        if r.own_tests:
            print(f"{'':<{width}}  own tests: {r.own_tests[:300]}")
    print("\n" + _totals(results))
    if any(r.own_tests for r in results):
        print(own_tests_totals(results))
    testable = [r for r in results if not r.label]
    if len(testable) < len(results):
        print(f"without the labelled types below: {_totals(testable)}")
    print("\n" + "\n".join(cause_summary(results, until)))


def _totals(results: list[ZooResult]) -> str:
    counts = Counter()
    for r in results:
        for stage in STAGES[: STAGES.index(r.reached) + 1 if r.reached else 0]:
            counts[stage] += 1
    total = len(results) or 1
    return "  ".join(f"{s}: {counts[s]}/{len(results)} ({100 * counts[s] / total:.0f}%)" for s in STAGES)


def own_tests_totals(results: list[ZooResult]) -> str:
    """How many projects' generated tests have no failure or error (skips apart), and the counts over all of them."""
    from scaffold.testrun import outcome_counts

    ran = [r for r in results if r.own_tests]
    counts: Counter[str] = Counter()
    clean = 0
    for r in ran:
        found = {outcome.removesuffix("s"): n for outcome, n in outcome_counts(r.own_tests.split(" [")[0])}
        counts.update(found)
        clean += bool(found.get("passed")) and not found.get("failed") and not found.get("error")
    tally = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "error", "skipped") if counts[k])
    return f"own tests: no failure or error in {clean}/{len(ran)} projects; {tally}"


def cause_key(result: ZooResult) -> str:
    """A short cause: the first stage that failed and the exception type ("parity: NoTinySetup/ValueError")."""
    if result.label:
        return result.label
    failed = STAGES[STAGES.index(result.reached) + 1] if result.reached else STAGES[0]
    text = result.failure.removeprefix("generate: ")
    if text.startswith("child crashed"):
        return f"{failed}: child crashed"
    kind = text.split(":", 1)[0].strip()
    kind = kind if kind.isidentifier() and kind[0].isupper() else "ScaffoldError"  # generate: one-line message
    if kind == "NoTinySetup":
        kind += "/" + text.split(":", 2)[1].strip()
    return f"{failed}: {kind}"


def cause_summary(results: list[ZooResult], until: str = STAGES[-1]) -> list[str]:
    """Lines grouping the failures by cause key, most types first, then the labelled (not ours) verdicts."""
    groups: dict[str, list[str]] = {}
    for r in results:
        if r.reached != until:
            groups.setdefault(cause_key(r), []).append(r.model_type)
    labels = sorted({"config-only", *(k for k in groups if _is_label(k))})
    ours = sorted((k for k in groups if k not in labels), key=lambda k: (-len(groups[k]), k))
    lines = [f"failures by cause ({sum(len(groups[k]) for k in ours)} types):"]
    lines += [f"  {len(groups[k]):3d}  {k}: {' '.join(sorted(groups[k]))}" for k in ours]
    lines.append("labelled, not failures of the clone:")
    lines += [f"  {len(groups.get(k, [])):3d}  {k}: {' '.join(sorted(groups.get(k, [])))}" for k in labels]
    return lines


def _is_label(key: str) -> bool:
    return key in ("config-only", "broken in transformers") or key.startswith("needs ")


def registers_verdict(project: str, name: str) -> dict[str, str]:
    """The ``--until imports/registers`` check of one project (in a child process): the package imports, and
    ``AutoConfig.for_model(name)`` gives a config class of the package."""
    reached, failure = "generated", ""
    try:
        sys.path.insert(0, project)
        package = importlib.import_module(name.replace("-", "_"))
        reached = "imports"
        from transformers import AutoConfig

        config_class = type(AutoConfig.for_model(name))
        if not config_class.__module__.startswith(package.__name__):
            raise AssertionError(f"{name} is registered to {config_class.__module__}.{config_class.__name__}")
        reached = "registers"
    except Exception as exc:  # noqa: BLE001 - the verdict names whatever stopped the check
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
        failure = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}{where}"
    return {"name": name, "reached": reached, "failure": failure}


def _child(args: list[str]) -> int:
    for project, name in zip(args[::2], args[1::2]):
        print(json.dumps(registers_verdict(project, name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[2:]) if sys.argv[1:2] == ["--child"] else main())
