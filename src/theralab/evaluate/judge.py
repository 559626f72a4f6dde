"""LLM judges that score sessions against rubrics.

The protocol: one call per rubric item (per phase, per reply for reply-level rubrics), with a
bounded JSON schema — score from the item's scale, a short rationale, evidence turn numbers that
exist. Every judge of a panel rates every unit `repeats` times (each repeat with its own seed);
each (judge, repeat) is a rater. An answer that never validates, a refusal or a failed call is
*unscored* and counted, never replaced by a default score. Agreement between raters is
reported beside every score. The rubric's version and the judge's identity are part of the
cache key (and of the results), so a changed rubric is never answered from an old cache.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from theralab.dialogue.records import Session, Speaker, StopReason
from theralab.errors import BadValue
from theralab.evaluate.agreement import agreement
from theralab.evaluate.base import Metric
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.prompts import render, version
from theralab.rubrics.model import Item, Rubric

Status = Literal["scored", "n/a", "unparseable", "refused", "error"]
UNSCORED: tuple[Status, ...] = ("unparseable", "refused", "error")
JUDGE_PROMPT_VERSION = (
    f"judge_item v{version('judge_item')}, judge_system v{version('judge_system')}"
)

_REFUSAL = re.compile(
    r"\b(I can(?:no|')t|I cannot|I'm (?:not able|unable)|I am (?:not able|unable)|"
    r"I won't|I will not|as an AI)\b",
    re.I,
)


@dataclass(frozen=True)
class TurnView:
    index: int
    speaker: str
    text: str


@dataclass(frozen=True)
class Rating:
    """One judge call's outcome."""

    session_id: str
    rubric: str
    phase: str
    unit: str  # the session id, or "<session id>#<turn>" for reply-level rubrics
    item: str
    rater: str  # "<judge spec>#<repeat>"
    status: Status
    answer: int | str | None = None
    score: float | None = None  # the answer as scored (reverse items flipped)
    rationale: str = ""
    evidence: tuple[int, ...] = ()
    cached: bool = False
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        return d


@dataclass
class JudgeOutcome:
    """Ratings, per-session scores, agreement per metric and unscored counts per rubric."""

    ratings: list[Rating]
    scores: dict[str, dict[str, float | None]]
    agreement: dict[str, dict[str, Any]]
    counts: dict[str, dict[str, int]]
    metrics: list[Metric]
    judges: list[dict[str, Any]] = field(default_factory=list)
    rubrics: list[dict[str, Any]] = field(default_factory=list)  # each rubric as judged


def transcript_view(
    session: Session, phase: str = "session", upto: int | None = None
) -> list[TurnView]:
    """The turns a judge sees: all of them, up to the client's opening ('before'), or up to a
    reply being rated."""
    turns = list(enumerate(session.turns))
    if phase == "before":
        first_client = next((i for i, t in turns if t.speaker is Speaker.CLIENT), len(turns) - 1)
        turns = turns[: first_client + 1]
    if upto is not None:
        turns = turns[: upto + 1]
    return [
        TurnView(i, "Counselor" if t.speaker is Speaker.COUNSELOR else "Client", t.text)
        for i, t in turns
    ]


