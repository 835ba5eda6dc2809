"""Skipping the rename walk where nothing can change (``needs_no_rename`` / ``untouched_statements``).

The skip is a speed-up only: on every class and function of real transformers modules the renamed code must
be the same with and without it, under the default policy and under upstream's case-insensitive one.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
import transformers

from scaffold.convert.definitions import index_source, parse_segment, untouched_statements
from scaffold.convert.rename import IN_TREE_COMPAT, RenameMap, RenamePolicy, Spellings, needs_no_rename, rename_node

LLAMA = (Spellings.infer("Llama", "llama"), Spellings.infer("MyLlama", "my_llama"))
MODELS = Path(transformers.__file__).parent / "models"

CLASS = textwrap.dedent(
    '''\
    # The Llama attention.
    class LlamaAttention(nn.Module):
        """Multi-headed attention."""

        def __init__(self, config: LlamaConfig):
            super().__init__()

        # Copied from the old code
        def reset(self):
            pass

        @property
        def heads(self) -> int:
            return self.num_heads  # plain

        def forward(self, x):
            return x  # llama-style
    '''
)


def _statements(node: cst.ClassDef) -> list[cst.BaseStatement]:
    return list(node.body.body)  # type: ignore[union-attr]


def test_needs_no_rename_looks_for_every_spelling_in_any_case_and_copied_from_markers():
    rename_map = RenameMap(pairs=(LLAMA,))
    assert needs_no_rename("def f(x):\n    return x\n", rename_map)
    for text in ("x = LLAMA_MAP", "# the LLaMA paper", "y = 'llama'", "Llama", "# Copied from transformers.x"):
        assert not needs_no_rename(text, rename_map), text
    keep_markers = RenameMap(pairs=(LLAMA,), policy=RenamePolicy(drop_copied_from=False))
    assert needs_no_rename("# Copied from transformers.x", keep_markers)


def test_untouched_statements_are_the_body_statements_without_names_or_markers():
    node = parse_segment(CLASS)
    untouched = untouched_statements(node, CLASS, RenameMap(pairs=(LLAMA,)))
    # docstring (its text starts at the class line), __init__ (LlamaConfig), reset (Copied from), heads,
    # forward (llama-style): only heads is left alone
    assert untouched == frozenset({id(_statements(node)[3])})


def test_a_segment_without_the_name_is_skipped_whole_and_multi_statement_lines_disable_the_body_skip():
    plain = "def rotate_half(x):\n    return x\n"
    node = parse_segment(plain)
    assert untouched_statements(node, plain, RenameMap(pairs=(LLAMA,))) == frozenset({id(node)})
    packed = "class LlamaX:\n    a = 1; b = 2\n    def f(self):\n        return 1\n"
    assert untouched_statements(parse_segment(packed), packed, RenameMap(pairs=(LLAMA,))) == frozenset()


@pytest.mark.parametrize("module", ["llama/modeling_llama.py", "bert/modeling_bert.py", "opt/modeling_opt.py", "gpt2/tokenization_gpt2.py"])
@pytest.mark.parametrize("policy", [RenamePolicy(), IN_TREE_COMPAT], ids=["default", "in_tree"])
def test_skipping_gives_the_same_code_on_real_modules(module, policy):
    model = module.split("/")[0]
    camel = {"llama": "Llama", "bert": "Bert", "opt": "OPT", "gpt2": "GPT2"}[model]
    rename_map = RenameMap(pairs=((Spellings.infer(camel, model), Spellings.infer("MyX", "my_x")),), policy=policy)
    index = index_source((MODELS / module).read_text(encoding="utf-8"), f"transformers.models.{model}")
    skipped = 0
    for definition in index.definitions.values():
        node = parse_segment(definition.segment)
        untouched = untouched_statements(node, definition.segment, rename_map)
        skipped += len(untouched)
        fast, full = rename_node(node, rename_map, untouched), rename_node(node, rename_map)
        assert cst.Module(body=[fast]).code == cst.Module(body=[full]).code
    assert skipped > 0
