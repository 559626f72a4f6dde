"""The risk ladder, a record-layer type: transcripts carry a turn's screened level, and the
screener (`theralab.safety.risk`, which re-exports it) produces it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class RiskLevel(StrEnum):
    """none → low (passive ideation) → moderate (active ideation, method thoughts, self-injury)
    → high (plan or intent, preparatory acts, recent attempt) → imminent (plan + means + time,
    or an act under way)."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    IMMINENT = "imminent"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: RiskLevel) -> bool:
        return self.rank >= other.rank


_RANK = {level: i for i, level in enumerate(RiskLevel)}


def max_level(levels: Iterable[RiskLevel]) -> RiskLevel:
    return max(levels, key=lambda lv: lv.rank, default=RiskLevel.NONE)
