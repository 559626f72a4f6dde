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
from theralab.counselors.registry import CounselorRegistry
from theralab.dialogue.records import Session, StopReason
from theralab.dialogue.transcripts import write_sessions
from theralab.errors import InputError
from theralab.measures import resolve_instruments
from theralab.model.api import parse_spec
from theralab.model.roles import parse_role_bindings
from theralab.profiles.library import builtin_profiles, load_profiles, sample_panel
from theralab.profiles.model import ClientProfile
from theralab.runs import (
    DEFAULT_SEED,
    check_lineup,
    finished_sessions,
    journal_sessions,
    session_failures,
)
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
            "keep its finished sessions, redo failed ones. Sessions made with other options "
            "(seed, counselors, clients, --sessions, --measures, --max-turns, --no-guardrail, "
            "--locale, --model-role) are refused.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite an --out that already holds sessions (without it, simulate refuses "
            "to replace them: use --resume to continue that file).",
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
        if not resume and not force:
            _refuse_overwrite(path)
            _refuse_dropping_journal(path.with_name(path.name + ".partial"))
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
            expected = _Expected(
                names,
                {p.id: p for p in panel},
                bindings,
                guardrail=not no_guardrail,
                locale=locale,
                max_turns=max_turns,
            )
            done = _resumable(journal if journal.exists() else path, plans, expected)
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
                # the whole line-up decides which counselors are model-backed, so a resumed
                # run whose remaining sessions are all scripted ones keeps them scripted
                counselor_lineup=[p.counselor for p in plans],
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


def _refuse_overwrite(path: Path) -> None:
    """Without --resume or --force, refuse an --out that already holds something: simulate
    would replace its sessions without a word."""
    if not path.is_file():
        return
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return  # a device such as /dev/null, or unreadable: writing will say what is wrong
    if not text.strip():
        return
    held = len(journal_sessions(path))
    what = f"already holds {held} session(s)" if held else "already exists and is not empty"
    raise InputError(
        f"{what}; pass --resume (with the options that made it) to continue it, --force to "
        "overwrite it, or choose another --out",
        source=str(path),
    )


def _refuse_dropping_journal(journal: Path) -> None:
    """Without --resume or --force, refuse to start afresh over the journal of an interrupted
    simulate (`OUT.partial`): starting afresh deletes it, and with it every session it kept."""
    if not journal.is_file():
        return
    held = len(journal_sessions(journal))
    if held:
        raise InputError(
            f"holds {held} finished session(s) of an interrupted simulate into this --out; "
            "pass --resume (with the options that started it) to continue it, or --force to "
            "start afresh and delete it",
            source=str(journal),
        )


