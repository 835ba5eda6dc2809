"""Functions the kernel hub replaces by name: their names (and the decorator naming them) are never renamed.

``@use_kernel_forward_from_hub("mamba2_scan_forward")`` on a top-level function registers it under that name; a
model cloned from mamba2 still asks the hub for ``mamba2_scan_forward``. transformers 5.25's generated files
(bamba, falcon_h1, granitemoehybrid, nemotron_h, zamba2 from mamba2; jamba, falcon_mamba from mamba) keep the
function's name and the decorator's string, and rename the rest of its body (its docstring says "Bamba layer").
Functions decorated ``@use_kernel_func_from_hub...`` are copied verbatim instead (``hub_kernel_functions`` in
``sources``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from scaffold.convert.shapes import is_attr_or_name

if TYPE_CHECKING:  # definitions imports this module (``materialize``)
    from scaffold.convert.definitions import ModuleIndex

FORWARD_KERNEL_DECORATOR = "use_kernel_forward_from_hub"


def is_forward_kernel_decorator(decorator: cst.Decorator) -> bool:
    """``@use_kernel_forward_from_hub(...)`` (or ``@x.use_kernel_forward_from_hub(...)``)."""
    call = decorator.decorator
    return isinstance(call, cst.Call) and is_attr_or_name(call.func, FORWARD_KERNEL_DECORATOR)


def forward_kernel_functions(index: ModuleIndex) -> frozenset[str]:
    """The top-level functions of ``index`` decorated ``@use_kernel_forward_from_hub(...)``: names kept."""
    return frozenset(name for name, definition in index.definitions.items() if _decorated_function(definition.segment))


def _decorated_function(segment: str) -> bool:
    """A top-level ``def`` (not a class) with an ``@use_kernel_forward_from_hub`` line above it."""
    lines = segment.splitlines()
    decorated = any(line.startswith("@" + FORWARD_KERNEL_DECORATOR) for line in lines)
    return decorated and any(line.startswith(("def ", "async def ")) for line in lines)


def forward_kernel_decorators(node: cst.CSTNode) -> frozenset[int]:
    """Ids of a function's ``@use_kernel_forward_from_hub(...)`` decorators: left out of renaming."""
    if not isinstance(node, cst.FunctionDef):
        return frozenset()
    return frozenset(id(d) for d in node.decorators if is_forward_kernel_decorator(d))
