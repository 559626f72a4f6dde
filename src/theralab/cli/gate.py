"""`theralab gate`: fail a CI build when a run or red-team result misses its thresholds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from theralab.cli._common import (
    check_output,
    console,
    err_console,
    fail,
    titled_table,
    user_errors,
)
from theralab.dialogue.transcripts import atomic_write_text
from theralab.evaluate.gate import (
    GateReport,
    GateResult,
    evaluate_gate,
    junit,
    load_gate,
    load_result,
    markdown,
)

_STYLE = {"pass": "green", "fail": "bold red", "skip": "dim"}


def gate(
    gate_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="GATE.yaml", help="Checks: metric, min / max / no_worse_than_baseline."
        ),
    ] = None,
    result: Annotated[
        Path | None,
        typer.Argument(
            metavar="RESULT",
            help="A run directory (or its results.json) or a red-team redteam.json.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="A result of the same kind to compare with (no_worse_than_baseline)."),
    ] = None,
    junit_file: Annotated[
        Path | None,
        typer.Option("--junit", help="Write JUnit XML: one testcase per check × counselor."),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(help="Write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY)."),
    ] = None,
    list_metrics: Annotated[
        Path | None,
        typer.Option(
            "--list-metrics", metavar="RESULT", help="List the metric names a result has; exit."
        ),
    ] = None,
) -> None:
    """Check a run or red-team result against thresholds in GATE.yaml.

    Exit 0 when every check passes, 1 when any fails (a metric missing from the result fails),
    2 for a malformed gate file, an unknown metric or counselor, or an unreadable result."""
    if list_metrics is not None:
        with user_errors():
            found = load_result(list_metrics)
        _print_metrics(found)
        return
    if gate_file is None or result is None:
        raise fail("give GATE.yaml and RESULT (or --list-metrics RESULT)")
    with user_errors():
        check_output(junit_file)
        check_output(summary)
        checks = load_gate(gate_file)
        current = load_result(result)
        base = load_result(baseline) if baseline is not None else None
        report = evaluate_gate(checks, current, base)
    _print_table(report)
    text = markdown(report)
    if summary is not None:
        atomic_write_text(summary, text)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if junit_file is not None:
        atomic_write_text(junit_file, junit(report))
    failed = report.failed
    if failed:
        ran = sum(o.status != "skip" for o in report.outcomes)
        # the names as they are: `[llm:cbt]` is a counselor, not rich markup
        names = ", ".join(sorted({f"{o.check.metric} [{o.counselor}]" for o in failed}))
        err_console.print(
            f"[bold red]gate failed:[/bold red] {len(failed)} of {ran} check(s): {escape(names)}",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )
        raise typer.Exit(1)
    console.print("[green]gate passed[/green]", highlight=False)


def _print_table(report: GateReport) -> None:
    table = titled_table(f"Gate {report.gate.source} on {report.result.source}")
    for col, justify in (
        ("check", "left"),
        ("counselor", "left"),
        ("value", "right"),
        ("threshold", "left"),
        ("baseline", "right"),
        ("result", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for o in report.outcomes:
        table.add_row(
            o.check.label,
            o.counselor,
            "—" if o.value is None else f"{o.value:.4g}",
            o.threshold,
            "" if o.baseline is None else f"{o.baseline:.4g}",
            f"[{_STYLE[o.status]}]{o.status}[/]"
            + (f" — {'; '.join(o.reasons)}" if o.reasons else ""),
        )
    console.print(table)


def _print_metrics(found: GateResult) -> None:
    names = ", ".join(found.counselors)
    table = titled_table(f"Metrics in {found.source} ({found.kind}; counselors: {names})")
    table.add_column("metric")
    table.add_column("better")
    table.add_column("description")
    for name in found.metric_names():
        key = name.partition(".")[2]
        better = {True: "higher", False: "lower", None: ""}[found.direction(key)]
        table.add_row(name, better, found.descriptions.get(key, ""))
    console.print(table)
