"""CLI behaviour: one-line errors with non-zero exits, nothing written on failure, dry runs, --help."""

import pytest
from typer.testing import CliRunner

from scaffold.cli import app

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("command", ["new-model", "list", "convert", "check", "test", "export", "plugin"])
def test_help_on_every_command(command):
    result = _invoke(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_help_shows_the_defaults_written_in_option_help():
    # rich takes "[default: ...]" inside a help text for markup and drops it ("Output directory .").
    text = " ".join(_invoke("new-model", "--help").output.replace("│", " ").split())
    assert "(default: ./<name in snake case>)" in text and "(default: derived from --name" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (("--like", "lama", "--name", "my-x"), "Did you mean 'llama'?"),
        (("--like", "llama", "--name", "class"), "keyword"),
        (("--like", "llama", "--name", "9lives"), "digit"),
        (("--like", "llama", "--name", "../up"), "path"),
        (("--like", "llama", "--name", "mistral"), "already a transformers model type"),
        (("--like", "llama", "--name", "gpt_neox"), "already a transformers model type"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    result = _invoke("new-model", *args, "--out", str(out), "--no-tests")
    assert result.exit_code != 0
    error_lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and message in error_lines[0]
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = _invoke("new-model", "--like", "llama", "--name", "my-llama", "--out", str(out), "--no-tests")
    assert result.exit_code != 0 and "--force" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_dry_run_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = _invoke("new-model", "--like", "llama", "--name", "my-llama", "--out", str(out), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create" in result.output and "modeling_my_llama.py" in result.output
    assert not out.exists()


def test_new_model_then_check_is_clean_and_detects_edits(tmp_path):
    out = tmp_path / "my_llama"
    result = _invoke("new-model", "--like", "llama", "--name", "my-llama", "--out", str(out), "--no-tests")
    assert result.exit_code == 0, result.output
    assert _invoke("check", str(out)).exit_code == 0
    modeling = out / "my_llama" / "modeling_my_llama.py"
    modeling.write_text(modeling.read_text() + "\nHAND_EDIT = 1\n")
    result = _invoke("check", str(out))
    assert result.exit_code == 1 and "HAND_EDIT" in result.output
    assert _invoke("check", str(out), "--fix").exit_code == 0
    assert "HAND_EDIT" not in modeling.read_text()
    assert _invoke("check", str(out)).exit_code == 0


def test_convert_rejects_a_broken_modular_file(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    bad = package / "modular_pkg.py"
    bad.write_text("class Broken(:\n    pass\n")
    result = _invoke("convert", str(bad))
    assert result.exit_code != 0 and "modular_pkg.py" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in package.iterdir()) == ["modular_pkg.py"]


def test_list_filters(tmp_path):
    result = _invoke("list", "llama")
    assert result.exit_code == 0
    assert "llama: transformers.models.llama" in result.output
    assert "bert:" not in result.output


@pytest.mark.parametrize("framework, package", [("vl-rlhf", "vlrlhf"), ("resonance", "resonance")])
def test_plugin_writes_the_folder_and_refuses_overwrite(tmp_path, framework, package):
    args = ("plugin", framework, "--like", "llava", "--name", "my-vlm", "--out", str(tmp_path))
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    plugin = tmp_path / package / "models" / "MyVlm" / "__init__.py"
    compile(plugin.read_text(), str(plugin), "exec")
    assert _invoke(*args).exit_code == 0  # identical files: nothing to lose
    plugin.write_text(plugin.read_text() + "# edited\n")
    refused = _invoke(*args)
    assert refused.exit_code != 0 and "--force" in refused.output and "# edited" in plugin.read_text()
    assert _invoke(*args, "--force").exit_code == 0 and "# edited" not in plugin.read_text()


@pytest.mark.parametrize("like, warned", [("qwen2_vl", True), ("llava", False)])
def test_plugin_warns_when_the_framework_pin_lacks_the_source_class(tmp_path, like, warned):
    result = _invoke("plugin", "vl-rlhf", "--like", like, "--name", "my-vlm", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vlrlhf" / "models" / "MyVlm" / "__init__.py").is_file()
    assert ("is not in transformers 4.41" in result.output) is warned


def test_plugin_unknown_framework(tmp_path):
    result = _invoke("plugin", "trl", "--like", "llava", "--name", "my-vlm", "--out", str(tmp_path))
    assert result.exit_code == 2 and "Unknown framework" in result.output and list(tmp_path.iterdir()) == []


def test_generation_pauses_the_cycle_collector_and_restores_its_state():
    import gc

    from scaffold.cli import cycle_collector_paused

    inside = []
    with pytest.raises(RuntimeError):
        with cycle_collector_paused():
            inside.append(gc.isenabled())
            raise RuntimeError("a failed generation")
    assert inside == [False] and gc.isenabled()
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_new_model_leaves_the_cycle_collector_on(tmp_path):
    import gc

    result = _invoke("new-model", "--like", "llama", "--name", "my-llama", "--out", str(tmp_path / "o"), "--dry-run")
    assert result.exit_code == 0 and gc.isenabled()


def test_main_freezes_what_the_command_left_even_when_it_exits(monkeypatch):
    import gc
    import sys

    from scaffold import cli

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(sys, "argv", ["scaffold", "--help"])
    with pytest.raises(SystemExit):
        cli.main()
    assert frozen == [True]
