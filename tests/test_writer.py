import os
import stat
from pathlib import Path, PurePosixPath

import pytest

from scaffold.errors import OutputConflictError
from scaffold.files import FileKind, FileStatus, GeneratedFile
from scaffold.writer import Plan, compare, write_changed, write_new_tree


def _plan(root: Path, **files: str) -> Plan:
    return Plan(
        root=root,
        files=tuple(GeneratedFile(PurePosixPath(p.replace("__", "/")), c, FileKind.PROJECT) for p, c in files.items()),
    )


def test_new_tree_created(tmp_path):
    report = write_new_tree(_plan(tmp_path / "out", a__b="x\n", c="y\n"))
    assert (tmp_path / "out/a/b").read_text() == "x\n"
    assert {o.status for o in report.outcomes} == {FileStatus.CREATE}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging left behind


def test_existing_tree_refused_and_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    with pytest.raises(OutputConflictError, match="--force"):
        write_new_tree(_plan(out, c="y\n"))
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_force_replaces(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    write_new_tree(_plan(out, c="y\n"), force=True)
    assert sorted(p.name for p in out.iterdir()) == ["c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_dry_run_writes_nothing(tmp_path):
    report = write_new_tree(_plan(tmp_path / "out", c="y\n"), dry_run=True)
    assert not (tmp_path / "out").exists() and not report.written
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_parent(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(OutputConflictError, match="Cannot write"):
            write_new_tree(_plan(parent / "out", c="y\n"))
    finally:
        parent.chmod(stat.S_IRWXU)


def test_parent_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputConflictError, match="Cannot write"):
        write_new_tree(_plan(blocker / "out", c="y\n"))


def test_compare_and_write_changed(tmp_path):
    (tmp_path / "same").write_text("1\n")
    (tmp_path / "diff").write_text("old\n")
    plan = _plan(tmp_path, same="1\n", diff="new\n", missing="m\n")
    statuses = {str(o.path): o.status for o in compare(plan)}
    assert statuses == {"same": FileStatus.IDENTICAL, "diff": FileStatus.OVERWRITE, "missing": FileStatus.CREATE}
    diff = next(o.diff for o in compare(plan) if str(o.path) == "diff")
    assert "-old" in diff and "+new" in diff
    write_changed(plan)
    assert (tmp_path / "diff").read_text() == "new\n" and (tmp_path / "missing").read_text() == "m\n"
    assert {o.status for o in compare(plan)} == {FileStatus.IDENTICAL}
