"""rename_node runs the five rename transformers in one walk: same result as running them one after another."""

from __future__ import annotations

import textwrap

import libcst as cst

from scaffold.convert.rename import REWRITES, ComposedTransformer, RenameMap, Spellings, rename_node

SOURCE = textwrap.dedent(
    '''\
    """The Llama model."""
    from transformers.models.llama.configuration_llama import LlamaConfig

    _CHECKPOINT_FOR_DOC = "meta-llama/Llama-2-7b-hf"


    # Copied from transformers.models.llama.modeling_llama.LlamaMLP
    class LlamaMLP(LlamaPreTrainedModel):  # the llama MLP
        """Llama MLP; see [`LlamaConfig`]."""

        model_type = "llama"

        def forward(self, llama_x: Optional[int] = None):
            m = AutoModel.from_pretrained("llama")
            return f"llama {self.llama}" "Llama", LLAMA_INPUTS
    '''
)

LLAMA = RenameMap(
    pairs=((Spellings.infer("Llama", "llama"), Spellings.infer("MyLlama", "my_llama")),),
    keep=frozenset({"LlamaConfig", "AutoModel"}),
)


def _sequential(module: cst.Module, rename_map: RenameMap) -> cst.Module:
    for rewrite in REWRITES:
        module = module.visit(rewrite(rename_map))  # type: ignore[call-arg]
    return module


def test_one_walk_equals_one_walk_per_rewrite() -> None:
    module = cst.parse_module(SOURCE)
    composed = rename_node(module, LLAMA).code
    assert composed == _sequential(module, LLAMA).code
    assert composed != SOURCE  # the fixture does exercise the renamer


def test_rename_node_result_on_every_kind_of_node() -> None:
    code = rename_node(cst.parse_module(SOURCE), LLAMA).code
    assert '"""The MyLlama model."""' in code  # module docstring
    assert "from transformers.models.llama.configuration_llama import LlamaConfig" in code  # imports untouched
    assert '_CHECKPOINT_FOR_DOC = "meta-llama/Llama-2-7b-hf"' in code  # hub id
    assert "Copied from" not in code  # stale marker dropped by default
    assert "class MyLlamaMLP(MyLlamaPreTrainedModel):  # the my_llama MLP" in code
    assert '"""MyLlama MLP; see [`LlamaConfig`]."""' in code  # kept name in a docstring
    assert 'model_type = "my_llama"' in code
    assert "def forward(self, my_llama_x: Optional[int] = None):" in code
    assert 'AutoModel.from_pretrained("llama")' in code
    assert 'return f"my_llama {self.my_llama}" "MyLlama", MY_LLAMA_INPUTS' in code


def test_rename_node_on_a_single_node_and_with_an_empty_map() -> None:
    node = cst.parse_expression("LlamaModel(llama=1)")
    assert cst.Module([]).code_for_node(rename_node(node, LLAMA)) == "MyLlamaModel(my_llama=1)"
    assert rename_node(node, RenameMap()) is node


def test_composed_transformer_dispatches_only_to_the_parts_own_methods() -> None:
    composed = ComposedTransformer([rewrite(LLAMA) for rewrite in REWRITES])  # type: ignore[call-arg]
    assert "Name" in composed.leaves and "SimpleString" in composed.leaves
    assert "Comma" not in composed.leaves  # libcst's default stubs are not dispatched
    assert len(composed.leaves["SimpleString"]) == 2  # plain strings and docstrings
