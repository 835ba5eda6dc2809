"""Typed objects that travel between the pipeline steps: what a file is, and what became of it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import PurePosixPath


class FileKind(enum.Enum):
    """What a generated file is; the modular converter routes definitions by these kinds."""

    CONFIGURATION = "configuration"
    MODELING = "modeling"
    PROCESSING = "processing"
    IMAGE_PROCESSING = "image_processing"
    IMAGE_PROCESSING_PIL = "image_processing_pil"
    TOKENIZATION = "tokenization"
    VIDEO_PROCESSING = "video_processing"
    FEATURE_EXTRACTION = "feature_extraction"
    MODULAR = "modular"
    PACKAGE_INIT = "package_init"
    TEST = "test"
    PROJECT = "project"  # pyproject.toml, README.md and other project-level files
    PLUGIN = "plugin"

    @property
    def is_model_code(self) -> bool:
        """True for the files the modular converter writes (``<kind>_<name>.py``)."""
        return self in MODEL_CODE_KINDS

    def filename(self, snake_name: str) -> str:
        """``configuration`` + ``my_llama`` -> ``configuration_my_llama.py``."""
        return f"{self.value}_{snake_name}.py"


MODEL_CODE_KINDS = frozenset(
    {
        FileKind.CONFIGURATION,
        FileKind.MODELING,
        FileKind.PROCESSING,
        FileKind.IMAGE_PROCESSING,
        FileKind.IMAGE_PROCESSING_PIL,
        FileKind.TOKENIZATION,
        FileKind.VIDEO_PROCESSING,
        FileKind.FEATURE_EXTRACTION,
    }
)


class FileStatus(enum.Enum):
    """What the writer did (or, in check mode, would do) with one planned file."""

    CREATE = "create"
    IDENTICAL = "identical"
    OVERWRITE = "overwrite"
    CONFLICT = "conflict"
    SKIP = "skip"


@dataclass(frozen=True)
class GeneratedFile:
    """One file of output: its path relative to the output root, its text and its kind."""

    path: PurePosixPath
    content: str
    kind: FileKind
