"""The old names of a parent module that is one model part of its package, and the model types a clone keeps.

Clones of sub-model types (``data2vec-audio`` in data2vec/, ``openai-gpt`` in openai/, ``rt_detr`` whose backbone
lives in ``configuration_rt_detr_resnet``) inherit from such modules; these pin the rules on small inputs.
"""

from __future__ import annotations

from scaffold.convert.sources import infer_source_names, other_model_types

from dict_resolver import FakeResolver


def _names(module: str, child: str, base: str, new_snake: str, hint: str, table: dict[str, str]):
    return infer_source_names({base: module}, [(child, base)], new_snake, {module: hint}, table)[module]


def test_a_model_part_file_is_named_after_its_part_in_the_auto_table() -> None:
    """Before: modeling_data2vec_audio (in data2vec/, which is no model type) had the old prefix ``Data2vec`` and
    the snake ``data2vec``, so ``Data2VecAudioConfig`` was never renamed and the clone imported a missing name."""
    module = "transformers.models.data2vec.modeling_data2vec_audio"
    table = {"data2vec-audio": "Data2VecAudioConfig", "data2vec-text": "Data2VecTextConfig"}
    names = _names(module, "ZooAudioModel", "Data2VecAudioModel", "zoo_audio", "Data2VecAudio", table)
    assert (names.old_camel, names.old_snake, names.new_camel) == ("Data2VecAudio", "data2vec_audio", "ZooAudio")


def test_a_package_prefix_naming_a_config_of_the_table_is_the_old_prefix() -> None:
    """Before: openai/ (model type ``openai-gpt``) got the old prefix ``Openai``: ``OpenAIGPTConfig`` stayed."""
    module = "transformers.models.openai.modeling_openai"
    table = {"openai-gpt": "OpenAIGPTConfig"}
    names = _names(module, "ZooGptModel", "OpenAIGPTModel", "zoo_gpt", "OpenAIGPT", table)
    assert (names.old_camel, names.old_snake) == ("OpenAIGPT", "openai")


def test_a_directory_in_the_auto_table_still_names_its_model_parts() -> None:
    """The directory's own name wins when the table knows it (rt_detr's modeling_rt_detr_resnet: ``RTDetr``)."""
    module = "transformers.models.rt_detr.modeling_rt_detr_resnet"
    table = {"rt_detr": "RTDetrConfig", "rt_detr_resnet": "RTDetrResNetConfig"}
    names = _names(module, "FooResNetConvLayer", "RTDetrResNetConvLayer", "foo", "RTDetrResNet", table)
    assert (names.old_camel, names.old_snake) == ("RTDetr", "rt_detr")


TABLE = 'CONFIG_MAPPING_NAMES = OrderedDict(\n    [\n        ("foo", "FooConfig"),\n        ("foo_backbone", "FooBackboneConfig"),\n        ("foo_text", "FooTextConfig"),\n    ]\n)\n'
CONFIG_FOO = 'class FooTextConfig:\n    model_type = "foo_text"\n\n\nclass FooConfig:\n    model_type = "foo"\n    sub = "foo_backbone"\n    text = "foo_text"\n'


def test_a_type_whose_config_lives_in_another_file_of_the_package_is_kept() -> None:
    """Before: ``"foo_backbone"`` (config in configuration_foo_backbone of the same package, not cloned) was
    renamed to the clone's ``zoo_foo_backbone``, which nothing registers: KeyError when the config was built."""
    resolver = FakeResolver(
        {"transformers.models.auto.auto_mappings": TABLE, "transformers.models.foo.configuration_foo": CONFIG_FOO}
    )
    module = "transformers.models.foo.configuration_foo"
    assert other_model_types(CONFIG_FOO, "foo", resolver, module) == frozenset({"foo_backbone"})
    modeling = "transformers.models.foo.modeling_foo"
    assert other_model_types('x = "foo_text"\ny = "foo_backbone"\n', "foo", resolver, modeling) == {"foo_backbone"}


def test_a_clone_of_a_package_with_two_class_prefixes_swaps_the_shorter_one() -> None:
    """Before: paddleocr_vl's old prefix PaddleOCRVL left ``PaddleOCRTextConfig`` unrenamed in the clone (whose
    modular names it ``ZooTextConfig``), and ``PaddleOCRVLConfig`` became ``ZooConfig`` where the modular defines
    ``ZooVLConfig``: the generated modeling file imported names the configuration file did not define."""
    config = "transformers.models.paddleocr_vl.configuration_paddleocr_vl"
    processing = "transformers.models.paddleocr_vl.processing_paddleocr_vl"
    parents = {"PaddleOCRVLConfig": config, "PaddleOCRTextConfig": config, "PaddleOCRVLProcessor": processing}
    pairs = [(f"Zoo{base[len('PaddleOCR'):]}", base) for base in parents]
    hints = {config: "PaddleOCR", processing: "PaddleOCRVL"}
    names = infer_source_names(parents, pairs, "zoo", hints, {"paddleocr_vl": "PaddleOCRVLConfig"})
    assert (names[config].old_camel, names[processing].old_camel) == ("PaddleOCR", "PaddleOCR")


