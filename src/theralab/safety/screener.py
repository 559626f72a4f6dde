"""The layered screener: tiers that can each raise risk, and conversation-level state.

Tiers run on every message; their assessments are merged, so any tier can raise the level and
none can lower it. A tier that raises an exception (a crashed model, a missing dependency)
contributes `FAIL_CLOSED_LEVEL` instead of nothing: a broken screener sends the conversation to
the crisis protocol, never past it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from theralab.safety.patterns import assess_text, escalate_in_context
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, max_level

FAIL_CLOSED_LEVEL = RiskLevel.MODERATE


@runtime_checkable
class ScreeningTier(Protocol):
    """One way of judging risk in a message, given the earlier client messages."""

    name: str

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment: ...


class PatternTier:
    """Named cues with negation, idiom and context handling (`theralab.safety.patterns`)."""

    name = "patterns"

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return assess_text(text)


class Screener:
    """Runs every tier on a message and merges the results, failing closed."""

    def __init__(self, tiers: Sequence[ScreeningTier] | None = None) -> None:
        self.tiers: list[ScreeningTier] = list(tiers) if tiers is not None else [PatternTier()]
        if not self.tiers:
            raise ValueError("a screener needs at least one tier")

    @property
    def name(self) -> str:
        return "+".join(t.name for t in self.tiers)

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        result = RiskAssessment(detector="")
        protective: list[str] = []
        for tier in self.tiers:
            try:
                found = tier.assess(text, context)
                if not isinstance(found, RiskAssessment):
                    raise TypeError(f"tier returned {type(found).__name__}")
            except Exception as exc:  # fail closed: an unknown is treated as risk
                found = RiskAssessment(
                    level=FAIL_CLOSED_LEVEL,
                    categories=[RiskCategory.SUICIDE],
                    signals=[f"tier_error:{tier.name}:{type(exc).__name__}"],
                    detector=tier.name,
                )
            else:
                if tier.name == PatternTier.name:
                    protective = [s for s in found.signals if s.startswith("protective:")]
                elif protective and found.level is not RiskLevel.NONE:
                    found = _respect_context(found, protective)
            result = result.merge(found)
        return result

    def conversation(self) -> ConversationScreener:
        return ConversationScreener(self)


@dataclass
class ConversationScreener:
    """Screens a conversation message by message, remembering what came before.

    - Risk persists: a conversation never drops below the highest level it has reached.
    - A means or method question after a disclosed stressor or any earlier risk is `high`,
      however many turns later it comes.
    - A persona-override or jailbreak attempt never resets the state.
    """

    screener: Screener
    history: list[str] = field(default_factory=list)
    peak: RiskLevel = RiskLevel.NONE
    categories: list[RiskCategory] = field(default_factory=list)
    stressor_seen: bool = False

    def screen(self, text: str) -> RiskAssessment:
        found = self.screener.assess(text, tuple(self.history))
        signals = list(found.signals)
        level = found.level
        at_risk_before = self.stressor_seen or self.peak.at_least(RiskLevel.LOW)
        asks_means = "means_inquiry" in signals or "means_question" in signals
        if asks_means and at_risk_before:
            level = max_level([level, RiskLevel.HIGH])
            signals.append("means_after_risk_or_stressor")
        escalation = escalate_in_context(text, self.categories)
        if escalation is not None:
            level = max_level([level, escalation[0]])
            signals.append(escalation[1])
        if "persona_override" in signals and self.peak.at_least(RiskLevel.LOW):
            level = max_level([level, RiskLevel.HIGH])
            signals.append("persona_override_at_risk")
        if (level.at_least(RiskLevel.HIGH) and asks_means) or "persona_override_at_risk" in signals:
            found = found.merge(RiskAssessment(categories=[RiskCategory.SUICIDE]))
        if self.peak.at_least(RiskLevel.LOW) and self.peak.rank > level.rank:
            signals.append(f"persisting:{self.peak.value}")
            level = self.peak
        categories = list(dict.fromkeys([*self.categories, *found.categories]))
        if level is RiskLevel.NONE:
            categories = [c for c in categories if c is RiskCategory.MINOR]
        self.history.append(text)
        self.peak = max_level([self.peak, level])
        self.categories = categories
        self.stressor_seen = self.stressor_seen or "stressor" in signals
        return RiskAssessment(
            level=level, categories=categories, signals=signals, detector=found.detector
        )


def _respect_context(found: RiskAssessment, protective: list[str]) -> RiskAssessment:
    """A statistical tier cannot see that risk words were negated, quoted, historical or part
    of a game: where the pattern tier found such a context and no risk, a statistical raise is
    capped (no flag for games and fiction, a gentle check-in otherwise). Errors are never
    capped; they do not come through here."""
    kinds = {p.split(":", 1)[1] for p in protective}
    cap = RiskLevel.NONE if kinds & {"gaming", "fiction", "idiom"} else RiskLevel.LOW
    if found.level.rank <= cap.rank:
        return found
    return RiskAssessment(
        level=cap,
        categories=found.categories if cap is not RiskLevel.NONE else [],
        signals=[*found.signals, f"capped_by_context:{found.level.value}->{cap.value}"],
        detector=found.detector,
    )


def default_screener() -> Screener:
    """The screener the guardrail uses unless told otherwise: every available offline tier.

    The semantic tier joins when its optional dependencies are installed; when they are not,
    the pattern tier alone decides.
    """
    from theralab.safety.semantic import semantic_tier_if_available

    tiers: list[ScreeningTier] = [PatternTier()]
    semantic = semantic_tier_if_available()
    if semantic is not None:
        tiers.append(semantic)
    return Screener(tiers)
