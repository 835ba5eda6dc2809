"""generated_examples/ must be exactly what new-model generates today (refresh: scripts/refresh_examples.py)."""

from pathlib import Path

import pytest

from scaffold.examples import EXAMPLES, plan_example
from scaffold.files import FileStatus
from scaffold.writer import compare

ROOT = Path(__file__).resolve().parent.parent / "generated_examples"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.like)
def test_golden_example_is_current(example):
    plan = plan_example(example, ROOT)
    stale = [o for o in compare(plan) if o.status is not FileStatus.IDENTICAL]
    assert not stale, "generated_examples is stale; run scripts/refresh_examples.py\n" + "\n".join(
        o.diff or f"missing {o.path}" for o in stale
    )
    on_disk = {p.relative_to(plan.root).as_posix() for p in plan.root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert on_disk == {str(f.path) for f in plan.files}, "files on disk that new-model no longer writes"
