"""A clone initialises its weights exactly as the source model does.

transformers takes another weight-initialisation path for classes defined outside its package ("custom code"):
modules without parameters of their own are never passed to `_init_weights`. For t5 (attention and MLP blocks
set their children's std) that leaves most weights with torch's defaults; the generated PreTrainedModel
takes the library's path instead. Seeded construction must give bit-equal state dicts.
"""

import os
import subprocess
import sys

from scaffold.cli import app
from typer.testing import CliRunner

COMPARE = """
import torch
import my_t5
from transformers import T5Config, T5ForConditionalGeneration
sizes = dict(d_model=32, d_ff=64, num_layers=2, num_heads=4, d_kv=8, vocab_size=100)
torch.manual_seed(0)
source = T5ForConditionalGeneration(T5Config(**sizes)).state_dict()
torch.manual_seed(0)
clone = my_t5.MyT5ForConditionalGeneration(my_t5.MyT5Config(**sizes)).state_dict()
assert list(source) == list(clone)
different = [key for key in source if not torch.equal(source[key], clone[key])]
assert not different, different
print("equal", len(source))
"""


def test_t5_clone_initialises_like_t5(tmp_path):
    result = CliRunner().invoke(
        app, ["new-model", "--like", "t5", "--name", "my-t5", "--out", str(tmp_path / "p"), "--no-tests"]
    )
    assert result.exit_code == 0, result.output
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "p"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", COMPARE], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("equal")


def test_class_body_combines_the_profile_override_and_the_library_init_path():
    from scaffold.profiles import class_body

    ved = class_body("vision-encoder-decoder", "VisionEncoderDecoderModel", "MyCaptionerModel")
    assert "MyCaptionerModel.from_encoder_decoder_pretrained(" in ved and "__CLASS__" not in ved
    assert "_initialize_weights" not in ved
    init = class_body("llama", "LlamaPreTrainedModel", "MyLlamaPreTrainedModel")
    assert "super()._initialize_weights(module, is_custom_code=False)" in init
    assert class_body("llama", "LlamaModel", "MyLlamaModel") is None
