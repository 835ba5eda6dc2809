"""Formatting: black's output, whether it comes from black or from the format cache (bounded, atomic)."""

from pathlib import PurePosixPath

import black
import pytest

from scaffold import formatting
from scaffold.files import FileKind, GeneratedFile
import os

from scaffold import format_cache
from scaffold.format_cache import FormatCache, cache_directory
from scaffold.formatting import MODE_KEY, format_files, format_python

UGLY = "def f( a,b ):\n  return {'x':a+b}\n"
PRETTY = 'def f(a, b):\n    return {"x": a + b}\n'
BIG = "".join(f'def function_{i}( a,b ):\n  """{"text " * 24}"""\n  return a\n' for i in range(70))


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SCAFFOLD_NO_CACHE", raising=False)
    return tmp_path / "cache" / "black"


def _black(text):
    return black.format_str(text, mode=black.Mode(line_length=119, target_versions={black.TargetVersion.PY310}))


def _py(name, text):
    return GeneratedFile(PurePosixPath(name), text, FileKind.MODELING)


def test_format_python_is_black_at_line_length_119():
    long_call = "x = f(" + ", ".join(f"argument_{i}" for i in range(12)) + ")\n"
    assert format_python(UGLY) == PRETTY
    assert format_python(long_call) == _black(long_call)
    assert "\n    argument_0,\n" in format_python(long_call)  # 12 arguments do not fit in 119 columns


def test_second_run_is_served_from_the_cache_without_black(cache_dir, monkeypatch):
    assert format_python(UGLY) == PRETTY
    assert len(list(cache_dir.iterdir())) == 1

    def no_black(source, path):
        raise AssertionError("black should not run on a cached input")

    monkeypatch.setattr(formatting, "run_black", no_black)
    assert format_python(UGLY) == PRETTY


def test_cache_key_depends_on_input_and_mode(tmp_path):
    one, other = FormatCache(tmp_path, MODE_KEY), FormatCache(tmp_path, "line_length=88")
    assert one.key(UGLY) != one.key(UGLY + "\n")
    assert one.key(UGLY) != other.key(UGLY)
    one.put(UGLY, PRETTY)
    assert one.get(UGLY) == PRETTY and other.get(UGLY) is None


