"""generated_examples/ must be exactly what new-model generates today (refresh: scripts/refresh_examples.py)."""

import re
from pathlib import Path

import pytest
import transformers

from scaffold.examples import EXAMPLES, plan_example
from scaffold.files import FileStatus
from scaffold.writer import compare

ROOT = Path(__file__).resolve().parent.parent / "generated_examples"
CONSTRAINTS = ROOT.parent / "scripts" / "constraints.txt"


def pinned_transformers() -> str:
    found = re.findall(r"^transformers==(\S+)$", CONSTRAINTS.read_text(), flags=re.MULTILINE)
    assert len(found) == 1, f"{CONSTRAINTS} must pin transformers exactly once"
    return found[0]


def test_installed_transformers_is_the_pinned_release():
    # The goldens (and the converter's fidelity tests) are files of one transformers release: with another one
    # installed they differ for reasons that are not scaffold's. scripts/test.sh installs the pinned release.
    assert transformers.__version__ == pinned_transformers(), (
        f"transformers {transformers.__version__} is installed, the tests are pinned to {pinned_transformers()}: "
        f"`pip install -c {CONSTRAINTS.relative_to(ROOT.parent)} transformers`, or bump the pin and run "
        "scripts/refresh_examples.py"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.like)
def test_golden_example_is_current(example):
    plan = plan_example(example, ROOT)
    stale = [o for o in compare(plan) if o.status is not FileStatus.IDENTICAL]
    assert not stale, "generated_examples is stale; run scripts/refresh_examples.py\n" + "\n".join(
        o.diff or f"missing {o.path}" for o in stale
    )
    on_disk = {p.relative_to(plan.root).as_posix() for p in plan.root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert on_disk == {str(f.path) for f in plan.files}, "files on disk that new-model no longer writes"
