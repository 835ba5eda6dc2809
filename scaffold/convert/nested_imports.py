"""Relative imports inside functions and classes, made absolute for a package that lives outside transformers.

Top-level imports become ``ImportRecord``s and are spelled by ``imports.render_imports``; an import written inside
a method (rag's ``from ..auto.modeling_auto import AutoModel`` in ``from_pretrained_question_encoder_generator``)
is copied with its body. Out of transformers' tree ``..`` reaches beyond the top-level package and the clone
fails when the method runs (``ImportError: attempted relative import beyond top-level package``).
"""

from __future__ import annotations

import libcst as cst

# Every parent the converter copies from lives in ``transformers/models/<model>/``: two dots name
# ``transformers.models``, three name ``transformers``. One dot is a sibling file, which the clone has too.
_PACKAGES = {2: "transformers.models", 3: "transformers"}


def _attribute(dotted: str) -> cst.Attribute | cst.Name:
    parts = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


class AbsoluteNestedImportTransformer(cst.CSTTransformer):
    """Spells a nested relative import of transformers absolutely (one and four-plus dots are left alone).

    def load(self):                                   def load(self):
        from ..auto.modeling_auto import AutoModel  ->    from transformers.models.auto.modeling_auto import AutoModel
        from ...utils import logging                      from transformers.utils import logging
    """

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        package = _PACKAGES.get(len(updated_node.relative))
        if package is None:
            return updated_node
        module = cst.Module(body=[]).code_for_node(updated_node.module) if updated_node.module is not None else ""
        dotted = f"{package}.{module}" if module else package
        return updated_node.with_changes(relative=(), module=_attribute(dotted))


def absolute_nested_imports(node: cst.CSTNode, code: str) -> cst.CSTNode:
    """``node`` (whose source is ``code``) with its nested relative imports of transformers made absolute."""
    if "from .." not in code:
        return node
    return node.visit(AbsoluteNestedImportTransformer())
