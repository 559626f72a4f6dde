"""`theralab bench distortions` and `theralab bench core-beliefs`: CBT-Bench-style
classification tasks, offline by default, or over any model bound as the `classifier` role;
`theralab bench mcq`: multiple-choice knowledge exams answered by a model bound as `answerer`."""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from theralab.cbtbench.baseline import (
    INSTALL_HINT,
    DistortionBaseline,
    baseline_for,
    embeddings_available,
)
from theralab.cbtbench.io import Item, Prediction, dump_predictions, read_items
from theralab.cbtbench.labels import (
    CORE_BELIEF_FINE_TASK,
    CORE_BELIEF_TASK,
    DISTORTION_TASK,
    Task,
)
from theralab.cbtbench.llm import LLMClassifier
from theralab.cbtbench.mcq import (
    PROMPT_VERSION,
    MCQAnswerer,
    MCQScore,
    TopicScore,
    read_mcq_items,
    score_mcq,
)
from theralab.cbtbench.metrics import Metrics, score
from theralab.cli._common import (
    BaseUrlOption,
    MaxConnectionsOption,
    NoCacheOption,
    ProgressOption,
    check_output,
    console,
    count_progress,
    err_console,
    fail,
    print_usage,
    titled_table,
    user_errors,
)
from theralab.dialogue.transcripts import atomic_write_text
from theralab.errors import BadValue
from theralab.model.api import parse_spec
from theralab.model.errors import MissingDependency
from theralab.model.model import Model
from theralab.model.roles import ModelRoles, split_binding

ROLE = "classifier"
A = TypeVar("A")  # what asks the bound model: a classifier, an exam answerer
R = TypeVar("R")  # its answer to one item

