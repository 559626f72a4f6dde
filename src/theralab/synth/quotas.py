"""Quotas over profile attributes: `problem=even`, `attitude=positive:0.5,neutral:0.3,negative:0.2`.

Each row index gets a value per quota dimension from a seeded, balanced design: the values are
dealt in shuffled blocks, so `even` quotas are exact to within one block at any N, and the
value of row i never depends on how many rows are asked for (a resumed or extended dataset
keeps the rows it has).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

from theralab.errors import BadValue
from theralab.profiles.model import Attitude, Stage, Style

DIMENSIONS = ("problem", "style", "attitude", "stage", "core_belief")
CORE_BELIEFS = ("helpless", "unlovable", "worthless")


@dataclass(frozen=True)
class Quota:
    dimension: str
    weights: tuple[tuple[str, float], ...]  # empty: even over every known value

    @classmethod
    def parse(cls, text: str) -> Quota:
        dim, sep, spec = text.partition("=")
        dim, spec = dim.strip(), spec.strip()
        if not sep or not dim or not spec:
            raise BadValue(f"a quota is DIMENSION=even or DIMENSION=a:0.5,b:0.5; got {text!r}")
        if dim not in DIMENSIONS:
            raise BadValue(f"unknown quota dimension {dim!r}; choose from {', '.join(DIMENSIONS)}")
        if spec == "even":
            return cls(dim, ())
        weights = []
        for part in spec.split(","):
            value, colon, w = part.partition(":")
            try:
                weight = float(w)
            except ValueError:
                weight = -1.0
            if not colon or weight < 0:
                raise BadValue(f"quota {text!r}: '{part}' is not VALUE:WEIGHT")
            weights.append((value.strip(), weight))
        if sum(w for _, w in weights) <= 0:
            raise BadValue(f"quota {text!r}: weights sum to zero")
        return cls(dim, tuple(weights))


def known_values(dimension: str, problems: list[str]) -> list[str]:
    return {
        "problem": sorted(problems),
        "style": [s.value for s in Style],
        "attitude": [a.value for a in Attitude],
        "stage": [s.value for s in Stage],
        "core_belief": list(CORE_BELIEFS),
    }[dimension]


@dataclass(frozen=True)
class QuotaPlan:
    """Which value of each quota dimension row `i` gets."""

    quotas: tuple[Quota, ...]
    problems: tuple[str, ...]
    seed: int
    block: int = 60  # rows per dealt block for weighted quotas

    def __post_init__(self) -> None:
        for q in self.quotas:
            values = known_values(q.dimension, list(self.problems))
            unknown = [v for v, _ in q.weights if v not in values]
            if unknown:
                raise BadValue(
                    f"quota {q.dimension}: unknown value(s) {', '.join(unknown)}; "
                    f"known: {', '.join(values)}"
                )

    @cached_property
    def _decks(self) -> dict[str, list[str]]:
        decks = {}
        for q in self.quotas:
            if not q.weights:
                decks[q.dimension] = known_values(q.dimension, list(self.problems))
                continue
            total = sum(w for _, w in q.weights)
            # largest-remainder apportionment of one block
            raw = [(v, w / total * self.block) for v, w in q.weights]
            counts = {v: int(x) for v, x in raw}
            left = self.block - sum(counts.values())
            for v, _ in sorted(raw, key=lambda t: -(t[1] - int(t[1])))[:left]:
                counts[v] += 1
            decks[q.dimension] = [v for v, _ in q.weights for _ in range(counts[v])]
        return decks

    def values(self, index: int) -> dict[str, str]:
        out = {}
        for q in self.quotas:
            deck = self._decks[q.dimension]
            block, offset = divmod(index, len(deck))
            shuffled = list(deck)
            random.Random(f"{self.seed}/{q.dimension}/{block}").shuffle(shuffled)
            out[q.dimension] = shuffled[offset]
        return out
