"""`theralab report`: regenerate a run's HTML report from its directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from theralab.cli._common import check_output, console, global_options, user_errors
from theralab.dialogue.transcripts import read_sessions
from theralab.errors import InputError, read_json_model
from theralab.evaluate.results import Results, evaluate_sessions
from theralab.report import write_report
from theralab.rundir import RunDir
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
        rd = RunDir(run)
        target = g.out_for(out, rd.report)
        if target.is_dir():
            target = target / RunDir.REPORT
        check_output(target)
        if not run.is_dir():
            raise InputError("not a run directory", source=str(run))
        sessions = read_sessions(rd.transcripts)
        results_path = rd.results
        if results_path.exists():
            results = read_json_model(results_path, Results, "results file")
        else:
            results = evaluate_sessions(sessions)
            write_results(results_path, results)
        pairwise = None
        if rd.compare.exists():
            pairwise = json.loads(rd.compare.read_text(encoding="utf-8"))
        record = rd.read_record()
        config = record.config if record is not None else None
        if config is None and rd.config.exists():  # runs recorded before run.json held it
            config = json.loads(rd.config.read_text(encoding="utf-8"))
        path = write_report(
            target,
            results,
            sessions,
            title=f"TheraLab run {run.name}",
            config=config,
            pairwise=pairwise,
            status=(record.status, record.message) if record is not None else None,
        )
    console.print(f"report → [bold]{path}[/bold]")
