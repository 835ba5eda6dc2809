"""The helper process gives what the parent would compute itself, and any trouble with it falls back to that."""

import subprocess
import sys

import pytest

from scaffold import autotables, formatting, helper
from scaffold.autotables import read_auto_tables, tables_from_plain, tables_to_plain
from scaffold.formatting import FormattingError, run_black
from scaffold.source import installed_transformers

UGLY = "def f( a,b ):\n  return {'x':a+b}\n"


@pytest.fixture
def installed():
    return installed_transformers()


@pytest.fixture
def no_local_steps(monkeypatch):
    """Make the parent unable to do either step itself: a result then proves the process gave it."""

    def refuse(*args):
        raise AssertionError("the parent did the step itself")

    monkeypatch.setattr(autotables, "read_auto_tables", refuse)
    monkeypatch.setattr(formatting, "run_black", refuse)


@pytest.fixture(autouse=True)
def helper_on(monkeypatch):
    monkeypatch.delenv(helper.ENV_SWITCH, raising=False)
    monkeypatch.setattr(helper, "helper_wanted", lambda: True)  # also on a one-core CI machine


def test_the_process_reads_the_same_tables_and_formats_like_black(installed, no_local_steps):
    # read_auto_tables and run_black, as imported here, are the originals the fixture took away from the parent
    expected_tables, expected_text = read_auto_tables(installed), run_black(UGLY, "x.py")
    long_source = "x = f(" + ", ".join(f"argument_{i}" for i in range(40)) + ")\n"
    expected_long = run_black(long_source, "y.py")
    with helper.Helper.start() as process:
        assert process.auto_tables(installed) == expected_tables
        assert process(UGLY, "x.py") == expected_text
        assert process(long_source, "y.py") == expected_long


def test_invalid_code_is_the_same_one_line_error_as_in_process(no_local_steps):
    with pytest.raises(FormattingError) as in_process:
        run_black("def (:\n", "broken.py")
    with helper.Helper.start() as process:
        with pytest.raises(FormattingError) as from_helper:
            process("def (:\n", "broken.py")
    message = str(from_helper.value)
    assert message == str(in_process.value) and "\n" not in message
    assert message.startswith("broken.py: generated code does not parse (cannot parse") and "1:4" in message


def test_formatting_without_asking_for_the_tables_first(no_local_steps):
    with helper.Helper.start() as process:
        assert process(UGLY, "x.py") == 'def f(a, b):\n    return {"x": a + b}\n'


def test_turned_off_the_parent_does_both_steps(installed, monkeypatch):
    monkeypatch.setattr(helper, "helper_wanted", lambda: False)
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    with helper.Helper.start() as process:
        assert process.auto_tables(installed) == read_auto_tables(installed)
        assert process(UGLY, "x.py") == run_black(UGLY, "x.py")
    assert started == []


def test_a_dead_process_falls_back_to_the_parent(installed):
    with helper.Helper.start() as process:
        process._process.kill()  # noqa: SLF001 - the failure under test
        assert process.auto_tables(installed) == read_auto_tables(installed)
        assert process(UGLY, "x.py") == run_black(UGLY, "x.py")


def test_a_silent_process_is_given_up_after_the_timeout(installed, monkeypatch):
    monkeypatch.setattr(helper, "TIMEOUT_SECONDS", 0.5)
    silent = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    process = helper.Helper(silent)
    assert process.auto_tables(installed) == read_auto_tables(installed)
    assert silent.poll() is not None  # killed and reaped
    assert process(UGLY, "x.py") == run_black(UGLY, "x.py")


def test_a_process_that_found_another_black_is_not_used(monkeypatch):
    monkeypatch.setattr(helper, "_same_black", lambda origin: False)
    calls = []
    monkeypatch.setattr(formatting, "run_black", lambda source, path: calls.append(path) or "local\n")
    with helper.Helper.start() as process:
        assert process(UGLY, "x.py") == "local\n"
    assert calls == ["x.py"]


def test_tables_from_another_transformers_are_not_used(installed, monkeypatch, tmp_path):
    other = type(installed)(root=tmp_path, version=installed.version)
    monkeypatch.setattr(autotables, "read_auto_tables", lambda found: ("read here", found.root))
    with helper.Helper.start() as process:
        assert process.auto_tables(other) == ("read here", tmp_path)


def test_tables_survive_the_plain_form(installed):
    tables = read_auto_tables(installed)
    again = tables_from_plain(tables_to_plain(tables))
    assert again == tables and again.tables["CONFIG_MAPPING_NAMES"]["llama"] == "LlamaConfig"
    with pytest.raises(TypeError):
        again.tables["CONFIG_MAPPING_NAMES"]["x"] = "y"  # read-only, like the original
