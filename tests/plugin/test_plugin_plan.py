"""plan_plugin is pure: paths, valid black-formatted Python, the 12 mapper fields, registry entries."""

from __future__ import annotations

import ast
import functools
from pathlib import PurePosixPath

import black
import pytest
from plugin_fixtures import LLAVA, NAMES, llava_with

from scaffold.files import FileKind
from scaffold.plugin import Framework, plan_plugin
from scaffold.plugin import contract

# What transformers 4.41 / trl 0.8.1 environments provide and the plugin may import at runtime
# (4.41 has LlavaForConditionalGeneration, LlavaProcessor and AutoProcessor at the top level).
ALLOWED_IMPORTS = {
    "dataclasses": {"dataclass"},
    "typing": {"Any", "Dict", "List", "Literal", "Optional", "Union"},
    "torch": None,
    "warnings": None,  # stdlib
    "transformers": None,
    "PIL": {"Image"},
}
ALLOWED_TRANSFORMERS_ATTRS = {"LlavaForConditionalGeneration", "LlavaProcessor", "AutoProcessor"}


@functools.lru_cache(maxsize=None)  # black on a 15 kB file takes seconds on a busy CI core
def _files(framework: Framework = Framework.VL_RLHF, source=LLAVA):
    return {str(f.path): f for f in plan_plugin(framework, source, NAMES)}


def _init(framework: Framework = Framework.VL_RLHF, source=LLAVA) -> str:
    return _files(framework, source)[f"{framework.package}/models/MyVlm/__init__.py"].content


@pytest.mark.parametrize(
    ("framework", "expected"),
    [
        (Framework.VL_RLHF, ["patches/vlrlhf-auto_load-my_vlm.patch", "vlrlhf/models/MyVlm/__init__.py"]),
        (Framework.RESONANCE, ["patches/resonance-auto_load-my_vlm.patch", "resonance/models/MyVlm/__init__.py"]),
    ],
)
def test_paths_and_kinds(framework: Framework, expected: list[str]) -> None:
    files = plan_plugin(framework, LLAVA, NAMES)
    assert [str(f.path) for f in files] == expected
    assert all(f.kind is FileKind.PLUGIN and isinstance(f.path, PurePosixPath) for f in files)


@pytest.mark.parametrize("framework", list(Framework))
def test_plugin_parses_and_is_black_formatted(framework: Framework) -> None:
    source = _init(framework)
    ast.parse(source)
    assert black.format_str(source, mode=black.Mode(line_length=119)) == source


def test_two_runs_are_identical() -> None:
    assert plan_plugin(Framework.VL_RLHF, LLAVA, NAMES) == plan_plugin(Framework.VL_RLHF, LLAVA, NAMES)


def test_frameworks_differ_only_in_package_name() -> None:
    vl, res = _files(Framework.VL_RLHF), _files(Framework.RESONANCE)
    for vl_file, res_file in zip(sorted(vl.values(), key=str), sorted(res.values(), key=str)):
        spelled = vl_file.content.replace("vlrlhf", "resonance").replace("VL-RLHF", "Resonance")
        assert spelled.replace("vl-rlhf", "resonance") == res_file.content


def _mapper_call(tree: ast.Module) -> ast.Call:
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "core_mapper":
            return node.value
    raise AssertionError("no core_mapper assignment")


def test_core_mapper_has_the_12_fields_naming_defined_classes() -> None:
    tree = ast.parse(_init())
    call = _mapper_call(tree)
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert call.func.id == "ModelCoreMapper"
    assert [kw.arg for kw in call.keywords] == list(contract.MAPPER_FIELDS)
    assert len(call.keywords) == 12
    assert {kw.value.id for kw in call.keywords} <= classes
    assert call.keywords[0].value.id == "MyVlmForRL"


def test_runtime_imports_stay_within_the_pinned_stack() -> None:
    tree = ast.parse(_init())
    for node in tree.body:
        if isinstance(node, ast.Import):
            assert {alias.name for alias in node.names} <= set(ALLOWED_IMPORTS)
        elif isinstance(node, ast.ImportFrom) and not node.module.startswith("vlrlhf."):
            allowed = ALLOWED_IMPORTS[node.module]
            assert allowed is None or {alias.name for alias in node.names} <= allowed
    used = {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and getattr(n.value, "id", "") == "transformers"
    }
    assert used and used <= ALLOWED_TRANSFORMERS_ATTRS


def test_framework_imports_name_the_contract_modules() -> None:
    tree = ast.parse(_init(Framework.RESONANCE))
    imported = {
        (node.module, alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module.startswith("resonance.")
        for alias in node.names
    }
    expected = {(f"resonance.{base.module}", base.name) for base in contract.BASE_CLASSES}
    expected.add(("resonance.models.utils", "ModelCoreMapper"))
    assert imported == expected


def test_patch_adds_both_nickname_keys_and_flash_entries() -> None:
    patch = _files()["patches/vlrlhf-auto_load-my_vlm.patch"].content
    assert "+++ b/src/vlrlhf/utils/auto_load.py" in patch
    assert '+    "LlavaForConditionalGeneration": "MyVlm",\n' in patch
    assert '+    "MyVlmForRL": "MyVlm",\n' in patch
    assert "-FLASH_ATTN_MODELS = [\n+FLASH_ATTN_MODELS = [\n" in patch


def test_no_flash_entries_when_the_source_lacks_flash_attention() -> None:
    source = llava_with(supports_flash_attn=False)
    assert "FLASH_ATTN_MODELS" not in _files(source=source)["patches/vlrlhf-auto_load-my_vlm.patch"].content
    assert "FLASH_ATTN_KEYS = []" in _init(source=source)


def test_processor_falls_back_to_auto_processor() -> None:
    text = _init(source=llava_with(processor_class=None))
    assert "transformers.AutoProcessor.from_pretrained(model_name_or_path" in text


def test_source_chat_template_is_used() -> None:
    chatml = "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    text = _init(source=llava_with(chat_template=chatml))
    assert '"user_begin": "<|im_start|>user\\n",' in text
    assert "source processor" in text


AUTO_LOAD = """import os

MODEL_NICKNAME_MAP = {
    "LlavaForConditionalGeneration": "Llava",
    "QWenLMHeadModel": "QwenVL",
}

FLASH_ATTN_MODELS = [
    "LlavaForConditionalGeneration",
]
"""


def test_patch_applies_with_gnu_patch_and_keeps_existing_entries(tmp_path) -> None:
    import runpy
    import shutil
    import subprocess

    if shutil.which("patch") is None:
        pytest.skip("GNU patch is not installed")
    target = tmp_path / "src/vlrlhf/utils/auto_load.py"
    target.parent.mkdir(parents=True)
    target.write_text(AUTO_LOAD)
    patch = _files()["patches/vlrlhf-auto_load-my_vlm.patch"].content
    subprocess.run(["patch", "-p1", "--fuzz=0"], input=patch, text=True, cwd=tmp_path, check=True, capture_output=True)
    namespace = runpy.run_path(str(target))
    assert namespace["MODEL_NICKNAME_MAP"] == {
        "LlavaForConditionalGeneration": "Llava",  # a later duplicate key wins: the framework's own entry
        "MyVlmForRL": "MyVlm",
        "QWenLMHeadModel": "QwenVL",
    }
    assert set(namespace["FLASH_ATTN_MODELS"]) == {"LlavaForConditionalGeneration", "MyVlmForRL"}
