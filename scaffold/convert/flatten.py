"""Flatten a modular class onto its model-specific parent: the parent's body, with the child's edits merged.

``merge_class`` is pure: it takes the child's class node (from the modular file) and the parent's class node
(from the already renamed source module) and returns the standalone class.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

from scaffold.convert import docstrings
from scaffold.convert import rename_transformers as rt
from scaffold.convert.preformat import spaced_class_body
from scaffold.convert.naming import common_suffix, default_camel, lowercase_name
from scaffold.convert.rename import ComposedTransformer, RenameMap, RenamePolicy, Spellings
from scaffold.convert.shapes import is_attr_or_name, is_name, only_small
from scaffold.convert.unroll import UnrollSuperCallsTransformer, code_of

_PASS = cst.SimpleStatementLine(body=[cst.Pass()])


def _is_ellipsis(stmt: cst.CSTNode) -> bool:
    """A bare ``...`` body statement (a one-line class ``class A(B): ...``) carries nothing."""
    expr = stmt if isinstance(stmt, cst.Expr) else only_small(stmt, cst.Expr)
    return expr is not None and isinstance(expr.value, cst.Ellipsis)


def _as_statement(stmt: cst.CSTNode) -> cst.BaseStatement:
    """Small statements of a one-line class body become statement lines of an indented block."""
    if isinstance(stmt, cst.BaseSmallStatement):
        return cst.SimpleStatementLine(body=[stmt])
    return stmt  # type: ignore[return-value]


def _statements(cls: cst.ClassDef) -> list[cst.BaseStatement]:
    """A class body as statements, one-line bodies included."""
    return [_as_statement(s) for s in cls.body.body]


def _key(stmt: cst.CSTNode) -> str:
    """A class-body member's identity: a method's name, else its source."""
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return stmt.name.value
    return code_of(stmt)


def _assign_key(stmt: cst.CSTNode) -> str | None:
    """The target source of a class-level ``x = ...`` or ``x: T = ...``."""
    assign = only_small(stmt, cst.Assign)
    if assign is not None:
        return code_of(assign.targets[0].target)
    annotated = only_small(stmt, cst.AnnAssign)
    return code_of(annotated.target) if annotated is not None else None


def _removes_attribute(stmt: cst.CSTNode) -> bool:
    """``x = AttributeError()`` in a child class removes ``x``."""
    assign = only_small(stmt, cst.Assign)
    return assign is not None and isinstance(assign.value, cst.Call) and is_name(assign.value.func, "AttributeError")


_REMOVAL_SHAPE = re.compile(r"\ndef [^\n]*\([^\n]*\)[^\n]*:[^\n]*\n    raise [^\n]*Error\(")


def _removes_method(method: cst.FunctionDef) -> bool:
    """A child method written as a bare one-line ``def`` whose first statement raises ``...Error(...)`` removes
    the parent's method.

    The shape is textual, as transformers' converter reads it: exactly one blank line before the ``def`` (so not
    the first member right under the ``class`` line, and no comment or decorator), the signature on one line,
    and ``raise ...Error(`` as the next line (no docstring first). Any other such method overrides the parent's
    like any method (DeepseekVL's image processors keep ``postprocess``, their first member).
    """
    if not isinstance(method.body, cst.IndentedBlock) or not method.body.body:
        return False
    raised = only_small(method.body.body[0], cst.Raise)
    if raised is None or not isinstance(raised.exc, cst.Call):
        return False
    return _REMOVAL_SHAPE.match(code_of(method)) is not None


def _merged_params(child: cst.FunctionDef, parent: cst.FunctionDef) -> cst.Parameters:
    """``**super_kwargs`` in the child stands for the parent's signature, extended by the child's parameters."""
    star = child.params.star_kwarg
    if star is None or star.name.value != "super_kwargs":
        return child.params
    by_name = {p.name.value: p for p in parent.params.params}
    by_name.update({p.name.value: p for p in child.params.params[1:]})
    return child.params.with_changes(params=list(by_name.values()), star_kwarg=parent.params.star_kwarg)


def _no_inherit(decorator: cst.Decorator) -> bool:
    return is_attr_or_name(decorator.decorator, "no_inherit_decorator")


def _deprecates_kwarg(decorator: cst.Decorator) -> bool:
    """``@deprecate_kwarg(...)`` (called, as it always is)."""
    call = decorator.decorator
    return isinstance(call, cst.Call) and is_attr_or_name(call.func, "deprecate_kwarg")


def merged_decorators(child: Sequence[cst.Decorator], parent: Sequence[cst.Decorator]) -> Sequence[cst.Decorator]:
    """The child's decorators when it has any, else the parent's.

    ``@no_inherit_decorator`` on the child means "not the parent's decorators": it is dropped, and so are they.
    A child decorated only with ``@deprecate_kwarg(...)`` adds to the parent's other decorators, its own last:
    transformers 5.25 writes ``@deprecate_kwarg("past_key_values", ..., new_name="cache")`` alone on overridden
    ``forward`` methods, and its generated files keep the parent's ``@capture_outputs @auto_docstring`` above it.
    """
    if any(_no_inherit(d) for d in child):
        return [d for d in child if not _no_inherit(d)]
    if child and all(_deprecates_kwarg(d) for d in child):
        return [*(d for d in parent if not _deprecates_kwarg(d)), *child]
    return child or parent


def _override(parent: cst.FunctionDef, child: cst.FunctionDef) -> cst.FunctionDef:
    """The parent's method with the child's body; decorators and return annotation follow the child if set."""
    return parent.with_changes(
        body=child.body,
        params=_merged_params(child, parent),
        decorators=merged_decorators(child.decorators, parent.decorators),
        returns=child.returns or parent.returns,
    )


def _ends_with(name: str, base: str) -> str:
    """``base`` when ``name`` is a longer name ending with it (``OmniModalProcessorMixin``, ``ProcessorMixin``)."""
    return base if name != base and name.endswith(base) else ""


def _switched_bases(parent: cst.ClassDef, extra_bases: list[str]) -> list[cst.Arg]:
    """A parent's base is replaced by a child's extra base sharing a CamelCase suffix with it (or ending with it)."""
    bases = []
    for base in parent.bases:
        if isinstance(base.value, cst.Name):
            for extra in extra_bases:
                suffix = common_suffix(base.value.value, extra) or _ends_with(extra, base.value.value)
                if suffix and suffix[0].isupper():
                    base = base.with_changes(value=base.value.with_changes(value=extra))
                    break
        bases.append(base)
    return bases


def _with_added_bases(
    bases: list[cst.Arg], parent: cst.ClassDef, child: cst.ClassDef, extra: list[str]
) -> list[cst.Arg]:
    """The child's extra bases that switched none of the parent's and that it lacks come after the parent's;
    ``nn.Module`` then gives way to ``GradientCheckpointingLayer``.

    ``Sam2TwoWayAttentionBlock(SamTwoWayAttentionBlock, GradientCheckpointingLayer)`` on a parent based on
    ``nn.Module`` -> ``class Sam2TwoWayAttentionBlock(GradientCheckpointingLayer)``.
    """
    have = {get_full_name_for_node(b.value) or "" for b in [*bases, *parent.bases]}
    added = [cst.Arg(value=b.value) for b in child.bases if (get_full_name_for_node(b.value) or "") in extra]
    result = bases + [b for b in added if get_full_name_for_node(b.value) not in have]
    names = {get_full_name_for_node(b.value) for b in result}
    if "nn.Module" in names and "GradientCheckpointingLayer" in names:
        result = [b for b in result if get_full_name_for_node(b.value) != "nn.Module"]
    return result


def _merged_body(child: cst.ClassDef, parent: cst.ClassDef) -> list[cst.BaseStatement]:
    child_members = {_key(s): s for s in _statements(child)}
    removed = {_assign_key(s) for s in _statements(child) if _removes_attribute(s)}
    doc: list[cst.BaseStatement] = []
    assigns: dict[str, cst.BaseStatement] = {}
    rest: list[cst.BaseStatement] = []
    child_targets = {_assign_key(s) for s in _statements(child)} - {None}
    for stmt in _statements(parent):
        override = child_members.get(_key(stmt))
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value in child_targets:
            continue  # a child field replaces a parent property of that name (PocketTTS latent_stride)
        if isinstance(stmt, cst.FunctionDef) and isinstance(override, cst.FunctionDef):
            if _removes_method(override):
                continue
            stmt = _override(stmt, override)
        if (target := _assign_key(stmt)) is not None:
            assigns[target] = stmt
        elif docstrings.is_docstring(stmt):
            doc = [stmt]
        else:
            rest.append(stmt)
    parent_keys = {_key(s) for s in _statements(parent)}
    for stmt in _statements(child):
        if docstrings.is_docstring(stmt):
            doc = [_merged_doc(doc, stmt)]
        elif isinstance(stmt, cst.FunctionDef) and stmt.name.value not in parent_keys:
            rest.append(stmt)
        elif (target := _assign_key(stmt)) is not None:
            assigns[target] = stmt
    kept = [s for key, s in assigns.items() if key not in removed]
    return doc + kept + rest


def _merged_doc(parent_doc: list[cst.BaseStatement], child_doc: cst.BaseStatement) -> cst.BaseStatement:
    if not parent_doc:
        return cst.SimpleStatementLine(body=[cst.Expr(cst.SimpleString(docstrings.docstring_value(child_doc)))])
    merged = docstrings.merge(docstrings.docstring_value(parent_doc[0]), docstrings.docstring_value(child_doc))
    return docstrings.with_docstring_value(parent_doc[0], merged)  # type: ignore[arg-type]


def merge_class(
    child: cst.ClassDef, parent: cst.ClassDef, parent_base: str, local: frozenset[str] = frozenset()
) -> cst.ClassDef:
    """The standalone class: ``parent`` renamed to the child's name, the child's members merged in.

    ``parent_base`` is how the child names its model-specific base (``LlamaModel``); ``local`` the classes the
    modular file defines (calls through them are not calls to an ancestor).
    """
    child_bases = [get_full_name_for_node(b.value) or "" for b in child.bases]
    extra = [b for b in child_bases if b != parent_base]
    parent_methods = {s.name.value: s for s in _statements(parent) if isinstance(s, cst.FunctionDef)}
    child_methods = frozenset(s.name.value for s in _statements(child) if isinstance(s, cst.FunctionDef))
    body = [s for s in _merged_body(child, parent) if not _is_ellipsis(s)] or [_PASS]
    merged = parent.with_changes(
        name=child.name,
        bases=_with_added_bases(_switched_bases(parent, extra), parent, child, extra),
        body=cst.IndentedBlock(body=spaced_class_body([_as_statement(s) for s in body])),
        decorators=merged_decorators(child.decorators, parent.decorators),
    )
    ancestors = frozenset(child_bases) | {
        get_full_name_for_node(b.value) or "" for b in [*parent.bases, *merged.bases]
    }
    unroll = UnrollSuperCallsTransformer(parent_methods, child_methods, frozenset(child_bases), local, ancestors)
    body = merged.body.visit(unroll)
    if parent.name.value != child.name.value:
        body = body.visit(RenameParentClassTransformer(parent.name.value, child.name.value))
    return merged.with_changes(body=body)


def rename_parent_text(parent: cst.ClassDef, child_name: str, policy: RenamePolicy) -> cst.ClassDef:
    """The parent's strings and comments name the child's model when its renamed name is not the child's.

    The prefixes before their common CamelCase suffix, in snake case, are renamed in text only (not in code), as
    transformers' converter does: parent ``Qwen3OmniMoeVisionEncoderVisionConfig`` of
    ``Qwen3OmniMoeVisionEncoderConfig`` -> ``model_type = "qwen3_omni_moe_vision_encoder"``, not ``..._vision``.
    """
    old_name = parent.name.value
    suffix = common_suffix(child_name, old_name)
    old = lowercase_name(old_name[: len(old_name) - len(suffix)], {})
    new = lowercase_name(child_name[: len(child_name) - len(suffix)], {})
    if old_name == child_name or not old or not new or old == new:
        return parent
    pair = (Spellings.infer(default_camel(old), old), Spellings.infer(default_camel(new), new))
    rename_map = RenameMap(pairs=(pair,), policy=policy)
    parts = [rt.RenameStringTransformer(rename_map), rt.RenameDocstringTransformer(rename_map)]
    return parent.visit(ComposedTransformer([*parts, rt.RenameCommentTransformer(rename_map)]))  # type: ignore[return-value]


class RenameParentClassTransformer(cst.CSTTransformer):
    """Inside the merged class, the parent's (renamed) class name becomes the child's, in code and strings.

    Before (``ErnieForCausalLM(BertLMHeadModel)``, Bert -> Ernie): ``logger.warning("use `ErnieLMHeadModel`")``
    After:  ``logger.warning("use `ErnieForCausalLM`")``
    """

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new = old, new
        self.pattern = re.compile(rf"\b{re.escape(old)}\b")

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value=self.new) if updated_node.value == self.old else updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        return updated_node.with_changes(value=self.pattern.sub(self.new, updated_node.value))
