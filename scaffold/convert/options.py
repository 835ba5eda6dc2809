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


class DefinitionOrder(enum.Enum):
    """The order of the definitions in a generated file."""

    MODULAR = "modular"  # transformers' converter: each modular class after what it needs, in the modular's order
    SOURCE = "source"  # as in the parent module of the file's kind (a clone reads like its source); new code stays put


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert one modular file.

    ``package`` is the dotted package of the modular file, used to resolve its relative imports
    (``transformers.models.mistral`` in-tree); None for out-of-tree files that import transformers absolutely.
    ``header`` is the comment block put on top of every generated file (None: a default one).
    ``order`` None follows the import style: in-tree files are ordered as transformers' converter orders them,
    out-of-tree ones (clones and their projects) as their parent modules are.
    """

    import_style: ImportStyle = ImportStyle.OUT_OF_TREE
    package: str | None = None
    header: str | None = None
    rename_policy: RenamePolicy = field(default_factory=RenamePolicy)
    order: DefinitionOrder | None = None

    @property
    def definition_order(self) -> DefinitionOrder:
        """``order``, or the import style's default."""
        if self.order is not None:
            return self.order
        return DefinitionOrder.MODULAR if self.import_style is ImportStyle.IN_TREE else DefinitionOrder.SOURCE


@dataclass(frozen=True)
class ConversionResult:
    """The generated files (bare file names, sorted by path, not yet black-formatted) and any warnings."""

    files: tuple[GeneratedFile, ...]
    warnings: tuple[str, ...] = ()
