"""One counseling session: counselor and client take turns until someone ends it."""

from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass

from theralab.agents import Agent, Utterance
from theralab.dialogue.records import (
    AgentSpec,
    Outcome,
    Session,
    Speaker,
    StopReason,
    Timing,
    Turn,
)
from theralab.model.errors import ModelError

DEFAULT_MAX_TURNS = 40


def derive_seed(run_seed: int, *parts: object) -> int:
    """A stable 31-bit seed from the run seed and any labels (same on every machine)."""
    key = "/".join([str(run_seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


@dataclass(frozen=True)
class CourseSpot:
    """Where a planned session sits in its course, and the questionnaires the client fills
    in (instrument ids or files: before the session, and after it when it is the last)."""

    course_id: str
    index: int
    of: int
    instruments: tuple[str, ...] = ()
    # The questionnaires' answer noise: the same for one client on one occasion whichever
    # counselor it sees (common random numbers), so arms start from the same baseline and
    # differ by what their sessions did, not by the draw. 0: the session's own seed.
    measure_seed: int = 0


@dataclass(frozen=True)
class SessionPlan:
    """Everything needed to run (and rerun) one session."""

    session_id: str
    counselor: str
    profile_id: str
    seed: int
    counselor_seed: int
    client_seed: int
    max_turns: int = DEFAULT_MAX_TURNS
    max_tokens: int | None = None  # model tokens per session, both roles together
    course: CourseSpot | None = None  # a session of a course (see simulate.course)

    @classmethod
    def seeded(
        cls,
        session_id: str,
        counselor: str,
        profile_id: str,
        seed: int,
        *,
        max_turns: int = DEFAULT_MAX_TURNS,
        max_tokens: int | None = None,
        course: CourseSpot | None = None,
    ) -> SessionPlan:
        """A plan whose counselor and client seeds derive from the session seed: the one
        rule every planner (runs, datasets) follows, so a session is a function of its seed."""
        return cls(
            session_id=session_id,
            counselor=counselor,
            profile_id=profile_id,
            seed=seed,
            counselor_seed=derive_seed(seed, "counselor"),
            client_seed=derive_seed(seed, "client"),
            max_turns=max_turns,
            max_tokens=max_tokens,
            course=course,
        )


async def run_session(
    plan: SessionPlan, counselor: Agent, client: Agent, profile_id: str | None = None
) -> Session:
    """Alternate counselor and client turns, counselor first.

    Ends when the counselor closes and the client has answered, when the client ends or
    disengages, or after `max_turns` utterances. An exception in either agent ends the
    session with stop reason `error`, keeping the turns so far and the traceback summary.
    """
    started = time.time()
    t0 = time.perf_counter()
    turns: list[Turn] = []
    history: list[Utterance] = []
    stop: StopReason | None = None
    error: str | None = None
    closing = False
    tokens = 0
    try:
        while len(turns) < plan.max_turns:
            speaker = Speaker.COUNSELOR if len(turns) % 2 == 0 else Speaker.CLIENT
            agent = counselor if speaker is Speaker.COUNSELOR else client
            reply = await agent.respond(tuple(history))
            text = reply.text.strip()
            if not text:
                raise ValueError(f"{speaker.value} agent returned an empty turn")
            turns.append(Turn(speaker=speaker, text=text, annotations=reply.annotations))
            history.append(Utterance(speaker, text))
            usage = reply.annotations.usage
            tokens += usage.total if usage is not None else 0
            guard = reply.annotations.guard
            if speaker is Speaker.COUNSELOR and guard is not None and guard.action == "error":
                # The client got the guardrail's safe reply; the session still failed.
                stop = StopReason.ERROR
                error = "; ".join(guard.reasons or ["guardrail error"])
                break
            if speaker is Speaker.COUNSELOR and reply.annotations.action == "close":
                closing = True
            elif speaker is Speaker.CLIENT:
                if closing:
                    stop = StopReason.COUNSELOR_CLOSED
                    break
                if plan.max_tokens is not None and tokens >= plan.max_tokens:
                    stop = StopReason.TOKEN_BUDGET
                    break
                if reply.ends_session:
                    stop = (
                        StopReason.CLIENT_DISENGAGED
                        if reply.annotations.action == "disengage"
                        else StopReason.CLIENT_ENDED
                    )
                    break
        else:
            stop = StopReason.MAX_TURNS
    except Exception as exc:  # one session's failure must never take the run down
        stop = StopReason.ERROR
        tb = traceback.extract_tb(exc.__traceback__)
        # a model's or bot's own failure says what went wrong; a source location helps only
        # with TheraLab's own bugs
        where = (
            f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}"
            if tb and not isinstance(exc, ModelError)
            else ""
        )
        error = f"{type(exc).__name__}: {exc}{where}"
    return Session(
        id=plan.session_id,
        counselor=_spec(counselor, plan.counselor),
        client=_spec(client, "client"),
        profile_id=profile_id or plan.profile_id,
        seed=plan.seed,
        turns=turns,
        stop_reason=stop,
        outcome=Outcome(turns=len(turns), error=error),
        timing=Timing(started_at=started, duration_s=round(time.perf_counter() - t0, 6)),
    )


def failed_session(
    plan: SessionPlan,
    error: str,
    counselor: Agent | None = None,
    client: Agent | None = None,
) -> Session:
    """The record of a session that failed before it could start (agents that could not be
    built, a questionnaire that failed): no turns, stop reason `error`, the error."""
    return Session(
        id=plan.session_id,
        counselor=_spec(counselor, plan.counselor),
        client=_spec(client, "client"),
        profile_id=plan.profile_id,
        seed=plan.seed,
        stop_reason=StopReason.ERROR,
        outcome=Outcome(turns=0, error=error),
    )


def _spec(agent: Agent | None, fallback: str) -> AgentSpec:
    if agent is None:
        return AgentSpec(name=fallback, engine="unknown")
    try:
        return agent.spec
    except Exception:  # an agent too broken to describe itself is still recorded
        return AgentSpec(name=fallback, engine="unknown")
