"""Discovery reads the installed transformers statically; checked against transformers' own tables."""

import subprocess
import sys

import pytest

from scaffold.discovery import Catalogue, discover
from scaffold.errors import SourceNotFoundError, UnknownModelTypeError
from scaffold.files import FileKind


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


def test_static_tables_match_imported_tables(catalogue):
    """Every table we evaluate equals transformers' runtime table, except documented procedural additions."""
    import transformers.models.auto.image_processing_auto as ia
    import transformers.models.auto.modeling_auto as ma
    import transformers.models.auto.processing_auto as pa
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    assert dict(catalogue.tables.config_names) == dict(CONFIG_MAPPING_NAMES)
    compared = 0
    for module in (ma, ia, pa):
        for name, table in catalogue.tables.tables.items():
            real = getattr(module, name, None)
            if real is not None and name != "TOKENIZER_MAPPING_NAMES":
                assert dict(table) == dict(real), name
                compared += 1
    assert compared >= 50


def test_discovery_does_not_import_torch():
    code = "import sys; from scaffold.discovery import discover; discover('llama'); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_llama(catalogue):
    source = discover("llama", catalogue)
    assert source.names.camel == "Llama" and source.names.snake == "llama"
    kinds = {f.kind for f in source.files}
    assert kinds == {FileKind.CONFIGURATION, FileKind.MODELING, FileKind.TOKENIZATION}
    autos = {(e.auto_class, e.class_name) for e in source.auto_entries}
    assert ("AutoModelForCausalLM", "LlamaForCausalLM") in autos
    assert ("AutoModel", "LlamaModel") in autos
    assert source.base_model_prefixes == ("model", "transformer")


@pytest.mark.parametrize("spelling", ["vision-encoder-decoder", "vision_encoder_decoder"])
def test_dash_or_underscore(catalogue, spelling):
    assert discover(spelling, catalogue).names.model_type == "vision-encoder-decoder"


def test_blip2_sub_configs_and_borrowed_tokenizer(catalogue):
    source = discover("blip-2", catalogue)
    assert source.names.camel == "Blip2"
    assert ("blip_2_qformer", "Blip2QFormerConfig") in source.config_types
    borrowed = {e.class_name for e in source.auto_entries if not e.owned}
    assert "GPT2Tokenizer" in borrowed


def test_alias_types_are_not_sub_configs(catalogue):
    assert discover("gpt2", catalogue).config_types == (("gpt2", "GPT2Config"),)


def test_file_stem_differs_from_package(catalogue):
    source = discover("data2vec-audio", catalogue)
    assert source.names.snake == "data2vec_audio"
    assert all(f.module.endswith("_data2vec_audio") for f in source.files)


def test_unknown_type_suggests(catalogue):
    with pytest.raises(UnknownModelTypeError, match="Did you mean 'llama'"):
        discover("lama", catalogue)


def test_an_alias_type_is_its_targets_code_with_its_own_files(catalogue):
    """Before: gpt-sw3 (GPT2Config, code in gpt2/, only a tokenizer in gpt_sw3/) refused to generate.
    It is the one type whose config class another package defines; it clones gpt2's code and its own tokenizer."""
    aliases = {t: catalogue.alias_target(t) for t in catalogue.model_types() if catalogue.alias_target(t)}
    assert aliases == {"gpt-sw3": "gpt2"}
    source = discover("gpt-sw3", catalogue)
    modules = {f.kind: f.module for f in source.files}
    assert modules == {
        FileKind.CONFIGURATION: "transformers.models.gpt2.configuration_gpt2",
        FileKind.MODELING: "transformers.models.gpt2.modeling_gpt2",
        FileKind.TOKENIZATION: "transformers.models.gpt_sw3.tokenization_gpt_sw3",
    }
    assert source.config_types == (("gpt-sw3", "GPT2Config"),)
    assert {(e.auto_class, e.class_name) for e in source.auto_entries if e.owned} >= {
        ("AutoModelForCausalLM", "GPT2LMHeadModel"),
        ("AutoTokenizer", "GPTSw3Tokenizer"),
    }


def test_a_type_without_code_and_no_alias_target_is_an_error(catalogue, monkeypatch):
    monkeypatch.setattr(Catalogue, "alias_target", lambda self, model_type: None)
    with pytest.raises(SourceNotFoundError, match=r"No configuration file in transformers\.models\.gpt_sw3"):
        discover("gpt-sw3", catalogue)


def test_key_renames_cover_submodules_named_after_the_model():
    from scaffold.names import ModelNames
    from scaffold.project import _key_renames

    albert = discover("albert")
    assert "albert_layer_groups" in albert.module_attributes
    renames = _key_renames(albert, ModelNames.from_name("my-albert"))
    assert ("albert.", "my_albert.") in renames
    assert ("albert_layer_groups.", "my_albert_layer_groups.") in renames
    assert all(old != new for old, new in renames)
    assert _key_renames(discover("llama"), ModelNames.from_name("my-llama")) == ()


def test_the_class_prefix_ignores_deprecated_spellings_of_the_config(catalogue):
    """Before: configuration_ernie4_5_vl_moe also exports Ernie4_5_VL_MoeConfig (deprecated subclasses): the prefix
    shared with them, ``Ernie4_5_V``, made the clone's classes MyErnieLMoeConfig and MyErnieL_MoeModel."""
    source = discover("ernie4_5_vl_moe", catalogue)
    assert source.names.camel == "Ernie4_5_VLMoe"
    assert discover("blip_2_qformer", catalogue).names.camel == "Blip2"


def test_a_sub_model_config_prefix_is_cut_to_the_prefix_all_classes_share(catalogue):
    """Before: pixtral's only config is PixtralVisionConfig, so the prefix was ``PixtralVision`` and the clone named
    its processor MyPixPixtralProcessor, next to an unrenamed PixtralAttention."""
    assert discover("pixtral", catalogue).names.camel == "Pixtral"
    assert discover("mlcd_vision_model", catalogue).names.camel == "MLCD"


@pytest.mark.parametrize(
    ("prefix", "classes", "expected"),
    [
        ("PixtralVision", ("PixtralVisionModel", "PixtralProcessor"), "Pixtral"),
        ("OmniASRCTC", ("OmniASRCTCConfig", "OmniASRForCTC"), "OmniASR"),  # two acronyms of 3 letters
        ("Ernie4_5_VLMoe", ("Ernie4_5_VLMoeModel", "Ernie4_5_VL_MoeModel"), "Ernie4_5_VLMoe"),  # never Ernie4_5_V
        ("Qwen2_5_VL", ("Qwen2_5_VLModel", "Qwen2_5_VisionTransformerPretrainedModel"), "Qwen2_5_VL"),  # not Qwen2_5_
        ("Bart", ("BartModel", "PretrainedBartModel"), "Bart"),  # nothing shared: keep
        ("Llama", ("LlamaModel", "LlamaForCausalLM"), "Llama"),
    ],
)
def test_widened_prefix(prefix, classes, expected):
    from scaffold.discovery import _widened_prefix

    assert _widened_prefix(prefix, classes) == expected
