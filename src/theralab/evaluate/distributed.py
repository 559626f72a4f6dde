"""Evaluation on a Dask cluster (`theralab evaluate --executor dask`): the sessions go out in
shards, each worker scores its shard with the same evaluators (the coders are CPU-bound, so
this is where more machines help), and the scores are aggregated here — per-session scores
do not depend on which worker made them, so results.json is the local executor's."""

from __future__ import annotations

from collections.abc import Sequence

from theralab.cluster import ClusterSpec, map_shards
from theralab.dialogue.records import Session
from theralab.errors import BadValue
from theralab.evaluate.base import EVALUATORS, Evaluator, get_evaluators
from theralab.evaluate.results import Scorer, SessionResult, score_sessions


def cluster_scorer(cluster: ClusterSpec) -> Scorer:
    """A scorer for `evaluate_sessions(..., scorer=)` that scores the sessions on the cluster:
    the evaluators travel to the workers by their registered names."""

    def scorer(sessions: Sequence[Session], evaluators: Sequence[Evaluator]) -> list[SessionResult]:
        names = [e.name for e in evaluators]
        unregistered = [n for n in names if n not in EVALUATORS]
        if unregistered:
            raise BadValue(
                f"evaluator(s) {', '.join(unregistered)} are not registered under their names, "
                "so a worker cannot build them; register them with register_evaluator"
            )
        return score_on_cluster(cluster, sessions, names)

    return scorer


def score_on_cluster(
    cluster: ClusterSpec, sessions: Sequence[Session], evaluator_names: list[str] | None
) -> list[SessionResult]:
    """Every session scored on the cluster by the named evaluators, in session order."""
    size = cluster.shard_size
    shards = [list(sessions[i : i + size]) for i in range(0, len(sessions), size)]
    scored: dict[int, list[SessionResult]] = {}

    def collect(number: int, lines: list[str]) -> None:
        scored[number] = [SessionResult.model_validate_json(line) for line in lines]

    with cluster.client() as client:
        map_shards(
            client,
            score_shard,
            shards,
            lambda number, shard: ([s.model_dump_json() for s in shard], evaluator_names),
            collect,
            kind="evaluate",
            describe=lambda n: f"shard {n}: sessions {shards[n][0].id} … {shards[n][-1].id}",
            rerun_hint="nothing was written; rerun the command",
        )
    return [r for n in range(len(shards)) for r in scored[n]]


def score_shard(session_lines: list[str], evaluator_names: list[str] | None) -> list[str]:
    """Run on a worker: every evaluator on one shard's sessions, each result as JSON."""
    sessions = [Session.model_validate_json(line) for line in session_lines]
    return [r.model_dump_json() for r in score_sessions(sessions, get_evaluators(evaluator_names))]
