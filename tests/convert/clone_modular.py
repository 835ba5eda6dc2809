"""Test helper: write the modular file the clone pipeline writes for a source model (every exported class)."""

from __future__ import annotations

import ast

from scaffold.source import SourceResolver

KIND_PREFIXES = (
    "configuration",
    "modeling",
    "tokenization",
    "processing",
    "image_processing",
    "image_processing_pil",
    "video_processing",
    "feature_extraction",
)


def _exported_classes(text: str) -> list[str]:
    tree = ast.parse(text)
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return [e.value for e in node.value.elts if isinstance(e, ast.Constant) and e.value in classes]
    return []


def clone_modular(resolver: SourceResolver, model: str, old_camel: str, new_camel: str) -> str:
    """``class <New><Suffix>(<Old><Suffix>): pass`` for every exported class of every file of ``model``."""
    imports, classes, names = [], [], []
    for prefix in KIND_PREFIXES:
        module = f"transformers.models.{model}.{prefix}_{model}"
        text = resolver.read_module(module)
        exported = [c for c in _exported_classes(text) if c.startswith(old_camel)] if text else []
        if not exported:
            continue
        imports.append(f"from {module} import {', '.join(exported)}")
        for old in exported:
            new = new_camel + old[len(old_camel) :]
            body = f'    model_type = "my-{model}"' if prefix == "configuration" and old == old_camel + "Config" else "    pass"
            classes.append(f"class {new}({old}):\n{body}\n")
            names.append(new)
    return "\n".join(imports) + "\n\n\n" + "\n\n".join(classes) + f"\n\n__all__ = {names!r}\n"
