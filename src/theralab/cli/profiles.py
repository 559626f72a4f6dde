"""`theralab profiles`: list, show and validate client profiles."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape
from rich.table import Table

from theralab.cli._common import console, err_console, fail, user_errors
from theralab.errors import InputError
from theralab.profiles.library import builtin_profiles, get_profile, load_profile

app = typer.Typer(help="List, show and validate simulated-client profiles.", no_args_is_help=True)


@app.command("list")
def list_profiles(
    problem: Annotated[str | None, typer.Option(help="Only this presenting problem.")] = None,
    style: Annotated[str | None, typer.Option(help="Only this conversational style.")] = None,
    attitude: Annotated[str | None, typer.Option(help="Only this attitude.")] = None,
    stage: Annotated[str | None, typer.Option(help="Only this stage of change.")] = None,
    condition: Annotated[
        str | None,
        typer.Option(
            help="Only profiles with this clinical condition (psychosis, mania, "
            "eating_disorder, ocd, ptsd, substance), or 'any' / 'none'."
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="One JSON object a line (the table's fields) instead of the table, for "
            "scripts: `theralab profiles list --json | jq -r .id`.",
        ),
    ] = False,
) -> None:
    """List the built-in profiles (the condition column marks the clinical-condition profiles,
    which default panels leave out). Ids are shown whole (other columns wrap): they are what
    `--profiles` takes."""
    rows: list[dict[str, Any]] = []
    for p in builtin_profiles(include_conditions=True):
        kind = p.condition.kind.value if p.condition is not None else None
        if (
            (problem and p.presenting_problem != problem)
            or (style and p.style != style)
            or (attitude and p.attitude != attitude)
            or (stage and p.stage != stage)
            or (condition and not _condition_matches(condition, kind))
        ):
            continue
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "age": p.demographics.age,
                "problem": p.presenting_problem,
                "style": p.style.value,
                "attitude": p.attitude.value,
                "stage": p.stage.value,
                "receptivity": p.receptivity,
                "distress": p.baseline_distress,
                "condition": kind,
            }
        )
    if as_json:
        sys.stdout.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        return
    table = Table(header_style="bold")
    widest = max((len(r["id"]) for r in rows), default=2)
    table.add_column("id", no_wrap=True, min_width=widest)  # never cut: `-p` needs it whole
    # the other columns, in the rows' order, wrap when the width runs short
    headers = ("name", "age", "problem", "style", "attitude", "stage", "recept.", "distress")
    for header in (*headers, "condition"):
        table.add_column(header, overflow="fold")
    for r in rows:
        table.add_row(*(escape(str(v)) if v is not None else "-" for v in r.values()))
    console.print(table)
    console.print(f"{len(rows)} profiles")


def _condition_matches(wanted: str, kind: str | None) -> bool:
    if wanted == "any":
        return kind is not None
    if wanted == "none":
        return kind is None
    return kind == wanted


@app.command("show")
def show_profile(
    profile: Annotated[str, typer.Argument(help="A built-in profile id or a profile file.")],
) -> None:
    """Print a profile as YAML."""
    with user_errors():
        path = Path(profile)
        p = (
            load_profile(path)
            if path.suffix in {".yaml", ".yml", ".json"}
            else get_profile(profile)
        )
    console.print(
        yaml.safe_dump(p.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100),
        highlight=False,
        markup=False,
    )


@app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Profile files or folders of them.")],
) -> None:
    """Check profile files against the schema; every problem names its file, line and field."""
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.y*ml")) if p.is_dir() else [p])
    if not files:
        raise fail("no profile files found")
    bad = 0
    with user_errors():
        for f in files:
            try:
                prof = load_profile(f)
            except InputError as exc:
                bad += 1
                err_console.print(f"[red]✗[/red] {exc}", highlight=False)
            else:
                console.print(f"[green]✓[/green] {f} ({prof.id})", highlight=False)
    if bad:
        raise fail(f"{bad} of {len(files)} profile(s) invalid", code=1)
