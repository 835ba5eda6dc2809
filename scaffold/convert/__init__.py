"""The modular converter: expand a ``modular_<name>.py`` into standalone transformers model files.

Public API (stable, used by the CLI and the clone pipeline)::

    convert_modular(source, modular_path=..., resolver=..., options=ConvertOptions()) -> ConversionResult

The steps are pure and pass frozen dataclasses: ``read_modular`` (parse, index, split imports) ->
``load_sources`` (read and rename the parent modules) -> ``build_drafts`` (flatten classes, pull dependencies,
order them) -> ``render_file`` (imports in the requested style).
"""

from scaffold.convert.options import ConversionResult, ConvertOptions, DefinitionOrder, ImportStyle
from scaffold.convert.pipeline import convert_modular
from scaffold.convert.rename import RenamePolicy

__all__ = ["ConversionResult", "ConvertOptions", "DefinitionOrder", "ImportStyle", "RenamePolicy", "convert_modular"]
