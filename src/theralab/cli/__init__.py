"""The `theralab` command.

Each subcommand's module is imported only when that subcommand runs: `theralab screen` loads the
screener, not the simulator, the report or the server. `app` (the whole command, every
subcommand registered) is built on first use, for `--help`, an unknown command and tests.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from theralab.cli._common import GlobalOptions, set_debug
from theralab.version import __version__

# subcommand → (module under theralab.cli, attribute, a Typer of its own); `--help` lists them in
# this order
_COMMANDS: dict[str, tuple[str, str, bool]] = {
    "run": ("run", "run", False),
    "simulate": ("simulate", "simulate", False),
    "evaluate": ("evaluate", "evaluate", False),
    "compare": ("compare", "compare", False),
    "report": ("report", "report", False),
    "show": ("show", "show", False),
    "screen": ("safety", "screen", False),
    "reply": ("safety", "reply", False),
    "redteam": ("safety", "redteam", False),
    "check": ("check", "check", False),
    "gate": ("gate", "gate", False),
    "doctor": ("doctor", "doctor", False),
    "profiles": ("profiles", "app", True),
    "annotate": ("annotate", "app", True),
    "coder": ("coder", "app", True),
    "synth": ("synth", "app", True),
    "rubrics": ("rubrics", "app", True),
    "measures": ("measures", "app", True),
    "export": ("synth", "export", False),
    "serve": ("serve", "serve", False),
    "keys": ("serve", "keys_app", True),
    "guard": ("guard", "guard", False),
    "bench": ("bench", "app", True),
}

# the root's options that take a value (the subcommand is the first word after the options)
_ROOT_VALUED = ("--seed", "--out")

HELP = (
    "Simulate, evaluate and compare counselor agents against simulated clients — offline "
    "by default, with a deterministic scripted engine and offline coders.\n\n"
    "Start with `theralab run`: every built-in counselor counsels the same panel of "
    "simulated clients, and you get a leaderboard and an HTML report."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"theralab {__version__}")
        raise typer.Exit()


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


def make_app(only: str | None = None) -> typer.Typer:
    """The `theralab` command with every subcommand, or with `only` that one (the others'
    modules are not imported)."""
    built = typer.Typer(
        name="theralab",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="markdown",
        pretty_exceptions_show_locals=False,
    )
    built.callback()(root)
    for name, (module, attribute, group) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"theralab.cli.{module}"), attribute)
        if group:
            built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    return built


def subcommand_named(args: Sequence[str]) -> str | None:
    """The subcommand `args` (the command line after `theralab`) runs, when it is one of
    ours; None for none (`--help`, `--version`) or an unknown word."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _ROOT_VALUED:
            skip = True
        elif arg.startswith("-"):
            continue  # a flag, or --seed=3
        else:
            return arg if arg in _COMMANDS else None
    return None


def main() -> None:
    make_app(only=subcommand_named(sys.argv[1:]))()


def __getattr__(name: str) -> Any:
    if name == "app":
        built = make_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module 'theralab.cli' has no attribute {name!r}")


__all__ = ["app", "main", "make_app", "subcommand_named"]
