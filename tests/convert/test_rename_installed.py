"""Rename whole modeling files of the installed transformers and check, with ``ast``, what must survive."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import libcst as cst
import pytest
import transformers

from scaffold.convert.names_ast import names_in
from scaffold.convert.rename import IN_TREE_COMPAT, RenameMap, RenamePolicy, Spellings, rename_node

MODELS = Path(transformers.__file__).parent / "models"
HUB_ID = re.compile(r"\b[A-Za-z0-9][\w.-]*/[\w.-]*[A-Za-z0-9]\b")

CASES = [
    # (model dir, old camel, new camel, new snake, identifiers that must survive as they are)
    ("opt", "OPT", "MyOpt", "my_opt", {"Tensor", "Cache"}),
    ("gpt2", "GPT2", "MyGpt", "my_gpt", {"Conv1D"}),
    ("bert", "Bert", "MyBert", "my_bert", {"BaseModelOutputWithPoolingAndCrossAttentions"}),
]


def imported_names(tree: ast.AST) -> frozenset[str]:
    return frozenset(a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names)


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str, ast.Module, ast.Module, frozenset[str], set[str], str]:
    model, camel, new_camel, new_snake, survivors = request.param
    text = (MODELS / model / f"modeling_{model}.py").read_text(encoding="utf-8")
    original = ast.parse(text)
    keep = imported_names(original)
    rename_map = RenameMap(pairs=((Spellings.infer(camel, model), Spellings.infer(new_camel, new_snake)),), keep=keep)
    out = rename_node(cst.parse_module(text), rename_map).code  # type: ignore[attr-defined]
    return text, out, original, ast.parse(out), keep, survivors, camel


def test_model_classes_are_all_renamed(case) -> None:  # type: ignore[no-untyped-def]
    _, _, original, renamed, keep, _, camel = case
    # A class or constant of the model: the old camel name followed by a new word, "_" or nothing.
    own = {i for i in names_in(original) if re.match(rf"{camel}([A-Z_]|$)", i)} - keep
    assert own, "the file defines model classes"
    assert own & names_in(renamed) == set()


def test_words_without_the_name_survive(case) -> None:  # type: ignore[no-untyped-def]
    _, _, original, renamed, keep, survivors, camel = case
    unrelated = {i for i in names_in(original) if camel.lower() not in i.lower()}
    assert survivors <= unrelated
    assert unrelated - names_in(renamed) == set()
    assert keep & names_in(original) <= names_in(renamed)


def test_hub_ids_survive_everywhere(case) -> None:  # type: ignore[no-untyped-def]
    text, out, _, _, _, _, camel = case
    ids = {m.group() for m in HUB_ID.finditer(text) if camel.lower() in m.group().lower()}
    assert ids, "the file mentions checkpoint ids of the model"
    for hub_id in sorted(ids):
        assert out.count(hub_id) == text.count(hub_id), hub_id


def test_import_lines_are_unchanged(case) -> None:  # type: ignore[no-untyped-def]
    text, out, _, _, _, _, _ = case
    imports = [line for line in text.splitlines() if line.startswith(("from ", "import "))]
    assert imports == [line for line in out.splitlines() if line.startswith(("from ", "import "))]


# Whole installed files full of words that merely contain an old name: they must come out with those words intact.
LOOKALIKES = [
    ("optimization.py", "OPT", "opt", {"optimizer", "Optimizer", "optional", "optim"}),
    ("generation/utils.py", "OPT", "opt", {"Optional", "options", "Optionally"}),
    ("models/roberta/modeling_roberta.py", "Bert", "bert", {"RobertaModel", "roberta", "RobertaConfig"}),
    ("models/albert/modeling_albert.py", "Bert", "bert", {"AlbertModel", "albert", "AlbertConfig"}),
]


def _words(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in re.findall(r"[A-Za-z0-9_]+", text):
        counts[word] = counts.get(word, 0) + 1
    return counts


def _standalone(word: str, camel: str, snake: str) -> bool:
    """A word where the old name legitimately stands on its own (``opt``, ``opt_state``, ``OPTModel``)."""
    return bool(re.fullmatch(rf"(\w*_)?({snake}|{snake.upper()})(_\w*)?|{camel}([A-Z_]\w*)?", word))


@pytest.mark.parametrize(("path", "camel", "snake", "expected"), LOOKALIKES, ids=[c[0] for c in LOOKALIKES])
def test_lookalike_words_survive_whole_files(path: str, camel: str, snake: str, expected: set[str]) -> None:
    text = (Path(transformers.__file__).parent / path).read_text(encoding="utf-8")
    rename_map = RenameMap(pairs=((Spellings.infer(camel, snake), Spellings.infer(f"My{camel}", f"my_{snake}")),))
    out = rename_node(cst.parse_module(text), rename_map).code  # type: ignore[attr-defined]
    before, after = _words(text), _words(out)
    lookalikes = {w for w in before if snake in w.lower() and not _standalone(w, camel, snake)}
    assert expected <= lookalikes
    assert {w: before[w] for w in sorted(lookalikes)} == {w: after.get(w, 0) for w in sorted(lookalikes)}


# Fidelity with transformers' own converter: the shipped modeling_phi3.py was generated from modular_phi3.py,
# whose Phi3ForCausalLM inherits LlamaForCausalLM's forward; upstream renamed the docstring example's hub id too.
def _example_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "CausalLM.from_pretrained(" in line and ">>>" in line]


def _rename_llama_to_phi3(policy: RenamePolicy) -> list[str]:
    text = (MODELS / "llama" / "modeling_llama.py").read_text(encoding="utf-8")
    rename_map = RenameMap(
        pairs=((Spellings.infer("Llama", "llama"), Spellings.infer("Phi3", "phi3")),), policy=policy
    )
    return _example_lines(rename_node(cst.parse_module(text), rename_map).code)  # type: ignore[attr-defined]


def test_in_tree_compat_reproduces_shipped_docstring_ids() -> None:
    shipped = _example_lines((MODELS / "phi3" / "modeling_phi3.py").read_text(encoding="utf-8"))
    assert shipped == ['>>> model = Phi3ForCausalLM.from_pretrained("meta-phi3/Phi3-2-7b-hf")']
    assert _rename_llama_to_phi3(IN_TREE_COMPAT) == shipped


def test_default_policy_keeps_the_real_hub_id() -> None:
    assert _rename_llama_to_phi3(RenamePolicy()) == [
        '>>> model = Phi3ForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")'
    ]
