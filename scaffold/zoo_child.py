"""One zoo check in a fresh process: import, registration, tiny instantiation, parity with the source.

    python -m scaffold.zoo_child PROJECT_DIR NAME [PROJECT_DIR NAME ...]

Prints one JSON line per project: {"name", "reached": <last stage passed>, "failure": <first error line or "">}.
Several projects share one process (importing torch and transformers once); their names never collide.
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
import traceback
from pathlib import Path

# Size fields shrunk for the zoo's tiny models (why: defaults are full-size models that take seconds to
# build; parity only needs the same code paths). Nested sub-configs are shrunk recursively.
_TINY = {
    "hidden_size": 32, "d_model": 32, "n_embd": 32, "embed_dim": 32, "dim": 32,
    "intermediate_size": 64, "ffn_dim": 64, "encoder_ffn_dim": 64, "decoder_ffn_dim": 64, "d_ff": 64, "n_inner": 64,
    "num_hidden_layers": 2, "n_layer": 2, "num_layers": 2, "encoder_layers": 2, "decoder_layers": 2,
    "num_decoder_layers": 2, "n_layers": 2,
    "num_attention_heads": 4, "n_head": 4, "num_heads": 4, "encoder_attention_heads": 4,
    "decoder_attention_heads": 4, "n_heads": 4, "num_key_value_heads": 2,
    "vocab_size": 99, "image_size": 32, "patch_size": 8, "head_dim": 8, "max_position_embeddings": 64,
}


def shrink(config) -> None:
    special_ids = [v for k, v in vars(config).items() if k.endswith("token_id") and isinstance(v, int)]
    for key, value in _TINY.items():
        if key == "vocab_size" and any(i >= value for i in special_ids):
            continue  # token ids beyond a tiny vocabulary would break the embeddings
        if hasattr(config, key) and isinstance(getattr(config, key), int):
            setattr(config, key, value)
    layers = getattr(config, "num_hidden_layers", None)
    if isinstance(getattr(config, "layer_types", None), list) and isinstance(layers, int):
        config.layer_types = config.layer_types[:layers]
    for key in getattr(config, "sub_configs", {}) or {}:
        sub = getattr(config, key, None)
        if sub is not None and hasattr(sub, "to_dict"):
            shrink(sub)


def check(project: Path, name: str, progress: list[str]) -> None:
    import torch

    sys.path.insert(0, str(project))
    importlib.invalidate_caches()
    package = importlib.import_module(name.replace("-", "_"))
    progress.append("imports")
    from transformers import AutoConfig

    config_class = type(AutoConfig.for_model(name))
    assert config_class.__module__.startswith(package.__name__), config_class
    progress.append("registers")
    heads, sources, key_renames = _read_test_spec(project, name)
    auto_class, clone_name = next(iter(heads.items()))
    clone_class = getattr(package, clone_name)
    config = config_class()
    shrink(config)
    torch.manual_seed(0)
    clone = clone_class(config).eval()
    progress.append("instantiates")
    import transformers

    source_class = getattr(transformers, sources[auto_class])
    data = config.to_dict()
    data.pop("model_type", None)
    source_config_class = source_class.config_class
    source = source_class(source_config_class(**data)).eval()
    state = clone.state_dict()
    for old, new in key_renames:
        state = {(old + k[len(new):] if k.startswith(new) else k): v for k, v in state.items()}
    missing, unexpected = source.load_state_dict(state, strict=False)
    assert not missing and not unexpected, f"state dict keys differ: {missing[:3]} {unexpected[:3]}"
    inputs = _inputs(clone, config)
    with torch.no_grad():
        a, b = clone(**inputs), source(**inputs)
    first_a, first_b = (o.to_tuple()[0] if hasattr(o, "to_tuple") else o[0] for o in (a, b))
    assert torch.equal(first_a, first_b), "outputs differ"
    progress.append("parity")


def _read_test_spec(project: Path, name: str) -> tuple[dict, dict, tuple]:
    """model_classes (as class names), source_classes and key renames of the generated test class.

    Read from its syntax tree so the zoo does not depend on scaffold.testing being importable.
    """
    path = project / "tests" / f"test_modeling_{name.replace('-', '_')}.py"
    found = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    heads = {k.value: v.id for k, v in zip(found["model_classes"].keys, found["model_classes"].values)}
    return heads, ast.literal_eval(found["source_classes"]), ast.literal_eval(found["state_dict_key_renames"])


def _inputs(model, config) -> dict:
    import torch

    main = getattr(model, "main_input_name", "input_ids")
    if main == "input_ids":
        vocab = getattr(config, "vocab_size", None) or getattr(getattr(config, "text_config", None), "vocab_size", 99)
        ids = torch.randint(0, min(vocab, 99), (2, 7))
        inputs = {"input_ids": ids}
        if getattr(config, "is_encoder_decoder", False):
            inputs["decoder_input_ids"] = ids
        return inputs
    if main == "pixel_values":
        vision = getattr(config, "encoder", None) or getattr(config, "vision_config", None) or config
        channels = getattr(vision, "num_channels", 3)
        size = getattr(vision, "image_size", 32)
        size = size if isinstance(size, int) else size[0]
        inputs = {"pixel_values": torch.randn(2, channels, size, size)}
        if getattr(config, "is_encoder_decoder", False):
            decoder = getattr(config, "decoder", config)
            inputs["decoder_input_ids"] = torch.randint(0, min(decoder.vocab_size, 99), (2, 5))
        return inputs
    raise NotImplementedError(f"no input builder for main_input_name={main!r}")


def verdict(project: Path, name: str) -> dict:
    progress = ["generated"]
    failure = ""
    try:
        check(project, name, progress)
    except Exception as exc:  # noqa: BLE001 - the verdict names whatever stopped the check
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
        failure = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}{where}"
    return {"name": name, "reached": progress[-1], "failure": failure}


def main() -> int:
    """Arguments: pairs of PROJECT_DIR NAME; one JSON line per pair, checked in this one process."""
    args = sys.argv[1:]
    for project, name in zip(args[::2], args[1::2]):
        print(json.dumps(verdict(Path(project), name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
