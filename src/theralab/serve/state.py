"""What a served conversation needs to continue on any worker, after any restart.

A `ConversationState` holds the history, the guardrail's memory (the conversation screener's
peak risk, categories and whether a stressor or the person's own risk was disclosed; the
crisis protocol's place; the condition responder's turns), a model-backed counselor's plan and
stage, and the course notes a returning user's conversation started from. It is written (as
encrypted JSON, see `keyring`) after every turn and read back only to rebuild the conversation.

Scripted counselors are rebuilt by replaying, to the counselor alone, the histories it was
asked to answer (`asked`; they are deterministic given their seed), without screening or
checking again; model-backed ones are restored from their saved fields, never by asking the
model again. The guardrail is restored from its saved memory in both cases.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from theralab.agents import Agent, CourseContext, Reply, Utterance
from theralab.counselors.llm import LLMCounselor
from theralab.dialogue.courses import SessionNotes
from theralab.dialogue.records import AgentSpec, Speaker
from theralab.safety.guardrail import GuardedCounselor
from theralab.safety.risk import RiskCategory, RiskLevel
from theralab.safety.screener import Screener

STATE_VERSION = 1
T = TypeVar("T")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Record):
    speaker: Literal["client", "counselor"]
    text: str


class ScreenerState(_Record):
    """`ConversationScreener`'s memory."""

    history: list[str] = Field(default_factory=list)
    peak: RiskLevel = RiskLevel.NONE
    categories: list[RiskCategory] = Field(default_factory=list)
    stressor_seen: bool = False
    own_risk_seen: bool = False
    last_own_level: RiskLevel = RiskLevel.NONE


class ProtocolState(_Record):
    """`CrisisProtocol`'s place in the safety plan."""

    turns: int = 0
    plan_step: int = 0
    asked_about_plan: bool = False
    history: list[str] = Field(default_factory=list)


class GuardState(_Record):
    screener: ScreenerState | None = None
    screened: int = 0
    protocol: ProtocolState = Field(default_factory=ProtocolState)
    condition_turns: dict[str, int] = Field(default_factory=dict)
    located: str | None = None  # the country the person said they are in


class ModelCounselorState(_Record):
    """An `LLMCounselor`'s plan, stage and turn count."""

    stage_index: int = 0
    plan: str | None = None
    technique: str | None = None
    turn: int = 0


class ConversationState(_Record):
    version: int = STATE_VERSION
    history: list[Turn]
    risk_peak: RiskLevel = RiskLevel.NONE
    client_messages: int = 0
    next_seq: int = 1
    guard: GuardState = Field(default_factory=GuardState)
    counselor: ModelCounselorState | None = None
    asked: list[int] = Field(
        default_factory=list,
        description="History lengths at which a scripted counselor was asked to speak.",
    )
    course_notes: SessionNotes | None = None

    def utterances(self) -> list[Utterance]:
        return [Utterance(Speaker(t.speaker), t.text) for t in self.history]


class AskedRecorder:
    """Sits between the guardrail and a scripted counselor and notes the length of every
    history the counselor was asked to answer (the guardrail answers crises itself), so a
    rebuild can replay exactly those to the counselor alone."""

    def __init__(self, inner: Agent) -> None:
        self.inner = inner
        self.asked: list[int] = []

    @property
    def spec(self) -> AgentSpec:
        return self.inner.spec

    def begin_course(self, course: CourseContext) -> None:
        begin = getattr(self.inner, "begin_course", None)
        if begin is not None:
            begin(course)

    @property
    def course_phase(self) -> str | None:
        return getattr(self.inner, "course_phase", None)

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.asked.append(len(history))
        return await self.inner.respond(history)

    async def replay(self, history: Sequence[Utterance], asked: Sequence[int]) -> None:
        """Bring the counselor to where it was: the same histories, in order."""
        for length in asked:
            # a failure now failed the same way the first time (the guardrail answered then)
            with contextlib.suppress(Exception):
                await self.inner.respond(tuple(history[:length]))
        self.asked = list(asked)


def _inside(agent: Agent, kind: type[T]) -> T | None:
    """The agent of `kind` inside the wrappers around `agent` (guardrail, redaction), if any."""
    for _ in range(6):
        if isinstance(agent, kind):
            return agent
        if not hasattr(agent, "inner"):
            return None
        agent = agent.inner
    return None


def recorder_of(agent: Agent) -> AskedRecorder | None:
    return _inside(agent, AskedRecorder)


def model_counselor(agent: Agent) -> LLMCounselor | None:
    """The model-backed counselor inside the wrappers (redaction), if there is one."""
    return _inside(agent, LLMCounselor)


def _fields(record: type[_Record], source: object) -> dict[str, Any]:
    """`record`'s fields read from the live object that has the same attributes (copied)."""
    return {name: copy.copy(getattr(source, name)) for name in record.model_fields}


def _put(record: _Record, target: object) -> None:
    """The saved fields set back on the live object they were read from (copied)."""
    for name in type(record).model_fields:
        setattr(target, name, copy.copy(getattr(record, name)))


def guard_state(counselor: GuardedCounselor) -> GuardState:
    conversation, screened = counselor.screening
    return GuardState(
        screener=ScreenerState(**_fields(ScreenerState, conversation))
        if conversation is not None
        else None,
        screened=screened,
        protocol=ProtocolState(**_fields(ProtocolState, counselor.protocol)),
        condition_turns=dict(counselor.conditions.turns),
        located=counselor.located,
    )


def restore_guard(counselor: GuardedCounselor, state: GuardState, screener: Screener) -> None:
    """Put the saved guardrail memory into a freshly built `counselor`."""
    conversation = None
    if state.screener is not None:
        conversation = screener.conversation()
        _put(state.screener, conversation)
    counselor.resume(conversation, state.screened)
    _put(state.protocol, counselor.protocol)
    counselor.conditions.turns = dict(state.condition_turns)
    if state.located is not None:
        counselor.relocate(state.located)


def counselor_state(counselor: GuardedCounselor) -> ModelCounselorState | None:
    inner = model_counselor(counselor.inner)
    if inner is None:
        return None
    return ModelCounselorState(
        stage_index=inner.stage_index, plan=inner.plan, technique=inner.technique, turn=inner.turn
    )


def restore_counselor(counselor: GuardedCounselor, state: ModelCounselorState) -> None:
    inner = model_counselor(counselor.inner)
    if inner is None:
        raise ValueError("the saved state is a model-backed counselor's; this one is scripted")
    inner.stage_index = state.stage_index
    inner.plan = state.plan
    inner.technique = state.technique
    inner.turn = state.turn


def capture(
    counselor: GuardedCounselor,
    history: list[Utterance],
    *,
    risk_peak: RiskLevel,
    client_messages: int,
    next_seq: int,
    course_notes: SessionNotes | None,
) -> ConversationState:
    recorder = recorder_of(counselor.inner)
    # Validated from plain values in one call: this runs on every turn over the whole history,
    # and plain dicts validate faster than a `Turn` built per utterance (~40% less here).
    return ConversationState.model_validate(
        {
            "history": [{"speaker": u.speaker.value, "text": u.text} for u in history],
            "risk_peak": risk_peak,
            "client_messages": client_messages,
            "next_seq": next_seq,
            "guard": guard_state(counselor),
            "counselor": counselor_state(counselor),
            "asked": list(recorder.asked) if recorder is not None else [],
            "course_notes": course_notes,
        }
    )
