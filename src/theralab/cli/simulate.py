"""`theralab simulate`: sessions only, written as transcripts JSONL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from theralab.cli._common import (
    ContextWindowOption,
    MeasuresOption,
    SessionsOption,
    console,
    exit_on_failures,
    global_options,
    interrupt_message,
    parse_measures,
    session_progress,
    split_list,
    user_errors,
)
from theralab.dialogue.records import Session
from theralab.dialogue.transcripts import write_sessions
from theralab.measures import resolve_instruments
from theralab.model.roles import ModelRoles, parse_role_bindings
from theralab.profiles.library import builtin_profiles, load_profiles, sample_panel
from theralab.runs import DEFAULT_SEED, session_failures
from theralab.simulate.runner import plan_sessions, run_sessions
from theralab.simulate.session import DEFAULT_MAX_TURNS


def simulate(
    ctx: typer.Context,
    counselor: Annotated[
        list[str],
        typer.Option(
            "--counselor",
            "-c",
            help="Counselor(s): cbt, mi, person_centred, directive … llm:<name> for a "
            "model-backed one, ext:PATH.yaml for your own bot (ext:PATH.yaml+guardrail "
            "behind the guardrail).",
        ),
    ],
    n: Annotated[
        int,
        typer.Option(
            "--n",
            min=1,
            help="Sessions (with --sessions: courses) per counselor. Clients are sampled from "
            "the built-in library, all different while the library lasts, then again with new "
            "seeds.",
        ),
    ] = 12,
    profiles: Annotated[
        list[str] | None,
        typer.Option("--profiles", "-p", help="Explicit clients: profile ids, files or folders."),
    ] = None,
    repeats: Annotated[
        int, typer.Option(min=1, help="Sessions per counselor × client (with --profiles).")
    ] = 1,
    sessions: SessionsOption = 1,
    measures: MeasuresOption = None,
    max_turns: Annotated[int, typer.Option(min=2, help="Utterance limit.")] = DEFAULT_MAX_TURNS,
    concurrency: Annotated[int, typer.Option(min=1, help="Sessions run at once.")] = 8,
    seed: Annotated[int | None, typer.Option(help="Run seed. Default 7.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Transcripts file to write. Default: transcripts.jsonl")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    locale: Annotated[
        str | None, typer.Option(help="Locale for crisis resources (e.g. en-US, en-GB).")
    ] = None,
    no_guardrail: Annotated[
        bool,
        typer.Option("--no-guardrail", help="Run counselors without the crisis guardrail."),
    ] = False,
    model_role: Annotated[
        list[str] | None,
        typer.Option("--model-role", help="ROLE=SPEC, e.g. counselor=openai/gpt-4o-mini."),
    ] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint.")] = None,
    max_connections: Annotated[
        int, typer.Option(min=1, help="Model requests in flight per server.")
    ] = 8,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")] = (
        False
    ),
    cost_limit: Annotated[
        float | None, typer.Option(help="Stop starting sessions after this many dollars.")
    ] = None,
    context_window: ContextWindowOption = None,
) -> None:
    """Simulate sessions and write them as transcripts JSONL (no evaluation)."""
    g = global_options(ctx)
    run_seed = g.seed_for(seed, DEFAULT_SEED)
    path = g.out_for(out, Path("transcripts.jsonl"))
    if path.is_dir():
        path = path / "transcripts.jsonl"
    with user_errors():
        chosen = split_list(profiles)
        names = split_list(counselor)
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
        journal.unlink(missing_ok=True)
        with interrupt_message(journal), session_progress(progress) as (start, advance):
            start(len(plans))
            roles = ModelRoles.from_options(
                parse_role_bindings(model_role),
                base_url=base_url,
                max_connections=max_connections,
                cache=not no_cache,
                cost_limit=cost_limit,
                context_window=context_window,
            )

            async def go() -> list[Session]:
                try:
                    return await run_sessions(
                        plans,
                        panel,
                        concurrency=concurrency,
                        journal=journal,
                        on_done=advance,
                        guardrail=not no_guardrail,
                        locale=locale,
                        roles=roles if roles.specs else None,
                    )
                finally:
                    await roles.aclose()

            sessions = asyncio.run(go())
        write_sessions(path, sessions)
        journal.unlink(missing_ok=True)
    console.print(f"{len(sessions)} sessions → [bold]{path}[/bold]")
    bindings = parse_role_bindings(model_role)
    exit_on_failures(*session_failures(names, sessions, bindings.get("counselor"), base_url))
