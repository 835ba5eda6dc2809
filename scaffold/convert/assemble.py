"""Placing definitions into generated files: which nodes each file needs, in which order, with which imports.

This is the graph part of the converter, on plain data: a namespace of definitions (name -> node and the names
it uses), the dependency closure of each emitted class, and an explicit sort key per emitted node.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst

from scaffold.convert.definitions import DefKind, Definition
from scaffold.convert.names_ast import definition_time_names, variables_used
from scaffold.convert.imports import ImportRecord
from scaffold.convert.routing import kind_for_name
from scaffold.names import camel_from_snake
from scaffold.files import FileKind

# Top-level variables placed first in a file, in this order (they are used everywhere).
VARIABLES_FIRST = ("logger", "_CHECKPOINT_FOR_DOC", "_CONFIG_FOR_DOC")
# Modular assignments matching these always replace the parent's value (docs and checkpoints).
ASSIGNMENTS_FROM_MODULAR = (r"_CHECKPOINT", r"_EXPECTED", r"_FOR_DOC", r"_HIDDEN_STATES_START_POSITION")
# ... and these only when the modular value is not None.
ASSIGNMENTS_FROM_MODULAR_IF_SET = (r"_DOCSTRING",)


@dataclass(frozen=True)
class Namespace:
    """The definitions visible when resolving a node's dependencies, and where each one comes from.

    ``original`` holds the names defined in the namespace's own module (sorted by ``order``); the others were
    merged in from elsewhere and sort by ``merged_order``.
    """

    definitions: Mapping[str, Definition]
    original: Mapping[str, int]  # name -> position in the namespace's own module
    merged_order: Mapping[str, tuple[int, int]]
    merged_first: bool = False  # the modular file's namespace lists what it imports before its own code
    # Names merged from other parent modules: the modular file's own functions do not see them (see ``_deps_seen``).
    foreign: frozenset[str] = frozenset()

    def deps_of(self, names: Iterable[str], exclude: str = "") -> set[str]:
        """The names among ``names`` that this namespace defines."""
        return {n for n in names if n in self.definitions and n != exclude}

    def closure_of_objects(self, start: set[str]) -> set[str]:
        """``start`` plus everything the functions and assignments in it need, recursively."""
        result = set(start)
        queue = sorted(n for n in start if self.definitions[n].kind is not DefKind.CLASS)
        while queue:
            current = self.definitions[queue.pop()]
            for dep in sorted(self._deps_seen(current) - result):
                result.add(dep)
                if self.definitions[dep].kind is not DefKind.CLASS:
                    queue.append(dep)
        return result

    def _deps_seen(self, current: Definition) -> set[str]:
        """The dependencies of ``current`` in this namespace.

        A definition of this module (or of the modular file, merged in) does not reach names merged from another
        parent module that this module does not define: transformers' converter resolves those names before it
        merges the other modules' objects (``repeat_kv`` imported from llama is not pulled in by the modular
        ``eager_attention_forward`` placed in the esm namespace, only by a class that uses it directly).
        """
        deps = self.deps_of(current.uses, current.name)
        if current.name in self.foreign:
            return deps
        return deps - (self.foreign - self.original.keys())

    def class_deps(self, name: str) -> set[str]:
        """The augmented dependencies of an original class of this namespace."""
        found = self.definitions[name]
        return self.closure_of_objects(self.deps_of(found.uses, name))

    def sort_key(self, name: str) -> tuple[int, int, int]:
        """Original definitions by position, merged ones by their own position; originals first by default."""
        first, second = (1, 0) if self.merged_first else (0, 1)
        if name in self.original:
            return (first, self.original[name], 0)
        return (second, *self.merged_order.get(name, (0, 0)))


@dataclass
class FileDraft:
    """The body of one generated file while it is being filled (internal to ``assemble``)."""

    kind: FileKind
    entries: dict[str, tuple[int, cst.BaseStatement]] = field(default_factory=dict)
    counter: int = 0
    extra_imports: list[ImportRecord] = field(default_factory=list)

    def put(self, name: str, node: cst.BaseStatement) -> None:
        """Add or replace ``name``; a replaced entry moves to the new position (``body`` keeps it valid)."""
        if name in VARIABLES_FIRST:
            self.entries[name] = (-1000 + VARIABLES_FIRST.index(name), node)
            return
        self.entries[name] = (self.counter, node)
        self.counter += 1

    def body(self, source_rank: Mapping[str, int] | None = None) -> list[cst.BaseStatement]:
        """The nodes in their final order: by position (or ``source_rank``), each moved after what it needs when
        it runs."""
        order = sorted(self.entries, key=lambda name: self.entries[name][0])
        if source_rank is not None:
            order = in_source_order(order, source_rank)
        needs = {name: definition_time_names(self.entries[name][1]) for name in order}
        placed: list[str] = []
        done: set[str] = set()

        def place(name: str, visiting: frozenset[str]) -> None:
            if name in done:
                return
            for dep in order:
                if dep in needs[name] and dep not in visiting and dep != name:
                    place(dep, visiting | {name})
            done.add(name)
            placed.append(name)

        for name in order:
            place(name, frozenset({name}))
        return [self.entries[name][1] for name in placed]


LAST_ENTRIES = ("__getattr__", "__all__")  # module-level hooks and exports end a file whatever the order


def in_source_order(order: list[str], source_rank: Mapping[str, int]) -> list[str]:
    """``order`` re-sorted by each name's position in the parent module; stable for ties.

    A name the parent does not define (the modular file's new code, an assignment's follower ``X[0]``) keeps the
    place after the name it follows in ``order``; the variables of ``VARIABLES_FIRST`` stay first and
    ``LAST_ENTRIES`` last.
    """
    keys: dict[str, tuple[int, int, int]] = {}
    previous = (0, -1)
    for index, name in enumerate(order):
        if name in VARIABLES_FIRST:
            keys[name] = (0, VARIABLES_FIRST.index(name), index)
        elif name in LAST_ENTRIES:
            keys[name] = (2, 0, index)
        else:
            previous = (1, source_rank[name]) if name in source_rank else previous
            keys[name] = (*previous, index)
    return sorted(order, key=keys.__getitem__)


def split_cross_kind(
    deps: set[str], ns: Namespace, kind: FileKind, new_snake: str, home: FileKind | None = None
) -> tuple[set[str], list[ImportRecord]]:
    """Classes that belong to another generated file are imported from it instead of copied.

    ``home`` is the kind of the parent module ``ns`` was read from: a class that module defines itself stays
    in a file of the same kind whatever its name says (``XImageProcessorKwargs`` in an image_processing_pil
    file, ``XCTCTokenizerOutput`` in a tokenization file).
    """
    kept, imports = set(deps), []
    for name in sorted(deps):
        other = kind_for_name(name, camel_from_snake(new_snake))
        if home is kind and name in ns.original:
            continue
        if ns.definitions[name].kind is DefKind.CLASS and other is not kind:
            kept.discard(name)
            imports.append(ImportRecord("." + other.filename(new_snake)[:-3], name))
    return kept, imports


def bfs_classes(ns: Namespace, start: set[str], done: Iterable[str]) -> list[str]:
    """All dependencies reachable from ``start`` through the namespace's original classes, minus ``done``."""
    checked = set(done)
    queue = sorted(start, key=ns.sort_key)
    found: list[str] = []
    while queue:
        current = queue.pop(0)
        if current in checked:
            continue
        checked.add(current)
        found.append(current)
        if current in ns.original and ns.definitions[current].kind is DefKind.CLASS:
            queue.extend(sorted(ns.class_deps(current) - checked, key=ns.sort_key))
    return found


