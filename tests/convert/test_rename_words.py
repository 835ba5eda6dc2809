"""Plain-data tests of the word-level matcher (scaffold/convert/rename_words.py) and its public wrappers."""

from __future__ import annotations

import pytest

from scaffold.convert.rename import IN_TREE_COMPAT, RenameMap, RenamePolicy, Spellings, rename_identifier, rename_text
from scaffold.convert.rename_words import TextKind, part_of_new_spelling, protected_spans, rename_words
from scaffold.names import ModelNames


def _map(old: tuple[str, str], new: tuple[str, str], **kwargs: object) -> RenameMap:
    return RenameMap(pairs=((Spellings.infer(*old), Spellings.infer(*new)),), **kwargs)  # type: ignore[arg-type]


LLAMA = _map(("Llama", "llama"), ("MyLlama", "my_llama"))
GPT2 = _map(("GPT2", "gpt2"), ("MyGpt", "my_gpt"))
OPT = _map(("OPT", "opt"), ("MyOpt", "my_opt"))
BERT = _map(("Bert", "bert"), ("MyBert", "my_bert"))
T5 = _map(("T5", "t5"), ("MyT5", "my_t5"))
VED = _map(("VisionEncoderDecoder", "vision_encoder_decoder"), ("MyCaptioner", "my_captioner"))
XLMR = _map(("XLMRoberta", "xlm_roberta"), ("MyXlmr", "my_xlmr"))


def test_spellings_infer_derives_kebab_and_upper_from_snake() -> None:
    assert Spellings.infer("XLMRoberta", "xlm_roberta") == Spellings("XLMRoberta", "xlm_roberta", "xlm-roberta", "XLM_ROBERTA")
    assert Spellings.infer("VisionEncoderDecoder", "vision-encoder-decoder").snake == "vision_encoder_decoder"


def test_spellings_from_model_names() -> None:
    names = ModelNames.from_name("my-captioner")
    assert Spellings.from_names(names) == Spellings("MyCaptioner", "my_captioner", "my-captioner", "MY_CAPTIONER")


@pytest.mark.parametrize(
    ("rename_map", "before", "after"),
    [
        (LLAMA, "LlamaModel", "MyLlamaModel"),
        (LLAMA, "llama_model", "my_llama_model"),
        (LLAMA, "LLAMA_INPUTS", "MY_LLAMA_INPUTS"),
        (LLAMA, "_llama", "_my_llama"),
        (LLAMA, "apply_rotary_pos_emb_llama", "apply_rotary_pos_emb_my_llama"),
        (GPT2, "GPT2Attention", "MyGptAttention"),
        (GPT2, "GPT2LMHeadModel", "MyGptLMHeadModel"),
        (GPT2, "GPT2_INPUTS", "MY_GPT_INPUTS"),
        (GPT2, "GPT2MLP", "MyGptMLP"),  # a digit ends the all-caps name: the next capital starts a word
        (GPT2, "gpt2", "my_gpt"),
        (OPT, "OPTModel", "MyOptModel"),
        (OPT, "OPT_START_DOCSTRING", "MY_OPT_START_DOCSTRING"),
        (BERT, "BertModel", "MyBertModel"),
        (BERT, "load_tf_weights_in_bert", "load_tf_weights_in_my_bert"),
        (XLMR, "XLMRobertaModel", "MyXlmrModel"),
        (XLMR, "XLM_ROBERTA_INPUTS", "MY_XLMR_INPUTS"),
        (VED, "VisionEncoderDecoderConfig", "MyCaptionerConfig"),
        (VED, "vision_encoder_decoder", "my_captioner"),
    ],
)
def test_identifier_case_and_boundary_aware(rename_map: RenameMap, before: str, after: str) -> None:
    assert rename_identifier(before, rename_map) == after


@pytest.mark.parametrize(
    ("rename_map", "name"),
    [
        (OPT, "Optional"),
        (OPT, "optimizer"),
        (OPT, "options"),
        (OPT, "adapt"),
        (BERT, "RobertaModel"),
        (BERT, "roberta"),
        (BERT, "Albert"),
        (BERT, "AlbertModel"),
        (LLAMA, "DiffLlama"),  # a CamelCase match after a lower-case letter is inside another word
        (LLAMA, "Llama4TextModel"),  # another model
        (LLAMA, "llama4"),
        (T5, "mt5"),
        (T5, "MT5Model"),
        (GPT2, "gpt2_neo_like_gpt22"[-5:]),  # "gpt22": a longer word
    ],
)
def test_text_that_merely_contains_the_old_name_is_kept(rename_map: RenameMap, name: str) -> None:
    assert rename_identifier(name, rename_map) == name
    assert rename_text(name, rename_map) == name


