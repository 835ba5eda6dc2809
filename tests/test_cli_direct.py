"""The direct path of `scaffold new-model` (no typer parsing): same arguments, output and exit codes as typer's."""

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from scaffold.cli import app, direct_call, new_model


def _typer_arguments(argv):
    """The keyword arguments typer's own parsing gives the command (pydantic coercion included)."""
    command = typer.main.get_command(app).commands[argv[0]]
    with command.make_context(argv[0], list(argv[1:])) as ctx:
        return ctx.params


@pytest.mark.parametrize(
    "argv",
    [
        ["new-model", "--like", "llama", "--name", "my-x"],
        ["new-model", "--name=my-x", "--like=vision_encoder_decoder", "--no-tests"],
        ["new-model", "--like", "llama", "--name", "my-x", "--out", "some/dir", "--class-prefix", "MyX"],
        ["new-model", "--like", "llama", "--name", "my-x", "--force", "--dry-run", "--no-tests", "--out=."],
        ["new-model", "--like", "llama", "--name", "my-x", "--no-force", "--no-dry-run"],
        ["new-model", "--like", "llama", "--name", "a=b c"],
    ],
)
def test_plain_command_lines_get_the_arguments_typer_gives(argv):
    direct = direct_call(argv)
    assert direct is not None
    callback, arguments = direct
    assert arguments == _typer_arguments(argv)
    assert inspect.unwrap(callback) is inspect.unwrap(new_model)  # typer's wrapper of the command function


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["list"],
        ["new-model"],
        ["new-model", "--help"],
        ["new-model", "--like", "llama"],  # --name missing
        ["new-model", "--like", "llama", "--name"],  # no value
        ["new-model", "--like", "llama", "--name", ""],
        ["new-model", "--like", "llama", "--name", "-x"],
        ["new-model", "--like", "llama", "--name", "x", "--like", "gpt2"],  # repeated
        ["new-model", "--like", "llama", "--name", "x", "--force=yes"],
        ["new-model", "--like", "llama", "--name", "x", "extra"],
        ["new-model", "--like", "llama", "--name", "x", "--"],
        ["new-model", "--lik", "llama", "--name", "x"],
    ],
)
def test_anything_else_is_left_to_typer(argv):
    assert direct_call(argv) is None


def _scaffold(*args, cwd):
    env = {**os.environ, "SCAFFOLD_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "scaffold", *args], capture_output=True, text=True, env=env, cwd=cwd)


def _without_timing(text):
    return re.sub(r" in \d+\.\d\ds$", " in <t>s", text, flags=re.MULTILINE)


def test_direct_run_prints_what_the_typer_run_prints(tmp_path):
    args = ["new-model", "--like", "llama", "--name", "my-x", "--out", str(tmp_path / "out"), "--dry-run"]
    direct = _scaffold(*args, cwd=tmp_path)
    through_typer = CliRunner().invoke(app, args)
    assert direct.returncode == through_typer.exit_code == 0, direct.stderr
    assert "would create" in direct.stdout
    assert _without_timing(direct.stdout) == _without_timing(through_typer.output)
    assert not (tmp_path / "out").exists()


def test_direct_run_reports_errors_like_the_typer_run(tmp_path):
    args = ["new-model", "--like", "lama", "--name", "my-x", "--out", str(tmp_path / "out")]
    direct = _scaffold(*args, cwd=tmp_path)
    through_typer = CliRunner().invoke(app, args)
    assert direct.returncode == through_typer.exit_code != 0
    assert direct.stderr.startswith("error: ") and "Did you mean 'llama'?" in direct.stderr
    assert direct.stderr.strip() == through_typer.output.strip()
    assert direct.stdout == ""


def test_generation_imports_neither_torch_nor_pydantic(tmp_path):
    code = (
        "import sys\n"
        "from scaffold.cli import main\n"
        f"sys.argv = ['scaffold', 'new-model', '--like', 'llama', '--name', 'my-x', '--out', {str(tmp_path / 'o')!r},"
        " '--no-tests']\n"
        "main()\n"
        "print(sorted(m for m in ('torch', 'pydantic', 'transformers') if m in sys.modules))\n"
    )
    env = {**os.environ, "SCAFFOLD_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert (Path(tmp_path) / "o" / "my_x" / "modeling_my_x.py").is_file()
