"""`theralab evaluate`: (re-)evaluate transcripts from TheraLab or any tool using its schema."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from theralab.cli._common import (
    AddressOption,
    ExecutorOption,
    SeedOption,
    check_output,
    chosen_cluster,
    console,
    count_progress,
    err_console,
    fail,
    global_options,
    split_list,
    user_errors,
)
from theralab.cli._judging import (
    BaseUrlOption,
    CostLimitOption,
    JudgeOption,
    JudgeSettings,
    MaxConnectionsOption,
    MaxRetriesOption,
    ModelTimeoutOption,
    NoCacheOption,
    judge_panel,
)
from theralab.dialogue.records import SCHEMA_VERSION, Session
from theralab.dialogue.transcripts import atomic_write_text, read_lines, read_sessions
from theralab.errors import InputError
from theralab.evaluate.judge import UNSCORED, JudgeOutcome, judge_sessions, judgeable
from theralab.evaluate.results import DEFAULT_RANK_BY, empty_transcripts, evaluate_sessions
from theralab.report import write_report
from theralab.report.console import print_judging, print_leaderboard
from theralab.rubrics import Rubric, resolve_rubrics
from theralab.rundir import RunDir
from theralab.runs import DEFAULT_SEED, write_results
from theralab.text.embedding_store import disk_cache
from theralab.text.encoder import semantic_enabled

DEFAULT_RUBRICS = "ctrs,panas,wai,miti"


def evaluate(
    ctx: typer.Context,
    transcripts: Annotated[
        Path,
        typer.Argument(
            help=f"Transcripts JSONL (schema v{SCHEMA_VERSION}, version 1 still read: "
            "docs/transcript-schema.md), or a run directory."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for results.json and report.html. Default: beside the transcripts."
        ),
    ] = None,
    evaluators: Annotated[
        list[str] | None,
        typer.Option(
            "--evaluators",
            "-e",
            help="Offline evaluators to run (default: miti, outcome, coverage, safety); add "
            "quality for the session quality estimator (slower; non-commercial weights).",
        ),
    ] = None,
    judge: JudgeOption = None,
    rubric: Annotated[
        list[str] | None,
        typer.Option(
            "--rubric",
            "-r",
            help="Rubrics for the judges: built-in ids (ctrs, panas, wai, miti, cpsycoune, "
            "preference, safety_checks) or rubric YAML files. Default with --judge: "
            + DEFAULT_RUBRICS
            + ".",
        ),
    ] = None,
    repeats: Annotated[
        int,
        typer.Option(
            min=1,
            help="Ratings per judge and item (distinct seeds); agreement needs 2 or more raters.",
        ),
    ] = 1,
    judge_temperature: Annotated[
        float | None,
        typer.Option(help="Judge temperature. Default: 0 for one repeat, 0.7 for several."),
    ] = None,
    base_url: BaseUrlOption = None,
    max_connections: MaxConnectionsOption = 8,
    no_cache: NoCacheOption = False,
    cost_limit: CostLimitOption = None,
    timeout: ModelTimeoutOption = None,
    max_retries: MaxRetriesOption = None,
    rank_by: Annotated[
        str, typer.Option(help="Metric that orders the leaderboard (e.g. ctrs.mean).")
    ] = DEFAULT_RANK_BY,
    seed: SeedOption = None,
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
    progress: Annotated[bool, typer.Option(help="Show a progress bar while judging.")] = True,
    embedding_cache: Annotated[
        bool,
        typer.Option(
            help="Keep the MI coder's sentence vectors on disk (~/.cache/theralab/"
            "embeddings.sqlite, or $THERALAB_EMBEDDING_CACHE) so re-evaluating the same "
            "transcripts encodes nothing again; the results are the same either way."
        ),
    ] = True,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
) -> None:
    """Score transcripts and write results.json (and report.html).

    Offline evaluators always run. With `--judge`, LLM judges also rate each session on the
    chosen rubrics — one call per item, repeated with `--repeats`, agreement reported beside
    every score; unparseable or refused answers are counted as unscored, never scored.
    A malformed line is reported with its file, line number and field. Exit 1 when a judge
    was asked for but a rubric got no score at all (the offline results are written all the
    same); failed sessions are not judged.
    """
    g = global_options(ctx)
    path = RunDir.transcripts_of(transcripts)
    folder = g.out_for(out, path.parent)
    run_seed = g.seed_for(seed, DEFAULT_SEED)
    with user_errors():
        check_output(folder, folder=True)
        cluster = chosen_cluster(executor, address, None)
        sessions = read_sessions(path)
        if not sessions:
            raise InputError("no sessions to evaluate", source=str(path))
        empty = empty_transcripts(sessions)
        warn_empty(path, empty)
        if len(empty) == len(sessions):
            raise InputError(
                "no sessions to evaluate: every transcript is empty (no turns)", source=str(path)
            )
        spoken = [s for s in sessions if all(s is not e for e in empty)]
        rubrics = resolve_rubrics(split_list(rubric) or split_list([DEFAULT_RUBRICS]))
        if rubric and not judge:
            raise fail("rubrics are scored by LLM judges: add --judge SPEC (e.g. openai/gpt-4o)")
        judged = None
        if judge:
            judged = _judge(
                spoken,  # an empty transcript has nothing to judge
                rubrics,
                JudgeSettings(
                    split_list(judge),
                    base_url,
                    max_connections,
                    no_cache,
                    cost_limit,
                    timeout=timeout,
                    max_retries=max_retries,
                ),
                repeats=repeats,
                temperature=judge_temperature,
                seed=run_seed,
                progress=progress,
            )
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_text(
                folder / "judgements.jsonl",
                "".join(json.dumps(r.as_dict()) + "\n" for r in judged.ratings),
            )
        scorer = None
        if cluster is not None:
            from theralab.evaluate.distributed import cluster_scorer

            scorer = cluster_scorer(cluster)
        with disk_cache(embedding_cache and semantic_enabled() and cluster is None):
            results = evaluate_sessions(
                sessions,
                split_list(evaluators) or None,
                rank_by,
                seed=run_seed,
                judged=judged,
                scorer=scorer,
            )
        folder.mkdir(parents=True, exist_ok=True)
        write_results(RunDir(folder).results, results)
        if report:
            write_report(
                RunDir(folder).report,
                results,
                sessions,
                title=f"TheraLab evaluation of {path.name}",
            )
    print_leaderboard(results, console)
    if judged is not None:
        print_judging(results, console, warnings=err_console)
    left = f" ({len(empty)} empty left out)" if empty else ""
    console.print(
        f"\n{len(spoken)} session(s){left} → [bold]{folder / 'results.json'}[/bold]",
        highlight=False,
    )
    if judged is not None:
        judging_failures(judged, spoken, cached=not no_cache)


def warn_empty(path: Path, empty: list[Session]) -> None:
    """Warn, naming the file, line and id, about each empty transcript (no turns): it is left
    out of every count and metric, not scored as a session where nothing happened."""
    if not empty:
        return
    lines: dict[str, int] = {}
    if str(path) != "-":
        ids = {s.id for s in empty}
        for lineno, line in read_lines(str(path), what="transcripts"):
            try:
                sid = json.loads(line).get("id")
            except (ValueError, AttributeError):
                continue
            if sid in ids:
                lines.setdefault(sid, lineno)
    for s in empty:
        where = f"{path}:{lines[s.id]}" if s.id in lines else str(path)
        err_console.print(
            f"[yellow]warning: {escape(where)}: session {escape(repr(s.id))} "
            f"({escape(s.counselor.name)}) is an empty transcript (no turns): left out of "
            "every count and metric[/yellow]",
            highlight=False,
            soft_wrap=True,
        )


def judging_failures(judged: JudgeOutcome, sessions: list[Session], *, cached: bool) -> None:
    """Say what the judging did not do, with the cause: failed sessions left out (a note);
    some calls unscored (a warning naming the cause and how to continue); a rubric with
    nothing scored, or nothing to judge at all (exit 1: the judging asked for failed; the
    offline scores are written all the same)."""
    failed = len(sessions) - len(judgeable(sessions))
    if failed:
        err_console.print(
            f"note: {failed} failed session(s) not judged (shown as failed, left out of "
            "every mean)",
            highlight=False,
        )
    if not judged.ratings:
        raise fail(
            f"nothing to judge: all {len(sessions)} session(s) failed; rerun or resume "
            "the run first"
            if failed == len(sessions)
            else "nothing to judge: the sessions have no turn the rubrics rate",
            code=1,
        )
    by_rubric: dict[str, list[str]] = {}
    for r in judged.ratings:
        by_rubric.setdefault(r.rubric, [])
        if r.status in UNSCORED:
            by_rubric[r.rubric].append(r.reason or r.status)
    empty = [
        rubric
        for rubric, counts in judged.counts.items()
        if sum(counts.values()) and not counts.get("scored") and not counts.get("n/a")
    ]
    unscored = [why for whys in by_rubric.values() for why in whys]
    cause = Counter(unscored).most_common(1)[0][0] if unscored else ""
    how = (
        "rerun the same command: the cache keeps every scored answer and asks only the rest"
        if cached
        else "rerun without --no-cache to keep the scored answers next time"
    )
    if unscored and not empty:
        err_console.print(
            f"[yellow]warning: {len(unscored)} of {len(judged.ratings)} judge call(s) "
            f"unscored, mostly: {escape(cause)}; {how}[/yellow]",
            highlight=False,
            soft_wrap=True,
        )
    if empty:
        every = len(empty) == len(judged.counts)
        raise fail(
            (
                "the judge scored nothing"
                if every
                else f"the judge scored nothing on {', '.join(empty)}"
            )
            + f": {len(unscored)} of {len(judged.ratings)} judge call(s) unscored"
            + (f" ({cause})" if cause else "")
            + f"; {how}",
            code=1,
        )


def _judge(
    sessions: list[Session],
    rubrics: list[Rubric],
    judges: JudgeSettings,
    *,
    repeats: int,
    temperature: float | None,
    seed: int,
    progress: bool,
) -> JudgeOutcome:
    async def go() -> JudgeOutcome:
        async with judge_panel(judges) as (models, usage):
            with count_progress("judging", "calls", progress) as (start, advance):
                calls = _count_calls(sessions, rubrics) * len(models) * repeats
                start(calls)
                outcome = await judge_sessions(
                    sessions,
                    rubrics,
                    models,
                    repeats=repeats,
                    temperature=temperature,
                    seed=seed,
                    on_rating=lambda _r: advance(),
                )
            for role, u in usage.summary().items():
                err_console.print(f"judge usage ({role}): {u}")
            return outcome

    return asyncio.run(go())


def _count_calls(sessions: list[Session], rubrics: list[Rubric]) -> int:
    total = 0
    for s in judgeable(sessions):
        for r in rubrics:
            units = (
                sum(t.speaker.value == "counselor" for t in s.turns)
                if r.unit == "reply"
                else len(r.phases)
            )
            total += units * len(r.items)
    return total
