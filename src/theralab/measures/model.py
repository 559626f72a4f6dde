"""The standard-measure file format: a self-report instrument with its items, response
options, scoring rule, severity bands, clinical cut-off and reliable-change threshold, plus
how a scripted client answers it (which symptom domain drives it, how strongly each item
loads on it).

A reliable-change threshold is either *stated* (`threshold`: the smallest change counted as
reliable, e.g. the 6 points NHS Talking Therapies uses for PHQ-9) or *computed* with the
Jacobson–Truax (1991) formula from the instrument's test–retest `reliability` r and the
standard deviation `sd` of a reference sample:

    S_E    = sd * sqrt(1 - r)          (standard error of measurement)
    S_diff = sqrt(2) * S_E             (standard error of a difference)
    RCI    = (after - before) / S_diff ; a change is reliable when |RCI| > 1.96

so the computed critical change is 1.96 * S_diff points. When both are given the stated
threshold is the one used (the computed one is shown beside it).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theralab.yamlfiles import LocatedError, Versioned

Slug = Field(pattern=r"^[a-z][a-z0-9_]*$")
Z_RELIABLE = 1.96  # two-tailed 95 % criterion of Jacobson & Truax (1991)


class Domain(StrEnum):
    """The symptom domain that drives a scripted client's answers to an instrument."""

    DEPRESSION = "depression"
    ANXIETY = "anxiety"
    PSYCHOSIS = "psychosis"
    MANIA = "mania"
    GENERAL = "general"  # overall distress, whatever the problem


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One response option: the score it carries and the words the respondent sees."""

    score: int = Field(ge=0, le=100)
    label: str = Field(min_length=1, max_length=120)


class MeasureItem(_Strict):
    id: str = Slug
    text: str = Field(
        min_length=3, max_length=400, description="The item as the respondent reads it."
    )
    options: list[Option] | None = Field(
        default=None, description="This item's own response options, if they differ."
    )
    reverse: bool = Field(
        default=False,
        description="Positively worded: scored as lowest + highest option score − answer.",
    )
    weight: float = Field(
        default=1.0,
        ge=0.0,
        le=1.5,
        description="Scripted clients: how strongly the item follows the domain's level.",
    )
    driver: Literal["domain", "risk"] = Field(
        default="domain",
        description="Scripted clients: 'risk' makes the item follow the profile's suicide-risk "
        "level instead of the domain (PHQ-9 item 9).",
    )


class Band(_Strict):
    """A severity band of the total score, both ends included."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)
    label: str = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.max < self.min:
            raise ValueError(f"band max ({self.max}) is below its min ({self.min})")
        return self


class Scoring(_Strict):
    method: Literal["sum"] = "sum"
    max_missing: int = Field(
        default=0,
        ge=0,
        description="Items that may be unanswered while a total is still given, prorated: "
        "floor(sum × items / answered + 0.5).",
    )


class ReliableChange(_Strict):
    """A stated threshold, or reliability and SD for the Jacobson–Truax threshold, or both."""

    threshold: float | None = Field(
        default=None, gt=0, description="Smallest change in the total counted as reliable."
    )
    reliability: float | None = Field(
        default=None, gt=0, lt=1, description="Test–retest reliability of the total (r)."
    )
    sd: float | None = Field(
        default=None, gt=0, description="SD of the total in a reference sample."
    )
    source: str = Field(min_length=3, description="Where the numbers come from.")

    @model_validator(mode="after")
    def _enough(self) -> ReliableChange:
        if (self.reliability is None) != (self.sd is None):
            missing = "sd" if self.sd is None else "reliability"
            raise LocatedError(
                "the Jacobson–Truax threshold needs both reliability and sd", (missing,)
            )
        if self.threshold is None and self.reliability is None:
            raise ValueError("give a threshold, or reliability and sd (Jacobson–Truax)")
        return self

    @property
    def s_diff(self) -> float | None:
        """The standard error of a difference between two scores: sqrt(2) · SD · sqrt(1 − r)."""
        if self.reliability is None or self.sd is None:
            return None
        return math.sqrt(2.0) * self.sd * math.sqrt(1.0 - self.reliability)

    @property
    def computed_threshold(self) -> float | None:
        """The Jacobson–Truax critical change, 1.96 · S_diff, when reliability and SD are given."""
        s = self.s_diff
        return None if s is None else Z_RELIABLE * s

    @property
    def stated(self) -> bool:
        return self.threshold is not None

    def is_reliable(self, change: float) -> bool:
        """Whether a change in the total (either direction) is beyond measurement error: at
        least the stated threshold, or |RCI| > 1.96 for a computed one."""
        if self.threshold is not None:
            return abs(change) >= self.threshold - 1e-9
        s = self.s_diff
        assert s is not None
        return abs(change) / s > Z_RELIABLE

    def describe(self) -> str:
        parts = []
        if self.threshold is not None:
            parts.append(f"≥ {self.threshold:g} points (stated)")
        if self.computed_threshold is not None:
            parts.append(
                f"> {self.computed_threshold:.2f} points (Jacobson–Truax: r = "
                f"{self.reliability:g}, SD = {self.sd:g})"
            )
        return "; ".join(parts)


