"""`theralab synth …` (make a dataset) and `theralab export` (write it for fine-tuning)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from theralab.cli._common import (
    AddressOption,
    BaseUrlOption,
    EndpointOption,
    LocaleOption,
    ModelRoleOption,
    ProgressOption,
    SeedOption,
    check_output,
    console,
    count_progress,
    err_console,
    fail,
    global_options,
    split_list,
    user_errors,
)
from theralab.counselors.registry import parse_counselor
from theralab.errors import validated
from theralab.model.roles import ModelRoles, parse_role_bindings
from theralab.runs import DEFAULT_SEED
from theralab.synth.config import SynthConfig
from theralab.synth.estimate import estimate
from theralab.synth.export import FORMATS, export_dataset, parse_split
from theralab.synth.pipeline import (
    DONE,
    ROWS_FILE,
    Executor,
    LocalExecutor,
    scan_rows,
    synthesize,
)

app = typer.Typer(
    help="Synthesise counseling datasets: resumable (rerun the same command to continue), "
    "filtered, de-duplicated, with a data card. Export them with `theralab export`.",
    no_args_is_help=True,
)


@app.command("cactus")
def cactus(
    ctx: typer.Context,
    n: Annotated[int, typer.Option("--n", min=1, help="Number of dialogues to make.")] = 100,
    counselor: Annotated[
        list[str] | None,
        typer.Option(
            "--counselor",
            "-c",
            help="Counselor(s), used in turn: cbt, mi, person_centred, magnet … (llm:cbt for "
            "the model-backed one when --model-role counselor= is bound; ext:PATH.yaml for your "
            "own bot, always behind the guardrail here).",
        ),
    ] = None,
    model_role: ModelRoleOption = None,
    base_url: BaseUrlOption = None,
    quota: Annotated[
        list[str] | None,
        typer.Option(
            "--quota",
            help="DIMENSION=even or DIMENSION=a:0.5,b:0.5 over problem, style, attitude, "
            "stage, core_belief (repeatable).",
        ),
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="Keep rows where FIELD OP NUMBER holds, e.g. 'turns>=16', 'r_q>=1', "
            "'ctrs.mean>=4' (repeatable; judged fields need --rubric).",
        ),
    ] = None,
    profiles: Annotated[
        str,
        typer.Option(
            help="compose: new profiles composed from the library's components; library: the "
            "built-in profiles as they are; llm: original profiles written by the client model."
        ),
    ] = "compose",
    with_risk: Annotated[
        bool,
        typer.Option(help="Include at-risk clients (their rows go to the at-risk split)."),
    ] = False,
    max_turns: Annotated[int, typer.Option(min=4, help="Utterances per dialogue at most.")] = 24,
    sessions: Annotated[
        int,
        typer.Option(
            min=1,
            max=52,
            help="Make courses: each client sees its counselor this many times (memory, notes, "
            "homework, PHQ-9/GAD-7 before each session); a course is that many consecutive "
            "rows, --n counts rows (sessions).",
        ),
    ] = 1,
    rubric: Annotated[
        list[str] | None, typer.Option("--rubric", help="Rubrics the bound judge scores.")
    ] = None,
    score: Annotated[
        str, typer.Option(help="Offline evaluators that score every row (comma-separated).")
    ] = "miti,outcome",
    dedup_threshold: Annotated[
        float,
        typer.Option(min=0.01, max=1.0, help="Jaccard similarity that counts as a duplicate."),
    ] = 0.8,
    reference: Annotated[
        Path | None,
        typer.Option(help="JSONL of existing dialogues: near-duplicates of them are dropped."),
    ] = None,
    locale: LocaleOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Dataset folder. Default: `datasets/<recipe>-<configuration hash>`."),
    ] = None,
    seed: SeedOption = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Rows made at once (per worker).")] = 8,
    executor: Annotated[
        str, typer.Option(help="local (asyncio, default) or dask (needs --address or starts one).")
    ] = "local",
    address: AddressOption = None,
    endpoint: EndpointOption = None,
    dry_run: Annotated[
        bool, typer.Option(help="Estimate time, tokens and cost from a small sample; make nothing.")
    ] = False,
    progress: ProgressOption = True,
) -> None:
    """Cactus-style CBT dialogues (or any modality): profiles with quotas → guarded sessions →
    screening → scores → filters → near-duplicate removal → dataset + data card.

    Each row is appended to rows.jsonl in one write as soon as it is final: with a model
    bound, when it is scored; with the scripted engine, sessions are scored in blocks of 32
    (one encoder batch), so rows are written 32 at a time and a kill loses at most the 32
    waiting rows plus those being simulated. Ctrl-C scores and writes the waiting rows, then
    prints how to continue. Rerunning the same command continues (failed rows are redone).
    At-risk conversations go to their own split, never silently into the dataset. Exit 1 when
    rows failed (rerun to redo them), 2 for a bad option, e.g. a --filter on a field no row
    has, 130 on Ctrl-C. Datasets made before 2026-12-04 without --seed used seed 0: pass
    `--seed 0` to continue or remake one.
    """
    g = global_options(ctx)
    with user_errors():
        if profiles not in ("compose", "library", "llm"):
            raise fail("--profiles is compose, library or llm")
        roles_spec = parse_role_bindings(model_role)
        config = validated(
            SynthConfig,
            "synth options",
            n=n,
            counselors=split_list(counselor) or ["cbt"],
            seed=g.seed_for(seed, DEFAULT_SEED),
            quotas=list(quota or []),
            filters=list(filter_ or []),
            profiles=profiles,  # type: ignore[arg-type]
            with_risk=with_risk,
            max_turns=max_turns,
            sessions=sessions,
            model_roles=roles_spec,
            base_url=base_url,
            rubrics=split_list(rubric),
            score=split_list([score]),
            dedup_threshold=dedup_threshold,
            reference=str(reference) if reference else None,
            locale=locale,
        )
        for name in config.counselors:  # unknown names and bad ext: files fail before any row
            parse_counselor(name)
    _run(g.out, config, out, dry_run, executor, address, concurrency, progress, endpoint)


def _rewrite_command(recipe: str, what: str, fields: str) -> Any:
    def command(
        ctx: typer.Context,
        source: Annotated[Path, typer.Argument(help="Input JSONL (fields: see above).")],
        n: Annotated[
            int | None,
            typer.Option("--n", min=1, help="Dialogues to write (default: one per item)."),
        ] = None,
        model_role: Annotated[
            list[str] | None,
            typer.Option("--model-role", help="counselor=SPEC writes the dialogues (required)."),
        ] = None,
        base_url: BaseUrlOption = None,
        filter_: Annotated[
            list[str] | None, typer.Option("--filter", help="Keep rows where FIELD OP NUMBER.")
        ] = None,
        max_turns: Annotated[int, typer.Option(min=8, help="Turns per dialogue at most.")] = 24,
        rubric: Annotated[
            list[str] | None, typer.Option("--rubric", help="Rubrics the bound judge scores.")
        ] = None,
        score: Annotated[str, typer.Option(help="Offline evaluators (comma-separated).")] = (
            "miti,outcome"
        ),
        dedup_threshold: Annotated[
            float, typer.Option(min=0.01, max=1.0, help="Jaccard that counts as a duplicate.")
        ] = 0.8,
        reference: Annotated[
            Path | None, typer.Option(help="JSONL of dialogues to drop near-duplicates of.")
        ] = None,
        out: Annotated[Path | None, typer.Option(help="Dataset folder.")] = None,
        seed: SeedOption = None,
        concurrency: Annotated[int, typer.Option(min=1, help="Rows made at once.")] = 8,
        executor: Annotated[str, typer.Option(help="local or dask.")] = "local",
        address: Annotated[str | None, typer.Option(help="Dask scheduler address.")] = None,
        dry_run: Annotated[bool, typer.Option(help="Estimate only.")] = False,
        progress: ProgressOption = True,
    ) -> None:
        g = global_options(ctx)
        with user_errors():
            from theralab.synth.recipes import SourceItems

            items = len(SourceItems(source, recipe))
            config = validated(
                SynthConfig,
                f"synth {recipe} options",
                recipe=recipe,  # type: ignore[arg-type]
                source=str(source.resolve()),  # workers elsewhere need an absolute path
                n=n or items,
                counselors=[f"{recipe}-writer"],
                seed=g.seed_for(seed, DEFAULT_SEED),
                filters=list(filter_ or []),
                max_turns=max_turns,
                model_roles=parse_role_bindings(model_role),
                base_url=base_url,
                rubrics=split_list(rubric),
                score=split_list([score]),
                dedup_threshold=dedup_threshold,
                reference=str(reference) if reference else None,
            )
        _run(g.out, config, out, dry_run, executor, address, concurrency, progress)

    command.__doc__ = (
        f"Rewrite {what} into multi-turn dialogues with the model bound to the counselor role, "
        "then screen, score, filter and de-duplicate them like any other rows. Resumable.\n\n"
        f"Input lines: {fields}."
    )
    return command


app.command("expand")(
    _rewrite_command(
        "expand", "single-turn Q&A (SMILE-style expansion)", '{"id", "question", "answer"}'
    )
)
app.command("from-notes")(
    _rewrite_command(
        "from-notes", "counseling notes or reports (CPsyCoun-style)", '{"id", "notes"}'
    )
)


def _run(
    root: Path | None,
    config: SynthConfig,
    out: Path | None,
    dry_run: bool,
    executor: str,
    address: str | None,
    concurrency: int,
    progress: bool,
    endpoints: list[str] | None = None,
) -> None:
    """Estimate, or make the dataset and print where it is."""
    with user_errors():
        folder = out or config.default_folder(root or Path("datasets"))
        check_output(folder, folder=True)
        if dry_run:
            _print_estimate(estimate(config, concurrency))
            return
        runner = _executor(
            executor, address, concurrency, config.model_roles, config.base_url, endpoints
        )
        started = time.perf_counter()
        causes: list[str] = []  # why rows failed: the first three different causes
        try:
            with count_progress("synthesising", "rows", progress) as (start, advance):

                def on_start(done: int, todo: int) -> None:
                    if done:
                        err_console.print(f"resuming: {done} rows already made, {todo} to go")
                    start(todo)

                def on_row(row: dict[str, Any]) -> None:
                    cause = f"{row.get('step', 'unknown')}: {row.get('error', '')}"
                    if row.get("status") == "failed" and cause not in causes and len(causes) < 3:
                        causes.append(cause)
                    advance()

                result = synthesize(config, folder, runner, on_progress=on_row, on_start=on_start)
        except KeyboardInterrupt:
            _interrupted(config, folder)
            raise typer.Exit(130) from None
    card = result.card
    took = time.perf_counter() - started
    drops = ", ".join(f"{k} {v}" for k, v in card["dropped"].items()) or "none"
    console.print(
        f"{result.made} rows made in {took:.1f} s ({result.failed} failed) → "
        f"[bold]{folder}[/bold]: {card['kept']} kept, {card['at_risk_split']} at-risk, "
        f"{sum(card['dropped'].values())} dropped ({drops})"
    )
    console.print(f"data card: {folder / 'DATACARD.md'}")
    cut = card.get("truncated") or {}
    if card["kept"] and cut.get("rows", 0) * 2 > card["kept"]:  # most kept rows were cut short
        err_console.print(
            f"[yellow]{cut['rows']} of {card['kept']} kept rows stopped at --max-turns "
            f"{cut['max_turns']}; raise it to let sessions close[/yellow]"
        )
    if result.failed:  # as `run` and `simulate`: rows that failed are a job not done
        share = (
            "every row failed"
            if result.failed == result.made
            else f"{result.failed} of {result.made} rows failed"
        )
        raise fail(
            f"{share} ({'; '.join(causes)}); rerun the same command to redo the failed rows",
            code=1,
        )


def _interrupted(config: SynthConfig, folder: Path) -> None:
    """After Ctrl-C: what is kept, and the command that continues (the same one)."""
    import shlex
    import sys

    latest = scan_rows(folder / ROWS_FILE)
    done = sum(status in DONE for status, _ in latest.values())
    command = shlex.join(["theralab", *sys.argv[1:]])
    err_console.print(
        f"[yellow]interrupted: {done} of {config.n} rows finished and kept in "
        f"{folder / ROWS_FILE}[/yellow]",
        soft_wrap=True,
    )
    err_console.print(f"to continue, rerun the same command: {command}", soft_wrap=True)


def _executor(
    name: str,
    address: str | None,
    concurrency: int,
    roles: dict[str, str],
    base_url: str | None,
    endpoints: list[str] | None = None,
) -> Executor:
    if name == "local":
        if endpoints:
            # one process talks to one server: spreading shards over servers is the dask
            # executor's job, and quietly using only the first endpoint would mislead
            raise fail(
                "--endpoint spreads shards over servers and needs --executor dask; "
                "with the local executor give one server with --base-url"
            )
        model_roles = ModelRoles.from_options(roles, base_url=base_url) if roles else None
        return LocalExecutor(concurrency=concurrency, roles=model_roles)
    if name == "dask":
        from theralab.synth.dask_executor import DaskExecutor

        return DaskExecutor(address=address, concurrency=concurrency, endpoints=endpoints)
    raise fail(f"unknown executor {name!r}; choose local or dask")


def _print_estimate(e: dict[str, Any]) -> None:
    table = Table(title="Dry run — estimate from a sample (nothing written)", title_justify="left")
    table.add_column("what")
    table.add_column("estimate", justify="right")
    for k, v in e.items():
        table.add_row(k, str(v))
    console.print(table)


def export(
    ctx: typer.Context,
    dataset: Annotated[Path, typer.Argument(help="A dataset folder made by `theralab synth`.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "openai",
    split: Annotated[
        str, typer.Option(help="train,validation,test fractions (by a hash of each row id).")
    ] = "0.9,0.05,0.05",
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: `DATASET/export-<format>`.")
    ] = None,
    include_at_risk: Annotated[
        bool, typer.Option(help="Also export the at-risk split, into at_risk.* files.")
    ] = False,
) -> None:
    """Write the dataset for fine-tuning: OpenAI chat (`messages`), ShareGPT
    (`conversations`, roles alternate), Hugging Face JSONL with a dataset card, or Parquet.
    Every example starts with a system prompt and ends on a counselor turn. Exit 1, with no
    file written, when the dataset has no row to export."""
    g = global_options(ctx)
    with user_errors():
        fractions = parse_split(split)
        target = g.out_for(out, dataset / f"export-{fmt}")
        check_output(target, folder=True)
        counts = export_dataset(dataset, fmt, target, fractions, include_at_risk)
    if not any(counts.values()):  # the export the command was asked for did not happen
        which = "dataset.jsonl" + (" and at_risk.jsonl" if include_at_risk else "")
        raise fail(
            f"nothing to export: {which} in {dataset} has no rows, so no file was written "
            f"(datacard.json says why rows were dropped)",
            code=1,
        )
    console.print(
        f"{fmt} → [bold]{target}[/bold]: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
