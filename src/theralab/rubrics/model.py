"""The rubric file format: a scale, items (optionally reverse-scored, grouped in subscales),
named subsets, the unit a judge scores (a whole session or each counselor reply) and the
phases it is rated at (PANAS: before and after)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theralab.yamlfiles import LocatedError, Versioned

Slug = Field(pattern=r"^[a-z][a-z0-9_]*$")


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min: int
    max: int
    labels: dict[int, str] = Field(
        default_factory=dict, description="Anchor descriptions for some scale points."
    )

    @model_validator(mode="after")
    def _check(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"scale max ({self.max}) must exceed min ({self.min})")
        bad = [k for k in self.labels if not self.min <= k <= self.max]
        if bad:
            raise ValueError(f"anchor points {bad} fall outside {self.min}–{self.max}")
        return self

    @property
    def binary(self) -> bool:
        return (self.min, self.max) == (0, 1)

    @property
    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Slug
    name: str
    question: str = Field(description="What the judge rates, in one or two sentences.")
    anchors: dict[int, str] = Field(default_factory=dict)
    reverse: bool = Field(
        default=False, description="Negatively worded: scored as min + max − answer."
    )
    subscale: str | None = None
    allow_na: bool = Field(
        default=False,
        description="The judge may answer 'n/a' (the situation did not arise); counted apart.",
    )
    scale: Scale | None = Field(default=None, description="This item's own scale, if it differs.")


class Rubric(BaseModel, Versioned):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Slug
    version: int = Field(ge=1)
    name: str
    short: str = Field(default="", description="Short label for tables (default: the id).")
    description: str
    source: str = Field(description="Where the rubric comes from (citation).")
    unit: Literal["session", "reply"] = "session"
    perspective: Literal["observer", "client"] = "observer"
    phases: list[Literal["session", "before", "after"]] = Field(default_factory=lambda: ["session"])
    scale: Scale
    instructions: str = ""
    items: list[Item] = Field(min_length=1)
    subsets: dict[str, list[str]] = Field(default_factory=dict)
    headline: str = Field(
        default="mean", description="The metric the report shows first (mean, a subscale …)."
    )
    overall_mean: bool = Field(
        default=True, description="Report the mean over all items (off when it means nothing)."
    )

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        ids = [i.id for i in self.items]
        for n, item_id in enumerate(ids):
            if item_id in ids[:n]:
                raise LocatedError(f"duplicate item id {item_id!r}", ("items", n, "id"))
        for name, members in self.subsets.items():
            unknown = [m for m in members if m not in ids]
            if unknown:
                raise LocatedError(
                    f"subset {name!r} names unknown items: {', '.join(unknown)}",
                    ("subsets", name),
                )
        for n, item in enumerate(self.items):
            scale = self.scale_of(item)
            bad = [k for k in item.anchors if not scale.min <= k <= scale.max]
            if bad:
                raise LocatedError(
                    f"item {item.id!r}: anchor points {bad} fall outside the scale "
                    f"{scale.min}–{scale.max}",
                    ("items", n, "anchors"),
                )
        if len(set(self.phases)) != len(self.phases):
            raise ValueError("phases repeat")
        if "session" in self.phases and len(self.phases) > 1:
            raise ValueError("'session' is the only phase or none")
        if self.unit == "reply" and self.phases != ["session"]:
            raise ValueError("reply-level rubrics are rated once per reply (phases: [session])")
        groups = set(self.groups)
        if self.headline not in groups:
            raise LocatedError(
                f"headline {self.headline!r} is not one of {sorted(groups)}", ("headline",)
            )
        return self

    @property
    def subscales(self) -> list[str]:
        out: list[str] = []
        for item in self.items:
            if item.subscale and item.subscale not in out:
                out.append(item.subscale)
        return out

    @property
    def groups(self) -> list[str]:
        """Aggregate scores: the overall mean (unless switched off), subscales, subsets."""
        return (["mean"] if self.overall_mean else []) + self.subscales + list(self.subsets)

    def members(self, group: str) -> list[Item]:
        if group == "mean":
            return list(self.items)
        if group in self.subsets:
            return [self.item(i) for i in self.subsets[group]]
        return [i for i in self.items if i.subscale == group]

    def scale_of(self, item: Item) -> Scale:
        return item.scale or self.scale

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError when there is none)."""
        return {i.id: i for i in self.items}[item_id]

    def score(self, item: Item, answer: int) -> float:
        """An answer as scored: reverse-scored items flip around the scale's midpoint."""
        scale = self.scale_of(item)
        return float(scale.min + scale.max - answer) if item.reverse else float(answer)

    def metric_keys(self) -> list[str]:
        """Keys this rubric adds to results (`ctrs.mean`, `wai.bond`, `panas.positive_after` …)."""
        groups = self.groups
        names = groups + [i.id for i in self.items]
        if self.phases == ["session"]:
            return [f"{self.id}.{n}" for n in names]
        keys = [f"{self.id}.{n}_{p}" for n in names for p in self.phases]
        if {"before", "after"} <= set(self.phases):
            keys += [f"{self.id}.{g}_change" for g in groups]
        return keys
