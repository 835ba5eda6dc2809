"""Fidelity of `scaffold convert` against the files transformers ships next to its modular files.

For each installed ``models/<dir>/modular_<name>.py`` this converts the modular file in-tree style and compares
every generated file with the shipped one:

  (a) byte-identical after formatting both with black (line length 119);
  (b) AST-identical after removing docstrings and making imports absolute. Import statements are compared as a
      set of (guard, module, name, alias): their order and grouping is the job of ruff's isort in transformers.

Usage: python scripts/fidelity.py [--jobs 2] [--only NAME ...] [--timeout 120] [--show-diff] [--verbose]

One line per model is printed (and flushed) as soon as it is done, so a partial run is readable; the summary
follows at the end. A model that takes longer than ``--timeout`` seconds counts as a crash. Times are the
conversion only (not the comparison): wall seconds and CPU seconds (the latter is what to quote on a loaded
machine). A failing file is labelled drift (stale shipped file) or ours by the rule ``--drift-rule`` prints.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import multiprocessing
import re
import signal
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import black

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular  # noqa: E402
from scaffold.convert.rename import IN_TREE_COMPAT  # noqa: E402
from scaffold.source import installed_transformers  # noqa: E402

BLACK_MODE = black.Mode(line_length=119)


@dataclass(frozen=True)
class FileOutcome:
    """The comparison of one generated file with the shipped one."""

    name: str
    byte_identical: bool
    ast_identical: bool
    cause: str = ""
    drift: bool = False  # the difference is drift in the shipped file (see DRIFT_RULE), not ours


@dataclass(frozen=True)
class ModelOutcome:
    """The conversion of one modular file."""

    model: str
    seconds: float
    files: tuple[FileOutcome, ...] = ()
    crash: str = ""
    causes: tuple[str, ...] = field(default=())
    cpu_seconds: float = 0.0  # CPU time of the conversion: less sensitive than wall time to a loaded machine

    @property
    def ast_identical(self) -> bool:
        return not self.crash and not self.causes and all(f.ast_identical for f in self.files)

    @property
    def drift(self) -> bool:
        """Failed only because shipped files drifted: every differing file is drift, no crash, no missing file."""
        failing = [f for f in self.files if not f.ast_identical]
        return not self.crash and not self.causes and bool(failing) and all(f.drift for f in failing)

    @property
    def byte_identical(self) -> bool:
        return self.ast_identical and all(f.byte_identical for f in self.files)


def modular_files(only: list[str]) -> list[Path]:
    """Every installed modular file, optionally filtered by model directory or modular name."""
    root = installed_transformers().root / "models"
    found = sorted(root.glob("*/modular_*.py"))
    if only:
        found = [p for p in found if p.parent.name in only or p.stem[len("modular_") :] in only]
    return found


def shipped_header(text: str) -> str:
    """The generated-file banner at the top of a shipped file (the lines before the modular's own header)."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 6 and "generated from" in lines[1]:
        return "".join(lines[:6])
    return ""


def shipped_outputs(modular: Path) -> dict[str, str]:
    """The shipped files whose banner names this modular file."""
    marker = f"generated from src/transformers/models/{modular.parent.name}/{modular.name}"
    found = {}
    for path in sorted(modular.parent.glob("*.py")):
        if path == modular:
            continue
        text = path.read_text(encoding="utf-8")
        if marker in text[:600]:
            found[path.name] = text
    return found


def fmt(code: str) -> str:
    """Black-format, or return the text when black cannot parse it."""
    try:
        return black.format_str(code, mode=BLACK_MODE)
    except Exception:  # noqa: BLE001 - a formatting failure is reported as a difference, not a crash
        return code


class _Normalize(ast.NodeTransformer):
    """Drop docstrings; resolve relative imports against the model package."""

    def __init__(self, package: str) -> None:
        self.package = package

    def _strip(self, node):  # type: ignore[no-untyped-def]
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Module = _strip

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom:
        if node.level:
            parts = self.package.split(".")
            base = parts[: len(parts) - (node.level - 1)]
            node.module = ".".join(base + ([node.module] if node.module else []))
            node.level = 0
        return node


def _import_keys(stmt: ast.stmt, guard: str = "") -> list[tuple[str, str, str, str]]:
    if isinstance(stmt, ast.Import):
        return [(guard, "", a.name, a.asname or "") for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [(guard, stmt.module or "", a.name, a.asname or "") for a in stmt.names]
    if isinstance(stmt, ast.If) and stmt.body and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body):
        return [k for s in stmt.body for k in _import_keys(s, ast.dump(stmt.test))]
    return []


def normalized(code: str, package: str) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    """(sorted import keys, [(top-level name, dump)]) of a module, docstrings removed, imports absolute."""
    tree = _Normalize(package).visit(ast.parse(code))
    imports: set[tuple[str, str, str, str]] = set()
    body: list[tuple[str, str]] = []
    for stmt in tree.body:
        keys = _import_keys(stmt)
        if keys:
            imports.update(keys)
            continue
        name = getattr(stmt, "name", "") or (ast.unparse(stmt.targets[0]) if isinstance(stmt, ast.Assign) else "")
        body.append((name or ast.unparse(stmt)[:40], ast.dump(stmt)))
    return sorted(imports), body


def ast_cause(ours: str, theirs: str, package: str) -> str:
    """"" when AST-identical, else a short cause."""
    try:
        our_imports, our_body = normalized(ours, package)
    except SyntaxError as error:
        return f"our output does not parse ({error.msg})"
    their_imports, their_body = normalized(theirs, package)
    our_names = [n for n, _ in our_body]
    their_names = [n for n, _ in their_body]
    if set(our_names) != set(their_names):
        missing = sorted(set(their_names) - set(our_names))
        extra = sorted(set(our_names) - set(their_names))
        return f"definitions differ (missing {missing[:3]}, extra {extra[:3]})"
    their_dumps = dict(their_body)
    changed = [n for n, d in our_body if their_dumps.get(n) != d]
    if changed:
        return f"definition body differs ({changed[:3]})"
    if our_names != their_names:
        return "definition order differs"
    if our_imports != their_imports:
        missing = sorted(set(their_imports) - set(our_imports))
        extra = sorted(set(our_imports) - set(their_imports))
        return f"imports differ (missing {[k[1:3] for k in missing[:3]]}, extra {[k[1:3] for k in extra[:3]]})"
    return ""


DRIFT_RULE = """\
A differing file is drift (the shipped file is stale against the CURRENT parent files) when both files define
the same names and, in every definition that differs, comparing statement lines (each statement, or the first
line of a compound one, with the name of the function it is in; CamelCase names and strings blanked, so
renaming does not count):
  (a) every line only in our version occurs in a current parent module of the modular file (we copied the
      parent as it is now), and
  (b) no line only in the shipped version occurs in the modular file (the modular file did not ask for it), and
  (c) the lines differ as a multiset (a pure reordering is ours), and when we only lack lines, those lines do
      not occur in the current parents either (else we dropped them).
Import-only, order-only and missing/extra-definition differences are counted as ours."""

_CAMEL = re.compile(r"\b[A-Za-z_0-9]*[A-Z][A-Za-z_0-9]*\b")


def _line_key(stmt: ast.stmt) -> str:
    text = ast.unparse(stmt).splitlines()[0] if isinstance(stmt, _COMPOUND) else ast.unparse(stmt)
    return _CAMEL.sub("_", text)


_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try, ast.Match)


