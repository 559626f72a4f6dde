"""`theralab measures list | show`: the standard measures simulated clients answer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from theralab.cli._common import console, user_errors
from theralab.measures import Instrument, builtin_instruments, get_instrument

app = typer.Typer(
    help="Standard measures (PHQ-9, GAD-7, screening checks): the built-in ones, or check "
    "your own YAML file.",
    no_args_is_help=True,
)


def _bands(m: Instrument) -> str:
    return ", ".join(f"{b.min}–{b.max} {b.label}" for b in m.bands)


@app.command("list")
def list_measures() -> None:
    """The built-in measures with their kind, size, range, cut-off and reliable change."""
    table = Table(header_style="bold")
    for col in ("id", "version", "name", "kind", "items", "range", "cut-off", "reliable change"):
        table.add_column(col)
    for m in builtin_instruments().values():
        lo, hi = m.total_range
        rc = m.reliable_change
        threshold = rc.threshold if rc.threshold is not None else rc.computed_threshold
        table.add_row(
            m.id,
            str(m.version),
            escape(m.name),
            m.kind.replace("_", " "),
            str(len(m.items)),
            f"{lo}–{hi}",
            f"≥ {m.cutoff}",
            f"{threshold:.3g} pts",
        )
    console.print(table)
    console.print("Show one: theralab measures show ID (or a .yaml file to check it)")


@app.command("show")
def show(
    measure: Annotated[str, typer.Argument(help="A built-in measure id, or a measure YAML file.")],
) -> None:
    """A measure's items, options, scoring, bands and reliable change (validates a file)."""
    with user_errors():
        m = get_instrument(measure)
    kind = "validated instrument" if m.kind == "validated" else "screening check, NOT validated"
    console.print(f"[bold]{escape(m.name)}[/bold] ({m.tag}, {kind})", highlight=False)
    console.print(escape(m.description.strip()), highlight=False)
    console.print(f"source: {escape(m.citation.strip())}", highlight=False)
    console.print(f"licence: {escape(m.licence.strip())}", highlight=False)
    console.print(
        f"timeframe: {escape(m.timeframe)} — {escape(m.instructions.strip())}", highlight=False
    )
    console.print(
        "options: " + escape("; ".join(f"{o.score} = {o.label}" for o in m.options)),
        highlight=False,
    )
    table = Table(header_style="bold")
    for col in ("#", "item", "text", "scores", "scripted"):
        table.add_column(col)
    for n, item in enumerate(m.items, start=1):
        flags = " (reversed)" if item.reverse else ""
        scores = m.scores_of(item)
        scripted = "follows risk level" if item.driver == "risk" else f"weight {item.weight:g}"
        table.add_row(
            str(n),
            item.id + flags,
            escape(item.text.strip()),
            f"{scores[0]}–{scores[-1]}",
            scripted,
        )
    console.print(table)
    lo, hi = m.total_range
    prorate = (
        f"up to {m.scoring.max_missing} unanswered item(s) prorated"
        if m.scoring.max_missing
        else "every item must be answered"
    )
    console.print(f"scoring: sum, {lo}–{hi}; {prorate}", highlight=False)
    console.print(f"bands: {escape(_bands(m))}", highlight=False)
    cutoff = f"clinical cut-off: ≥ {m.cutoff}"
    console.print(
        cutoff + (f" — {escape(m.cutoff_source.strip())}" if m.cutoff_source else ""),
        highlight=False,
    )
    console.print(f"reliable change: {m.reliable_change.describe()}", highlight=False)
    console.print(f"  {escape(m.reliable_change.source.strip())}", highlight=False)
    console.print(
        f"scripted clients: domain {m.simulation.domain.value}, noise SD "
        f"{m.simulation.noise:g} per item",
        highlight=False,
    )
