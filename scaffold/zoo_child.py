"""One zoo check in a fresh process: import, registration, tiny instantiation, parity with the source.

    python -m scaffold.zoo_child PROJECT_DIR NAME [PROJECT_DIR NAME ...]

Prints one JSON line per project: {"name", "reached": <last stage passed>, "failure": <first error line or "">}.
Several projects share one process (importing torch and transformers once); their names never collide.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import importlib
import json
import re
import sys
import traceback
from pathlib import Path

from scaffold.testing.helpers import first_int  # the child imports torch in any case
from scaffold.testing.tiny import MISSING_FIELD, MISSING_FIELD_VALUES, missing_field, supply_field


class ConfigOnly(LookupError):
    """The type is a sub-config: neither the clone nor transformers builds a model class from it alone."""


class NoTinySetup(RuntimeError):
    """No tiny config and input set runs the *source* model: a gap of scaffold.testing, not of the clone."""


class NeedsSession(NotImplementedError):
    """The source's forward takes a stateful object its processor builds (sam2_video's inference_session),
    not tensors: no tiny input can be made from the config alone."""


class NoForward(NotImplementedError):
    """The source model has no forward of its own, only generate (bark chains three sub-models there): no
    forward output to compare."""


# Vocabulary of the "vocabulary kept" candidate: above any default vocabulary, so none is cut.
VOCAB_KEPT = 1 << 30
# Parameter budget of the less-shrunk fallback configs (why: a default config may hold billions).
PARAMETER_BUDGET = 40_000_000


class OverBudget(MemoryError):
    """A candidate config not tried: over PARAMETER_BUDGET, or of unknown size. Says nothing of the model, so
    the verdict names the first candidate that was tried, when one was."""


def check(project: Path, name: str, progress: list[str]) -> None:
    import torch
    from transformers import AutoConfig

    sys.path.insert(0, str(project))
    importlib.invalidate_caches()
    package = importlib.import_module(name.replace("-", "_"))
    progress.append("imports")
    config_class = type(_clone_config(project, name))
    assert config_class.__module__.startswith(package.__name__), config_class
    progress.append("registers")
    clone_class, source_class, key_renames = _main_head(project, name, package, config_class)
    try:
        config, inputs, source = _tiny_setup(config_class, source_class)
    except (NoTinySetup, BrokenInTransformers):  # the clone may still build: its stage is counted all the same
        first = _candidates(config_class)[0][1]
        if not isinstance(first, Exception):
            with contextlib.suppress(Exception):
                _instantiate(clone_class, first, progress)
        raise
    clone = _instantiate(clone_class, config, progress)
    from scaffold.testing.helpers import rename_keys  # the generated tests' mapping, components anywhere in a key

    missing, unexpected = source.load_state_dict(rename_keys(clone.state_dict(), key_renames), strict=False)
    assert not missing and not unexpected, f"state dict keys differ: {missing[:3]} {unexpected[:3]}"
    a, b = (_seeded_forward(model, inputs) for model in (clone, source))
    first_a, first_b = (_first_tensor(o) for o in (a, b))
    assert torch.equal(first_a, first_b), "outputs differ"
    progress.append("parity")


class BrokenInTransformers(RuntimeError):
    """The source model type's own default config cannot be built by the installed transformers (nougat asks
    for the sub-config type ``donut_swin`` where the table says ``donut-swin``), or its model cannot be built
    from it (see _source_fault): the clone inherits the fault."""


def _clone_config(project: Path, name: str):
    """The clone's default config; a failure the source type's default config shares is transformers' own."""
    from transformers import AutoConfig

    try:
        return AutoConfig.for_model(name)
    except Exception as exc:
        try:
            AutoConfig.for_model(_read_source_type(project, name))
        except Exception as source_exc:
            raise BrokenInTransformers(f"the source's default config fails too: {source_exc}") from exc
        raise


def _instantiate(clone_class, config, progress: list[str]):
    import torch

    torch.manual_seed(0)
    clone = clone_class(config).eval()
    progress.append("instantiates")
    return clone


def _candidates(config_class, overrides: dict | None = None) -> list[tuple[str, object]]:
    """Tiny configs to try, most shrunk first: (label, config). Later ones shrink less, for models whose
    structure the generic shrink breaks; the caller skips those over the parameter budget. ``overrides``
    (a generated test's ``config_overrides``, dotted keys reach sub-configs) are set on every candidate."""
    from scaffold.testing.tiny import TinySizes, apply_overrides, shrink_config

    default = config_class()
    layers_only = TinySizes(fields={k: v for k, v in TinySizes().fields.items() if v in ("layers", "vocab")})
    found = []
    for label, make in (
        ("tiny", lambda: shrink_config(default)),
        ("tiny, kv heads = heads", lambda: shrink_config(default, TinySizes(kv_heads=TinySizes().heads))),
        ("tiny, every width", lambda: shrink_config(default, TinySizes(every_width=True))),
        ("tiny, stages kept", lambda: shrink_config(default, TinySizes(keep_stages=True))),
        (
            "tiny, stages kept, every width",
            lambda: shrink_config(default, TinySizes(keep_stages=True, every_width=True)),
        ),
        ("tiny, sliding window set", lambda: shrink_config(default, TinySizes(window=True))),
        # why: hard-coded widths: bridgetower's hidden_size // 64 heads were 0 of a 32-wide model (granite4_vision's
        # Q-Former: vision width // 64 heads); clvp ropes at least 32 dimensions of each head (8 wide in the tiny model)
        (
            "tiny, 64 wide, 32-wide heads",
            lambda: shrink_config(default, TinySizes(hidden=64, intermediate=128, heads=2)),
        ),
        # why: shieldgemma2 hard-codes token ids (it reads the logits of tokens 10784 and 3771)
        ("tiny, vocabulary kept", lambda: shrink_config(default, TinySizes(vocab=VOCAB_KEPT))),
        ("layers and vocab only", lambda: shrink_config(default, layers_only)),
        ("default", lambda: default),
    ):
        try:
            found.append((label, _rebuilt(config_class, apply_overrides(make(), dict(overrides or {})))))
        except Exception as exc:  # noqa: BLE001 - a config the class refuses is a candidate that failed
            found.append((label, exc))
    return found


