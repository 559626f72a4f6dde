"""Is this person at risk, judged from all their posts together?

A person's posts are screened one by one, but a peak over many posts compounds every
per-post false alarm: someone who answers others on a support forum writes about suicide in
post after post. The person head reads what the posts say together — how risky the riskiest
posts are and how many carry risk, whose risk the riskiest one is about, whether the person
mostly speaks of themselves or to someone else, what the pattern tier found — and gives the
probability that the person themselves is at risk. Trained on the C-SSRS development users by
`scripts/train_screener.py` (grouped by user; a frozen fifth never seen).

Needs numpy (the `semantic` extra).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from theralab.safety.semantic import voice

if TYPE_CHECKING:
    import numpy as np

MODERATE_STEP = 1  # column of P(level >= moderate) among the ladder heads
OWNER_COLUMN = 4  # column of the whose-risk head (after the four ladder steps)

PERSON_FEATURES = (
    "moderate_logit_max",
    "moderate_logit_top3_mean",
    "moderate_logit_mean",
    "posts_leaning_risky",
    "someone_else_logit_at_peak",
    "first_person_share",
    "second_person_share",
    "pattern_peak",
    "pattern_risk_share",
    "log_posts",
)


def person_features(
    window_logits: Sequence[np.ndarray], posts: Sequence[str], pattern_levels: Sequence[int]
) -> list[float]:
    """One row of PERSON_FEATURES from each post's window logits (windows × heads: the four
    ladder steps, then whose risk), the posts' text and each post's pattern-tier level rank."""
    import numpy as np

    per_post = [np.asarray(lg)[:, MODERATE_STEP].max() for lg in window_logits]
    risky = int(np.argmax(per_post))
    peak_windows = np.asarray(window_logits[risky])
    owner_at_peak = float(
        peak_windows[int(np.argmax(peak_windows[:, MODERATE_STEP])), OWNER_COLUMN]
    )
    voices = np.asarray([voice(p) for p in posts], dtype=np.float64)
    ranked = np.sort(np.asarray(per_post))
    return [
        float(ranked[-1]),
        float(ranked[-3:].mean()),
        float(ranked.mean()),
        float(np.mean(ranked > 0)),
        owner_at_peak,
        float(voices[:, 0].mean()),
        float(voices[:, 1].mean()),
        float(max(pattern_levels)),
        float(np.mean([lv >= 2 for lv in pattern_levels])),
        math.log(len(posts)),
    ]


def person_probability(head: dict[str, Any], features: Sequence[float]) -> float:
    """P(at risk) from a trained person head: {"mean", "scale", "W", "b"}."""
    z = head["b"] + sum(
        w * (x - m) / s
        for w, x, m, s in zip(head["W"], features, head["mean"], head["scale"], strict=True)
    )
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0
