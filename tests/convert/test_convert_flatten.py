"""Before -> after tests of flattening a modular class onto its parent (one behaviour per test)."""

from __future__ import annotations

import textwrap

import libcst as cst

from scaffold.convert.flatten import merge_class
from scaffold.convert.unroll import ReplaceParentMethodCallsTransformer


def _class(code: str) -> cst.ClassDef:
    return cst.parse_module(textwrap.dedent(code)).body[0]  # type: ignore[return-value]


def _merge(parent: str, child: str, base: str = "Parent") -> str:
    merged = merge_class(_class(child), _class(parent), base)
    return cst.Module(body=[merged]).code


PARENT = """
class Parent(nn.Module):
    \"\"\"Parent doc.\"\"\"

    kind = "parent"

    def __init__(self, config):
        super().__init__()
        self.a = config.a
        self.b = config.b
        self.post_init()

    def forward(self, x):
        return self.a(x)
"""


def test_pass_child_is_the_parent_renamed() -> None:
    out = _merge(PARENT, "class Child(Parent):\n    pass\n")
    assert "class Child(nn.Module):" in out
    assert "self.b = config.b" in out and "def forward(self, x):" in out
    assert "pass" not in out


def test_override_replaces_the_method_in_place_and_new_methods_go_last() -> None:
    child = """
    class Child(Parent):
        def extra(self):
            return 1

        def forward(self, x):
            return self.b(x)
    """
    out = _merge(PARENT, child)
    assert "return self.b(x)" in out and "return self.a(x)" not in out
    assert out.index("def __init__") < out.index("def forward") < out.index("def extra")


def test_super_call_is_unrolled_and_del_removes_the_attribute() -> None:
    child = """
    class Child(Parent):
        def __init__(self, config):
            super().__init__(config)
            del self.b
            self.c = 3
    """
    out = _merge(PARENT, child)
    init = out[out.index("def __init__") : out.index("def forward")]
    assert "self.a = config.a" in init and "self.b" not in init and "self.c = 3" in init
    assert "super().__init__()" in init  # the parent's own super() call is kept
    assert init.strip().endswith("self.post_init()")  # post_init stays last


def test_child_assignment_after_super_replaces_the_parents_in_place() -> None:
    child = """
    class Child(Parent):
        def __init__(self, config):
            super().__init__(config)
            self.a = None
    """
    out = _merge(PARENT, child)
    assert out.index("self.a = None") < out.index("self.b = config.b")
    assert "self.a = config.a" not in out


def test_attribute_error_assignment_removes_a_class_attribute() -> None:
    out = _merge(PARENT, "class Child(Parent):\n    kind = AttributeError()\n")
    assert "kind" not in out


def test_method_raising_an_error_removes_the_parents_method() -> None:
    child = """
    class Child(Parent):
        kind = "child"

        def forward(self, x):
            raise AttributeError("Not needed")
    """
    out = _merge(PARENT, child)
    assert "def forward" not in out


def test_super_kwargs_expands_the_parent_signature() -> None:
    parent = """
    class Parent(nn.Module):
        def forward(self, x, mask=None, **kwargs):
            return x
    """
    child = """
    class Child(Parent):
        def forward(self, x, extra=1, **super_kwargs):
            return super().forward(x, **super_kwargs)
    """
    out = _merge(parent, child)
    assert "def forward(self, x, mask=None, extra=1, **kwargs):" in out


def test_decorators_follow_the_parent_unless_the_child_sets_its_own() -> None:
    parent = "@dec_a\nclass Parent(nn.Module):\n    @method_dec\n    def f(self):\n        return 1\n"
    kept = _merge(parent, "class Child(Parent):\n    def f(self):\n        return 2\n")
    assert "@dec_a" in kept and "@method_dec" in kept
    replaced = _merge(parent, "@dec_b\nclass Child(Parent):\n    @other\n    def f(self):\n        return 2\n")
    assert "@dec_b" in replaced and "@dec_a" not in replaced
    assert "@other" in replaced and "@method_dec" not in replaced


def test_partial_child_docstring_is_appended_to_the_parents() -> None:
    child = 'class Child(Parent):\n    """More text."""\n'
    out = _merge(PARENT, child)
    # the parent's docstring ("Parent doc.") is kept, with the parent's class name renamed to the child's
    assert '"""Child doc.\nMore text."""' in out


def test_one_line_parent_body_becomes_pass() -> None:
    out = _merge("class Parent(A, B): ...\n", "class Child(Parent):\n    pass\n")
    assert out.strip() == "class Child(A, B):\n    pass"


def test_extra_child_base_switches_the_parent_base_with_the_same_suffix() -> None:
    parent = "class Parent(LlamaPreTrainedModel, Mixin):\n    x = 1\n"
    out = _merge(parent, "class Child(Parent, MyPreTrainedModel):\n    pass\n")
    assert "class Child(MyPreTrainedModel, Mixin):" in out


def test_calls_through_the_parent_class_become_super_calls() -> None:
    code = "y = Parent.forward(self, x)\nz = Parent().act(x)\n"
    out = cst.parse_module(code).visit(ReplaceParentMethodCallsTransformer(frozenset({"Parent"}))).code
    assert out == "y = super().forward(x)\nz = super().act(x)\n"
