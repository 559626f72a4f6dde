"""`theralab run`: the benchmark — every counselor counsels the same client panel."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from theralab.cli._common import (
    AddressOption,
    BaseUrlOption,
    ContextWindowOption,
    EndpointOption,
    ExecutorOption,
    LocaleOption,
    MaxConnectionsOption,
    MaxRetriesOption,
    MeasuresOption,
    ModelRoleOption,
    ModelTimeoutOption,
    NoCacheOption,
    ProgressOption,
    SeedOption,
    SessionsOption,
    check_output,
    chosen_cluster,
    console,
    err_console,
    exit_on_failures,
    fail,
    global_options,
    interrupt_message,
    parse_measures,
    print_usage,
    resume_command,
    session_progress,
    split_list,
    user_errors,
)
from theralab.counselors import DEFAULT_COUNSELORS, MODEL_PREFIX, NEGATIVE_CONTROLS
from theralab.counselors.registry import expand_guardrail, is_external
from theralab.errors import validated
from theralab.model.roles import parse_role_bindings
from theralab.model.usage import dollars_text
from theralab.report.console import print_leaderboard
from theralab.rundir import RunDir
from theralab.runs import (
    DEFAULT_CLIENTS,
    DEFAULT_SEED,
    RunConfig,
    execute_run,
    load_config,
    new_run_id,
    spent,
)
from theralab.simulate.session import DEFAULT_MAX_TURNS


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option was given on the command line (not defaulted). By name: typer may
    bring its own copy of click's ParameterSource."""
    source = ctx.get_parameter_source(name)
    return getattr(source, "name", "") == "COMMANDLINE"


# Options that say where and how to run, not what: they combine with --config (and with
# `--resume --run-id ID`, which reuses the run's stored configuration).
_WITH_CONFIG = frozenset(
    {
        "config",
        "out",
        "run_id",
        "resume",
        "report",
        "progress",
        "executor",
        "address",
        "endpoint",
        "timeout",
        "max_retries",
        "cost_limit",
    }
)


def default_counselors(model_role: list[str] | None) -> list[str]:
    """The scripted line-up; with a counselor model bound, its versions join beside them."""
    names = list(DEFAULT_COUNSELORS)
    if "counselor" in parse_role_bindings(model_role):
        names += [f"{MODEL_PREFIX}{n}" for n in DEFAULT_COUNSELORS if n not in NEGATIVE_CONTROLS]
    return names


