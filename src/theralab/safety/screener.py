"""The layered screener: tiers that can each raise risk, and conversation-level state.

Tiers run on every message; their assessments are merged, so any tier can raise the level and
none can lower it. A tier that raises an exception (a crashed model, a missing dependency)
contributes `FAIL_CLOSED_LEVEL` instead of nothing: a broken screener sends the conversation to
the crisis protocol, never past it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from theralab.safety.answers import AFFIRMED, affirms, safety_question, says_yes
from theralab.safety.patterns import (
    ED_FRAME,
    MANIA_FRAME,
    POSTPARTUM_PSYCHOSIS,
    WORRIED_SLEEP,
    assess_text,
    escalate_in_context,
    grooming_in_conversation,
    pact_in_conversation,
    postpartum_in_conversation,
    said_when,
    sextortion_in_conversation,
)
from theralab.safety.prefilter import prepare
from theralab.safety.risk import (
    CRISIS_THRESHOLD,
    OWN_HARM,
    RiskAssessment,
    RiskCategory,
    RiskLevel,
    Whose,
    max_level,
)
from theralab.safety.whose import other_at_risk, speaks_of_other, whose_in_message

if TYPE_CHECKING:
    from theralab.model.roles import ModelRoles
    from theralab.safety.semantic import Sensitivity

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
        found = assess_text(text)
        if "grooming" not in found.signals and (groomed := grooming_in_conversation(text, context)):
            found = found.merge(groomed)  # the adult and the age told earlier in the chat
        if "sextortion" not in found.signals and (
            threat := sextortion_in_conversation(text, context)
        ):
            found = found.merge(threat)  # the pictures named earlier in the chat
        if "suicide_pact" not in found.signals and (pact := pact_in_conversation(text, context)):
            found = found.merge(pact)  # the agreement and the day said earlier
        other = other_at_risk(text)  # a worried helper's report of someone else at risk
        return found if other.level is RiskLevel.NONE else found.merge(other)


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
        """Every tier, synchronously (model tiers block: prefer `assess_async` in a loop)."""
        found: list[RiskAssessment | BaseException] = []
        for tier in self.tiers:
            try:
                found.append(tier.assess(text, context))
            except Exception as exc:
                found.append(exc)
        return _attributed(self._combine(found), text)

    def assess_batch(self, texts: Sequence[str]) -> list[RiskAssessment]:
        """Every tier on many independent messages; a tier with `assess_batch` (the semantic
        tier's encoder) gets them all in one call. Fails closed like `assess`."""
        per_tier: list[list[RiskAssessment | BaseException]] = []
        for tier in self.tiers:
            batch = getattr(tier, "assess_batch", None)
            try:
                if batch is None:
                    raise AttributeError
                per_tier.append(list(batch(texts)))
            except AttributeError:
                per_tier.append([_safely(tier, t) for t in texts])
            except Exception as exc:
                per_tier.append([exc] * len(texts))
        return [
            _attributed(self._combine([found[i] for found in per_tier]), texts[i])
            for i in range(len(texts))
        ]

    async def assess_async(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        """Every tier; tiers with an `assess_async` (model calls) run concurrently."""

        async def one(tier: ScreeningTier) -> RiskAssessment | BaseException:
            try:
                if hasattr(tier, "assess_async"):
                    return await tier.assess_async(text, context)  # type: ignore[attr-defined]
                return tier.assess(text, context)
            except Exception as exc:
                return exc

        found = list(await asyncio.gather(*(one(t) for t in self.tiers)))
        return _attributed(self._combine(found), text)

    def _combine(self, found: list[RiskAssessment | BaseException]) -> RiskAssessment:
        result = RiskAssessment(detector="")
        protective: list[str] = []
        framed: RiskAssessment | None = None  # the pattern tier's one-condition reading
        for tier, item in zip(self.tiers, found, strict=True):
            if not isinstance(item, RiskAssessment):  # fail closed: an unknown is risk
                kind = (
                    type(item).__name__
                    if isinstance(item, BaseException)
                    else f"returned {type(item).__name__}"
                )
                item = RiskAssessment(
                    level=FAIL_CLOSED_LEVEL,
                    categories=[RiskCategory.SUICIDE],
                    signals=[f"tier_error:{tier.name}:{kind}"],
                    detector=tier.name,
                )
            elif tier.name == PatternTier.name:
                protective = [s for s in item.signals if s.startswith("protective:")]
                framed = item if set(item.signals) & _FRAMES.keys() else None
            elif protective and item.level is not RiskLevel.NONE:
                item = _respect_context(item, protective)
            elif framed is not None and item.level is not RiskLevel.NONE:
                item = _held_to_frame(item, framed)
            result = result.merge(item)
        return result

    def conversation(self) -> ConversationScreener:
        return ConversationScreener(self)


# How many earlier client turns a time for the plan is remembered over (`said_when`).
_TIMED_TURNS = 3


@dataclass
class ConversationScreener:
    """Screens a conversation message by message, remembering what came before.

    - Risk persists: a conversation never drops below the highest level it has reached.
    - A means or method question after a disclosed stressor or the speaker's own earlier risk
      is `high`, however many turns later it comes; a supporter's words about someone else
      (quoting them back, advice, a question about *their* pills) never arm it.
    - Access to means, a preparatory act or a postponed attempt after the speaker's own risk
      is `high`.
    - A persona-override or jailbreak attempt never resets the state.
    - Whose risk it is (`theralab.safety.whose`): someone else's when another person is named
      at risk and nothing shows the speaker's own, and still theirs while a worried helper
      goes on about them; once the speaker's own risk has reached the crisis threshold, every
      later turn is the speaker's own.
    """

    screener: Screener
    history: list[str] = field(default_factory=list)
    peak: RiskLevel = RiskLevel.NONE
    categories: list[RiskCategory] = field(default_factory=list)
    stressor_seen: bool = False
    own_risk_seen: bool = False
    # Whose risk: the speaker's own has reached the crisis threshold (it stays theirs), or the
    # last turn at risk was a helper's about someone else.
    own_crisis_seen: bool = False
    helping: bool = False
    # The last message's level in context, before the conversation's peak persists over it.
    last_own_level: RiskLevel = RiskLevel.NONE
    # What the counselor's turn just before the next message asked (`heard`): suicidal thoughts
    # or self-harm, so a yes is read as one. Set and used within one turn, never saved.
    asked: RiskCategory | None = None

    def heard(self, counselor_text: str) -> None:
        """The counselor's turn before the next client message: when it asked about suicidal
        thoughts or self-harm, that message is read as the answer (`theralab.safety.answers`)."""
        self.asked = safety_question(counselor_text)

    def screen(self, text: str) -> RiskAssessment:
        return self._in_context(text, self.screener.assess(text, tuple(self.history)))

    async def screen_async(self, text: str) -> RiskAssessment:
        found = await self.screener.assess_async(text, tuple(self.history))
        return self._in_context(text, found)

    def _in_context(self, text: str, found: RiskAssessment) -> RiskAssessment:
        signals = list(found.signals)
        level = found.level
        asked, self.asked = self.asked, None
        # A bare answer ("yeah, sometimes") is read as a yes to the question; one that says what
        # it is ("some nights I hope I don't wake up") is read for what it says, unless it opens
        # with a yes.
        if asked is not None and (
            says_yes(text) or (found.level is RiskLevel.NONE and affirms(text))
        ):
            # "yeah, sometimes" to "are you having thoughts of ending your life?"
            level = max_level([level, RiskLevel.MODERATE])
            signals.append(f"{AFFIRMED}:{asked.value}")
            found = found.merge(RiskAssessment(categories=[asked]))
        # Only the speaker's own risk or stressor arms the means escalation: a peak raised by a
        # supporter's words (capped by the pattern tier's context) does not.
        at_risk_before = self.stressor_seen or self.own_risk_seen
        asks_means = "means_inquiry" in signals or "means_question" in signals
        if asks_means and at_risk_before:
            level = max_level([level, RiskLevel.HIGH])
            signals.append("means_after_risk_or_stressor")
        later_act = {"means_access", "possible_preparation", "possible_postponed_attempt"}
        if self.own_risk_seen and later_act & set(signals):
            # a time said for the plan earlier ("i want to kill myself tonight", then "yeah i
            # got rope in the garage"): intent, a time and the means are imminent
            timed = any(said_when(earlier) for earlier in self.history[-_TIMED_TURNS:])
            level = max_level([level, RiskLevel.IMMINENT if timed else RiskLevel.HIGH])
            signals.append("means_or_preparation_after_risk")
            if timed:
                signals.append("means_after_timed_plan")
        if postpartum_in_conversation(text, signals, self.history):
            level = max_level([level, RiskLevel.HIGH])
            signals.append(POSTPARTUM_PSYCHOSIS)
            found = found.merge(
                RiskAssessment(categories=[RiskCategory.PSYCHOSIS, RiskCategory.HARM_TO_OTHERS])
            )
        escalation = escalate_in_context(text, self.categories)
        if escalation is not None:
            level = max_level([level, escalation[0]])
            signals.append(escalation[1])
        if "persona_override" in signals and self.peak.at_least(RiskLevel.LOW):
            level = max_level([level, RiskLevel.HIGH])
            signals.append("persona_override_at_risk")
        if (
            (level.at_least(RiskLevel.HIGH) and asks_means)
            or "persona_override_at_risk" in signals
            or "means_or_preparation_after_risk" in signals
        ):
            found = found.merge(RiskAssessment(categories=[RiskCategory.SUICIDE]))
        self.last_own_level = level  # this message's level before the peak persists
        if self.peak.at_least(RiskLevel.LOW) and self.peak.rank > level.rank:
            signals.append(f"persisting:{self.peak.value}")
            level = self.peak
        new_categories = list(found.categories)
        if RiskCategory.MINOR in new_categories and not any(
            s == "minor" or s.startswith("model:") for s in signals
        ):
            new_categories.remove(RiskCategory.MINOR)  # earned by a stated age, not a guess
        categories = list(dict.fromkeys([*self.categories, *new_categories]))
        if level is RiskLevel.NONE:
            categories = [c for c in categories if c is RiskCategory.MINOR]
        self.history.append(text)
        self.peak = max_level([self.peak, level])
        self.categories = categories
        self.stressor_seen = self.stressor_seen or "stressor" in signals
        whose = self._whose(level, signals, text)
        self.own_risk_seen = self.own_risk_seen or (
            found.level.at_least(RiskLevel.LOW)
            and whose is Whose.OWN
            and not any(
                s == "supporter" or s.startswith("capped_by_context") or s == "history"
                for s in signals
            )
        )
        return RiskAssessment(
            level=level,
            categories=categories,
            signals=signals,
            detector=found.detector,
            whose=whose,
        )

    def _whose(self, level: RiskLevel, signals: list[str], text: str) -> Whose:
        """Whose risk this turn speaks of, in the conversation so far (and remembered)."""
        persisting = any(s.startswith("persisting:") for s in signals)
        helping = self.helping and (persisting or speaks_of_other(text))
        whose = (
            Whose.OWN
            if level is RiskLevel.NONE or self.own_crisis_seen
            else whose_in_message(signals, text, helping)
        )
        if level is not RiskLevel.NONE:
            self.helping = whose is Whose.OTHER
        if level.at_least(CRISIS_THRESHOLD):
            self.own_crisis_seen = self.own_crisis_seen or whose is Whose.OWN
        return whose


def _attributed(found: RiskAssessment, text: str) -> RiskAssessment:
    """A message's assessment with whose risk it speaks of, read on its own."""
    if found.level is RiskLevel.NONE:
        return found
    whose = whose_in_message(found.signals, text)
    return found if whose is found.whose else found.model_copy(update={"whose": whose})


def _safely(tier: ScreeningTier, text: str) -> RiskAssessment | BaseException:
    try:
        return tier.assess(text)
    except Exception as exc:
        return exc


def _respect_context(found: RiskAssessment, protective: list[str]) -> RiskAssessment:
    """A statistical tier cannot see that risk words were negated, quoted, historical or part
    of a game: where the pattern tier found such a context and no risk, a statistical raise is
    capped (no flag for games and fiction, a gentle check-in otherwise). Errors are never
    capped; they do not come through here."""
    kinds = {p.split(":", 1)[1] for p in protective}
    if WORRIED_SLEEP in kinds:
        found = _without_mania(found)
        kinds.discard(WORRIED_SLEEP)
        if not kinds or found.level is RiskLevel.NONE:
            return found
    # Games, stories and idioms are only reported for short messages or the sentence that held
    # the cue (the pattern tier scopes them), so they can silence a statistical raise; a
    # supporter's words, history, a negation or ordinary medication talk leave a check-in
    # (with the crisis line: a passive wish can hide in talk about tablets).
    cap = RiskLevel.NONE if kinds & {"gaming", "fiction", "idiom", "sightseeing"} else RiskLevel.LOW
    categories = list(found.categories) if cap is not RiskLevel.NONE else []
    if kinds & {"safety_step", "end_of_life"}:
        # Means put out of reach, reaching out, being ok for now: a step taken for safety, not
        # an overdose ("I moved the pills to my roommate's room"); a parent dying in hospice is
        # not one either.
        categories = [c for c in categories if c is not RiskCategory.OVERDOSE]
    if found.level.rank <= cap.rank:
        if kinds & {"safety_step", "end_of_life"}:
            return found.model_copy(update={"categories": categories})
        return found
    return RiskAssessment(
        level=cap,
        categories=categories,
        signals=[*found.signals, f"capped_by_context:{found.level.value}->{cap.value}"],
        detector=found.detector,
    )


# Per frame: the statistical readings taken back, and the highest level it may keep.
_FRAMES: dict[str, tuple[frozenset[RiskCategory], RiskLevel]] = {
    MANIA_FRAME: (OWN_HARM, RiskLevel.HIGH),
    ED_FRAME: (frozenset({RiskCategory.OVERDOSE}), RiskLevel.HIGH),
}


def _held_to_frame(found: RiskAssessment, frame: RiskAssessment) -> RiskAssessment:
    """A statistical raise on a message the pattern tier reads as one condition and nothing
    else (`_FRAMES`). Mania ("stopped taking lithium, feel amazing"): its suicide, self-harm and
    overdose readings taken back (the mania reply, not an overdose one), its level kept up to
    `high` (a manic plan that could kill still gets the mania reply's urgent line; `imminent`,
    the emergency call, needs the pattern tier's own reading). An eating disorder (laxatives
    after a meal): the overdose reading taken back, up to `high`. (OCD is not framed so: the
    corpus holds OCD with distress at `moderate` and above, and a frame held one `high` message
    of batch 4 to a check-in.)"""
    name = next(f for f in _FRAMES if f in frame.signals)
    taken, ceiling = _FRAMES[name]
    categories = [c for c in found.categories if c not in taken]
    top = max_level([frame.level, ceiling])
    if found.level.rank <= top.rank and categories == list(found.categories):
        return found
    level = found.level if found.level.rank <= top.rank else top
    return RiskAssessment(
        level=level,
        categories=categories,
        signals=[*found.signals, f"held_to_frame:{found.level.value}->{level.value}"],
        detector=found.detector,
    )


def _without_mania(found: RiskAssessment) -> RiskAssessment:
    """A statistical tier's reading with its mania condition taken back (sleep lost to worry
    is not mania); a `low` that only the condition raised goes back to `none`."""
    condition = f"semantic_condition:{RiskCategory.MANIA.value}:"
    if not any(s.startswith(condition) for s in found.signals):
        return found
    signals = [s for s in found.signals if not s.startswith(condition)]
    categories = [c for c in found.categories if c is not RiskCategory.MANIA]
    level = found.level
    if level is RiskLevel.LOW and not any(
        s.startswith(("semantic:", "semantic_unsure:", "semantic_condition:")) for s in signals
    ):
        level, categories = RiskLevel.NONE, []
    return RiskAssessment(
        level=level,
        categories=categories,
        signals=[*signals, f"held_back:{RiskCategory.MANIA.value}:{WORRIED_SLEEP}"],
        detector=found.detector,
    )


def default_screener(
    roles: ModelRoles | None = None, sensitivity: Sensitivity | str = "high"
) -> Screener:
    """The screener the guardrail uses unless told otherwise: every available offline tier,
    plus a model tier when the run binds the `screener` role.

    The semantic tier joins when its optional dependencies are installed; when they are not,
    the pattern tier alone decides (with the model tier, if bound).
    """
    from theralab.safety.model_tier import ModelTier
    from theralab.safety.semantic import semantic_tier_if_available

    prepare()  # the pattern tier's prefilters, derived now rather than on the first message
    tiers: list[ScreeningTier] = [PatternTier()]
    semantic = semantic_tier_if_available(sensitivity)
    if semantic is not None:
        tiers.append(semantic)
    if roles is not None and roles.bound("screener"):
        tiers.append(ModelTier(roles.model("screener")))
    return Screener(tiers)
