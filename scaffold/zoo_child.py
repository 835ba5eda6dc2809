"""One zoo check in a fresh process: import, registration, tiny instantiation, parity with the source.

    python -m scaffold.zoo_child PROJECT_DIR NAME [PROJECT_DIR NAME ...]

Prints one JSON line per project: {"name", "reached": <last stage passed>, "failure": <first error line or "">}.
Several projects share one process (importing torch and transformers once); their names never collide.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
import re
import sys
import traceback
from pathlib import Path


class ConfigOnly(LookupError):
    """The type is a sub-config: neither the clone nor transformers builds a model class from it alone."""


class NoTinySetup(RuntimeError):
    """No tiny config and input set runs the *source* model: a gap of scaffold.testing, not of the clone."""


# Parameter budget of the less-shrunk fallback configs (why: a default config may hold billions).
PARAMETER_BUDGET = 40_000_000


def check(project: Path, name: str, progress: list[str]) -> None:
    import torch
    from transformers import AutoConfig

    sys.path.insert(0, str(project))
    importlib.invalidate_caches()
    package = importlib.import_module(name.replace("-", "_"))
    progress.append("imports")
    config_class = type(AutoConfig.for_model(name))
    assert config_class.__module__.startswith(package.__name__), config_class
    progress.append("registers")
    clone_class, source_class, key_renames = _main_head(project, name, package, config_class)
    try:
        config, inputs, source = _tiny_setup(config_class, source_class)
    except NoTinySetup:  # the clone may still build: the stage it reached is counted all the same
        first = _candidates(config_class)[0][1]
        if not isinstance(first, Exception):
            with contextlib.suppress(Exception):
                _instantiate(clone_class, first, progress)
        raise
    clone = _instantiate(clone_class, config, progress)
    state = clone.state_dict()
    for old, new in key_renames:
        state = {(old + k[len(new) :] if k.startswith(new) else k): v for k, v in state.items()}
    missing, unexpected = source.load_state_dict(state, strict=False)
    assert not missing and not unexpected, f"state dict keys differ: {missing[:3]} {unexpected[:3]}"
    a, b = (_seeded_forward(model, inputs) for model in (clone, source))
    first_a, first_b = (_first_tensor(o) for o in (a, b))
    assert torch.equal(first_a, first_b), "outputs differ"
    progress.append("parity")


def _instantiate(clone_class, config, progress: list[str]):
    import torch

    torch.manual_seed(0)
    clone = clone_class(config).eval()
    progress.append("instantiates")
    return clone


def _candidates(config_class) -> list[tuple[str, object]]:
    """Tiny configs to try, most shrunk first: (label, config). Later ones shrink less, for models whose
    structure the generic shrink breaks; the caller skips those over the parameter budget."""
    from scaffold.testing.tiny import TinySizes, shrink_config

    default = config_class()
    layers_only = TinySizes(fields={k: v for k, v in TinySizes().fields.items() if v in ("layers", "vocab")})
    found = []
    for label, make in (
        ("tiny", lambda: shrink_config(default)),
        ("tiny, kv heads = heads", lambda: shrink_config(default, TinySizes(kv_heads=TinySizes().heads))),
        ("tiny, every width", lambda: shrink_config(default, TinySizes(every_width=True))),
        ("tiny, stages kept", lambda: shrink_config(default, TinySizes(keep_stages=True))),
        ("tiny, stages kept, every width", lambda: shrink_config(default, TinySizes(keep_stages=True, every_width=True))),
        ("layers and vocab only", lambda: shrink_config(default, layers_only)),
        ("default", lambda: default),
    ):
        try:
            found.append((label, _rebuilt(config_class, make())))
        except Exception as exc:  # noqa: BLE001 - a config the class refuses is a candidate that failed
            found.append((label, exc))
    return found


def _tiny_setup(config_class, source_class) -> tuple[object, dict, object]:
    """The first candidate config the *source* model builds and runs on, its inputs and that source model.

    Validating on the source keeps the verdict honest: a clone failing where its source runs is the clone's
    failure; a source that runs on no candidate is a gap of our tiny configs or input builders.
    """
    errors = []
    for label, config in _candidates(config_class):
        try:
            if isinstance(config, Exception):
                raise config
            if _parameters(source_class, config) > PARAMETER_BUDGET:  # a config the shrink could not reach
                raise MemoryError(f"{label} config: over {PARAMETER_BUDGET} parameters")
            source = _source_twin(source_class, config)
            return config, _working_inputs(source, config), source
        except Exception as exc:  # noqa: BLE001 - try the next candidate
            errors.append(exc)
    first = errors[0]
    frames = traceback.extract_tb(first.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    message = str(first).strip().splitlines()[0] if str(first).strip() else ""
    raise NoTinySetup(f"{type(first).__name__}: {message}{where}") from first


def _parameters(source_class, config) -> int:
    """Parameter count of the source model built on the meta device (no memory, no init); 0 when the model
    cannot be built there (the real build then says what is wrong)."""
    import torch

    try:
        with torch.device("meta"):
            model = source_class(_source_config(source_class, config))
    except Exception:  # noqa: BLE001 - unknown size: the candidate is tried for real
        return 0
    return sum(p.numel() for p in model.parameters())


def _seeded_forward(model, inputs: dict):
    """Forward from the same RNG state (why: vilt samples image patches at random even in eval mode)."""
    import torch

    torch.manual_seed(0)
    with torch.no_grad():
        return model(**inputs)


def _rebuilt(config_class, config):
    """The config built again from its shrunk values, as the source's twin is (why: fields derived at
    construction, such as t5gemma's cross-attention width from the encoder size, must follow the new sizes)."""
    data = config.to_dict()
    data.pop("model_type", None)
    return config_class(**data)


