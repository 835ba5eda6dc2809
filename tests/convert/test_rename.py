"""Before/after tests of the renamer through its public API (``rename_node``), one behaviour per test.

Expected outputs are written by hand; none is produced by the code under test.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from scaffold.convert.rename import IN_TREE_COMPAT, RenameMap, RenamePolicy, Spellings, rename_node
from scaffold.names import ModelNames

LLAMA = (Spellings.infer("Llama", "llama"), Spellings.infer("MyLlama", "my_llama"))
GPT2 = (Spellings.infer("GPT2", "gpt2"), Spellings.infer("MyGpt", "my_gpt"))
OPT = (Spellings.infer("OPT", "opt"), Spellings.infer("MyOpt", "my_opt"))
BERT = (Spellings.infer("Bert", "bert"), Spellings.infer("MyBert", "my_bert"))
T5 = (Spellings.infer("T5", "t5"), Spellings.infer("MyT5", "my_t5"))
VED = (
    Spellings.infer("VisionEncoderDecoder", "vision_encoder_decoder"),
    Spellings.infer("MyCaptioner", "my_captioner"),
)
MISTRAL = (Spellings.infer("Mistral", "mistral"), Spellings.infer("MyMistral", "my_mistral"))


def renamed(source: str, *pairs: tuple[Spellings, Spellings], keep: frozenset[str] = frozenset(),
            policy: RenamePolicy = RenamePolicy()) -> str:
    """``source`` (dedented) parsed, renamed and printed back."""
    module = cst.parse_module(textwrap.dedent(source))
    rename_map = RenameMap(pairs=tuple(pairs), keep=keep, policy=policy)
    return rename_node(module, rename_map).code  # type: ignore[attr-defined]


def check(before: str, after: str, *pairs: tuple[Spellings, Spellings], **kwargs: object) -> None:
    assert renamed(before, *pairs, **kwargs) == textwrap.dedent(after)  # type: ignore[arg-type]


# --- spellings ---------------------------------------------------------------------------------------------


def test_spellings_infer_derives_kebab_and_upper_from_snake() -> None:
    assert Spellings.infer("XLMRoberta", "xlm_roberta") == Spellings("XLMRoberta", "xlm_roberta", "xlm-roberta", "XLM_ROBERTA")


def test_spellings_from_model_names() -> None:
    names = ModelNames.from_name("my-captioner")
    assert Spellings.from_names(names) == Spellings("MyCaptioner", "my_captioner", "my-captioner", "MY_CAPTIONER")


# --- identifiers -------------------------------------------------------------------------------------------


def test_identifiers_in_every_case() -> None:
    check(
        """\
        class LlamaModel(LlamaPreTrainedModel):
            def forward(self, llama_model, **kwargs):
                return self.llama(llama_model, LLAMA_INPUTS, llama_cache=None)
        """,
        """\
        class MyLlamaModel(MyLlamaPreTrainedModel):
            def forward(self, my_llama_model, **kwargs):
                return self.my_llama(my_llama_model, MY_LLAMA_INPUTS, my_llama_cache=None)
        """,
        LLAMA,
    )


def test_all_caps_camel_takes_upper_spelling_in_constants() -> None:
    check(
        "class GPT2Attention: pass\nx = GPT2_INPUTS_DOCSTRING\n",
        "class MyGptAttention: pass\nx = MY_GPT_INPUTS_DOCSTRING\n",
        GPT2,
    )


def test_all_caps_camel_before_camel_word() -> None:
    check("m = OPTModel(OPTConfig())\n", "m = MyOptModel(MyOptConfig())\n", OPT)


def test_all_caps_camel_before_acronym() -> None:
    check("mlp = GPT2MLP(config)\n", "mlp = MyGptMLP(config)\n", GPT2)


def test_words_that_merely_contain_opt_are_kept() -> None:
    source = "def f(x: Optional[int], optimizer, options, adapt, adopt, opt2):\n    return 'OPTIONS Optional'\n"
    check(source, source, OPT)


def test_other_models_containing_bert_are_kept() -> None:
    check(
        "a = RobertaModel(roberta, Albert, albert, BertModel, bert)\n",
        "a = RobertaModel(roberta, Albert, albert, MyBertModel, my_bert)\n",
        BERT,
    )


def test_camel_inside_another_camel_word_is_kept() -> None:
    check("a = DiffLlamaModel(Llama4Model, LlamaModel)\n", "a = DiffLlamaModel(Llama4Model, MyLlamaModel)\n", LLAMA)


def test_t5_keeps_mt5() -> None:
    check("x = mt5(t5, MT5Model, T5Model)\n", "x = mt5(my_t5, MT5Model, MyT5Model)\n", T5)


def test_new_name_already_present_is_not_doubled() -> None:
    check(
        "x = MyLlamaModel(my_llama=MY_LLAMA_X, llama=LlamaModel)\n",
        "x = MyLlamaModel(my_llama=MY_LLAMA_X, my_llama=MyLlamaModel)\n",
        LLAMA,
    )


def test_keep_names_are_never_renamed() -> None:
    check(
        "class LlamaModel(LlamaPreTrainedModel):\n    config_class = LlamaConfig\n",
        "class MyLlamaModel(LlamaPreTrainedModel):\n    config_class = LlamaConfig\n",
        LLAMA,
        keep=frozenset({"LlamaConfig", "LlamaPreTrainedModel"}),
    )


def test_import_statements_are_untouched() -> None:
    source = (
        "from transformers.models.llama.modeling_llama import LlamaModel, llama_helper\n"
        "import transformers.models.llama as llama\n"
        "x = LlamaModel\n"
    )
    expected = source.replace("x = LlamaModel", "x = MyLlamaModel")
    check(source, expected, LLAMA)


def test_two_source_models_at_once() -> None:
    check(
        "class X(LlamaModel, MistralModel):\n    a = 'mistral'\n",
        "class X(MyLlamaModel, MyMistralModel):\n    a = 'my_mistral'\n",
        LLAMA,
        MISTRAL,
    )


# --- strings -----------------------------------------------------------------------------------------------


def test_model_type_and_prefix_strings() -> None:
    check(
        """\
        class LlamaPreTrainedModel:
            model_type = "llama"
            base_model_prefix = "model"
            _no_split_modules = ["LlamaDecoderLayer"]
        """,
        """\
        class MyLlamaPreTrainedModel:
            model_type = "my_llama"
            base_model_prefix = "model"
            _no_split_modules = ["MyLlamaDecoderLayer"]
        """,
        LLAMA,
    )


def test_kebab_model_type_string() -> None:
    check(
        "model_type = 'vision-encoder-decoder'\nsnake = 'vision_encoder_decoder'\n",
        "model_type = 'my-captioner'\nsnake = 'my_captioner'\n",
        VED,
    )


def test_string_prefix_and_quotes_are_kept() -> None:
    check("a = r'llama\\d'\nb = '''Llama'''[0]\n", "a = r'my_llama\\d'\nb = '''MyLlama'''[0]\n", LLAMA)


def test_word_inside_string_that_merely_contains_the_name() -> None:
    # A bare all-caps word is a display name: it takes the camel spelling; OPT_X is a constant.
    check("a = 'optimizer options OPT OPT_X'\n", "a = 'optimizer options MyOpt MY_OPT_X'\n", OPT)


# --- checkpoint ids ----------------------------------------------------------------------------------------


def test_hub_ids_in_strings_are_kept() -> None:
    source = """\
        _CHECKPOINT_FOR_DOC = "meta-llama/Llama-2-7b-hf"
        ids = ["openai-community/gpt2", "meta-llama/Llama-2-7b-hf"]
        """
    check(source, source, LLAMA)
    check(source, source, GPT2)


def test_from_pretrained_argument_and_checkpoint_constants_are_kept() -> None:
    check(
        """\
        model = GPT2Model.from_pretrained("gpt2")
        _CHECKPOINT_FOR_DOC = "gpt2"
        tok = AutoTokenizer.from_pretrained(pretrained_model_name_or_path="gpt2")
        name = "gpt2"
        """,
        """\
        model = MyGptModel.from_pretrained("gpt2")
        _CHECKPOINT_FOR_DOC = "gpt2"
        tok = AutoTokenizer.from_pretrained(pretrained_model_name_or_path="gpt2")
        name = "my_gpt"
        """,
        GPT2,
    )


def test_checkpoint_argument_of_decorator_is_kept() -> None:
    check(
        """\
        @auto_docstring(checkpoint="llama")
        class LlamaModel:
            pass
        """,
        """\
        @auto_docstring(checkpoint="llama")
        class MyLlamaModel:
            pass
        """,
        LLAMA,
    )


def test_hub_ids_in_docstrings_and_comments_are_kept() -> None:
    check(
        '''\
        def f():
            """Llama example.

            >>> model = LlamaForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")
            >>> tok = AutoTokenizer.from_pretrained("llama")
            """
            # see https://huggingface.co/meta-llama/Llama-2-7b-hf for the llama weights
        ''',
        '''\
        def f():
            """MyLlama example.

            >>> model = MyLlamaForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")
            >>> tok = AutoTokenizer.from_pretrained("llama")
            """
            # see https://huggingface.co/meta-llama/Llama-2-7b-hf for the my_llama weights
        ''',
        LLAMA,
    )


def test_hyphen_joined_words_are_kept_in_text() -> None:
    check(
        'a = "meta-llama, Llama-2-7b-hf, llama-based, llama and Llama"  # bert-base-uncased, bert\n',
        'a = "meta-llama, Llama-2-7b-hf, llama-based, my_llama and MyLlama"  # bert-base-uncased, bert\n',
        LLAMA,
    )


def test_bare_upper_word_in_prose_takes_the_camel_name() -> None:
    check('"""PyTorch BERT model, see BERT_INPUTS."""\n', '"""PyTorch MyBert model, see MY_BERT_INPUTS."""\n', BERT)


def test_no_invented_hub_ids() -> None:
    out = renamed('x = "see meta-llama/Llama-2-7b-hf or hf.co/meta-llama/Llama-2-7b-hf"\n', LLAMA)
    assert "my_llama" not in out and "MyLlama" not in out


# --- prose -------------------------------------------------------------------------------------------------


def test_docstrings_and_comments_follow_word_rules() -> None:
    check(
        '''\
        class LlamaModel:
            """The bare Llama model; see [`LlamaConfig`]. Not DiffLlama, not llamas."""

            x = 1  # llama layers, LLAMA_X constants
        ''',
        '''\
        class MyLlamaModel:
            """The bare MyLlama model; see [`MyLlamaConfig`]. Not DiffLlama, not llamas."""

            x = 1  # my_llama layers, MY_LLAMA_X constants
        ''',
        LLAMA,
    )


def test_keep_names_are_kept_in_prose() -> None:
    check(
        '"""Uses [`LlamaConfig`] and [`LlamaModel`]."""\n',
        '"""Uses [`LlamaConfig`] and [`MyLlamaModel`]."""\n',
        LLAMA,
        keep=frozenset({"LlamaConfig"}),
    )


def test_rename_text_false_leaves_comments_and_docstrings() -> None:
    source = '"""Llama model."""\nx = "llama"  # llama\n'
    check(source, '"""Llama model."""\nx = "my_llama"  # llama\n', LLAMA, policy=RenamePolicy(rename_text=False))


def test_copied_from_comments_are_dropped() -> None:
    check(
        "# Copied from transformers.models.llama.modeling_llama.LlamaMLP with Llama->Mistral\nclass LlamaMLP:\n    x = 1  # Copied from x\n",
        "class MyLlamaMLP:\n    x = 1\n",
        LLAMA,
    )


# --- f-strings and concatenation ---------------------------------------------------------------------------


def test_fstring_literal_parts_and_expressions() -> None:
    check(
        'a = f"llama layer {i} of {self.llama}: {LlamaModel.__name__}"\n',
        'a = f"my_llama layer {i} of {self.my_llama}: {MyLlamaModel.__name__}"\n',
        LLAMA,
    )


def test_concatenated_strings() -> None:
    check(
        'a = ("Llama model " "for llama" f" {x}-llama")\n',
        'a = ("MyLlama model " "for my_llama" f" {x}-my_llama")\n',
        LLAMA,
    )


# --- upstream compatibility (IN_TREE_COMPAT) ---------------------------------------------------------------
# Facts from transformers' utils/modular_model_converter.py: one case-insensitive regex with only a left
# boundary, applied to names, plain strings and comments; f-string text is left alone; hub ids are not special.


def test_compat_renames_like_upstream() -> None:
    check(
        'x: Optional = OPTModel\ny = "opt"\nz = OPT_INPUTS\nw = f"opt {OPT}"\n',
        'x: MyOptional = MyOptModel\ny = "my_opt"\nz = MY_OPT_INPUTS\nw = f"opt {MY_OPT}"\n',
        OPT,
        policy=IN_TREE_COMPAT,
    )


def test_compat_does_not_protect_hub_ids() -> None:
    check(
        '_CHECKPOINT_FOR_DOC = "meta-llama/Llama-2-7b-hf"\n',
        '_CHECKPOINT_FOR_DOC = "meta-my_llama/MyLlama-2-7b-hf"\n',
        LLAMA,
        policy=IN_TREE_COMPAT,
    )


def test_compat_other_casings_take_the_camel_name() -> None:
    check('"""LLaMA model"""\n', '"""MyLlama model"""\n', LLAMA, policy=IN_TREE_COMPAT)


# --- any node ----------------------------------------------------------------------------------------------


def test_rename_node_accepts_a_class_node() -> None:
    node = cst.parse_statement("class LlamaMLP(nn.Module):\n    pass\n")
    out = rename_node(node, RenameMap(pairs=(LLAMA,)))
    assert isinstance(out, cst.ClassDef) and out.name.value == "MyLlamaMLP"


@pytest.mark.parametrize("source", ["x = 1\n", "class LlamaModel: pass\n"])
def test_empty_map_returns_the_node_itself(source: str) -> None:
    module = cst.parse_module(source)
    assert rename_node(module, RenameMap()) is module
