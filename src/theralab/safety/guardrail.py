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

A turn is decided in two phases, which `respond` runs back to back and a caller that gets the
counselor's reply some other way (`theralab guard`, which streams it from an upstream model)
runs itself:

1. `screen_turn(history)`: the screening, and the guardrail's own answer when it gives one (the
   crisis protocol, the condition responder, or the safe reply when screening broke); when it
   returns no answer, the counselor is to speak.
2. `finish(history, risk, reply)`: the reply check on the counselor's reply, the safe reply in
   its place when blocked, the check-in at `low`. For a reply that arrives in pieces,
   `stream(history, risk)` gives a `ReplyStream` that releases it sentence by sentence, each
   sentence only once the reply so far has passed the same check, and ends with `finish`.

A conversation handed over whole (a stateless caller sends the full transcript with every
request) is caught up: each earlier client turn that already has a counselor answer after it
advances the crisis protocol and the condition responder exactly as answering it here would
have, so the protocol continues where the transcript left it instead of starting over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from theralab.agents import Agent, CourseContext, CourseCounselor, Reply, Utterance
from theralab.coding.rules import RuleCoder
from theralab.dialogue.records import AgentSpec, Annotations, GuardRecord, Speaker
from theralab.safety.conditions import ConditionResponder, condition_of
from theralab.safety.language import UNREAD_LANGUAGE
from theralab.safety.output_check import OutputVerdict, check_reply
from theralab.safety.patterns import PERINATAL, normalise
from theralab.safety.protocol import (
    CONDITION_UNANSWERED,
    DECLINED,
    DETAIL_DECLINED,
    RISK_UNANSWERED,
    YOUNG,
    CrisisProtocol,
    ProtocolReply,
    check_in,
    check_in_again,
    helper_check_in,
    safe_reply,
)
from theralab.safety.reply_check.context import Condition, assess_history
from theralab.safety.resources import country_of, directory, resources_for, stated_country
from theralab.safety.risk import OWN_HARM, RiskAssessment, RiskCategory, RiskLevel, Whose
from theralab.safety.screener import (
    FAIL_CLOSED_LEVEL,
    ConversationScreener,
    Screener,
    default_screener,
)
from theralab.safety.whose import OTHER_AT_RISK

_CODER = RuleCoder()
# At `low`, the check-in question is not asked again while one of the counselor's last this many
# turns asked it (`GuardedCounselor._at_low`).
CHECK_IN_RECENT = 3
# Reply-check reasons that say something is missing from the reply, not that something in it is
# harmful: more text can cure them, so a partial reply failing only these is held, not blocked.
INCOMPLETE_REASONS = frozenset({"missing_crisis_response", "missing_clinical_response"})
# A reply blocked for what it told: the details declined, with an open door (`safe_reply`).
DETAIL_REASONS = frozenset({"method_or_lethality", "means_or_location_detail", "encouraging_death"})
# Reply-check reasons that mean the check itself read risk or a condition in the history: a
# reply blocked for one of them gets the safe reply with the safety question even when the
# screener's level is `none` (`safe_reply`).
RISK_FOUND_REASONS = frozenset(
    {
        "missing_crisis_response",
        "missing_clinical_response",
        "learned_inappropriate",
        "promising_secrecy",
        "concealing_harm",
    }
)
# Reply-check reasons about a condition: a reply blocked for these alone, while the screener
# reads no risk and the checker reads only checking or a heard voice in the history, gets the
# condition's safe reply, which asks about the condition rather than about suicide (a one-off
# stove check, a name misheard in a crowd). Eating, mania, delusions or anything in crisis keep
# the safety question (`_mild_condition`).
CONDITION_REASONS = frozenset(
    {
        "missing_clinical_response",
        "collusion_with_delusion",
        "enabling_mania",
        "feeding_compulsion",
        "eating_disorder_tactics",
    }
)
# Where a streamed reply may be cut: after a sentence's closing punctuation (and any closing
# quote or bracket) once whitespace follows, or at a line break.
# A sentence ends at its punctuation; a line break ends one only after a colon or semicolon
# ("Quick answer:"): a line with no punctuation ("The Golden Gate deck") waits for the rest of
# its sentence, so a blocked sentence never goes out in pieces.
_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|(?<=[:;])[ \t]*\n")


