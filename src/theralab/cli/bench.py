"""`theralab bench distortions` and `theralab bench core-beliefs`: CBT-Bench-style
classification tasks, offline by default, or over any model bound as the `classifier` role."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from theralab.cbtbench.baseline import (
    INSTALL_HINT,
    Baseline,
    baseline_for,
    embeddings_available,
)
from theralab.cbtbench.io import Item, Prediction, dump_predictions, read_items
from theralab.cbtbench.labels import CORE_BELIEF_TASK, DISTORTION_TASK, Task
from theralab.cbtbench.llm import LLMClassifier
from theralab.cbtbench.metrics import Metrics, score
from theralab.cli._common import console, count_progress, err_console, fail, user_errors
from theralab.dialogue.transcripts import atomic_write_text
from theralab.model.api import parse_spec
from theralab.model.cache import DEFAULT_CACHE
from theralab.model.errors import MissingDependency
from theralab.model.roles import ModelRoles

ROLE = "classifier"

app = typer.Typer(
    help=(
        "CBT-Bench-style classification tasks: cognitive distortions and core beliefs.\n\n"
        'Input is JSONL, one {"id", "text", "labels"?} object per line; output is one '
        '{"id", "labels"} line per item. With gold `labels` in the input, precision / recall / '
        "F1 per label, macro-F1, exact match and a no-label line are printed.\n\n"
        "Offline by default (an embedding baseline; needs the `semantic` extra); "
        "`--model-role classifier=SPEC` classifies with a model instead."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

InputArg = Annotated[
    str,
    typer.Argument(
        help='JSONL file of {"id", "text", "labels": [optional gold]} objects, or "-" for '
        "standard input.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the predictions (JSONL) here. Without it they go to standard output when "
        "the input has no gold labels; with gold labels the metrics are printed instead.",
    ),
]
JsonOpt = Annotated[
    bool,
    typer.Option("--json", help="Print the metrics as JSON (needs gold labels in the input)."),
]
ModelRoleOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model-role",
        help="classifier=SPEC: classify with a model, e.g. classifier=openai/gpt-4o-mini, "
        "classifier=vllm/Qwen2.5-7B-Instruct, classifier=local. Default: the offline baseline.",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL or provider's)."),
]
MaxConnOpt = Annotated[int, typer.Option(min=1, help="Model requests in flight per server.")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the response cache.")
]
ProgressOpt = Annotated[bool, typer.Option(help="Show a progress bar.")]


def classifier_spec(model_role: list[str] | None) -> str | None:
    """The spec bound to `classifier`, or None; the benchmark has no other role."""
    spec: str | None = None
    for item in model_role or []:
        role, sep, value = item.partition("=")
        role, value = role.strip(), value.strip()
        if not sep or not role or not value:
            raise ValueError(
                f"--model-role takes ROLE=SPEC, e.g. {ROLE}=openai/gpt-4o-mini; got {item!r}"
            )
        if role != ROLE:
            raise ValueError(f"unknown role {role!r}: the benchmark has one role, {ROLE}")
        parse_spec(value)
        spec = value
    return spec


@contextmanager
def item_progress(enabled: bool, total: int) -> Iterator[Callable[[int], None]]:
    with count_progress("classifying", "items", enabled) as (start, advance):
        start(total)
        yield advance


def _offline(task: Task, items: list[Item], progress: bool) -> tuple[list[Prediction], Baseline]:
    if os.environ.get("THERALAB_SEMANTIC", "1") == "0":
        raise fail(
            "the offline baseline is turned off (THERALAB_SEMANTIC=0); unset it, or classify "
            f"with a model: --model-role {ROLE}=SPEC"
        )
    if not embeddings_available():
        raise fail(f"{INSTALL_HINT} (or classify with a model: --model-role {ROLE}=SPEC)")
    baseline = baseline_for(task)
    try:
        with item_progress(progress, len(items)) as advance:
            labels = baseline.predict([i.text for i in items], advance)
    except MissingDependency as exc:
        raise fail(str(exc)) from None
    return [Prediction(i.id, tuple(ls)) for i, ls in zip(items, labels, strict=True)], baseline


def _with_model(
    task: Task,
    items: list[Item],
    spec: str,
    base_url: str | None,
    max_connections: int,
    no_cache: bool,
    progress: bool,
) -> tuple[list[Prediction], LLMClassifier, dict[str, Any]]:
    roles = ModelRoles(
        specs={ROLE: spec},
        base_url=base_url,
        max_connections=max_connections,
        cache_path=None if no_cache else DEFAULT_CACHE,
    )

    try:
        with user_errors():
            classifier = LLMClassifier(roles.model(ROLE), task)
    except MissingDependency as exc:
        raise fail(str(exc)) from None

    async def go(advance: Callable[[int], None]) -> list[Prediction]:
        try:
            return await classifier.classify_all(items, lambda _: advance(1))
        finally:
            await roles.aclose()

    with item_progress(progress, len(items)) as advance:
        predictions = asyncio.run(go(advance))
    return predictions, classifier, roles.usage.summary()


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_metrics(metrics: Metrics, task: Task, classifier: str) -> None:
    table = Table(title=f"{task.name}: {classifier}", title_justify="left", header_style="bold")
    for col in ("label", "precision", "recall", "F1", "gold", "predicted"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for s in metrics.per_label:
        table.add_row(
            s.label,
            _fmt(s.precision),
            _fmt(s.recall),
            _fmt(s.f1),
            str(s.support),
            str(s.predicted),
        )
    n = metrics.none
    table.add_section()
    table.add_row(
        f"({n.label})",
        _fmt(n.precision),
        _fmt(n.recall),
        _fmt(n.f1),
        str(n.support),
        str(n.predicted),
    )
    console.print(table)
    console.print(
        f"macro-F1 [bold]{_fmt(metrics.macro_f1)}[/bold] over {len(task.labels)} labels · "
        f"exact match [bold]{_fmt(metrics.exact_match)}[/bold] · weighted F1 "
        f"{_fmt(metrics.weighted_f1)} · {metrics.scored} scored, {metrics.unscored} unscored "
        f"of {metrics.labelled} labelled items",
        highlight=False,
    )


def run_task(
    task: Task,
    input: str,
    output: Path | None,
    as_json: bool,
    model_role: list[str] | None,
    base_url: str | None,
    max_connections: int,
    no_cache: bool,
    progress: bool,
) -> None:
    with user_errors():
        spec = classifier_spec(model_role)
        items = read_items(input, task)
    labelled = any(i.gold is not None for i in items)
    if as_json and not labelled:
        raise fail("--json prints metrics, but no input line has gold `labels` to score against")
    usage: dict[str, Any] | None = None
    if spec is None:
        predictions, classifier = _offline(task, items, progress)
    else:
        predictions, classifier, usage = _with_model(
            task, items, spec, base_url, max_connections, no_cache, progress
        )
    text = dump_predictions(predictions)
    if output is not None:
        atomic_write_text(output, text)
    elif not labelled:
        sys.stdout.write(text)
    unscored = [p for p in predictions if p.labels is None]
    err_console.print(f"classifier: {classifier.describe()}", highlight=False)
    if output is not None:
        err_console.print(f"{len(predictions)} predictions → {output}", highlight=False)
    for role, u in (usage or {}).items():
        err_console.print(
            f"model {role}: {u['calls']} calls ({u['cached_calls']} cached, {u['failed_calls']} "
            f"failed), {u['input_tokens']}+{u['output_tokens']} tokens, ${u['dollars']:.4f}",
            highlight=False,
        )
    if unscored:
        err_console.print(
            f"[yellow]{len(unscored)} of {len(predictions)} answers unscored (not counted as "
            f"'{task.none_name}'); first: {unscored[0].unscored}[/yellow]",
            highlight=False,
        )
    if labelled:
        metrics = score(
            [set(i.gold) if i.gold is not None else None for i in items],
            [set(p.labels) if p.labels is not None else None for p in predictions],
            task,
        )
        if as_json:
            payload = {
                **metrics.to_dict(),
                "classifier": classifier.describe(),
                "validation": getattr(classifier, "validation", None),
                "usage": usage,
            }
            sys.stdout.write(json.dumps(payload, indent=1) + "\n")
        else:
            print_metrics(metrics, task, classifier.name)
            if output is None:
                err_console.print("add -o FILE to keep the predictions", highlight=False)
    if unscored and len(unscored) == len(predictions):
        raise fail(f"every answer was unscored; first: {unscored[0].unscored}", code=1)


@app.command("distortions")
def distortions(
    input: InputArg,
    output: OutputOpt = None,
    as_json: JsonOpt = False,
    model_role: ModelRoleOpt = None,
    base_url: BaseUrlOpt = None,
    max_connections: MaxConnOpt = 8,
    no_cache: NoCacheOpt = False,
    progress: ProgressOpt = True,
) -> None:
    """Label cognitive distortions (CBT-Bench's CBT-CD task).

    Labels: all-or-nothing thinking, overgeneralization, mental filter, magnification, mind
    reading, fortune-telling, emotional reasoning, should statements, labeling,
    personalization; an empty list means no distortion. A model answer that cannot be parsed,
    or a refusal, is reported as unscored — never as "no distortion".

    The offline baseline is a small head trained on patients' questions to therapists
    (Shreevastava & Foltz 2021); its held-out figures are printed beside its predictions.
    Short single thoughts are outside its domain (it mostly answers "no distortion" there):
    bind a model for those.
    """
    run_task(
        DISTORTION_TASK,
        input,
        output,
        as_json,
        model_role,
        base_url,
        max_connections,
        no_cache,
        progress,
    )


@app.command("core-beliefs")
def core_beliefs(
    input: InputArg,
    output: OutputOpt = None,
    as_json: JsonOpt = False,
    model_role: ModelRoleOpt = None,
    base_url: BaseUrlOpt = None,
    max_connections: MaxConnOpt = 8,
    no_cache: NoCacheOpt = False,
    progress: ProgressOpt = True,
) -> None:
    """Label core-belief categories (CBT-Bench's CBT-PC task): helpless, unlovable,
    worthless; an empty list means none. The offline baseline is zero-shot (prototype
    statements, threshold calibrated on the built-in profile library)."""
    run_task(
        CORE_BELIEF_TASK,
        input,
        output,
        as_json,
        model_role,
        base_url,
        max_connections,
        no_cache,
        progress,
    )
