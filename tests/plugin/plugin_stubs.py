"""Stand-in framework modules for plugin tests, written from scaffold.plugin.contract (not from upstream).

``write_framework_stubs(root, package)`` creates ``<package>.base.*``, ``<package>.models.utils`` and
``<package>.utils.auto_load`` under ``root`` with the abstract members, fields and padding behaviour the contract
describes, and leaves ``<package>`` and ``<package>.models`` as namespace packages, as upstream does.
"""

from __future__ import annotations

from pathlib import Path

from scaffold.plugin import contract

_HEADER = "from abc import ABC, abstractmethod\nfrom dataclasses import dataclass\nfrom typing import Any, Optional\n"


def write_framework_stubs(root: Path, package: str) -> None:
    files = {
        "base/__init__.py": "",
        "base/processor.py": _processor_module(),
        "base/model.py": _MODEL,
        "base/collator.py": _COLLATOR,
        "base/trainer.py": _trainer_module(),
        "models/utils.py": _mapper_module(),
        "utils/__init__.py": "",
        "utils/auto_load.py": _AUTO_LOAD,
    }
    for relative, text in files.items():
        path = root / package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _param_text(param: contract.Param) -> str:
    text = f"{param.star}{param.name}"
    return text if param.default is None else f"{text}={param.default}"


def _abstract_member(member: contract.Member, body: str = "raise NotImplementedError") -> str:
    decorators = {
        contract.MemberKind.PROPERTY: "    @property\n",
        contract.MemberKind.STATIC: "    @staticmethod\n",
        contract.MemberKind.CLASS: "    @classmethod\n",
        contract.MemberKind.METHOD: "",
    }[member.kind]
    params = ", ".join(_param_text(p) for p in member.params) or "self"
    return f"{decorators}    @abstractmethod\n    def {member.name}({params}):\n        {body}\n"


_CALL_BODY = """if texts is not None and images_path is not None and check_format:
            texts = [t if self.is_multimodal_prompt_valid(t) else self.format_multimodal_prompt(t, i) for t, i in zip(texts, images_path)]
        tokenized = self.process_batch_conv(convs if texts is None else [[{"from": "user", "value": t}, {"from": "assistant", "value": ""}] for t in texts])["full"]
        width = max(len(ids) for ids in tokenized["input_ids"])
        def pad(rows, value):
            padded = [[value] * (width - len(r)) + r if padding_side == "left" else r + [value] * (width - len(r)) for r in rows]
            return torch.tensor(padded)
        return {"input_ids": pad(tokenized["input_ids"], self.tokenizer.pad_token_id), "attention_mask": pad(tokenized["attention_mask"], 0), "labels": pad(tokenized["labels"], -100)}"""


def _processor_module() -> str:
    fields = "".join(f"    {name}: str\n" for name in contract.CHAT_TEMPLATE_FIELDS)
    members = "\n".join(
        _abstract_member(m, _CALL_BODY if m.name == "__call__" else "raise NotImplementedError")
        for m in contract.PROCESSOR.abstract
    )
    return (
        f"{_HEADER}import torch\n\n\n@dataclass\nclass {contract.CHAT_TEMPLATE.name}:\n{fields}\n\n"
        f"class {contract.PROCESSOR.name}(ABC):\n{members}"
    )


def _trainer_module() -> str:
    trainers = (contract.DPO_TRAINER, contract.SFT_TRAINER, contract.RM_TRAINER, contract.PPO_TRAINER)
    return "".join(f"class {base.name}:\n    pass\n\n\n" for base in trainers)


def _mapper_module() -> str:
    fields = "".join(f"    {field}: Any\n" for field in contract.MAPPER_FIELDS)
    return f"{_HEADER}\n\n@dataclass\nclass {contract.MAPPER_CLASS}:\n{fields}"


_MODEL = _HEADER + """import torch
from torch import nn


class VLRewardModel(nn.Module, ABC):
    def __init__(self, base_model, rm_head=None):
        super().__init__()
        self.base_model = base_model
        self.config = base_model.config
        self.rm_head = rm_head if rm_head is not None else nn.Linear(self.config.hidden_size, 1)

    @classmethod
    @abstractmethod
    def from_pretrained(cls, pretrained_model_name_or_path, *args, **kwargs):
        raise NotImplementedError

    def _get_reward_head_from_pretrained(self, pretrained_model_name_or_path, hidden_size):
        return None


class VLModelWithValueHead(nn.Module, ABC):
    transformers_parent_class = None

    def __init__(self, pretrained_model, **kwargs):
        super().__init__()
        if not hasattr(pretrained_model, "lm_head"):
            raise ValueError("The model does not have a language model head")
        self.pretrained_model = pretrained_model
        self.v_head = nn.Linear(pretrained_model.config.hidden_size, 1)
"""

_COLLATOR = _HEADER + """import torch
from torch.nn.utils.rnn import pad_sequence


def _pad(rows, value, left=False):
    tensors = [torch.LongTensor(row[::-1] if left else row) for row in rows]
    padded = pad_sequence(tensors, batch_first=True, padding_value=value)
    return padded.flip(dims=[1]) if left else padded


@dataclass
class VLDPODataCollatorWithPadding(ABC):
    pad_token_id: int = 0
    label_pad_token_id: int = -100
    is_encoder_decoder: Optional[bool] = False
    processor: Optional[Any] = None

    def __call__(self, features):
        batch = {}
        for key in features[0]:
            rows = [feature[key] for feature in features]
            if key.endswith("_input_ids"):
                batch[key] = _pad(rows, self.pad_token_id, left="prompt" in key)
            elif key.endswith("_labels"):
                batch[key] = _pad(rows, self.label_pad_token_id, left="prompt" in key)
            elif key.endswith("_attention_mask"):
                batch[key] = _pad(rows, 0, left="prompt" in key)
            else:
                batch[key] = rows
        return batch


@dataclass
class VLSFTDataCollatorWithPadding(ABC):
    pad_token_id: int
    label_pad_token_id: int
    processor: Optional[Any] = None

    def __call__(self, features):
        values = {"input_ids": self.pad_token_id, "labels": self.label_pad_token_id, "attention_mask": 0}
        batch = {}
        for key in features[0]:
            rows = [feature[key] for feature in features]
            if key == "img_path":
                batch[key] = rows
            elif key in values:
                batch[key] = _pad(rows, values[key])
            else:
                raise ValueError(f"Unexpected key in batch '{key}'")
        return batch


@dataclass
class VLRMDataCollatorWithPadding(ABC):
    pad_token_id: int

    def __call__(self, features):
        batch = {}
        for key in features[0]:
            rows = [feature[key] for feature in features]
            if key.startswith("input_ids"):
                batch[key] = _pad(rows, self.pad_token_id)
            elif key.startswith("attention_mask"):
                batch[key] = _pad(rows, 0)
            else:
                raise ValueError(f"Unexpected key in batch '{key}'")
        return batch


@dataclass
class VLPPODataCollator(ABC):
    def __call__(self, features):
        batch = {}
        for key in features[0]:
            rows = [feature[key] for feature in features]
            batch[key] = [torch.LongTensor(r) for r in rows] if key in ("input_ids", "attention_mask") else rows
        return batch
"""

_AUTO_LOAD = """MODEL_NICKNAME_MAP = {"LlavaForConditionalGeneration": "Llava"}
FLASH_ATTN_MODELS = ["LlavaForConditionalGeneration"]
"""
