"""The README's "Train a captioner" section runs as written: its `scaffold new-model` line, then its script.

The commands and the script are read from README.md, so a change that breaks the documented path fails here.
The script uses tiny random parts and no network; it runs in a fresh process next to the generated project.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "## Train a captioner"


def section_text() -> str:
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no '{SECTION}' section"
    body = text[text.index(SECTION) + len(SECTION) :]
    following = re.search(r"^## ", body, re.M)
    return body[: following.start()] if following else body


def fenced(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", section_text(), re.S | re.M)


def scaffold_commands(block: str) -> list[list[str]]:
    """The arguments of each `scaffold ...` line of a shell block (comments dropped)."""
    lines = [line.split("#")[0].strip() for line in block.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("scaffold ")]


def run_scaffold(block: str) -> None:
    commands = scaffold_commands(block)
    assert commands, f"no scaffold command in {block!r}"
    for arguments in commands:  # pip install -e is replaced by the script's sys.path line
        result = CliRunner().invoke(app, arguments)
        assert result.exit_code == 0, result.output


def test_the_section_makes_the_package_runs_one_script_then_exports():
    before, after = fenced("bash")
    assert len(fenced("python")) == 1
    assert scaffold_commands(before)[0][:3] == ["new-model", "--like", "vision-encoder-decoder"]
    assert scaffold_commands(after)[0][0] == "export"


def test_readme_captioner_path_trains_evaluates_reloads_and_ships(tmp_path, monkeypatch):
    before, after = fenced("bash")
    monkeypatch.chdir(tmp_path)
    run_scaffold(before)
    (tmp_path / "train_captioner.py").write_text(fenced("python")[0], encoding="utf-8")
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH="", TQDM_DISABLE="1")
    done = subprocess.run(
        [sys.executable, "train_captioner.py"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    evaluation = re.search(r"^eval: (.*)$", done.stdout, re.M)
    assert evaluation and "'eval_token_accuracy'" in evaluation.group(1) and "'eval_loss'" in evaluation.group(1)
    caption = re.search(r"^caption ids: \[\[(.*)\]\]$", done.stdout, re.M)
    assert caption, done.stdout[-2000:]
    ids = [int(x) for x in caption.group(1).split(",")]
    assert ids[0] == 1 and 2 <= len(ids) <= 6  # starts with decoder_start_token_id; at most 5 new tokens
    run_scaffold(after)
    probe_dir = tmp_path / "elsewhere"  # the project folder in the cwd would be importable as a namespace package
    probe_dir.mkdir()
    probe = (
        "import importlib.util\nfrom transformers import AutoModel\n"
        "assert importlib.util.find_spec('my_captioner') is None\n"
        f"m = AutoModel.from_pretrained({str(tmp_path / 'captioner')!r}, trust_remote_code=True)\n"
        "print(type(m).__name__, m.generation_config.decoder_start_token_id)\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=probe_dir, capture_output=True, text=True, env=env)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert loaded.stdout.strip().splitlines()[-1] == "MyCaptionerModel 1"


@pytest.mark.parametrize(
    "needle", ["from_encoder_decoder_pretrained", "predict_with_generate=True", "AutoModel.from_pretrained"]
)
def test_the_script_shows_each_step(needle):
    assert needle in fenced("python")[0]
