"""Which ``if <guard>:`` protects an import in a generated file: the rules transformers' converter follows.

Two rules, both read off the files transformers ships next to its modular files:

1. The same import (module, name, alias) can come from several places with different guards: the modular file
   imports ``torch`` plainly, one parent imports ``tvF`` plainly and another under ``is_torchvision_available()``.
   The first place in the converter's order decides: the modular file, then the parents in the order the modular
   file imports them (``glm46v``: ``image_processing_glm4v`` before ``video_processing_glm4v``).
2. A pil image processor or a feature extractor must import without torch: every torch import in those files
   is protected by ``is_torch_available()`` whatever the modular file wrote (``owlv2``, ``segformer``, ``parakeet``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from scaffold.convert.imports import ImportRecord
from scaffold.files import FileKind

# File kinds whose classes must work without torch (why: transformers imports them with the vision or audio
# backend only; their torch code runs only when asked to return tensors).
TORCH_FREE_KINDS = frozenset({FileKind.IMAGE_PROCESSING_PIL, FileKind.FEATURE_EXTRACTION})
TORCH_GUARD = "is_torch_available()"
# Imports a guard written by these rules needs when no source imports it (last resort, never preferred).
GUARD_TEST_RECORDS = (ImportRecord("transformers.utils", "is_torch_available"),)


def _key(record: ImportRecord) -> tuple[str, str, str | None]:
    return (record.module, record.name, record.alias)


def first_guards(ordered: Iterable[ImportRecord]) -> dict[tuple[str, str, str | None], ImportRecord]:
    """The first occurrence of each import in ``ordered`` (its guard and the guard's elif / else branches)."""
    found: dict[tuple[str, str, str | None], ImportRecord] = {}
    for record in ordered:
        found.setdefault(_key(record), record)
    return found


def is_torch_import(record: ImportRecord) -> bool:
    """``import torch``, ``import torch.nn.functional as F``, ``from torch import nn``."""
    dotted = record.module or record.name
    return dotted == "torch" or dotted.startswith("torch.")


def file_guards(imports: Iterable[ImportRecord], ordered: Iterable[ImportRecord], kind: FileKind) -> list[ImportRecord]:
    """``imports`` with the guards the two rules give them in a file of ``kind`` (``ordered``: converter order)."""
    first = first_guards(ordered)
    result = []
    for record in imports:
        source = first.get(_key(record), record)
        guard, orelse = source.guard, source.orelse
        if guard is None and kind in TORCH_FREE_KINDS and is_torch_import(record):
            guard = TORCH_GUARD
        same = (guard, orelse) == (record.guard, record.orelse)
        result.append(record if same else replace(record, guard=guard, orelse=orelse))
    return result
