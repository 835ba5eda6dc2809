"""The libcst transformers that turn a child's calls to its parent into code of the merged class."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

from scaffold.convert import docstrings
from scaffold.convert.shapes import is_name, is_super_call, only_small

_EMPTY = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    """Source text of a node."""
    return _EMPTY.code_for_node(node)


def comment_less(node: cst.CSTNode) -> str:
    """Source text of a node without comments or trailing spaces, to compare statements."""
    text = re.sub(r"#.*", "", code_of(node)).strip()
    return re.sub(r" *\n", "\n", text).strip()


def is_super_call_statement(stmt: cst.CSTNode, name: str) -> bool:
    """``super().name(...)`` or ``return super().name(...)`` as a whole statement."""
    small = only_small(stmt, (cst.Expr, cst.Return))
    return small is not None and is_super_call(small.value, name)


class ReplaceParentMethodCallsTransformer(cst.CSTTransformer):
    """Calls through a base class name become ``super()`` calls, since the parent is flattened away.

    Before: ``x = LlamaAttention.forward(self, hidden_states)``
    After:  ``x = super().forward(hidden_states)``
    Before (in ``__init__``): ``nn.Module.__init__(self)``   (an ancestor's version of the same method)
    After:  ``super().__init__()``
    """

    def __init__(
        self,
        bases: frozenset[str],
        method: str | None = None,
        local: frozenset[str] = frozenset(),
        ancestors: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.bases = bases
        self.method = method
        self.local = local  # classes of the modular file: calling their version of the method is not an ancestor call
        self.ancestors = ancestors  # the child's and the merged class's bases

    def _names_base(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            node = node.func
        return isinstance(node, (cst.Name, cst.Attribute)) and get_full_name_for_node(node) in self.bases

    def _same_method_on_self(self, call: cst.Call) -> bool:
        """``Ancestor.method(...)`` inside ``method``: through one of the bases, or through any class (a capitalised,
        possibly dotted name) other than the modular file's own (``nn.Module.__init__()``,
        ``PreTrainedModel.from_pretrained(*args)``, ``PreTrainedModel.__init__(self, config)``).
        """
        func = call.func
        if self.method is None or not isinstance(func, cst.Attribute) or func.attr.value != self.method:
            return False
        owner = get_full_name_for_node(func.value) if isinstance(func.value, (cst.Name, cst.Attribute)) else None
        if not owner or owner.split(".")[0] == "self":
            return False
        if owner in self.ancestors:
            return True
        return owner not in self.local and owner.rpartition(".")[2][:1].isupper()

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        same = self._same_method_on_self(original_node)
        if isinstance(func, cst.Attribute) and (same or self._names_base(func.value)):
            args = updated_node.args
            if original_node.args and is_name(original_node.args[0].value, "self"):
                args = args[1:]
            new_func = updated_node.func.with_changes(value=cst.Call(func=cst.Name("super")))  # type: ignore[call-arg]
            return updated_node.with_changes(func=new_func, args=args)
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self._names_base(original_node.value):
            return updated_node.with_changes(value=cst.Call(func=cst.Name("super")))
        return updated_node


class UnrollSuperCallsTransformer(cst.CSTTransformer):
    """In methods the child overrides, ``super().method()`` is replaced by the parent's body of that method.

    Before (parent ``__init__``: ``self.a = 1; self.b = 2``; child):
        def __init__(self):
            super().__init__()
            del self.b
            self.c = 3
    After:
        def __init__(self):
            self.a = 1
            self.c = 3
    """

    def __init__(
        self,
        parent_methods: Mapping[str, cst.FunctionDef],
        child_methods: frozenset[str],
        bases: frozenset[str],
        local: frozenset[str] = frozenset(),
        ancestors: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.parent_methods = parent_methods
        self.child_methods = child_methods
        self.bases = bases
        self.local = local
        self.ancestors = ancestors
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return False  # methods are rewritten whole in leave_FunctionDef

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.depth -= 1
        name = updated_node.name.value
        if self.depth != 0 or name not in self.child_methods or not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        return updated_node.with_changes(body=updated_node.body.with_changes(body=self._body_of(updated_node)))

    def _body_of(self, method: cst.FunctionDef) -> list[cst.BaseStatement]:
        name = method.name.value
        parent = self.parent_methods.get(name)
        parent_body = list(parent.body.body) if parent is not None and isinstance(parent.body, cst.IndentedBlock) else []
        parent_doc = parent_body[0] if parent_body and docstrings.is_docstring(parent_body[0]) else None
        statements = list(method.body.body)  # type: ignore[union-attr]
        new_body: list[cst.BaseStatement] = []
        unrolled = has_doc = False
        replace_calls = ReplaceParentMethodCallsTransformer(self.bases, name, self.local, self.ancestors)
        for index, stmt in enumerate(statements):
            if parent is not None and is_super_call_statement(stmt, name):
                unrolled = True
                merged = new_body + merge_after_super(parent_body, statements[index + 1 :])
                new_body = _init_first(merged) if _starts_with_init(parent_body) else merged
                continue
            stmt = stmt.visit(replace_calls)
            if docstrings.is_docstring(stmt):
                has_doc = True
                if parent_doc is not None:
                    merged = docstrings.merge(docstrings.docstring_value(parent_doc), docstrings.docstring_value(stmt))
                    stmt = docstrings.with_docstring_value(stmt, merged)  # type: ignore[arg-type]
                new_body.append(stmt)
            elif not unrolled and only_small(stmt, cst.Del) is None:
                new_body.append(stmt)
        if not has_doc and parent_doc is not None:
            new_body.insert(0, parent_doc)
        return new_body


def _target_code(stmt: cst.CSTNode) -> str | None:
    assign = only_small(stmt, cst.Assign)
    return code_of(assign.targets[0].target) if assign is not None else None


def _deleted_code(stmt: cst.CSTNode) -> str | None:
    deleted = only_small(stmt, cst.Del)
    return code_of(deleted.target) if deleted is not None else None


def merge_after_super(
    parent_body: Sequence[cst.BaseStatement], after: Sequence[cst.BaseStatement]
) -> list[cst.BaseStatement]:
    """The parent's statements with the child's post-``super()`` edits applied.

    A child assignment to the same target replaces the parent's in place; ``del target`` drops the parent's
    assignment; other child statements follow unless an identical one is already there; ``self.post_init()``
    stays last. The parent's docstring is left out (the caller places docstrings).
    """
    reassigned = {code: s for s in after if (code := _target_code(s)) is not None}
    deleted = {code for s in after if (code := _deleted_code(s)) is not None}
    merged: list[cst.BaseStatement] = []
    seen: set[str] = set()
    for stmt in parent_body:
        target = _target_code(stmt)
        if target is not None and target in deleted:
            continue
        if target is not None and target in reassigned:
            stmt = reassigned[target]
        elif docstrings.is_docstring(stmt):
            continue
        merged.append(stmt)
        seen.add(comment_less(stmt))
    for stmt in after:
        code = comment_less(stmt)
        if stmt not in merged and code not in seen and _deleted_code(stmt) is None:
            merged.append(stmt)
            seen.add(code)
    return _post_init_last(merged)


def _post_init_last(body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    for index, stmt in enumerate(body):
        if "self.post_init(" in comment_less(stmt) and index < len(body) - 1:
            return body[:index] + body[index + 1 :] + [stmt]
    return body


def _starts_with_init(body: Sequence[cst.BaseStatement]) -> bool:
    """The parent's own ``super().__init__(...)`` is its first statement (after the docstring).

    Only then does it stay first when the child runs code before calling ``super().__init__``; a parent that
    runs code before its own ``super().__init__`` keeps that order (ColPali's processor on PaliGemma's).
    """
    code = [s for s in body if not docstrings.is_docstring(s)]
    return bool(code) and "super().__init__" in comment_less(code[0])


def _init_first(body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    start = 0
    for index, stmt in enumerate(body):
        if docstrings.is_docstring(stmt) and index == start:
            start += 1
            continue
        if "super().__init__" in comment_less(stmt) and index > start:
            return body[:start] + [stmt] + body[start:index] + body[index + 1 :]
    return body