def test_two_prefixes_of_an_in_tree_modular_keep_the_model_name() -> None:
    """Children not named ``<new>`` + the base without a shorter prefix keep transformers' rule (the model name)."""
    module = "transformers.models.qwen2_5_vl.modeling_qwen2_5_vl"
    parents = {"Qwen2_5_VisionPatchEmbed": module, "Qwen2_5_VLVisionRotaryEmbedding": module}
    pairs = [
        ("FooVisionPatchEmbed", "Qwen2_5_VisionPatchEmbed"),
        ("FooVisionRotaryEmbedding", "Qwen2_5_VLVisionRotaryEmbedding"),
    ]
    names = infer_source_names(
        parents, pairs, "foo", {module: "Qwen2_5_"}, {"qwen2_5_vl": "Qwen2_5_VLConfig", "foo": "FooConfig"}
    )
    assert names[module].old_camel == "Qwen2_5_VL"


def test_a_clone_of_a_model_part_swaps_the_part_prefix() -> None:
    """Before: a clone of rt_detr_resnet named ``RTDetrResNetConfig`` ``ZooConfig`` in its modular file, while the
    directory's old prefix RTDetr made the copied classes ``ZooResNet...``: the modeling file imported
    ``ZooResNetConfig``, which nothing defined."""
    module = "transformers.models.rt_detr.modeling_rt_detr_resnet"
    parents = {"RTDetrResNetBackbone": module, "RTDetrResNetPreTrainedModel": module}
    pairs = [("ZooBackbone", "RTDetrResNetBackbone"), ("ZooPreTrainedModel", "RTDetrResNetPreTrainedModel")]
    names = infer_source_names(parents, pairs, "zoo", {module: "RTDetrResNet"}, {"rt_detr": "RTDetrConfig"})
    assert names[module].old_camel == "RTDetrResNet"


AUTO_MAPPINGS = """
CONFIG_MAPPING_NAMES = OrderedDict(
    [
        ("gpt2", "GPT2Config"),
        ("kosmos-2.5", "Kosmos2_5Config"),
        ("mlcd_vision_model", "MLCDVisionConfig"),
    ]
)
SPECIAL_MODEL_TYPE_TO_MODULE_NAME = OrderedDict([("kosmos-2.5", "kosmos2_5"), ("mlcd_vision_model", "mlcd")])
"""
CONFIGURATION_AUTO = """
from .auto_mappings import CONFIG_MAPPING_NAMES, SPECIAL_MODEL_TYPE_TO_MODULE_NAME
CONFIG_MAPPING_NAMES.update({"mlcd": "MLCDVisionConfig"})
CONFIG_MAPPING_NAMES = OrderedDict(**{"gpt-sw3": "GPT2Config"}, **CONFIG_MAPPING_NAMES)
"""


def test_the_config_table_is_evaluated_not_matched() -> None:
    """Before: a regex over the table's text missed ``kosmos-2.5`` (a dot in the type) and the ``gpt-sw3`` entry of
    ``OrderedDict(**{...}, **table)``. gpt-sw3 borrows gpt2's config class (gpt_sw3/ has no configuration file
    defining it) and is left out; mlcd shares mlcd_vision_model's class within one package and stays."""
    from scaffold.convert.sources import read_config_names

    resolver = FakeResolver(
        {
            "transformers.models.auto.auto_mappings": AUTO_MAPPINGS,
            "transformers.models.auto.configuration_auto": CONFIGURATION_AUTO,
            "transformers.models.gpt2.configuration_gpt2": "class GPT2Config(PreTrainedConfig):\n    pass\n",
            "transformers.models.mlcd.configuration_mlcd": "class MLCDVisionConfig(PreTrainedConfig):\n    pass\n",
        }
    )
    assert dict(read_config_names(resolver)) == {
        "gpt2": "GPT2Config",
        "kosmos-2.5": "Kosmos2_5Config",
        "mlcd_vision_model": "MLCDVisionConfig",
        "mlcd": "MLCDVisionConfig",
    }


def test_the_installed_config_table_has_every_type_but_the_borrowing_one() -> None:
    from scaffold.autotables import read_config_table
    from scaffold.convert.sources import read_config_names
    from scaffold.source import installed_transformers

    installed = installed_transformers()
    names = read_config_names(installed)
    assert names["kosmos-2.5"] == "Kosmos2_5Config" and names["gpt2"] == "GPT2Config"
    assert set(read_config_table(installed).config_names) - set(names) == {"gpt-sw3"}
