"""`theralab compare`: pairwise judging of counselors, both orders, into a rating leaderboard."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from theralab.cli._common import (
    ProgressOption,
    SeedOption,
    check_output,
    console,
    count_progress,
    err_console,
    fail,
    global_options,
    split_list,
    titled_table,
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
from theralab.dialogue.records import Session, StopReason
from theralab.dialogue.transcripts import atomic_write_text, read_sessions
from theralab.errors import BadValue
from theralab.evaluate.compare import compare_pairs, make_pairs, pairwise_warnings, summarise
from theralab.rundir import RunDir
from theralab.runs import DEFAULT_SEED

COMPARE_FILE = RunDir.COMPARE


def transcripts_of(path: Path) -> Path:
    return RunDir.transcripts_of(path)


def compare(
    ctx: typer.Context,
    runs: Annotated[
        list[Path],
        typer.Argument(
            help="Run directories or transcript files. One run compares its counselors with "
            "each other; several runs compare every counselor of every run."
        ),
    ],
    judge: JudgeOption = None,
    rubric: Annotated[
        str,
        typer.Option(help="Rubric whose items are the comparison's principles."),
    ] = "preference",
    max_pairs: Annotated[
        int | None, typer.Option(min=1, help="Judge at most this many pairs (the first ones).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help=f"Folder for {COMPARE_FILE}. Default: the first run's folder."),
    ] = None,
    base_url: BaseUrlOption = None,
    max_connections: MaxConnectionsOption = 8,
    no_cache: NoCacheOption = False,
    cost_limit: CostLimitOption = None,
    timeout: ModelTimeoutOption = None,
    max_retries: MaxRetriesOption = None,
    seed: SeedOption = None,
    progress: ProgressOption = True,
) -> None:
    """Compare counselors head to head: sessions with the same client are judged in both
    orders (position bias cancels: a win needs both orders), and the verdicts become a
    Bradley–Terry leaderboard on the Elo scale with bootstrap confidence intervals.

    `theralab report RUN` shows the result beside the run's other evaluations. Exit 1 when no
    pair could be scored (the file is written all the same, with each pair's reason).
    """
    g = global_options(ctx)
    if not judge:
        raise fail("compare needs a judge: --judge SPEC (e.g. openai/gpt-4o)")
    run_seed = g.seed_for(seed, DEFAULT_SEED)
    first = runs[0]
    folder = g.out_for(out, first if first.is_dir() else first.parent)
    with user_errors():
        check_output(folder, folder=True)
        groups: list[tuple[str, list[Session]]] = []
        for r in runs:
            path = transcripts_of(r)
            groups.append((r.name if r.is_dir() else r.stem, read_sessions(path)))
        counselors = {(label, s.counselor.name) for label, sessions in groups for s in sessions}
        names = [c for _, c in counselors]
        label_runs = len(runs) > 1 and len(names) != len(set(names))
        pairs = make_pairs(groups, label_runs)
        failed = sum(s.stop_reason is StopReason.ERROR for _, ss in groups for s in ss)
        if failed:
            err_console.print(
                f"note: {failed} failed session(s) left out of the pairs (not a counselor's "
                "work: never judged, never ranked)",
                highlight=False,
            )
        if max_pairs is not None:
            pairs = pairs[:max_pairs]
        if not pairs:
            raise BadValue(
                "no pairs to compare: the runs need finished (not failed) sessions of two or "
                "more counselors with the same client profiles"
            )
        judges = JudgeSettings(
            split_list(judge),
            base_url,
            max_connections,
            no_cache,
            cost_limit,
            timeout=timeout,
            max_retries=max_retries,
        )
        summary = _run(pairs, judges, rubric=rubric, seed=run_seed, progress=progress)
        summary["runs"] = [str(r) for r in runs]
        summary["rubric"] = rubric
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / COMPARE_FILE, json.dumps(summary, indent=2) + "\n")
    console.print(pairwise_table(summary))
    for warning in pairwise_warnings(summary):
        err_console.print(f"[bold red]warning: {escape(warning)}[/bold red]", highlight=False)
    console.print(f"\n{summary['pairs']} pairs → [bold]{folder / COMPARE_FILE}[/bold]")
    if not summary["scored"]:  # no verdict: the comparison the command was asked for failed
        causes = [c["reason"] for c in summary["comparisons"] if c.get("reason")]
        cause = causes[0] if causes else "no usable verdict in either order"
        raise fail(f"the judge scored none of the {summary['pairs']} pair(s): {cause}", code=1)


def _run(
    pairs: list[Any], judges: JudgeSettings, *, rubric: str, seed: int, progress: bool
) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        async with judge_panel(judges) as (models, _usage):
            with count_progress("comparing", "pairs", progress) as (start, advance):
                start(len(pairs) * len(models))
                comparisons = await compare_pairs(
                    pairs, models, rubric=rubric, seed=seed, on_done=advance
                )
        return summarise(comparisons, seed=seed)

    return asyncio.run(go())


def pairwise_table(summary: dict[str, Any]) -> Table:
    consistency = summary.get("position_consistency")
    table = titled_table(
        "Pairwise leaderboard — Bradley–Terry rating (Elo scale) [95% bootstrap CI]",
        caption=(
            f"{summary['scored']} of {summary['pairs']} pairs scored ({summary['unscored']} "
            "unscored); judge agreed with itself across orders in "
            + ("—" if consistency is None else f"{consistency:.0%}")
            + " of pairs; a win needs both orders"
        ),
        caption_justify="left",
    )
    for col in ("#", "counselor", "rating", "95% CI", "W", "L", "T", "online Elo"):
        table.add_column(col, justify="left" if col == "counselor" else "right")
    undefined = bool(summary.get("interval_undefined"))
    for i, r in enumerate(summary["leaderboard"], start=1):
        table.add_row(
            "—" if undefined else str(i),
            r["player"],
            f"{r['rating']:.0f}",
            (
                "undefined"
                if r.get("low") is None or r.get("high") is None
                else f"[{r['low']:.0f}, {r['high']:.0f}]"
            ),
            f"{r['wins']:g}",
            f"{r['losses']:g}",
            str(r["ties"]),
            f"{r['elo']:.0f}",
        )
    return table
