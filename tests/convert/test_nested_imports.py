"""Relative imports inside methods, out of transformers' tree (``--like rag`` failed with 'attempted relative
import beyond top-level package' when ``from_pretrained_question_encoder_generator`` ran)."""

from __future__ import annotations

import libcst as cst

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.convert.nested_imports import AbsoluteNestedImportTransformer

from dict_resolver import FakeResolver

BEFORE = """
def load(self):
    from ..auto.modeling_auto import AutoModel
    from ...utils import logging
    from . import sibling
    from .configuration_foo import FooConfig
    from .... import too_far
    return AutoModel
"""

AFTER = """
def load(self):
    from transformers.models.auto.modeling_auto import AutoModel
    from transformers.utils import logging
    from . import sibling
    from .configuration_foo import FooConfig
    from .... import too_far
    return AutoModel
"""


def test_two_and_three_dots_name_transformers_packages_and_the_rest_is_left_alone() -> None:
    module = cst.parse_module(BEFORE)
    assert module.visit(AbsoluteNestedImportTransformer()).code == AFTER


def test_three_dots_without_a_module_is_transformers_itself() -> None:
    module = cst.parse_module("def f():\n    from ... import PreTrainedModel\n")
    code = module.visit(AbsoluteNestedImportTransformer()).code
    assert code == "def f():\n    from transformers import PreTrainedModel\n"


FOO = """
from torch import nn


class FooModel(nn.Module):
    @classmethod
    def from_parts(cls):
        from ..auto.modeling_auto import AutoModel

        return AutoModel
"""

MODULAR = """
from transformers.models.foo.modeling_foo import FooModel


class BarModel(FooModel):
    pass
"""


def _modeling(style: ImportStyle) -> str:
    options = ConvertOptions(
        import_style=style, package=None if style is ImportStyle.OUT_OF_TREE else "transformers.models.bar"
    )
    result = convert_modular(
        MODULAR,
        modular_path="bar/modular_bar.py",
        resolver=FakeResolver({"transformers.models.foo.modeling_foo": FOO}),
        options=options,
    )
    return next(f.content for f in result.files if str(f.path) == "modeling_bar.py")


def test_a_clone_imports_transformers_absolutely_inside_methods_and_in_tree_keeps_the_dots() -> None:
    assert "        from transformers.models.auto.modeling_auto import AutoModel\n" in _modeling(
        ImportStyle.OUT_OF_TREE
    )
    assert "        from ..auto.modeling_auto import AutoModel\n" in _modeling(ImportStyle.IN_TREE)
