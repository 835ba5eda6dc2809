"""Per-source adjustments a plain clone needs to be right, kept as data with the reason for each.

A profile adds class bodies to the modular file (so the fix is visible where the user edits, and the
converter merges it like any user override) and Auto registrations transformers lacks for the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Profile:
    overrides: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # source class -> body
    extra_auto_classes: tuple[tuple[str, str], ...] = ()  # (Auto class, source class) to register as well


_VED_MODEL_BODY = '''\
    # Trainer scales the logged loss by the gradient-accumulation steps only for models that do not take
    # `num_items_in_batch`; forward() accepts **kwargs but computes a mean loss, so it must say it does not
    # (without this, Seq2SeqTrainer logs a doubled loss at gradient_accumulation_steps=2).
    accepts_loss_kwargs = False
'''

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        # Why: the SmallCap question (shared/context/000): a captioner must train with Seq2SeqTrainer and reload
        # with AutoModel, which transformers does not map for vision-encoder-decoder.
        "vision-encoder-decoder": Profile(
            overrides=MappingProxyType({"VisionEncoderDecoderModel": _VED_MODEL_BODY}),
            extra_auto_classes=(("AutoModel", "VisionEncoderDecoderModel"),),
        ),
    }
)

_DEFAULT = Profile()


def profile_for(model_type: str) -> Profile:
    return PROFILES.get(model_type, _DEFAULT)
