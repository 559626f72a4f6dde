"""One session of a course: the week in between, the questionnaires, the session, the notes.

A course continues from its previous session's record (`Session.course.carry`): the client's
exact state, its memory and the counselor's notes. The same path serves an uninterrupted run
and a resumed one, so both give byte-identical courses. Order of events for session k:

1. the week in between (k > 1): drift toward baseline, homework done or not, maybe a life
   event (`clients.course.between_sessions`, one seeded generator per session);
2. the client fills in the questionnaires (`pre`);
3. the counselor gets its notes, the client its memory and the week's events; the session;
4. the counselor's notes are written from the session, the client writes down what it will
   remember; a client who walked out with little trust left drops out of the course;
5. after the last session (or a dropout) the client fills in the questionnaires again (`post`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from theralab.agents import Agent, ClientCourse, CourseClient, CourseContext, CourseCounselor
from theralab.clients.course import between_sessions, draw_week
from theralab.clients.scripted import ScriptedClient
from theralab.clients.state import LatentState
from theralab.counselors.notes import notes_from_session
from theralab.dialogue.courses import (
    Administration,
    Between,
    Carry,
    CourseSlot,
    MemoryEntry,
)
from theralab.dialogue.records import Outcome, Session, StopReason
from theralab.measures import (
    Instrument,
    answer_scripted,
    answer_with_model,
    persona_context,
    score,
    symptom_state,
)
from theralab.model.model import Model
from theralab.profiles.model import ClientProfile
from theralab.simulate.session import SessionPlan, derive_seed, failed_session, run_session

# A client who walks out of a session with trust below this does not come back.
DROPOUT_TRUST = 0.4


async def administer(
    instruments: Sequence[Instrument],
    when: str,
    profile: ClientProfile,
    client: Agent,
    seed: int,
    model: Model | None = None,
) -> list[Administration]:
    """The client fills in each instrument: a scripted client from its latent state (seeded
    noise per instrument and moment), a model-backed one item by item (`model`)."""
    out: list[Administration] = []
    for inst in instruments:
        if isinstance(client, ScriptedClient):
            rng = random.Random(derive_seed(seed, "measure", inst.tag, when))
            answers = answer_scripted(inst, symptom_state(profile, client.state), rng)
        elif model is not None:
            notes = client.course_text() if hasattr(client, "course_text") else ""
            answers = await answer_with_model(
                inst,
                model,
                persona_context(profile, notes=notes),
                seed=derive_seed(seed, "measure", inst.tag, when),
            )
        else:
            continue  # a client that can neither be read nor asked: no questionnaire
        out.append(
            Administration(
                when="pre" if when == "pre" else "post", answers=answers, score=score(inst, answers)
            )
        )
    return out


async def run_course_session(
    plan: SessionPlan,
    profile: ClientProfile,
    previous: Session | None,
    make_counselor: Callable[[str, int], Agent],
    make_client: Callable[[ClientProfile, int], Agent],
    instruments: Sequence[Instrument],
    measure_model: Model | None = None,
) -> Session | None:
    """Run session `plan.course.index` of its course after `previous` (None for the first).
    None when the client dropped out of the course before this session."""
    spot = plan.course
    assert spot is not None
    carry = previous.course.carry if previous is not None and previous.course else Carry()
    if carry.dropped_out:
        return None
    try:
        counselor = make_counselor(plan.counselor, plan.counselor_seed)
        client = make_client(profile, plan.client_seed)
    except Exception as exc:
        return failed_session(plan, f"{type(exc).__name__}: {exc}")
    last_notes = carry.notes[-1] if carry.notes else None
    between: Between | None = None
    state: LatentState | None = None
    if spot.index > 1:
        homework = last_notes.homework if last_notes is not None else None
        if homework is None and carry.memory:
            homework = carry.memory[-1].agreed
        rng = random.Random(derive_seed(plan.seed, "between"))
        if isinstance(client, ScriptedClient):
            before = (
                LatentState.from_carry(carry.client_state)
                if carry.client_state
                else LatentState.initial(profile)
            )
            state, between = between_sessions(profile, before, homework, rng)
        else:  # no latent state to move: the same week, from the profile's starting readiness
            done, event = draw_week(profile, LatentState.initial(profile).readiness, homework, rng)
            between = Between(homework=done, homework_text=homework, life_event=event)
    client_course = ClientCourse(spot.index, spot.of, between, tuple(carry.memory))
    if isinstance(client, ScriptedClient):
        client.begin_course(client_course, state)
    elif isinstance(client, CourseClient):
        client.begin_course(client_course)
    if isinstance(counselor, CourseCounselor):
        counselor.begin_course(CourseContext(spot.index, spot.of, tuple(carry.notes)))
    phase = counselor.course_phase if isinstance(counselor, CourseCounselor) else None
    try:
        measures = await administer(
            instruments, "pre", profile, client, _measure_seed(plan), measure_model
        )
    except Exception as exc:  # a questionnaire failure fails the session, like a turn would
        error = f"questionnaire: {type(exc).__name__}: {exc}"
        return failed_session(plan, error, counselor, client)
    session = await run_session(plan, counselor, client)
    slot = CourseSlot(
        course_id=spot.course_id,
        index=spot.index,
        of=spot.of,
        phase=phase,
        between=between,
        measures=measures,
        carry=carry,  # a failed session carries nothing forward: resume reruns it
    )
    if session.stop_reason is StopReason.ERROR:
        session.course = slot
        return session
    notes = notes_from_session(session, spot.index, phase, last_notes)
    try:
        memory = (
            await client.remember(session)
            if isinstance(client, CourseClient)
            else MemoryEntry(session=spot.index)
        )
        client_state = client.carry_state() if isinstance(client, CourseClient) else {}
        trust = client_state.get("trust")
        dropped = (
            spot.index < spot.of
            and session.stop_reason is StopReason.CLIENT_DISENGAGED
            and (trust is None or trust < DROPOUT_TRUST)
        )
        if spot.index == spot.of or dropped:
            measures = measures + await administer(
                instruments, "post", profile, client, _measure_seed(plan), measure_model
            )
    except Exception as exc:
        session.stop_reason = StopReason.ERROR
        session.outcome = Outcome(
            turns=len(session.turns), error=f"after the session: {type(exc).__name__}: {exc}"
        )
        session.course = slot
        return session
    session.course = slot.model_copy(
        update={
            "measures": measures,
            "carry": Carry(
                client_state=client_state,
                memory=[*carry.memory, memory],
                notes=[*carry.notes, notes],
                dropped_out=dropped,
            ),
        }
    )
    return session


def _measure_seed(plan: SessionPlan) -> int:
    """The seed of the questionnaires' answer noise: the course spot's (one client, one
    occasion, whichever counselor), else the session's own."""
    spot = plan.course
    return spot.measure_seed if spot is not None and spot.measure_seed else plan.seed