def _source_config(source_class, config):
    """The source's own config class built from the clone config's values."""
    data = config.to_dict()
    data.pop("model_type", None)
    return source_class.config_class(**data)


def _source_twin(source_class, config):
    """The transformers source class built from the same config values (its own config class)."""
    return source_class(_source_config(source_class, config)).eval()


def _first_tensor(output):
    """The first tensor of a model output, looking inside nested tuples (a backbone's feature_maps)."""
    values = output.to_tuple() if hasattr(output, "to_tuple") else output
    while isinstance(values, (tuple, list)) and values:
        values = values[0]
    return values


# Auto classes tried first for the one head the zoo builds (why: the base model takes the plainest inputs;
# AutoModelForTextEncoding maps encoder-only classes such as T5GemmaEncoderModel that refuse the default
# encoder-decoder config).
HEAD_PREFERENCE = ("AutoModel",)


def _main_head(project: Path, name: str, package, config_class) -> tuple[type, type, tuple]:
    """(clone class, source class, key renames) of the head to build: the generated test's preferred head,
    or, for a sub-config type no Auto model class maps, the model class built from that config alone."""
    import transformers

    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    heads, sources, key_renames = _read_test_spec(project, name)
    for auto_class in (*[a for a in HEAD_PREFERENCE if a in heads], *heads):
        return getattr(package, heads[auto_class]), getattr(transformers, sources[auto_class]), key_renames
    source_config = CONFIG_MAPPING[_read_source_type(project, name)]
    clone_class, source_class = _sub_config_model(package, config_class, source_config)
    return clone_class, source_class, key_renames


def _sub_config_model(package, config_class, source_config) -> tuple[type, type]:
    """The clone's model class declaring ``config_class`` (exported or not: dia's DiaDecoder is internal) and
    its transformers twin, named by swapping the clone's class prefix for the source's."""
    from transformers import PreTrainedModel

    clone_prefix, source_prefix = _prefixes(config_class.__name__, source_config.__name__)
    source_package = source_config.__module__.rsplit(".", 1)[0]
    for module in _modeling_modules(package.__name__, Path(package.__file__).parent):
        for attr, cls in sorted(vars(module).items()):
            if not (isinstance(cls, type) and issubclass(cls, PreTrainedModel) and cls.__module__ == module.__name__):
                continue
            if cls.config_class is not config_class or attr.endswith("PreTrainedModel"):
                continue
            twin = _find_class(source_package, source_prefix + attr[len(clone_prefix) :])
            if attr.startswith(clone_prefix) and twin is not None:
                return cls, twin
    raise ConfigOnly(f"no model class is built from {source_config.__name__} alone (config-only type)")


def _prefixes(clone: str, source: str) -> tuple[str, str]:
    """Class prefixes of two names sharing a suffix: ("ZooDiaDecoderDecoderConfig", "DiaDecoderConfig") ->
    ("ZooDiaDecoder", "Dia")."""
    common = 0
    while common < min(len(clone), len(source)) and clone[-1 - common] == source[-1 - common]:
        common += 1
    while common and not clone[len(clone) - common].isupper():  # the shared suffix starts at a word
        common -= 1
    return clone[: len(clone) - common], source[: len(source) - common]


