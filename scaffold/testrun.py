"""Running a generated project's tests in a child process, and reading pytest's verdict."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError

_COUNT_RE = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)")


@dataclass(frozen=True)
class TestRunReport:
    exit_code: int
    counts: tuple[tuple[str, int], ...]  # (outcome, count) as pytest reported them
    summary: str  # pytest's closing line
    output: str

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


def run_project_tests(project: Path, *, extra_args: tuple[str, ...] = ()) -> TestRunReport:
    """``python -m pytest <project>/tests`` with the project importable; never raises on test failures."""
    project = project.resolve()  # the child runs in the project folder: a relative path would not resolve there
    tests = project / "tests"
    if not tests.is_dir():
        raise ScaffoldError(f"{project}: no tests/ folder; is this a project made by 'scaffold new-model'?")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project), env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "pytest", str(tests), "-q", "-p", "no:cacheprovider", *extra_args]
    completed = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    output = completed.stdout + completed.stderr
    summary = _closing_line(output)
    return TestRunReport(completed.returncode, outcome_counts(summary), summary, output)


def _closing_line(output: str) -> str:
    for line in reversed(output.strip().splitlines()):
        if _COUNT_RE.search(line) and (" in " in line or line.startswith("=")):
            return line.strip("= ").strip()
    return "pytest printed no summary"


def outcome_counts(summary: str) -> tuple[tuple[str, int], ...]:
    """(outcome, count) pairs of a pytest closing line: "2 failed, 14 passed in 3s" -> (("failed", 2), ("passed", 14))."""
    return tuple((outcome, int(n)) for n, outcome in _COUNT_RE.findall(summary))
