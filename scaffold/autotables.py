"""The Auto mapping tables of the installed transformers, read statically.

transformers keeps its model-type -> class-name tables (``CONFIG_MAPPING_NAMES``,
``MODEL_FOR_CAUSAL_LM_MAPPING_NAMES``, ``TOKENIZER_MAPPING_NAMES``, ...) as literals in the
``models/auto`` modules, some merged at import time with ``.update(...)`` or chosen by availability checks.
Importing those modules imports torch, so we evaluate the literal parts of their syntax trees instead:
``OrderedDict([...])`` and dict literals, ``X.update(...)``, ``OrderedDict(**a, **b)``, the availability
branch of ``a if is_x_available() else b`` (as the installed modules decide for the checks listed in
``AVAILABILITY_MODULES``, else assumed available) and the non-TYPE_CHECKING
branch of ``if TYPE_CHECKING: ... else: ...``. Anything else is ignored, never guessed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from scaffold.source import InstalledTransformers, SourceResolver

# The auto modules, in the order transformers imports them (later ones read tables of earlier ones).
AUTO_MODULES = (
    "auto_mappings",
    "configuration_auto",
    "tokenization_auto",
    "feature_extraction_auto",
    "image_processing_auto",
    "video_processing_auto",
    "processing_auto",
    "modeling_auto",
)

# Non-model Auto classes: the table each reads (why: their classes are looked up by these, not by
# `_model_mapping` attributes, so they cannot be read off the class bodies like the model Auto classes).
PREPROCESSOR_AUTO_CLASSES = (
    ("AutoTokenizer", "TOKENIZER_MAPPING_NAMES"),
    ("AutoImageProcessor", "IMAGE_PROCESSOR_MAPPING_NAMES"),
    ("AutoVideoProcessor", "VIDEO_PROCESSOR_MAPPING_NAMES"),
    ("AutoFeatureExtractor", "FEATURE_EXTRACTOR_MAPPING_NAMES"),
    ("AutoProcessor", "PROCESSOR_MAPPING_NAMES"),
)

_MISSING = object()

# transformers' availability checks an ``a if is_x_available() else b`` table value is evaluated against, and the
# module each looks for (why: mistral tokenizers are MistralCommonBackend only with mistral_common installed; the
# fallback, TokenizersBackend, is what transformers registers otherwise). Other checks are assumed true: a
# sentencepiece tokenizer the clone copies is guarded by the package's own backend checks instead.
AVAILABILITY_MODULES = {
    "is_mistral_common_available": "mistral_common",
    "is_tokenizers_available": "tokenizers",
}


def module_installed(module: str) -> bool:
    """True when ``module`` can be imported (found without importing it)."""
    import importlib.util

    return importlib.util.find_spec(module) is not None


@dataclass(frozen=True)
class AutoTables:
    """Every ``*_MAPPING_NAMES`` table (name -> {model_type: value}) and which Auto class reads which."""

    tables: Mapping[str, Mapping[str, Any]]
    auto_class_tables: tuple[tuple[str, str], ...]  # (Auto class name, table name), transformers' order
    module_names: Mapping[str, str]  # SPECIAL_MODEL_TYPE_TO_MODULE_NAME
    # Auto class -> the backends its ``@requires(backends=...)`` decorator names (AutoVideoProcessor needs
    # torchvision: without it transformers hands out a placeholder whose ``register`` raises ImportError).
    auto_class_backends: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    # The config table as the config modules alone give it (what ``read_config_table`` returns), when known.
    config_table: ConfigTable | None = None

    @property
    def config_names(self) -> Mapping[str, str]:
        return self.tables["CONFIG_MAPPING_NAMES"]

    def module_of(self, model_type: str) -> str:
        """The ``transformers.models`` sub-package of a model type, as transformers computes it."""
        return module_of(self.module_names, model_type)

    def entries_for(self, model_type: str) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
        """(Auto class, ((backend, class name), ...)) for every Auto class whose table maps ``model_type``."""
        for auto_class, table in self.auto_class_tables:
            value = self.tables.get(table, {}).get(model_type)
            names = class_names_of(value)
            if names:
                yield auto_class, names


def class_names_of(value: Any) -> tuple[tuple[str, str], ...]:
    """A table value as (backend, class name) pairs; backend is "" except for per-backend dicts.

    ``"X"`` -> (("", "X"),); ``("X", "Y")`` -> (("", "X"), ("", "Y")); ``{"pil": "Y"}`` -> (("pil", "Y"),).
    """
    if isinstance(value, str):
        return (("", value),)
    if isinstance(value, (tuple, list)):
        return tuple(("", v) for v in value if isinstance(v, str))
    if isinstance(value, dict):
        return tuple((k, v) for k, v in sorted(value.items()) if isinstance(v, str))
    return ()


def read_auto_tables(installed: InstalledTransformers) -> AutoTables:
    """Evaluate the literal tables of every auto module of the installed transformers."""
    scope: dict[str, Any] = {}
    auto_classes: list[tuple[str, str]] = []
    backends: dict[str, tuple[str, ...]] = {}
    sources = {module: installed.read_module(f"transformers.models.auto.{module}") for module in AUTO_MODULES}
    for module, source in sources.items():
        if source is not None:
            tree = ast.parse(source)
            _TableEvaluator(scope).run(tree.body)
            auto_classes.extend(_model_auto_classes(tree, scope))
            backends.update(_auto_class_backends(tree))
        if module == CONFIG_MODULES[-1]:  # what read_config_table evaluates: remembered, not evaluated again
            config = _config_table_of(scope)
            _remember(tuple(sources[m] for m in CONFIG_MODULES), config)
    auto_classes.extend(PREPROCESSOR_AUTO_CLASSES)
    tables = {k: MappingProxyType(dict(v)) for k, v in scope.items() if k.endswith("MAPPING_NAMES")}
    return AutoTables(
        tables=MappingProxyType(tables),
        auto_class_tables=tuple(auto_classes),
        module_names=MappingProxyType(dict(scope.get("SPECIAL_MODEL_TYPE_TO_MODULE_NAME", {}))),
        auto_class_backends=MappingProxyType(backends),
        config_table=config,
    )


def tables_to_plain(tables: AutoTables) -> tuple[Any, ...]:
    """AutoTables as dicts and tuples (picklable: the helper process sends them; ``tables_from_plain`` inverts)."""
    config = tables.config_table
    return (
        {name: dict(table) for name, table in tables.tables.items()},
        tables.auto_class_tables,
        dict(tables.module_names),
        dict(tables.auto_class_backends),
        (dict(config.config_names), dict(config.module_names)) if config is not None else None,
    )


def tables_from_plain(plain: tuple[Any, ...]) -> AutoTables:
    named, auto_class_tables, module_names, backends, config = plain
    return AutoTables(
        tables=MappingProxyType({name: MappingProxyType(table) for name, table in named.items()}),
        auto_class_tables=auto_class_tables,
        module_names=MappingProxyType(module_names),
        auto_class_backends=MappingProxyType(backends),
        config_table=ConfigTable(*(MappingProxyType(part) for part in config)) if config is not None else None,
    )


# The modules that build CONFIG_MAPPING_NAMES and SPECIAL_MODEL_TYPE_TO_MODULE_NAME, in import order.
CONFIG_MODULES = AUTO_MODULES[:2]


@dataclass(frozen=True)
class ConfigTable:
    """``CONFIG_MAPPING_NAMES`` (model type -> config class, transformers' order) and the type -> package table."""

    config_names: Mapping[str, str]
    module_names: Mapping[str, str]

    def module_of(self, model_type: str) -> str:
        return module_of(self.module_names, model_type)


def module_of(module_names: Mapping[str, str], model_type: str) -> str:
    """A model type's ``transformers.models`` sub-package: its SPECIAL_MODEL_TYPE_TO_MODULE_NAME entry, else the
    type with ``-`` as ``_`` (both tables, AutoTables and ConfigTable, answer with this one rule)."""
    return module_names.get(model_type, model_type.replace("-", "_"))


def read_config_table(resolver: SourceResolver) -> ConfigTable:
    """The config table alone, evaluated like ``read_auto_tables`` evaluates every table (empty when not found)."""
    return _config_table(_config_sources(resolver))


def _config_sources(resolver: SourceResolver) -> tuple[str | None, ...]:
    """The texts of the config modules: what a config table is evaluated from, and remembered by."""
    return tuple(resolver.read_module(f"transformers.models.auto.{m}") for m in CONFIG_MODULES)


def remember_config_table(installed: SourceResolver, tables: AutoTables) -> None:
    """Let ``read_config_table(installed)`` answer from ``tables`` (read by the helper process) without
    evaluating the config modules again."""
    if tables.config_table is not None:
        _remember(_config_sources(installed), tables.config_table)


# Config tables by the source texts of the config modules (a few entries: one per transformers read in a run).
_CONFIG_TABLES: dict[tuple[str | None, ...], ConfigTable] = {}


def _remember(sources: tuple[str | None, ...], table: ConfigTable) -> None:
    if len(_CONFIG_TABLES) >= 4:
        _CONFIG_TABLES.clear()
    _CONFIG_TABLES[sources] = table


def _config_table(sources: tuple[str | None, ...]) -> ConfigTable:
    found = _CONFIG_TABLES.get(sources)
    if found is None:
        scope: dict[str, Any] = {}
        for source in sources:
            if source is not None:
                _TableEvaluator(scope).run(ast.parse(source).body)
        found = _config_table_of(scope)
        _remember(sources, found)
    return found


def _config_table_of(scope: Mapping[str, Any]) -> ConfigTable:
    """The config table in an evaluation scope, copied (later modules may still update the scope's tables)."""
    names = scope.get("CONFIG_MAPPING_NAMES", {})
    modules = scope.get("SPECIAL_MODEL_TYPE_TO_MODULE_NAME", {})
    return ConfigTable(MappingProxyType(dict(names)), MappingProxyType(dict(modules)))


def _auto_class_backends(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """``@requires(backends=("vision", "torchvision"))`` on ``class AutoX`` -> {"AutoX": ("torchvision", "vision")}."""
    found = {}
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name.startswith("Auto")):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Name)
                and decorator.func.id == "requires"
            ):
                for keyword in decorator.keywords:
                    value = _TableEvaluator({}).value(keyword.value) if keyword.arg == "backends" else None
                    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
                        found[node.name] = tuple(sorted(value))
    return found


