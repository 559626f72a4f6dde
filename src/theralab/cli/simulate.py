"""`theralab simulate`: sessions only, written as transcripts JSONL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    global_options,
    interrupt_message,
    parse_measures,
    session_progress,
    split_list,
    user_errors,
)
from theralab.counselors import resolve_counselor
from theralab.dialogue.records import Session
from theralab.dialogue.transcripts import write_sessions
from theralab.errors import InputError
from theralab.measures import resolve_instruments
from theralab.model.roles import parse_role_bindings
from theralab.profiles.library import builtin_profiles, load_profiles, sample_panel
from theralab.runs import DEFAULT_SEED, check_lineup, finished_sessions, session_failures
from theralab.simulate.distributed import run_plans
from theralab.simulate.runner import plan_sessions
from theralab.simulate.session import DEFAULT_MAX_TURNS, SessionPlan


def simulate(
    ctx: typer.Context,
    counselor: Annotated[
        list[str],
        typer.Option(
            "--counselor",
            "-c",
            help="Counselor(s): cbt, mi, person_centred, directive … `llm:<name>` for a "
            "model-backed one, ext:PATH.yaml for your own bot (ext:PATH.yaml+guardrail "
            "behind the guardrail).",
        ),
    ],
    per_counselor: Annotated[
        int,
        typer.Option(
            "--per-counselor",
            min=1,
            help="Sessions (with --sessions: courses) per counselor. Clients are sampled from "
            "the built-in library, all different while the library lasts, then again with new "
            "seeds.",
        ),
    ] = 12,
    n_old: Annotated[
        int | None,
        typer.Option(
            "--n",
            min=1,
            hidden=True,
            help="Old name of --per-counselor (`--n` counts rows in `synth`).",
        ),
    ] = None,
    profiles: Annotated[
        list[str] | None,
        typer.Option(
            "--profiles",
            "-p",
            help="Explicit clients: profile ids, files or folders. The clients must differ: a "
            "profile id given twice is refused (--repeats gives more sessions with one client).",
        ),
    ] = None,
    repeats: Annotated[
        int, typer.Option(min=1, help="Sessions per counselor × client (with --profiles).")
    ] = 1,
    sessions: SessionsOption = 1,
    measures: MeasuresOption = None,
    max_turns: Annotated[int, typer.Option(min=2, help="Utterance limit.")] = DEFAULT_MAX_TURNS,
    concurrency: Annotated[int, typer.Option(min=1, help="Sessions run at once.")] = 8,
    seed: SeedOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Transcripts file to write. Default: transcripts.jsonl")
    ] = None,
    progress: ProgressOption = True,
    locale: LocaleOption = None,
    no_guardrail: Annotated[
        bool,
        typer.Option("--no-guardrail", help="Run counselors without the crisis guardrail."),
    ] = False,
    model_role: ModelRoleOption = None,
    base_url: BaseUrlOption = None,
    max_connections: MaxConnectionsOption = 8,
    no_cache: NoCacheOption = False,
    cost_limit: Annotated[
        float | None,
        typer.Option(
            help="Stop starting sessions after this many dollars (the sessions under way finish)."
        ),
    ] = None,
    context_window: ContextWindowOption = None,
    timeout: ModelTimeoutOption = None,
    max_retries: MaxRetriesOption = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted simulate into the same --out with the same options: "
            "keep its finished sessions, redo failed ones.",
        ),
    ] = False,
    executor: ExecutorOption = "local",
    address: AddressOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Simulate sessions and write them as transcripts JSONL (no evaluation)."""
    g = global_options(ctx)
    run_seed = g.seed_for(seed, DEFAULT_SEED)
    path = g.out_for(out, Path("transcripts.jsonl"))
    if path.is_dir():
        path = path / "transcripts.jsonl"
    n = per_counselor
    if n_old is not None:
        err_console.print(
            "[yellow]note:[/yellow] `simulate --n` is now `--per-counselor` (sessions per "
            "counselor; `--n` counts rows in `synth`)",
            highlight=False,
        )
        n = n_old
    with user_errors():
        check_output(path)
        cluster = chosen_cluster(executor, address, endpoint)
        chosen = split_list(profiles)
        names = [resolve_counselor(c) for c in split_list(counselor)]
        bindings = parse_role_bindings(model_role)
        check_lineup(names, bindings)
        chosen_measures = parse_measures(measures)
        if chosen_measures:
            resolve_instruments(chosen_measures)  # fail before any session runs
        if chosen:
            panel = load_profiles(chosen)
            plans = plan_sessions(
                names,
                panel,
                run_seed,
                repeats,
                max_turns,
                sessions=sessions,
                measures=chosen_measures,
            )
        else:
            panel = sample_panel(min(n, len(builtin_profiles())), run_seed)
            rounds = -(-n // len(panel))
            plans = [
                plan
                for name in names
                for plan in plan_sessions(
                    [name],
                    panel,
                    run_seed,
                    rounds,
                    max_turns,
                    sessions=sessions,
                    measures=chosen_measures,
                )[: n * sessions]
            ]
        path.parent.mkdir(parents=True, exist_ok=True)
        journal = path.with_name(path.name + ".partial")
        done: dict[str, Session] = {}
        if resume:
            done = _resumable(journal if journal.exists() else path, plans)
            write_sessions(journal, [done[p.session_id] for p in plans if p.session_id in done])
        else:
            journal.unlink(missing_ok=True)
        todo = [p for p in plans if p.session_id not in done]
        with interrupt_message(journal), session_progress(progress) as (start, advance):
            start(len(todo))
            role_options = {
                "specs": bindings,
                "base_url": base_url,
                "max_connections": max_connections,
                "cache": not no_cache,
                "cost_limit": cost_limit,
                "context_window": context_window,
                "timeout": timeout,
                "per_call_limit": False,  # no session starts past the limit; none is cut short
                **({"max_retries": max_retries} if max_retries is not None else {}),
            }
            if not role_options["specs"]:
                role_options = None
            ran, _ = run_plans(
                todo,
                panel,
                cluster=cluster,
                role_options=role_options,
                concurrency=concurrency,
                journal=journal,
                on_done=advance,
                guardrail=not no_guardrail,
                locale=locale,
                finished=list(done.values()),
            )
            fresh = {s.id: s for s in ran}
        merged = {**done, **fresh}
        made = [merged[p.session_id] for p in plans if p.session_id in merged]
        write_sessions(path, made)
        journal.unlink(missing_ok=True)
    kept = f" ({len(done)} kept from before)" if done else ""
    console.print(f"{len(made)} session(s){kept} → [bold]{path}[/bold]")
    exit_on_failures(
        *session_failures(names, made, bindings.get("counselor"), base_url),
        resume_hint="the same options and --resume",
    )


def _resumable(source: Path, plans: list[SessionPlan]) -> dict[str, Session]:
    """The finished sessions of an interrupted (or failed) simulate, if they are this
    command's: every one must be a planned session with the planned seed."""
    done = finished_sessions(source)
    planned = {p.session_id: p.seed for p in plans}
    foreign = [s.id for s in done.values() if planned.get(s.id, -1) != s.seed]
    if foreign:
        raise InputError(
            f"{len(foreign)} finished session(s) were not made by these options (e.g. "
            f"{foreign[0]}); resume with the options that started it, or drop --resume",
            source=str(source),
        )
    return done
