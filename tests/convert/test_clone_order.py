"""A clone's generated files list their definitions in the order of the (renamed) source files.

Converts the modular file a clone writes (every exported class, in ``__all__`` order) against the installed
transformers and compares the top-level names of each generated file with the source file's, old prefix renamed.
"""

from __future__ import annotations

import ast

import pytest

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.source import installed_transformers
from clone_modular import clone_modular

CASES = [
    ("llama", "Llama"),
    ("mistral", "Mistral"),
    ("bert", "Bert"),
    ("gpt2", "GPT2"),
    ("t5", "T5"),
    ("whisper", "Whisper"),
    ("llava", "Llava"),
    ("clip", "CLIP"),
]


def _top_level_names(text: str) -> list[str]:
    """Classes, functions and single-name assignments (not ``__all__``), a name redefined counted where it last is."""
    found = []
    for node in ast.parse(text).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            found.append(node.name)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found.append(node.targets[0].id)
    last = {name: i for i, name in enumerate(found)}
    return [name for i, name in enumerate(found) if last[name] == i and name != "__all__"]


@pytest.mark.parametrize("model, old", CASES)
def test_each_generated_file_follows_its_source_files_order(model: str, old: str) -> None:
    resolver = installed_transformers()
    new = "My" + old
    modular = clone_modular(resolver, model, old, new)
    options = ConvertOptions(import_style=ImportStyle.OUT_OF_TREE)
    result = convert_modular(
        modular, modular_path=f"my_{model}/modular_my_{model}.py", resolver=resolver, options=options
    )
    compared = 0
    for generated in result.files:
        kind = str(generated.path).split(f"_my_{model}")[0]
        source = resolver.read_module(f"transformers.models.{model}.{kind}_{model}")
        assert source is not None, generated.path
        renamed = [new + n[len(old) :] if n.startswith(old) else n for n in _top_level_names(source)]
        ours = _top_level_names(generated.content)
        assert set(ours) <= set(renamed), (generated.path, sorted(set(ours) - set(renamed)))
        assert ours == [n for n in renamed if n in ours], generated.path
        compared += 1
    assert compared >= 2
