"""Suite-wide setup: scaffold's caches (formatted output, compiled templates) live in a directory of this
test session, so a run never reads results a previous run or another checkout left in ~/.cache/scaffold."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    previous = os.environ.get("SCAFFOLD_CACHE_DIR")
    os.environ["SCAFFOLD_CACHE_DIR"] = str(tmp_path_factory.mktemp("scaffold-cache"))
    yield
    if previous is None:
        os.environ.pop("SCAFFOLD_CACHE_DIR", None)
    else:
        os.environ["SCAFFOLD_CACHE_DIR"] = previous
