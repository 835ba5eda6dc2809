"""Export: a checkpoint of a generated clone reloads with trust_remote_code in a fresh process that cannot
import the generated package: the model through its Auto class, a saved tokenizer through AutoTokenizer, and a
saved processor (with its image processor) through AutoProcessor."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.export import plan_export, read_package
from scaffold.project import NewModelRequest, plan_new_model
from scaffold.writer import write_new_tree

EXAMPLES = Path(__file__).resolve().parent.parent / "generated_examples"

SAVE = {
    "my_llama": """
from my_llama import MyLlamaTokenizer
from transformers import AutoConfig, AutoModelForCausalLM
cfg = AutoConfig.for_model("my-llama", hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                           num_attention_heads=2, num_key_value_heads=1, vocab_size=50)
AutoModelForCausalLM.from_config(cfg).save_pretrained(CKPT)
MyLlamaTokenizer(vocab={"<unk>": 0, "<s>": 1, "</s>": 2, "\u2581a": 3, "\u2581cat": 4}).save_pretrained(CKPT)
""",
    "my_captioner": """
from transformers import GPT2Config, ViTConfig
from my_captioner import MyCaptionerConfig, MyCaptionerModel
enc = ViTConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, image_size=16, patch_size=8)
dec = GPT2Config(n_embd=16, n_layer=1, n_head=2, vocab_size=50, add_cross_attention=True, is_decoder=True)
MyCaptionerModel(MyCaptionerConfig.from_encoder_decoder_configs(enc, dec)).save_pretrained(CKPT)
""",
}

# A llava clone's processor (generated into tmp by the fixture below) with a tiny word-level tokenizer and its PIL
# image processor, saved next to the config.
SAVE_PROCESSOR = """
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast
from my_llava import MyLlavaConfig, MyLlavaImageProcessorPil, MyLlavaProcessor
vocab = {w: i for i, w in enumerate(["<unk>", "<pad>", "<s>", "</s>", "<image>", "a", "cat"])}
backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", pad_token="<pad>", bos_token="<s>",
                                    eos_token="</s>", extra_special_tokens={"image_token": "<image>"})
image_processor = MyLlavaImageProcessorPil(size={"shortest_edge": 8}, crop_size={"height": 8, "width": 8})
MyLlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, patch_size=4,
                 vision_feature_select_strategy="full").save_pretrained(CKPT)
MyLlavaConfig().save_pretrained(CKPT)
"""

PROBE_PROCESSOR = """
import importlib.util, numpy as np
from PIL import Image
from transformers import AutoProcessor
assert importlib.util.find_spec("my_llava") is None
p = AutoProcessor.from_pretrained(CKPT, trust_remote_code=True)
out = p(images=Image.fromarray(np.zeros((8, 8, 3), dtype=np.uint8)), text="<image> a cat", return_tensors="pt")
print(type(p).__name__, type(p.image_processor).__name__, tuple(out["pixel_values"].shape), out["input_ids"].tolist())
"""

LOAD = {
    "my_llama": ("AutoModelForCausalLM", "MyLlamaForCausalLM"),
    "my_captioner": ("AutoModel", "MyCaptionerModel"),
}

# Printed after the model's class by the fresh process: the saved tokenizer, if any, through AutoTokenizer.
PROBE_TOKENIZER = {
    "my_llama": (
        "t = transformers.AutoTokenizer.from_pretrained(CKPT, trust_remote_code=True)\n"
        "print(type(t).__name__, t.convert_tokens_to_ids(['\u2581cat', '</s>']))\n",
        ["MyLlamaTokenizer [4, 2]"],
    ),
    "my_captioner": ("", []),
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
    tokenizer_probe, tokenizer_expected = PROBE_TOKENIZER[example]
    probe = (
        f"import importlib.util, transformers\nCKPT = {str(ckpt)!r}\n"
        f"assert importlib.util.find_spec({example!r}) is None\n"
        f"m = getattr(transformers, {auto_class!r}).from_pretrained(CKPT, trust_remote_code=True)\n"
        "print(type(m).__name__)\n" + tokenizer_probe
    )
    loaded = _python(probe, path="", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    lines = loaded.stdout.strip().splitlines()
    assert lines[-1 - len(tokenizer_expected) :] == [expected, *tokenizer_expected]


def _export(project: Path, ckpt: Path, save: str, tmp_path: Path) -> None:
    saved = _python(f"CKPT = {str(ckpt)!r}\n" + save, path=str(project), cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr[-2000:]
    result = CliRunner().invoke(app, ["export", str(project), "--checkpoint", str(ckpt)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def llava_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `--like llava` clone (a processor, a PIL and a torchvision image processor), generated into tmp."""
    root = tmp_path_factory.mktemp("llava") / "my_llava"
    write_new_tree(plan_new_model(NewModelRequest(like="llava", name="my-llava", out=root)))
    return root


