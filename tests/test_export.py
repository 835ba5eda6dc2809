"""Export: a checkpoint of a generated clone reloads with trust_remote_code in a fresh process that cannot
import the generated package."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.export import read_package

EXAMPLES = Path(__file__).resolve().parent.parent / "generated_examples"

SAVE = {
    "my_llama": """
import my_llama
from transformers import AutoConfig, AutoModelForCausalLM
cfg = AutoConfig.for_model("my-llama", hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                           num_attention_heads=2, num_key_value_heads=1, vocab_size=50)
AutoModelForCausalLM.from_config(cfg).save_pretrained(CKPT)
""",
    "my_captioner": """
from transformers import GPT2Config, ViTConfig
from my_captioner import MyCaptionerConfig, MyCaptionerModel
enc = ViTConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, image_size=16, patch_size=8)
dec = GPT2Config(n_embd=16, n_layer=1, n_head=2, vocab_size=50, add_cross_attention=True, is_decoder=True)
MyCaptionerModel(MyCaptionerConfig.from_encoder_decoder_configs(enc, dec)).save_pretrained(CKPT)
""",
}

LOAD = {
    "my_llama": ("AutoModelForCausalLM", "MyLlamaForCausalLM"),
    "my_captioner": ("AutoModel", "MyCaptionerModel"),
}


def _python(code: str, *, path: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=path, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd)


def test_auto_map_read_from_registrations():
    code = read_package(EXAMPLES / "my_llama")
    auto_map = dict(code.auto_map)
    assert auto_map["AutoConfig"] == "modeling_my_llama.MyLlamaConfig"  # one config class, see export.py
    assert auto_map["AutoModelForCausalLM"] == "modeling_my_llama.MyLlamaForCausalLM"
    assert auto_map["AutoModelForTokenClassification"] == "modeling_my_llama.MyLlamaForTokenClassification"


@pytest.mark.parametrize("example", ["my_llama", "my_captioner"])
def test_export_reloads_with_trust_remote_code_in_a_fresh_process(tmp_path, example):
    ckpt = tmp_path / "ckpt"
    saved = _python(f"CKPT = {str(ckpt)!r}\n" + SAVE[example], path=str(EXAMPLES / example), cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr[-2000:]
    result = CliRunner().invoke(app, ["export", str(EXAMPLES / example), "--checkpoint", str(ckpt)])
    assert result.exit_code == 0, result.output
    assert "auto_map" in json.loads((ckpt / "config.json").read_text())
    auto_class, expected = LOAD[example]
    probe = (
        "import importlib.util, transformers\n"
        f"assert importlib.util.find_spec({example!r}) is None\n"
        f"m = getattr(transformers, {auto_class!r}).from_pretrained({str(ckpt)!r}, trust_remote_code=True)\n"
        "print(type(m).__name__)\n"
    )
    loaded = _python(probe, path="", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert loaded.stdout.strip().splitlines()[-1] == expected


def test_export_needs_a_saved_checkpoint(tmp_path):
    result = CliRunner().invoke(app, ["export", str(EXAMPLES / "my_llama"), "--checkpoint", str(tmp_path)])
    assert result.exit_code != 0 and "save_pretrained" in result.output