def test_unwritable_cache_is_a_no_op(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = FormatCache(blocker / "sub", MODE_KEY)
    cache.put(UGLY, PRETTY)  # no exception
    assert cache.get(UGLY) is None
    assert format_python(UGLY, cache=cache) == PRETTY


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    cache = FormatCache(tmp_path, MODE_KEY)
    cache.put(UGLY, "x = '\udc80'\n")  # a lone surrogate cannot be written as UTF-8
    assert list(tmp_path.iterdir()) == []

    def replace_fails(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(format_cache.os, "replace", replace_fails)
    cache.put(UGLY, PRETTY)  # ignored, like any OS error
    assert list(tmp_path.iterdir()) == [] and cache.get(UGLY) is None

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(format_cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.put(UGLY, PRETTY)
    assert list(tmp_path.iterdir()) == []


def _aged_entries(cache, count, size):
    """``count`` entries of ``size`` bytes, entry i last used at time 1000 + i (seconds)."""
    sources = [f"x = {i}\n" for i in range(count)]
    for i, source in enumerate(sources):
        cache.put(source, "#" * (size - 1) + "\n")
        os.utime(cache.directory / cache.key(source), (1000 + i, 1000 + i))
    return sources


def test_prune_keeps_the_most_recently_used_entries_within_the_bound(tmp_path):
    cache = FormatCache(tmp_path, MODE_KEY, max_bytes=1000)
    sources = _aged_entries(cache, 5, 300)  # 1500 bytes
    assert cache.get(sources[0]) is not None  # the oldest entry becomes the most recently used
    cache.prune()  # least recently used first, down to 3/4 of the bound: 1, 2 and 3 go
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(cache.key(s) for s in (sources[0], sources[4]))


def test_prune_under_the_bound_removes_nothing(tmp_path):
    cache = FormatCache(tmp_path, MODE_KEY, max_bytes=1500)
    _aged_entries(cache, 5, 300)
    cache.prune()
    assert len(list(tmp_path.iterdir())) == 5


def test_format_files_prunes_the_cache_and_stale_temporary_files(cache_dir, monkeypatch):
    small = FormatCache(cache_dir, MODE_KEY, max_bytes=4000)
    monkeypatch.setattr(formatting, "default_cache", lambda mode: small)
    cache_dir.mkdir(parents=True)
    stale = cache_dir / ".entry-left-by-a-killed-run"
    stale.write_text("#" * 5000)
    os.utime(stale, (1000, 1000))
    assert format_files([_py("a.py", UGLY)])[0].content == PRETTY
    assert [p.name for p in cache_dir.iterdir()] == [small.key(UGLY)]


def test_format_files_prunes_only_after_black_ran(cache_dir, monkeypatch):
    pruned = []
    monkeypatch.setattr(FormatCache, "prune", lambda self: pruned.append(self.directory))
    files = [_py("a.py", UGLY), GeneratedFile(PurePosixPath("README.md"), "text\n", FileKind.PROJECT)]
    format_files(files)
    assert pruned == [cache_dir]
    format_files(files)  # every file served from the cache: no folder scan
    assert pruned == [cache_dir]


def test_no_cache_setting_turns_it_off(monkeypatch, cache_dir):
    monkeypatch.setenv("SCAFFOLD_NO_CACHE", "1")
    assert cache_directory() is None
    assert format_python(UGLY) == PRETTY
    assert not cache_dir.exists()


def test_format_files_keeps_order_and_equals_black(cache_dir):
    files = [
        _py("a.py", UGLY),
        GeneratedFile(PurePosixPath("README.md"), "# title  \n", FileKind.PROJECT),
        _py("b.py", BIG),
        _py("c.py", "x=1\n"),
    ]
    formatted = format_files(files)
    assert [f.path for f in formatted] == [f.path for f in files]
    assert formatted[0].content == PRETTY and formatted[2].content == _black(BIG) and formatted[3].content == "x = 1\n"
    assert formatted[1] == files[1]  # not Python: untouched
    assert len(list(cache_dir.iterdir())) == 3
    assert format_files(files) == formatted  # served from the cache


def test_format_files_reports_unparsable_code_with_its_path(cache_dir):
    files = [_py("ok.py", BIG), _py("bad.py", "def (:\n")]
    with pytest.raises(formatting.FormattingError, match="bad.py"):
        format_files(files)


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_model_output_is_the_same_without_cache_with_a_cold_and_a_warm_one(tmp_path):
    """The CLI output does not depend on the format cache: off, cold, then warm (every file served from it)."""
    import os
    import subprocess
    import sys

    trees = []
    for label, off in (("uncached", "1"), ("cold", ""), ("warm", "")):
        env = {**os.environ, "SCAFFOLD_NO_CACHE": off, "SCAFFOLD_CACHE_DIR": str(tmp_path / "cache")}
        out = tmp_path / label
        command = [
            sys.executable,
            "-m",
            "scaffold",
            "new-model",
            "--like",
            "llama",
            "--name",
            "my-x",
            "--out",
            str(out),
            "--no-tests",
        ]
        subprocess.run(command, check=True, env=env, capture_output=True)
        trees.append(_tree(out))
        if label == "uncached":
            assert not (tmp_path / "cache").exists()
    assert any((tmp_path / "cache").rglob("*")), "the cold run filled the cache"
    assert len(trees[0]) == 8 and b"class MyXForCausalLM(" in trees[0]["my_x/modeling_my_x.py"]
    assert trees[0] == trees[1] == trees[2]
