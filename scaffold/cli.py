"""The command line: a thin Typer layer over the pipeline. The only place that catches ScaffoldError."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import time
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from scaffold.errors import CheckFailedError, GeneratedTestsFailedError, ScaffoldError
from scaffold.files import FileStatus
from scaffold.writer import WriteReport

app = typer.Typer(
    help="Bootstrap new model integrations for Hugging Face transformers from the installed transformers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., None])


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Generation without the cyclic garbage collector (reference counting frees as usual).

    Converting makes hundreds of thousands of short-lived syntax tree objects, and the collector's passes over
    them take a tenth of a llama clone (0.08 s of 0.8 s) and a third of a big one (qwen2_5_omni: 1.25 s of
    4.1 s) while freeing little: peak memory 50 MB either way for llama, 117 MB instead of 91 MB for
    qwen2_5_omni. The collector is back on when the block ends (before the generated tests run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reports_errors(command: F) -> F:
    """Turn a ScaffoldError into one red line on stderr and its exit code; let bugs keep their traceback."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            command(*args, **kwargs)
        except ScaffoldError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


@app.command("new-model")
@reports_errors
def new_model(
    like: Annotated[str, typer.Option(help="Model type to clone, as transformers names it (llama, vision-encoder-decoder).")],
    name: Annotated[str, typer.Option(help="The new model type, kebab or snake case (my-llama).")],
    out: Annotated[Path | None, typer.Option(help="Output directory (default: ./<name in snake case>).")] = None,
    class_prefix: Annotated[str | None, typer.Option(help="Class prefix (default: derived from --name, my-llama gives MyLlama).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing output directory.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Show what would be written; write nothing.")] = False,
    no_tests: Annotated[bool, typer.Option("--no-tests", help="Do not run the generated tests.")] = False,
) -> None:
    """Clone a transformers model into a standalone, registered package, then run its tests."""
    from scaffold.helper import Helper

    started = time.perf_counter()
    with cycle_collector_paused():
        with Helper.start() as helper:  # first, so that its work overlaps the imports and the conversion below
            from scaffold.discovery import Catalogue
            from scaffold.project import NewModelRequest, plan_new_model
            from scaffold.writer import write_new_tree

            request = NewModelRequest(like=like, name=name, out=out, class_prefix=class_prefix)
            plan = plan_new_model(request, Catalogue.load(helper.auto_tables), black=helper)
        report = write_new_tree(plan, force=force, dry_run=dry_run)
    _print_report(report, dry_run=dry_run)
    typer.echo(f"{'planned' if dry_run else 'generated'} {len(plan.files)} files in {time.perf_counter() - started:.2f}s")
    if dry_run or no_tests:
        return
    _run_tests(plan.root)


@app.command("list")
@reports_errors
def list_models(
    pattern: Annotated[str, typer.Argument(help="Only model types containing this text.")] = "",
) -> None:
    """List the model types that can be cloned, with the files and classes each would produce."""
    from scaffold.discovery import Catalogue, discover

    catalogue = Catalogue.load()
    for model_type in catalogue.model_types():
        if pattern not in model_type:
            continue
        try:
            source = discover(model_type, catalogue)
        except ScaffoldError as exc:
            typer.echo(f"{model_type}: cannot be cloned ({exc})")
            continue
        files = ", ".join(f"{f.kind.value} ({len(f.exported)})" for f in source.files)
        typer.echo(f"{model_type}: {source.package} - {files}")


@app.command()
@reports_errors
def convert(
    modular_file: Annotated[Path, typer.Argument(help="A modular_<name>.py file.")],
    dry_run: Annotated[bool, typer.Option(help="Show what would change; write nothing.")] = False,
) -> None:
    """Expand a modular_<name>.py into standalone configuration/modeling/processing files next to it."""
    from scaffold.modular_project import plan_modular_file
    from scaffold.writer import write_changed

    with cycle_collector_paused():
        report = write_changed(plan_modular_file(modular_file), dry_run=dry_run)
    _print_report(report, dry_run=dry_run)