@dataclass
class GuardDecision:
    """What the guardrail did with one turn (recorded in the turn's annotations)."""

    risk: RiskAssessment
    protocol: str  # "crisis" or "normal"
    action: str  # crisis / passed / check_in / condition / blocked / error
    resources: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    step: str | None = None  # the crisis protocol's or condition responder's step

    def record(self) -> GuardRecord:
        """The typed record a turn keeps of this decision."""
        return GuardRecord(
            protocol="crisis" if self.protocol == "crisis" else "normal",
            action=self.action,
            categories=[c.value for c in self.risk.categories],
            resources=list(self.resources),
            reasons=list(self.reasons),
            whose="other" if self.risk.whose is Whose.OTHER else None,
        )


@dataclass(frozen=True)
class Screened:
    """Phase one of a turn: the risk, and the guardrail's own reply when it answers the turn
    itself (crisis protocol, condition responder, safe reply); None means the counselor speaks."""

    risk: RiskAssessment
    reply: Reply | None = None

    @property
    def forward(self) -> bool:
        """Whether the counselor is to answer (and its reply to go through `finish`)."""
        return self.reply is None


class GuardedCounselor:
    """A counselor behind the crisis guardrail. One instance per conversation."""

    def __init__(
        self,
        inner: Agent,
        screener: Screener | None = None,
        locale: str | None = None,
        *,
        multilingual: bool = False,
    ) -> None:
        """`multilingual`: the counselor behind reads other languages (an operator's own model
        behind `theralab guard`): a message the screener cannot read goes to it, with the
        check-in added, instead of the guardrail's "I can only read English" reply
        (`_unread`), which is right for TheraLab's own English-only counselors."""
        self.inner = inner
        self.locale = locale
        self.multilingual = multilingual
        self._screener = screener
        self._conversation: ConversationScreener | None = None
        self._screened = 0
        self.protocol = CrisisProtocol(locale=locale)
        self.conditions = ConditionResponder(locale=locale)
        self.last: GuardDecision | None = None
        self.located: str | None = None  # the country the person said they are in, if any

    def relocate(self, country: str) -> None:
        """Crisis lines and the emergency number from now on for `country` (a code of the
        resource table), where the person said they are ("I'm back home in Chicago" in a
        conversation opened as en-GB): the locale keeps its language, the country changes."""
        self.located = country
        language = (self.locale or "en").replace("_", "-").split("-")[0]
        self.locale = f"{language}-{country}"
        self.protocol.locale = self.locale
        self.conditions.locale = self.locale

    def begin_course(self, course: CourseContext) -> None:
        """Pass the course on to the counselor behind the guardrail (if it takes part)."""
        if isinstance(self.inner, CourseCounselor):
            self.inner.begin_course(course)

    @property
    def course_phase(self) -> str | None:
        return self.inner.course_phase if isinstance(self.inner, CourseCounselor) else None

    @property
    def screening(self) -> tuple[ConversationScreener | None, int]:
        """The conversation's screener (None before the first client turn) and how many client
        turns it has screened: with `protocol` and `conditions`, what a saved guardrail needs."""
        return self._conversation, self._screened

    def resume(self, conversation: ConversationScreener | None, screened: int) -> None:
        """Continue a conversation saved elsewhere: its screener's memory and how many client
        turns were screened (set `protocol` and `conditions` alongside)."""
        self._conversation = conversation
        self._screened = screened

    @property
    def spec(self) -> AgentSpec:
        inner = self.inner.spec
        params = {**inner.params, "guardrail": True, "locale": self.locale}
        return AgentSpec(name=inner.name, engine=inner.engine, params=params)

    async def _screen(self, history: Sequence[Utterance]) -> RiskAssessment:
        if self._conversation is None:
            self._conversation = (self._screener or default_screener()).conversation()
        at = [i for i, u in enumerate(history) if u.speaker is Speaker.CLIENT]
        already = self._screened
        risk = RiskAssessment()
        for n in range(already, len(at)):
            said = [
                u.text
                for u in history[(at[n - 1] + 1 if n else 0) : at[n]]
                if u.speaker is Speaker.COUNSELOR
            ]
            self._conversation.heard(said[-1] if said else "")
            place = stated_country(history[at[n]].text)
            if place is not None and place != country_of(self.locale):
                self.relocate(place)
            risk = await self._conversation.screen_async(history[at[n]].text)
            self._screened = n + 1
            end = at[n + 1] if n + 1 < len(at) else len(history)
            answers = [u.text for u in history[at[n] + 1 : end] if u.speaker is Speaker.COUNSELOR]
            if answers:
                self._catch_up(risk, history[at[n]].text, " ".join(answers))
        if already == len(at) and at:
            risk = RiskAssessment(
                level=self._conversation.peak,
                categories=self._conversation.categories,
                signals=["unchanged"],
                detector="conversation",
                whose=Whose.OTHER if self._conversation.helping else Whose.OWN,
            )
        return risk

    def _catch_up(self, risk: RiskAssessment, said: str = "", answered: str | None = None) -> None:
        """A client turn answered before this guardrail saw the conversation: advance the
        protocol or responder that answered it, as answering it here would have.

        `answered` is what the counselor said to it. A crisis turn that the protocol did not
        answer (no crisis line and no word of being an AI in the answer: a model's reply from
        before the guardrail stood in front of it, or an answer edited since) does not advance
        the protocol, so its first steps (safety, plan and means) are still asked."""
        if risk.is_crisis:
            before = replace(self.protocol, history=list(self.protocol.history))
            reply = self.protocol.respond(risk, said)
            if answered is not None and not _protocol_answered(reply, answered):
                self.protocol = before
            return
        condition = condition_of(risk)
        if condition is not None:
            self.conditions.respond(risk, condition)

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        screened = await self.screen_turn(history)
        if screened.reply is not None:
            return screened.reply
        try:
            reply = await self.inner.respond(history)
        except Exception as exc:
            return self.fail(screened.risk, f"counselor_error:{type(exc).__name__}: {exc}", history)
        return self.finish(history, screened.risk, reply)

    async def screen_turn(self, history: Sequence[Utterance]) -> Screened:
        """Phase one: screen the latest client turn in the context of the conversation, and
        answer it with the crisis protocol or the condition responder when either applies."""
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
                said = next((u.text for u in reversed(history) if u.speaker is Speaker.CLIENT), "")
                return Screened(risk, self._crisis(risk, said))
            condition = condition_of(risk)
            if condition is not None:
                return Screened(risk, self._condition(risk, condition, history))
            if (
                not self.multilingual
                and risk.level is RiskLevel.LOW
                and any(s.startswith(UNREAD_LANGUAGE) for s in risk.signals)
            ):
                return Screened(risk, self._unread(risk, history))
        except Exception as exc:
            return Screened(risk, self.fail(risk, f"guardrail_error:{type(exc).__name__}: {exc}"))
        return Screened(risk)

    def check(self, text: str, risk: RiskAssessment, history: Sequence[Utterance]) -> OutputVerdict:
        """The reply check as the guardrail runs it: against the risk and the client's turns."""
        client_turns = [u.text for u in history if u.speaker is Speaker.CLIENT]
        return check_reply(text, risk, history=client_turns)

    def finish(self, history: Sequence[Utterance], risk: RiskAssessment, reply: Reply) -> Reply:
        """Phase two: the counselor's reply checked (the safe reply in its place when it is
        blocked or empty), with the guardrail's own words added at `low` (`_at_low`)."""
        try:
            text = reply.text.strip()
            if not text:
                return self.fail(
                    risk, "counselor_error:ValueError: counselor returned an empty reply"
                )
            verdict = self.check(text, risk, history)
            if not verdict.allowed:
                return self.blocked(risk, verdict.reasons, history)
            closing = reply.annotations.action == "close"
            added, held = (
                self._at_low(history, risk, closing)
                if risk.level is RiskLevel.LOW
                else (None, False)
            )
            action = "check_in" if added else "passed"
            if added:
                # a reply that stops without a full stop still ends its sentence before ours (one
                # that ends with a line break is already apart from it)
                ended = f"{text}." if text and text[-1] not in ".!?…\"')]*\n\t " else text
                text = added if held else f"{ended} {added}"
            decision = GuardDecision(
                risk, "normal", action, reasons=["close_held_for_check_in"] if held else []
            )
            self.last = decision
            annotations = reply.annotations.model_copy(deep=True)
            if held:  # the close is not sent: the check-in alone, and the session goes on
                annotations.action = None
                annotations.stage = "guardrail"
                annotations.strategy = "check_in_before_close"
                annotations.codes = _CODER.code_counselor(text).codes
            elif added:
                annotations.codes = [
                    *(annotations.codes or []),
                    *_CODER.code_counselor(added).codes,
                ]
            _annotate(annotations, decision)
            return Reply(
                text=text, annotations=annotations, ends_session=reply.ends_session and not held
            )
        except Exception as exc:
            return self.fail(risk, f"guardrail_error:{type(exc).__name__}: {exc}")

    def _at_low(
        self, history: Sequence[Utterance], risk: RiskAssessment, closing: bool
    ) -> tuple[str | None, bool]:
        """What the guardrail adds to a counselor reply at `low`, and whether it holds back a
        closing reply (sends the addition alone, and the session stays open).

        The check-in question is asked, unless one of the counselor's last
        `CHECK_IN_RECENT` turns asked it already: then a message that shows the risk again
        gets the crisis line again in other words (`check_in_again`), not the same question
        after every message, and a message that shows none (the level only persists from an
        earlier one) gets nothing more. A close on a message that itself shows the risk (a
        wish to disappear said as the session ends) is held for the check-in when it was not
        asked lately, and otherwise goes with the crisis line added: nobody leaves on a goodbye
        alone. A close while the level only persists goes as written."""
        question, turns, asked = self._check_in_asked(history, risk)
        raised = _raised_now(risk)
        if closing and not raised:
            return None, False
        if not asked:
            return question, closing
        if not raised or risk.whose is Whose.OTHER:  # a helper has had their line
            return None, False
        return check_in_again(self.locale, turns), False

    def _check_in_asked(
        self, history: Sequence[Utterance], risk: RiskAssessment
    ) -> tuple[str, int, bool]:
        """The check-in (for a worried helper, the helper's line), how many turns the counselor
        has had, and whether one of its last `CHECK_IN_RECENT` turns said it."""
        kinds = [s.removeprefix(OTHER_AT_RISK) for s in risk.signals if s.startswith(OTHER_AT_RISK)]
        if RiskCategory.MINOR in risk.categories:
            kinds.append(YOUNG)
        question = (
            helper_check_in(self.locale, kinds)
            if risk.whose is Whose.OTHER
            else check_in(self.locale, others=_others_only(risk))
        )
        said = [u.text for u in history if u.speaker is Speaker.COUNSELOR]
        return question, len(said), any(question in t for t in said[-CHECK_IN_RECENT:])

    def stream(self, history: Sequence[Utterance], risk: RiskAssessment) -> ReplyStream:
        """Phase two for a counselor reply that arrives in pieces."""
        return ReplyStream(self, history, risk)

    def blocked(
        self, risk: RiskAssessment, reasons: Sequence[str], history: Sequence[Utterance] = ()
    ) -> Reply:
        """The safe reply in place of a reply the check blocked (in other words when the last
        counselor turn of `history` was that reply: never the same words twice in a row)."""
        decision = GuardDecision(
            risk, "normal", "blocked", self._safe_resources(), reasons=list(reasons)
        )
        # A block for something the reply should have said about risk means the check found
        # risk in the history: the safe reply then asks the safety question whatever the level.
        level = None if set(reasons) & RISK_FOUND_REASONS else risk.level
        # One that passed over risk in what the person said (a reason for something missing)
        # answers it, not as a failure.
        why = (
            CONDITION_UNANSWERED
            if risk.level is RiskLevel.NONE
            and set(reasons) <= CONDITION_REASONS
            and _mild_condition(history)
            else RISK_UNANSWERED
            if set(reasons) & INCOMPLETE_REASONS
            else DETAIL_DECLINED
            if set(reasons) & DETAIL_REASONS
            else DECLINED
        )
        text = safe_reply(self.locale, why, level=level)
        last = [u.text for u in history if u.speaker is Speaker.COUNSELOR][-1:]
        if last == [text]:
            text = safe_reply(self.locale, why, level=level, again=True)
        return self._make(text, decision, strategy="blocked_reply")

    def fail(self, risk: RiskAssessment, reason: str, history: Sequence[Utterance] = ()) -> Reply:
        """The safe reply when something failed (the counselor, the check, the guardrail); in
        other words when the last counselor turn of `history` was that reply (an upstream down
        for several turns does not send the same words again and again)."""
        decision = GuardDecision(
            risk,
            "crisis" if risk.is_crisis else "normal",
            "error",
            self._safe_resources(),
            reasons=[reason],
        )
        text = safe_reply(self.locale, level=risk.level)
        last = [u.text for u in history if u.speaker is Speaker.COUNSELOR][-1:]
        if last == [text]:
            text = safe_reply(self.locale, level=risk.level, again=True)
        return self._make(text, decision, strategy="safe_reply")

    def _safe_resources(self) -> list[str]:
        """What the safe reply gives: the locale's crisis line (`safe_reply` names it)."""
        return [resources_for(self.locale).crisis_line().line()]

    def _crisis(self, risk: RiskAssessment, said: str = "") -> Reply:
        out = self.protocol.respond(risk, said)
        decision = GuardDecision(risk, "crisis", "crisis", out.resources, step=out.step)
        return self._make(
            out.text, decision, strategy=f"crisis_protocol:{out.step}", closes=out.closes
        )

    def _condition(
        self, risk: RiskAssessment, condition: str, history: Sequence[Utterance] = ()
    ) -> Reply:
        """A clinical reply for a condition below the crisis threshold; the counselor's own
        reply is not asked for (it would be replaced, not appended to). The suicide check-in
        closes it when the conversation carries that risk, unless it was asked lately (then the
        condition's own "are you safe?"); a new parent anywhere in the conversation gets the
        perinatal wording."""
        suicide = {RiskCategory.SUICIDE, RiskCategory.SELF_HARM} & set(risk.categories)
        question, _, asked = self._check_in_asked(history, risk)
        clients = [normalise(u.text) for u in history if u.speaker is Speaker.CLIENT]
        out = self.conditions.respond(
            risk,
            condition,
            safety_question=question if suicide and not asked else None,
            perinatal=any(PERINATAL.search(t) for t in clients),
        )
        decision = GuardDecision(risk, "normal", "condition", out.resources, step=out.step)
        return self._make(out.text, decision, strategy=f"condition:{out.condition}")

    def _unread(self, risk: RiskAssessment, history: Sequence[Utterance]) -> Reply:
        """A message the screener cannot read (another language, `theralab.safety.language`):
        the counselor would answer words it does not understand (a reflection of the foreign
        text, advice on what was never said), so the guardrail says it reads English, asks for
        a few words in English and gives the crisis line and where to find one in the person's
        own language; the check-in question too, unless it was asked lately."""
        question, _, asked = self._check_in_asked(history, risk)
        table = resources_for(self.locale)
        crisis = table.crisis_line()
        parts = [
            "I'm sorry: I can only read English well, so I may not have understood what you "
            "wrote. Could you tell me in English, even in a few words?",
            question
            if not asked
            else f"If you're thinking of ending your life or you're in danger, please reach "
            f"{crisis.name} ({crisis.contact}).",
            # what the words said is unknown: the way to emergency help in every such reply
            f"If you are in danger right now, please call {table.emergency}.",
        ]
        resources = [crisis.line()]
        if crisis != directory():  # a locale with lines of its own: the directory besides them
            parts.append(f"For a crisis line in your own language, {directory().contact}.")
            resources.append(directory().line())
        decision = GuardDecision(risk, "normal", "check_in", resources, step="unread_language")
        return self._make(" ".join(parts), decision, strategy="unread_language")

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


