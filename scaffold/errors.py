"""The one error channel of scaffold.

Every expected failure (bad input, unknown model type, conflicting output) raises a subclass of
``ScaffoldError`` whose message says what is wrong and what to do. Only the CLI catches it and prints one
line; anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


class ScaffoldError(Exception):
    """Base class for errors that are the user's to fix, reported as one line by the CLI."""

    exit_code = 2


class InvalidNameError(ScaffoldError):
    """A ``--name`` or ``--class-prefix`` that cannot become a Python package / class name."""


class UnknownModelTypeError(ScaffoldError):
    """A ``--like`` value that the installed transformers does not know."""


class SourceNotFoundError(ScaffoldError):
    """The installed transformers (or one of its model files) could not be found or read."""


class OutputConflictError(ScaffoldError):
    """The output directory exists and ``--force`` was not given, or it cannot be written."""


class ModularError(ScaffoldError):
    """A modular file that cannot be converted (syntax error, unknown parent, ambiguous bases)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = path or "<modular>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class CheckFailedError(ScaffoldError):
    """``scaffold check`` found generated files that differ from what their modular file gives."""

    exit_code = 1


class GeneratedTestsFailedError(ScaffoldError):
    """The generated project's tests ran and failed."""

    exit_code = 1
