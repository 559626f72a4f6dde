"""`theralab evaluate`: (re-)evaluate transcripts from TheraLab or any tool using its schema."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

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
    NoCacheOption,
    judge_panel,
)
from theralab.dialogue.records import SCHEMA_VERSION, Session
from theralab.dialogue.transcripts import atomic_write_text, read_sessions
from theralab.errors import InputError
from theralab.evaluate.judge import JudgeOutcome, judge_sessions
from theralab.evaluate.results import DEFAULT_RANK_BY, evaluate_sessions
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
    was asked for but scored nothing (the offline results are written all the same).
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
        rubrics = resolve_rubrics(split_list(rubric) or split_list([DEFAULT_RUBRICS]))
        if rubric and not judge:
            raise fail("rubrics are scored by LLM judges: add --judge SPEC (e.g. openai/gpt-4o)")
        judged = None
        if judge:
            judged = _judge(
                sessions,
                rubrics,
                JudgeSettings(split_list(judge), base_url, max_connections, no_cache, cost_limit),
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
        print_judging(results, console)
    console.print(f"\n{len(sessions)} sessions → [bold]{folder / 'results.json'}[/bold]")
    if judged is not None and not any(r.status == "scored" for r in judged.ratings):
        # the offline scores are written, but the judging the command was asked for failed
        causes = list(dict.fromkeys(r.reason or r.status for r in judged.ratings))
        raise fail(
            f"the judge scored nothing: {len(judged.ratings)} judge call(s), none scored"
            + (f" ({'; '.join(causes[:3])})" if causes else ""),
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
    for s in sessions:
        for r in rubrics:
            units = (
                sum(t.speaker.value == "counselor" for t in s.turns)
                if r.unit == "reply"
                else len(r.phases)
            )
            total += units * len(r.items)
    return total
