"""Is a transcript like the ones the MI coder was trained on? A check on its code distribution.

The MI coder's figures hold for conversations like its training corpora. A transcript whose
coded behaviour mix (question / reflection / therapist input / other of every coded unit:
for the MITI evaluator, every counselor sentence) is far from every training corpus's mix is
outside what the coder was validated on, so its MITI numbers are marked low-confidence.

Reference (written beside the heads by `theralab coder train mi`, key `domain` of
`mi_heads.json`): per training corpus, the mean behaviour distribution of its development
conversations (gold labels), and a threshold: the 95th percentile of the training
conversations' own divergence from the nearest corpus mean (conversations of at least
`MIN_UNITS` counselor utterances). Divergence is the Jensen-Shannon divergence (base 2, 0–1) of
add-half smoothed distributions.

Pure Python (no numpy): the MITI evaluator runs it with either coder.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

BEHAVIOURS = ("question", "reflection", "therapist_input", "other")
MIN_UNITS = 8
SMOOTHING = 0.5
PERCENTILE = 0.95


def distribution(behaviours: Sequence[str], smoothing: float = SMOOTHING) -> list[float]:
    """Smoothed share of each behaviour (in `BEHAVIOURS` order)."""
    counts = Counter(behaviours)
    total = sum(counts[b] for b in BEHAVIOURS) + smoothing * len(BEHAVIOURS)
    return [(counts[b] + smoothing) / total for b in BEHAVIOURS]


def js_divergence(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon divergence in bits (0 = same, 1 = disjoint)."""
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]

    def kl(x: Sequence[float]) -> float:
        return sum(a * math.log2(a / c) for a, c in zip(x, m, strict=True) if a > 0)

    return (kl(p) + kl(q)) / 2


def nearest(dist: Sequence[float], centroids: Mapping[str, Sequence[float]]) -> tuple[str, float]:
    """(corpus, divergence) of the training corpus whose mean mix is closest."""
    return min(
        ((name, js_divergence(dist, c)) for name, c in sorted(centroids.items())),
        key=lambda x: x[1],
    )


def build_reference(conversations: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, Any]:
    """The reference from {corpus: [behaviour labels of one conversation, ...]}."""
    centroids = {}
    for corpus, convs in conversations.items():
        dists = [distribution(c) for c in convs if len(c) >= MIN_UNITS]
        if dists:
            centroids[corpus] = [
                round(sum(d[i] for d in dists) / len(dists), 4) for i in range(len(BEHAVIOURS))
            ]
    spread = sorted(
        nearest(distribution(c), centroids)[1]
        for convs in conversations.values()
        for c in convs
        if len(c) >= MIN_UNITS
    )
    threshold = spread[min(len(spread) - 1, int(PERCENTILE * len(spread)))] if spread else 1.0
    return {
        "behaviours": list(BEHAVIOURS),
        "centroids": centroids,
        "threshold": round(threshold, 4),
        "min_units": MIN_UNITS,
        "conversations": len(spread),
        "rule": f"Jensen-Shannon divergence (bits) of the add-{SMOOTHING:g} smoothed behaviour "
        f"mix to the nearest corpus mean; threshold = its {PERCENTILE:.0%} percentile over "
        f"training conversations of ≥ {MIN_UNITS} counselor units",
    }


@dataclass(frozen=True)
class DomainCheck:
    divergence: float | None  # None: too few units to judge
    nearest: str | None
    low_confidence: bool
    reason: str


def check(behaviours: Sequence[str], reference: Mapping[str, Any] | None) -> DomainCheck:
    """Whether a transcript's coded behaviours (one per coded unit) are far from every
    training corpus's mix."""
    if not reference or not reference.get("centroids"):
        return DomainCheck(None, None, False, "")
    if len(behaviours) < int(reference.get("min_units", MIN_UNITS)):
        return DomainCheck(None, None, False, "")
    corpus, raw = nearest(distribution(behaviours), reference["centroids"])
    div, threshold = round(raw, 4), float(reference["threshold"])
    if div <= threshold:
        return DomainCheck(div, corpus, False, "")
    counts = Counter(behaviours)
    mix = ", ".join(f"{b} {counts[b] / len(behaviours):.0%}" for b in BEHAVIOURS)
    return DomainCheck(
        div,
        corpus,
        True,
        f"coded behaviour mix ({mix}) is far from the coder's training corpora "
        f"(divergence {div:.3f} > {threshold:.3f}, nearest: {corpus}); MITI figures here are "
        "outside what the coder was validated on",
    )


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> dict[str, Any] | None:
    del mtime_ns
    meta = json.loads(Path(path).read_text(encoding="utf-8"))
    domain = meta.get("domain")
    return domain if isinstance(domain, dict) else None


def shipped_reference(heads: Path | None = None) -> dict[str, Any] | None:
    """The reference stored beside the MI heads (None when absent)."""
    from theralab.coding.mi_coder import heads_path

    path = (heads or heads_path()).with_suffix(".json")
    if not path.is_file():
        return None
    return _read(str(path), path.stat().st_mtime_ns)
