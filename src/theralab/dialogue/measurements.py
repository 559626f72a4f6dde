"""Answers to standard measures and their scores: the records a course keeps.

They live with the other transcript records (`theralab.measures` scores and answers them) so
a session can carry its questionnaires without the record layer importing the simulator.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AnswerStatus = Literal["answered", "unparseable", "out_of_range", "refused", "error", "missing"]


class ItemAnswer(BaseModel):
    """One item's answer, or why there is none (never a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    status: AnswerStatus
    answer: int | None = None
    reason: str = ""


class MeasureAnswers(BaseModel):
    """A respondent's answers to one instrument at one moment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: str = Field(description="The instrument's tag (id@vN).")
    respondent: Literal["scripted", "model"]
    answers: list[ItemAnswer]
    calls: int = Field(default=0, description="Model calls made (one per item).")

    @property
    def unscored(self) -> int:
        return sum(1 for a in self.answers if a.status != "answered")

    def values(self) -> dict[str, int | None]:
        return {a.item: a.answer if a.status == "answered" else None for a in self.answers}


class MeasureScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: str
    total: int | None = Field(description="None when too many items are unscored.")
    band: str | None
    clinical: bool | None = Field(description="Total at or above the clinical cut-off.")
    answered: int
    unscored: int
    unscored_items: list[str]
    prorated: bool
    complete: bool = Field(description="Every item answered.")