def test_all_caps_name_running_into_capitals_is_a_class_name_in_code_only() -> None:
    ast_map = _map(("AST", "audio_spectrogram_transformer"), ("MyAst", "my_ast"))
    assert rename_identifier("ASTMLP", ast_map) == "MyAstMLP"
    assert rename_text("ASTMLP", ast_map) == "ASTMLP"  # in prose an all-caps word may be any word
    assert rename_text("OPTIONS and OPTModel", OPT) == "OPTIONS and MyOptModel"
    assert rename_text("GPT2MLP", GPT2) == "MyGptMLP"  # a digit ends the name


def test_new_name_containing_the_old_one_is_not_doubled() -> None:
    for name in ("MyLlama", "my_llama", "MY_LLAMA", "MyLlamaModel", "self.my_llama", "MY_LLAMA_INPUTS"):
        assert rename_identifier(name, LLAMA) == name
    assert rename_text("The MyLlama model and the Llama model", LLAMA) == "The MyLlama model and the MyLlama model"
    assert rename_identifier("my_llama_llama", LLAMA) == "my_llama_my_llama"


def test_part_of_new_spelling_checks_the_surrounding_text() -> None:
    new = Spellings.infer("MyLlama", "my_llama")
    assert part_of_new_spelling("x = my_llama", 7, "llama", new)
    assert not part_of_new_spelling("x = to_llama", 7, "llama", new)
    assert not part_of_new_spelling("llama", 0, "llama", new)  # nothing before: cannot reach back


def test_keep_is_a_whole_name_match() -> None:
    rename_map = _map(("Llama", "llama"), ("MyLlama", "my_llama"), keep=frozenset({"LlamaConfig"}))
    assert rename_identifier("LlamaConfig", rename_map) == "LlamaConfig"
    assert rename_identifier("LlamaConfigs", rename_map) == "MyLlamaConfigs"
    assert rename_text("See [`LlamaConfig`] and [`LlamaModel`].", rename_map) == "See [`LlamaConfig`] and [`MyLlamaModel`]."


def test_prose_is_renamed_at_word_boundaries() -> None:
    assert rename_text("Llama model", LLAMA) == "MyLlama model"
    assert rename_text("the llama layers of a LLAMA checkpoint", LLAMA) == "the my_llama layers of a MyLlama checkpoint"
    assert rename_text("PyTorch BERT model.", BERT) == "PyTorch MyBert model."  # a bare all-caps word in prose
    assert rename_identifier("BERT", BERT) == "MY_BERT"  # ... but an all-caps identifier is a constant
    assert rename_text("The OPT model. Optional.", OPT) == "The MyOpt model. Optional."
    assert rename_text("See GPT2_INPUTS_DOCSTRING for the GPT2 inputs.", GPT2) == (
        "See MY_GPT_INPUTS_DOCSTRING for the MyGpt inputs."
    )


def test_an_escape_before_the_name_is_a_boundary() -> None:
    assert rename_text(r"first line\nLlama model\tllama", LLAMA) == r"first line\nMyLlama model\tmy_llama"
    assert rename_text("planLlama", LLAMA) == "planLlama"


def test_model_type_strings_snake_and_kebab() -> None:
    assert rename_text("llama", LLAMA) == "my_llama"
    assert rename_text("vision-encoder-decoder", VED) == "my-captioner"
    assert rename_text("vision_encoder_decoder", VED) == "my_captioner"
    assert rename_text("xlm-roberta", XLMR) == "my-xlmr"


@pytest.mark.parametrize(
    ("rename_map", "text"),
    [
        (LLAMA, "meta-llama/Llama-2-7b-hf"),
        (LLAMA, "https://huggingface.co/meta-llama/Llama-2-7b-hf"),
        (GPT2, "openai-community/gpt2"),
        (GPT2, 'GPT2Model.from_pretrained("gpt2")'.split(".", 1)[1]),
        (OPT, "facebook/opt-350m"),
        (BERT, "google-bert/bert-base-uncased"),
    ],
)
def test_hub_ids_stay_valid(rename_map: RenameMap, text: str) -> None:
    assert rename_text(text, rename_map) == text


@pytest.mark.parametrize(
    ("rename_map", "text"),
    [
        (LLAMA, "meta-llama"),
        (LLAMA, "Llama-2-7b-hf"),
        (BERT, "bert-base-uncased"),
        (_map(("Roberta", "roberta"), ("MyRoberta", "my_roberta")), "xlm-roberta"),
    ],
)
def test_a_hyphen_joins_the_name_to_a_neighbouring_word_in_text(rename_map: RenameMap, text: str) -> None:
    assert rename_text(text, rename_map) == text


