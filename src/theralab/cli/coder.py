"""`theralab coder train|info`: train the offline coders' heads and show their figures."""

from __future__ import annotations

import json
from enum import StrEnum
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from theralab.cli._common import (
    check_output,
    console,
    err_console,
    fail,
    phase_progress,
    user_errors,
)
from theralab.safety.semantic import INSTALL_HINT, semantic_available

app = typer.Typer(
    help=(
        "The trained offline coders: `train` fits their heads on the research corpora "
        "(AnnoMI for MI codes, EPITOME for empathy), `info` shows what the installed heads "
        "were trained on and their held-out figures."
    ),
    no_args_is_help=True,
)


class Which(StrEnum):
    mi = "mi"
    empathy = "empathy"


def _files(which: Which, out: Path | None) -> Path:
    """The heads' path without suffix: in `out` if given, else the package's own."""
    from theralab.coding import empathy, mi_coder

    if which is Which.mi:
        name, default = mi_coder.MI_HEADS, mi_coder.heads_path()
    else:
        name, default = empathy.EMPATHY_HEADS, empathy.heads_path()
    return out / name if out is not None else default


@app.command("train")
def train(
    which: Annotated[
        Which, typer.Argument(help="mi (AnnoMI, ESConv, MI-Welivita) or empathy (EPITOME).")
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            help="The shared data folder holding annomi/ and epitome/. Default: "
            "$THERALAB_SHARED_DATA, else shared/data beside the checkout."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder to write the heads to. Default: the package's own "
            "(theralab/coding/data/), which the coders load."
        ),
    ] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bars.")] = False,
    fine_tune: Annotated[
        bool,
        typer.Option(
            "--fine-tune/--no-fine-tune",
            help="mi: first fine-tune the encoder's top layers on the counselor behaviour "
            "labels (written beside the heads, about 10 minutes on 2 cores; the shipped "
            "recipe), or read the published encoder's vectors. Ignored for empathy.",
        ),
    ] = True,
    reuse_layers: Annotated[
        bool,
        typer.Option(
            "--reuse-layers",
            help="mi: keep fine-tuned encoder layers already beside the heads (the same data "
            "gives the same layers) and train only the heads.",
        ),
    ] = False,
) -> None:
    """Train a coder's heads and write them (.npz weights + .json metadata; for mi also the
    fine-tuned encoder layers, `mi_heads_encoder.npz`).

    Deterministic: a fixed split by conversation (20% held out), regularisation chosen by
    grouped 5-fold cross-validation on the rest, heads refitted on the rest; the held-out
    figures are computed once and stored in the metadata. Takes a few minutes on a CPU
    (embedding the corpus with all-MiniLM-L6-v2 is most of it).
    """
    if not semantic_available() or find_spec("sklearn") is None:
        raise fail(INSTALL_HINT)
    from theralab.coding.corpora import shared_data_dir
    from theralab.coding.train import train_empathy, train_mi

    base = data or shared_data_dir()
    if not base.is_dir():
        raise fail(
            f"no shared data folder at {base}; give --data or set $THERALAB_SHARED_DATA "
            "to the folder that holds annomi/ and epitome/"
        )
    with user_errors():
        check_output(out, folder=True)
    target = _files(which, out)
    with user_errors(), phase_progress(not no_progress) as update:
        if which is Which.mi:
            meta = train_mi(base, target, update, fine_tune=fine_tune, reuse_layers=reuse_layers)
        else:
            meta = train_empathy(base, target, update)
    _print_figures(meta)
    err_console.print(f"wrote {target.with_suffix('.npz')} and {target.with_suffix('.json')}")


@app.command("info")
def info(
    which: Annotated[Which, typer.Argument(help="mi or empathy.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the metadata as JSON.")] = False,
) -> None:
    """Show what the installed heads were trained on and how well they do on held-out data."""
    path = _files(which, None).with_suffix(".json")
    if not path.is_file():
        raise fail(f"no {which.value} heads at {path}; train them with `theralab coder train`")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if as_json:
        console.print_json(data=meta)
        return
    console.print(f"[bold]{meta.get('name')}[/bold]: {meta.get('model')}")
    console.print(f"vectors: {meta.get('encoder', 'unrecorded')}")
    console.print(f"classifier: {meta.get('classifier')}")
    console.print(f"split: {meta.get('training_data', {}).get('split')}")
    _print_figures(meta)


def _print_figures(meta: dict[str, Any]) -> None:
    held = meta.get("heldout", {})
    table = Table(title="held-out figures", header_style="bold")
    for col in ("task", "n", "macro-F1", "accuracy", "per-class F1"):
        table.add_column(col)
    for task, figures in held.items():
        rows = figures.items() if task == "subtypes_given_gold_behaviour" else [(task, figures)]
        for name, f in rows:
            if not isinstance(f, dict) or "macro_f1" not in f:
                continue
            per = ", ".join(f"{k} {v:.2f}" for k, v in f["per_class_f1"].items())
            table.add_row(name, str(f["n"]), f"{f['macro_f1']:.3f}", f"{f['accuracy']:.3f}", per)
    console.print(table)
