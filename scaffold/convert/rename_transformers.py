"""The libcst transformers of the renamer, one per kind of rewrite; ``rename.rename_node`` composes them.

Every transformer leaves import statements alone (the converter decides imports itself).
"""

from __future__ import annotations

import re

import libcst as cst

from scaffold.convert.rename_map import RenameMap
from scaffold.convert.rename_words import TextKind, rename_words
from scaffold.convert.shapes import is_attr_or_name, is_name, only_small

_COPIED_FROM = re.compile(r"#\s*Copied from\b")


def is_string_statement(node: cst.SimpleStatementLine) -> bool:
    """A statement that is only a string: a docstring (module, class, function or attribute docstring)."""
    expr = only_small(node, cst.Expr)
    return expr is not None and isinstance(expr.value, (cst.SimpleString, cst.ConcatenatedString))


def rename_literal(literal: cst.SimpleString, rename_map: RenameMap, kind: TextKind) -> cst.SimpleString:
    """Rename inside a string literal's quotes, never in its prefix (``r``, ``b``) or quotes."""
    value = literal.value
    head = len(literal.prefix) + len(literal.quote)
    body = value[head : len(value) - len(literal.quote)]
    renamed = rename_words(body, rename_map, kind)
    if renamed == body:
        return literal
    return literal.with_changes(value=value[:head] + renamed + value[len(value) - len(literal.quote) :])


class _SkipImports(cst.CSTTransformer):
    """Base: never descend into ``import`` / ``from ... import`` statements."""

    def __init__(self, rename_map: RenameMap) -> None:
        super().__init__()
        self.rename_map = rename_map

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False


class RenameIdentifierTransformer(_SkipImports):
    """Rename class, function, variable, attribute and keyword names; names in ``keep`` stay.

        class LlamaModel(LlamaPreTrainedModel):        class MyLlamaModel(MyLlamaPreTrainedModel):
            def forward(self, x: Optional[int]):   ->      def forward(self, x: Optional[int]):
                return self.llama(x)                           return self.my_llama(x)
    """

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        value = updated_node.value
        if value in self.rename_map.keep:
            return updated_node
        renamed = rename_words(value, self.rename_map, TextKind.IDENTIFIER)
        return updated_node if renamed == value else updated_node.with_changes(value=renamed)


class RenameStringTransformer(_SkipImports):
    """Rename inside plain string literals (not docstrings, not checkpoint ids).

        model_type = "llama"                                model_type = "my_llama"
        _CHECKPOINT_FOR_DOC = "meta-llama/Llama-2-7b-hf"  ->  _CHECKPOINT_FOR_DOC = "meta-llama/Llama-2-7b-hf"
        AutoModel.from_pretrained("llama")                  AutoModel.from_pretrained("llama")
    """

    def __init__(self, rename_map: RenameMap) -> None:
        super().__init__(rename_map)
        self.protected_depth = 0  # > 0 inside a from_pretrained(...) call, checkpoint= argument or *CHECKPOINT* constant
        self.statement_strings = 0  # > 0 inside a docstring statement (the docstring transformer's job)

    def _protects(self, node: cst.CSTNode) -> bool:
        if not self.rename_map.policy.keep_hub_ids:
            return False
        if isinstance(node, cst.Call):
            return is_attr_or_name(node.func, "from_pretrained")
        if isinstance(node, cst.Arg):
            return is_name(node.keyword, "checkpoint")
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]  # type: ignore[attr-defined]
        return any(isinstance(t, cst.Name) and "CHECKPOINT" in t.value.upper() for t in targets)

    def _enter(self, node: cst.CSTNode) -> None:
        self.protected_depth += self._protects(node)

    def _leave(self, node: cst.CSTNode) -> None:
        self.protected_depth -= self._protects(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._enter(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        self._leave(original_node)
        return updated_node

    def visit_Arg(self, node: cst.Arg) -> None:
        self._enter(node)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        self._leave(original_node)
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> None:
        self._enter(node)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        self._leave(original_node)
        return updated_node

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._enter(node)

    def leave_AnnAssign(self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign) -> cst.AnnAssign:
        self._leave(original_node)
        return updated_node

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statement_strings += is_string_statement(node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        self.statement_strings -= is_string_statement(original_node)
        return updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        if self.protected_depth or self.statement_strings:
            return updated_node
        return rename_literal(updated_node, self.rename_map, TextKind.STRING)


class RenameFormattedStringTransformer(_SkipImports):
    """Rename inside the literal parts of f-strings (their ``{...}`` parts are code, renamed as code).

        f"llama layer {i}"        ->  f"my_llama layer {i}"
        f"{prefix}.llama.weight"  ->  f"{prefix}.my_llama.weight"
    """

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> cst.FormattedStringText:
        if not self.rename_map.policy.rename_fstring_text:
            return updated_node
        renamed = rename_words(updated_node.value, self.rename_map, TextKind.STRING)
        return updated_node if renamed == updated_node.value else updated_node.with_changes(value=renamed)


class RenameCommentTransformer(_SkipImports):
    """Rename in comments with prose rules; drop stale ``# Copied from`` markers when the policy says so.

        # Llama uses rotary embeddings        ->  # MyLlama uses rotary embeddings
        # Copied from transformers...Llama    ->  (line removed)
    """

    def _stale(self, comment: cst.Comment | None) -> bool:
        return comment is not None and self.rename_map.policy.drop_copied_from and bool(_COPIED_FROM.search(comment.value))

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine | cst.RemovalSentinel:
        return cst.RemoveFromParent() if self._stale(updated_node.comment) else updated_node

    def leave_TrailingWhitespace(
        self, original_node: cst.TrailingWhitespace, updated_node: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        if self._stale(updated_node.comment):
            return updated_node.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
        return updated_node

    def leave_Comment(self, original_node: cst.Comment, updated_node: cst.Comment) -> cst.Comment:
        if not self.rename_map.policy.rename_text:
            return updated_node
        renamed = rename_words(updated_node.value, self.rename_map, TextKind.PROSE)
        return updated_node if renamed == updated_node.value else updated_node.with_changes(value=renamed)


class RenameDocstringTransformer(_SkipImports):
    """Rename in docstrings (string-only statements) with prose rules; hub ids in examples stay.

        \"\"\"The bare Llama model. See [`LlamaConfig`].       \"\"\"The bare MyLlama model. See [`MyLlamaConfig`].
        >>> LlamaModel.from_pretrained("meta-llama/Llama-2-7b-hf")   ->  >>> MyLlamaModel.from_pretrained("meta-llama/Llama-2-7b-hf")
        \"\"\"                                                  \"\"\"
    """

    def __init__(self, rename_map: RenameMap) -> None:
        super().__init__(rename_map)
        self.depth = 0  # > 0 inside a string-only statement

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.depth += is_string_statement(node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        self.depth -= is_string_statement(original_node)
        return updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        if not self.depth or not self.rename_map.policy.rename_text:
            return updated_node
        return rename_literal(updated_node, self.rename_map, TextKind.PROSE)
