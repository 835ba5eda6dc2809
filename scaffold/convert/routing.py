"""Which generated file a definition belongs to, decided by the suffix of its class name.

The longest matching suffix wins (``LlavaImageProcessor`` is image processing, not processing); a name with no
known suffix (layers, models, functions) goes to the modeling file.
"""

from __future__ import annotations

import re

from scaffold.files import FileKind

# Class-name suffix -> file kind. Why a table: it is the routing rule of transformers' own converter, and a
# test (or a future policy) can read it in one place.
SUFFIX_KINDS: tuple[tuple[str, FileKind], ...] = (
    ("Config", FileKind.CONFIGURATION),
    ("Tokenizer", FileKind.TOKENIZATION),
    ("TokenizerFast", FileKind.TOKENIZATION),
    ("Processor", FileKind.PROCESSING),
    ("ProcessorKwargs", FileKind.PROCESSING),
    ("ImagesKwargs", FileKind.PROCESSING),
    ("TextKwargs", FileKind.PROCESSING),
    ("VideosKwargs", FileKind.PROCESSING),
    ("AudioKwargs", FileKind.PROCESSING),
    ("ImageProcessor", FileKind.IMAGE_PROCESSING),
    ("ImageProcessorKwargs", FileKind.IMAGE_PROCESSING),
    ("ImageProcessorPil", FileKind.IMAGE_PROCESSING_PIL),
    ("VideoProcessor", FileKind.VIDEO_PROCESSING),
    ("VideoProcessorKwargs", FileKind.VIDEO_PROCESSING),
    ("VideoProcessorInitKwargs", FileKind.VIDEO_PROCESSING),
    ("FeatureExtractor", FileKind.FEATURE_EXTRACTION),
)

# File-name prefix of a transformers module -> its kind (``image_processing_pil_vit`` -> IMAGE_PROCESSING_PIL).
MODULE_PREFIX_KINDS: tuple[tuple[str, FileKind], ...] = tuple(
    sorted(
        ((kind.value + "_", kind) for kind in FileKind if kind.is_model_code),
        key=lambda pair: -len(pair[0]),
    )
)

_SUFFIX_RE = re.compile("(" + "|".join(sorted((s for s, _ in SUFFIX_KINDS), key=len, reverse=True)) + ")$")
_KIND_OF_SUFFIX = dict(SUFFIX_KINDS)


def kind_for_name(name: str, prefix: str = "") -> FileKind:
    """``MyLlamaConfig`` -> CONFIGURATION; ``MyLlamaModel`` or ``rotate_half`` -> MODELING.

    A suffix that reaches into the model's own ``prefix`` does not count: with prefix ``Sam2Video``,
    ``Sam2VideoProcessor`` is a processor (``Processor``), not a video processor (``VideoProcessor``).
    """
    match = _SUFFIX_RE.search(name)
    if match and prefix and name.startswith(prefix) and match.start() < len(prefix) < len(name):
        match = _SUFFIX_RE.search(name[len(prefix) :])
    return _KIND_OF_SUFFIX[match.group(1)] if match else FileKind.MODELING


def kind_for_module(module_stem: str) -> FileKind | None:
    """``modeling_llama`` -> MODELING, ``image_processing_pil_vit`` -> IMAGE_PROCESSING_PIL, else None."""
    for prefix, kind in MODULE_PREFIX_KINDS:
        if module_stem.startswith(prefix):
            return kind
    return None


def model_of_module(module_stem: str) -> str | None:
    """``image_processing_pil_vit`` -> ``vit``; None for a module that is not a model-code file."""
    for prefix, kind in MODULE_PREFIX_KINDS:
        if module_stem.startswith(prefix):
            return module_stem[len(prefix) :]
    return None
