"""Which optional libraries (transformers "backends") a generated module needs, read from its source.

The generated ``__init__`` imports every module eagerly, where transformers imports them lazily. A module that
imports torchvision at its top level (or imports a sibling module that does) would make the whole package fail
to import without torchvision; a class decorated ``@requires(backends=("torchvision",))`` is unusable without
it. ``gather_backends`` finds both, so the ``__init__`` can import and register them only when available.
Pure: it reads source strings, never the disk.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scaffold.convert.names_ast import definition_time_names_of

# Top-level import name -> transformers backend name (keys of transformers' BACKENDS_MAPPING). Why a table:
# the import name differs from the backend name for some (PIL is "vision"); only optional libraries are
# listed, never torch, numpy, tokenizers or huggingface_hub, which transformers itself requires.
# The libraries model files of transformers 5.25 import under an ``is_x_available()`` guard are all here (pop2piano's
# tokenizer annotates with ``pretty_midi.Note``); a library without a BACKENDS_MAPPING key (num2words, xlstm) cannot
# be checked by ``_available`` and is left out.
IMPORT_BACKENDS: Mapping[str, str] = {
    "Levenshtein": "levenshtein",
    "PIL": "vision",
    "accelerate": "accelerate",
    "av": "av",
    "bs4": "bs4",
    "cv2": "cv2",
    "datasets": "datasets",
    "decord": "decord",
    "detectron2": "detectron2",
    "essentia": "essentia",
    "faiss": "faiss",
    "librosa": "librosa",
    "mistral_common": "mistral-common",
    "natten": "natten",
    "nltk": "nltk",
    "pandas": "pandas",
    "phonemizer": "phonemizer",
    "pretty_midi": "pretty_midi",
    "pyctcdecode": "pyctcdecode",
    "pytesseract": "pytesseract",
    "rjieba": "rjieba",
    "scipy": "scipy",
    "sentencepiece": "sentencepiece",
    "soundfile": "soundfile",
    "timm": "timm",
    "torchaudio": "torchaudio",
    "torchcodec": "torchcodec",
    "torchvision": "torchvision",
    "uroman": "uroman",
}
# Backends every generated package can count on (why: its pyproject depends on torch and transformers).
ALWAYS_AVAILABLE = frozenset({"torch", "tokenizers"})


@dataclass(frozen=True)
class ModuleBackends:
    """The backends one generated module needs: to be imported at all, and per class to be usable."""

    imports: tuple[str, ...]  # sorted; including what its sibling imports need
    classes: tuple[tuple[str, tuple[str, ...]], ...]  # (class name, sorted @requires backends), sorted

    def of_class(self, name: str) -> tuple[str, ...]:
        """Backends ``name`` needs: the module's import needs plus the class's own ``@requires``."""
        own = next((b for c, b in self.classes if c == name), ())
        return tuple(sorted({*self.imports, *own}))


def gather_backends(sources: Mapping[str, str]) -> dict[str, ModuleBackends]:
    """Module stem -> its backends, for the sibling modules ``sources`` (stem -> Python source)."""
    trees = {stem: ast.parse(text) for stem, text in sources.items()}
    direct = {stem: _imported_backends(tree) | _guarded_backends(tree) for stem, tree in trees.items()}
    siblings = {stem: _sibling_imports(tree) & set(trees) for stem, tree in trees.items()}
    return {
        stem: ModuleBackends(
            imports=tuple(sorted(_closure(stem, direct, siblings))),
            classes=_class_requirements(trees[stem]),
        )
        for stem in sorted(trees)
    }


def _imported_backends(tree: ast.Module) -> set[str]:
    """Backends of the unconditional top-level ``import x`` / ``from x import y`` statements."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots = [node.module.split(".")[0]]
        else:
            continue
        found.update(IMPORT_BACKENDS[root] for root in roots if root in IMPORT_BACKENDS)
    return found


def _guarded_backends(tree: ast.Module) -> set[str]:
    """Backends of guarded top-level imports whose names the module needs while it runs.

    ``if is_torchvision_v2_available(): from torchvision.transforms.v2 import functional as tvF`` with a method
    annotated ``resample: tvF.InterpolationMode`` fails at import without torchvision (transformers' lazy module
    never imports it then); a name used only inside function bodies or string annotations is harmless.
    """
    if any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body):
        return set()  # annotations are strings: a missing name only fails when a function runs
    needed: set[str] = set()
    for node in tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom, ast.If)):
            needed |= definition_time_names_of(node)
    found = set()
    for node in tree.body:
        if isinstance(node, ast.If):
            for inner in _branch_statements(node):
                roots = _import_roots(inner, needed)
                found.update(IMPORT_BACKENDS[root] for root in roots if root in IMPORT_BACKENDS)
    return found


def _branch_statements(node: ast.If) -> list[ast.stmt]:
    """The statements of an ``if`` and of its ``elif`` / ``else`` branches."""
    found = list(node.body)
    for other in node.orelse:
        found.extend(_branch_statements(other) if isinstance(other, ast.If) else [other])
    return found


def _import_roots(node: ast.stmt, needed: set[str]) -> set[str]:
    """Top-level package names of an absolute import binding one of ``needed``."""
    if isinstance(node, ast.Import):
        return {a.name.split(".")[0] for a in node.names if (a.asname or a.name.split(".")[0]) in needed}
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return {node.module.split(".")[0]} if any((a.asname or a.name) in needed for a in node.names) else set()
    return set()


def _sibling_imports(tree: ast.Module) -> set[str]:
    """Stems of the sibling modules imported with ``from .stem import ...`` at the top level."""
    return {node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}


def _closure(stem: str, direct: dict[str, set[str]], siblings: dict[str, set[str]]) -> set[str]:
    seen, pending, found = set(), [stem], set()
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            found |= direct[current]
            pending.extend(sorted(siblings[current]))
    return found - ALWAYS_AVAILABLE


def _class_requirements(tree: ast.Module) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(class, backends) for the top-level classes decorated ``@requires(backends=(...))``."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            backends = sorted({b for d in node.decorator_list for b in _requires_backends(d)} - ALWAYS_AVAILABLE)
            if backends:
                found.append((node.name, tuple(backends)))
    return tuple(sorted(found))


def _requires_backends(decorator: ast.expr) -> set[str]:
    """``@requires(backends=("torch", "torchvision>=0.15"))`` -> {"torch", "torchvision"}."""
    if not (
        isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name) and decorator.func.id == "requires"
    ):
        return set()
    found = set()
    for keyword in decorator.keywords:
        if keyword.arg == "backends" and isinstance(keyword.value, (ast.Tuple, ast.List)):
            for element in keyword.value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    found.add(re.split(r"[<>=!~ ]", element.value, maxsplit=1)[0])
    return found