app = typer.Typer(
    help=(
        "CBT-Bench-style tasks: cognitive distortions and core beliefs (classification), and "
        "multiple-choice knowledge exams (`mcq`).\n\n"
        'Classification input is JSONL, one {"id", "text", "labels"?} object per line; output '
        'is one {"id", "labels"} line per item. With gold `labels` in the input, precision / '
        "recall / F1 per label, macro-F1, exact match and a no-label line are printed. Offline "
        "by default (embedding classifiers; need the `semantic` extra); `--model-role "
        "classifier=SPEC` classifies with a model instead.\n\n"
        '`mcq` takes {"id", "topic", "question", "options", "answer"} items and a model bound '
        "as `--model-role answerer=SPEC`; see docs/cbtbench.md."
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
        "--out",
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


def role_spec(model_role: list[str] | None, only: str) -> str | None:
    """The spec bound to the command's one role `only`, or None."""
    spec: str | None = None
    for item in model_role or []:
        role, spec = split_binding(item, only)
        if role != only:
            raise BadValue(f"unknown role {role!r}: the benchmark has one role, {only}")
        parse_spec(spec)
    return spec


def classifier_spec(model_role: list[str] | None) -> str | None:
    """The spec bound to `classifier`, or None; the benchmark has no other role."""
    return role_spec(model_role, ROLE)


@contextmanager
def item_progress(label: str, enabled: bool, total: int) -> Iterator[Callable[[int], None]]:
    with count_progress(label, "items", enabled) as (start, advance):
        start(total)
        yield advance


def _offline(
    task: Task, items: list[Item], progress: bool, whole_text: bool = False
) -> tuple[list[Prediction], Any]:
    from theralab.safety.semantic import semantic_enabled

    if not semantic_enabled():
        raise fail(
            "the offline baseline is turned off (THERALAB_SEMANTIC=0); unset it, or classify "
            f"with a model: --model-role {ROLE}=SPEC"
        )
    if not embeddings_available():
        raise fail(f"{INSTALL_HINT} (or classify with a model: --model-role {ROLE}=SPEC)")
    baseline = DistortionBaseline() if whole_text else baseline_for(task)
    try:
        with item_progress("classifying", progress, len(items)) as advance:
            labels = baseline.predict([i.text for i in items], advance)
    except MissingDependency as exc:
        raise fail(str(exc)) from None
    return [Prediction(i.id, tuple(ls)) for i, ls in zip(items, labels, strict=True)], baseline


def _on_model(
    role: str,
    spec: str,
    base_url: str | None,
    max_connections: int,
    no_cache: bool,
    *,
    make: Callable[[Model], A],
    work: Callable[[A, Callable[[object], None]], Awaitable[list[R]]],
    label: str,
    total: int,
    progress: bool,
) -> tuple[list[R], A, dict[str, Any]]:
    """Bind `spec` to the command's one `role`, make what asks its model (`make`), and run
    `work` over the `total` items with a progress bar; the model's connections are closed
    afterwards. Returns the results, what made them, and the model usage."""
    roles = ModelRoles.from_options(
        {role: spec}, base_url=base_url, max_connections=max_connections, cache=not no_cache
    )
    try:
        with user_errors():
            agent = make(roles.model(role))
    except MissingDependency as exc:
        raise fail(str(exc)) from None

    async def go(advance: Callable[[int], None]) -> list[R]:
        try:
            return await work(agent, lambda _: advance(1))
        finally:
            await roles.aclose()

    with item_progress(label, progress, total) as advance:
        results = asyncio.run(go(advance))
    return results, agent, roles.usage.summary()


def _print_usage(usage: dict[str, Any]) -> None:
    print_usage(err_console, usage)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_metrics(metrics: Metrics, task: Task, classifier: str) -> None:
    table = titled_table(f"{task.name}: {classifier}")
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
    whole_text: bool = False,
) -> None:
    with user_errors():
        check_output(output)
        spec = classifier_spec(model_role)
        items = read_items(input, task)
    labelled = any(i.gold is not None for i in items)
    if as_json and not labelled:
        raise fail("--json prints metrics, but no input line has gold `labels` to score against")
    usage: dict[str, Any] | None = None
    if spec is None:
        predictions, classifier = _offline(task, items, progress, whole_text)
    else:
        predictions, classifier, usage = _on_model(
            ROLE,
            spec,
            base_url,
            max_connections,
            no_cache,
            make=lambda model: LLMClassifier(model, task),
            work=lambda c, done: c.classify_all(items, done),
            label="classifying",
            total=len(items),
            progress=progress,
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
    _print_usage(usage or {})
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


def _label_command(name: str, task: Task, doc: str, *, whole_text_baseline: bool = False) -> None:
    """A `theralab bench NAME` command that labels texts for `task` (offline or with a bound
    classifier model); the commands differ only in their task and help, and in whether they
    offer `--whole-text-baseline` (only distortions has that first offline baseline)."""

    def command(
        input: InputArg,
        output: OutputOpt = None,
        as_json: JsonOpt = False,
        model_role: ModelRoleOpt = None,
        base_url: BaseUrlOption = None,
        max_connections: MaxConnectionsOption = 8,
        no_cache: NoCacheOption = False,
        progress: ProgressOption = True,
        whole_text: Annotated[
            bool,
            typer.Option(
                "--whole-text-baseline",
                help="Use the first offline baseline (a head over the whole text's embedding) "
                "instead of the span-trained classifier.",
            ),
        ] = False,
    ) -> None:
        if whole_text and model_role:
            raise fail("--whole-text-baseline is an offline classifier: drop --model-role")
        run_task(
            task,
            input,
            output,
            as_json,
            model_role,
            base_url,
            max_connections,
            no_cache,
            progress,
            whole_text,
        )

    command.__doc__ = doc
    if not whole_text_baseline:  # typer reads the options from the signature: drop that one
        signature = inspect.signature(command, eval_str=True)
        kept = [p for p in signature.parameters.values() if p.name != "whole_text"]
        command.__signature__ = signature.replace(parameters=kept)  # type: ignore[attr-defined]
    app.command(name)(command)


_label_command(
    "distortions",
    DISTORTION_TASK,
    """Label cognitive distortions (CBT-Bench's CBT-CD task).

    Labels: all-or-nothing thinking, overgeneralization, mental filter, magnification, mind
    reading, fortune-telling, emotional reasoning, should statements, labeling,
    personalization; an empty list means no distortion. A model answer that cannot be parsed,
    or a refusal, is reported as unscored — never as "no distortion".

    The offline classifier is trained on patients' questions to therapists and on the
    annotated distorted spans in them (Shreevastava & Foltz 2021): a whole-text model and a
    sentence model, so short single thoughts are read too. Its DEV and FROZEN figures are
    printed beside its predictions; `--whole-text-baseline` uses the first, weaker baseline.
    """,
    whole_text_baseline=True,
)
_label_command(
    "core-beliefs",
    CORE_BELIEF_TASK,
    """Label core-belief categories (CBT-Bench's CBT-PC task): helpless, unlovable,
    worthless; an empty list means none. The offline baseline is zero-shot (prototype
    statements, threshold calibrated on the built-in profile library).""",
)
_label_command(
    "core-beliefs-fine",
    CORE_BELIEF_FINE_TASK,
    """Label CBT-Bench's 19 fine-grained core beliefs (its CBT-FC task): "I am incompetent",
    "I am helpless", … "I don't deserve to live" (gold labels may omit the final full stop
    and differ in case); an empty list means none. Best with a bound model. The offline
    baseline is zero-shot (prototype statements) and unmeasured at the fine level — no
    labelled fine-grained data was available; see docs/cbtbench.md.""",
)


# --- multiple-choice knowledge exams -----------------------------------------------------------

ANSWERER = "answerer"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def print_mcq(result: MCQScore, answerer: str) -> None:
    table = titled_table(f"mcq: {answerer}")
    for col in ("topic", "items", "scored", "correct", "accuracy", "95% CI", "unscored"):
        table.add_column(col, justify="left" if col == "topic" else "right")

    def row(name: str, s: TopicScore) -> None:
        ci = s.ci95
        table.add_row(
            name,
            str(s.items),
            str(s.scored),
            str(s.correct),
            _pct(s.accuracy),
            "—" if ci is None else f"{100 * ci[0]:.0f}–{100 * ci[1]:.0f}%",
            str(s.unscored),
        )

    for topic, s in result.topics.items():
        row(topic, s)
    table.add_section()
    row("(all)", result.overall)
    console.print(table)
    o = result.overall
    console.print(
        f"accuracy [bold]{_pct(o.accuracy)}[/bold] over {o.scored} scored of {o.keyed} keyed "
        f"items (coverage {_pct(o.coverage)}); a uniform guess would score "
        f"{_pct(result.chance)}",
        highlight=False,
    )


@app.command("mcq")
def mcq(
    input: Annotated[
        str,
        typer.Argument(
            help='JSONL file of {"id", "topic", "question", "options", "answer"} objects, or '
            '"-" for standard input.',
            show_default=False,
        ),
    ],
    model_role: Annotated[
        list[str] | None,
        typer.Option(
            "--model-role",
            help="answerer=SPEC (required): the model that takes the exam, e.g. "
            "answerer=openai/gpt-4o-mini, answerer=llamacpp-server/qwen, answerer=local.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "--output", "-o", help="Write per-item results and per-topic scores (JSON)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the scores as JSON instead of a table.")
    ] = False,
    base_url: BaseUrlOption = None,
    max_connections: MaxConnectionsOption = 8,
    no_cache: NoCacheOption = False,
    progress: ProgressOption = True,
) -> None:
    """Multiple-choice knowledge exam (CBT-Bench's CBT-QA, CounselingBench-style items),
    answered by a bound model and scored per topic.

    One JSON object per line: `{"id": "q1", "topic": "distortions", "question": "…",
    "options": {"A": "…", "B": "…", …}, "answer": "B"}` — `topic` optional ("general"),
    `options` an object keyed A, B, … or a list, `answer` the key's letter (optional: an item
    without it is answered but not scored). The model must answer `{"answer": LETTER}` from
    an enum of the item's letters. An unparseable answer, a refusal or a failed call is
    unscored — counted and reported, never read as wrong or as a default letter. Accuracy is
    correct / scored with a Wilson 95% interval, per topic and overall. Exit code 1 when no
    item could be answered.
    """
    with user_errors():
        check_output(out)
        spec = role_spec(model_role, ANSWERER)
        items = read_mcq_items(input)
    if spec is None:
        raise fail(
            f"bind the model that takes the exam: --model-role {ANSWERER}=SPEC "
            f"(e.g. {ANSWERER}=openai/gpt-4o-mini or {ANSWERER}=llamacpp-server/NAME "
            "--base-url http://127.0.0.1:8080/v1)"
        )
    answers, answerer, usage = _on_model(
        ANSWERER,
        spec,
        base_url,
        max_connections,
        no_cache,
        make=MCQAnswerer,
        work=lambda a, done: a.answer_all(items, done),
        label="answering",
        total=len(items),
        progress=progress,
    )
    result = score_mcq(items, answers)
    payload = {
        "input": input,
        "answerer": answerer.name,
        "model": spec,
        "prompt_version": PROMPT_VERSION,
        **result.to_dict(),
        "usage": usage,
        "items": [a.to_json() for a in answers],
    }
    if out is not None:
        atomic_write_text(out, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    if as_json:
        sys.stdout.write(json.dumps({k: v for k, v in payload.items() if k != "items"}, indent=1))
        sys.stdout.write("\n")
    else:
        print_mcq(result, answerer.name)
    _print_usage(usage)
    unscored = [a for a in answers if a.status != "answered"]
    if unscored:
        err_console.print(
            f"[yellow]{len(unscored)} of {len(answers)} answers unscored (not counted as wrong "
            f"or as any letter); first: {unscored[0].id!r}: {unscored[0].reason}[/yellow]",
            highlight=False,
        )
    if out is not None:
        err_console.print(f"{len(answers)} results → {out}", highlight=False)
    if len(unscored) == len(answers):
        raise fail(f"no item could be answered; first: {unscored[0].reason}", code=1)
