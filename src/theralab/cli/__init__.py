"""The `theralab` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from theralab.cli import annotate as _annotate
from theralab.cli import bench as _bench
from theralab.cli import check as _check
from theralab.cli import coder as _coder
from theralab.cli import compare as _compare
from theralab.cli import doctor as _doctor
from theralab.cli import evaluate as _evaluate
from theralab.cli import gate as _gate
from theralab.cli import guard as _guard
from theralab.cli import measures as _measures
from theralab.cli import profiles as _profiles
from theralab.cli import report as _report
from theralab.cli import rubrics as _rubrics
from theralab.cli import run as _run
from theralab.cli import safety as _safety
from theralab.cli import serve as _serve
from theralab.cli import show as _show
from theralab.cli import simulate as _simulate
from theralab.cli import synth as _synth
from theralab.cli._common import GlobalOptions, set_debug
from theralab.version import __version__

app = typer.Typer(
    name="theralab",
    help=(
        "Simulate, evaluate and compare counselor agents against simulated clients — offline "
        "by default, with a deterministic scripted engine and offline coders.\n\n"
        "Start with `theralab run`: every built-in counselor counsels the same panel of "
        "simulated clients, and you get a leaderboard and an HTML report."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"theralab {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    seed: Annotated[
        int | None,
        typer.Option(help="Run seed for every subcommand (a subcommand's own --seed wins)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output location for every subcommand (a subcommand's own --out wins)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show the full traceback of an error instead of one line (for bug reports).",
        ),
    ] = False,
) -> None:
    ctx.obj = GlobalOptions(seed=seed, out=out, debug=debug)
    set_debug(debug)


app.command("run")(_run.run)
app.command("simulate")(_simulate.simulate)
app.command("evaluate")(_evaluate.evaluate)
app.command("compare")(_compare.compare)
app.command("report")(_report.report)
app.command("show")(_show.show)
app.command("screen")(_safety.screen)
app.command("reply")(_safety.reply)
app.command("redteam")(_safety.redteam)
app.command("check")(_check.check)
app.command("gate")(_gate.gate)
app.command("doctor")(_doctor.doctor)
app.add_typer(_profiles.app, name="profiles")
app.add_typer(_annotate.app, name="annotate")
app.add_typer(_coder.app, name="coder")
app.add_typer(_synth.app, name="synth")
app.add_typer(_rubrics.app, name="rubrics")
app.add_typer(_measures.app, name="measures")
app.command("export")(_synth.export)
app.command("serve")(_serve.serve)
app.add_typer(_serve.keys_app, name="keys")
app.command("guard")(_guard.guard)
app.add_typer(_bench.app, name="bench")


def main() -> None:
    app()


__all__ = ["app", "main"]
