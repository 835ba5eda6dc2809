"""The generated packages import, register with the Auto classes (idempotently) and are deterministic."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "generated_examples"


def _run(code: str, *paths: Path, env: dict | None = None) -> str:
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), full_env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _digest(tree: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        h.update(path.relative_to(tree).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_byte_identical_across_hash_seeds(tmp_path):
    digests = set()
    for seed in ("0", "12345"):
        out = tmp_path / f"seed{seed}"
        _run(
            "from scaffold.cli import main; import sys; "
            f"sys.argv=['scaffold','new-model','--like','blip-2','--name','my-blip','--out',{str(out)!r},'--no-tests']; main()",
            env={"PYTHONHASHSEED": seed},
        )
        digests.add(_digest(out))
    assert len(digests) == 1


LLAMA_CHECK = """
import importlib, torch, transformers
import my_llama
importlib.reload(my_llama)          # registering twice must not raise
my_llama.register()
from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoModelForSequenceClassification
cfg = AutoConfig.for_model("my-llama", hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                           num_attention_heads=2, num_key_value_heads=1, vocab_size=50)
assert type(cfg).__name__ == "MyLlamaConfig", type(cfg)
assert type(AutoModel.from_config(cfg)).__name__ == "MyLlamaModel"
model = AutoModelForCausalLM.from_config(cfg)
model.save_pretrained(SAVE)
again = AutoModelForCausalLM.from_pretrained(SAVE)
assert type(again).__name__ == "MyLlamaForCausalLM"
assert type(AutoModelForSequenceClassification.from_pretrained(SAVE)).__name__ == "MyLlamaForSequenceClassification"
print("ok")
"""


def test_llama_clone_registers_and_reloads(tmp_path):
    out = _run(f"SAVE = {str(tmp_path / 'ckpt')!r}\n" + LLAMA_CHECK, EXAMPLES / "my_llama")
    assert out.strip().endswith("ok")


VED_CHECK = """
import my_captioner
from transformers import AutoConfig, AutoModel, AutoModelForImageTextToText, GPT2Config, ViTConfig
from my_captioner import MyCaptionerConfig, MyCaptionerModel
enc = ViTConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, image_size=16, patch_size=8)
dec = GPT2Config(n_embd=16, n_layer=1, n_head=2, vocab_size=50, add_cross_attention=True, is_decoder=True)
cfg = MyCaptionerConfig.from_encoder_decoder_configs(enc, dec)
assert cfg.model_type == "my-captioner"
model = MyCaptionerModel(cfg)
assert model.accepts_loss_kwargs is False
model.save_pretrained(SAVE)
for auto in (AutoModel, AutoModelForImageTextToText):
    assert type(auto.from_pretrained(SAVE)).__name__ == "MyCaptionerModel", auto
print("ok")
"""


def test_ved_clone_registers_with_automodel(tmp_path):
    out = _run(f"SAVE = {str(tmp_path / 'ckpt')!r}\n" + VED_CHECK, EXAMPLES / "my_captioner")
    assert out.strip().endswith("ok")


def test_clone_with_torchvision_modules_imports_whatever_is_installed(tmp_path):
    """vilt's image processors import torchvision at top level; the package must import with or without it."""
    from scaffold.project import NewModelRequest, plan_new_model
    from scaffold.writer import write_new_tree

    write_new_tree(plan_new_model(NewModelRequest(like="vilt", name="my-vilt", out=tmp_path / "my_vilt")), force=True)
    code = (
        "import my_vilt\n"
        "from transformers import AutoConfig, AutoModel\n"
        "from transformers.utils import is_torchvision_available\n"
        "assert (my_vilt.MyViltImageProcessor is None) != is_torchvision_available()\n"
        "cfg = AutoConfig.for_model('my-vilt')\n"
        "assert type(cfg).__name__ == 'MyViltConfig'\n"
        "print('ok')\n"
    )
    assert _run(code, tmp_path / "my_vilt").strip().endswith("ok")
