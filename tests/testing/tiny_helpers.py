"""Helpers shared by the tiny-config tests: a config rebuilt as the zoo rebuilds it, and seeded token ids."""

from __future__ import annotations

import torch

from scaffold.zoo_child import _rebuilt as rebuilt  # the zoo's own rebuild: the tests check what it runs

__all__ = ["ids", "rebuilt"]


def ids(vocab: int) -> torch.Tensor:
    """(2, 5) token ids in [3, vocab), the same every run."""
    return torch.randint(3, vocab, (2, 5), generator=torch.Generator().manual_seed(0))
