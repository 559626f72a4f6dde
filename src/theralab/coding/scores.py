"""Agreement figures for coders against gold labels: accuracy, per-class and macro F1, kappa."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

L = TypeVar("L", str, int)


def accuracy(gold: Sequence[L], pred: Sequence[L]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def per_class_f1(gold: Sequence[L], pred: Sequence[L], labels: Sequence[L]) -> dict[L, float]:
    """F1 of each label (0 when the label is never right)."""
    out: dict[L, float] = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        out[label] = 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return out


def macro_f1(gold: Sequence[L], pred: Sequence[L], labels: Sequence[L]) -> float:
    """Unweighted mean of per-class F1 over `labels` (every label counts, even unseen)."""
    scores = per_class_f1(gold, pred, labels)
    return sum(scores.values()) / len(scores)


def precision(gold: Sequence[L], pred: Sequence[L], label: L) -> float:
    hits = [g == label for g, p in zip(gold, pred, strict=True) if p == label]
    return sum(hits) / len(hits) if hits else 0.0
