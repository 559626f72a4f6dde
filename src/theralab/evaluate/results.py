"""Evaluate sessions and aggregate per counselor: the content of `results.json`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from theralab.dialogue.records import Session, StopReason
from theralab.errors import UnknownName
from theralab.evaluate.base import (
    PREPARE_SESSIONS,
    Evaluator,
    Metric,
    get_evaluators,
    prepare_evaluators,
)
from theralab.evaluate.courses import CourseResults, evaluate_courses
from theralab.evaluate.judge import JudgeOutcome
from theralab.evaluate.stats import bootstrap_mean
from theralab.measures.model import Instrument
from theralab.version import __version__

RESULTS_SCHEMA_VERSION = 1
DEFAULT_RANK_BY = "distress_reduction"
NEGATIVE_CONTROL = "negative_control"  # the session label of a negative control's sessions


class SessionResult(BaseModel):
    id: str
    counselor: str
    engine: str
    profile_id: str | None = None
    stop_reason: str | None = None
    error: str | None = None
    metrics: dict[str, float | None] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    series: dict[str, list[float]] = Field(default_factory=dict)


class CounselorSummary(BaseModel):
    counselor: str
    engine: str
    sessions: int
    errors: int
    stop_reasons: dict[str, int]
    metrics: dict[str, dict[str, Any]]
    trajectories: dict[str, list[float | None]] = Field(
        default_factory=dict, description="Mean per client turn index, over sessions reaching it."
    )


class MetricInfo(Metric):
    """A metric as recorded in results: the metric and the evaluator that produced it."""

    evaluator: str = ""


class Results(BaseModel):
    schema_version: int = RESULTS_SCHEMA_VERSION
    theralab_version: str = __version__
    evaluators: list[dict[str, str]]
    metrics: list[MetricInfo]
    rank_by: str
    leaderboard: list[str]
    counselors: list[CounselorSummary]
    sessions: list[SessionResult]
    judges: list[dict[str, Any]] = Field(
        default_factory=list, description="LLM judges: spec, repeats, temperature, prompt, rubrics."
    )
    agreement: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Inter-rater agreement per judged metric."
    )
    rubrics: list[dict[str, Any]] = Field(
        default_factory=list, description="The rubrics judged, in full (scale, items, groups)."
    )
    judge_counts: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="Per rubric: judge calls scored, n/a, unparseable, refused, error.",
    )
    courses: CourseResults | None = Field(
        default=None, description="Outcomes over courses of sessions (runs with courses only)."
    )
    left_out: list[dict[str, str]] = Field(
        default_factory=list,
        description="Sessions left out of every count and metric (id, counselor, reason): "
        "empty transcripts.",
    )

    @model_serializer(mode="wrap")
    def _without_empty_courses(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A run without courses writes the same results.json as before courses existed
        # (a wrap serializer, not `exclude_if`, which needs pydantic 2.11); the same for
        # `left_out`, written only when a session was left out.
        data = handler(self)
        if data.get("courses", 0) is None:
            del data["courses"]
        if not data.get("left_out", 1):
            del data["left_out"]
        return data

    @property
    def ranked(self) -> bool:
        """Whether the leaderboard is a ranking: some counselor has a `rank_by` score. When
        the metric is unscored for every counselor the order is only the order first seen,
        and reports say "not ranked" rather than name a top counselor."""
        return any(
            (c.metrics.get(self.rank_by) or {}).get("mean") is not None for c in self.counselors
        )

    def constant_judges(self) -> list[str]:
        """Warnings for judges that gave one and the same answer to every item of a rubric
        (zero variance): their scores carry no information, and agreement is undefined."""
        out = []
        for j in self.judges:
            for rubric, found in (j.get("constant_answers") or {}).items():
                out.append(constant_judge_warning(str(j.get("judge", "?")), rubric, found))
        return out

    @property
    def controls(self) -> set[str]:
        """The counselors that are negative controls (their sessions' transcripts say so)."""
        return {r.counselor for r in self.sessions if r.labels.get(NEGATIVE_CONTROL)}

    def counselor(self, name: str) -> CounselorSummary:
        return {c.counselor: c for c in self.counselors}[name]

    def metric(self, key: str) -> MetricInfo:
        return {m.key: m for m in self.metrics}[key]


def constant_judge_warning(judge: str, rubric: str, found: Mapping[str, Any]) -> str:
    """The warning for a judge that gave the same answer to every item of a rubric."""
    return (
        f"judge {judge} gave the same answer ({found.get('answer')}) to every item of "
        f"{rubric} ({found.get('calls')} scored calls, zero variance): its scores cannot tell "
        "the sessions apart and its agreement is undefined; check the judge (a stub, a broken "
        "prompt, or a model that ignores the transcript)"
    )


EMPTY_TRANSCRIPT = "empty transcript (no turns)"


def empty_transcripts(sessions: Sequence[Session]) -> list[Session]:
    """Sessions with no turns that did not fail: nothing was said, so there is nothing to
    score. They are left out of every count and metric (a failed session with no turns is
    kept: it is shown as failed)."""
    return [
        s
        for s in sessions
        if not s.turns
        and s.stop_reason is not StopReason.ERROR
        and not (s.outcome is not None and s.outcome.error)
    ]


Scorer = Callable[[Sequence[Session], Sequence[Evaluator]], list[SessionResult]]
"""Scores every session with the evaluators: `score_sessions`, or the same on a cluster."""


def score_sessions(
    sessions: Sequence[Session], evaluators: Sequence[Evaluator]
) -> list[SessionResult]:
    """Run every evaluator on every session. A session that ended in error is still scored
    on what it has; its error is carried into the result. Evaluators that can prepare for
    many sessions at once (one large encoder batch) do so per PREPARE_SESSIONS sessions, the
    next block in a worker thread while this one is scored: the encoder's batches run on the
    cores the scoring (mostly Python, one core) leaves idle. Results are the same: preparing
    only fills caches."""
    blocks = [sessions[n : n + PREPARE_SESSIONS] for n in range(0, len(sessions), PREPARE_SESSIONS)]
    out: list[SessionResult] = []
    if not blocks:
        return out
    with ThreadPoolExecutor(1, thread_name_prefix="theralab-prepare") as pool:
        ready = pool.submit(prepare_evaluators, evaluators, blocks[0])
        for k, block in enumerate(blocks):
            ready.result()  # this block's batches are done (their errors are raised here)
            if k + 1 < len(blocks):
                ready = pool.submit(prepare_evaluators, evaluators, blocks[k + 1])
            out += [_score(s, evaluators) for s in block]
    return out


def _score(s: Session, evaluators: Sequence[Evaluator]) -> SessionResult:
    result = SessionResult(
        id=s.id,
        counselor=s.counselor.name,
        engine=s.counselor.engine,
        profile_id=s.profile_id,
        stop_reason=s.stop_reason.value if s.stop_reason else None,
        error=s.outcome.error if s.outcome else None,
    )
    if s.counselor.control:  # from the transcript: reports mark it "(control)"
        result.labels[NEGATIVE_CONTROL] = "yes"
    for ev in evaluators:
        scores = ev.evaluate(s)
        result.metrics.update(
            {k: None if v is None else round(float(v), 4) for k, v in scores.values.items()}
        )
        result.labels.update(scores.labels)
        result.series.update(scores.series)
    return result


def aggregate(
    results: Sequence[SessionResult],
    evaluators: Sequence[Evaluator],
    rank_by: str = DEFAULT_RANK_BY,
    seed: int = 0,
    judged: JudgeOutcome | None = None,
) -> Results:
    """Per-counselor means with bootstrap intervals, and a leaderboard ordered by `rank_by`.
    Sessions that ended in error are counted (`errors`) but left out of the means; a
    counselor whose every session failed has no scores and ranks last.

    `judged` adds LLM-judge rubric scores (merged into each session's metrics), their
    agreement and their unscored counts.
    """
    infos: list[MetricInfo] = [_info(m, ev.name) for ev in evaluators for m in ev.metrics]
    if judged is not None:
        infos += [_info(m, "judge") for m in judged.metrics]
        for r in results:
            r.metrics.update(
                {
                    k: None if v is None else round(v, 4)
                    for k, v in judged.scores.get(r.id, {}).items()
                }
            )
    keys = [m.key for m in infos]
    if rank_by not in keys:
        raise UnknownName(f"cannot rank by {rank_by!r}; metrics: {', '.join(keys)}")
    order = list(dict.fromkeys(r.counselor for r in results))  # first-seen order
    summaries = []
    for name in order:
        mine = [r for r in results if r.counselor == name]
        # A failed session is shown as failed, not scored: its counselor never finished it.
        scored = [r for r in mine if r.stop_reason != "error"]
        metrics = {
            key: bootstrap_mean([r.metrics.get(key) for r in scored], seed=seed).as_dict()
            for key in keys
        }
        summaries.append(
            CounselorSummary(
                counselor=name,
                engine=mine[0].engine,
                sessions=len(mine),
                errors=sum(r.stop_reason == "error" for r in mine),
                stop_reasons=dict(Counter(r.stop_reason or "unknown" for r in mine)),
                metrics=metrics,
                trajectories={
                    k: _mean_by_index([r.series.get(k, []) for r in scored])
                    for k in ("distress", "trust", "readiness")
                },
            )
        )
    info = next(m for m in infos if m.key == rank_by)
    sign = -1 if info.higher_is_better is False else 1

    def rank_key(s: CounselorSummary) -> float:
        mean = s.metrics[rank_by]["mean"]
        return float("inf") if mean is None else -sign * mean

    leaderboard = [s.counselor for s in sorted(summaries, key=rank_key)]
    return Results(
        evaluators=[{"name": ev.name, "version": ev.version} for ev in evaluators],
        metrics=infos,
        rank_by=rank_by,
        leaderboard=leaderboard,
        counselors=summaries,
        sessions=list(results),
        judges=judged.judges if judged else [],
        agreement=judged.agreement if judged else {},
        judge_counts=judged.counts if judged else {},
        rubrics=judged.rubrics if judged else [],
    )


def evaluate_sessions(
    sessions: Sequence[Session],
    evaluator_names: list[str] | None = None,
    rank_by: str = DEFAULT_RANK_BY,
    seed: int = 0,
    judged: JudgeOutcome | None = None,
    instruments: Sequence[Instrument] = (),
    scorer: Scorer | None = None,
) -> Results:
    """Score sessions with the named evaluators (all by default) and aggregate them; sessions
    of courses also give course outcomes (`instruments`: user instrument files they used).
    `scorer` scores the sessions elsewhere (`evaluate.distributed`); the default is here.
    Empty transcripts (`empty_transcripts`) are left out and listed in `left_out`."""
    evaluators = get_evaluators(evaluator_names)
    empty = empty_transcripts(sessions)
    if empty:
        gone = {id(s) for s in empty}
        sessions = [s for s in sessions if id(s) not in gone]
    scored = (scorer or score_sessions)(sessions, evaluators)
    results = aggregate(scored, evaluators, rank_by, seed, judged)
    results.courses = evaluate_courses(sessions, instruments=instruments, seed=seed)
    results.left_out = [
        {"id": s.id, "counselor": s.counselor.name, "reason": EMPTY_TRANSCRIPT} for s in empty
    ]
    return results


def _info(m: Metric, evaluator: str) -> MetricInfo:
    return MetricInfo(**m.model_dump(), evaluator=evaluator)


def _mean_by_index(series: list[list[float]]) -> list[float | None]:
    length = max((len(s) for s in series), default=0)
    out: list[float | None] = []
    for i in range(length):
        vals = [s[i] for s in series if len(s) > i]
        out.append(round(sum(vals) / len(vals), 4) if vals else None)
    return out
