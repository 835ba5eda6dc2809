"""Before/after tests for the converter rules transformers 5.25's generated files follow (session 5, helper fid).

Each test converts a small modular snippet against a dict-backed fake transformers and checks one behaviour
(the "before" is said in the test's docstring).
"""

from __future__ import annotations

import ast

import libcst as cst

from scaffold.convert import ConvertOptions, ImportStyle, convert_modular
from scaffold.convert.flatten import merged_decorators

from dict_resolver import FakeResolver


def _in_tree(modular: str, modules: dict[str, str]) -> dict[str, str]:
    options = ConvertOptions(import_style=ImportStyle.IN_TREE, package="transformers.models.bar")
    result = convert_modular(
        modular, modular_path="bar/modular_bar.py", resolver=FakeResolver(modules), options=options
    )
    return {str(f.path): f.content for f in result.files}


def _decorators(code: str, cls: str, method: str) -> list[str]:
    for stmt in ast.parse(code).body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == cls:
            for member in stmt.body:
                if isinstance(member, ast.FunctionDef) and member.name == method:
                    return [ast.unparse(d) for d in member.decorator_list]
    raise AssertionError(f"no method {cls}.{method}")


def _decos(*sources: str) -> list[cst.Decorator]:
    return [cst.Decorator(decorator=cst.parse_expression(s)) for s in sources]


def _codes(decorators: list[cst.Decorator]) -> list[str]:
    return [cst.Module(body=[]).code_for_node(d.decorator) for d in decorators]


DEPRECATE = "deprecate_kwarg('past_key_values', '5.40.0', new_name='cache')"


def test_a_lone_deprecate_kwarg_keeps_the_parents_other_decorators_above_it() -> None:
    """Before: the child's lone ``@deprecate_kwarg`` replaced the parent's ``@capture_outputs @auto_docstring``."""
    merged = merged_decorators(_decos(DEPRECATE), _decos(DEPRECATE, "capture_outputs", "auto_docstring"))
    assert _codes(merged) == ["capture_outputs", "auto_docstring", DEPRECATE]


def test_other_child_decorators_still_replace_the_parents() -> None:
    """Unchanged: a child with any other decorator keeps only its own (colmodernvbert drops the parent's third)."""
    merged = merged_decorators(
        _decos("can_return_tuple", "auto_docstring"), _decos("can_return_tuple", "auto_docstring", "filter_x")
    )
    assert _codes(merged) == ["can_return_tuple", "auto_docstring"]
    merged = merged_decorators(_decos("auto_docstring", DEPRECATE), _decos("capture_outputs", DEPRECATE))
    assert _codes(merged) == ["auto_docstring", DEPRECATE]


MODELING_FOO = """
from torch import nn

from ...utils import auto_docstring
from ...utils.deprecation import deprecate_kwarg
from ...utils.output_capturing import capture_outputs


class FooModel(nn.Module):
    @deprecate_kwarg("past_key_values", "5.40.0", new_name="cache")
    @capture_outputs
    @auto_docstring
    def forward(self, x, cache=None):
        return x
"""


def test_a_lone_deprecate_kwarg_in_a_modular_file_keeps_the_parents_decorators_and_imports() -> None:
    """Before: ``BarModel.forward`` had ``@deprecate_kwarg`` only and ``capture_outputs`` was not imported."""
    modular = """
from ...utils.deprecation import deprecate_kwarg
from ..foo.modeling_foo import FooModel


class BarModel(FooModel):
    @deprecate_kwarg("past_key_values", "5.40.0", new_name="cache")
    def forward(self, x, cache=None):
        return x + 1
"""
    modeling = _in_tree(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO})["modeling_bar.py"]
    assert _decorators(modeling, "BarModel", "forward") == [
        "capture_outputs",
        "auto_docstring",
        "deprecate_kwarg('past_key_values', '5.40.0', new_name='cache')",
    ]
    assert "from ...utils.output_capturing import capture_outputs" in modeling


MODELING_FOO_KERNEL = '''
from torch import nn

from ...integrations import use_kernel_forward_from_hub


@use_kernel_forward_from_hub("foo_scan_forward")
def foo_scan_forward(module, hidden_states):
    """Scan of a Foo layer."""
    return hidden_states


class FooMixer(nn.Module):
    def forward(self, hidden_states):
        return foo_scan_forward(self, hidden_states)
'''


def test_a_forward_kernel_function_keeps_its_name_and_hub_string_and_renames_its_body() -> None:
    """Before: ``foo_scan_forward`` became ``bar_scan_forward`` (decorator string too), a name the hub lacks."""
    modular = """
from ..foo.modeling_foo import FooMixer


class BarMixer(FooMixer):
    pass
"""
    modeling = _in_tree(modular, {"transformers.models.foo.modeling_foo": MODELING_FOO_KERNEL})["modeling_bar.py"]
    assert '@use_kernel_forward_from_hub("foo_scan_forward")\ndef foo_scan_forward(' in modeling
    assert "return foo_scan_forward(self, hidden_states)" in modeling
    assert '"""Scan of a Bar layer."""' in modeling
    assert "bar_scan_forward" not in modeling


