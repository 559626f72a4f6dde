"""Screening several posts by one person (or the client turns of one conversation) as a whole.

Each post is screened in order, in the context of the ones before it (a means question after
a disclosed stressor is `high` however many posts later it comes), and the person's level is
the peak: a user with several moderate posts is never averaged away by many ordinary ones.
The record also says how many posts carried risk and how recent the last one was.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, Whose, max_level
from theralab.safety.screener import Screener


class PostsAssessment(BaseModel):
    """The assessment of one person's posts."""

    level: RiskLevel
    categories: list[RiskCategory] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list)
    detector: str = ""
    whose: Whose = Field(
        Whose.OWN, description="Someone else's only when every post at `low`+ speaks of another."
    )
    posts: int = 0
    risk_posts: int = Field(0, description="Posts at the crisis threshold (moderate) or above.")
    concern_posts: int = Field(0, description="Posts at `low` or above.")
    peak_post: int | None = Field(None, description="Index of the first post at the peak.")
    last_risk_post: int | None = Field(
        None, description="Index of the latest post at `low` or above (0 = the first post)."
    )
    post_levels: list[RiskLevel] = Field(default_factory=list)

    def output(self, item_id: str) -> dict[str, object]:
        """The `theralab screen` output line for a multi-post item."""
        peak = RiskAssessment(**self.model_dump(include=set(RiskAssessment.model_fields)))
        return {
            **peak.output(item_id),
            "posts": self.posts,
            "risk_posts": self.risk_posts,
            "concern_posts": self.concern_posts,
            "peak_post": self.peak_post,
            "last_risk_post": self.last_risk_post,
            "post_levels": [lv.value for lv in self.post_levels],
        }


def split_posts(text: str) -> list[str]:
    """Posts of a newline-joined text: one per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def aggregate(found: Sequence[RiskAssessment]) -> PostsAssessment:
    """The peak and counts of per-post assessments (already made in conversation order)."""
    levels = [f.level for f in found]
    peak = max_level(levels)
    categories: list[RiskCategory] = []
    signals: list[str] = []
    detectors: list[str] = []
    for f in found:
        if f.level is peak and peak is not RiskLevel.NONE:
            categories.extend(c for c in f.categories if c not in categories)
            signals.extend(s for s in f.signals if s not in signals)
        for d in f.detector.split("+"):
            if d and d not in detectors:
                detectors.append(d)
    concern = [i for i, lv in enumerate(levels) if lv.at_least(RiskLevel.LOW)]
    others = bool(concern) and all(found[i].whose is Whose.OTHER for i in concern)
    return PostsAssessment(
        level=peak,
        categories=categories,
        signals=signals,
        detector="+".join(detectors),
        whose=Whose.OTHER if others else Whose.OWN,
        posts=len(levels),
        risk_posts=sum(lv.at_least(RiskLevel.MODERATE) for lv in levels),
        concern_posts=len(concern),
        peak_post=levels.index(peak) if levels and peak is not RiskLevel.NONE else None,
        last_risk_post=concern[-1] if concern else None,
        post_levels=levels,
    )


def screen_posts(screener: Screener, posts: Sequence[str]) -> PostsAssessment:
    """Screen one person's posts in order, as one conversation, and aggregate.

    The per-post levels are each post's own assessment in context (not the conversation's
    persisting peak), so the counts say how many posts carried risk. With the learned tier
    installed and two or more posts, the person head then judges the posts together: a
    person it finds at risk is at least `moderate`; a person it finds not at risk (someone
    who writes to support others) is capped at `low` — unless the pattern tier found `high`
    or above in a post on its own, which always stands. Each post's own level stays in
    `post_levels`.
    """
    conversation = screener.conversation()
    found = []
    for post in posts:
        result = conversation.screen(post)
        own = conversation.last_own_level
        if own is not result.level:
            kept = [s for s in result.signals if not s.startswith("persisting:")]
            result = result.model_copy(update={"level": own, "signals": kept})
        found.append(result)
    summary = aggregate(found)
    if len(posts) < 2:
        return summary
    return _judge_person(screener, posts, summary)


def _judge_person(
    screener: Screener, posts: Sequence[str], summary: PostsAssessment
) -> PostsAssessment:
    from theralab.safety.patterns import assess_text
    from theralab.safety.semantic import SemanticTier

    tier = next((t for t in screener.tiers if isinstance(t, SemanticTier)), None)
    if tier is None or tier.person_head is None:
        return summary
    pattern_levels = [assess_text(p).level.rank for p in posts]
    try:
        p = tier.person_at_risk(posts, pattern_levels)
    except Exception as exc:  # fail closed, as every tier does
        return summary.model_copy(
            update={
                "level": max_level([summary.level, RiskLevel.MODERATE]),
                "signals": [*summary.signals, f"tier_error:person:{type(exc).__name__}"],
            }
        )
    threshold = tier.person_threshold()
    if p >= threshold:
        categories = summary.categories or [RiskCategory.SUICIDE]
        return summary.model_copy(
            update={
                "level": max_level([summary.level, RiskLevel.MODERATE]),
                "categories": categories,
                "signals": [*summary.signals, f"person_at_risk:{p:.2f}"],
            }
        )
    stands = (
        max(pattern_levels) >= RiskLevel.HIGH.rank  # the explainable floor
        or summary.level is RiskLevel.IMMINENT
        or summary.level.rank <= RiskLevel.LOW.rank
    )
    if stands:
        return summary.model_copy(
            update={"signals": [*summary.signals, f"person_not_at_risk:{p:.2f}"]}
        )
    return summary.model_copy(
        update={
            "level": RiskLevel.LOW,
            "signals": [
                *summary.signals,
                f"person_not_at_risk:{p:.2f}",
                f"capped_by_person:{summary.level.value}->low",
            ],
        }
    )