def _mild_condition(history: Sequence[Utterance]) -> bool:
    """Whether the reply check reads nothing in the client's words but checking or a heard
    voice, without a crisis (`CONDITION_REASONS`)."""
    ctx = assess_history([u.text for u in history if u.speaker is Speaker.CLIENT])
    mild = {Condition.OCD, Condition.HALLUCINATION}
    return bool(ctx.conditions) and ctx.conditions <= mild and not ctx.crisis


def _protocol_answered(reply: ProtocolReply, answered: str) -> bool:
    """Whether `answered` reads as the crisis protocol's reply (it names one of the reply's
    lines or says it is an AI), however an app reformatted it."""
    if "I'm an AI" in answered or "I’m an AI" in answered:
        return True
    return any(line.split(":")[0].strip() in answered for line in reply.resources)


def _others_only(risk: RiskAssessment) -> bool:
    """Whether the only risk found is to someone else (harm to others, no suicide or
    self-harm): the check-in then asks whether they mean it."""
    return RiskCategory.HARM_TO_OTHERS in risk.categories and not OWN_HARM & set(risk.categories)


def _raised_now(risk: RiskAssessment) -> bool:
    """Whether the latest message itself shows the risk, rather than the level persisting
    from an earlier one (the conversation screener then adds a `persisting:` signal)."""
    return not any(s.startswith("persisting:") for s in risk.signals)


