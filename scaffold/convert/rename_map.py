"""The typed inputs of the renamer: a model's spellings, the rename policy and the old -> new map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaffold.names import ModelNames


@dataclass(frozen=True)
class Spellings:
    """One model's name in every spelling the source code uses.

    ``Spellings.infer("XLMRoberta", "xlm_roberta")`` gives kebab ``xlm-roberta`` and upper ``XLM_ROBERTA``.
    """

    camel: str  # class prefix: "Llama", "GPT2", "XLMRoberta"
    snake: str  # module / attribute spelling: "llama", "gpt2", "xlm_roberta"
    kebab: str  # model type as hub configs often write it: "xlm-roberta"
    upper: str  # constant prefix: "LLAMA", "GPT2", "XLM_ROBERTA"

    @classmethod
    def from_names(cls, names: ModelNames) -> Spellings:
        """The spellings of a ``scaffold.names.ModelNames``."""
        return cls(camel=names.camel, snake=names.snake, kebab=names.kebab, upper=names.upper)

    @classmethod
    def infer(cls, camel: str, snake: str) -> Spellings:
        """Kebab and upper spellings derived from the snake one."""
        snake = snake.replace("-", "_")
        return cls(camel=camel, snake=snake, kebab=snake.replace("_", "-"), upper=snake.upper())


@dataclass(frozen=True)
class RenamePolicy:
    """What the renamer may touch. The defaults are what a clone wants; ``IN_TREE_COMPAT`` mimics upstream."""

    keep_hub_ids: bool = True  # checkpoint ids ("meta-llama/Llama-2-7b-hf", from_pretrained("gpt2")) must stay valid
    rename_text: bool = True  # comments and docstrings describe the renamed code, so they follow it
    word_boundaries: bool = True  # case-sensitive whole-word matching; False = upstream's case-insensitive regex
    rename_fstring_text: bool = True  # literal parts of f-strings are strings too (upstream leaves them alone)
    drop_copied_from: bool = True  # "# Copied from transformers.models.x..." markers are stale once renamed


# What transformers' own converter (utils/modular_model_converter.py) does: one case-insensitive regex per
# source model with only a left boundary, applied to names, plain strings (docstrings included) and
# comments alike; hub ids are not protected; "# Copied from" comments are dropped.
IN_TREE_COMPAT = RenamePolicy(
    keep_hub_ids=False,
    rename_text=True,
    word_boundaries=False,
    rename_fstring_text=False,
    drop_copied_from=True,
)


@dataclass(frozen=True)
class RenameMap:
    """Old -> new spellings (one pair per source model), identifiers never renamed, and the policy."""

    pairs: tuple[tuple[Spellings, Spellings], ...] = ()
    keep: frozenset[str] = frozenset()  # whole identifiers left alone (names imported from other modules)
    policy: RenamePolicy = RenamePolicy()
