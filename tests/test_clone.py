"""Plain-data tests of the clone decisions (names, model types, registrations, test family)."""

import pytest

from scaffold.clone import new_class_name, new_model_type, plan_clone
from scaffold.discovery import Catalogue, discover
from scaffold.names import ModelNames


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


def _clone(catalogue, like, name):
    return plan_clone(discover(like, catalogue), ModelNames.from_name(name))


def test_new_class_name():
    assert new_class_name("LlamaForCausalLM", "Llama", "MyLlama") == "MyLlamaForCausalLM"
    assert new_class_name("RotaryThing", "Llama", "MyLlama") == "MyLlamaRotaryThing"


def test_new_model_type():
    old = ModelNames.for_source("blip-2", "blip_2", "Blip2")
    new = ModelNames.from_name("my-blip")
    assert new_model_type("blip-2", old, new) == "my-blip"
    assert new_model_type("blip_2_qformer", old, new) == "my_blip_qformer"


def test_a_sibling_type_never_becomes_another_spelling_of_the_new_name():
    """Before: cloning the sub-config clipseg_vision_model as my-seg named the package's main type my_seg."""
    old = ModelNames.for_source("clipseg_vision_model", "clipseg", "CLIPSeg")
    new = ModelNames.from_name("my-seg")
    assert new_model_type("clipseg_vision_model", old, new) == "my-seg"
    assert new_model_type("clipseg", old, new) == "my_seg_clipseg"
    assert new_model_type("clipseg_text_model", old, new) == "my_seg_text_model"


def test_a_sibling_type_put_behind_the_new_name_is_snake_case():
    """Before: cloning kosmos_2_5_vision_model as my-seg gave its sibling the type ``my_seg_kosmos-2.5``."""
    old = ModelNames.for_source("kosmos_2_5_vision_model", "kosmos2_5", "Kosmos2_5")
    new = ModelNames.from_name("my-seg")
    assert new_model_type("kosmos-2.5", old, new) == "my_seg_kosmos_2_5"


@pytest.mark.parametrize(
    ("like", "name"),
    [("clipseg_vision_model", "my-seg"), ("sam3_lite_text_mask_decoder", "my-seg"), ("mimi_encoder", "my_enc")],
)
def test_sub_config_clones_declare_one_type_per_module_spelling(catalogue, like, name):
    clone = _clone(catalogue, like, name)
    types = [t for t, _ in clone.config_types]
    assert name in types
    assert len({t.replace("-", "_") for t in types}) == len(types), types


def test_llama_registrations_cover_every_head(catalogue):
    clone = _clone(catalogue, "llama", "my-llama")
    registered = {(r.auto_class, r.classes[0][1]) for r in clone.registrations}
    assert registered == {
        ("AutoModel", "MyLlamaModel"),
        ("AutoModelForCausalLM", "MyLlamaForCausalLM"),
        ("AutoModelForSequenceClassification", "MyLlamaForSequenceClassification"),
        ("AutoModelForQuestionAnswering", "MyLlamaForQuestionAnswering"),
        ("AutoModelForTokenClassification", "MyLlamaForTokenClassification"),
    }
    assert clone.config_types == (("my-llama", "MyLlamaConfig"),)
    assert clone.test.family == "CausalLMTester"


def test_ved_gets_automodel_and_its_family(catalogue):
    clone = _clone(catalogue, "vision-encoder-decoder", "my-captioner")
    autos = {r.auto_class for r in clone.registrations}
    assert {"AutoModel", "AutoModelForImageTextToText"} <= autos
    assert clone.test.family == "VisionEncoderDecoderTester"


def test_borrowed_preprocessors_are_registered_by_transformers_name(catalogue):
    clone = _clone(catalogue, "blip-2", "my-blip")
    by_auto = {r.auto_class: r for r in clone.registrations if r.config_class == "MyBlipConfig"}
    assert by_auto["AutoTokenizer"].classes == (("", "GPT2Tokenizer"),)
    assert dict(by_auto["AutoImageProcessor"].classes) == {
        "pil": "BlipImageProcessorPil",
        "torchvision": "BlipImageProcessor",
    }
    assert by_auto["AutoProcessor"].classes == (("", "MyBlipProcessor"),)
    qformer = [r for r in clone.registrations if r.config_class == "MyBlipQFormerConfig"]
    assert [(r.auto_class, r.classes[0][1]) for r in qformer] == [("AutoModel", "MyBlipQFormerModel")]


def test_model_auto_classes_take_one_class(catalogue):
    clone = _clone(catalogue, "funnel", "my-funnel")
    automodel = next(r for r in clone.registrations if r.auto_class == "AutoModel")
    assert automodel.classes == (("", "MyFunnelModel"),)


@pytest.mark.parametrize(
    "like, family",
    [
        ("bert", "EncoderTester"),
        ("t5", "Seq2SeqLMTester"),
        ("vit", "VisionEncoderTester"),
        ("llava", "ImageTextToTextTester"),
        ("wav2vec2", "GenericTester"),
    ],
)
def test_families(catalogue, like, family):
    assert _clone(catalogue, like, "my-x").test.family == family


def test_borrowed_model_classes_are_not_registered(catalogue):
    clone = _clone(catalogue, "qwen2", "my-qwen")
    registered = {name for r in clone.registrations for _, name in r.classes}
    assert not any(name.startswith("Jev") for name in registered)
    assert "MyQwenForCausalLM" in registered


