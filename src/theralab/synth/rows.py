"""Making one dataset row: a profile for the row's index, a guarded session, its screening
and its scores. Every row is a pure function of the configuration and its index, so any
executor (local or a cluster) produces the same row for the same index."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from theralab.counselors.registry import parse_counselor
from theralab.dialogue.records import Session, Speaker, StopReason
from theralab.dialogue.transcripts import session_to_json
from theralab.errors import BadValue
from theralab.evaluate.base import get_evaluators, prepare_evaluators
from theralab.evaluate.judge import judge_sessions
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.roles import ModelRoles
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.profiles.model import ClientProfile
from theralab.prompts import render
from theralab.rubrics import resolve_rubrics
from theralab.safety.concurrent import concurrent_screener
from theralab.safety.risk import RiskLevel
from theralab.safety.screener import Screener, default_screener
from theralab.simulate.runner import course_instruments, derive_seed, run_sessions
from theralab.simulate.session import CourseSpot, SessionPlan
from theralab.synth.compose import compose_profile, library_pool
from theralab.synth.config import SynthConfig
from theralab.synth.quotas import Quota, QuotaPlan
from theralab.synth.recipes import SourceItems, write_dialogue

AT_RISK_ACTIONS = frozenset({"crisis", "check_in", "blocked"})


def row_id(config: SynthConfig, index: int) -> str:
    return f"{config.recipe}-{index:06d}"


@dataclass
class RowMaker:
    """Everything shared by the rows of one worker: profiles, quotas, models, screener."""

    config: SynthConfig
    roles: ModelRoles | None = None
    _screener: Screener | None = field(default=None, repr=False)
    _courses: dict[int, Any] = field(default_factory=dict, repr=False)
    _course_locks: dict[int, asyncio.Lock] = field(default_factory=dict, repr=False)
    _course_taken: dict[int, int] = field(default_factory=dict, repr=False)

    @cached_property
    def pool(self) -> list[ClientProfile]:
        return library_pool(self.config.with_risk)

    @cached_property
    def quota_plan(self) -> QuotaPlan:
        return QuotaPlan(
            tuple(Quota.parse(q) for q in self.config.quotas),
            tuple(sorted({p.presenting_problem for p in self.pool})),
            self.config.seed,
        )

    @cached_property
    def counselors(self) -> list[str]:
        """Canonical names; a dataset's sessions are always guarded, external bots too."""
        return [parse_counselor(c).with_guardrail().name for c in self.config.counselors]

    @property
    def screener(self) -> Screener:
        if self._screener is None:
            # batched across the rows this maker's workers simulate side by side
            self._screener = concurrent_screener(default_screener(self.roles))
        return self._screener

    async def _run(self, plans: list[SessionPlan], profile: ClientProfile) -> list[Session]:
        """A row's sessions, one after the other, guarded, on this maker's screener and roles."""
        return await run_sessions(
            plans,
            [profile],
            concurrency=1,
            guardrail=True,
            locale=self.config.locale,
            screener=self.screener,
            roles=self.roles,
            counselor_lineup=self.counselors,
        )

    async def aprofile(self, index: int) -> ClientProfile:
        """The row's profile; `profiles: llm` asks the model bound to the client role."""
        if self.config.profiles != "llm":
            return self.profile(index)
        if self.roles is None or not self.roles.bound("client"):
            raise BadValue("--profiles llm asks the client model: bind --model-role client=SPEC")
        return await generate_profile(
            self.roles.model("client"),
            self.quota_plan.values(index),
            f"llm-{index:06d}",
            derive_seed(self.config.seed, "profile", index),
        )

    def profile(self, index: int) -> ClientProfile:
        wanted = self.quota_plan.values(index)
        if self.config.profiles == "library":
            matches = [
                p
                for p in self.pool
                if all(_attribute(p, dim) == value for dim, value in wanted.items())
            ]
            if not matches:
                raise BadValue(f"no library profile matches the quotas {wanted} (row {index})")
            return matches[derive_seed(self.config.seed, "library", index) % len(matches)]
        return compose_profile(index, self.config.seed, self.pool, wanted)

    def counselor(self, index: int) -> str:
        return self.counselors[index % len(self.counselors)]

    @cached_property
    def source(self) -> SourceItems:
        assert self.config.source is not None
        return SourceItems(Path(self.config.source), self.config.recipe)

    async def make(self, index: int) -> dict[str, Any]:
        """The row for `index`: status "ok", or "failed" with the error and raw output (or,
        in a course, "skipped": the client had dropped out before this session)."""
        row, session = await self.simulate(index)
        return row if session is None else await self.finish(row, session)

    async def simulate(self, index: int) -> tuple[dict[str, Any], Session | None]:
        """The row for `index` up to its session: (row, session) to `finish` (screen and
        score), or (the final row, None) when there is nothing to score (a failed profile, a
        skipped course session) or the recipe does it all (rewrites)."""
        if self.config.recipe != "cactus":
            return await self.rewrite(index), None
        if self.config.sessions > 1:
            return await self.course_row(index)
        rid = row_id(self.config, index)
        base: dict[str, Any] = {"index": index, "id": rid}
        try:
            profile = await self.aprofile(index)
        except ModelError as exc:
            failed = {**base, "status": "failed", "step": "profile", "error": str(exc)}
            return {**failed, "raw": exc.raw}, None
        except Exception as exc:  # a bad quota/profile combination fails the row, not the run
            return {**base, "status": "failed", "step": "profile", "error": str(exc)}, None
        counselor = self.counselor(index)
        seed = derive_seed(self.config.seed, "row", index)
        plan = SessionPlan.seeded(rid, counselor, profile.id, seed, max_turns=self.config.max_turns)
        [session] = await self._run([plan], profile)
        row = {
            **base,
            "counselor": counselor,
            "profile": json.loads(profile.model_dump_json()),
        }
        return row, session

    def prepare_scores(self, sessions: Sequence[Session]) -> None:
        """Before `finish` on many rows: let the scoring evaluators do their shared work for
        all of these sessions at once (the MI coder encodes every counselor sentence in one
        large batch). The scores are the same as without it."""
        prepare_evaluators(get_evaluators(self.config.score), sessions)

    async def finish(self, row: dict[str, Any], session: Session) -> dict[str, Any]:
        """A simulated session's row: the session, then screening and scores — or "failed"
        with the step and error."""
        row = {**row, "session": json.loads(session_to_json(session))}
        if session.stop_reason is StopReason.ERROR:
            error = session.outcome.error if session.outcome else "unknown error"
            return {**row, "status": "failed", "step": "simulate", "error": error}
        row["screen"] = screening(session)
        try:
            row["scores"] = await self.scores(session)
        except Exception as exc:
            return {**row, "status": "failed", "step": "score", "error": f"{exc}"}
        row["status"] = "ok"
        return row

    # --- courses ----------------------------------------------------------------------------

    async def course_row(self, index: int) -> tuple[dict[str, Any], Session | None]:
        """Row `index` of a dataset of courses: session k of course c, where the K rows of a
        course are consecutive (row = c·K + k − 1). A course is simulated once per worker,
        when its first row is asked for, and kept until all its rows are taken; its profile
        and counselor are those of its first row."""
        k_total = self.config.sessions
        c, k = divmod(index, k_total)
        rid = row_id(self.config, index)
        base: dict[str, Any] = {"index": index, "id": rid}
        lock = self._course_locks.setdefault(c, asyncio.Lock())
        async with lock:
            if c not in self._courses:
                self._courses[c] = await self._simulate_course(c)
        made = self._courses[c]
        self._course_taken[c] = self._course_taken.get(c, 0) + 1
        if self._course_taken[c] >= k_total:  # every row of it is out: forget it
            self._courses.pop(c, None)
            self._course_locks.pop(c, None)
            self._course_taken.pop(c, None)
        if isinstance(made, dict):  # the course's profile could not be made
            return {**base, **made}, None
        profile, counselor, sessions = made
        row = {
            **base,
            "counselor": counselor,
            "profile": json.loads(profile.model_dump_json()),
            "course": {"course": c, "session": k + 1, "of": k_total},
        }
        if k >= len(sessions):
            last = sessions[-1] if sessions else None
            if last is not None and last.stop_reason is StopReason.ERROR:
                error = "an earlier session of this course failed"
                return {**row, "status": "failed", "step": "course", "error": error}, None
            skipped = "the client dropped out of the course"
            return {**row, "status": "skipped", "reason": skipped}, None
        return row, sessions[k]

    async def _simulate_course(
        self, c: int
    ) -> tuple[ClientProfile, str, list[Session]] | dict[str, Any]:
        first = c * self.config.sessions
        try:
            profile = await self.aprofile(first)
        except ModelError as exc:
            return {"status": "failed", "step": "profile", "error": str(exc), "raw": exc.raw}
        except Exception as exc:
            return {"status": "failed", "step": "profile", "error": str(exc)}
        counselor = self.counselors[c % len(self.counselors)]
        course_seed = derive_seed(self.config.seed, "course", c)
        plans = []
        for k in range(1, self.config.sessions + 1):
            seed = derive_seed(course_seed, "session", k)
            plans.append(
                SessionPlan.seeded(
                    row_id(self.config, first + k - 1),
                    counselor,
                    profile.id,
                    seed,
                    max_turns=self.config.max_turns,
                    course=CourseSpot(
                        f"{self.config.recipe}-course-{c:06d}",
                        k,
                        self.config.sessions,
                        course_instruments(profile),
                    ),
                )
            )
        sessions = await self._run(plans, profile)
        return profile, counselor, sessions

    async def rewrite(self, index: int) -> dict[str, Any]:
        """expand / from-notes: the bound counselor model writes the whole dialogue."""
        rid = row_id(self.config, index)
        item = self.source.get(index)
        base: dict[str, Any] = {
            "index": index,
            "id": rid,
            "counselor": f"{self.config.recipe}-writer",
            "source_id": item.get("id"),
            "profile": None,
        }
        if self.roles is None or not self.roles.bound("counselor"):
            return {**base, "status": "failed", "step": "write", "error": "no counselor model"}
        seed = derive_seed(self.config.seed, "row", index)
        session, error, raw = await write_dialogue(
            self.config.recipe,
            item,
            self.roles.model("counselor"),
            seed,
            rid,
            self.config.max_turns,
        )
        if session is None:
            return {**base, "status": "failed", "step": "write", "error": error, "raw": raw}
        row = {**base, "session": json.loads(session_to_json(session))}
        row["screen"] = await screen_turns(session, self.screener)
        try:
            row["scores"] = await self.scores(session)
        except Exception as exc:
            return {**row, "status": "failed", "step": "score", "error": f"{exc}"}
        return {**row, "status": "ok"}

    async def scores(self, session: Session) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for ev in get_evaluators(self.config.score):
            values = ev.evaluate(session).values
            out.update({k: None if v is None else round(float(v), 4) for k, v in values.items()})
        if self.config.rubrics:
            if self.roles is None or not self.roles.bound("judge"):
                raise BadValue("rubric scores need --model-role judge=SPEC")
            judged = await judge_sessions(
                [session], resolve_rubrics(self.config.rubrics), [self.roles.model("judge")]
            )
            out.update(judged.scores[session.id])
        return out