def test_forward_kernel_functions_are_decorated_top_level_functions_only() -> None:
    """A decorated class (``@use_kernel_forward_from_hub("RMSNorm")``) is renamed as before: not listed."""
    from scaffold.convert.definitions import index_source
    from scaffold.convert.kernels import forward_kernel_decorators, forward_kernel_functions

    text = (
        MODELING_FOO_KERNEL + '\n\n@use_kernel_forward_from_hub("RMSNorm")\nclass FooRMSNorm(nn.Module):\n    pass\n'
    )
    assert forward_kernel_functions(index_source(text, "transformers.models.foo")) == {"foo_scan_forward"}
    function = cst.parse_statement('@use_kernel_forward_from_hub("x")\n@other\ndef f():\n    pass\n')
    assert forward_kernel_decorators(function) == {id(function.decorators[0])}
    assert (
        forward_kernel_decorators(cst.parse_statement('@use_kernel_forward_from_hub("x")\nclass A:\n    pass\n'))
        == set()
    )


def test_in_source_order_sorts_by_the_parents_positions_and_keeps_new_code_after_its_predecessor() -> None:
    """Before: a clone's file followed its modular file (``ForCausalLM`` before ``RMSNorm`` in a llama clone)."""
    from scaffold.convert.assemble import in_source_order

    order = ["logger", "apply", "Attention", "ForCausalLM", "ForCausalLM[0]", "New", "RMSNorm", "Model", "__all__"]
    ranks = {"logger": 0, "RMSNorm": 1, "apply": 2, "Attention": 3, "Model": 4, "ForCausalLM": 5}
    assert in_source_order(order, ranks) == [
        "logger",
        "RMSNorm",
        "apply",
        "Attention",
        "Model",
        "ForCausalLM",
        "ForCausalLM[0]",
        "New",
        "__all__",
    ]


def test_definition_order_follows_the_import_style_unless_given() -> None:
    from scaffold.convert import DefinitionOrder

    assert ConvertOptions(import_style=ImportStyle.IN_TREE).definition_order is DefinitionOrder.MODULAR
    assert ConvertOptions(import_style=ImportStyle.OUT_OF_TREE).definition_order is DefinitionOrder.SOURCE
    given = ConvertOptions(import_style=ImportStyle.OUT_OF_TREE, order=DefinitionOrder.MODULAR)
    assert given.definition_order is DefinitionOrder.MODULAR


def test_a_word_plus_the_parent_name_keeps_the_parent_model_only_after_the_default_prefix() -> None:
    """Before: ``DeepseekVLSamVisionNeck(SamVisionNeck)`` in deepseek_vl_hybrid voted ``DeepseekVLSam``, so
    ``SamLayerNorm`` became ``DeepseekVLSamLayerNorm`` instead of the modular's ``DeepseekVLHybridLayerNorm``."""
    from scaffold.convert.naming import new_prefix

    assert new_prefix("DeepseekVLSamVisionNeck", "SamVisionNeck", "Sam", "DeepseekVLHybrid") == "DeepseekVLHybrid"
    assert new_prefix("DeepseekOcr2SamVisionNeck", "SamVisionNeck", "Sam", "DeepseekOcr2") == "DeepseekOcr2Sam"
    assert new_prefix("XCLIPAttention", "CLIPAttention", "CLIP", "XCLIP") == "XCLIP"


def test_a_docstring_containing_or_contained_in_the_parents_replaces_it() -> None:
    """Before: ``BambaMixer``'s docstring (the parent's text plus a note) came after the parent's: the text twice;
    ``JambaMambaMixer``'s (the parent's without its note) was appended to the parent's, and so repeated too."""
    from scaffold.convert.docstrings import merge

    parent = '"""\n    Compute the states.\n    """'
    longer = '"""\n    Compute the states.\n\n    A note of the child.\n    """'
    assert merge(parent, longer) == longer
    assert merge(longer, parent) == parent
    assert merge(parent, '"""\n    Another text.\n    """') == '"""\n    Compute the states.\n    \n    Another text.\n    """'


def test_a_blank_line_follows_the_header_when_the_first_import_kept_had_one_above_it() -> None:
    """Before: the module docstring's blank line was lost with the docstring (5.25's qwen3: header, blank, imports);
    a file that keeps only later imports without a blank line above them still has none (qwen3's configuration)."""
    from scaffold.convert.header_gap import first_used_import_has_gap, header_with_gap

    tree = cst.parse_module('# Copyright\n"""Doc."""\n\nimport torch\nfrom torch import nn\n\n\nclass A:\n    pass\n')
    assert first_used_import_has_gap(tree, ["torch", "nn"], None)
    assert not first_used_import_has_gap(tree, ["nn"], None)
    assert not first_used_import_has_gap(tree, ["other"], None)
    header = list(tree.header)
    assert [line.comment is None for line in header_with_gap(header, True)] == [False, True]
    assert header_with_gap(header, False) == header
