"""The VL-RLHF / Resonance model-plugin contract, written from its description (never from upstream code).

A plugin is ``<package>/models/<Name>/__init__.py``. It subclasses base classes that live in
``<package>.base.*``, fills a 12-field ``ModelCoreMapper`` from ``<package>.models.utils`` and registers itself
in ``<package>.utils.auto_load``. Tests read these tables both to write stand-in base modules and to check a
generated plugin, so the frameworks themselves are never imported.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class MemberKind(enum.Enum):
    """How a contract member is declared on its class."""

    METHOD = "method"
    PROPERTY = "property"
    STATIC = "staticmethod"
    CLASS = "classmethod"


@dataclass(frozen=True)
class Param:
    """One parameter of a member: its name, and its default as source text (None when it has none)."""

    name: str
    default: str | None = None
    star: str = ""  # "*" for *args, "**" for **kwargs


@dataclass(frozen=True)
class Member:
    """A member a plugin class must provide, with the parameters it must accept (``self``/``cls`` included)."""

    name: str
    kind: MemberKind
    params: tuple[Param, ...] = ()


@dataclass(frozen=True)
class BaseClass:
    """A framework base class: the module under ``<package>.`` that defines it, and its abstract members."""

    module: str
    name: str
    abstract: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Slot:
    """One ``core_mapper`` field: the plugin class suffix that fills it and the base it must subclass."""

    field: str
    suffix: str
    base: BaseClass | None  # None: the model class, which subclasses the HF model instead


@dataclass(frozen=True)
class CollatorOutput:
    """Keys a collator's output must have (``nested`` inside ``img_input_dict``) and keys it must not keep."""

    required: tuple[str, ...]
    nested_image_key: str | None
    forbidden: tuple[str, ...]
    declares_processor: bool  # the base class lacks a ``processor`` field, so the plugin must declare one


_SELF = Param("self")
_CLS = Param("cls")

PROCESSOR = BaseClass(
    module="base.processor",
    name="VLProcessor",
    abstract=(
        Member("__init__", MemberKind.METHOD, (_SELF, Param("model_name_or_path"), Param("kwargs", star="**"))),
        Member("tokenizer", MemberKind.PROPERTY),
        Member("chat_template", MemberKind.PROPERTY),
        Member("image_processor", MemberKind.PROPERTY),
        Member("save_pretrained", MemberKind.METHOD, (_SELF, Param("output_dir"))),
        Member(
            "process_batch_conv",
            MemberKind.METHOD,
            (_SELF, Param("sources"), Param("system_message", "None"), Param("add_end_for_empty_value", "False")),
        ),
        Member("format_multimodal_prompt", MemberKind.STATIC, (Param("prompt"), Param("img_paths", "None"))),
        Member("remove_image_placeholder", MemberKind.STATIC, (Param("prompt"),)),
        Member("is_multimodal_prompt_valid", MemberKind.STATIC, (Param("prompt"),)),
        Member("train", MemberKind.METHOD, (_SELF,)),
        Member("infer", MemberKind.METHOD, (_SELF,)),
        Member(
            "__call__",
            MemberKind.METHOD,
            (
                _SELF,
                Param("texts", "None"),
                Param("convs", "None"),
                Param("images_path", "None"),
                Param("padding", "True"),
                Param("padding_side", "'left'"),
                Param("check_format", "True"),
            ),
        ),
    ),
)
CHAT_TEMPLATE = BaseClass(module="base.processor", name="VLChatTemplate")
CHAT_TEMPLATE_FIELDS = (
    "system_begin",
    "system_end",
    "user_begin",
    "user_end",
    "assistant_begin",
    "assistant_end",
    "image_placeholder",
)
REWARD_MODEL = BaseClass(
    module="base.model",
    name="VLRewardModel",
    abstract=(
        Member(
            "from_pretrained",
            MemberKind.CLASS,
            (_CLS, Param("pretrained_model_name_or_path"), Param("args", star="*"), Param("kwargs", star="**")),
        ),
    ),
)
VALUE_MODEL = BaseClass(module="base.model", name="VLModelWithValueHead")
DPO_COLLATOR = BaseClass(module="base.collator", name="VLDPODataCollatorWithPadding")
SFT_COLLATOR = BaseClass(module="base.collator", name="VLSFTDataCollatorWithPadding")
RM_COLLATOR = BaseClass(module="base.collator", name="VLRMDataCollatorWithPadding")
PPO_COLLATOR = BaseClass(module="base.collator", name="VLPPODataCollator")
DPO_TRAINER = BaseClass(module="base.trainer", name="VLDPOTrainer")
SFT_TRAINER = BaseClass(module="base.trainer", name="VLSFTTrainer")
RM_TRAINER = BaseClass(module="base.trainer", name="VLRMTrainer")
PPO_TRAINER = BaseClass(module="base.trainer", name="VLPPOTrainer")