class _Expected:
    """What a session made by this command's options records, to tell a finished session of
    a resumed file that other options made (each difference names its option)."""

    def __init__(
        self,
        lineup: list[str],
        profiles: dict[str, ClientProfile],
        bindings: dict[str, str],
        *,
        guardrail: bool,
        locale: str | None,
        max_turns: int,
    ) -> None:
        def unused() -> None:  # never called: only which engine a counselor uses is asked
            raise AssertionError

        self.registry = CounselorRegistry(
            lineup,
            counselor_model=unused if "counselor" in bindings else None,  # type: ignore[arg-type]
            guardrail=guardrail,
            locale=locale,
        )
        self.profiles = profiles
        self.bindings = bindings
        self.locale = locale
        self.max_turns = max_turns
        self._tags: dict[tuple[str, ...], list[str]] = {}

    def differences(self, plan: SessionPlan, session: Session) -> list[tuple[str, str]]:
        """(option, what differs) for each option the session was not made with."""
        out: list[tuple[str, str]] = []
        params = session.counselor.params
        guarded = self.registry.guarded(plan.counselor)
        was_guarded = bool(params.get("guardrail"))
        if was_guarded != guarded:
            out.append(
                (
                    "--no-guardrail",
                    f"made {'with' if was_guarded else 'without'} the crisis guardrail, "
                    f"this command runs {'with' if guarded else 'without'} it",
                )
            )
        elif guarded and params.get("locale") != self.locale:
            out.append(
                (
                    "--locale",
                    f"made with locale {params.get('locale')!r}, this command has {self.locale!r}",
                )
            )
        turns = len(session.turns)
        if turns > self.max_turns or (
            session.stop_reason is StopReason.MAX_TURNS and turns != self.max_turns
        ):
            out.append(
                (
                    "--max-turns",
                    f"stopped at {turns} utterances ({session.stop_reason}), this command has "
                    f"--max-turns {self.max_turns}",
                )
            )
        engine = self.registry.engine(plan.counselor)
        recorded = session.counselor.engine
        if engine == "model":
            wanted = self.bindings.get("counselor")
            if not _same_model(recorded, wanted):
                out.append(
                    (
                        "--model-role counselor",
                        f"counselor made by {recorded!r}, this command binds {wanted!r}",
                    )
                )
        elif engine == "scripted" and recorded != "scripted":
            out.append(
                (
                    "--model-role counselor",
                    f"counselor made by {recorded!r}, this command runs it scripted",
                )
            )
        wanted_client = self.bindings.get("client")
        client_engine = session.client.engine
        if wanted_client is None and client_engine != "scripted":
            out.append(
                (
                    "--model-role client",
                    f"client played by {client_engine!r}, this command uses the scripted client",
                )
            )
        elif wanted_client is not None and not _same_model(client_engine, wanted_client):
            out.append(
                (
                    "--model-role client",
                    f"client played by {client_engine!r}, this command binds {wanted_client!r}",
                )
            )
        profile = self.profiles.get(plan.profile_id)
        style = session.client.params.get("style")
        if (
            profile is not None
            and client_engine == "scripted"
            and style is not None
            and style != profile.style.value
        ):
            out.append(
                (
                    "--profiles",
                    f"client profile {plan.profile_id} had style {style!r}, now "
                    f"{profile.style.value!r} (the profile changed)",
                )
            )
        spot, slot = plan.course, session.course
        if (spot is None) != (slot is None):
            out.append(
                (
                    "--sessions/--measures",
                    "made as a course session" if slot is not None else "made as a single session",
                )
            )
        elif spot is not None and slot is not None:
            if slot.of != spot.of:
                out.append(
                    (
                        "--sessions",
                        f"made in a course of {slot.of} session(s), this command plans {spot.of}",
                    )
                )
            else:
                had = sorted(a.answers.instrument for a in slot.measures if a.when == "pre")
                wanted_tags = self._instrument_tags(spot.instruments)
                if had != wanted_tags:
                    out.append(
                        (
                            "--measures",
                            f"questionnaires {', '.join(had) or 'none'}, this command gives "
                            f"{', '.join(wanted_tags) or 'none'}",
                        )
                    )
        return out

    def _instrument_tags(self, instruments: tuple[str, ...]) -> list[str]:
        if instruments not in self._tags:
            self._tags[instruments] = sorted(i.tag for i in resolve_instruments(instruments))
        return self._tags[instruments]


def _same_model(recorded: str, bound: str | None) -> bool:
    if bound is None:
        return False
    if recorded == bound:
        return True
    try:
        return parse_spec(recorded) == parse_spec(bound)
    except Exception:  # a recorded engine that is no model spec at all
        return False


def _resumable(
    source: Path, plans: list[SessionPlan], expected: _Expected | None = None
) -> dict[str, Session]:
    """The finished sessions of an interrupted (or failed) simulate, if they are this
    command's: every one must be a planned session with the planned seed, made with the same
    options (guardrail, locale, max turns, model roles, course length and questionnaires)."""
    done = finished_sessions(source)
    planned = {p.session_id: p.seed for p in plans}
    foreign = [s.id for s in done.values() if planned.get(s.id, -1) != s.seed]
    if foreign:
        raise InputError(
            f"{len(foreign)} finished session(s) were not made by these options (e.g. "
            f"{foreign[0]}); resume with the options that started it, or start the file afresh "
            "with --force instead of --resume",
            source=str(source),
        )
    if expected is None:
        return done
    differing: dict[str, list[tuple[str, str]]] = {}
    for plan in plans:
        session = done.get(plan.session_id)
        if session is None:
            continue
        for option, why in expected.differences(plan, session):
            differing.setdefault(option, []).append((session.id, why))
    if differing:
        parts = [
            f"{option}: {len(found)} session(s), e.g. {found[0][0]}: {found[0][1]}"
            for option, found in differing.items()
        ]
        raise InputError(
            f"{sum(len(f) for f in differing.values())} finished session(s) were made with "
            f"other options than this command's ({'; '.join(parts)}); resume with the options "
            "that started it, or start the file afresh with --force instead of --resume",
            source=str(source),
        )
    return done
