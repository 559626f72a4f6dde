"""Multi-label classification figures: per-label precision / recall / F1, macro-F1 over the
task's labels, support-weighted F1 (CBT-Bench's headline metric), exact-match accuracy, and
the same precision / recall / F1 for the empty answer ("no distortion").

Items without gold labels are not scored; items whose prediction is None (an unparseable or
refused model answer) are *unscored* and counted as such, never scored as "no label". A
label's F1 is undefined (None) when it is neither in the gold labels nor predicted; macro-F1
averages the labels whose F1 is defined.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import asdict, dataclass, field
from typing import Any

from theralab.cbtbench.labels import Task


@dataclass(frozen=True)
class LabelScore:
    label: str
    tp: int
    predicted: int
    support: int

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        errors = (self.predicted - self.tp) + (self.support - self.tp)
        return 2 * self.tp / (2 * self.tp + errors) if self.tp + errors else None

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True)
class Metrics:
    task: str
    items: int
    labelled: int
    scored: int
    unscored: int
    per_label: list[LabelScore]
    none: LabelScore
    exact_matches: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def exact_match(self) -> float | None:
        return self.exact_matches / self.scored if self.scored else None

    @property
    def macro_f1(self) -> float | None:
        defined = [s.f1 for s in self.per_label if s.f1 is not None]
        return sum(defined) / len(defined) if defined else None

    @property
    def weighted_f1(self) -> float | None:
        total = sum(s.support for s in self.per_label)
        if not total:
            return None
        return sum((s.f1 or 0.0) * s.support for s in self.per_label) / total

    @property
    def micro_f1(self) -> float | None:
        merged = LabelScore(
            "all",
            sum(s.tp for s in self.per_label),
            sum(s.predicted for s in self.per_label),
            sum(s.support for s in self.per_label),
        )
        return merged.f1

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "items": self.items,
            "labelled": self.labelled,
            "scored": self.scored,
            "unscored": self.unscored,
            "macro_f1": self.macro_f1,
            "weighted_f1": self.weighted_f1,
            "micro_f1": self.micro_f1,
            "exact_match": self.exact_match,
            "per_label": {s.label: s.to_dict() for s in self.per_label},
            "none": self.none.to_dict(),
            **self.extra,
        }


def score(gold: Sequence[Set[str] | None], pred: Sequence[Set[str] | None], task: Task) -> Metrics:
    """Score predictions against gold label sets (None gold: unlabelled; None pred: unscored)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold label sets but {len(pred)} predictions")
    tp = dict.fromkeys(task.labels, 0)
    predicted = dict.fromkeys(task.labels, 0)
    support = dict.fromkeys(task.labels, 0)
    none = [0, 0, 0]  # tp, predicted, support of the empty answer
    labelled = scored = unscored = exact = 0
    for g, p in zip(gold, pred, strict=True):
        if g is None:
            continue
        labelled += 1
        if p is None:
            unscored += 1
            continue
        scored += 1
        unknown = (set(g) | set(p)) - set(task.labels)
        if unknown:
            raise ValueError(f"labels outside the {task.name} task: {sorted(unknown)}")
        exact += set(g) == set(p)
        for label in g:
            support[label] += 1
        for label in p:
            predicted[label] += 1
            tp[label] += label in g
        none[0] += not g and not p
        none[1] += not p
        none[2] += not g
    return Metrics(
        task=task.name,
        items=len(gold),
        labelled=labelled,
        scored=scored,
        unscored=unscored,
        per_label=[LabelScore(lab, tp[lab], predicted[lab], support[lab]) for lab in task.labels],
        none=LabelScore(task.none_name, *none),
        exact_matches=exact,
    )
