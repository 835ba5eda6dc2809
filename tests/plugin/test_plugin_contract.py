"""The generated llava plugin checked against scaffold.plugin.contract, without the frameworks.

Stand-in ``vlrlhf`` base modules are written from the contract into tmp, the generated plugin is imported on
top of them, and its members, signatures, processor, collators and model run on tiny random objects.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest
import torch
from plugin_fixtures import LLAVA, NAMES
from plugin_stubs import write_framework_stubs

from scaffold.plugin import Framework, contract, plan_plugin

WORDS = ["<unk>", "<s>", "</s>", "<pad>", "<image>", "USER:", "ASSISTANT:", "what", "is", "this", "a", "cat", "dog"]
ID = {word: index for index, word in enumerate(WORDS)}
IMAGE_ID = ID["<image>"]
_KIND_TYPES = {
    contract.MemberKind.PROPERTY: property,
    contract.MemberKind.STATIC: staticmethod,
    contract.MemberKind.CLASS: classmethod,
}


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    root = tmp_path_factory.mktemp("plugin")
    write_framework_stubs(root / "stubs", "vlrlhf")
    for generated in plan_plugin(Framework.VL_RLHF, LLAVA, NAMES):
        path = root / "out" / generated.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generated.content)
    sys.path[:0] = [str(root / "stubs"), str(root / "out")]
    try:
        yield importlib.import_module("vlrlhf.models.MyVlm")
    finally:
        del sys.path[:2]
        for name in [n for n in sys.modules if n == "vlrlhf" or n.startswith("vlrlhf.")]:
            del sys.modules[name]


def _base(plugin: ModuleType, base: contract.BaseClass) -> type:
    return getattr(importlib.import_module(f"vlrlhf.{base.module}"), base.name)


@pytest.fixture(scope="module")
def processor_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import CLIPImageProcessor, LlavaProcessor, PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel(ID, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        additional_special_tokens=["<image>"],
    )
    image_processor = CLIPImageProcessor(size={"shortest_edge": 8}, crop_size={"height": 8, "width": 8})
    extra = {"patch_size": 4} if "patch_size" in inspect.signature(LlavaProcessor.__init__).parameters else {}
    processor = LlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, **extra)  # 4.41 lacks patch_size
    path = tmp_path_factory.mktemp("processor")
    processor.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("images")
    paths = []
    for index, color in enumerate([(255, 0, 0), (0, 0, 255)]):
        path = folder / f"{index}.png"
        Image.new("RGB", (10 + index, 12), color).save(path)
        paths.append(str(path))
    return paths


@pytest.fixture(scope="module")
def processor(plugin: ModuleType, processor_dir: Path):
    return plugin.MyVlmProcessor(str(processor_dir))


@pytest.fixture(scope="module")
def tiny_config():
    from transformers import LlavaConfig

    vision = dict(
        model_type="clip_vision_model",
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        image_size=8,
        patch_size=4,
    )
    text = dict(
        model_type="llama",
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        vocab_size=len(WORDS),
    )
    return LlavaConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=IMAGE_ID,
        vision_feature_layer=-1,
        pad_token_id=ID["<pad>"],
    )


@pytest.fixture(scope="module")
def model(plugin: ModuleType, tiny_config):
    torch.manual_seed(0)
    return plugin.MyVlmForRL(tiny_config).eval()


# --- contract: classes, members, signatures ---------------------------------------------------------------


def test_core_mapper_fills_all_12_fields_with_subclasses_of_the_bases(plugin: ModuleType) -> None:
    import transformers

    mapper = plugin.core_mapper
    assert tuple(f.name for f in dataclasses.fields(mapper)) == contract.MAPPER_FIELDS
    for slot in contract.MAPPER_SLOTS:
        cls = getattr(mapper, slot.field)
        assert cls.__name__ == f"MyVlm{slot.suffix}"
        parent = transformers.LlavaForConditionalGeneration if slot.base is None else _base(plugin, slot.base)
        assert issubclass(cls, parent), slot.field
        assert not getattr(cls, "__abstractmethods__", frozenset()), slot.field


def _params(function) -> list[tuple[str, str | None, str]]:
    stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [
        (p.name, None if p.default is inspect.Parameter.empty else repr(p.default), stars.get(p.kind, ""))
        for p in inspect.signature(function).parameters.values()
    ]


def _check_member(cls: type, member: contract.Member) -> None:
    static = inspect.getattr_static(cls, member.name)
    expected_type = _KIND_TYPES.get(member.kind)
    if expected_type is not None:
        assert isinstance(static, expected_type), f"{cls.__name__}.{member.name} is not a {member.kind.value}"
    if member.kind is contract.MemberKind.PROPERTY:
        return
    function = static.__func__ if isinstance(static, (staticmethod, classmethod)) else static
    expected = [(p.name, p.default, p.star) for p in member.params]
    assert _params(function) == expected, f"{cls.__name__}.{member.name}"


@pytest.mark.parametrize("member", contract.PROCESSOR.abstract, ids=lambda m: m.name)
def test_processor_member_matches_contract(plugin: ModuleType, member: contract.Member) -> None:
    _check_member(plugin.MyVlmProcessor, member)


@pytest.mark.parametrize("member", contract.MODEL_MEMBERS, ids=lambda m: m.name)
def test_model_member_matches_contract(plugin: ModuleType, member: contract.Member) -> None:
    _check_member(plugin.MyVlmForRL, member)


def test_reward_model_from_pretrained_matches_contract(plugin: ModuleType) -> None:
    for member in contract.REWARD_MODEL.abstract:
        _check_member(plugin.MyVlmRewardModel, member)


def test_value_model_names_the_plugin_model(plugin: ModuleType) -> None:
    assert getattr(plugin.MyVlmWithValueHead, contract.VALUE_MODEL_ATTRIBUTE) is plugin.MyVlmForRL


def test_rm_and_ppo_collators_declare_the_processor_field_their_bases_lack(plugin: ModuleType) -> None:
    for field, output in contract.COLLATOR_OUTPUTS.items():
        cls = getattr(plugin.core_mapper, field)
        assert "processor" in {f.name for f in dataclasses.fields(cls)}, field
        base_fields = {f.name for f in dataclasses.fields(cls.__mro__[1])}
        assert ("processor" not in base_fields) == output.declares_processor, field


def test_register_takes_over_the_source_architecture_with_a_warning(
    plugin: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    auto_load = importlib.import_module("vlrlhf.utils.auto_load")
    monkeypatch.setattr(auto_load, "MODEL_NICKNAME_MAP", dict(auto_load.MODEL_NICKNAME_MAP))
    assert auto_load.MODEL_NICKNAME_MAP["LlavaForConditionalGeneration"] == "Llava"  # the stub's own entry
    with pytest.warns(UserWarning, match="mapped to the Llava plugin; it now maps to MyVlm"):
        plugin.register()
    with warnings.catch_warnings():  # idempotent: the second call finds its own entries and stays silent
        warnings.simplefilter("error")
        plugin.register()
    assert auto_load.MODEL_NICKNAME_MAP["LlavaForConditionalGeneration"] == "MyVlm"
    assert auto_load.MODEL_NICKNAME_MAP["MyVlmForRL"] == "MyVlm"
    assert auto_load.FLASH_ATTN_MODELS.count("MyVlmForRL") == 1


def test_register_can_keep_the_framework_entry(plugin: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    auto_load = importlib.import_module("vlrlhf.utils.auto_load")
    monkeypatch.setattr(auto_load, "MODEL_NICKNAME_MAP", dict(auto_load.MODEL_NICKNAME_MAP))
    with pytest.warns(UserWarning, match="LlavaForConditionalGeneration stays with the Llava plugin"):
        plugin.register(take_over=False)
    assert auto_load.MODEL_NICKNAME_MAP["LlavaForConditionalGeneration"] == "Llava"
    assert auto_load.MODEL_NICKNAME_MAP["MyVlmForRL"] == "MyVlm"


def test_register_without_a_collision_is_silent(plugin: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    auto_load = importlib.import_module("vlrlhf.utils.auto_load")
    monkeypatch.setattr(auto_load, "MODEL_NICKNAME_MAP", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plugin.register()
    assert auto_load.MODEL_NICKNAME_MAP == {"LlavaForConditionalGeneration": "MyVlm", "MyVlmForRL": "MyVlm"}


# --- processor ------------------------------------------------------------------------------------------


def test_chat_template_has_the_seven_fields_and_the_real_eos(plugin: ModuleType, processor) -> None:
    template = processor.chat_template
    assert isinstance(template, _base(plugin, contract.CHAT_TEMPLATE))
    assert [f.name for f in dataclasses.fields(template)] == list(contract.CHAT_TEMPLATE_FIELDS)
    assert (template.user_begin, template.assistant_begin, template.assistant_end) == ("USER: ", "ASSISTANT: ", "</s>")
    assert template.image_placeholder == "<image>\n"


def test_process_batch_conv_labels_only_the_answer(processor) -> None:
    conv = [{"from": "user", "value": "<image>\nwhat is this"}, {"from": "assistant", "value": "a cat"}]
    out = processor.process_batch_conv([conv])
    assert tuple(out) == contract.PROCESS_BATCH_CONV_KEYS
    assert tuple(out["full"]) == contract.PROCESS_BATCH_CONV_FULL_KEYS
    ids = [ID[w] for w in ["<s>", "USER:", "<image>", "what", "is", "this", "ASSISTANT:", "a", "cat", "</s>"]]
    assert out["full"]["input_ids"] == [ids]
    assert out["full"]["attention_mask"] == [[1] * 10]
    assert out["full"]["labels"] == [[-100] * 7 + [ID["a"], ID["cat"], ID["</s>"]]]
    assert out["raw_str"] == ["USER: <image>\nwhat is this ASSISTANT: a cat</s>"]
    assert out["answer"] == ["a cat</s>"]


def test_offsets_and_piece_by_piece_tokenization_agree_on_word_tokens(processor) -> None:
    conv = [
        {"from": "user", "value": "what is this"},
        {"from": "assistant", "value": "a cat"},
        {"from": "user", "value": "what"},
        {"from": "assistant", "value": "a dog"},
    ]
    pieces = processor._segments(conv, "this", False)
    ids, labels = processor._ids_and_labels(pieces)
    assert (ids, labels) == processor._ids_and_labels_by_piece(pieces)
    assert [t for t in labels if t != -100] == [ID[w] for w in ["a", "cat", "</s>", "a", "dog", "</s>"]]


def test_process_batch_conv_rejects_a_single_conversation(processor) -> None:
    with pytest.raises(ValueError, match="batch of conversations"):
        processor.process_batch_conv([{"from": "user", "value": "what"}])


def test_prompt_placeholder_helpers(plugin: ModuleType) -> None:
    cls = plugin.MyVlmProcessor
    assert cls.format_multimodal_prompt("what is this", ["a.png"]) == "<image>\nwhat is this"
    assert cls.format_multimodal_prompt("what is this", None) == "what is this"
    assert cls.remove_image_placeholder("<image>\nwhat") == "what"
    assert cls.is_multimodal_prompt_valid("<image>\nwhat") and not cls.is_multimodal_prompt_valid("what")
    with pytest.raises(ValueError):
        cls.format_multimodal_prompt("<image> a <image>", ["a.png"])


def test_train_uses_unk_as_pad_and_infer_pads_left(processor) -> None:
    processor.train()
    assert (processor.tokenizer.pad_token, processor.tokenizer.padding_side) == ("<unk>", "right")
    processor.infer()
    assert processor.tokenizer.padding_side == "left"
    processor.tokenizer.pad_token = "<pad>"


def test_call_adds_image_tensors(processor, images: list[str]) -> None:
    batch = processor(texts=["what is this", "what"], images_path=[[images[0]], [images[1]]])
    assert batch["input_ids"].shape == (2, 7)
    assert batch["input_ids"][1, 0].item() == ID["<pad>"]  # left padding
    assert batch["pixel_values"].shape == (2, 3, 8, 8)


# --- collators on a fake batch ------------------------------------------------------------------------------


def _features(field: str, images: list[str]) -> list[dict]:
    rows = {
        "dpo_collator": lambda n: {
            "prompt_input_ids": [1, 5] * n,
            "prompt_attention_mask": [1, 1] * n,
            "chosen_input_ids": [10, 11],
            "chosen_attention_mask": [1, 1],
            "chosen_labels": [10, 11],
            "rejected_input_ids": [10, 12] * n,
            "rejected_attention_mask": [1, 1] * n,
            "rejected_labels": [10, 12] * n,
        },
        "sft_collator": lambda n: {"input_ids": [1, 5] * n, "labels": [-100, 5] * n, "attention_mask": [1, 1] * n},
        "reward_collator": lambda n: {
            "input_ids_chosen": [1, 5] * n,
            "attention_mask_chosen": [1, 1] * n,
            "input_ids_rejected": [1, 6],
            "attention_mask_rejected": [1, 1],
        },
        "ppo_collator": lambda n: {"input_ids": [1, 5] * n, "attention_mask": [1, 1] * n},
    }[field]
    return [{**rows(n), "img_path": path} for n, path in zip((1, 2), images)]


def _collator(plugin: ModuleType, field: str, processor):
    cls = getattr(plugin.core_mapper, field)
    kwargs = {"processor": processor}
    if field in ("sft_collator", "reward_collator"):
        kwargs["pad_token_id"] = ID["<pad>"]
    if field == "sft_collator":
        kwargs["label_pad_token_id"] = -100
    return cls(**kwargs)


@pytest.mark.parametrize("field", sorted(contract.COLLATOR_OUTPUTS))
def test_collator_output_keys(plugin: ModuleType, processor, images: list[str], field: str) -> None:
    expected = contract.COLLATOR_OUTPUTS[field]
    batch = _collator(plugin, field, processor)(_features(field, images))
    assert set(expected.required) <= set(batch)
    assert not set(expected.forbidden) & set(batch)
    images_dict = batch["img_input_dict"] if expected.nested_image_key else batch
    assert images_dict[expected.nested_image_key or "pixel_values"].shape == (2, 3, 8, 8)


def test_sft_collator_pads_tokens_and_labels(plugin: ModuleType, processor, images: list[str]) -> None:
    batch = _collator(plugin, "sft_collator", processor)(_features("sft_collator", images))
    assert batch["input_ids"].tolist() == [[1, 5, ID["<pad>"], ID["<pad>"]], [1, 5, 1, 5]]
    assert batch["labels"].tolist() == [[-100, 5, -100, -100], [-100, 5, -100, 5]]


# --- model --------------------------------------------------------------------------------------------------


def test_default_lora_target_is_the_language_model_linears(model) -> None:
    targets = model.default_lora_target
    assert targets and all(isinstance(model.get_submodule(t), torch.nn.Linear) for t in targets)
    assert not [t for t in targets if "vision_tower" in t or "multi_modal_projector" in t or "lm_head" in t]
    leaves = {t.rsplit(".", 1)[-1] for t in targets}
    assert leaves == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}


def test_vision_tower_is_found_and_frozen(plugin: ModuleType, tiny_config) -> None:
    from transformers import CLIPVisionModel

    model = plugin.MyVlmForRL(tiny_config)
    tower = model.get_vision_tower()
    assert isinstance(tower, CLIPVisionModel)
    model.freeze_vision_tower()
    frozen = {id(p) for p in tower.parameters()}
    assert all(not p.requires_grad for p in tower.parameters())
    assert all(p.requires_grad for p in model.parameters() if id(p) not in frozen)


def test_prepare_default_generation_kwargs(model) -> None:
    from transformers import GenerationConfig

    config = GenerationConfig(do_sample=True)
    kwargs = model.prepare_default_generation_kwargs(config)
    assert set(kwargs) == {"generation_config"} and kwargs["generation_config"].do_sample is False


def _forward_case() -> tuple[list[int], list[int]]:
    """(input_ids, expected labels): 5.x wants one <image> token per image feature (2x2 patches here); 4.41 takes
    one token per image and expands it to 4 positions inside the model, so the labels must grow by 3."""
    import transformers

    answer = [ID["a"], ID["cat"]]
    if int(transformers.__version__.split(".")[0]) >= 5:
        ids = [ID["<s>"], ID["USER:"], *[IMAGE_ID] * 4, ID["what"], ID["ASSISTANT:"], *answer]
        return ids, [-100] * 8 + answer
    ids = [ID["<s>"], ID["USER:"], IMAGE_ID, ID["what"], ID["ASSISTANT:"], *answer]
    return ids, [-100] * 8 + answer


def test_forward_returns_labels_aligned_with_logits(model, processor, images: list[str]) -> None:
    from PIL import Image

    ids, expected = _forward_case()
    labels = [-100] * (len(ids) - 2) + ids[-2:]
    pixel_values = processor.image_processor(images=[Image.open(images[0])], return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        out = model(
            input_ids=torch.tensor([ids]),
            pixel_values=pixel_values,
            attention_mask=torch.ones(1, len(ids), dtype=torch.long),
            labels=torch.tensor([labels]),
        )
    assert out.logits.shape[:2] == out["labels"].shape == (1, len(expected))
    assert out.labels.tolist() == [expected] and out.loss is not None


def test_expand_labels_follows_the_4_41_merge(plugin: ModuleType) -> None:
    pad = ID["<pad>"]
    input_ids = torch.tensor([[1, IMAGE_ID, 7, 8], [1, 7, 8, pad]])
    labels = torch.tensor([[-100, -100, 7, 8], [-100, 7, 8, -100]])
    expanded = plugin._expand_labels(labels, input_ids, pad, 6, IMAGE_ID)  # each image token -> 3 positions
    assert expanded.tolist() == [[-100, -100, -100, -100, 7, 8], [-100, 7, 8, -100, -100, -100]]
    left = torch.tensor([[pad, 1, IMAGE_ID, 7], [1, 7, 8, 9]])
    expanded = plugin._expand_labels(torch.tensor([[-100, -100, -100, 7], [-100, 7, 8, 9]]), left, pad, 6, IMAGE_ID)
    assert expanded.tolist() == [[-100, -100, -100, -100, -100, 7], [-100, -100, -100, 7, 8, 9]]


def test_reward_model_from_pretrained_lifts_hidden_size(plugin: ModuleType, model, tmp_path: Path) -> None:
    model.save_pretrained(tmp_path)
    reward = plugin.MyVlmRewardModel.from_pretrained(str(tmp_path))
    assert isinstance(reward.base_model, plugin.MyVlmForRL)
    assert reward.config.hidden_size == 16 and reward.rm_head.in_features == 16


def test_value_head_exposes_a_nested_lm_head_without_registering_it(plugin: ModuleType, tiny_config) -> None:
    class NestedHead(torch.nn.Module):  # transformers 4.41 Llava: the head lives in language_model
        def __init__(self) -> None:
            super().__init__()
            self.config = tiny_config.__class__.from_dict(tiny_config.to_dict())
            self.language_model = torch.nn.Module()
            self.language_model.lm_head = torch.nn.Linear(16, len(WORDS))

        def get_output_embeddings(self) -> torch.nn.Module:
            return self.language_model.lm_head

    inner = NestedHead()
    value_model = plugin.MyVlmWithValueHead(inner)
    assert inner.lm_head is inner.language_model.lm_head
    assert value_model.v_head.in_features == 16
    assert sorted(inner.state_dict()) == ["language_model.lm_head.bias", "language_model.lm_head.weight"]