def relative_order(ns: Namespace, missing: Iterable[str]) -> list[str]:
    """Order dependencies: each original class after its own dependencies, then whatever remains."""
    remaining = set(missing)
    ordered: list[str] = []
    classes = sorted(
        (n for n in remaining if n in ns.original and ns.definitions[n].kind is DefKind.CLASS), key=ns.sort_key
    )
    for name in classes:
        for dep in sorted(ns.class_deps(name) & remaining, key=ns.sort_key):
            remaining.discard(dep)
            ordered.append(dep)
        if name in remaining:
            remaining.discard(name)
            ordered.append(name)
    ordered.extend(sorted(remaining, key=_merged_files_key(ns, remaining)))
    return ordered


def _merged_files_key(ns: Namespace, names: set[str]) -> Callable[[str], tuple[int, int, int]]:
    """The sort key of ``names`` left after the classes; in the modular file's namespace, objects imported from
    several parent modules come one module at a time, the module of the alphabetically first name first (the
    order in which transformers' converter meets them in the sorted names), each in its own module's order.
    """
    if not ns.merged_first:
        return ns.sort_key
    rank: dict[int, int] = {}
    for name in sorted(names):
        if name not in ns.original and name in ns.merged_order:
            rank.setdefault(ns.merged_order[name][0], len(rank))

    def key(name: str) -> tuple[int, int, int]:
        first, file, order = ns.sort_key(name)
        return (first, rank.get(file, file), order) if name not in ns.original else (first, file, order)

    return key


def needed_imports(
    body: list[cst.BaseStatement], defined: Iterable[str], records: Iterable[ImportRecord]
) -> list[ImportRecord]:
    """The records whose bound name the body uses and does not define itself; first record per name wins."""
    used: set[str] = set()
    for node in body:
        used |= variables_used(node)
    taken = set(defined)
    kept: list[ImportRecord] = []
    for record in records:
        key = _binding_key(record)
        if key in used and key not in taken:
            kept.append(record)
            taken.add(key)
    return kept


def _binding_key(record: ImportRecord) -> str:
    """What a record provides: its bound name, or the dotted module of a plain ``import a.b`` (used as ``a.b.x``)."""
    if not record.module and not record.alias and "." in record.name:
        return record.name
    return record.bound


def keeps_modular_assignment(name: str, node: cst.BaseStatement, parent_has_it: bool) -> bool:
    """Whether a modular assignment replaces the parent module's one of the same name."""
    if not parent_has_it or any(re.search(p, name) for p in ASSIGNMENTS_FROM_MODULAR):
        return True
    if any(re.search(p, name) for p in ASSIGNMENTS_FROM_MODULAR_IF_SET):
        value = node.body[0].value  # type: ignore[attr-defined]
        return not (isinstance(value, cst.Name) and value.value == "None")
    return False
