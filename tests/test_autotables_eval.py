"""The static evaluator of transformers' auto tables: loops, membership tests and subscript assignments."""

from __future__ import annotations

import ast
import textwrap

import pytest

from scaffold import autotables
from scaffold.autotables import _TableEvaluator, read_auto_tables
from scaffold.source import installed_transformers


def evaluate(source: str) -> dict:
    scope: dict = {}
    _TableEvaluator(scope).run(ast.parse(textwrap.dedent(source)).body)
    return scope


def test_loop_over_a_set_adds_only_missing_keys_in_written_order():
    scope = evaluate(
        """
        T = OrderedDict([("a", "ATok"), ("b", None)])
        EXTRA = {"c", "a", "d"}
        for model_type in EXTRA:
            if model_type not in T:
                T[model_type] = "Backend" if is_tokenizers_available() else None
        """
    )
    assert list(scope["T"].items()) == [("a", "ATok"), ("b", None), ("c", "Backend"), ("d", "Backend")]
    assert "model_type" not in scope  # the loop variable does not leak into the tables


def test_membership_true_takes_the_body_and_false_the_else_branch():
    scope = evaluate(
        """
        T = {"a": 1}
        if "a" in T:
            X = "yes"
        else:
            X = "no"
        if "z" in T:
            Y = "yes"
        else:
            Y = "no"
        """
    )
    assert (scope["X"], scope["Y"]) == ("yes", "no")


def test_a_test_it_cannot_evaluate_is_assumed_true():
    assert evaluate("if is_torch_available():\n    A = 1\nelse:\n    A = 2\n")["A"] == 1


def test_a_loop_over_something_it_cannot_evaluate_is_skipped():
    scope = evaluate(
        """
        T = {"a": {"torchvision": "P"}}
        for k, v in T.items():
            T[k] = None
        for k in sorted(T):
            T[k] = None
        """
    )
    assert scope["T"] == {"a": {"torchvision": "P"}}


def test_every_tokenizer_entry_of_the_runtime_table_is_read():
    """Compared with transformers' own table after import (its procedural additions included)."""
    runtime = pytest.importorskip("transformers.models.auto.tokenization_auto").TOKENIZER_MAPPING_NAMES
    ours = read_auto_tables(installed_transformers()).tables["TOKENIZER_MAPPING_NAMES"]
    missing = sorted(set(runtime) - set(ours))
    assert missing == []
    assert ours["llava"] == runtime["llava"]  # added by the loop in tokenization_auto, not a literal entry


def test_an_availability_choice_follows_the_installed_modules():
    """Before: ``"MistralCommonBackend" if is_mistral_common_available() else ...`` always took the first branch,
    so mistral clones registered MistralCommonBackend without mistral_common installed."""
    source = 'T = {"m": "Common" if is_mistral_common_available() else ("Fast" if is_tokenizers_available() else None)}'
    for installed, expected in ((set(), None), ({"tokenizers"}, "Fast"), ({"mistral_common", "tokenizers"}, "Common")):
        scope: dict = {}
        _TableEvaluator(scope, installed.__contains__).run(ast.parse(source).body)
        assert scope["T"]["m"] == expected
    scope = {}
    _TableEvaluator(scope, lambda module: False).run(ast.parse('T = {"v": "A" if is_vision_available() else "B"}').body)
    assert scope["T"]["v"] == "A"  # a check it does not know is assumed true


class _DictResolver:
    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = modules

    def read_module(self, dotted: str) -> str | None:
        return self.modules.get(dotted.rsplit(".", 1)[-1])


def _no_evaluation(monkeypatch) -> None:
    def refuse(self, body):
        raise AssertionError("the config modules were evaluated again")

    monkeypatch.setattr(autotables._TableEvaluator, "run", refuse)


def test_the_config_table_is_taken_from_the_config_modules_before_later_modules_change_it(monkeypatch):
    resolver = _DictResolver(
        {
            "configuration_auto": 'CONFIG_MAPPING_NAMES = OrderedDict([("a", "AConfig")])',
            "modeling_auto": 'CONFIG_MAPPING_NAMES.update({"late": "LateConfig"})',
        }
    )
    tables = read_auto_tables(resolver)
    assert dict(tables.config_names) == {"a": "AConfig", "late": "LateConfig"}
    _no_evaluation(monkeypatch)  # read_config_table answers from what read_auto_tables remembered
    assert dict(autotables.read_config_table(resolver).config_names) == {"a": "AConfig"}
    assert tables.config_table == autotables.read_config_table(resolver)


def test_tables_from_elsewhere_are_remembered_for_read_config_table(monkeypatch):
    installed = installed_transformers()
    plain = autotables.tables_to_plain(read_auto_tables(installed))
    autotables._CONFIG_TABLES.clear()
    fresh = autotables.read_config_table(installed)  # evaluated
    autotables._CONFIG_TABLES.clear()
    autotables.remember_config_table(installed, autotables.tables_from_plain(plain))
    _no_evaluation(monkeypatch)
    assert autotables.read_config_table(installed) == fresh and fresh.config_names["llama"] == "LlamaConfig"