async def generate_profile(
    model: Model, wanted: dict[str, str], profile_id: str, seed: int
) -> ClientProfile:
    """An original profile written by a model, validated against the profile schema (one
    repair attempt by the model layer; a profile that still fails is a failed row)."""
    schema = ClientProfile.model_json_schema()
    out = await model.generate(
        [
            ChatMessage(
                role="user",
                content=render(
                    "synth_profile", wanted=wanted, profile_id=profile_id, variation=seed
                ),
            )
        ],
        GenerateConfig(
            temperature=0.9, seed=seed, max_tokens=3000, json_schema=schema, schema_name="profile"
        ),
    )
    data = dict(out.parsed or {})
    data["id"] = profile_id
    try:
        return ClientProfile.model_validate(data)
    except ValueError as exc:
        raise ModelError(
            f"the generated profile does not validate: {exc}", ErrorKind.UNPARSEABLE, raw=out.text
        ) from exc


def screening(session: Session) -> dict[str, Any]:
    """The highest risk the guardrail saw, its categories and whether the row is at risk."""
    level = RiskLevel.NONE
    categories: set[str] = set()
    actions: set[str] = set()
    for t in session.turns:
        if t.speaker is not Speaker.COUNSELOR:
            continue
        if t.annotations.risk:
            level = max(level, t.annotations.risk, key=lambda r: r.rank)
        guard = t.annotations.guard
        if guard is not None:
            categories.update(guard.categories)
            actions.add(guard.action)
    at_risk = level is not RiskLevel.NONE or bool(actions & AT_RISK_ACTIONS)
    return {
        "level": level.value,
        "categories": sorted(categories),
        "guardrail": sorted(actions),
        "at_risk": at_risk,
    }


async def screen_turns(session: Session, screener: Screener) -> dict[str, Any]:
    """Screen every client turn of a dialogue that no guardrail saw (a rewritten one), with
    the conversation's state carried from turn to turn."""
    level = RiskLevel.NONE
    categories: set[str] = set()
    conversation = screener.conversation()
    for t in session.turns:
        if t.speaker is not Speaker.CLIENT:
            conversation.heard(t.text)  # a yes to a safety question is read as one
        else:
            risk = await conversation.screen_async(t.text)
            level = max(level, risk.level, key=lambda r: r.rank)
            categories.update(c.value for c in risk.categories)
    return {
        "level": level.value,
        "categories": sorted(categories),
        "guardrail": [],
        "at_risk": level is not RiskLevel.NONE,
    }


def _attribute(profile: ClientProfile, dimension: str) -> str:
    if dimension == "problem":
        return profile.presenting_problem
    if dimension == "core_belief":
        cats = profile.core_beliefs.categories()
        return cats[0] if cats else ""
    return str(getattr(profile, dimension).value)
