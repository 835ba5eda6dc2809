"""Clones of sub-model types import and register: one class prefix per clone, the main config is the class the
source type maps to (renamed), and every model type a config declares is registered or another model's.

A sub-model type's config class lives in another model's module: ``clipseg_vision_model`` -> ``CLIPSegVisionConfig``
in clipseg/, ``data2vec-audio`` in data2vec/, ``openai-gpt`` in openai/. Each shape is cloned into tmp_path, then
one child process imports every clone and builds its default config through ``AutoConfig`` (no model is built).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# (source type, new name, class the new type must map to)
SHAPES = (
    ("clipseg_vision_model", "my-seg", "MySegVisionConfig"),  # composite package, processor borrowed
    ("data2vec-audio", "my-wave", "MyWaveConfig"),  # a model part with files of its own in data2vec/
    ("openai-gpt", "my-gpt", "MyGptConfig"),  # package openai/, classes OpenAIGPT*
)
# Not a sub-model type: its image processor module is guarded by a torchvision check (``__all__`` test).
GUARDED = ("vilt", "my-vilt", "MyViltConfig")

CHECK = """
import importlib, json, sys
from transformers import AutoConfig
found = {}
for name in sys.argv[1:]:
    package = importlib.import_module(name.replace("-", "_"))
    config = AutoConfig.for_model(name)
    assert type(config).__module__.startswith(package.__name__), type(config)
    assert all(getattr(package, n) is not None for n in package.__all__)
    found[name] = type(config).__name__
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def clones(tmp_path_factory) -> Path:
    from scaffold.project import NewModelRequest, plan_new_model
    from scaffold.writer import write_new_tree

    root = tmp_path_factory.mktemp("submodels")
    for like, name, _ in (*SHAPES, GUARDED):
        snake = name.replace("-", "_")
        write_new_tree(plan_new_model(NewModelRequest(like=like, name=name, out=root / snake)), force=True)
    return root


def test_sub_model_clones_import_and_register_their_main_config(clones: Path) -> None:
    env = dict(os.environ)
    paths = [str(clones / name.replace("-", "_")) for _, name, _ in SHAPES]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    command = [sys.executable, "-c", CHECK, *(name for _, name, _ in SHAPES)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {name: main for _, name, main in SHAPES}


@pytest.mark.parametrize(("like", "name", "main"), SHAPES)
def test_one_prefix_and_one_class_per_config_type(clones: Path, like: str, name: str, main: str) -> None:
    """Before: the clipseg clone's configuration file held ZooClipsegVisionModelTextConfig and ZooClipsegTextConfig,
    both declaring the same model type: two prefixes, one copied by the converter and one the modular defined."""
    snake = name.replace("-", "_")
    prefix = main.removesuffix("VisionConfig").removesuffix("Config")
    tree = ast.parse((clones / snake / snake / f"configuration_{snake}.py").read_text())
    types: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.endswith("Config"):
            assert node.name.startswith(prefix), node.name
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "model_type":
                    model_type = ast.literal_eval(stmt.value)
                    assert model_type not in types, (node.name, types.get(model_type))
                    types[model_type] = node.name
    assert types[name] == main


GUARDED_CHECK = """
from transformers.utils import import_utils
import_utils.BACKENDS_MAPPING["torchvision"] = (lambda: False, "")  # as if torchvision were not installed
import my_vilt
assert my_vilt.MyViltImageProcessor is None
assert "MyViltImageProcessor" not in my_vilt.__all__ and "MyViltConfig" in my_vilt.__all__
assert all(getattr(my_vilt, n) is not None for n in my_vilt.__all__)
print("ok")
"""


def test_classes_of_a_module_whose_backend_is_missing_are_not_exported(clones: Path) -> None:
    """Before: the guarded image processor was None but listed in ``__all__`` (``from my_vilt import *`` gave None)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(clones / "my_vilt"), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", GUARDED_CHECK], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
