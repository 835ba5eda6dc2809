"""The typed objects at the edges of the converter: its options and its result."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from scaffold.convert.rename import RenamePolicy
from scaffold.files import GeneratedFile


class ImportStyle(enum.Enum):
    """How the generated files import transformers and each other."""

    OUT_OF_TREE = "out_of_tree"  # `from transformers.utils import ...`; siblings `from .configuration_x import ...`
    IN_TREE = "in_tree"  # as transformers ships them: `from ...utils import ...`, `from ..auto import ...`


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert one modular file.

    ``package`` is the dotted package of the modular file, used to resolve its relative imports
    (``transformers.models.mistral`` in-tree); None for out-of-tree files that import transformers absolutely.
    ``header`` is the comment block put on top of every generated file (None: a default one).
    """

    import_style: ImportStyle = ImportStyle.OUT_OF_TREE
    package: str | None = None
    header: str | None = None
    rename_policy: RenamePolicy = field(default_factory=RenamePolicy)


@dataclass(frozen=True)
class ConversionResult:
    """The generated files (bare file names, sorted by path, not yet black-formatted) and any warnings."""

    files: tuple[GeneratedFile, ...]
    warnings: tuple[str, ...] = ()