def _modeling_modules(package: str, directory: Path) -> list:
    return [importlib.import_module(f"{package}.{p.stem}") for p in sorted(directory.glob("modeling_*.py"))]


def _find_class(package: str, class_name: str) -> type | None:
    """``class_name`` in one of the modeling modules of the transformers package ``package``."""
    directory = Path(importlib.import_module(package).__file__).parent
    for module in _modeling_modules(package, directory):
        if isinstance(getattr(module, class_name, None), type):
            return getattr(module, class_name)
    return None


def _read_source_type(project: Path, name: str) -> str:
    """source_model_type of the generated test class."""
    path = project / "tests" / f"test_modeling_{name.replace('-', '_')}.py"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "source_model_type":
            return ast.literal_eval(node.value)
    raise LookupError(f"no source_model_type in {path.name}")


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


BATCH, LENGTH, DECODER_LENGTH = 2, 7, 5
# Image sides tried when the config names none (why: deep CNN stacks, pp_ocrv6's text recogniser, reduce a
# 32-pixel image to nothing).
UNSIZED_IMAGE_SIDES = (32, 128)
AUDIO_SAMPLES = 3200  # ten frames after wav2vec2-style conv stacks (stride product 320)


def _working_inputs(model, config) -> dict:
    """The first candidate input set of the model's main input that the clone accepts.

    Layouts differ between models with the same main input (input_features is (batch, mels, frames) for
    whisper, (batch, frames, features) for speech_to_text); parity only needs one the model runs on. When none
    runs, the error of the first (the most common layout) is the verdict.
    """
    import inspect

    import torch

    main = getattr(model, "main_input_name", "input_ids")
    if main not in inspect.signature(model.forward).parameters:  # the inherited default, not this model's input
        main = next((name for name in _required(model) if name in INPUT_BUILDERS), main)
    builder = INPUT_BUILDERS.get(main)
    if builder is None:
        raise NotImplementedError(f"no input builder for main_input_name={main!r}")
    first_error = None
    for candidate in _with_companions(model, main, builder(model, config), config):
        inputs = _with_required(model, config, candidate)
        try:
            with torch.no_grad():
                model(**inputs)
            return inputs
        except Exception as exc:  # noqa: BLE001 - try the next layout
            first_error = first_error or exc
    raise first_error


def _with_companions(model, main: str, candidates: list[dict], config) -> list[dict]:
    """The candidates, then each with a second modality the forward takes (text + image: vilt, owlvit, sam3)
    or the encoder states a cross-attending module reads (blip_2_qformer)."""
    import inspect

    import torch

    parameters = inspect.signature(model.forward).parameters
    extra = []
    for key in COMPANION_INPUTS:
        if key != main and key in parameters:
            extra.extend(INPUT_BUILDERS[key](model, config))
    width = getattr(config, "encoder_hidden_size", None)
    if "encoder_hidden_states" in parameters and isinstance(width, int):
        states = torch.randn(BATCH, 4, width, generator=torch.Generator().manual_seed(3))
        extra.append({"encoder_hidden_states": states})
    return candidates + [{**c, **e} for e in extra for c in candidates]


