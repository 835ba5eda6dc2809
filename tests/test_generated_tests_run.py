"""The generated test files of the golden examples pass through `scaffold test` (issue 3.4)."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "generated_examples"


@pytest.mark.parametrize("example", ["my_llama", "my_captioner"])
def test_scaffold_test_passes_on_the_generated_project(tmp_path, monkeypatch, example):
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(tmp_path)  # a relative project path, as users type it
    result = CliRunner().invoke(app, ["test", example])
    assert result.exit_code == 0, result.output[-4000:]
    assert "passed" in result.output and "failed" not in result.output


def test_scaffold_test_fails_when_a_generated_test_fails(tmp_path):
    project = tmp_path / "my_llama"
    shutil.copytree(EXAMPLES / "my_llama", project, ignore=shutil.ignore_patterns("__pycache__"))
    modeling = project / "my_llama" / "modeling_my_llama.py"
    text = modeling.read_text()
    assert text.count("hidden_states = residual + hidden_states") >= 1
    modeling.write_text(text.replace("hidden_states = residual + hidden_states", "hidden_states = hidden_states", 1))
    result = CliRunner().invoke(app, ["test", str(project)])
    assert result.exit_code == 1 and "error: tests of" in result.output and "failed" in result.output
