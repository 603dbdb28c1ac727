"""Seeded helpers: every random draw of the demo goes through one ``random.Random`` so the
same seed gives the same data."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from itertools import accumulate
from typing import TypeVar

from minqing.core import codes

T = TypeVar("T")


def station_code(rng: random.Random, taken: set[str], length: int = 8) -> str:
    """Like :func:`minqing.core.codes.generate`, but drawn from ``rng`` (codes.py uses
    ``secrets``, right for real codes and useless for a reproducible demo)."""
    while True:
        body = "".join(rng.choice(codes.ALPHABET) for _ in range(length - 1))
        code = body + codes.check_character(body)
        if code not in taken:
            taken.add(code)
            return code


class Weighted:
    """A weighted choice over fixed ``(value, weight)`` pairs, drawn many times."""

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum)[0]


def spread(rng: random.Random, items: Sequence[T], n: int) -> list[T]:
    """``n`` picks from ``items``: each item once (while n allows), the rest at random,
    so every county gets deputies before any gets a second helping."""
    picks = list(items[:n])
    picks += [rng.choice(items) for _ in range(n - len(picks))]
    return picks


def pick_range(rng: random.Random, bounds: tuple[int, int]) -> int:
    return rng.randint(*bounds)


def coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")