def item_schema(rubric: Rubric, item: Item, max_turn: int) -> dict[str, Any]:
    """The bounded answer schema for one item."""
    points: list[int | str] = list(rubric.scale_of(item).points)
    if item.allow_na:
        points.append("n/a")
    return {
        "type": "object",
        "properties": {
            "rationale": {"type": "string", "maxLength": 600},
            "evidence": {
                "type": "array",
                # an enum, not minimum/maximum: grammar-constrained decoders (llama.cpp)
                # enforce enums but not numeric bounds
                "items": {"enum": list(range(max(0, max_turn) + 1))},
                "maxItems": 6,
            },
            "score": {"enum": points},
        },
        "required": ["rationale", "evidence", "score"],
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class _Task:
    session: Session
    rubric: Rubric
    phase: str
    item: Item
    judge: Model
    repeat: int
    upto: int | None  # the reply rated, for reply-level rubrics

    @property
    def unit(self) -> str:
        return self.session.id if self.upto is None else f"{self.session.id}#{self.upto}"

    @property
    def rater(self) -> str:
        return f"{self.judge.spec}#{self.repeat + 1}"


def judgeable(sessions: Sequence[Session]) -> list[Session]:
    """The sessions a judge rates: failed ones (stop reason `error`) are left out — they are
    shown as failed, never scored, so no judge call is spent on them."""
    return [s for s in sessions if s.stop_reason is not StopReason.ERROR]


def _tasks(
    sessions: Sequence[Session], rubrics: Sequence[Rubric], judges: Sequence[Model], repeats: int
) -> list[_Task]:
    out = []
    for s in judgeable(sessions):
        for r in rubrics:
            if r.unit == "reply":
                units: list[tuple[str, int | None]] = [
                    ("session", i) for i, t in enumerate(s.turns) if t.speaker is Speaker.COUNSELOR
                ]
            else:
                units = [(p, None) for p in r.phases]
            for phase, upto in units:
                for item in r.items:
                    for j in judges:
                        for k in range(repeats):
                            out.append(_Task(s, r, phase, item, j, k, upto))
    return out


async def _rate(task: _Task, temperature: float, seed: int) -> Rating:
    turns = transcript_view(task.session, task.phase, task.upto)
    scale = task.rubric.scale_of(task.item)
    messages = [
        ChatMessage(role="system", content=render("judge_system")),
        ChatMessage(
            role="user",
            content=render(
                "judge_item",
                rubric=task.rubric,
                item=task.item,
                scale=scale,
                points=scale.points,
                phase=task.phase,
                turns=turns,
                reply_turn=task.upto,
            ),
        ),
    ]
    config = GenerateConfig(
        temperature=temperature,
        seed=seed + task.repeat,
        max_tokens=400,
        json_schema=item_schema(task.rubric, task.item, turns[-1].index if turns else 0),
        schema_name="rubric_item",
        cache_tag=f"{task.rubric.tag}/{task.item.id}/{JUDGE_PROMPT_VERSION}",
    )
    base = {
        "session_id": task.session.id,
        "rubric": task.rubric.id,
        "phase": task.phase,
        "unit": task.unit,
        "item": task.item.id,
        "rater": task.rater,
    }
    try:
        out = await task.judge.generate(messages, config)
    except ModelError as exc:
        if exc.kind is ErrorKind.COST_LIMIT:
            raise
        refused = exc.kind is ErrorKind.UNPARSEABLE and bool(_REFUSAL.search(exc.raw or ""))
        status: Status = (
            "refused"
            if refused
            else "unparseable"
            if exc.kind is ErrorKind.UNPARSEABLE
            else "error"
        )
        return Rating(**base, status=status, reason=str(exc)[:300])
    parsed = out.parsed or {}
    answer = parsed.get("score")
    evidence = tuple(int(e) for e in parsed.get("evidence", []))
    rationale = str(parsed.get("rationale", ""))
    if answer == "n/a":
        return Rating(**base, status="n/a", answer="n/a", rationale=rationale, cached=out.cached)
    return Rating(
        **base,
        status="scored",
        answer=int(answer),  # type: ignore[arg-type]
        score=task.rubric.score(task.item, int(answer)),  # type: ignore[arg-type]
        rationale=rationale,
        evidence=evidence,
        cached=out.cached,
    )


async def judge_sessions(
    sessions: Sequence[Session],
    rubrics: Sequence[Rubric],
    judges: Sequence[Model],
    *,
    repeats: int = 1,
    temperature: float | None = None,
    seed: int = 0,
    on_rating: Callable[[Rating], None] | None = None,
) -> JudgeOutcome:
    """Rate every session on every rubric item with every judge, `repeats` times each.
    Failed sessions are not rated (`judgeable`); their scores are None."""
    if not judges:
        raise BadValue("judging needs at least one judge model")
    if repeats < 1:
        raise BadValue("repeats must be at least 1")
    temp = temperature if temperature is not None else (0.7 if repeats > 1 else 0.0)
    tasks = _tasks(sessions, rubrics, judges, repeats)

    async def one(t: _Task) -> Rating:
        rating = await _rate(t, temp, seed)
        if on_rating is not None:
            on_rating(rating)
        return rating

    ratings = list(await asyncio.gather(*(one(t) for t in tasks)))
    raters = [f"{j.spec}#{k + 1}" for j in judges for k in range(repeats)]
    return summarise(
        ratings,
        rubrics,
        [s.id for s in sessions],
        raters,
        judges=[
            {
                "judge": j.spec,
                "repeats": repeats,
                "temperature": temp,
                "prompt": JUDGE_PROMPT_VERSION,
                "rubrics": [r.tag for r in rubrics],
            }
            for j in judges
        ],
    )


def summarise(
    ratings: Sequence[Rating],
    rubrics: Sequence[Rubric],
    session_ids: Sequence[str],
    raters: Sequence[str],
    judges: list[dict[str, Any]] | None = None,
) -> JudgeOutcome:
    """Per-session scores (mean over raters, then over replies), agreement and counts."""
    # (rubric, phase, item) -> unit -> rater -> score
    cells: dict[tuple[str, str, str], dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    units_of: dict[tuple[str, str], list[str]] = defaultdict(list)  # (rubric, session) -> units
    counts: dict[str, Counter[str]] = {r.id: Counter() for r in rubrics}
    for rt in ratings:
        counts[rt.rubric][rt.status] += 1
        if rt.unit not in units_of[(rt.rubric, rt.session_id)]:
            units_of[(rt.rubric, rt.session_id)].append(rt.unit)
        if rt.status == "scored" and rt.score is not None:
            cells[(rt.rubric, rt.phase, rt.item)][rt.unit][rt.rater] = rt.score

    scores: dict[str, dict[str, float | None]] = {sid: {} for sid in session_ids}
    group_cells: dict[tuple[str, str, str], dict[str, dict[str, float]]] = {}
    agree: dict[str, dict[str, Any]] = {}
    metrics: list[Metric] = []
    for rubric in rubrics:
        metrics.extend(rubric_metrics(rubric))
        for phase in rubric.phases:
            suffix = "" if phase == "session" else f"_{phase}"
            # items
            for item in rubric.items:
                key = f"{rubric.id}.{item.id}{suffix}"
                cell = cells[(rubric.id, phase, item.id)]
                for sid in session_ids:
                    unit_means = [_mean(cell[u].values()) for u in units_of[(rubric.id, sid)]]
                    scores[sid][key] = _mean(v for v in unit_means if v is not None)
                agree[key] = _agreement(cell, raters, rubric.scale_of(item).binary)
            # groups: per rater, the mean of that rater's scored items in the group
            for group in rubric.groups:
                key = f"{rubric.id}.{group}{suffix}"
                members = rubric.members(group)
                group_cell: dict[str, dict[str, float]] = defaultdict(dict)
                units = {u for item in members for u in cells[(rubric.id, phase, item.id)]}
                for u in units:
                    for rater in raters:
                        vals = [
                            cells[(rubric.id, phase, item.id)][u][rater]
                            for item in members
                            if rater in cells[(rubric.id, phase, item.id)].get(u, {})
                        ]
                        if vals:
                            group_cell[u][rater] = sum(vals) / len(vals)
                for sid in session_ids:
                    item_scores = [scores[sid].get(f"{rubric.id}.{i.id}{suffix}") for i in members]
                    scores[sid][key] = _mean(v for v in item_scores if v is not None)
                agree[key] = _agreement(group_cell, raters, binary=False)
                group_cells[(rubric.id, group, phase)] = group_cell
        if {"before", "after"} <= set(rubric.phases):
            for group in rubric.groups:
                before = group_cells.get((rubric.id, group, "before"), {})
                after = group_cells.get((rubric.id, group, "after"), {})
                change_cell: dict[str, dict[str, float]] = {
                    u: {r: after[u][r] - before[u][r] for r in after[u] if r in before.get(u, {})}
                    for u in after
                }
                agree[f"{rubric.id}.{group}_change"] = _agreement(change_cell, raters, False)
                for sid in session_ids:
                    b = scores[sid].get(f"{rubric.id}.{group}_before")
                    a = scores[sid].get(f"{rubric.id}.{group}_after")
                    scores[sid][f"{rubric.id}.{group}_change"] = (
                        None if a is None or b is None else a - b
                    )
    constant = constant_answers(ratings)
    judges = [
        {**j, "constant_answers": constant[j.get("judge")]} if j.get("judge") in constant else j
        for j in judges or []
    ]
    return JudgeOutcome(
        rubrics=[r.model_dump(mode="json") for r in rubrics],
        ratings=list(ratings),
        scores=scores,
        agreement=agree,
        counts={k: dict(v) for k, v in counts.items()},
        metrics=metrics,
        judges=judges,
    )


# A judge's answers to a rubric are called constant from this many scored calls on: with fewer,
# one answer every time is as likely a fair reading of a few similar sessions.
MIN_CONSTANT_CALLS = 8


def constant_answers(ratings: Sequence[Rating]) -> dict[str, dict[str, dict[str, Any]]]:
    """Judges that gave one and the same answer to every scored call on a rubric
    (`MIN_CONSTANT_CALLS` or more, over all its items, units and repeats): judge spec → rubric
    → {answer, calls}.
    Such a judge has zero variance — its scores say nothing about the sessions and its
    agreement is undefined (a stub, a broken prompt, or a model that ignores the transcript)."""
    answers: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for rt in ratings:
        if rt.status == "scored":
            answers[(rt.rater.rpartition("#")[0] or rt.rater, rt.rubric)].append(rt.answer)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for (judge, rubric), given in answers.items():
        if len(given) >= MIN_CONSTANT_CALLS and len(set(given)) == 1:
            out.setdefault(judge, {})[rubric] = {"answer": given[0], "calls": len(given)}
    return out


def _mean(values: Any) -> float | None:
    vals = [float(v) for v in values]
    return sum(vals) / len(vals) if vals else None


def _agreement(
    cell: dict[str, dict[str, float]], raters: Sequence[str], binary: bool
) -> dict[str, Any]:
    if len(raters) < 2:
        return {"alpha": None, "raters": len(raters), "units": len(cell), "note": "one rater"}
    matrix = [[cell[u].get(r) for r in raters] for u in sorted(cell)]
    return agreement(matrix, binary=binary).as_dict()


def rubric_metrics(rubric: Rubric) -> list[Metric]:
    """Metric descriptions for every key a rubric adds to results."""
    out: list[Metric] = []
    lo, hi = rubric.scale.min, rubric.scale.max
    phases = rubric.phases

    def direction(group_or_subscale: str | None) -> bool:
        # PANAS negative affect: lower is better; every other score is oriented "higher = better"
        return group_or_subscale != "negative"

    names: list[tuple[str, str, str | None, bool]] = [
        (g, "mean" if g == "mean" else g.replace("_", " "), g, False) for g in rubric.groups
    ] + [(i.id, i.name, i.subscale, True) for i in rubric.items]
    for name, label, group, is_item in names:
        for phase in phases:
            suffix = "" if phase == "session" else f"_{phase}"
            out.append(
                Metric(
                    key=f"{rubric.id}.{name}{suffix}",
                    label=f"{rubric.label} {label}" + (f" ({phase})" if suffix else ""),
                    higher_is_better=direction(group),
                    unit="",
                    description=f"{rubric.name} v{rubric.version}, scale {lo}–{hi}; LLM judge.",
                    item=is_item,
                )
            )
    if {"before", "after"} <= set(phases):
        for g in rubric.groups:
            out.append(
                Metric(
                    key=f"{rubric.id}.{g}_change",
                    label=f"{rubric.label} {g} change",
                    higher_is_better=direction(g),
                    description=f"{rubric.name}: after − before.",
                )
            )
    return out