def test_processing_auto_map_read_from_each_files_all(llava_project):
    entries = {e.auto_class: e.json_value() for e in read_package(llava_project).processing}
    assert entries == {
        "AutoImageProcessor": {
            "pil": "image_processing_pil_my_llava.MyLlavaImageProcessorPil",
            "torchvision": "image_processing_my_llava.MyLlavaImageProcessor",
        },
        "AutoProcessor": "processing_my_llava.MyLlavaProcessor",
    }
    llama = {e.auto_class: e.json_value() for e in read_package(EXAMPLES / "my_llama").processing}
    assert llama == {"AutoTokenizer": ["tokenization_my_llama.MyLlamaTokenizer", None]}


def test_exported_processor_loads_with_auto_processor_in_a_fresh_process(tmp_path, llava_project):
    ckpt = tmp_path / "ckpt"
    _export(llava_project, ckpt, SAVE_PROCESSOR, tmp_path)
    nested = json.loads((ckpt / "processor_config.json").read_text())["image_processor"]["auto_map"]
    assert nested["AutoImageProcessor"]["pil"] == "image_processing_pil_my_llava.MyLlavaImageProcessorPil"
    loaded = _python(f"CKPT = {str(ckpt)!r}\n" + PROBE_PROCESSOR, path="", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    # 8x8 image, patch 4 -> the one <image> token becomes 4; "a cat" -> 5 6
    assert (
        loaded.stdout.strip().splitlines()[-1]
        == "MyLlavaProcessor MyLlavaImageProcessorPil (1, 3, 8, 8) [[4, 4, 4, 4, 5, 6]]"
    )


def test_export_needs_a_saved_checkpoint(tmp_path):
    result = CliRunner().invoke(app, ["export", str(EXAMPLES / "my_llama"), "--checkpoint", str(tmp_path)])
    assert result.exit_code != 0 and "save_pretrained" in result.output


def test_plan_export_adds_processing_entries_only_to_files_the_checkpoint_has(tmp_path, llava_project):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "my-llava"}))
    (tmp_path / "processor_config.json").write_text(json.dumps({"image_processor": {"size": 8}, "patch_size": 4}))
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"auto_map": {"AutoTokenizer": ["a.B", None]}}))
    plan = plan_export(read_package(llava_project), tmp_path)
    written = {str(f.path): f.content for f in plan.files}
    assert "preprocessor_config.json" not in written  # never created, only extended
    processor = json.loads(written["processor_config.json"])
    assert processor["auto_map"]["AutoProcessor"] == "processing_my_llava.MyLlavaProcessor"
    assert processor["image_processor"]["auto_map"]["AutoImageProcessor"]["torchvision"] == (
        "image_processing_my_llava.MyLlavaImageProcessor"
    )
    assert processor["image_processor"]["size"] == 8 and processor["patch_size"] == 4
    tokenizer = json.loads(written["tokenizer_config.json"])["auto_map"]
    assert tokenizer == {"AutoTokenizer": ["a.B", None], "AutoProcessor": "processing_my_llava.MyLlavaProcessor"}
    config = json.loads(written["config.json"])["auto_map"]
    assert config["AutoProcessor"] == "processing_my_llava.MyLlavaProcessor"
    assert config["AutoModel"] == "modeling_my_llava.MyLlavaModel"
    assert {"modeling_my_llava.py", "processing_my_llava.py", "image_processing_pil_my_llava.py"} <= set(written)
