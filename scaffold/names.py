"""Every spelling of a model's name, derived once and passed around frozen.

``ModelNames.from_name("my-captioner")`` gives the model type (``my-captioner``), the Python package and
module stem (``my_captioner``), the class prefix (``MyCaptioner``) and the constant prefix
(``MY_CAPTIONER``). The renamer maps each spelling of the source model onto the same spelling of the new
one, which is what makes the rename case-aware.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass

from scaffold.errors import InvalidNameError

_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_CLASS_PREFIX_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# Package names that would shadow something the generated package itself imports.
_RESERVED_PACKAGES = frozenset({"torch", "transformers", "scaffold", "tests", "test", "typer", "jinja2"})


@dataclass(frozen=True)
class ModelNames:
    """The spellings of one model name.

    ``model_type`` is what the config declares and the Auto classes key on; ``snake`` names the package and
    files; ``kebab`` is how the type is written in prose and on the command line; ``camel`` prefixes classes;
    ``upper`` prefixes constants.
    """

    model_type: str
    snake: str
    kebab: str
    camel: str
    upper: str

    @classmethod
    def from_name(cls, name: str, class_prefix: str | None = None) -> ModelNames:
        """Validate a user-given ``--name`` (kebab or snake) and derive the other spellings."""
        cleaned = name.strip()
        _check_name(cleaned)
        snake = cleaned.replace("-", "_")
        camel = class_prefix if class_prefix is not None else camel_from_snake(snake)
        _check_class_prefix(camel)
        return cls(
            model_type=cleaned,
            snake=snake,
            kebab=snake.replace("_", "-"),
            camel=camel,
            upper=snake.upper(),
        )

    @classmethod
    def for_source(cls, model_type: str, module: str, camel: str) -> ModelNames:
        """The spellings of an existing transformers model; no validation, these are facts."""
        return cls(
            model_type=model_type,
            snake=module,
            kebab=module.replace("_", "-"),
            camel=camel,
            upper=module.upper(),
        )


def camel_from_snake(snake: str) -> str:
    """``my_captioner`` -> ``MyCaptioner``; digits stay attached (``my_gpt2`` -> ``MyGpt2``)."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def _check_name(name: str) -> None:
    if not name:
        raise InvalidNameError("The model name is empty. Pass --name like 'my-llama'.")
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise InvalidNameError(f"Invalid model name {name!r}: it must be a plain name, not a path.")
    if name[0].isdigit():
        raise InvalidNameError(f"Invalid model name {name!r}: it must not start with a digit.")
    if not _NAME_RE.match(name):
        raise InvalidNameError(
            f"Invalid model name {name!r}: use lower-case letters, digits and single '-' or '_' "
            "between words, like 'my-llama'."
        )
    snake = name.replace("-", "_")
    if keyword.iskeyword(snake) or keyword.issoftkeyword(snake):
        raise InvalidNameError(f"Invalid model name {name!r}: '{snake}' is a Python keyword.")
    if snake in _RESERVED_PACKAGES or snake in sys.stdlib_module_names:
        raise InvalidNameError(
            f"Invalid model name {name!r}: a package named '{snake}' would shadow an existing module."
        )


def _check_class_prefix(prefix: str) -> None:
    if not _CLASS_PREFIX_RE.match(prefix) or keyword.iskeyword(prefix):
        raise InvalidNameError(
            f"Invalid class prefix {prefix!r}: it must be a CamelCase identifier like 'MyLlama'."
        )