def _model_auto_classes(tree: ast.Module, scope: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``class AutoModelForX(...): _model_mapping = MAPPING`` with ``MAPPING = _LazyAutoMapping(C, NAMES)``."""
    lazy = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.value.args) == 2:
            table = node.value.args[1]
            if isinstance(table, ast.Name) and table.id in scope:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        lazy[target.id] = table.id
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name.startswith("Auto")):
            continue
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "_model_mapping" for t in stmt.targets)
                and isinstance(stmt.value, ast.Name)
                and stmt.value.id in lazy
            ):
                yield node.name, lazy[stmt.value.id]


class _TableEvaluator:
    """Runs the literal assignments of a module body into ``scope``; skips everything it cannot evaluate."""

    def __init__(self, scope: dict[str, Any], installed: Callable[[str], bool] = module_installed) -> None:
        self.scope = scope
        self.installed = installed

    def run(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.If):
            self.if_statement(stmt)
        elif isinstance(stmt, ast.For):
            self.for_statement(stmt)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = self.value(stmt.value)
            if value is not _MISSING:
                for target in targets:
                    self.assign(target, value)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.update_call(stmt.value)

    def assign(self, target: ast.expr, value: Any) -> None:
        """``NAME = value``, or ``TABLE[key] = value`` into a table already in scope."""
        if isinstance(target, ast.Name):
            self.scope[target.id] = value
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            table, key = self.scope.get(target.value.id), self.value(target.slice)
            if isinstance(table, dict) and key is not _MISSING:
                table[key] = value

    def if_statement(self, stmt: ast.If) -> None:
        """``TYPE_CHECKING`` takes the runtime branch; a membership test we can evaluate picks its branch;
        any other test (an availability check) is assumed true."""
        if _is_type_checking(stmt.test):
            self.run(stmt.orelse)
            return
        verdict = self.membership(stmt.test)
        self.run(stmt.orelse if verdict is False else stmt.body)

    def membership(self, test: ast.expr) -> bool | None:
        """``x in TABLE`` / ``x not in TABLE`` when both sides evaluate, else None."""
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))):
            return None
        item, container = self.value(test.left), self.value(test.comparators[0])
        if item is _MISSING or not isinstance(container, (dict, list, tuple)):
            return None
        found = item in container
        return found if isinstance(test.ops[0], ast.In) else not found

    def for_statement(self, stmt: ast.For) -> None:
        """``for NAME in <literal collection or table>: ...`` runs its body once per item, in source order
        (a set literal is iterated in the order written, so the result does not depend on hashing)."""
        items = self.value(stmt.iter)
        if not isinstance(stmt.target, ast.Name) or not isinstance(items, (list, tuple, dict)) or stmt.orelse:
            return
        for item in list(items):
            self.scope[stmt.target.id] = item
            self.run(stmt.body)
        self.scope.pop(stmt.target.id, None)

    def update_call(self, call: ast.Call) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Name)):
            return
        target = self.scope.get(func.value.id)
        if isinstance(target, dict) and call.args:
            extra = self.value(call.args[0])
            if isinstance(extra, dict):
                target.update(extra)

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = [self.value(e) for e in node.elts]
            return _MISSING if _MISSING in items else (list(items) if isinstance(node, ast.List) else tuple(items))
        if isinstance(node, ast.Dict):
            return self.dict_literal(node)
        if isinstance(node, ast.IfExp):
            return self.value(node.orelse if self.available(node.test) is False else node.body)
        if isinstance(node, ast.Name):
            found = self.scope.get(node.id, _MISSING)
            return dict(found) if isinstance(found, dict) else found
        if isinstance(node, ast.Call):
            return self.dict_call(node)
        return _MISSING

    def available(self, test: ast.expr) -> bool | None:
        """The value of an ``is_x_available()`` test listed in AVAILABILITY_MODULES, None for any other test."""
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and not test.args:
            module = AVAILABILITY_MODULES.get(test.func.id)
            return self.installed(module) if module is not None else None
        return None

    def dict_literal(self, node: ast.Dict) -> Any:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values):
            evaluated = self.value(value)
            if key is None and isinstance(evaluated, dict):
                result.update(evaluated)
            elif key is not None and evaluated is not _MISSING:
                result[self.value(key)] = evaluated
        return result

    def dict_call(self, node: ast.Call) -> Any:
        """``OrderedDict(...)``, ``OrderedDict[...](...)``, ``dict(...)`` with pairs and ``**`` mappings."""
        func = node.func.value if isinstance(node.func, ast.Subscript) else node.func
        if not (isinstance(func, ast.Name) and func.id in ("OrderedDict", "dict")):
            return _MISSING
        result: dict[Any, Any] = {}
        for arg in node.args:
            result.update(self.pairs(arg))
        for keyword in node.keywords:
            extra = self.value(keyword.value)
            if keyword.arg is None and isinstance(extra, dict):
                result.update(extra)
            elif keyword.arg is not None and extra is not _MISSING:
                result[keyword.arg] = extra
        return result

    def pairs(self, node: ast.expr) -> dict[Any, Any]:
        if isinstance(node, (ast.List, ast.Tuple)):
            result = {}
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    result.update(self.pairs_from_items(element.value))
                    continue
                pair = self.value(element)
                if isinstance(pair, tuple) and len(pair) == 2:
                    result[pair[0]] = pair[1]
            return result
        value = self.value(node)
        return value if isinstance(value, dict) else {}

    def pairs_from_items(self, node: ast.expr) -> dict[Any, Any]:
        """``*list(TABLE.items())`` inside a pair list."""
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Call):
            inner = node.args[0].func
            if isinstance(inner, ast.Attribute) and inner.attr == "items":
                table = self.value(inner.value)
                return table if isinstance(table, dict) else {}
        return {}


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
