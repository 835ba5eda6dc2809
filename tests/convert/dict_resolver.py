"""Test helper: a ``SourceResolver`` that serves module sources from a dict instead of the installed package."""

from __future__ import annotations


class FakeResolver:
    """Serves module sources from a dict (``{"transformers.models.foo.modeling_foo": "<source>"}``)."""

    def __init__(self, modules: dict[str, str]) -> None:
        self.modules = modules

    def read_module(self, dotted: str) -> str | None:
        return self.modules.get(dotted)
