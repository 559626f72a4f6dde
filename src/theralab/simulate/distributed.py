"""Sessions on a Dask cluster: `theralab run --executor dask` and `theralab simulate
--executor dask` (the cluster plumbing is `theralab.cluster`'s).

The plan is cut into shards of whole units — a lone session, or every session of a course, so
that a course's sessions run in order on one worker — and each shard runs `run_sessions` on a
worker with its own event loop, its own model connections (optionally its own server:
`endpoints` are assigned round-robin by shard) and its own screener. A session is a function of
its plan (its seeds derive from the run seed), so the transcripts are byte-identical to the
local executor's, whatever the number of workers or the order shards finish in. Finished
sessions reach the journal as their shard comes back: a kill loses only the shards in flight,
and `--resume` continues from the journal as with the local executor.

    theralab run --executor dask                                   # a LocalCluster here
    theralab run -c llm:cbt --model-role counselor=vllm/qwen --executor dask \\
        --address tcp://10.0.0.2:8786 \\
        --endpoint http://10.0.0.5:8000/v1 --endpoint http://10.0.0.6:8000/v1

Workers need theralab installed (and any `ext:` bot file at the same path). Per-worker limits:
`--concurrency` and `--max-connections` apply on each worker, and `--cost-limit` to each
worker's own spending plus what the run spent before a resume.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theralab.cluster import ClusterSpec, map_shards
from theralab.dialogue.records import Session
from theralab.dialogue.transcripts import append_session
from theralab.model.roles import ModelRoles
from theralab.profiles.model import ClientProfile
from theralab.simulate.runner import run_sessions
from theralab.simulate.session import SessionPlan


@dataclass
class SessionCluster(ClusterSpec):
    """Where sessions run (see `ClusterSpec`), and how a plan is cut into shards."""

    def shards(self, plans: Sequence[SessionPlan]) -> list[list[SessionPlan]]:
        """Plans in shards of about `shard_size` sessions, in plan order; a course is never
        split (its sessions depend on each other)."""
        units: dict[str, list[SessionPlan]] = {}
        for plan in plans:
            key = plan.course.course_id if plan.course is not None else plan.session_id
            units.setdefault(key, []).append(plan)
        shards: list[list[SessionPlan]] = []
        for unit in units.values():
            if shards and len(shards[-1]) + len(unit) <= self.shard_size:
                shards[-1].extend(unit)
            else:
                shards.append(list(unit))
        return shards


def run_plans(
    plans: Sequence[SessionPlan],
    profiles: Sequence[ClientProfile],
    *,
    cluster: SessionCluster | None = None,
    role_options: dict[str, Any] | None = None,
    concurrency: int = 8,
    journal: Path | None = None,
    on_done: Callable[[Session], None] | None = None,
    guardrail: bool = True,
    locale: str | None = None,
    counselor_lineup: Sequence[str] | None = None,
    finished: Sequence[Session] = (),
) -> tuple[list[Session], dict[str, dict[str, float | int]] | None]:
    """Run `plans` here (`run_sessions` with model roles made from `role_options`) or, with
    `cluster`, on the cluster; returns the sessions in plan order and the model usage (None
    without model roles). The one entry point of `theralab run` and `theralab simulate`."""
    common: dict[str, Any] = {
        "concurrency": concurrency,
        "journal": journal,
        "on_done": on_done,
        "guardrail": guardrail,
        "locale": locale,
        "counselor_lineup": counselor_lineup,
        "finished": finished,
    }
    if cluster is not None:
        return run_sessions_on_cluster(
            cluster, plans, profiles, role_options=role_options, **common
        )

    async def go() -> tuple[list[Session], dict[str, dict[str, float | int]] | None]:
        roles = model_roles(role_options) if role_options is not None else None
        try:
            sessions = await run_sessions(plans, profiles, roles=roles, **common)
            return sessions, roles.usage.summary() if roles is not None else None
        finally:
            if roles is not None:
                await roles.aclose()

    return asyncio.run(go())


def run_sessions_on_cluster(
    cluster: SessionCluster,
    plans: Sequence[SessionPlan],
    profiles: Sequence[ClientProfile],
    *,
    concurrency: int = 8,
    journal: Path | None = None,
    on_done: Callable[[Session], None] | None = None,
    guardrail: bool = True,
    locale: str | None = None,
    role_options: dict[str, Any] | None = None,
    counselor_lineup: Sequence[str] | None = None,
    finished: Sequence[Session] = (),
) -> tuple[list[Session], dict[str, dict[str, float | int]] | None]:
    """Run `plans` on the cluster like `run_sessions` runs them here; returns the sessions in
    plan order and the model usage summed over the workers (None without model roles).

    `role_options` are `ModelRoles.from_options` arguments (`specs` and the keywords);
    None runs without model roles."""
    by_id = {p.id: p for p in profiles}
    shards = cluster.shards(plans)
    lineup = list(counselor_lineup) if counselor_lineup is not None else None
    earlier: dict[str, list[str]] = {}
    for s in finished:
        if s.course is not None:
            earlier.setdefault(s.course.course_id, []).append(s.model_dump_json())
    results: dict[str, Session] = {}
    usage: dict[str, dict[str, float | int]] | None = None

    def arguments(number: int, shard: list[SessionPlan]) -> tuple[Any, ...]:
        options = None
        if role_options is not None:
            base = role_options.get("base_url")
            options = {**role_options, "base_url": cluster.endpoint(base, number)}
        courses = {p.course.course_id for p in shard if p.course is not None}
        return (
            shard,
            [by_id[p] for p in dict.fromkeys(p.profile_id for p in shard)],
            concurrency,
            guardrail,
            locale,
            options,
            lineup,
            [line for c in sorted(courses) for line in earlier.get(c, [])],
        )

    def collect(number: int, result: tuple[list[str], dict[str, Any] | None]) -> None:
        nonlocal usage
        lines, shard_usage = result
        for line in lines:
            session = Session.model_validate_json(line)  # with its timing
            results[session.id] = session
            if journal is not None:
                append_session(journal, session)
            if on_done is not None:
                on_done(session)
        if shard_usage is not None:
            usage = add_usage(usage or {}, shard_usage)

    with cluster.client() as client:
        map_shards(
            client,
            run_session_shard,
            shards,
            arguments,
            collect,
            kind="sessions",
            describe=lambda n: (
                f"shard {n}: sessions {shards[n][0].session_id} … {shards[n][-1].session_id}"
            ),
            rerun_hint="the sessions finished so far are kept: rerun with --resume to continue",
        )
    return [results[p.session_id] for p in plans if p.session_id in results], usage


def run_session_shard(
    plans: list[SessionPlan],
    profiles: list[ClientProfile],
    concurrency: int,
    guardrail: bool,
    locale: str | None,
    role_options: dict[str, Any] | None,
    counselor_lineup: list[str] | None,
    finished_lines: list[str],
) -> tuple[list[str], dict[str, Any] | None]:
    """Run on a worker: one shard's sessions on a fresh event loop, each as its full JSON
    (timing included), with the shard's model usage."""
    finished = [Session.model_validate_json(line) for line in finished_lines]

    async def go() -> tuple[list[Session], dict[str, Any] | None]:
        roles = model_roles(role_options) if role_options is not None else None
        try:
            sessions = await run_sessions(
                plans,
                profiles,
                concurrency=concurrency,
                guardrail=guardrail,
                locale=locale,
                roles=roles,
                counselor_lineup=counselor_lineup,
                finished=finished,
            )
            return sessions, roles.usage.summary() if roles is not None else None
        finally:
            if roles is not None:
                await roles.aclose()

    sessions, usage = asyncio.run(go())
    return [s.model_dump_json() for s in sessions], usage


def model_roles(options: dict[str, Any]) -> ModelRoles:
    """`ModelRoles.from_options` from one picklable dict: `specs` and its keyword arguments."""
    return ModelRoles.from_options(
        options["specs"], **{k: v for k, v in options.items() if k != "specs"}
    )


def add_usage(
    total: dict[str, dict[str, float | int]], part: dict[str, dict[str, float | int]]
) -> dict[str, dict[str, float | int]]:
    """Usage summed role by role, figure by figure (numbers only)."""
    out = {role: dict(figures) for role, figures in total.items()}
    for role, figures in part.items():
        mine = out.setdefault(role, {})
        for key, value in figures.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                mine[key] = mine.get(key, 0) + value
            else:
                mine.setdefault(key, value)
    return out
