"""Run many sessions concurrently, with per-session seeds derived from one run seed."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from theralab.agents import Agent
from theralab.clients.llm import LLMClient
from theralab.clients.scripted import ScriptedClient
from theralab.counselors import make_counselor
from theralab.counselors.registry import CounselorRegistry, parse_counselor, roles_external
from theralab.dialogue.records import AgentSpec, Outcome, Session, StopReason
from theralab.dialogue.transcripts import append_session
from theralab.model.roles import ModelRoles
from theralab.profiles.model import ClientProfile
from theralab.safety.screener import Screener, default_screener
from theralab.simulate.session import DEFAULT_MAX_TURNS, SessionPlan, run_session

CounselorMaker = Callable[[str, int], Agent]
ClientMaker = Callable[[ClientProfile, int], Agent]
ProgressCallback = Callable[[Session], None]


def derive_seed(run_seed: int, *parts: object) -> int:
    """A stable 31-bit seed from the run seed and any labels (same on every machine)."""
    key = "/".join([str(run_seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


def plan_sessions(
    counselors: Sequence[str],
    profiles: Sequence[ClientProfile],
    seed: int,
    repeats: int = 1,
    max_turns: int = DEFAULT_MAX_TURNS,
    max_tokens: int | None = None,
) -> list[SessionPlan]:
    """One plan per (counselor, repeat, profile), in that order: the whole panel comes before
    any repeat. Ids (`counselor--profile--repeat`) and seeds do not depend on the order; an
    external bot's are named by its label (`ext:<label>`), not by where its file is."""
    plans = []
    for name in counselors:
        spec = parse_counselor(name)
        canonical, key = spec.name, spec.key
        for rep in range(repeats):
            for profile in profiles:
                session_seed = derive_seed(seed, key, profile.id, rep)
                plans.append(
                    SessionPlan(
                        session_id=f"{key}--{profile.id}--{rep}",
                        counselor=canonical,
                        profile_id=profile.id,
                        seed=session_seed,
                        counselor_seed=derive_seed(session_seed, "counselor"),
                        client_seed=derive_seed(session_seed, "client"),
                        max_turns=max_turns,
                        max_tokens=max_tokens,
                    )
                )
    return plans


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
) -> list[Session]:
    """Run the planned sessions, at most `concurrency` at a time.

    Every built-in counselor runs behind the crisis guardrail unless `guardrail=False` is
    passed explicitly; an external bot (`ext:PATH.yaml`) runs as deployed unless its spec asks
    for the guardrail (`ext:PATH.yaml+guardrail`). Agents come from one `CounselorRegistry`
    (`make_counselor_agent` replaces its scripted counselors). Each finished session is
    appended to `journal` (if given) as soon as it ends, so a crash loses only the sessions in
    flight. Results come back in plan order.
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
        screener_factory=lambda: default_screener(roles),
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

    async def one(plan: SessionPlan) -> None:
        async with semaphore:
            if roles is not None and roles.over_budget():
                return  # --cost-limit reached: leave the rest for a resumed run
            profile = by_id[plan.profile_id]
            session = await _guarded(plan, profile, make_counselor_agent, make_client_agent)
            results[plan.session_id] = session
            if journal is not None:
                append_session(journal, session)
            if on_done is not None:
                on_done(session)

    try:
        await asyncio.gather(*(one(p) for p in plans))
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
        return Session(
            id=plan.session_id,
            counselor=AgentSpec(name=plan.counselor, engine="unknown"),
            client=AgentSpec(name="client", engine="unknown"),
            profile_id=plan.profile_id,
            seed=plan.seed,
            stop_reason=StopReason.ERROR,
            outcome=Outcome(turns=0, error=f"{type(exc).__name__}: {exc}"),
        )
    return await run_session(plan, counselor, client)
