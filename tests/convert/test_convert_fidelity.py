"""A small fidelity check in CI: representative modular files convert to AST-identical copies of the shipped files.

The full run over every installed modular file is ``python scripts/fidelity.py --jobs 2``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from scaffold.source import installed_transformers

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fidelity.py"
MODELS = ["mistral", "qwen2", "gemma", "llava_next_video", "colqwen2"]  # colqwen2: a processing file


def _fidelity():
    spec = importlib.util.spec_from_file_location("scaffold_fidelity_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize("model", MODELS)
def test_modular_file_converts_to_the_shipped_files(model: str) -> None:
    fidelity = _fidelity()
    modular = installed_transformers().root / "models" / model / f"modular_{model}.py"
    outcome = fidelity.check_model(modular)
    assert outcome.crash == ""
    assert outcome.causes == ()
    assert outcome.files, "no generated file was compared"
    assert [(f.name, f.cause) for f in outcome.files if not f.ast_identical] == []