class ReplyStream:
    """Phase two for a reply that arrives in pieces (a streamed model reply).

    `feed` takes each piece and returns the text that may be sent now: whole sentences, each
    released only once the reply up to and including it has passed the reply check. A sentence
    that fails the check for something in it is never released: the stream ends there with the
    safe reply as the rest of the text (`done` turns true; stop reading the source). A partial
    reply that fails only for something missing (`INCOMPLETE_REASONS`: no safety question yet)
    is held, not blocked, until more text or the end decides. `finish` runs the guardrail's
    `finish` on the whole reply and returns the rest (held text, the last sentence, the check-in
    at `low`, or the safe reply); `fail` ends the stream with the safe reply when the source
    broke. Everything returned, joined, is the reply as the client receives it (`text`), and
    `decision` is the guardrail's decision once `done`.
    """

    def __init__(
        self, guard: GuardedCounselor, history: Sequence[Utterance], risk: RiskAssessment
    ) -> None:
        self.guard = guard
        self.history = tuple(history)
        self.risk = risk
        self.received = ""  # everything fed so far
        self.text = ""  # everything released (joined, the reply as the client has it)
        self.done = False
        self.decision: GuardDecision | None = None
        self._released = 0  # received[:_released] is released
        self._checked = 0  # received[:_checked] has been checked (released or held)
        self._scan = 0  # where to look for the next sentence boundary

    def feed(self, piece: str) -> list[str]:
        """The text that may be sent after this piece: zero or more whole sentences, or the
        safe reply when a sentence was blocked."""
        if self.done:
            return []
        self.received += piece
        out: list[str] = []
        while (found := _BOUNDARY.search(self.received, self._scan)) is not None:
            cut = found.start() if found.group().endswith("\n") else found.end()
            self._scan = found.end()
            if not self.received[self._checked : cut].strip():
                continue
            try:
                verdict = self.guard.check(self.received[:cut].strip(), self.risk, self.history)
            except Exception as exc:
                return out + self.fail(f"guardrail_error:{type(exc).__name__}: {exc}")
            if verdict.allowed:
                out.append(self._release(cut))
            elif set(verdict.reasons) <= INCOMPLETE_REASONS:
                self._checked = cut  # held: a later sentence may supply what is missing
            else:
                return out + self._end(self.guard.blocked(self.risk, verdict.reasons, self.history))
        return out

    def finish(self) -> list[str]:
        """The source ended: the rest of the reply after the guardrail's `finish` (the held
        and last sentences and the check-in), or the safe reply if the whole is blocked."""
        if self.done:
            return []
        reply = self.guard.finish(self.history, self.risk, Reply(text=self.received))
        decision = self.guard.last
        if decision is not None and decision.action in ("passed", "check_in"):
            if reply.text.startswith(self.text):
                rest = reply.text[len(self.text) :]
                self._close(decision)
                self.text = reply.text
                return sentence_pieces(rest)
            reply = self.guard.fail(self.risk, "guardrail_error: the stream diverged")
        return self._end(reply)

    def fail(self, reason: str) -> list[str]:
        """The source broke: the safe reply continues the stream."""
        if self.done:
            return []
        return self._end(self.guard.fail(self.risk, reason, self.history))

    def _release(self, cut: int) -> str:
        piece = self.received[self._released : cut]
        if not self.text:
            piece = piece.lstrip()
        self._released = self._checked = cut
        self.text += piece
        return piece

    def _end(self, reply: Reply) -> list[str]:
        """The guardrail's own reply (safe reply) as the rest of the stream."""
        rest = f" {reply.text}" if self.text else reply.text
        self.text += rest
        self._close(self.guard.last)
        return sentence_pieces(rest)

    def _close(self, decision: GuardDecision | None) -> None:
        self.done = True
        self.decision = decision


def sentence_pieces(text: str) -> list[str]:
    """`text` cut into sentences, the whitespace between them kept at the start of the next."""
    out: list[str] = []
    start = 0
    for found in _BOUNDARY.finditer(text):
        cut = found.start() if found.group() == "\n" else found.end()
        if text[start:cut].strip():
            out.append(text[start:cut])
            start = cut
    if text[start:].strip() or (not out and text):
        out.append(text[start:])
    elif out:
        out[-1] += text[start:]
    return out


def _annotate(annotations: Annotations, decision: GuardDecision) -> None:
    annotations.risk = decision.risk.level
    annotations.guard = decision.record()


def guard(agent: Agent, screener: Screener | None = None, locale: str | None = None) -> Agent:
    """Put an agent behind the guardrail."""
    return GuardedCounselor(agent, screener=screener, locale=locale)