@app.command()
@reports_errors
def check(
    directory: Annotated[Path, typer.Argument(help="A project folder (searched for modular_*.py files).")] = Path("."),
    fix: Annotated[bool, typer.Option(help="Rewrite the generated files that differ.")] = False,
) -> None:
    """Fail with a diff when a file generated from a modular file was edited by hand or is stale."""
    from scaffold.modular_project import find_modular_files, plan_modular_file
    from scaffold.writer import write_changed

    stale = []
    for modular in find_modular_files(directory):
        with cycle_collector_paused():  # the collector runs again between files
            report = write_changed(plan_modular_file(modular), dry_run=not fix)
        for outcome in report.changed:
            stale.append(outcome)
            typer.echo(outcome.diff or f"missing: {report.root / outcome.path}")
    if stale and not fix:
        raise CheckFailedError(f"{len(stale)} generated file(s) differ from their modular file; run 'scaffold check --fix'.")
    typer.echo(f"{'fixed' if fix and stale else 'checked'}: {len(stale)} file(s) {'rewritten' if fix else 'stale'}")


@app.command()
@reports_errors
def plugin(
    framework: Annotated[str, typer.Argument(help="vl-rlhf or resonance.")],
    like: Annotated[str, typer.Option(help="A vision-language model type of transformers (llava).")],
    name: Annotated[str, typer.Option(help="The plugin model name (my-vlm).")],
    out: Annotated[Path, typer.Option(help="Output root; the plugin goes to <out>/<package>/models/<Name>/.")] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite existing plugin files.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Show what would be written; write nothing.")] = False,
) -> None:
    """Generate a VL-RLHF / Resonance model plugin folder for a vision-language model."""
    from scaffold.errors import OutputConflictError
    from scaffold.formatting import format_file
    from scaffold.names import ModelNames
    from scaffold.plugin import Framework, discover_plugin_source, plan_plugin, plugin_warnings
    from scaffold.writer import Plan, compare, write_changed

    choices = {f.value: f for f in Framework}
    if framework not in choices:
        raise ScaffoldError(f"Unknown framework '{framework}'; choose one of: {', '.join(sorted(choices))}.")
    names = ModelNames.from_name(name)
    source = discover_plugin_source(like)
    files = plan_plugin(choices[framework], source, names)
    plan = Plan(root=out, files=tuple(format_file(f) for f in files))
    existing = [o for o in compare(plan) if o.status is FileStatus.OVERWRITE]
    if existing and not force:
        raise OutputConflictError(f"{plan.root / existing[0].path} exists; pass --force to overwrite it.")
    _print_report(write_changed(plan, dry_run=dry_run), dry_run=dry_run)
    for warning in plugin_warnings(choices[framework], source):
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)


@app.command()
@reports_errors
def export(
    directory: Annotated[Path, typer.Argument(help="A project made by 'scaffold new-model'.")],
    checkpoint: Annotated[Path, typer.Option(help="A folder the model was saved to with save_pretrained().")],
) -> None:
    """Make a saved checkpoint load with trust_remote_code=True, without this package installed."""
    from scaffold.export import plan_export, read_package
    from scaffold.writer import write_changed

    plan = plan_export(read_package(directory), checkpoint)
    _print_report(write_changed(plan), dry_run=False)


@app.command("test")
@reports_errors
def test_project(
    directory: Annotated[Path, typer.Argument(help="A project made by 'scaffold new-model'.")] = Path("."),
) -> None:
    """Run a generated project's tests and print a summary; the exit code reflects them."""
    _run_tests(directory)


def _run_tests(project: Path) -> None:
    from scaffold.testrun import run_project_tests

    typer.echo(f"running the tests of {project} ...")
    report = run_project_tests(project)
    if not report.passed:
        typer.echo(report.output[-6000:])
        raise GeneratedTestsFailedError(f"tests of {project}: {report.summary}")
    typer.echo(f"tests: {report.summary}")


def _print_report(report: WriteReport, *, dry_run: bool) -> None:
    verb = {FileStatus.CREATE: "create", FileStatus.OVERWRITE: "overwrite", FileStatus.IDENTICAL: "identical"}
    for outcome in report.outcomes:
        prefix = "would " if dry_run and outcome.status is not FileStatus.IDENTICAL else ""
        typer.echo(f"  {prefix}{verb.get(outcome.status, outcome.status.value)} {report.root / outcome.path}")


