"""Small pure helpers of the common suite: walking model outputs, renaming state-dict keys, labels per head."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch

# Output fields that are not compared between two runs (caches hold the same values in another layout).
SKIPPED_OUTPUT_FIELDS = ("past_key_values",)


def tensor_leaves(output: Any, prefix: str = "") -> Iterator[tuple[str, torch.Tensor]]:
    """Yield (path, tensor) for every tensor inside a ModelOutput / tuple / dict, caches excluded."""
    if isinstance(output, torch.Tensor):
        yield prefix, output
    elif isinstance(output, dict):
        for key in output.keys():
            if key not in SKIPPED_OUTPUT_FIELDS:
                yield from tensor_leaves(output[key], f"{prefix}.{key}" if prefix else key)
    elif isinstance(output, (tuple, list)):
        for index, item in enumerate(output):
            yield from tensor_leaves(item, f"{prefix}[{index}]")


_REQUIRED = object()


def first_int(config: Any, names: tuple[str, ...], default: Any = _REQUIRED) -> int:
    """The first of ``names`` the config holds as an int (not a bool); ``default`` when none, else an error."""
    for name in names:
        value = getattr(config, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    if default is _REQUIRED:
        raise AttributeError(f"{type(config).__name__} has none of {names}")
    return default


def main_tensor(output: Any) -> torch.Tensor:
    """The tensor a head is about: logits, else the last hidden state, else the first tensor."""
    for name in ("logits", "start_logits", "last_hidden_state"):
        value = output.get(name) if isinstance(output, dict) else None
        if isinstance(value, torch.Tensor):
            return value
    return next(tensor_leaves(output))[1]


def assert_outputs_equal(first: Any, second: Any, atol: float = 0.0, what: str = "outputs") -> None:
    """Every tensor of `first` equals the same tensor of `second` (bit-equal when atol is 0)."""
    left, right = dict(tensor_leaves(first)), dict(tensor_leaves(second))
    assert sorted(left) == sorted(right), f"{what}: different output fields {sorted(left)} != {sorted(right)}"
    for name in sorted(left):
        a, b = left[name], right[name]
        assert a.shape == b.shape, f"{what}: {name} shape {tuple(a.shape)} != {tuple(b.shape)}"
        if atol == 0.0:
            assert torch.equal(a, b), f"{what}: {name} differs, max |diff| {(a - b).abs().max().item():.3g}"
        else:
            torch.testing.assert_close(a, b, atol=atol, rtol=atol, msg=lambda m: f"{what}: {name}: {m}")


def rename_keys(state_dict: dict[str, torch.Tensor], renames: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Map clone state-dict keys back to source keys: each (source, clone) pair names a dotted key component
    (``("bert.", "my_bert.")``), renamed wherever it stands in a key."""
    components = {clone.rstrip("."): source.rstrip(".") for source, clone in renames}
    return {
        ".".join(components.get(part, part) for part in key.split(".")): state_dict[key] for key in sorted(state_dict)
    }


# Heads whose labels are token ids shaped like the input ids.
LM_HEADS = (
    "AutoModelForCausalLM",
    "AutoModelForImageTextToText",
    "AutoModelForMaskedLM",
    "AutoModelForMultimodalLM",
    "AutoModelForSeq2SeqLM",
    "AutoModelForVision2Seq",
)


def head_labels(auto_name: str, config: Any, inputs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor] | None:
    """Labels that make the head of Auto class `auto_name` return a loss, or None when it has no known labels."""
    generator = torch.Generator().manual_seed(1)
    ids = inputs.get("input_ids", inputs.get("decoder_input_ids"))
    batch = next(iter(inputs.values())).shape[0]
    num_labels = getattr(config, "num_labels", 2)
    if auto_name in LM_HEADS and ids is not None:
        return {"labels": ids.clone()}
    if auto_name in ("AutoModelForSequenceClassification", "AutoModelForImageClassification"):
        return {"labels": torch.randint(0, num_labels, (batch,), generator=generator)}
    if auto_name == "AutoModelForTokenClassification":
        return {"labels": torch.randint(0, num_labels, ids.shape, generator=generator)}
    if auto_name == "AutoModelForQuestionAnswering":
        positions = torch.randint(0, ids.shape[1], (2, batch), generator=generator)
        return {"start_positions": positions[0], "end_positions": positions[1]}
    if auto_name == "AutoModelForNextSentencePrediction":
        return {"labels": torch.randint(0, 2, (batch,), generator=generator)}
    if auto_name == "AutoModelForPreTraining" and ids is not None:
        return {"labels": ids.clone(), "next_sentence_label": torch.randint(0, 2, (batch,), generator=generator)}
    return None