BASE_CLASSES = (
    PROCESSOR,
    CHAT_TEMPLATE,
    REWARD_MODEL,
    VALUE_MODEL,
    DPO_COLLATOR,
    SFT_COLLATOR,
    RM_COLLATOR,
    PPO_COLLATOR,
    DPO_TRAINER,
    SFT_TRAINER,
    RM_TRAINER,
    PPO_TRAINER,
)

# What the model class adds to the HF model it subclasses.
MODEL_MEMBERS = (
    Member("default_lora_target", MemberKind.PROPERTY),
    Member("get_vision_tower", MemberKind.METHOD, (_SELF,)),
    Member("freeze_vision_tower", MemberKind.METHOD, (_SELF,)),
    Member("prepare_default_generation_kwargs", MemberKind.METHOD, (_SELF, Param("generation_config"))),
)
VALUE_MODEL_ATTRIBUTE = "transformers_parent_class"  # must name the plugin's model class

# The 12 ModelCoreMapper fields in declaration order; the plugin class of each is ``<Name><suffix>``.
MAPPER_SLOTS = (
    Slot("model", "ForRL", None),
    Slot("processor", "Processor", PROCESSOR),
    Slot("dpo_collator", "DPODataCollatorWithPadding", DPO_COLLATOR),
    Slot("dpo_trainer", "DPOTrainer", DPO_TRAINER),
    Slot("reward_model", "RewardModel", REWARD_MODEL),
    Slot("value_model", "WithValueHead", VALUE_MODEL),
    Slot("reward_collator", "RMDataCollatorWithPadding", RM_COLLATOR),
    Slot("reward_trainer", "RMTrainer", RM_TRAINER),
    Slot("sft_collator", "SFTDataCollatorWithPadding", SFT_COLLATOR),
    Slot("sft_trainer", "SFTTrainer", SFT_TRAINER),
    Slot("ppo_collator", "PPODataCollator", PPO_COLLATOR),
    Slot("ppo_trainer", "PPOTrainer", PPO_TRAINER),
)
MAPPER_FIELDS = tuple(slot.field for slot in MAPPER_SLOTS)
MAPPER_MODULE = "models.utils"
MAPPER_CLASS = "ModelCoreMapper"

# Collator outputs on a batch whose features carry ``img_path``.
COLLATOR_OUTPUTS = {
    "dpo_collator": CollatorOutput(("img_input_dict",), "pixel_values", (), declares_processor=False),
    "sft_collator": CollatorOutput(
        ("input_ids", "labels", "attention_mask", "pixel_values"), None, ("img_path",), False
    ),
    "reward_collator": CollatorOutput(("pixel_values",), None, ("img_path",), declares_processor=True),
    "ppo_collator": CollatorOutput(("input_ids", "pixel_values"), None, ("img_path",), declares_processor=True),
}

# Registry: ``<package>.utils.auto_load`` holds these; the dispatch reads ``config.architectures[0]``.
REGISTRY_MODULE = "utils.auto_load"
NICKNAME_MAP = "MODEL_NICKNAME_MAP"  # dict: architecture name -> plugin folder name
FLASH_ATTN_LIST = "FLASH_ATTN_MODELS"  # list of architecture names

PROCESS_BATCH_CONV_KEYS = ("prompt", "answer", "full", "raw_str")
PROCESS_BATCH_CONV_FULL_KEYS = ("input_ids", "attention_mask", "labels")
