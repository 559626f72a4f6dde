"""The crisis guardrail: wraps any counselor agent, scripted or model-backed.

Before the counselor speaks, the client's latest message is screened in the context of the
whole conversation. At `moderate` or above the crisis protocol answers instead of the counselor
(its persona does not matter, and a jailbreak cannot switch it back). Below that the counselor
answers, its reply passes the output check, and at `low` a direct check-in question is added.
Whatever fails — the screener, the counselor, the check — the client receives a deterministic
safe reply: the guardrail fails closed.

Below the crisis threshold, a conversation that carries psychosis, mania, OCD or an eating
disorder is answered by the condition responder (`theralab.safety.conditions`) instead of the
counselor: no counselor, scripted or model-backed, gets to reflect a delusion back, feed a
compulsion or help with a manic plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from theralab.agents import Agent, Reply, Utterance
from theralab.coding.rules import RuleCoder
from theralab.dialogue.records import AgentSpec, Annotations, Speaker
from theralab.safety.conditions import ConditionResponder, condition_of
from theralab.safety.output_check import check_reply
from theralab.safety.protocol import CrisisProtocol, check_in, safe_reply
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel
from theralab.safety.screener import (
    FAIL_CLOSED_LEVEL,
    ConversationScreener,
    Screener,
    default_screener,
)

_CODER = RuleCoder()


@dataclass
class GuardDecision:
    """What the guardrail did with one turn (recorded in the turn's annotations)."""

    risk: RiskAssessment
    protocol: str  # "crisis" or "normal"
    action: str  # crisis / passed / check_in / condition / blocked / error
    resources: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


class GuardedCounselor:
    """A counselor behind the crisis guardrail. One instance per conversation."""

    def __init__(
        self, inner: Agent, screener: Screener | None = None, locale: str | None = None
    ) -> None:
        self.inner = inner
        self.locale = locale
        self._screener = screener
        self._conversation: ConversationScreener | None = None
        self._screened = 0
        self.protocol = CrisisProtocol(locale=locale)
        self.conditions = ConditionResponder(locale=locale)
        self.last: GuardDecision | None = None

    @property
    def spec(self) -> AgentSpec:
        inner = self.inner.spec
        params = {**inner.params, "guardrail": True, "locale": self.locale}
        return AgentSpec(name=inner.name, engine=inner.engine, params=params)

    async def _screen(self, history: Sequence[Utterance]) -> RiskAssessment:
        if self._conversation is None:
            self._conversation = (self._screener or default_screener()).conversation()
        client_turns = [u.text for u in history if u.speaker is Speaker.CLIENT]
        risk = RiskAssessment()
        for text in client_turns[self._screened :]:
            risk = await self._conversation.screen_async(text)
        if self._screened == len(client_turns) and client_turns:
            risk = RiskAssessment(
                level=self._conversation.peak,
                categories=self._conversation.categories,
                signals=["unchanged"],
                detector="conversation",
            )
        self._screened = len(client_turns)
        return risk

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        try:
            risk = await self._screen(history)
        except Exception as exc:  # the screener itself broke: treat as risk
            risk = RiskAssessment(
                level=FAIL_CLOSED_LEVEL,
                categories=[RiskCategory.SUICIDE],
                signals=[f"screener_error:{type(exc).__name__}"],
                detector="guardrail",
            )
        try:
            if risk.is_crisis:
                return self._crisis(risk)
            return await self._normal(history, risk)
        except Exception as exc:
            return self._fallback(risk, f"guardrail_error:{type(exc).__name__}: {exc}")

    def _crisis(self, risk: RiskAssessment) -> Reply:
        out = self.protocol.respond(risk)
        decision = GuardDecision(risk, "crisis", "crisis", out.resources)
        return self._make(
            out.text, decision, strategy=f"crisis_protocol:{out.step}", closes=out.closes
        )

    def _condition(self, risk: RiskAssessment, condition: str) -> Reply:
        """A clinical reply for a condition below the crisis threshold; the counselor's own
        reply is not asked for (it would be replaced, not appended to)."""
        suicide = {RiskCategory.SUICIDE, RiskCategory.SELF_HARM} & set(risk.categories)
        out = self.conditions.respond(
            risk, condition, safety_question=check_in(self.locale) if suicide else None
        )
        decision = GuardDecision(risk, "normal", "condition", out.resources)
        return self._make(out.text, decision, strategy=f"condition:{out.condition}")

    async def _normal(self, history: Sequence[Utterance], risk: RiskAssessment) -> Reply:
        condition = condition_of(risk)
        if condition is not None:
            return self._condition(risk, condition)
        try:
            reply = await self.inner.respond(history)
            text = reply.text.strip()
            if not text:
                raise ValueError("counselor returned an empty reply")
        except Exception as exc:
            return self._fallback(risk, f"counselor_error:{type(exc).__name__}: {exc}")
        client_turns = [u.text for u in history if u.speaker is Speaker.CLIENT]
        verdict = check_reply(text, risk, history=client_turns)
        if not verdict.allowed:
            decision = GuardDecision(risk, "normal", "blocked", reasons=list(verdict.reasons))
            return self._make(safe_reply(self.locale), decision, strategy="blocked_reply")
        action = "passed"
        if risk.level is RiskLevel.LOW and reply.annotations.action != "close":
            text = f"{text} {check_in(self.locale)}"
            action = "check_in"
        decision = GuardDecision(risk, "normal", action)
        self.last = decision
        annotations = reply.annotations.model_copy(deep=True)
        if action == "check_in":
            annotations.codes = [
                *(annotations.codes or []),
                *_CODER.code_counselor(check_in(self.locale)).codes,
            ]
        _annotate(annotations, decision)
        return Reply(text=text, annotations=annotations, ends_session=reply.ends_session)

    def _fallback(self, risk: RiskAssessment, reason: str) -> Reply:
        decision = GuardDecision(
            risk, "crisis" if risk.is_crisis else "normal", "error", reasons=[reason]
        )
        return self._make(safe_reply(self.locale), decision, strategy="safe_reply")

    def _make(
        self, text: str, decision: GuardDecision, strategy: str, closes: bool = False
    ) -> Reply:
        self.last = decision
        annotations = Annotations(
            codes=_CODER.code_counselor(text).codes,
            stage="crisis" if decision.protocol == "crisis" else "guardrail",
            strategy=strategy,
        )
        if closes:
            annotations.action = "close"
        _annotate(annotations, decision)
        return Reply(text=text, annotations=annotations)


def _annotate(annotations: Annotations, decision: GuardDecision) -> None:
    annotations.risk = decision.risk.level.value
    extra = {
        "risk_categories": [c.value for c in decision.risk.categories],
        "protocol": decision.protocol,
        "guardrail": decision.action,
    }
    if decision.resources:
        extra["resources"] = decision.resources
    if decision.reasons:
        extra["guardrail_reasons"] = decision.reasons
    for key, value in extra.items():
        setattr(annotations, key, value)


def guard(agent: Agent, screener: Screener | None = None, locale: str | None = None) -> Agent:
    """Put an agent behind the guardrail."""
    return GuardedCounselor(agent, screener=screener, locale=locale)