def _required(model) -> list[str]:
    """forward's parameters without a default (``self`` and ``**kwargs`` aside)."""
    import inspect

    return [
        p.name
        for p in inspect.signature(model.forward).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def _with_required(model, config, inputs: dict) -> dict:
    """Add decoder ids for encoder-decoders, and what forward requires that can be built from the config."""
    import inspect

    import torch
    from scaffold.testing.families import random_ids

    inputs = dict(inputs)
    parameters = inspect.signature(model.forward).parameters
    if "use_cache" in parameters:  # the first output does not depend on it; hybrid caches may refuse tiny layouts
        inputs.setdefault("use_cache", False)
    if getattr(config, "is_encoder_decoder", False) and "decoder_input_ids" in parameters:
        inputs.setdefault("decoder_input_ids", random_ids(config, BATCH, DECODER_LENGTH, seed=1))
    for name in _required(model):
        if name in inputs:
            continue
        if name in INPUT_BUILDERS:
            inputs.update(INPUT_BUILDERS[name](model, config)[0])
        elif name.endswith("_embeds"):
            hidden = _first_int(config, ("hidden_size", "d_model"), 32)
            inputs[name] = torch.randn(BATCH, 4, hidden, generator=torch.Generator().manual_seed(2))
        elif name == "past_observed_mask" and "past_values" in inputs:
            inputs[name] = torch.ones_like(inputs["past_values"])
        else:
            raise NotImplementedError(f"no input builder for required argument {name!r}")
    return inputs


def _text_inputs(model, config) -> list[dict]:
    """Token ids; then embeddings for a forward that refuses ids (qwen3_omni's talker code predictor); then
    ids per audio channel, (batch, length, channels), for a multi-channel decoder (dia)."""
    import inspect

    import torch
    from scaffold.testing.families import random_ids

    candidates = [{"input_ids": random_ids(config, BATCH, LENGTH)}]
    if "inputs_embeds" in inspect.signature(model.forward).parameters:
        hidden = _first_int(config.get_text_config(), ("hidden_size", "d_model"), 32)
        embeds = torch.randn(BATCH, LENGTH, hidden, generator=torch.Generator().manual_seed(2))
        candidates.append({"inputs_embeds": embeds})
    codebooks = getattr(config, "num_codebooks", None)
    if isinstance(codebooks, int) and codebooks > 1:  # musicgen decoders: one row per (item, codebook)
        candidates.append({"input_ids": random_ids(config, BATCH * codebooks, LENGTH)})
    channels = getattr(config, "num_channels", None)
    if isinstance(channels, int) and channels > 1 and getattr(config, "image_size", None) is None:
        ids = torch.stack([random_ids(config, BATCH, LENGTH, seed=i) for i in range(channels)], dim=-1)
        candidates.append({"input_ids": ids})
    return candidates


def _embeds_inputs(model, config) -> list[dict]:
    """Embeddings as the main input (nemotron3_5's word timestamp head)."""
    import torch

    hidden = _first_int(config.get_text_config(), ("hidden_size", "d_model"), 32)
    return [{"inputs_embeds": torch.randn(BATCH, LENGTH, hidden, generator=torch.Generator().manual_seed(2))}]


def _bbox_inputs(model, config) -> list[dict]:
    """Word boxes, x0 <= x1 and y0 <= y1, (batch, length, 4): floats in [0, 1] (udop), then ints in [0, 1000]."""
    import torch

    corners = torch.randint(0, 1000, (BATCH, LENGTH, 2, 2), generator=torch.Generator().manual_seed(4))
    boxes = torch.cat([corners.min(dim=2).values, corners.max(dim=2).values], dim=-1)
    return [{"bbox": boxes / 1000.0}, {"bbox": boxes}]


def _patch_inputs(model, config) -> list[dict]:
    """Vision towers fed patches (qwen2_5_vl, qwen3_vl): flattened patches and grid_thw; or images under
    the name hidden_states (florence2's vision backbone)."""
    import inspect

    import torch

    if "grid_thw" not in inspect.signature(model.forward).parameters:
        return [{"hidden_states": c["pixel_values"]} for c in _pixel_inputs(model, config)]
    merge = _first_int(config, ("spatial_merge_size",), 2)
    side = 2 * merge
    width = (
        _first_int(config, ("in_channels", "num_channels"), 3)
        * _first_int(config, ("temporal_patch_size",), 1)
        * _first_int(config, ("patch_size",), 8) ** 2
    )
    patches = torch.randn(BATCH * side * side, width, generator=torch.Generator().manual_seed(0))
    return [{"hidden_states": patches, "grid_thw": torch.tensor([[1, side, side]] * BATCH)}]


def _pixel_inputs(model, config) -> list[dict]:
    import torch
    from scaffold.testing.families import random_pixels

    vision = getattr(config, "vision_config", None) or getattr(config, "encoder", None) or config
    if "spatial_shapes" in _required(model):  # patchified input (siglip2): (batch, patches, channels*patch^2)
        side = int(_first_int(vision, ("num_patches",), 16) ** 0.5)
        width = _first_int(vision, ("num_channels",), 3) * _first_int(vision, ("patch_size",), 8) ** 2
        return [
            {
                "pixel_values": torch.randn(BATCH, side * side, width, generator=torch.Generator().manual_seed(0)),
                "pixel_attention_mask": torch.ones(BATCH, side * side, dtype=torch.long),
                "spatial_shapes": torch.tensor([[side, side]] * BATCH),
            }
        ]
    if isinstance(getattr(vision, "image_size", None), (int, list, tuple)):
        return [{"pixel_values": random_pixels(vision, BATCH)}]
    channels = getattr(vision, "num_channels", 3)  # no size in the config: small first, then larger images
    sized = [type("Sized", (), {"image_size": side, "num_channels": channels})() for side in UNSIZED_IMAGE_SIDES]
    return [{"pixel_values": random_pixels(v, BATCH)} for v in sized]


def _feature_inputs(model, config, key: str = "input_features") -> list[dict]:
    """Spectrogram-like features, (batch, features, frames) and (batch, frames, features)."""
    import torch

    source = getattr(config, "encoder", None) or getattr(config, "audio_config", None) or config
    width = _first_int(source, ("num_mel_bins", "feature_size", "input_feat_per_channel", "n_mels"), 80)
    positions = getattr(source, "max_source_positions", None)
    frames = 2 * positions if isinstance(positions, int) and positions <= 1500 else 64
    values = torch.randn(BATCH, width, frames, generator=torch.Generator().manual_seed(0))
    return [{key: values}, {key: values.transpose(1, 2).contiguous()}]


def _waveform_inputs(model, config, key: str = "input_values") -> list[dict]:
    """Raw audio, (batch, samples) and (batch, channels, samples)."""
    import torch

    source = getattr(config, "encoder", None) or getattr(config, "audio_config", None) or config
    channels = _first_int(source, ("audio_channels", "num_channels"), 1)
    audio = torch.randn(BATCH, AUDIO_SAMPLES, generator=torch.Generator().manual_seed(0))
    candidates = [{key: audio}, {key: audio[:, None].repeat(1, channels, 1)}]
    frames, mels = getattr(source, "max_length", None), getattr(source, "num_mel_bins", None)
    if isinstance(frames, int) and isinstance(mels, int):  # a spectrogram under this name (audio spectrogram transformer)
        candidates.append({key: torch.randn(BATCH, frames, mels, generator=torch.Generator().manual_seed(0))})
    return candidates


def _speech_inputs(model, config) -> list[dict]:
    """speech-encoder-decoder's ``inputs``: whatever its encoder takes, waveform or features."""
    return _waveform_inputs(model, config, "inputs") + _feature_inputs(model, config, "inputs")


def _series_inputs(model, config) -> list[dict]:
    """Time series ``past_values``: (batch, context) and (batch, context, channels)."""
    import torch

    context = _first_int(config, ("context_length",), 32)
    channels = _first_int(config, ("num_input_channels", "input_size"), 1)
    values = torch.randn(BATCH, context, channels, generator=torch.Generator().manual_seed(0))
    return [{"past_values": values[..., 0].contiguous()}, {"past_values": values}]


def _first_int(config, names: tuple[str, ...], default: int) -> int:
    for name in names:
        value = getattr(config, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return default


# Inputs tried alongside the main one when forward takes them (why: multimodal models need both; layout
# models need word boxes next to their ids).
COMPANION_INPUTS = ("pixel_values", "input_ids", "bbox")
# main_input_name -> candidate input builders (why: one builder per kind of input, shared by every model).
INPUT_BUILDERS = {
    "input_ids": _text_inputs,
    "pixel_values": _pixel_inputs,
    "input_features": _feature_inputs,
    "input_values": _waveform_inputs,
    "inputs": _speech_inputs,
    "past_values": _series_inputs,
    "bbox": _bbox_inputs,
    "inputs_embeds": _embeds_inputs,
    "hidden_states": _patch_inputs,
}


def verdict(project: Path, name: str) -> dict:
    """{"name", "reached", "failure", "label"}: label names a verdict that is not a failure of ours,
    "config-only" (a sub-config no model class is built from) or "needs <library>" (a backend transformers
    requires for this model, such as timm or torchvision, that is not installed here)."""
    progress = ["generated"]
    failure, label = "", ""
    try:
        check(project, name, progress)
    except Exception as exc:  # noqa: BLE001 - the verdict names whatever stopped the check
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
        failure = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}{where}"
        label = _label(exc)
    return {"name": name, "reached": progress[-1], "failure": failure, "label": label}


def _label(exc: Exception) -> str:
    if isinstance(exc, ConfigOnly):
        return "config-only"
    cause = exc.__cause__ if isinstance(exc, NoTinySetup) else exc
    found = re.search(r"requires the (\w+) library", str(cause)) if isinstance(cause, ImportError) else None
    return f"needs {found.group(1).lower()}" if found else ""


def main() -> int:
    """Arguments: pairs of PROJECT_DIR NAME; one JSON line per pair, checked in this one process."""
    args = sys.argv[1:]
    for project, name in zip(args[::2], args[1::2]):
        print(json.dumps(verdict(Path(project), name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
