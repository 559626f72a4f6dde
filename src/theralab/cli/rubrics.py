"""`theralab rubrics list | show`: the rubrics an LLM judge can score."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from theralab.cli._common import console, user_errors
from theralab.rubrics import builtin_rubrics, get_rubric

app = typer.Typer(
    help="Rubrics for LLM judges: the built-in ones, or check your own YAML file.",
    no_args_is_help=True,
)


@app.command("list")
def list_rubrics() -> None:
    """The built-in rubrics with their version, unit, scale and size."""
    table = Table(header_style="bold")
    for col in ("id", "version", "name", "unit", "scale", "items", "groups"):
        table.add_column(col)
    for r in builtin_rubrics().values():
        table.add_row(
            r.id,
            str(r.version),
            r.name,
            r.unit + (f" × {'/'.join(r.phases)}" if r.phases != ["session"] else ""),
            f"{r.scale.min}–{r.scale.max}",
            str(len(r.items)),
            ", ".join(r.groups),
        )
    console.print(table)
    console.print("Use: theralab evaluate RUN --judge SPEC --rubric ID[,ID…] (or a .yaml file)")


@app.command("show")
def show(
    rubric: Annotated[str, typer.Argument(help="A built-in rubric id, or a rubric YAML file.")],
) -> None:
    """A rubric's items, scales, reverse-scored items and metric keys (validates a file)."""
    with user_errors():
        r = get_rubric(rubric)
    console.print(f"[bold]{r.name}[/bold] ({r.tag}) — {r.source}")
    console.print(r.description.strip())
    table = Table(header_style="bold")
    for col in ("item", "scale", "group", "question"):
        table.add_column(col)
    for item in r.items:
        scale = r.scale_of(item)
        flags = " (reversed)" if item.reverse else ""
        flags += " (n/a allowed)" if item.allow_na else ""
        table.add_row(
            item.id + flags, f"{scale.min}–{scale.max}", item.subscale or "", item.question
        )
    console.print(table)
    console.print("metric keys: " + ", ".join(r.metric_keys()[: 6 + len(r.groups)]) + " …")