def test_hub_ids_inside_prose_stay_while_the_rest_is_renamed() -> None:
    before = '>>> model = GPT2Model.from_pretrained("gpt2")\n>>> tok = AutoTokenizer.from_pretrained("openai-community/gpt2")'
    after = '>>> model = MyGptModel.from_pretrained("gpt2")\n>>> tok = AutoTokenizer.from_pretrained("openai-community/gpt2")'
    assert rename_text(before, GPT2) == after
    assert "meta-my_llama" not in rename_text("checkpoint meta-llama/Llama-2-7b-hf for Llama", LLAMA)


def test_hub_ids_are_renamed_when_the_policy_allows_it() -> None:
    rename_map = _map(("Llama", "llama"), ("MyLlama", "my_llama"), policy=RenamePolicy(keep_hub_ids=False))
    assert rename_text("meta-llama/Llama-2-7b-hf", rename_map) == "meta-my_llama/MyLlama-2-7b-hf"


def test_protected_spans_cover_slash_tokens_and_from_pretrained_arguments() -> None:
    text = 'a org/llama b from_pretrained("llama") c LlamaConfig'
    spans = protected_spans(text, frozenset({"LlamaConfig"}), keep_hub_ids=True)
    assert [text[s:e] for s, e in spans] == ["org/llama", 'from_pretrained("llama"', "LlamaConfig"]
    assert protected_spans(text, frozenset(), keep_hub_ids=False) == ()


def test_several_source_models_in_one_map() -> None:
    rename_map = RenameMap(
        pairs=(
            (Spellings.infer("Llama", "llama"), Spellings.infer("MyModel", "my_model")),
            (Spellings.infer("Mistral", "mistral"), Spellings.infer("MyModel", "my_model")),
        )
    )
    assert rename_identifier("LlamaMLP", rename_map) == "MyModelMLP"
    assert rename_identifier("MistralAttention", rename_map) == "MyModelAttention"
    assert rename_text("llama or mistral", rename_map) == "my_model or my_model"


def test_rename_words_dispatches_on_text_kind() -> None:
    rename_map = _map(("Llama", "llama"), ("MyLlama", "my_llama"), keep=frozenset({"LlamaConfig"}))
    assert rename_words("meta-llama/x", rename_map, TextKind.IDENTIFIER) == "meta-my_llama/x"  # no hub ids in names
    assert rename_words("meta-llama/x", rename_map, TextKind.STRING) == "meta-llama/x"
    assert rename_words("LlamaConfig", rename_map, TextKind.IDENTIFIER) == "LlamaConfig"


def test_empty_map_changes_nothing() -> None:
    assert rename_text("Llama llama LLAMA", RenameMap()) == "Llama llama LLAMA"


# IN_TREE_COMPAT reproduces transformers' converter: case-insensitive, only a preceding letter/digit protects.
COMPAT_OPT = _map(("OPT", "opt"), ("MyOpt", "my_opt"), policy=IN_TREE_COMPAT)
COMPAT_LLAMA = _map(("Llama", "llama"), ("Mistral", "mistral"), policy=IN_TREE_COMPAT)


@pytest.mark.parametrize(
    ("rename_map", "before", "after"),
    [
        (COMPAT_LLAMA, "LlamaModel", "MistralModel"),
        (COMPAT_LLAMA, "LLAMA_INPUTS", "MISTRAL_INPUTS"),
        (COMPAT_LLAMA, "llama", "mistral"),
        (COMPAT_LLAMA, "LLaMA model", "Mistral model"),  # not an exact spelling: the CamelCase one
        (COMPAT_LLAMA, "meta-llama/Llama-2-7b-hf", "meta-mistral/Mistral-2-7b-hf"),  # upstream renames hub ids
        (COMPAT_LLAMA, "DiffLlama", "DiffLlama"),
        (COMPAT_LLAMA, "llama4", "mistral4"),  # no right boundary upstream
        (COMPAT_OPT, "OPTModel", "MyOptModel"),
        (COMPAT_OPT, "OPT_INPUTS", "MY_OPT_INPUTS"),
        (COMPAT_OPT, "Optional", "MyOptional"),  # upstream's known weakness, kept for fidelity
    ],
)
def test_in_tree_compat_matches_upstream_rules(rename_map: RenameMap, before: str, after: str) -> None:
    assert rename_text(before, rename_map) == after
