"""`theralab report`: regenerate a run's HTML report from its directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from theralab.cli._common import console, global_options, user_errors
from theralab.cli.compare import COMPARE_FILE
from theralab.dialogue.transcripts import read_sessions
from theralab.evaluate.results import Results, evaluate_sessions
from theralab.report import write_report
from theralab.runs import write_results


def report(
    ctx: typer.Context,
    run: Annotated[Path, typer.Argument(help="A run directory (with transcripts.jsonl).")],
    out: Annotated[
        Path | None, typer.Option(help="Where to write the report. Default: RUN/report.html.")
    ] = None,
) -> None:
    """Rebuild report.html from a run directory: its transcripts, its results.json (offline
    evaluation is redone when it is missing) and, when present, compare.json from
    `theralab compare` and the judged rubrics from `theralab evaluate --judge`."""
    g = global_options(ctx)
    with user_errors():
        target = g.out_for(out, run / "report.html")
        if target.is_dir():
            target = target / "report.html"
        if not run.is_dir():
            raise ValueError(f"{run}: not a run directory")
        sessions = read_sessions(run / "transcripts.jsonl")
        results_path = run / "results.json"
        if results_path.exists():
            try:
                results = Results.model_validate_json(results_path.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise ValueError(f"{results_path}: not a TheraLab results file ({exc})") from exc
        else:
            results = evaluate_sessions(sessions)
            write_results(results_path, results)
        pairwise = None
        if (run / COMPARE_FILE).exists():
            pairwise = json.loads((run / COMPARE_FILE).read_text(encoding="utf-8"))
        config = None
        if (run / "config.json").exists():
            config = json.loads((run / "config.json").read_text(encoding="utf-8"))
        path = write_report(
            target,
            results,
            sessions,
            title=f"TheraLab run {run.name}",
            config=config,
            pairwise=pairwise,
        )
    console.print(f"report → [bold]{path}[/bold]")
