"""preformat: black's layout where it is certain. Expected texts are written by hand; black is the second judge:
its first pass must leave each result unchanged, and its output must be the same as for the unlaid-out input."""

from __future__ import annotations

import black
import libcst as cst

from scaffold.convert.preformat import (
    all_statement,
    ends_with_import,
    spaced_class_body,
    spaced_module_body,
    split_long_imports,
)

MODE = black.Mode(line_length=119, target_versions={black.TargetVersion.PY310})
LONG_NAMES = ", ".join(f"SomeRatherLongName{i}" for i in range(6))


def _black_agrees(before: str, after: str) -> None:
    assert black.format_str(after, mode=MODE) == black.format_str(before, mode=MODE)
    assert black._format_str_once(after, mode=MODE) == after  # black's first pass has nothing to change


def test_long_import_is_split_one_name_per_line_short_one_kept():
    before = f"from transformers.modeling_layers import {LONG_NAMES}\nfrom a import b, c\n"
    after = split_long_imports(before)
    names = "".join(f"    SomeRatherLongName{i},\n" for i in range(6))
    assert after == f"from transformers.modeling_layers import (\n{names})\nfrom a import b, c\n"
    _black_agrees(before, after)


def test_long_guarded_import_keeps_its_indentation():
    before = f"if x:\n    from transformers.modeling_layers import {LONG_NAMES}\n"
    after = split_long_imports(before)
    assert after.startswith("if x:\n    from transformers.modeling_layers import (\n        SomeRatherLongName0,\n")
    assert after.endswith("        SomeRatherLongName5,\n    )\n")
    _black_agrees(before, after)


def test_all_statement_on_one_line_when_it_fits_else_one_name_per_line():
    assert cst.Module(body=[all_statement(["A", "B"])]).code == '__all__ = ["A", "B"]\n'
    names = [f"SomeRatherLongModelName{i}" for i in range(5)]
    code = cst.Module(body=[all_statement(names)]).code
    assert code == "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n"
    _black_agrees("__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]\n", code)


def _module_code(source: str, after_imports: bool) -> str:
    module = cst.parse_module(source)
    return module.with_changes(body=spaced_module_body(list(module.body), after_imports)).code


def test_module_body_two_blank_lines_after_definitions_and_one_after_imports():
    before = 'X = 1\n\n\nclass A:\n    pass\n__all__ = ["A"]\n'
    assert _module_code(before, after_imports=True) == '\nX = 1\n\n\nclass A:\n    pass\n\n\n__all__ = ["A"]\n'
    _black_agrees("import os\n" + before, "import os\n" + _module_code(before, after_imports=True))


def test_module_body_leaves_comments_one_line_stubs_and_assignments_alone():
    before = "def f(): ...\ndef f(x): ...\nY = 2\n# note\nZ = 3\n"
    assert _module_code(before, after_imports=False) == before


def _class_code(source: str) -> str:
    module = cst.parse_module(source)
    node = module.body[0]
    body = spaced_class_body(list(node.body.body))  # type: ignore[attr-defined]
    return module.with_changes(body=[node.with_changes(body=node.body.with_changes(body=body))]).code  # type: ignore[attr-defined]


def test_class_body_blank_line_after_docstring_and_before_a_method_after_an_attribute():
    before = 'class A:\n    r"""Doc."""\n    x = 1\n    y = {\n        "a": 1,\n    }\n    def f(self):\n        pass\n'
    after = 'class A:\n    r"""Doc."""\n\n    x = 1\n    y = {\n        "a": 1,\n    }\n\n    def f(self):\n        pass\n'
    assert _class_code(before) == after
    _black_agrees(before, after)


def test_class_body_keeps_existing_blank_lines_comments_and_method_pairs():
    before = "class A:\n    x = 1\n    # why\n    def f(self):\n        pass\n    def g(self):\n        pass\n"
    assert _class_code(before) == before
    bytes_doc = 'class A:\n    b"""not a docstring"""\n    x = 1\n'
    assert _class_code(bytes_doc) == bytes_doc


def test_ends_with_import():
    assert ends_with_import("# header\nfrom a import b\n")
    assert ends_with_import("from a import (\n    b,\n)\n")
    assert not ends_with_import("if x:\n    from a import b\n")
    assert not ends_with_import("# header only\n")
