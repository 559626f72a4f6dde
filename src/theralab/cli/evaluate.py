"""`theralab evaluate`: (re-)evaluate transcripts from TheraLab or any tool using its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from theralab.cli._common import console, global_options, split_list, user_errors
from theralab.dialogue.transcripts import read_sessions
from theralab.evaluate.results import DEFAULT_RANK_BY, evaluate_sessions
from theralab.report import write_report
from theralab.report.console import print_leaderboard
from theralab.runs import write_results


def evaluate(
    ctx: typer.Context,
    transcripts: Annotated[
        Path,
        typer.Argument(
            help="Transcripts JSONL (schema v1: docs/transcript-schema.md), or a run directory."
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
            "--evaluators", "-e", help="Evaluators to run (default: all): miti, outcome, coverage."
        ),
    ] = None,
    rank_by: Annotated[
        str, typer.Option(help="Metric that orders the leaderboard.")
    ] = DEFAULT_RANK_BY,
    seed: Annotated[int | None, typer.Option(help="Seed of the bootstrap intervals.")] = None,
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
) -> None:
    """Score transcripts and write results.json (and report.html).

    A malformed line is reported with its file, line number and field.
    """
    g = global_options(ctx)
    path = transcripts / "transcripts.jsonl" if transcripts.is_dir() else transcripts
    folder = g.out_for(out, path.parent)
    with user_errors():
        sessions = read_sessions(path)
        if not sessions:
            raise ValueError(f"{path}: no sessions to evaluate")
        results = evaluate_sessions(
            sessions,
            split_list(evaluators) or None,
            rank_by,
            seed=g.seed_for(seed, 0),
        )
        folder.mkdir(parents=True, exist_ok=True)
        write_results(folder / "results.json", results)
        if report:
            write_report(
                folder / "report.html",
                results,
                sessions,
                title=f"TheraLab evaluation of {path.name}",
            )
    print_leaderboard(results, console)
    console.print(f"\n{len(sessions)} sessions → [bold]{folder / 'results.json'}[/bold]")
