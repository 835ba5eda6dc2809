"""The golden examples committed under generated_examples/, one definition shared by the refresh script
and the test that regenerates them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffold.project import NewModelRequest, plan_new_model
from scaffold.writer import Plan


@dataclass(frozen=True)
class Example:
    like: str
    name: str


EXAMPLES = (
    Example(like="llama", name="my-llama"),
    Example(like="vision-encoder-decoder", name="my-captioner"),
)


def plan_example(example: Example, root: Path) -> Plan:
    out = root / example.name.replace("-", "_")
    return plan_new_model(NewModelRequest(like=example.like, name=example.name, out=out))
