"""Run many sessions concurrently, with per-session seeds derived from one run seed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from theralab.agents import Agent
from theralab.clients.llm import LLMClient
from theralab.clients.scripted import ScriptedClient
from theralab.counselors import make_counselor
from theralab.counselors.registry import CounselorRegistry, parse_counselor, roles_external
from theralab.dialogue.records import Session, StopReason
from theralab.dialogue.transcripts import append_session
from theralab.measures import Instrument, resolve_instruments
from theralab.model.roles import ModelRoles
from theralab.profiles.model import ClientProfile
from theralab.safety.concurrent import concurrent_screener
from theralab.safety.screener import Screener, default_screener
from theralab.simulate.course import run_course_session
from theralab.simulate.session import (
    DEFAULT_MAX_TURNS,
    CourseSpot,
    SessionPlan,
    derive_seed,
    failed_session,
    run_session,
)

CounselorMaker = Callable[[str, int], Agent]
ClientMaker = Callable[[ClientProfile, int], Agent]
ProgressCallback = Callable[[Session], None]


def plan_sessions(
    counselors: Sequence[str],
    profiles: Sequence[ClientProfile],
    seed: int,
    repeats: int = 1,
    max_turns: int = DEFAULT_MAX_TURNS,
    max_tokens: int | None = None,
    sessions: int = 1,
    measures: Sequence[str] | None = None,
) -> list[SessionPlan]:
    """One plan per (counselor, repeat, profile), in that order: the whole panel comes before
    any repeat. Ids (`counselor--profile--repeat`) and seeds do not depend on the order; an
    external bot's are named by its label (`ext:<label>`), not by where its file is.

    With `sessions` > 1 each of those is a course of that many sessions (ids end `--sN`,
    session N's seed derived from the course's), and the client fills in `measures` before
    each session and after the last (by default PHQ-9 and GAD-7, plus the psychosis or mania
    check for a client carrying that condition). With `measures` given, even a one-session
    run is a course of one, with questionnaires before and after."""
    plans = []
    course = sessions > 1 or bool(measures)
    for name in counselors:
        spec = parse_counselor(name)
        canonical, key = spec.name, spec.key
        for rep in range(repeats):
            for profile in profiles:
                course_id = f"{key}--{profile.id}--{rep}"
                course_seed = derive_seed(seed, key, profile.id, rep)
                instruments = course_instruments(profile, measures) if course else ()
                for k in range(1, sessions + 1):
                    session_seed = (
                        course_seed if sessions == 1 else derive_seed(course_seed, "session", k)
                    )
                    plans.append(
                        SessionPlan.seeded(
                            course_id if sessions == 1 else f"{course_id}--s{k}",
                            canonical,
                            profile.id,
                            session_seed,
                            max_turns=max_turns,
                            max_tokens=max_tokens,
                            course=(
                                CourseSpot(
                                    course_id,
                                    k,
                                    sessions,
                                    instruments,
                                    measure_seed=derive_seed(seed, "measures", profile.id, rep, k),
                                )
                                if course
                                else None
                            ),
                        )
                    )
    return plans


DEFAULT_COURSE_MEASURES = ("phq9", "gad7")
_CONDITION_MEASURES = {"psychosis": "psychosis_check", "mania": "mania_check"}


def course_instruments(
    profile: ClientProfile, measures: Sequence[str] | None = None
) -> tuple[str, ...]:
    """The questionnaires a course's client fills in: `measures` (default PHQ-9 and GAD-7;
    an empty list for none) plus the symptom check for a condition the profile carries."""
    chosen = list(DEFAULT_COURSE_MEASURES if measures is None else measures)
    condition = profile.condition
    extra = _CONDITION_MEASURES.get(condition.kind.value) if condition is not None else None
    if chosen and extra is not None and extra not in chosen:
        chosen.append(extra)
    return tuple(chosen)


def _default_client(profile: ClientProfile, seed: int) -> Agent:
    return ScriptedClient(profile, seed)


async def run_sessions(
    plans: Sequence[SessionPlan],
    profiles: Sequence[ClientProfile],
    *,
    concurrency: int = 8,
    journal: Path | None = None,
    on_done: ProgressCallback | None = None,
    make_counselor_agent: CounselorMaker = make_counselor,
    make_client_agent: ClientMaker = _default_client,
    guardrail: bool = True,
    locale: str | None = None,
    screener: Screener | None = None,
    roles: ModelRoles | None = None,
    counselor_lineup: Sequence[str] | None = None,
    finished: Sequence[Session] = (),
) -> list[Session]:
    """Run the planned sessions, at most `concurrency` at a time.

    Every built-in counselor runs behind the crisis guardrail unless `guardrail=False` is
    passed explicitly; an external bot (`ext:PATH.yaml`) runs as deployed unless its spec asks
    for the guardrail (`ext:PATH.yaml+guardrail`). Agents come from one `CounselorRegistry`
    (`make_counselor_agent` replaces its scripted counselors). Each finished session is
    appended to `journal` (if given) as soon as it ends, so a crash loses only the sessions in
    flight. Results come back in plan order.

    Sessions of a course (`plan.course`) run one after the other, each starting from the
    previous session's record — from this call or from `finished` (a resumed run's journal);
    a course whose previous session is missing or failed stops there, and one whose client
    dropped out has no further sessions. Different courses run concurrently.
    """
    by_id = {p.id: p for p in profiles}
    # With llm:<modality> names in the line-up only those are model-backed; without, all are.
    # Decided on the whole line-up (`counselor_lineup`), not on the plans at hand, so a resumed
    # run that only has scripted sessions left keeps them scripted.
    lineup = counselor_lineup if counselor_lineup is not None else [p.counselor for p in plans]
    registry = CounselorRegistry(
        list(dict.fromkeys([*lineup, *(p.counselor for p in plans)])),
        counselor_model=(
            (lambda: roles.model("counselor"))
            if roles is not None and roles.bound("counselor")
            else None
        ),
        guardrail=guardrail,
        screener=screener,
        # one screener for every session of the call, batched across them: while one batch
        # is encoded, the other sessions go on (their results are the same as one by one)
        screener_factory=lambda: concurrent_screener(default_screener(roles)),
        locale=locale,
        scripted=make_counselor_agent,
        external_model=roles_external(roles) if roles is not None else None,
    )
    make_counselor_agent = registry.agent

    if roles is not None and roles.bound("client"):

        def make_client_agent(profile: ClientProfile, seed: int) -> Agent:
            return LLMClient(profile, roles.model("client"), seed)

    if roles is not None and roles.in_process():
        # One in-process model serves one call at a time; running its sessions one after the
        # other lets llama.cpp reuse the cached prompt prefix from turn to turn.
        concurrency = 1
    semaphore = asyncio.Semaphore(max(1, concurrency))
    results: dict[str, Session] = {}

    def done(plan: SessionPlan, session: Session) -> None:
        """A finished session: kept, journaled at once, reported."""
        results[plan.session_id] = session
        if journal is not None:
            append_session(journal, session)
        if on_done is not None:
            on_done(session)

    async def one(plan: SessionPlan) -> None:
        async with semaphore:
            if roles is not None and roles.over_budget():
                return  # --cost-limit reached: leave the rest for a resumed run
            profile = by_id[plan.profile_id]
            session = await _guarded(plan, profile, make_counselor_agent, make_client_agent)
            done(plan, session)

    slots: dict[tuple[str, int], Session] = {
        (s.course.course_id, s.course.index): s
        for s in finished
        if s.course is not None and s.stop_reason is not StopReason.ERROR
    }
    instruments: dict[tuple[str, ...], list[Instrument]] = {}
    measure_model = roles.model("client") if roles is not None and roles.bound("client") else None

    async def course(members: list[SessionPlan]) -> None:
        for plan in sorted(members, key=lambda p: p.course.index if p.course else 0):
            spot = plan.course
            assert spot is not None
            previous = slots.get((spot.course_id, spot.index - 1))
            if spot.index > 1 and previous is None:
                return  # the previous session failed or never ran: a resumed run goes on
            if spot.instruments not in instruments:
                instruments[spot.instruments] = resolve_instruments(spot.instruments)
            async with semaphore:
                if roles is not None and roles.over_budget():
                    return
                session = await run_course_session(
                    plan,
                    by_id[plan.profile_id],
                    previous,
                    make_counselor_agent,
                    make_client_agent,
                    instruments[spot.instruments],
                    measure_model,
                )
            if session is None:
                return  # the client dropped out of the course
            done(plan, session)
            if session.stop_reason is StopReason.ERROR:
                return
            slots[(spot.course_id, spot.index)] = session

    courses: dict[str, list[SessionPlan]] = {}
    for p in plans:
        if p.course is not None:
            courses.setdefault(p.course.course_id, []).append(p)
    try:
        await asyncio.gather(
            *(one(p) for p in plans if p.course is None),
            *(course(members) for members in courses.values()),
        )
    finally:
        await registry.aclose()
    return [results[p.session_id] for p in plans if p.session_id in results]


async def _guarded(
    plan: SessionPlan,
    profile: ClientProfile,
    make_counselor_agent: CounselorMaker,
    make_client_agent: ClientMaker,
) -> Session:
    """Build the agents and run; a failure to even build them is recorded in the session."""
    try:
        counselor = make_counselor_agent(plan.counselor, plan.counselor_seed)
        client = make_client_agent(profile, plan.client_seed)
    except Exception as exc:
        return failed_session(plan, f"{type(exc).__name__}: {exc}")
    return await run_session(plan, counselor, client)