def _tiny_setup(config_class, source_class, overrides: dict | None = None) -> tuple[object, dict, object]:
    """The first candidate config the *source* model builds and runs on, its inputs and that source model.

    Validating on the source keeps the verdict honest: a clone failing where its source runs is the clone's
    failure; a source that runs on no candidate is a gap of our tiny configs or input builders.
    """
    errors = []
    for label, candidate in _candidates(config_class, overrides):
        config = candidate
        for _ in range(len(MISSING_FIELD_VALUES) + 1):  # each try may supply one field a config class lacks
            try:
                if isinstance(config, Exception):
                    raise config
                size = _parameters(source_class, config)
                if size is None and not label.startswith("tiny"):  # why: emu3's default config took 20 GB for real
                    raise OverBudget(f"{label} config: size unknown (no meta-device build), not built for real")
                if size is not None and size > PARAMETER_BUDGET:  # a config the shrink could not reach
                    raise OverBudget(f"{label} config: over {PARAMETER_BUDGET} parameters")
                source = _source_twin(source_class, config)
                return config, _working_inputs(source, config), source
            except Exception as exc:  # noqa: BLE001 - try the next candidate
                supplied = _with_missing_field(source_class, config, exc)
                if supplied is None:
                    errors.append(exc)
                    break
                config = supplied
    first = next((e for e in errors if not isinstance(e, OverBudget)), errors[0])
    fault = _source_fault(source_class, first)
    if fault:
        raise BrokenInTransformers(fault) from first
    frames = traceback.extract_tb(first.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    message = str(first).strip().splitlines()[0] if str(first).strip() else ""
    raise NoTinySetup(f"{type(first).__name__}: {message}{where}") from first


def _with_missing_field(source_class, config, error: Exception):
    """``config`` rebuilt with the field ``error`` says one of the source's configs lacks; None when the error is
    not that, the config has it already, or no value is known for it. The error names the source's config class
    (``DbrxAttentionConfig``); the clone's class at the same attribute path (``MyDbrxAttentionConfig``) gets it."""
    from transformers import PreTrainedConfig

    found = missing_field(error)
    if isinstance(config, Exception) or found is None:
        return None
    class_name, field_name = found
    try:
        source_tree = _config_tree(_source_config(source_class, config), PreTrainedConfig)
    except Exception:  # noqa: BLE001 - a config the source refuses gets nothing supplied
        return None
    clone_tree = dict(_config_tree(config, PreTrainedConfig))
    at = [path for path, sub in source_tree if type(sub).__name__ == class_name and path in clone_tree]
    targets = sorted({type(clone_tree[path]).__name__ for path in at})
    supplied = copy.deepcopy(config)
    changed = [supply_field(supplied, target, field_name) for target in targets]
    return _rebuilt(type(config), supplied) if any(changed) else None


def _config_tree(config, config_type, path: tuple = ()) -> list:
    """(attribute path, config) for ``config`` and every config nested in its attributes, depth first."""
    found = [(path, config)]
    for name, value in sorted(vars(config).items()):
        if isinstance(value, config_type):
            found += _config_tree(value, config_type, (*path, name))
    return found


def _source_fault(source_class, error: Exception) -> str:
    """Why the source model fails whatever the tiny config, "" when no evidence says so: its model reads a field
    its own config class does not define (pix2struct_text_model's initializer_range, t5gemma2_decoder's
    dropout_rate), or its default config fails to build it on the meta device with the very same error
    (gemma4_assistant's validator) - a crash, not an ImportError (a missing library has its own label), nor a
    ValueError or an operation on None (a config asking for a value it has no default for, or leaving it None)."""
    import torch

    config_class = getattr(source_class, "config_class", None)
    if not isinstance(config_class, type):
        return ""
    found = MISSING_FIELD.search(str(error)) if isinstance(error, AttributeError) else None
    if found and found.group(1) == config_class.__name__:
        with contextlib.suppress(Exception):
            if not hasattr(config_class(), found.group(2)):
                return f"{source_class.__name__} reads config.{found.group(2)}, which {found.group(1)} does not define"
    if isinstance(error, (ImportError, ValueError)) or "NoneType" in str(error):
        # not a fault: a library that is not installed ("needs <library>"), or a config that asks for a value
        # (time_series_transformer's prediction_length) or leaves one None that only a checkpoint's config fills
        # (chameleon's vocabulary_map, dots1's expert count): gaps of our tiny configs
        return ""
    try:
        with torch.device("meta"):
            source_class(config_class())
    except Exception as exc:  # noqa: BLE001 - compared with the tiny candidate's error below
        if type(exc) is type(error) and str(exc) == str(error):
            return f"{source_class.__name__} fails on its own default config too: {type(exc).__name__}: {exc}"
    return ""


def _parameters(source_class, config) -> int | None:
    """Parameter count of the source model built on the meta device (no memory, no init); None when the model
    cannot be built there (a shrunk candidate is then built for real, which says what is wrong)."""
    import torch

    try:
        with torch.device("meta"):
            model = source_class(_source_config(source_class, config))
    except Exception:  # noqa: BLE001 - unknown size
        return None
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
LONG_AUDIO_FACTOR = 10  # a later candidate of 100 frames, for heads that pool over long windows


def _working_inputs(model, config) -> dict:
    """The first candidate input set of the model's main input that the source model runs on.

    Layouts differ between models with the same main input (input_features is (batch, mels, frames) for
    whisper, (batch, frames, features) for speech_to_text); parity only needs one the model runs on. When none
    runs, the error of the first (the most common layout) is the verdict.
    """
    import torch

    if type(model).forward is torch.nn.Module.forward:
        raise NoForward(f"{type(model).__name__} has no forward, only generate")
    main = _main_input(model)
    builder = INPUT_BUILDERS.get(main) or _named_builder(main)
    if builder is None:
        raise NotImplementedError(f"no input builder for main_input_name={main!r}")
    first_error, tried = None, []
    for candidate in _with_companions(model, main, builder(model, config), config):
        queue = _required_variants(model, config, candidate)
        for inputs in queue:  # grows by the refits of a refused width, up to REFITS more tries
            try:
                with torch.no_grad():
                    model(**inputs)
                return inputs
            except Exception as exc:  # noqa: BLE001 - try the next layout
                first_error = first_error or exc
                tried.append(inputs)
                refits = _refit_width(inputs, exc) + _refit_image(inputs, exc) + _refit_missing(config, inputs, exc)
                refits += _refit_length(inputs, exc) + _refit_mask(model, inputs, exc)
                refits += _refit_hidden_missing(model, config, inputs, exc)
                queue.extend(refits[: REFITS + 1 - len(queue)])
    return _batch_of_one(model, tried, first_error)


def _batch_of_one(model, tried: list[dict], error: Exception) -> dict:
    """The first input set tried that runs cut to one sample, once none ran at BATCH; else ``error`` (why: tvp
    views its grid column embeddings with the batch size, which only a batch of one fits: "shape '[2, 1, 2,
    32]' is invalid for input of size 64")."""
    import torch

    for inputs in tried:
        one = {
            k: v[:1] if isinstance(v, torch.Tensor) and v.dim() and len(v) == BATCH else v for k, v in inputs.items()
        }
        try:
            with torch.no_grad():
                model(**one)
            return one
        except Exception:  # noqa: BLE001 - the batch of BATCH's error stays the verdict
            continue
    raise error


REFITS = 4  # inputs re-made at the width a linear layer asked for, at most this many per candidate


def _required_variants(model, config, candidate: dict) -> list[dict]:
    """The candidate completed with what forward requires (the first layout of each), then with each other
    layout of a required input that has a builder (pe_audio's input_values as (batch, 1, samples))."""
    base = _with_required(model, config, candidate)
    variants = [base]
    for name in _required(model):
        if name not in candidate and name in INPUT_BUILDERS:
            variants.extend({**base, **option} for option in INPUT_BUILDERS[name](model, config)[1:])
    return variants


MATMUL_MISMATCH = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")


def _refit_width(inputs: dict, exc: Exception) -> list[dict]:
    """The inputs with one float tensor of the width a linear layer refused re-made at the width it takes,
    read from the error, one variant per such tensor (muse_glimmer's context_hidden_states are hidden_size *
    len(target_layer_ids) wide, its noise_embeds hidden_size); none when the error is another one."""
    import torch

    found = MATMUL_MISMATCH.search(str(exc)) if isinstance(exc, RuntimeError) else None
    if found is None or found.group(2) == found.group(3):
        return _refit_broadcast(inputs, exc)
    given, wanted = int(found.group(2)), int(found.group(3))
    floats = {
        k: v for k, v in inputs.items() if isinstance(v, torch.Tensor) and v.is_floating_point() and v.dim() >= 2
    }
    exact = [
        {**inputs, k: _seeded_randn(*v.shape[:-1], wanted, seed=2)} for k, v in floats.items() if v.shape[-1] == given
    ]
    return exact + _refit_scaled(inputs, floats, given, wanted)


BROADCAST_MISMATCH = re.compile(
    r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension (\d+)"
)


BMM_MISMATCH = re.compile(r"first two dimensions of batch2 tensor to be: \[(\d+), (\d+)\] but got: \[(\d+), (\d+)\]")


def _floats(inputs: dict, width: int) -> dict:
    """The float tensors of at least two dimensions among ``inputs`` whose last width is ``width``."""
    return {
        k: v
        for k, v in inputs.items()
        if hasattr(v, "dim") and v.is_floating_point() and v.dim() >= 2 and v.shape[-1] == width
    }


def _refit_broadcast(inputs: dict, exc: Exception) -> list[dict]:
    """The inputs re-made to the size tensor b of a refused elementwise op has where tensor a is theirs: a float
    tensor's last width re-made at b's (fun_asr_nano adds position embeddings as wide as its stacked frames, mel
    bins * num_stacked_frames = 560: "tensor a (64) must match tensor b (560) at dimension 2"); or, b being
    shorter, every tensor (features and their mask) cut to b's length along that axis (its positions hold 63
    frames: "tensor a (80) must match tensor b (63) at dimension 1")."""
    found = BROADCAST_MISMATCH.search(str(exc)) if isinstance(exc, RuntimeError) else None
    batched = BMM_MISMATCH.search(str(exc)) if isinstance(exc, RuntimeError) else None
    if batched is not None:  # moshi's depth decoder: per-codebook weights take the main decoder's 4096-wide states
        given, wanted = int(batched.group(2)), int(batched.group(4))
        return [{**inputs, k: _seeded_randn(*v.shape[:-1], wanted, seed=2)} for k, v in _floats(inputs, given).items()]
    if found is None:
        return []
    given, wanted, dim = (int(g) for g in found.groups())
    tensors = {k: v for k, v in inputs.items() if hasattr(v, "dim") and v.dim() > dim and v.shape[dim] == given}
    floats = {k: v for k, v in tensors.items() if v.is_floating_point() and v.dim() == dim + 1}
    widened = [{**inputs, k: _seeded_randn(*v.shape[:-1], wanted, seed=2)} for k, v in floats.items()]
    if wanted < given and dim > 0 and tensors:
        return widened + [{**inputs, **{k: v.narrow(dim, 0, wanted).contiguous() for k, v in tensors.items()}}]
    return widened


def _refit_scaled(inputs: dict, floats: dict, given: int, wanted: int) -> list[dict]:
    """The inputs with one float tensor's last width scaled by wanted / given, for a layer that reads it after
    subsampling (gemma4's audio encoder flattens mel bins / 4 times its channels: 64 bins give 512 where the
    layer takes 1024, so 128 bins)."""
    return [
        {**inputs, k: _seeded_randn(*v.shape[:-1], v.shape[-1] * wanted // given, seed=2)}
        for k, v in floats.items()
        if v.shape[-1] != given and (v.shape[-1] * wanted) % given == 0
    ]


IMAGE_SIZE_MISMATCH = re.compile(r"size \((\d+)\*(\d+)\) doesn't match model \((\d+)\*(\d+)\)")


def _refit_image(inputs: dict, exc: Exception) -> list[dict]:
    """The inputs with every image of the refused (height, width) scaled to the size the patch embedding
    asked for, read from the error: vitpose's 256x192, seggpt's prompt stacked over its image (both refitted,
    half the height each); none when the error is another one."""
    import torch

    found = IMAGE_SIZE_MISMATCH.search(str(exc))
    images = {
        k: v for k, v in inputs.items() if isinstance(v, torch.Tensor) and v.is_floating_point() and v.dim() == 4
    }
    if found is None or not images:
        return []
    given_h, given_w, wanted_h, wanted_w = (int(g) for g in found.groups())
    side = next(iter(images.values())).shape[-2:]
    scale_h, scale_w = wanted_h / given_h, wanted_w / given_w
    resized = (int(side[0] * scale_h), int(side[1] * scale_w))
    if resized == tuple(side) or min(resized) < 1:
        return []
    refit = {k: _seeded_randn(*v.shape[:-2], *resized, seed=2) for k, v in images.items() if v.shape[-2:] == side}
    return [{**inputs, **refit}]


MISSING_INPUT = re.compile(r"`(\w+)` cannot be `None`")
MUST_BE_GIVEN = re.compile(r"`(\w+)` must be given")


def _refit_missing(config, inputs: dict, exc: Exception) -> list[dict]:
    """The inputs with the optional float input the model says it cannot do without, (batch, length, width),
    its width the config's ``<name>_dim`` (lxmert's visual_feats and visual_pos: visual_feat_dim,
    visual_pos_dim); none when the error is another one or the config names no such width."""
    found = MISSING_INPUT.search(str(exc)) if isinstance(exc, ValueError) else None
    if found is None or found.group(1) in inputs:
        return []
    name = found.group(1)
    width = first_int(config, (f"{name}_dim", f"{name.removesuffix('s')}_dim"), 0)
    return [{**inputs, name: _seeded_randn(BATCH, LENGTH, width, seed=9)}] if width else []


def _refit_hidden_missing(model, config, inputs: dict, exc: Exception) -> list[dict]:
    """The inputs with the optional hidden states the model says must be given, at the model's width (why:
    t5gemma2's decoder: "`encoder_hidden_states` must be given in decoder"); none for another error."""
    found = MUST_BE_GIVEN.search(str(exc)) if isinstance(exc, ValueError) else None
    if found is None or found.group(1) in inputs or not _is_hidden_name(found.group(1)):
        return []
    name = found.group(1)
    return [{**inputs, name: _hidden_builder(name)(model, config)[0][name]}]


LENGTH_MISMATCH = re.compile(
    r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension 1"
)


def _refit_length(inputs: dict, exc: Exception) -> list[dict]:
    """The inputs with every tensor of the refused length (dimension 1) re-made at the length the model adds
    to it, read from the error (voxtral_realtime adds one audio embedding per text position: 8 frames for
    7 ids); none when the error is another one."""
    import torch

    found = LENGTH_MISMATCH.search(str(exc)) if isinstance(exc, RuntimeError) else None
    if found is None:
        return []
    given, wanted = int(found.group(1)), int(found.group(2))
    refit = {
        k: _remade(v, (v.shape[0], wanted, *v.shape[2:]))
        for k, v in inputs.items()
        if isinstance(v, torch.Tensor) and v.dim() >= 2 and v.shape[1] == given
    }
    return [{**inputs, **refit}] if refit else []


def _remade(values, shape):
    """A tensor like ``values`` of another shape: the same constant, ids in the same range, or normal floats."""
    import torch

    generator = torch.Generator().manual_seed(10)
    low, high = values.min(), values.max()
    if bool(low == high):
        return torch.full(shape, low.item(), dtype=values.dtype)
    if values.is_floating_point():
        return torch.randn(*shape, generator=generator, dtype=values.dtype)
    return torch.randint(int(low), int(high) + 1, shape, generator=generator, dtype=values.dtype)


def _refit_mask(model, inputs: dict, exc: Exception) -> list[dict]:
    """The inputs with an attention mask of ones when forward takes one, none was given and the error is about
    a mask (kosmos-2.5's vision encoder reads its expanded mask whether or not it built one); none otherwise."""
    import inspect

    if "attention_mask" in inputs or "attention_mask" not in inspect.signature(model.forward).parameters:
        return []
    if not isinstance(exc, (UnboundLocalError, TypeError, AttributeError)) or "mask" not in str(exc):
        return []
    return [{**inputs, "attention_mask": _mask_for("attention_mask", inputs)}]


def _main_input(model) -> str:
    """The input to build first: ``main_input_name`` when forward takes it; else (the inherited default,
    "input_ids" on got_ocr2's vision encoder or idefics2's perceiver) the first required parameter with a
    builder, then the first optional one."""
    import inspect

    main = getattr(model, "main_input_name", "input_ids")
    parameters = list(inspect.signature(model.forward).parameters)
    if main in parameters:
        return main
    required = _required(model)
    for names in (required, parameters):
        for name in names:
            if name in SESSION_INPUTS:
                raise NeedsSession(f"forward requires {name!r}, a processor-built session object")
            if name in INPUT_BUILDERS or _named_builder(name) is not None:
                return name
    return required[0] if required else main


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
    width = first_int(config, ("encoder_hidden_size", "cross_hidden_size"), None)  # dia's decoder: cross_hidden_size
    if "encoder_hidden_states" in parameters and isinstance(width, int):
        states = _seeded_randn(BATCH, 4, width, seed=3)
        extra.append({"encoder_hidden_states": states})
    found = candidates + [{**c, **e} for e in extra for c in candidates] + _length_companions(model, main, candidates)
    return found + _optional_states(model, config, candidates) + _joint_companions(model, config, main, candidates)


def _joint_companions(model, config, main: str, candidates: list[dict]) -> list[dict]:
    """Each candidate with images (each layout) and ids together, and a mask of ones over the images of a
    (batch, images, ...) layout when forward takes pixel_attention_mask (why: pi0 embeds a prefix of camera images
    and a prompt before its action chunk; either alone leaves the other None)."""
    import inspect

    import torch

    parameters = inspect.signature(model.forward).parameters
    if main in ("pixel_values", "input_ids") or not {"pixel_values", "input_ids"} <= set(parameters):
        return []
    ids = INPUT_BUILDERS["input_ids"](model, config)[0]
    joint = []
    for images in INPUT_BUILDERS["pixel_values"](model, config):
        pixels = images["pixel_values"]
        if "pixel_attention_mask" in parameters and pixels.dim() == 5:
            images = {**images, "pixel_attention_mask": torch.ones(pixels.shape[:2], dtype=torch.bool)}
        joint.extend({**candidate, **images, **ids} for candidate in candidates)
    return joint


# Optional forward parameters holding float states some modules read as given (moshi's depth decoder adds its
# projection of the main decoder's last_hidden_state; blt's local decoder projects patch_embeds).
OPTIONAL_STATES = ("last_hidden_state",)


def _optional_states(model, config, candidates: list[dict]) -> list[dict]:
    """Each candidate with every optional hidden-named parameter of forward it lacks (inputs_embeds aside: it
    replaces the ids) filled with states of the model's width, when forward has such parameters."""
    import inspect

    parameters = inspect.signature(model.forward).parameters
    required = set(_required(model))
    names = [
        n
        for n in parameters
        if n not in required and n != "inputs_embeds" and (_is_hidden_name(n) or n in OPTIONAL_STATES)
    ]
    variants = []
    for candidate in candidates:
        missing = [n for n in names if n not in candidate]
        if missing:
            variants.append({**candidate, **{n: _hidden_builder(n)(model, config)[0][n] for n in missing}})
    return variants


def _length_companions(model, main: str, candidates: list[dict]) -> list[dict]:
    """Each 3-d float candidate with the lengths its forward takes as optional but reads as given: a mask of
    ones over its frames, ``<main>_mask`` (audioflamingo3's encoder sums it), both layouts; and the frames packed
    into one row, (width, batch * frames), with ``feature_lens`` frames per item (the qwen omni audio encoders
    chunk them: "unsupported operand type(s) for /: 'NoneType' and 'int'")."""
    import inspect

    import torch

    parameters = inspect.signature(model.forward).parameters
    found = []
    for candidate in candidates:
        values = candidate.get(main)
        if not (isinstance(values, torch.Tensor) and values.is_floating_point() and values.dim() == 3):
            continue
        batch = values.shape[0]
        if f"{main}_mask" in parameters and f"{main}_mask" not in candidate:
            masks = [torch.ones(batch, frames, dtype=torch.long) for frames in dict.fromkeys(values.shape[:0:-1])]
            found.extend({**candidate, f"{main}_mask": mask} for mask in masks)
        if "feature_lens" in parameters and "feature_lens" not in candidate:
            packed = values.transpose(0, 1).reshape(values.shape[1], -1)
            found.append({**candidate, main: packed, "feature_lens": torch.full((batch,), values.shape[-1])})
    return found


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
        inputs.setdefault("decoder_input_ids", _decoder_ids(config))
    images, ids = inputs.get("pixel_values"), inputs.get("input_ids")
    if "image_attention_mask" in parameters and getattr(images, "ndim", 0) == 5 and getattr(ids, "ndim", 0) == 2:
        # idefics: which images each text position sees, (batch, length, images): all of them
        inputs.setdefault("image_attention_mask", torch.ones(*ids.shape, images.shape[1], dtype=torch.long))
    inputs.update(_image_positions(parameters, config, inputs))
    for name in _required(model):
        if name in inputs:
            continue
        if name in INPUT_BUILDERS:
            inputs.update(INPUT_BUILDERS[name](model, config)[0])
        elif name in SESSION_INPUTS:
            raise NeedsSession(f"forward requires {name!r}, a processor-built session object")
        elif _is_hidden_name(name):
            inputs[name] = _hidden_builder(name)(model, config)[0][name]
        elif name.endswith("_input_ids"):  # instructblipvideo's qformer_input_ids
            inputs[name] = _codebook_inputs(name)(model, config)[0][name]
        elif name.endswith("_padding") and name[: -len("_padding")] in inputs:  # timesfm's past_values_padding
            inputs[name] = torch.zeros_like(inputs[name[: -len("_padding")]])
        elif name == "past_observed_mask" and "past_values" in inputs:
            inputs[name] = torch.ones_like(inputs["past_values"])
        elif name.endswith("_mask"):
            inputs[name] = _mask_for(name, inputs)
        elif name.endswith("_idx"):
            inputs[name] = _indices_into(inputs)
        elif (derived := _derived_input(model, config, name, inputs)) is not None:
            inputs.update(derived)
        else:
            raise NotImplementedError(f"no input builder for required argument {name!r}")
    return _as_feature_lists(model, config, inputs)


def _as_feature_lists(model, config, inputs: dict) -> dict:
    """Parameters forward annotates ``list[torch.Tensor]`` (one feature map per level) as one level,
    (batch, width, 2, 2), with the position embeddings of each such ``<level>_features`` list, optional in
    forward but read (why: sam3's DETR encoder zips vision_features with vision_pos_embeds, "'NoneType' object is
    not iterable"; its mask decoder reshapes encoder states into the last backbone map, 2 x 2 fits 7 tokens)."""
    import inspect

    import torch

    parameters = inspect.signature(model.forward).parameters
    listed = [name for name, p in parameters.items() if "list[torch.Tensor]" in str(p.annotation)]
    if not listed:
        return inputs
    inputs, width = dict(inputs), _widths(config)[0]
    for name in listed:
        value = inputs.get(name)
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            inputs[name] = [_seeded_randn(BATCH, width, 2, 2, seed=7)]
        positions = name[: -len("_features")] + "_pos_embeds" if name.endswith("_features") else ""
        if isinstance(inputs.get(name), list) and positions in listed and positions not in inputs:
            inputs[positions] = [_seeded_randn(*t.shape, seed=8) for t in inputs[name]]
    return inputs


def _image_positions(parameters, config, inputs: dict) -> dict:
    """Ids with room for the image: latent_query_num positions after the first token, marked in
    image_embeds_position_mask, where the model writes its image embeddings (kosmos-2); {} when the forward
    takes no such mask or the inputs hold no image and ids."""
    import torch
    from scaffold.testing.families import random_ids

    queries = first_int(config, ("latent_query_num",), 0)
    ids = inputs.get("input_ids")
    if "image_embeds_position_mask" not in parameters or "pixel_values" not in inputs or ids is None or not queries:
        return {}
    if "image_embeds_position_mask" in inputs:
        return {}
    mask = torch.zeros(ids.shape[0], queries + ids.shape[1], dtype=torch.long)
    mask[:, 1 : 1 + queries] = 1
    return {"input_ids": random_ids(_text_config(config), *mask.shape), "image_embeds_position_mask": mask}


def _derived_input(model, config, name: str, inputs: dict) -> dict | None:
    """{name: value} for a required argument read off the inputs built so far, the config or forward's
    annotation; None when no rule knows it."""
    import inspect

    import torch

    annotation = str(inspect.signature(model.forward).parameters[name].annotation)
    shaped = [v for v in inputs.values() if isinstance(v, torch.Tensor) and v.dim() >= 2]
    if name.startswith("num_") and annotation in ("int", "<class 'int'>") and shaped:
        return {name: max(1, int(shaped[0].shape[1]) // 2)}  # deepseek_ocr2's image tokens before its queries
    size = getattr(config, f"{name}_size", None)
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:  # timesfm's freq, an embedding index
        return {name: torch.randint(0, size, (BATCH, 1), generator=torch.Generator().manual_seed(7))}
    if name.endswith("_lengths") and shaped:
        return {name: _full_lengths(name, shaped[0], config)}
    if name.endswith(("pixel_values", "_masks")) and "pixel_values" in inputs:  # seggpt's prompt image and mask
        return {name: _seeded_randn(*inputs["pixel_values"].shape, seed=8)}
    length = first_int(config, (f"{name.removesuffix('_inputs')}_seq_len",), 0)
    if name.endswith("_inputs") and length:  # oneformer's task_inputs, task_seq_len token ids
        return {name: torch.randint(0, length, (BATCH, length), generator=torch.Generator().manual_seed(7))}
    if "None" in annotation:  # phi4_multimodal's audio mask: required but may be None
        return {name: None}
    return None


def _full_lengths(name: str, values, config):
    """Each item's length, (batch,): the frames of ``values`` (its last axis), in waveform samples (frames *
    hop_length) when the name says so (dots3_note's chunk_sample_lengths)."""
    import torch

    frames = int(values.shape[-1])
    if "sample" in name:
        frames *= first_int(_audio_config(config), ("hop_length",), 1)
    return torch.full((int(values.shape[0]),), frames, dtype=torch.long)


def _decoder_ids(config):
    """Decoder ids, (batch, length); (batch * codebooks, length) for a decoder with num_codebooks (musicgen);
    (batch, length, channels) when the decoder reads one id per audio channel (dia's decoder_config.num_channels
    codebooks)."""
    import torch
    from scaffold.testing.families import random_ids

    decoder = getattr(config, "decoder_config", None) or getattr(config, "decoder", None)
    books = getattr(decoder, "num_codebooks", None)
    if isinstance(books, int) and books > 1:  # musicgen's decoder: one row per (item, codebook)
        return random_ids(decoder, BATCH * books, DECODER_LENGTH, seed=1)
    channels = getattr(decoder, "num_channels", None)
    if not isinstance(channels, int) or channels < 2 or getattr(decoder, "image_size", None) is not None:
        return random_ids(config, BATCH, DECODER_LENGTH, seed=1)
    return torch.stack([random_ids(decoder, BATCH, DECODER_LENGTH, seed=1 + i) for i in range(channels)], dim=-1)


def _text_inputs(model, config) -> list[dict]:
    """Token ids; then embeddings for a forward that refuses ids (qwen3_omni's talker code predictor); then
    ids per audio channel, (batch, length, channels), for a multi-channel decoder (dia)."""
    import inspect

    import torch
    from scaffold.testing.families import random_ids

    candidates = [{"input_ids": random_ids(config, BATCH, LENGTH)}]
    if "inputs_embeds" in inspect.signature(model.forward).parameters:
        hidden = first_int(_text_config(config), ("hidden_size", "d_model"), 32)
        embeds = _seeded_randn(BATCH, LENGTH, hidden, seed=2)
        candidates.append({"inputs_embeds": embeds})
    codebooks = getattr(config, "num_codebooks", None)
    if isinstance(codebooks, int) and codebooks > 1:  # musicgen decoders: one row per (item, codebook)
        candidates.append({"input_ids": random_ids(config, BATCH * codebooks, LENGTH)})
    channels = getattr(config, "num_channels", None)
    if isinstance(channels, int) and channels > 1 and getattr(config, "image_size", None) is None:
        ids = torch.stack([random_ids(config, BATCH, LENGTH, seed=i) for i in range(channels)], dim=-1)
        candidates.append({"input_ids": ids})
    return candidates


def _text_config(config):
    """The config's text config; its decoder's when it holds two (musicgen's text_encoder and decoder)."""
    try:
        return config.get_text_config()
    except ValueError:
        return config.get_text_config(decoder=True)


def _embeds_inputs(model, config) -> list[dict]:
    """Embeddings as the main input (nemotron3_5's word timestamp head)."""
    import torch

    hidden = first_int(_text_config(config), ("hidden_size", "d_model"), 32)
    return [{"inputs_embeds": _seeded_randn(BATCH, LENGTH, hidden, seed=2)}]


def _bbox_inputs(model, config) -> list[dict]:
    """Word boxes, x0 <= x1 and y0 <= y1, (batch, length, 4): floats in [0, 1] (udop), then ints in [0, 1000]."""
    import torch

    corners = torch.randint(0, 1000, (BATCH, LENGTH, 2, 2), generator=torch.Generator().manual_seed(4))
    boxes = torch.cat([corners.min(dim=2).values, corners.max(dim=2).values], dim=-1)
    return [{"bbox": boxes / 1000.0}, {"bbox": boxes}]


def _patch_inputs(model, config) -> list[dict]:
    """``hidden_states`` as the main input: patches and grid_thw for vision towers fed patches (qwen2_5_vl,
    qwen3_vl); else images under that name (florence2's vision backbone), then float states of the model's
    width (flava's multimodal encoder)."""
    import inspect

    if _grid_name(model):
        return _grid_patches(model, config, "hidden_states")
    images = [{"hidden_states": c["pixel_values"]} for c in _pixel_inputs(model, config)]
    return _audio_states(model, config) + images + _hidden_builder("hidden_states")(model, config)


def _audio_states(model, config) -> list[dict]:
    """Raw audio under the name ``hidden_states`` for a model whose main input is a waveform (why:
    vibevoice_acoustic_tokenizer_encoder's forward names its (batch, 1, samples) audio hidden_states while its
    main_input_name is input_values: 'expected input[2, 7, 38] to have 1 channels')."""
    if getattr(model, "main_input_name", None) != "input_values":
        return []
    return [{"hidden_states": c["input_values"]} for c in _waveform_inputs(model, config)]


def _grid_name(model) -> str:
    """The forward parameter holding the patch grid: grid_thw, or image_grid_thw (inkling2's vision tower);
    "" when none."""
    import inspect

    parameters = inspect.signature(model.forward).parameters
    return next((name for name in ("grid_thw", "image_grid_thw") if name in parameters), "")


def _grid_patches(model, config, key: str) -> list[dict]:
    """Flattened patches, (images * t * h * w, channels * temporal_patch * patch^2), with grid_thw (one
    (1, h, w) row per image, h and w a multiple of spatial_merge_size), then the same patches as one sequence of
    (channels, patch, patch) squares; and merge_sizes when forward takes them (video_llama_3)."""
    import inspect

    import torch

    vision = getattr(config, "vision_config", None) or config
    merge = first_int(vision, ("spatial_merge_size", "merge_size"), 2)
    side = 2 * merge
    patch = first_int(vision, ("patch_size",), 8)
    channels = first_int(vision, ("in_channels", "num_channels"), 3)
    candidates = []
    for temporal in dict.fromkeys((first_int(vision, ("temporal_patch_size", "patch_temporal"), 1), 1)):
        patches = _seeded_randn(BATCH * side * side, channels * temporal * patch**2, seed=0)
        candidates.append({key: patches, _grid_name(model): torch.tensor([[1, side, side]] * BATCH)})
    # then each patch as a small image, (patches, channels, patch, patch) (kimi_k25's conv2d patch embedding),
    # or one merged tile per grid cell, channels last (inkling2: (tokens, merge * patch, merge * patch, channels),
    # its grid counted in merged tokens)
    flat, tile = candidates[-1], merge * patch
    candidates += [
        {**flat, key: flat[key].reshape(-1, channels, patch, patch)},
        {**flat, key: _seeded_randn(BATCH * side * side, tile, tile, channels, seed=0)},
    ]
    grid = candidates[-1][_grid_name(model)]  # then one sequence of square patches (paddleocr_vl's vision tower)
    candidates.append(
        {key: _seeded_randn(1, BATCH * side * side, channels, patch, patch, seed=0), _grid_name(model): grid}
    )
    if "merge_sizes" in inspect.signature(model.forward).parameters:
        candidates = [{**c, "merge_sizes": torch.tensor([merge] * BATCH)} for c in candidates]
    return candidates


def _patchified_pixels(model, config, vision) -> list[dict]:
    """Images cut into patches, (batch, patches, channels * patch^2), with their spatial_shapes and mask
    (siglip2) or their (x, y) pixel_position_ids (gemma4's vision tower)."""
    import torch

    side = int(first_int(vision, ("num_patches",), 16) ** 0.5)
    width = first_int(vision, ("num_channels",), 3) * first_int(vision, ("patch_size",), 8) ** 2
    pixels = _seeded_randn(BATCH, side * side, width, seed=0)
    required = _required(model)
    if "pixel_position_ids" in required:
        grid = torch.stack(torch.meshgrid(torch.arange(side), torch.arange(side), indexing="xy"), -1)
        return [{"pixel_values": pixels, "pixel_position_ids": grid.reshape(1, -1, 2).expand(BATCH, -1, -1)}]
    return [
        {
            "pixel_values": pixels,
            "pixel_attention_mask": torch.ones(BATCH, side * side, dtype=torch.long),
            "spatial_shapes": torch.tensor([[side, side]] * BATCH),
        }
    ]


def _pixel_inputs(model, config) -> list[dict]:
    import inspect

    import torch
    from scaffold.testing.families import random_pixels

    vision = getattr(config, "vision_config", None) or getattr(config, "encoder", None) or config
    parameters = inspect.signature(model.forward).parameters
    if _grid_name(model):  # patches with their grid (dots3_note, minimax_m3_vl, muse_spark vision towers)
        return _grid_patches(model, config, "pixel_values")
    if "target_sizes" in parameters:  # minicpm's vision towers: every image's patches packed in one row
        return _packed_patches(vision)
    if "aspect_ratio_ids" in _required(model):
        return _tiled_pixels(vision)
    if {"spatial_shapes", "pixel_position_ids"} & set(_required(model)) or (
        "spatial_shapes" in parameters and "pixel_attention_mask" in parameters  # siglip2's dual encoder
    ):
        return _patchified_pixels(model, config, vision)
    if isinstance(getattr(vision, "image_size", None), (int, list, tuple)):
        clips = [{"pixel_values": c["pixel_values_videos"]} for c in _video_inputs(model, config)[1:]]
        frames = [{"pixel_values": c["pixel_values"].flatten(0, 1)} for c in clips]  # xclip's vision: frames as rows
        images = _with_pairs([{"pixel_values": random_pixels(vision, BATCH)}])
        return images + clips + frames + _patch_rows(vision)  # videomae: full clips
    channels = getattr(vision, "num_channels", 3)  # no size in the config: small first, then larger images
    sized = [type("Sized", (), {"image_size": side, "num_channels": channels})() for side in UNSIZED_IMAGE_SIDES]
    return _with_pairs([{"pixel_values": random_pixels(v, BATCH)} for v in sized]) + _patch_cubes(vision)


def _patch_rows(vision) -> list[dict]:
    """Patches as rows, (batch, num_position_embeddings, channels * patch^2), for a config fixing its patch count
    (why: molmo2's vision tower embeds patches with a linear layer and adds 729 positions, whatever the image)."""
    count = first_int(vision, ("num_position_embeddings",), 0)
    if not count:
        return []
    width = first_int(vision, ("num_channels",), 3) * first_int(vision, ("patch_size",), 8) ** 2
    return [{"pixel_values": _seeded_randn(BATCH, count, width, seed=0)}]


def _packed_patches(vision) -> list[dict]:
    """NaViT packing: the patches of BATCH images side by side in one row of patches, (1, channels, patch,
    patch * patches), with each image's patch grid, target_sizes (images, 2) (why: minicpm's vision towers take
    no batch of images; a (batch, ...) one gives "NoneType has no attribute device" without target_sizes)."""
    import torch

    patch, channels = first_int(vision, ("patch_size",), 8), first_int(vision, ("num_channels",), 3)
    side = max(2, _image_side(vision)[0] // patch // 2 * 2)  # even: the merger halves the grid
    pixels = _seeded_randn(1, channels, patch, patch * BATCH * side * side, seed=0)
    return [{"pixel_values": pixels, "target_sizes": torch.tensor([[side, side]] * BATCH)}]


def _tiled_pixels(vision) -> list[dict]:
    """One image per item cut into max_num_tiles tiles, (batch, 1, tiles, channels, side, side), with its
    aspect ratio id (1: the first supported ratio; 0 is padding) and a tile mask of ones (mllama's vision
    tower)."""
    import torch
    from scaffold.testing.families import random_pixels

    tiles = first_int(vision, ("max_num_tiles",), 1)
    pixels = random_pixels(vision, BATCH * tiles).reshape(BATCH, 1, tiles, *random_pixels(vision, 1).shape[1:])
    return [
        {
            "pixel_values": pixels,
            "aspect_ratio_ids": torch.ones(BATCH, 1, dtype=torch.long),
            "aspect_ratio_mask": torch.ones(BATCH, 1, tiles, dtype=torch.long),
        }
    ]


def _patch_cubes(vision) -> list[dict]:
    """One patch per row, channels last: (patches, temporal_patch_size, patch, patch, channels), for a
    vision config with a temporal patch size and no image size (inkling's vision encoder)."""
    import torch

    temporal = first_int(vision, ("temporal_patch_size",), 0)
    if not temporal:
        return []
    patch, channels = first_int(vision, ("patch_size",), 8), first_int(vision, ("num_channels",), 3)
    shape = (BATCH * 4, temporal, patch, patch, channels)
    return [{"pixel_values": _seeded_randn(*shape, seed=0)}]


def _with_pairs(candidates: list[dict]) -> list[dict]:
    """The image candidates, then the same images as pairs, (batch, 2, channels, height, width), for
    keypoint matchers (lightglue, superglue-like models)."""
    import torch

    pairs = [{"pixel_values": torch.stack([c["pixel_values"], c["pixel_values"].flip(-1)], 1)} for c in candidates]
    return candidates + pairs


def _feature_inputs(model, config, key: str = "input_features") -> list[dict]:
    """Spectrogram-like features, (batch, features, frames) and (batch, frames, features), then as a one-channel
    image, (batch, 1, frames, features) (clap's audio encoder)."""
    source = _audio_config(config)
    width = first_int(source, FEATURE_WIDTH_FIELDS, 80)
    positions = getattr(source, "max_source_positions", None)
    frames = 2 * positions if isinstance(positions, int) and positions <= 1500 else 64
    values = _seeded_randn(BATCH, width, frames, seed=0)
    by_frame = values.transpose(1, 2).contiguous()
    candidates = [{key: values}, {key: by_frame}, {key: by_frame[:, None]}] + _frames_of_the_waveform(
        config, width, key
    )
    return candidates + _windowed_features(model, source, width, key)


def _windowed_features(model, source, width: int, key: str) -> list[dict]:
    """Features of 2 * n_window frames, (batch, features, frames), with a per-frame mask of ones when forward
    takes ``<key>_mask`` (qwen3_asr's encoder attends in chunks of that many frames)."""
    import inspect

    import torch

    window = first_int(source, ("n_window",), 0)
    if not window:
        return []
    candidate = {key: _seeded_randn(BATCH, width, 2 * window, seed=0)}
    if f"{key}_mask" in inspect.signature(model.forward).parameters:
        candidate[f"{key}_mask"] = torch.ones(BATCH, 2 * window, dtype=torch.long)
    return [candidate]


def _frames_of_the_waveform(config, width: int, key: str) -> list[dict]:
    """Features with one frame per hop of the AUDIO_SAMPLES waveform, both layouts, when the config names its
    hop (why: xcodec2 concatenates its semantic frames with its acoustic ones, samples / hop_length of them)."""
    hop = first_int(config, ("hop_length",), 0)
    if not 0 < hop <= AUDIO_SAMPLES:
        return []
    values = _seeded_randn(BATCH, width, AUDIO_SAMPLES // hop, seed=0)
    return [{key: values}, {key: values.transpose(1, 2).contiguous()}]


# Config fields giving the width of spectrogram-like features, most common first (why: whisper names its mel
# bins num_mel_bins, speech_to_text input_feat_per_channel, wav2vec2-bert and seamless_m4t the stacked
# frames feature_projection_input_dim).
FEATURE_WIDTH_FIELDS = (
    "num_mel_bins",
    "feature_size",
    "input_feat_per_channel",
    "n_mels",
    "feature_projection_input_dim",
)
# Sub-configs looked at first for those fields (why: an encoder-decoder's encoder, a multimodal model's audio).
AUDIO_SUB_CONFIGS = ("encoder", "audio_config")


def _audio_config(config):
    """The first config naming a FEATURE_WIDTH_FIELDS field: the config itself, then its sub-configs (and
    theirs), AUDIO_SUB_CONFIGS first (cohere_asr's encoder_config, neucodec's semantic_model_config); the
    config itself when none does."""
    for candidate in _configs_in_order(config, depth=2):
        if any(first_int(candidate, (field,), 0) for field in FEATURE_WIDTH_FIELDS):
            return candidate
    return config


def _configs_in_order(config, depth: int) -> list:
    """The config, then its sub-configs depth first, AUDIO_SUB_CONFIGS before the others (sorted by name)."""
    found = [config]
    if depth == 0:
        return found
    declared = sorted(getattr(config, "sub_configs", None) or {})
    for name in [*AUDIO_SUB_CONFIGS, *(n for n in declared if n not in AUDIO_SUB_CONFIGS)]:
        sub = getattr(config, name, None)
        if hasattr(sub, "to_dict"):
            found.extend(_configs_in_order(sub, depth - 1))
    return found


def _waveform_inputs(model, config, key: str = "input_values") -> list[dict]:
    """Raw audio, (batch, samples) and (batch, channels, samples)."""
    import torch

    source = getattr(config, "encoder", None) or getattr(config, "audio_config", None) or config
    channels = first_int(source, ("audio_channels", "num_channels"), 1)
    audio = _seeded_randn(BATCH, AUDIO_SAMPLES, seed=0)
    candidates = [{key: audio}, {key: audio[:, None].repeat(1, channels, 1)}]
    # why: an x-vector head's dilated TDNN needs more frames than AUDIO_SAMPLES gives (kernel 7 on 1 frame)
    candidates.append({key: _seeded_randn(BATCH, AUDIO_SAMPLES * LONG_AUDIO_FACTOR, seed=0)})
    per_token = first_int(source, ("samples_per_token",), 0)
    if per_token and AUDIO_SAMPLES % per_token:  # muse_spark's audio: whole tokens of samples only
        candidates.append({key: _seeded_randn(BATCH, -(-AUDIO_SAMPLES // per_token) * per_token, seed=0)})
    frames, mels = getattr(source, "max_length", None), getattr(source, "num_mel_bins", None)
    if isinstance(frames, int) and isinstance(
        mels, int
    ):  # a spectrogram under this name (audio spectrogram transformer)
        candidates.append({key: _seeded_randn(BATCH, frames, mels, seed=0)})
    return candidates + _hidden_values(model, config, key)


def _hidden_values(model, config, key: str) -> list[dict]:
    """Hidden states of the model's width under ``key`` and as ``decoder_input_values``, for a forward that takes
    decoder values (why: speecht5's bare model has no pre-nets: both sides take (batch, length, hidden_size) states;
    a waveform meets its encoder's layer norm, "expected input with shape [*, 32]")."""
    import inspect

    if "decoder_input_values" not in inspect.signature(model.forward).parameters:
        return []
    width = _widths(config)[0]
    states, decoder = _seeded_randn(BATCH, LENGTH, width, seed=2), _seeded_randn(BATCH, DECODER_LENGTH, width, seed=3)
    return [{key: states, "decoder_input_values": decoder}]


def _speech_inputs(model, config) -> list[dict]:
    """speech-encoder-decoder's ``inputs``: whatever its encoder takes, waveform or features."""
    return _waveform_inputs(model, config, "inputs") + _feature_inputs(model, config, "inputs")


def _inputs_inputs(model, config) -> list[dict]:
    """``inputs`` of any kind: speech first, then float states of the model's width (why: perceiver's
    preprocessor-less model reads (batch, length, d_model) arrays: "Last dimension of the inputs: 3200 doesn't
    correspond to config.d_model")."""
    return _speech_inputs(model, config) + _hidden_builder("inputs")(model, config)


MEL_FRAMES = 8


def _mel_inputs(model, config) -> list[dict]:
    """A vocoder's ``mel_spectrogram``: (batch, mel bins, frames), then (batch, frames, mel bins) (why:
    qwen2_5_omni_bigvgan's forward takes mel_dim-channel frames, a name no other builder knows)."""
    mels = first_int(config, ("mel_dim", "num_mel_bins", "model_in_dim"), 80)
    frames = _seeded_randn(BATCH, mels, MEL_FRAMES, seed=0)
    return [{"mel_spectrogram": frames}, {"mel_spectrogram": frames.transpose(1, 2).contiguous()}]


def _series_inputs(model, config) -> list[dict]:
    """Time series ``past_values``: (batch, history) and (batch, history, channels); the history is the context
    and, for a model with lagged inputs (time_series_transformer), its largest lag before it. A model that takes
    ``past_time_features`` gets (batch, history, num_time_features) of them (why: time_series_transformer,
    autoformer and informer require them, as long as the history)."""
    import inspect

    context = first_int(config, ("context_length",), 32)
    lags = getattr(config, "lags_sequence", None)  # lagged features reach max(lags) steps before the context
    context += max(lags) if isinstance(lags, (list, tuple)) and lags and all(type(v) is int for v in lags) else 0
    channels = first_int(config, ("num_input_channels", "input_size"), 1)
    values = _seeded_randn(BATCH, context, channels, seed=0)
    extra = {}
    if "past_time_features" in inspect.signature(model.forward).parameters:
        extra["past_time_features"] = _seeded_randn(
            BATCH, context, first_int(config, ("num_time_features",), 0), seed=1
        )
    return [{"past_values": values[..., 0].contiguous(), **extra}, {"past_values": values, **extra}]


# Parameters holding float hidden states of the model's width, (batch, length, width), by name (why: modules
# built for a parent's internals take such tensors: flava's multimodal encoder, idefics2's perceiver context,
# muse_glimmer's noise_embeds, gemma3n's audio_mel).
HIDDEN_NAME_SUFFIXES = ("_embeds", "_features", "hidden_states", "_queries", "_encodings", "_encoding", "_mel")
HIDDEN_NAMES = ("context",)
# Config fields giving that width, most common first (why: one model reads hidden_size, an audio encoder its
# mel bins, a projector the vision width).
WIDTH_FIELDS = (
    "hidden_size",
    "d_model",
    "embed_dim",
    "input_feat_size",
    "num_mel_bins",
    "feature_size",
    "vision_hidden_size",
    "text_hidden_size",
    "encoder_hidden_size",
    "projection_dim",
    "input_size",  # phi4_multimodal's audio encoder: its mel bins
)
HIDDEN_LENGTHS = (LENGTH, 32)  # 32: audio encoders subsample their frames by 4 or more


def _named_builder(name: str):
    """A builder chosen by the parameter's name: float states, or ids per codebook; None when unknown."""
    if _is_hidden_name(name):
        return _hidden_builder(name)
    if name.endswith("_input_ids"):
        return _codebook_inputs(name)
    return None


def _is_hidden_name(name: str) -> bool:
    return name.endswith(HIDDEN_NAME_SUFFIXES) or name in HIDDEN_NAMES


def _widths(config) -> list[int]:
    """Candidate hidden widths: WIDTH_FIELDS of the config, then of its text and vision sub-configs."""
    found: list[int] = []
    for source in (config, getattr(config, "text_config", None), getattr(config, "vision_config", None)):
        for field in WIDTH_FIELDS:
            value = getattr(source, field, None) if source is not None else None
            if isinstance(value, int) and not isinstance(value, bool) and value > 0 and value not in found:
                found.append(value)
    return found or [32]


def _hidden_builder(key: str):
    """A builder of float states ``key`` of shape (batch, length, width), one candidate per width and length."""

    def build(model, config) -> list[dict]:
        import torch

        generator = torch.Generator().manual_seed(2)
        sequences = [
            {key: torch.randn(BATCH, length, width, generator=generator)}
            for width in _widths(config)
            for length in HIDDEN_LENGTHS
        ]  # then feature maps, (batch, width, height, width): unlimited_ocr's patch_embeds
        maps = [{key: torch.randn(BATCH, width, 4, 4, generator=generator)} for width in _widths(config)]
        chunk = first_int(config, ("chunk_size",), 0)  # pi0's action chunk: as many action states as it predicts
        chunks = [{key: _seeded_randn(BATCH, chunk, _widths(config)[0], seed=2)}] if chunk > 1 else []
        return sequences + maps + chunks

    return build


# Config fields giving the channels of frame-wise inputs, looked at before WIDTH_FIELDS (why: a hifigan vocoder
# reads model_in_dim mel bins, pocket_tts's codec decoder latent_dim latents).
FRAME_WIDTH_FIELDS = ("model_in_dim", "latent_dim")
FRAMES = 8


def _frames_builder(key: str):
    """A builder of frame-wise float states ``key``: (batch, frames, width) then (batch, width, frames), per
    candidate width (a vocoder's spectrogram, a codec decoder's latents)."""

    def build(model, config) -> list[dict]:
        widths = [first_int(config, (f,), 0) for f in FRAME_WIDTH_FIELDS] + _widths(config)
        candidates = []
        for width in dict.fromkeys(w for w in widths if w):
            states = _seeded_randn(BATCH, FRAMES, width, seed=2)
            candidates += [{key: states}, {key: states.transpose(1, 2).contiguous()}]
        return candidates

    return build


def _mask_for(name: str, inputs: dict):
    """A mask over the (batch, length) of the inputs built so far: an attention mask is ones (attend); any
    other ``*_mask`` is a padding mask, all False (gemma3n's audio_mel_mask marks padding with True)."""
    import torch

    shaped = [v for v in inputs.values() if isinstance(v, torch.Tensor) and v.dim() >= 2]
    batch, length = tuple(shaped[0].shape[:2]) if shaped else (BATCH, LENGTH)
    if "attention" in name:
        return torch.ones(batch, length, dtype=torch.long)
    return torch.zeros(batch, length, dtype=torch.bool)


def _indices_into(inputs: dict):
    """Row indices into the flattened (batch * length) rows of the first float input built so far, four per
    output token (molmo2's adapter pools pooled_patches_idx rows of image features)."""
    import torch

    shaped = [v for v in inputs.values() if isinstance(v, torch.Tensor) and v.is_floating_point() and v.dim() >= 2]
    rows = int(shaped[0].shape[0] * shaped[0].shape[1]) if shaped else BATCH * LENGTH
    return torch.randint(0, rows, (LENGTH, 4), generator=torch.Generator().manual_seed(5))


def _codebook_inputs(key: str):
    """A builder of ``*_input_ids`` (inkling's audio_input_ids): one id per codebook, (batch, length,
    num_codebooks) in [0, codebook_size), when the config has codebooks; else token ids."""

    def build(model, config) -> list[dict]:
        import torch
        from scaffold.testing.families import random_ids

        books, size = getattr(config, "num_codebooks", None), getattr(config, "codebook_size", None)
        if isinstance(books, int) and isinstance(size, int):
            generator = torch.Generator().manual_seed(0)
            return [{key: torch.randint(0, size, (BATCH, LENGTH, books), generator=generator)}]
        return [{key: random_ids(config, BATCH, LENGTH)}]

    return build


def _retrieved_inputs(model, config) -> list[dict]:
    """What a retriever would hand rag's forward: n_docs passages per question in the generator's vocabulary,
    their mask and their scores."""
    import torch
    from scaffold.testing.families import random_ids

    docs = first_int(config, ("n_docs",), 2)
    generator = getattr(config, "generator", None) or config
    ids = random_ids(generator, BATCH * docs, LENGTH, seed=6)
    scores = _seeded_randn(BATCH, docs, seed=6)
    return [{"context_input_ids": ids, "context_attention_mask": torch.ones_like(ids), "doc_scores": scores}]


def _patch_id_inputs(model, config) -> list[dict]:
    """blt's local encoder pools bytes into patches: each position's patch index, non-decreasing, in
    [0, num_patches), with num_patches."""
    import torch

    patches = 3
    ids = (torch.arange(LENGTH) * patches // LENGTH).expand(BATCH, -1).contiguous()
    return [{"patch_ids": ids, "num_patches": patches}]


def _image_side(config, default: int = 32) -> tuple[int, int]:
    """(height, width) from the config's image_size or crop_size (an int or a pair)."""
    for field in ("image_size", "crop_size"):
        value = getattr(config, field, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value, value
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return int(value[0]), int(value[1])
    return default, default


def _renamed(candidates: list[dict], old: str, new: str) -> list[dict]:
    """Candidates with one input under another name (why: bridgetower's vision model takes its pixels as
    ``image``)."""
    return [{(new if key == old else key): value for key, value in candidate.items()} for candidate in candidates]


def _video_inputs(model, config) -> list[dict]:
    """Videos, (batch, frames, channels, height, width): two tubelets of frames first, then the clip length
    the config names (vjepa2's frames_per_clip)."""
    import torch

    vision = getattr(config, "vision_config", None) or config
    height, width = _image_side(vision)
    channels = first_int(vision, ("num_channels", "in_chans"), 3)
    tubelet = first_int(vision, ("tubelet_size", "temporal_patch_size"), 1)
    frames = [2 * tubelet]
    clip = first_int(vision, ("frames_per_clip", "num_frames"), 0)
    if clip and clip not in frames:
        frames.append(clip)
    generator = torch.Generator().manual_seed(0)
    return [
        {"pixel_values_videos": torch.randn(BATCH, n, channels, height, width, generator=generator)} for n in frames
    ]


def _flattened_patch_inputs(model, config) -> list[dict]:
    """pix2struct's flattened_patches: (batch, patches, 2 + channels * patch^2), the first two columns the
    patch's row and column (from 1; 0 is padding), then the pixels."""
    import torch

    vision = getattr(config, "vision_config", None) or config
    width = first_int(vision, ("patch_embed_hidden_size",), 3 * 16 * 16)
    side = 4
    rows = torch.arange(side * side) // side + 1
    cols = torch.arange(side * side) % side + 1
    pixels = _seeded_randn(BATCH, side * side, width, seed=0)
    positions = torch.stack([rows, cols], dim=-1).float().expand(BATCH, -1, -1)
    return [{"flattened_patches": torch.cat([positions, pixels], dim=-1)}]


def _trajectory_inputs(model, config) -> list[dict]:
    """Decision transformer trajectories: states, actions, rewards, returns to go and timesteps."""
    import torch

    generator = torch.Generator().manual_seed(0)
    shape = (BATCH, LENGTH)
    return [
        {
            "states": torch.randn(*shape, first_int(config, ("state_dim",), 4), generator=generator),
            "actions": torch.randn(*shape, first_int(config, ("act_dim",), 2), generator=generator),
            "rewards": torch.randn(*shape, 1, generator=generator),
            "returns_to_go": torch.randn(*shape, 1, generator=generator),
            "timesteps": torch.randint(0, first_int(config, ("max_ep_len",), 8), shape, generator=generator),
            "attention_mask": torch.ones(shape, dtype=torch.long),
        }
    ]


def _decision_marks(model, config) -> list[dict]:
    """jev's prompt of questions: one question of each type (question_type_ids, the types its config's offsets
    name), each answered at a marked position of the prompt (marks, from 1), with as many options as fit in
    the verbalizer rows after the type's offset; a batch of one prompt, (1, questions) each."""
    import torch

    offsets = getattr(config, "offsets", None) or {"": 0}
    questions = len(offsets)
    options = max(1, min(2, first_int(config, ("num_verbalizers",), 2) - max(offsets.values())))
    return [
        {
            "marks": torch.arange(questions)[None] % LENGTH + 1,
            "num_options": torch.full((1, questions), options),
            "question_type_ids": torch.arange(questions)[None],
        }
    ]


def _dit_conditions(model, config) -> list[dict]:
    """qwen2_5_omni's token2wav DiT: a noisy mel, (batch, frames, mel_dim), with what conditions it: a reference
    mel (condition_vector), speaker embeddings (enc_emb_dim), codec codes each repeated ``repeats`` frames and
    a diffusion time; the mel is built here too so that its frames match the codes."""
    import torch

    generator = torch.Generator().manual_seed(11)
    repeats, codes = first_int(config, ("repeats",), 1), 4
    frames, mel = codes * repeats, first_int(config, ("mel_dim",), 80)
    return [
        {
            "hidden_states": _seeded_randn(BATCH, frames, mel, seed=0),
            "condition_vector": _seeded_randn(BATCH, frames, mel, seed=1),
            "speaker_embedding": _seeded_randn(BATCH, frames, first_int(config, ("enc_emb_dim",), 32), seed=2),
            "quantized_code": torch.randint(
                0, first_int(config, ("num_embeds",), 2), (BATCH, codes), generator=generator
            ),
            "time_step": torch.tensor(0.5),
        }
    ]


def _token2wav_inputs(model, config) -> list[dict]:
    """qwen2_5_omni's token2wav (DiT sampler then vocoder): codec codes, a speaker conditioning vector and a
    reference mel, sized from its DiT config the way ``_dit_conditions`` sizes the DiT's own inputs."""
    dit = getattr(config, "dit_config", config)
    built = _dit_conditions(model, dit)[0]
    return [
        {
            "code": built["quantized_code"],
            "conditioning": built["speaker_embedding"][:, 0],
            "reference_mel": built["condition_vector"],
            "num_steps": 2,  # the ODE sampler's steps: the same for clone and source, few for speed
        }
    ]


def _seeded_randn(*shape: int, seed: int):
    """Standard normal values of ``shape`` from a generator seeded with ``seed`` (same tensor every run)."""
    import torch

    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


# Inputs tried alongside the main one when forward takes them (why: multimodal models need both, such as
# voxtral_realtime's text and audio features; layout models need word boxes next to their ids; rag without a
# retriever needs the passages; blt's local encoder its patch indices).
COMPANION_INPUTS = ("pixel_values", "input_ids", "bbox", "input_features", "context_input_ids", "patch_ids")
# main_input_name -> candidate input builders (why: one builder per kind of input, shared by every model).
INPUT_BUILDERS = {
    "input_ids": _text_inputs,
    "pixel_values": _pixel_inputs,
    "input_features": _feature_inputs,
    "input_values": _waveform_inputs,
    "mel_spectrogram": _mel_inputs,
    "inputs": _inputs_inputs,
    "past_values": _series_inputs,
    "bbox": _bbox_inputs,
    "inputs_embeds": _embeds_inputs,
    "hidden_states": _patch_inputs,
    "pixel_values_videos": _video_inputs,
    "image": lambda model, config: _renamed(_pixel_inputs(model, config), "pixel_values", "image"),
    "flattened_patches": _flattened_patch_inputs,
    "spectrogram": _frames_builder("spectrogram"),
    "latents": _frames_builder("latents"),
    # Per-model inputs (why: the decision transformer's trajectory fields, rag's retrieved passages, blt's
    # byte-to-patch indices, jev's marked questions and qwen2_5_omni's DiT conditions exist nowhere else).
    "states": _trajectory_inputs,
    "context_input_ids": _retrieved_inputs,
    "patch_ids": _patch_id_inputs,
    "marks": _decision_marks,
    "condition_vector": _dit_conditions,
    "code": _token2wav_inputs,
}
# Inputs only a processor builds, holding state across calls (why: the video trackers' inference_session).
SESSION_INPUTS = ("inference_session",)


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
    if isinstance(exc, BrokenInTransformers):
        return "broken in transformers"
    cause = exc.__cause__ if isinstance(exc, NoTinySetup) else exc
    if isinstance(cause, NeedsSession):
        return "needs a session object"
    if isinstance(cause, NoForward):
        return "needs generate (no forward)"
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