class Simulation(_Strict):
    """How a scripted client answers: the domain whose level drives the items, and the SD of
    the per-item Gaussian noise (in answer points) added before rounding."""

    domain: Domain = Domain.GENERAL
    noise: float = Field(default=0.6, ge=0.0, le=3.0)


class Instrument(_Strict, Versioned):
    id: str = Slug
    version: int = Field(ge=1)
    name: str = Field(min_length=2)
    short: str = Field(default="", description="Short label for tables (default: the id).")
    kind: Literal["validated", "screening_check"] = Field(
        description="A published, validated instrument — or a TheraLab screening check that "
        "has not been validated and gives no diagnosis."
    )
    description: str = Field(min_length=3)
    citation: str = Field(min_length=3, description="Where the instrument comes from.")
    licence: str = Field(min_length=3, description="May it be copied? Under which terms?")
    timeframe: str = Field(min_length=3, description="The period the respondent rates.")
    instructions: str = Field(min_length=3, description="The stem the respondent reads first.")
    options: list[Option] = Field(min_length=2)
    items: list[MeasureItem] = Field(min_length=1)
    scoring: Scoring = Field(default_factory=Scoring)
    bands: list[Band] = Field(min_length=1)
    cutoff: int = Field(
        ge=0, description="Clinical cut-off: a total at or above it is in the clinical range."
    )
    cutoff_source: str = Field(default="", description="Where the cut-off comes from.")
    reliable_change: ReliableChange
    simulation: Simulation = Field(default_factory=Simulation)

    @model_validator(mode="after")
    def _check(self) -> Instrument:
        for name, opts, loc in [("options", self.options, ("options",))] + [
            (f"item {it.id!r} options", it.options, ("items", n, "options"))
            for n, it in enumerate(self.items)
            if it.options is not None
        ]:
            assert opts is not None
            scores = [o.score for o in opts]
            if len(opts) < 2:
                raise LocatedError(f"{name}: at least two options", loc)
            if len(set(scores)) != len(scores):
                raise LocatedError(f"{name}: option scores repeat ({scores})", loc)
            if scores != sorted(scores):
                raise LocatedError(f"{name}: list options from the lowest score up", loc)
        ids = [i.id for i in self.items]
        for n, item_id in enumerate(ids):
            if item_id in ids[:n]:
                raise LocatedError(f"duplicate item id {item_id!r}", ("items", n, "id"))
        if self.scoring.max_missing >= len(self.items):
            raise LocatedError(
                f"max_missing ({self.scoring.max_missing}) must leave at least one item",
                ("scoring", "max_missing"),
            )
        lo, hi = self.total_range
        expected = lo
        for n, band in enumerate(self.bands):
            if band.min != expected:
                what = "overlaps the band before" if band.min < expected else "leaves a gap"
                raise LocatedError(
                    f"band {band.label!r} starts at {band.min}: it {what} (expected {expected})",
                    ("bands", n, "min"),
                )
            expected = band.max + 1
        if expected - 1 != hi:
            raise LocatedError(
                f"the bands end at {expected - 1} but the total runs to {hi}",
                ("bands", len(self.bands) - 1, "max"),
            )
        if not lo < self.cutoff <= hi:
            raise LocatedError(f"cutoff {self.cutoff} is outside {lo + 1}–{hi}", ("cutoff",))
        return self

    # --- derived -----------------------------------------------------------------------

    def options_of(self, item: MeasureItem) -> list[Option]:
        return item.options or self.options

    def scores_of(self, item: MeasureItem) -> list[int]:
        """The scores an answer to `item` may take (the bounded schema's enum)."""
        return [o.score for o in self.options_of(item)]

    @property
    def total_range(self) -> tuple[int, int]:
        lo = sum(min(self.scores_of(i)) for i in self.items)
        hi = sum(max(self.scores_of(i)) for i in self.items)
        return lo, hi

    def item(self, item_id: str) -> MeasureItem:
        """The item with this id (KeyError when there is none)."""
        return {i.id: i for i in self.items}[item_id]

    def scored(self, item: MeasureItem, answer: int) -> int:
        """An answer as it counts toward the total (reverse items flipped)."""
        scores = self.scores_of(item)
        return min(scores) + max(scores) - answer if item.reverse else answer

    def band_of(self, total: int) -> Band:
        for b in self.bands:
            if b.min <= total <= b.max:
                return b
        raise ValueError(f"total {total} is outside {self.id}'s range {self.total_range}")