# Commands a plain command line runs without typer's parsing (why: typer converts every option value through
# pydantic, whose import and validators cost about 0.1 s of the 1 s that `new-model` is allowed).
DIRECT_COMMANDS = ("new-model",)
# Option types the direct path converts, as typer does for a value that passes its checks (other types: typer).
DIRECT_CONVERTERS: dict[type, Callable[[str], Any]] = {str: str, Path: Path}


def main() -> None:
    try:
        _main()
    finally:
        # The command is over: objects it leaves are freed by reference counting as the interpreter exits, and
        # frozen ones are spared its final full garbage collection (about 0.08 s after a generation, a tenth of it).
        gc.freeze()


def _main() -> None:
    direct = direct_call(sys.argv[1:])
    if direct is None:
        app(prog_name="scaffold")
        return
    callback, arguments = direct
    try:
        callback(**arguments)
    except typer.Exit as exc:  # a ScaffoldError, already reported by reports_errors
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)  # typer's code for an interrupted command


def direct_call(argv: list[str]) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """The command and the arguments typer would call it with, for a plain command line of DIRECT_COMMANDS.

    Plain: the command's own options only, each once, as ``--opt value``, ``--opt=value`` or a flag, every
    required one given, no value that is empty or starts with ``-``. Anything else returns None and goes to
    typer, which parses, helps and reports errors as usual; option names and defaults come from typer's command.
    """
    if not argv or argv[0] not in DIRECT_COMMANDS:
        return None
    command = typer.main.get_command(app).commands[argv[0]]  # type: ignore[attr-defined]
    spellings = _spellings(command)
    values = _parse_options(argv[1:], spellings) if spellings is not None else None
    if values is None or any(p.required and p.name not in values for p in command.params):
        return None
    return command.callback, {p.name: values.get(p.name, p.default) for p in command.params}


def _spellings(command: Any) -> dict[str, tuple[str, Any]] | None:
    """Option spelling -> (parameter, converter, or the value of a flag); None when an option is not plain."""
    hints = typing.get_type_hints(command.callback, include_extras=True)
    spellings: dict[str, tuple[str, Any]] = {}
    for param in command.params:
        kind = _plain_type(hints.get(param.name))
        if param.param_type_name != "option" or (kind is not bool and kind not in DIRECT_CONVERTERS):
            return None
        if kind is bool and (param.default is not False or not param.is_flag):
            return None
        for spelling in param.opts:
            spellings[spelling] = (param.name, True if kind is bool else DIRECT_CONVERTERS[kind])
        for spelling in param.secondary_opts:
            spellings[spelling] = (param.name, False)
    return spellings


def _plain_type(hint: Any) -> Any:
    """``Annotated[Path | None, typer.Option(...)]`` -> ``Path``."""
    if typing.get_origin(hint) is Annotated:
        hint = typing.get_args(hint)[0]
    if isinstance(hint, types.UnionType) and type(None) in hint.__args__ and len(hint.__args__) == 2:
        hint = next(arg for arg in hint.__args__ if arg is not type(None))
    return hint


def _parse_options(tokens: list[str], spellings: dict[str, tuple[str, Any]]) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    position = 0
    while position < len(tokens):
        spelling, equals, value = tokens[position].partition("=")
        name, meaning = spellings.get(spelling, (None, None))
        if name is None or name in values or (isinstance(meaning, bool) and equals):
            return None
        if not isinstance(meaning, bool) and not equals:
            position += 1
            value = tokens[position] if position < len(tokens) else ""
        if not isinstance(meaning, bool) and not _plain_value(value, meaning):
            return None
        values[name] = meaning if isinstance(meaning, bool) else meaning(value)
        position += 1
    return values


def _plain_value(value: str, converter: Callable[[str], Any]) -> bool:
    """A value typer takes as it is: not empty, not like an option, and for a path not an unreadable file."""
    if not value or value.startswith("-"):
        return False
    return converter is not Path or not os.path.lexists(value) or os.access(value, os.R_OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