def run(
    ctx: typer.Context,
    counselors: Annotated[
        list[str] | None,
        typer.Option(
            "--counselors",
            "-c",
            help=f"Counselors to compare (comma-separated or repeated); `llm:<name>` for a "
            "model-backed one, ext:PATH.yaml for your own bot (see docs/external-bots.md). "
            f"Default: {','.join(DEFAULT_COUNSELORS)}, plus llm: versions when --model-role "
            "counselor=… is given.",
        ),
    ] = None,
    clients: Annotated[
        int,
        typer.Option(
            min=1,
            help="Size of the client panel: that many different clients sampled from the "
            "built-in library (48; more is refused: add --repeats for more sessions per client).",
        ),
    ] = DEFAULT_CLIENTS,
    profiles: Annotated[
        list[str] | None,
        typer.Option(
            "--profiles",
            "-p",
            help="Explicit client panel: profile ids, profile files or folders (overrides "
            "--clients). The clients must differ: a profile id given twice is refused "
            "(--repeats gives more sessions with one client).",
        ),
    ] = None,
    repeats: Annotated[int, typer.Option(min=1, help="Sessions per counselor × client.")] = 1,
    sessions: SessionsOption = 1,
    measures: MeasuresOption = None,
    max_turns: Annotated[
        int, typer.Option(min=2, help="Stop a session after this many utterances.")
    ] = DEFAULT_MAX_TURNS,
    concurrency: Annotated[int, typer.Option(min=1, help="Sessions run at once.")] = 8,
    seed: SeedOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Parent folder for run directories. Default: runs/")
    ] = None,
    run_id: Annotated[
        str | None,
        typer.Option(help="Name of the run directory. Default: timestamp + config hash."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Rerun from a run's config.json; only --out, --run-id, --resume, --report, "
            "--progress, --timeout, --max-retries, --cost-limit and the executor options "
            "combine with it (other options are refused, not ignored)."
        ),
    ] = None,
    rank_by: Annotated[
        str, typer.Option(help="Metric that orders the leaderboard.")
    ] = "distress_reduction",
    report: Annotated[bool, typer.Option(help="Write report.html.")] = True,
    locale: LocaleOption = None,
    no_guardrail: Annotated[
        bool,
        typer.Option(
            "--no-guardrail",
            help="Run counselors without the crisis guardrail (research on unguarded agents "
            "only; never for anything a person reads).",
        ),
    ] = False,
    guardrail: Annotated[
        bool,
        typer.Option(
            "--guardrail",
            help="Also run every external bot (ext:PATH.yaml, raw by default) behind TheraLab's "
            "guardrail, beside its raw self (labelled `<name>+guardrail`).",
        ),
    ] = False,
    progress: ProgressOption = True,
    model_role: ModelRoleOption = None,
    base_url: BaseUrlOption = None,
    max_connections: MaxConnectionsOption = 8,
    no_cache: NoCacheOption = False,
    cost_limit: Annotated[
        float | None,
        typer.Option(
            help="Stop starting sessions once the run has spent this many dollars (a resumed "
            "run counts what it spent before); the sessions under way finish."
        ),
    ] = None,
    max_session_tokens: Annotated[
        int | None, typer.Option(min=1, help="Token budget per session (model roles).")
    ] = None,
    context_window: ContextWindowOption = None,
    timeout: ModelTimeoutOption = None,
    max_retries: MaxRetriesOption = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue the run in --run-id: keep finished sessions, redo failed ones. With "
            "no option that says what to run, the run's own config.json is used.",
        ),
    ] = False,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Run the benchmark: simulate, evaluate, print a leaderboard, write a run directory.

    The run directory (`runs/<run-id>/`) holds config.json, transcripts.jsonl, results.json,
    timings.jsonl and report.html. The same seed gives byte-identical transcripts.
    """
    g = global_options(ctx)
    with user_errors():
        if guardrail and no_guardrail:
            raise fail(
                "--guardrail and --no-guardrail contradict each other: --guardrail adds "
                "guarded versions of external bots, --no-guardrail turns the guardrail off"
            )
        parent = g.out_for(out, Path("runs"))
        given = [
            "--" + name.replace("_", "-")
            for name, value in ctx.params.items()
            if name not in _WITH_CONFIG and _given(ctx, name)
        ]
        stored = parent / run_id / "config.json" if run_id else None
        if config is None and resume and not given and stored is not None and stored.is_file():
            config = stored  # `--resume --run-id ID`: the run as it was configured
        if config is not None:
            if given:
                raise fail(
                    "--config reruns a run's configuration as it was; it cannot be combined "
                    f"with {', '.join(given)} (edit the config.json, or drop --config)"
                )
            cfg = load_config(config)
            overrides = {
                name: value
                for name, value in (
                    ("timeout", timeout),
                    ("max_retries", max_retries),
                    ("cost_limit", cost_limit),
                )
                if value is not None
            }
            if overrides:  # how to call the models, not what runs: the digest is the same
                cfg = validated(RunConfig, str(config), **{**cfg.model_dump(), **overrides})
        else:
            names = split_list(counselors) or default_counselors(model_role)
            if guardrail and not any(is_external(n) for n in names):
                err_console.print(
                    "[yellow]warning: --guardrail adds guarded versions of external bots "
                    "(ext:PATH.yaml); this line-up has none, so it changes nothing (built-in "
                    "counselors are always guarded unless --no-guardrail)[/yellow]"
                )
            cfg = validated(
                RunConfig,
                "run options",
                counselors=expand_guardrail(names) if guardrail else names,
                profiles=split_list(profiles),
                clients=clients,
                seed=g.seed_for(seed, DEFAULT_SEED),
                repeats=repeats,
                sessions=sessions,
                measures=parse_measures(measures),
                max_turns=max_turns,
                concurrency=concurrency,
                rank_by=rank_by,
                locale=locale,
                guardrail=not no_guardrail,
                model_roles=parse_role_bindings(model_role),
                base_url=base_url,
                max_connections=max_connections,
                cache=not no_cache,
                cost_limit=cost_limit,
                max_session_tokens=max_session_tokens,
                context_window=context_window,
                timeout=timeout,
                **({"max_retries": max_retries} if max_retries is not None else {}),
            )
        if resume and not run_id:
            raise fail("--resume needs the --run-id of the run to continue")
        run_dir = parent / (run_id or new_run_id(cfg))
        check_output(run_dir, folder=True)
        if not resume and run_dir.exists() and any(run_dir.iterdir()):
            raise fail(
                f"{run_dir} already exists and is not empty; choose another --run-id "
                "or add --resume to continue it"
            )
        cluster = chosen_cluster(executor, address, endpoint)
        if not cfg.guardrail:
            err_console.print("[yellow]warning: the crisis guardrail is off for this run[/yellow]")
        t0 = time.perf_counter()
        with (
            interrupt_message(RunDir(run_dir).transcripts),
            session_progress(progress) as (
                start,
                advance,
            ),
        ):
            outcome = execute_run(
                cfg,
                run_dir,
                on_session=advance,
                on_start=start,
                report=report,
                resume=resume,
                cluster=cluster,
            )
        elapsed = time.perf_counter() - t0
    print_leaderboard(outcome.results, console)
    n = len(outcome.sessions)
    kept = f" ({outcome.resumed} kept from before)" if outcome.resumed else ""
    console.print(f"\n{n} session(s){kept} in {elapsed:.1f}s → [bold]{run_dir}[/bold]")
    if resume and outcome.usage:
        console.print("model usage of the whole run, earlier invocations included:")
    print_usage(console, outcome.usage or {})
    if outcome.dropped:
        console.print(f"{outcome.dropped} session(s) not held: their clients dropped out")
    again = resume_command("run", run_dir)
    if outcome.unfinished:
        limit = outcome.config.cost_limit
        why = "an earlier session of their course failed"
        if limit is not None and spent(outcome.usage or {}) >= limit:
            why = (
                f"the cost limit {dollars_text(limit)} was reached: "
                f"{dollars_text(spent(outcome.usage or {}))} spent by this run"
            )
        err_console.print(
            f"[yellow]{outcome.unfinished} session(s) not started ({why}); to finish, "
            f"rerun with {escape(again)}[/yellow]",
            soft_wrap=True,
        )
    if report:
        console.print(f"report: {run_dir / 'report.html'}")
    exit_on_failures(*outcome.failures, resume_hint=again)