def _blank_strings(node: ast.AST) -> ast.AST:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            inner.value = "_"
    return node


def statement_lines(node: ast.AST) -> Counter[str]:
    """Every statement line of a subtree (see DRIFT_RULE), prefixed by its function's name, counted."""
    found: Counter[str] = Counter()

    def walk(current: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(current):
            if isinstance(child, ast.stmt):
                found[f"{function}: {_line_key(child)}"] += 1
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            walk(child, inner)

    walk(_blank_strings(node), "")
    if isinstance(node, ast.stmt):
        found[f": {_line_key(node)}"] += 1
    return found


@functools.lru_cache(maxsize=512)
def module_lines(dotted: str) -> frozenset[str]:
    """The statement lines of an installed transformers module (empty when there is none)."""
    text = installed_transformers().read_module(dotted)
    return frozenset(statement_lines(ast.parse(text))) if text else frozenset()


def parent_modules(modular_text: str, package: str) -> list[str]:
    """The model-specific modules (of other models) the modular file imports from."""
    found = []
    for stmt in ast.parse(modular_text).body:
        if isinstance(stmt, ast.ImportFrom):
            module = _Normalize(package).visit_ImportFrom(stmt).module or ""
            parts = module.split(".")
            if len(parts) == 4 and parts[:2] == ["transformers", "models"] and module.rpartition(".")[0] != package:
                found.append(module)
    return sorted(set(found))


@dataclass(frozen=True)
class DriftContext:
    """What the drift rule compares against: the modular file's lines and its parents' current lines."""

    modular: frozenset[str]
    parents: frozenset[str]


def drift_context(modular_text: str, package: str) -> DriftContext:
    parents: set[str] = set()
    for module in parent_modules(modular_text, package):
        parents |= module_lines(module)
    return DriftContext(frozenset(statement_lines(ast.parse(modular_text))), frozenset(parents))


def is_drift(ours: str, theirs: str, package: str, context: DriftContext) -> bool:
    """DRIFT_RULE applied to one differing file."""
    try:
        our_defs, their_defs = _definitions(ours, package), _definitions(theirs, package)
    except SyntaxError:
        return False
    if set(our_defs) != set(their_defs):
        return False
    changed = [n for n in our_defs if ast.dump(our_defs[n]) != ast.dump(their_defs[n])]
    return bool(changed) and all(_definition_drifted(our_defs[n], their_defs[n], context) for n in changed)


def _definition_drifted(ours: ast.stmt, theirs: ast.stmt, context: DriftContext) -> bool:
    our_lines, their_lines = statement_lines(ours), statement_lines(theirs)
    only_ours, only_theirs = our_lines - their_lines, their_lines - our_lines
    if not only_ours and not only_theirs:
        return False
    if any(line not in context.parents for line in only_ours):
        return False
    if any(line in context.modular for line in only_theirs):
        return False
    return bool(only_ours) or not any(line in context.parents for line in only_theirs)


def _definitions(code: str, package: str) -> dict[str, ast.stmt]:
    tree = _Normalize(package).visit(ast.parse(code))
    found = {}
    for stmt in tree.body:
        if _import_keys(stmt):
            continue
        name = getattr(stmt, "name", "") or (ast.unparse(stmt.targets[0]) if isinstance(stmt, ast.Assign) else "")
        found[name or ast.unparse(stmt)[:40]] = stmt
    return found


class ConversionTimeout(Exception):
    """A conversion ran past the per-model time limit."""


def _on_alarm(signum: int, frame: object) -> None:
    raise ConversionTimeout("conversion ran past the time limit")


def check_model_timed(job: tuple[Path, int]) -> ModelOutcome:
    """check_model with a wall-clock limit (SIGALRM; 0 means none). A timeout is reported as a crash."""
    modular, timeout = job
    if timeout <= 0:
        return check_model(modular)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    try:
        return check_model(modular)
    except ConversionTimeout:
        return ModelOutcome(modular.stem, float(timeout), crash=f"Timeout: over {timeout}s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_model(modular: Path) -> ModelOutcome:
    """Convert one modular file and compare its outputs with the shipped ones."""
    model = modular.parent.name
    shipped = shipped_outputs(modular)
    header = shipped_header(next(iter(shipped.values()))) if shipped else None
    options = ConvertOptions(
        import_style=ImportStyle.IN_TREE,
        package=f"transformers.models.{model}",
        header=header,
        rename_policy=IN_TREE_COMPAT,
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        result = convert_modular(
            modular.read_text(encoding="utf-8"),
            modular_path=f"src/transformers/models/{model}/{modular.name}",
            resolver=installed_transformers(),
            options=options,
        )
    except ConversionTimeout:
        raise
    except Exception as error:  # noqa: BLE001 - crashes are what this script counts
        return ModelOutcome(modular.stem, time.perf_counter() - start, crash=_crash(error))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    ours = {str(f.path): f.content for f in result.files}
    causes = [f"missing file {n}" for n in sorted(set(shipped) - set(ours))]
    causes += [f"extra file {n}" for n in sorted(set(ours) - set(shipped))]
    context = drift_context(modular.read_text(encoding="utf-8"), options.package or "")
    files = tuple(
        _compare(name, ours[name], shipped[name], options.package or "", context)
        for name in sorted(ours)
        if name in shipped
    )
    return ModelOutcome(modular.stem, seconds, files, causes=tuple(causes), cpu_seconds=cpu)


def _crash(error: Exception) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {str(error)[:120]} ({Path(frame.filename).name}:{frame.lineno})"


def _compare(name: str, ours: str, theirs: str, package: str, context: DriftContext) -> FileOutcome:
    formatted_ours, formatted_theirs = fmt(ours), fmt(theirs)
    cause = ast_cause(ours, theirs, package)
    drift = bool(cause) and is_drift(ours, theirs, package, context)
    return FileOutcome(name, formatted_ours == formatted_theirs, cause == "", cause, drift)


def _category(cause: str) -> str:
    return cause.split(" (")[0].split(":")[0]


def report(outcomes: list[ModelOutcome], verbose: bool) -> None:
    """Print the rates, the crashes and the failures grouped by cause."""
    files = [f for o in outcomes for f in o.files]
    n = len(outcomes)
    print(f"models: {n}")
    print(f"  AST-identical:  {sum(o.ast_identical for o in outcomes)}/{n} = {_pct(sum(o.ast_identical for o in outcomes), n)}")
    print(f"  byte-identical: {sum(o.byte_identical for o in outcomes)}/{n} = {_pct(sum(o.byte_identical for o in outcomes), n)}")
    print(f"  crashes:        {sum(bool(o.crash) for o in outcomes)}")
    failed = [o for o in outcomes if not o.ast_identical]
    drift = sum(o.drift for o in failed)
    print(f"  failures:       {len(failed)} = {len(failed) - drift} ours + {drift} drift in the shipped files")
    print(f"  AST-identical or drift: {n - len(failed) + drift}/{n} = {_pct(n - len(failed) + drift, n)}")
    print(f"files compared: {len(files)}")
    print(f"  AST-identical:  {sum(f.ast_identical for f in files)}/{len(files)} = {_pct(sum(f.ast_identical for f in files), len(files))}")
    print(f"  byte-identical: {sum(f.byte_identical for f in files)}/{len(files)} = {_pct(sum(f.byte_identical for f in files), len(files))}")
    print(f"  drift:          {sum(f.drift for f in files)} of {sum(not f.ast_identical for f in files)} differing files")
    times = [o.seconds for o in outcomes if not o.crash]
    if times:
        print(f"time per model: median {statistics.median(times):.2f}s, mean {statistics.mean(times):.2f}s, max {max(times):.2f}s")
        cpu = [o.cpu_seconds for o in outcomes if not o.crash]
        print(f"CPU per model:  median {statistics.median(cpu):.2f}s, mean {statistics.mean(cpu):.2f}s, max {max(cpu):.2f}s")
    groups: dict[str, list[str]] = defaultdict(list)
    for o in outcomes:
        if o.crash:
            groups["crash: " + o.crash.split(" (")[0][:80]].append(o.model)
        for cause in o.causes:
            groups[_category(cause)].append(o.model)
        for f in o.files:
            if f.cause:
                label = ("drift: " if f.drift else "") + _category(f.cause)
                groups[label].append(f"{f.name}: {f.cause}" if verbose else f.name)
    print("failures by cause:")
    for cause, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(items):4d}  {cause}")
        for item in items[: (None if verbose else 6)]:
            print(f"          {item}")


def _progress(outcome: ModelOutcome, done: int, total: int) -> ModelOutcome:
    """Print one line for a finished model (flushed, so a partial run can be read) and return it."""
    if outcome.crash:
        status = "CRASH " + outcome.crash
    elif outcome.byte_identical:
        status = "byte"
    elif outcome.ast_identical:
        status = "ast"
    else:
        drifted = [f"{f.name} (drift)" for f in outcome.files if f.drift]
        ours = list(outcome.causes) + [f"{f.name}: {f.cause}" for f in outcome.files if f.cause and not f.drift]
        status = ("DRIFT " if outcome.drift else "FAIL ") + "; ".join(drifted + ours)
    print(f"[{done}/{total}] {outcome.model} {outcome.seconds:.2f}s cpu {outcome.cpu_seconds:.2f}s {status}", flush=True)
    return outcome


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def show_diff(modular: Path) -> None:
    """Print a unified diff (black-formatted) of each differing file of one model."""
    model = modular.parent.name
    shipped = shipped_outputs(modular)
    header = shipped_header(next(iter(shipped.values()))) if shipped else None
    options = ConvertOptions(ImportStyle.IN_TREE, f"transformers.models.{model}", header, IN_TREE_COMPAT)
    result = convert_modular(modular.read_text(encoding="utf-8"), modular_path=f"src/transformers/models/{model}/{modular.name}",
                             resolver=installed_transformers(), options=options)
    for generated in result.files:
        theirs = fmt(shipped.get(str(generated.path), ""))
        ours = fmt(generated.content)
        if ours != theirs:
            sys.stdout.writelines(difflib.unified_diff(theirs.splitlines(True), ours.splitlines(True),
                                                       f"shipped/{generated.path}", f"ours/{generated.path}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", action="append", default=[], help="model directory or modular name (repeatable)")
    parser.add_argument("--show-diff", action="store_true", help="print diffs for the selected models")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per model (0: none); over it is a crash")
    parser.add_argument("--drift-rule", action="store_true", help="print the rule that labels a failure as drift")
    args = parser.parse_args(argv)
    if args.drift_rule:
        print(DRIFT_RULE)
        return 0
    paths = modular_files(args.only)
    if args.show_diff:
        for path in paths:
            show_diff(path)
        return 0
    jobs = [(p, args.timeout) for p in paths]
    outcomes: list[ModelOutcome] = []
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            for outcome in pool.imap_unordered(check_model_timed, jobs, chunksize=1):
                outcomes.append(_progress(outcome, len(outcomes) + 1, len(jobs)))
    else:
        for job in jobs:
            outcomes.append(_progress(check_model_timed(job), len(outcomes) + 1, len(jobs)))
    outcomes.sort(key=lambda o: o.model)
    report(outcomes, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
