"""The typed facts a plugin is generated from: which framework, and what the source model looks like."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from scaffold.plugin.contract import CHAT_TEMPLATE_FIELDS  # one definition, in the contract


class Framework(enum.Enum):
    """A training framework that takes models as plugin folders; the value is the CLI spelling."""

    VL_RLHF = "vl-rlhf"
    RESONANCE = "resonance"

    @property
    def package(self) -> str:
        """The import name of the framework (``vlrlhf`` / ``resonance``), the only thing that differs."""
        return _PACKAGES[self]

    @property
    def title(self) -> str:
        """How the framework's own documentation spells it."""
        return _TITLES[self]


# Why a table: Resonance is a renamed fork of VL-RLHF with the same plugin contract in another package.
_PACKAGES = {Framework.VL_RLHF: "vlrlhf", Framework.RESONANCE: "resonance"}
_TITLES = {Framework.VL_RLHF: "VL-RLHF", Framework.RESONANCE: "Resonance"}


@dataclass(frozen=True)
class PluginSource:
    """What discovery learned about the ``--like`` vision-language model (from the installed transformers).

    ``model_class`` is the HF class the plugin's model subclasses and ``architecture`` the name a checkpoint
    records in ``config.architectures[0]``. The ``*_attr`` fields are attribute names the generated code looks
    up at runtime, so the plugin works whether the model nests them (transformers 5) or not (4.41).
    """

    model_type: str
    model_class: str
    architecture: str
    processor_class: str | None
    supports_flash_attn: bool
    image_token: str
    chat_template: str | None  # the source processor's own Jinja chat template, if the class ships one
    vision_tower_attr: str
    projector_attrs: tuple[str, ...]
    lm_head_attr: str
    text_config_attr: str | None  # sub-config holding hidden_size (lifted to the top level for the reward model)
    image_token_config_attrs: tuple[str, ...]  # config attributes that may hold the image token id
    transformers_version: str
    # Whether transformers 4.41 (the frameworks' pin) has model_class at all; False means the plugin can only
    # run once the framework moves to a newer transformers. Defaulted so hand-written fixtures stay short.
    in_pinned_transformers: bool = True


@dataclass(frozen=True)
class ChatTemplateParts:
    """The seven strings of a ``VLChatTemplate``; ``EOS_MARK`` stands for the tokenizer's eos token."""

    system_begin: str
    system_end: str
    user_begin: str
    user_end: str
    assistant_begin: str
    assistant_end: str
    image_placeholder: str
    origin: str  # "source processor" or "default (LLaVA-1.5 style)": said in the generated file


EOS_MARK = "<<EOS>>"  # replaced by tokenizer.eos_token in the generated processor at runtime


def discover_plugin_source(like: str) -> PluginSource:
    """Read the installed transformers for the ``--like`` model type (imports torch: seconds, not millis)."""
    from scaffold.plugin.discover import discover  # lazy: keeps importing this module cheap

    return discover(like)