def test_ved_test_spec_includes_the_profile_automodel(catalogue):
    heads = _clone(catalogue, "vision-encoder-decoder", "my-captioner").test.heads
    assert heads[0] == ("AutoModel", "MyCaptionerModel", "VisionEncoderDecoderModel")


def test_heads_declaring_another_config_are_not_registered_for_it(catalogue):
    """transformers maps Llama4ForCausalLM (config: Llama4TextConfig) for llama4 too; register() would refuse it."""
    clone = _clone(catalogue, "llama4", "my-l4")
    pairs = {(r.auto_class, r.config_class, r.classes[0][1]) for r in clone.registrations}
    assert ("AutoModelForCausalLM", "MyL4Config", "MyL4ForCausalLM") not in pairs
    assert ("AutoModelForTextEncoding", "MyL4Config", "MyL4TextModel") not in pairs
    assert ("AutoModelForCausalLM", "MyL4TextConfig", "MyL4ForCausalLM") in pairs
    assert ("AutoModel", "MyL4Config", "MyL4ForConditionalGeneration") in pairs
    assert all(source != "Llama4ForCausalLM" for _, _, source in clone.test.heads)


def test_sub_config_clone_keeps_its_own_heads(catalogue):
    clone = _clone(catalogue, "qwen3_5_moe_text", "my-q")
    pairs = {(r.auto_class, r.config_class, r.classes[0][1]) for r in clone.registrations}
    assert ("AutoModelForCausalLM", "MyQConfig", "MyQForCausalLM") not in pairs
    assert ("AutoModelForCausalLM", "MyQTextConfig", "MyQForCausalLM") in pairs
    assert [h[0] for h in clone.test.heads] == ["AutoModel", "AutoModelForCausalLM"]


def test_declared_config_is_inherited_through_in_file_bases(catalogue):
    source = discover("llama4", catalogue)
    assert source.config_of("Llama4ForCausalLM") == "Llama4TextConfig"
    assert source.config_of("Llama4PreTrainedModel") == "Llama4Config"
    assert source.config_of("Llama4ForConditionalGeneration") == "Llama4Config"


def test_an_alias_clone_names_its_own_tokenizer_with_the_new_prefix(catalogue):
    """gpt-sw3's tokenizer is GPTSw3Tokenizer, not GPT2...: it becomes MySwTokenizer, not MySwGPTSw3Tokenizer."""
    clone = _clone(catalogue, "gpt-sw3", "my-sw")
    assert clone.config_types == (("my-sw", "MySwConfig"),)
    assert {c.source: c.new for c in clone.classes}["GPTSw3Tokenizer"] == "MySwTokenizer"
    by_auto = {r.auto_class: r.classes for r in clone.registrations}
    assert by_auto["AutoTokenizer"] == (("", "MySwTokenizer"),)
    assert by_auto["AutoModelForCausalLM"] == (("", "MySwLMHeadModel"),)


def test_ernie_vl_moe_clone_names_its_config_and_model_after_the_new_prefix(catalogue):
    clone = _clone(catalogue, "ernie4_5_vl_moe", "my-ernie")
    renamed = {c.source: c.new for c in clone.classes}
    assert renamed["Ernie4_5_VLMoeConfig"] == "MyErnieConfig"
    assert renamed["Ernie4_5_VLMoeForConditionalGeneration"] == "MyErnieForConditionalGeneration"
    assert ("my-ernie", "MyErnieConfig") in clone.config_types


def test_names_of_transformers_api_keep_their_spelling_in_a_clone_named_like_them(tmp_path):
    """Before: cloning encoder-decoder renamed the config flag ``is_encoder_decoder`` to ``is_zoo_ed``, which
    transformers never reads: the clone built no decoder inputs. The model's own names still follow."""
    from scaffold.convert.sources import library_api_names
    from scaffold.project import NewModelRequest, plan_new_model
    from scaffold.source import installed_transformers

    assert "is_encoder_decoder" in library_api_names("encoder_decoder", installed_transformers())
    assert library_api_names("llama", installed_transformers()) == frozenset()
    plan = plan_new_model(NewModelRequest(like="encoder-decoder", name="zoo-ed", out=tmp_path / "zoo_ed"))
    config = next(f.content for f in plan.files if f.path.name == "configuration_zoo_ed.py")
    assert "is_encoder_decoder: bool" in config
    assert "class ZooEdConfig(" in config and "is_zoo_ed" not in config


def test_option_values_a_literal_annotation_allows_keep_their_spelling_in_a_clone(tmp_path):
    """Before: a chmv2 clone declared ``bins_strategy: Literal["linear", "log", "zoo_chmv2_mixlog"]``, so it
    refused the value every chmv2 config.json holds ("chmv2_mixlog"); the class names still follow."""
    from scaffold.convert.sources import literal_values
    from scaffold.project import NewModelRequest, plan_new_model

    assert literal_values('mode: Literal["linear", "chmv2_mixlog"] = "linear"\nx: list["Foo"]') == {
        "linear",
        "chmv2_mixlog",
    }
    plan = plan_new_model(NewModelRequest(like="chmv2", name="zoo-chmv2", out=tmp_path / "zoo_chmv2"))
    config = next(f.content for f in plan.files if f.path.name == "configuration_zoo_chmv2.py")
    assert 'bins_strategy: Literal["linear", "log", "chmv2_mixlog"] = "chmv2_mixlog"' in config
    assert "class ZooChmv2Config(" in config
