"""A small fidelity check in CI: representative modular files convert to AST-identical copies of the shipped files.

The full run over every installed modular file is ``python scripts/fidelity.py --jobs 2``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fidelity.py"
MODELS = [
    "mistral",
    "qwen2",
    "gemma",
    "llava_next_video",
    "colqwen2",  # a processing file
    # fixed in session 2 (tests/convert/test_convert_fixes.py has the small before/after cases):
    "dpt",  # TYPE_CHECKING import used by a string annotation
    "colpali",  # child code before super().__init__, parent calls it last
    "cohere",  # @no_inherit_decorator
    "biogpt",  # BioGpt / Bart prefixes sharing a trailing "t"
    "data2vec_audio",  # Data2VecAudioBaseModelOutput = Wav2Vec2BaseModelOutput
    # fixed in session 3 (small before/after cases in tests/convert/test_fix_*.py):
    "hgnet_v2",  # a parent's own-model-part config file maps to the new config file
    "owlv2",  # torch imports of pil image processors under is_torch_available()
    "glm46v",  # the first occurrence of an import decides its guard
    "maskformer",  # a class redefined under its parent's name does not vote for the prefix
    "ovis2",  # a sub-prefix colliding with the source's classes falls back to the default
    "bamba",  # hub-kernel functions keep their names
    "plbart",  # the new prefix keeps the modular classes' casing
    "got_ocr2",  # a class defined twice sits at its first position
    "doge",  # X["key"] = value follows X
    "deepseek_vl",  # a raising method removes the parent's only in the one-line shape
    "x_clip",  # word + whole parent name keeps the parent model's name
    "jamba",  # prefix voting with a shared suffix
]


def _fidelity():
    spec = importlib.util.spec_from_file_location("scaffold_fidelity_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize("model", MODELS)
def test_modular_file_converts_to_the_shipped_files(model: str) -> None:
    fidelity = _fidelity()
    (modular,) = fidelity.modular_files([model])  # data2vec_audio lives in models/data2vec/
    outcome = fidelity.check_model(modular)
    assert outcome.crash == ""
    assert outcome.causes == ()
    assert outcome.files, "no generated file was compared"
    assert [(f.name, f.cause) for f in outcome.files if not f.ast_identical] == []


def _context(fidelity, modular: str, parent: str):  # type: ignore[no-untyped-def]
    import ast

    return fidelity.DriftContext(
        frozenset(fidelity.statement_lines(ast.parse(modular))), frozenset(fidelity.statement_lines(ast.parse(parent)))
    )


PARENT_NOW = '''
class FooEmbeddings:
    def interpolate(self, embeddings):
        num_patches = embeddings.shape[1] - 1
        return num_patches
'''
OURS = PARENT_NOW.replace("Foo", "Bar")
SHIPPED_STALE = OURS.replace("embeddings.shape[1] - 1", "self.num_patches")
MODULAR = '''
from ..foo.modeling_foo import FooEmbeddings


class BarEmbeddings(FooEmbeddings):
    pass
'''


def test_drift_rule_labels_a_shipped_file_older_than_its_parent() -> None:
    fidelity = _fidelity()
    context = _context(fidelity, MODULAR, PARENT_NOW)
    assert fidelity.is_drift(OURS, SHIPPED_STALE, "transformers.models.bar", context)


def test_drift_rule_keeps_our_own_mistakes_ours() -> None:
    fidelity = _fidelity()
    context = _context(fidelity, MODULAR, PARENT_NOW)
    renamed_wrong = OURS.replace("BarEmbeddings", "BAREmbeddings")  # a naming difference only
    assert not fidelity.is_drift(renamed_wrong, OURS, "transformers.models.bar", context)
    invented = OURS.replace("return num_patches", "return num_patches + 1")  # code the parent does not have
    assert not fidelity.is_drift(invented, OURS, "transformers.models.bar", context)
    dropped = OURS.replace("        num_patches = embeddings.shape[1] - 1\n", "")  # we lost a parent line
    assert not fidelity.is_drift(dropped, OURS, "transformers.models.bar", context)
