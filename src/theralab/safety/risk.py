"""The risk model: a C-SSRS-aligned ladder, the other categories a screener flags, and an
assessment that says what was found, by which detector, and why."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, Field

from theralab.dialogue.risk import RiskLevel as RiskLevel
from theralab.dialogue.risk import max_level as max_level

_T = TypeVar("_T")


class RiskCategory(StrEnum):
    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    HARM_TO_OTHERS = "harm_to_others"
    ABUSE = "abuse"
    PSYCHOSIS = "psychosis"
    MANIA = "mania"
    EATING_DISORDER = "eating_disorder"
    OVERDOSE = "overdose"
    SUBSTANCE = "substance"
    OCD = "ocd"
    MINOR = "minor"


class Whose(StrEnum):
    """Whose risk a message speaks of (`theralab.safety.whose` reads it)."""

    OWN = "own"  # the speaker's own, and anything unclear
    OTHER = "other"  # someone else's, told by a worried helper


# The level at which the guardrail hands the turn to the crisis protocol.
CRISIS_THRESHOLD = RiskLevel.MODERATE
# The categories that are harm to the person themselves.
OWN_HARM = frozenset({RiskCategory.SUICIDE, RiskCategory.SELF_HARM, RiskCategory.OVERDOSE})


class RiskAssessment(BaseModel):
    """What a screener found in one message (in its conversation)."""

    level: RiskLevel = RiskLevel.NONE
    categories: list[RiskCategory] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list, description="Why: named cues that fired.")
    detector: str = Field(default="", description="Which tier(s) produced the result.")
    whose: Whose = Field(
        default=Whose.OWN,
        description="Whose risk it is: the speaker's own (and anything unclear) or someone "
        "else's, told by a worried helper. The level is the risk in the conversation either way.",
    )

    @property
    def is_crisis(self) -> bool:
        return self.level.at_least(CRISIS_THRESHOLD)

    def merge(self, other: RiskAssessment) -> RiskAssessment:
        """The union of two assessments: the higher level, all categories, all signals."""
        detectors = [d for d in (self.detector, other.detector) if d]
        return RiskAssessment(
            level=max_level([self.level, other.level]),
            categories=_unique([*self.categories, *other.categories]),
            signals=_unique([*self.signals, *other.signals]),
            detector="+".join(_unique(detectors)),
            # someone else's only when both say so: anything unclear is the speaker's own
            whose=Whose.OTHER
            if self.whose is Whose.OTHER and other.whose is Whose.OTHER
            else Whose.OWN,
        )

    def output(self, message_id: str) -> dict[str, object]:
        """The stable `theralab screen` output line."""
        return {
            "id": message_id,
            "level": self.level.value,
            "categories": [c.value for c in self.categories],
            "signals": self.signals,
            "detector": self.detector,
            "whose": self.whose.value,
        }


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))
