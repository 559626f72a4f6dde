"""A run: its configuration, its directory, and the end-to-end job (simulate → evaluate → report).

A run directory (`theralab.rundir.RunDir` owns its file names) holds:
- `run.json`: the run record — status (running / complete / failed / partial / interrupted),
  planned and finished sessions, the configuration, model usage and the files written
- `config.json`: everything needed to rerun it (`theralab run --config runs/<id>/config.json`)
- `transcripts.jsonl`: one session per line, in plan order; a pure function of the config
- `timings.jsonl`: wall-clock timing per session (kept apart so transcripts stay reproducible)
- `results.json`: per-session and per-counselor metrics
- `report.html`: the self-contained report

While the run is going, each session is appended to `transcripts.jsonl` the moment it ends;
at the end the file is rewritten in plan order. An interrupted run keeps every finished session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from theralab.counselors import DEFAULT_COUNSELORS, resolve_counselor
from theralab.counselors.external import ExternalBot
from theralab.counselors.registry import CounselorRegistry, is_external, parse_counselor
from theralab.dialogue.records import SCHEMA_VERSION, Session, StopReason
from theralab.dialogue.transcripts import (
    append_line,
    atomic_write_text,
    parse_session_line,
    write_sessions,
)
from theralab.errors import BadValue, InputError, read_json_model
from theralab.evaluate.results import DEFAULT_RANK_BY, Results, evaluate_sessions
from theralab.measures import resolve_instruments
from theralab.model.model import Model
from theralab.profiles.library import builtin_profiles, load_profiles, sample_panel
from theralab.profiles.model import ClientProfile
from theralab.report import write_report
from theralab.rundir import RunDir, RunRecord
from theralab.seeds import DEFAULT_SEED
from theralab.simulate.distributed import SessionCluster, add_usage, run_plans
from theralab.simulate.runner import plan_sessions
from theralab.simulate.session import DEFAULT_MAX_TURNS
from theralab.version import __version__

DEFAULT_CLIENTS = 16


class RunConfig(BaseModel):
    """Everything that determines a run's transcripts and results."""

    model_config = ConfigDict(extra="forbid")

    counselors: list[str] = Field(default_factory=lambda: list(DEFAULT_COUNSELORS))
    profiles: list[str] = Field(
        default_factory=list, description="Profile ids or files; empty = sample `clients`."
    )
    clients: int = Field(default=DEFAULT_CLIENTS, ge=1)
    seed: int = DEFAULT_SEED
    repeats: int = Field(default=1, ge=1)
    sessions: int = Field(
        default=1, ge=1, le=52, description="Sessions per course (each client, each counselor)."
    )
    measures: list[str] | None = Field(
        default=None,
        description="Questionnaires (ids or files) before each session and after the last; "
        "None = PHQ-9 and GAD-7 (plus a condition's check) for courses, none for one session.",
    )
    max_turns: int = Field(default=DEFAULT_MAX_TURNS, ge=2, le=400)
    concurrency: int = Field(default=8, ge=1)
    evaluators: list[str] | None = None
    guardrail: bool = Field(default=True, description="Crisis guardrail around every counselor.")
    locale: str | None = Field(default=None, description="Locale for crisis resources.")
    model_roles: dict[str, str] = Field(
        default_factory=dict, description="Roles bound to model specs; unbound = scripted."
    )
    base_url: str | None = None
    max_connections: int = Field(default=8, ge=1)
    cache: bool = True
    cost_limit: float | None = Field(default=None, gt=0)
    max_session_tokens: int | None = Field(default=None, ge=1)
    max_retries: int = Field(default=6, ge=0, description="Retries per model call.")
    timeout: float | None = Field(
        default=None, gt=0, description="Seconds a model call may take; None: 120."
    )
    context_window: int | None = Field(
        default=None, ge=64, description="Model server's context window in tokens."
    )
    rank_by: str = DEFAULT_RANK_BY
    theralab_version: str = __version__
    transcript_schema_version: int = SCHEMA_VERSION
    profile_digests: dict[str, str] = Field(
        default_factory=dict, description="sha256 of each profile used, to detect edits."
    )
    bot_digests: dict[str, str] = Field(
        default_factory=dict,
        description="sha256 of what defines each external bot (not where it is served).",
    )

    def resolved(self) -> tuple[RunConfig, list[ClientProfile]]:
        """Canonical counselor names and an explicit, digested profile list."""
        counselors = [resolve_counselor(c) for c in self.counselors]
        check_lineup(counselors, self.model_roles)
        if self.profiles:
            profiles = load_profiles(self.profiles)
        else:
            library = len(builtin_profiles())
            if self.clients > library:  # a panel is of different clients: never cut silently
                raise BadValue(
                    f"--clients {self.clients}: the built-in library has {library} clients "
                    "(a panel's clients all differ); for more sessions per client add "
                    f"--repeats (e.g. --clients {library} --repeats "
                    f"{-(-self.clients // library)}), or give your own --profiles"
                )
            profiles = sample_panel(self.clients, self.seed)
        if self.measures:
            resolve_instruments(self.measures)  # an unknown or malformed one fails here
        digests = {p.id: profile_digest(p) for p in profiles}
        bots = {
            spec.label: bot_digest(spec.bot)
            for spec in map(parse_counselor, counselors)
            if spec.bot is not None
        }
        config = self.model_copy(
            update={
                "counselors": counselors,
                "profiles": [p.id for p in profiles] if not self.profiles else self.profiles,
                "clients": len(profiles),
                "profile_digests": digests,
                "bot_digests": bots,
            }
        )
        return config, profiles

    def digest(self) -> str:
        payload = self.model_dump(
            exclude={
                "theralab_version",
                "concurrency",
                "max_connections",
                "cache",
                "cost_limit",
                "base_url",
                "max_retries",
                "timeout",
                "context_window",
            }
        )
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def check_lineup(counselors: Sequence[str], model_roles: dict[str, str]) -> None:
    """Refuse, before anything runs, a line-up that cannot give a fair result: a counselor
    named twice (its sessions would run twice under the same ids, doubling its n), and a
    model-backed counselor (`llm:…`, act, pfa) with no counselor model bound."""
    seen: dict[str, str] = {}
    for name in counselors:
        spec = parse_counselor(name)
        if spec.key in seen:
            raise BadValue(
                f"counselor {spec.label} is named twice ({seen[spec.key]!r} and {name!r}); "
                "name each counselor once (--repeats gives more sessions)"
            )
        seen[spec.key] = name
        if spec.kind == "model" and "counselor" not in model_roles:
            raise BadValue(
                f"the {spec.name} counselor is model-backed only: bind a model with "
                "--model-role counselor=<spec> (e.g. counselor=openai/gpt-4o-mini)"
            )


def profile_digest(profile: ClientProfile) -> str:
    return hashlib.sha256(profile.model_dump_json().encode()).hexdigest()[:16]


# Where and how an external bot is reached: editing these (a fixed URL, a longer timeout)
# does not make it another bot, so a run can be resumed after such a fix.
_TRANSPORT_KEYS = {
    "base_url",
    "url",
    "headers",
    "api_key_env",
    "timeout",
    "max_retries",
    "max_connections",
    "cache",
    "description",
}


def bot_digest(bot: ExternalBot) -> str:
    """What makes an external bot the bot it is (kind, model, system prompt, request
    template, reply path, function…), so `--resume` notices a bot edited mid-run."""
    payload = bot.config.model_dump(mode="json", exclude=_TRANSPORT_KEYS)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def load_config(path: str | Path) -> RunConfig:
    return read_json_model(Path(path), RunConfig, "run configuration")


def new_run_id(config: RunConfig) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{config.digest()[:6]}"


@dataclass
class RunOutcome:
    run_dir: Path
    config: RunConfig
    sessions: list[Session]
    results: Results
    planned: int = 0
    resumed: int = 0
    dropped: int = 0  # sessions of courses the client had dropped out of: never held
    usage: dict[str, dict[str, float | int]] | None = None
    # (counselors whose every session failed, counselors with some failed sessions)
    failures: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []))

    @property
    def unfinished(self) -> int:
        """Planned sessions not run (a cost limit stopped the run, or an earlier session of
        their course failed): resume to finish them. Dropouts' sessions are not counted."""
        return self.planned - len(self.sessions) - self.dropped


def finished_sessions(journal: Path) -> dict[str, Session]:
    """Sessions already finished in a run's journal; failed ones are redone on resume."""
    return {
        sid: s
        for sid, s in journal_sessions(journal).items()
        if s.stop_reason is not StopReason.ERROR
    }


def journal_sessions(journal: Path) -> dict[str, Session]:
    """Every session of a run's journal, failed ones too (the latest line of each id)."""
    found: dict[str, Session] = {}
    if not journal.exists():
        return found
    for lineno, line in enumerate(journal.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            session = parse_session_line(line, source=str(journal), lineno=lineno)
        except InputError:
            continue  # a line cut short by a crash: that session simply runs again
        found[session.id] = session
    return found


def _timing_line(session: Session) -> str | None:
    """A session's line of timings.jsonl (None for a session without timing)."""
    if session.timing is None:
        return None
    return json.dumps({"id": session.id, **session.timing.model_dump()})


def _recorded_timings(path: Path) -> dict[str, str]:
    """id → line of the timings recorded so far (the latest line of each id; a line cut
    short by a crash is skipped)."""
    found: dict[str, str] = {}
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            sid = json.loads(line)["id"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(sid, str):
            found[sid] = line
    return found


def _not_held(sessions: Iterable[Session]) -> int:
    """Course sessions never held: those after a session whose client dropped out."""
    return sum(
        s.course.of - s.course.index
        for s in sessions
        if s.course is not None and s.course.carry.dropped_out
    )


def _check_unchanged(old: RunConfig, new: RunConfig, source: Path) -> None:
    """Resume only what this command would run: the same options, the same client profiles
    and the same external bots as the run's recorded config (edits are named)."""
    for label, digest in new.bot_digests.items():
        before = old.bot_digests.get(label)
        if before is not None and before != digest:
            raise InputError(
                f"the external bot {label} has changed since this run started (its model, "
                "prompt, request template or reply path); its finished sessions came from "
                "the old bot: start a new run, or restore the bot's file",
                source=str(source),
            )
    for pid, digest in new.profile_digests.items():
        before = old.profile_digests.get(pid)
        if before is not None and before != digest:
            raise InputError(
                f"the client profile {pid} has changed since this run started; its finished "
                "sessions used the old profile: start a new run, or restore the profile",
                source=str(source),
            )
    if old.digest() != new.digest():
        raise InputError(
            "the run's configuration differs from this command's; resume with the same "
            "options, or with `--resume --run-id ID` and no option that says what to run "
            "(the run's own config.json is used)",
            source=str(source),
        )


def execute_run(
    config: RunConfig,
    run_dir: Path,
    *,
    on_session: Callable[[Session], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    report: bool = True,
    resume: bool = False,
    cluster: SessionCluster | None = None,
) -> RunOutcome:
    """Simulate, evaluate and report into `run_dir` (created if needed).

    With `resume`, a run directory with the same configuration keeps its finished sessions
    and runs only the rest (failed sessions run again). With `cluster`, the sessions run on a
    Dask cluster (`theralab.simulate.distributed`); the transcripts are the same.
    """
    config, profiles = config.resolved()
    run_dir.mkdir(parents=True, exist_ok=True)
    rd = RunDir(run_dir)
    journal = rd.transcripts
    previous = rd.config
    earlier_usage: dict[str, dict[str, float | int]] = {}
    if resume and previous.exists():
        old = load_config(previous)
        _check_unchanged(old, config, previous)
        done = finished_sessions(journal)
        earlier_usage = recorded_usage(rd.usage)
    else:
        done = {}
        journal.unlink(missing_ok=True)
        rd.usage.unlink(missing_ok=True)
    # timings of the sessions kept; the others' are written as they finish (as the journal is)
    kept_timings = {sid: t for sid, t in _recorded_timings(rd.timings).items() if sid in done}
    atomic_write_text(previous, config.model_dump_json(indent=2) + "\n")
    plans = plan_sessions(
        config.counselors,
        profiles,
        config.seed,
        config.repeats,
        config.max_turns,
        config.max_session_tokens,
        sessions=config.sessions,
        measures=config.measures,
    )
    todo = [p for p in plans if p.session_id not in done]
    if done:
        write_sessions(journal, [done[p.session_id] for p in plans if p.session_id in done])
    atomic_write_text(
        rd.timings,
        "".join(kept_timings[p.session_id] + "\n" for p in plans if p.session_id in kept_timings),
    )

    def finished_one(session: Session) -> None:
        line = _timing_line(session)
        if line is not None:
            append_line(rd.timings, line)
        if on_session is not None:
            on_session(session)

    if on_start:
        on_start(len(todo))
    role_options = (
        {
            "specs": config.model_roles,
            "base_url": config.base_url,
            "max_connections": config.max_connections,
            "cache": config.cache,
            "cost_limit": config.cost_limit,
            "max_retries": config.max_retries,
            "timeout": config.timeout,
            "context_window": config.context_window,
            # the limit is the run's: what earlier invocations spent counts, and it stops new
            # sessions (the ones under way finish), as the docs say
            "spent_before": spent(earlier_usage),
            "per_call_limit": False,
        }
        if config.model_roles or any(is_external(c) for c in config.counselors)
        else None
    )
    record = RunRecord(
        status="running",
        config_digest=config.digest(),
        planned=len(plans),
        resumed=len(done),
        config=config.model_dump(mode="json"),
    )
    rd.write_record(record)
    try:
        ran, usage = run_plans(
            todo,
            profiles,
            cluster=cluster,
            role_options=role_options,
            concurrency=config.concurrency,
            journal=journal,
            on_done=finished_one,
            guardrail=config.guardrail,
            locale=config.locale,
            counselor_lineup=config.counselors,
            finished=list(done.values()),
        )
        fresh = {s.id: s for s in ran}
    except BaseException as exc:  # Ctrl-C, a crash: the record says the run did not finish
        kept = journal_sessions(journal).values()
        finished = len(kept)
        dropped = _not_held(kept)
        rd.write_record(
            record.interrupted(
                f"{type(exc).__name__}: {exc}".rstrip(": "),
                finished=finished,
                failed=sum(s.stop_reason is StopReason.ERROR for s in kept),
                dropped=dropped,
                unfinished=len(plans) - finished - dropped,
            )
        )
        raise
    merged = {**done, **fresh}
    sessions = [merged[p.session_id] for p in plans if p.session_id in merged]
    write_sessions(journal, sessions)  # final order: the plan's, whatever finished first
    timings = {**kept_timings, **{s.id: t for s in fresh.values() if (t := _timing_line(s))}}
    atomic_write_text(
        rd.timings, "".join(timings[s.id] + "\n" for s in sessions if s.id in timings)
    )
    results = evaluate_sessions(
        sessions,
        config.evaluators,
        config.rank_by,
        seed=config.seed,
        instruments=resolve_instruments(config.measures) if config.measures else (),
    )
    write_results(rd.results, results)
    dropped = _not_held(sessions)
    record = record.done(
        finished=len(sessions),
        failed=sum(s.stop_reason is StopReason.ERROR for s in sessions),
        dropped=dropped,
        unfinished=len(plans) - len(sessions) - dropped,
    )
    if report:
        write_report(
            rd.report,
            results,
            sessions,
            title=f"TheraLab run {run_dir.name}",
            config=config.model_dump(),
            status=(record.status, record.message),
        )
    if usage is not None or earlier_usage:
        # the run's usage: every invocation's, summed (a resume adds to it, never replaces it)
        usage = add_usage(earlier_usage, usage or {})
        atomic_write_text(rd.usage, json.dumps(usage, indent=1) + "\n")
    rd.write_record(record.model_copy(update={"usage": usage, "files": rd.files()}))
    return RunOutcome(
        run_dir,
        config,
        sessions,
        results,
        planned=len(plans),
        resumed=len(done),
        dropped=dropped,
        usage=usage,
        failures=session_failures(
            config.counselors, sessions, config.model_roles.get("counselor"), config.base_url
        ),
    )


def recorded_usage(path: Path) -> dict[str, dict[str, float | int]]:
    """A run's usage.json (role → figures), or {} when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, dict)}


def spent(usage: dict[str, dict[str, float | int]]) -> float:
    """The dollars a usage record adds up to."""
    return float(sum(float(u.get("dollars", 0) or 0) for u in usage.values()))


def session_failures(
    counselors: list[str],
    sessions: list[Session],
    model_spec: str | None = None,
    base_url: str | None = None,
) -> tuple[list[str], list[str]]:
    """What failed, one line per counselor, split in two: counselors whose every session
    failed (their bot or model never answered: no result at all) and counselors with some
    failed sessions (scored without them; `--resume` redoes them). Each line names the
    counselor, where its replies come from, and the most common cause."""

    def unused() -> Model:  # the model is not needed to say where replies came from
        raise AssertionError

    registry = CounselorRegistry(
        counselors,
        counselor_model=unused if model_spec else None,
        counselor_endpoint=(
            f"{model_spec} at {base_url}" if model_spec and base_url else model_spec
        ),
    )
    total: list[str] = []
    partial: list[str] = []
    for name in counselors:
        spec = registry.spec(name)
        mine = [s for s in sessions if s.id.startswith(f"{spec.key}--")]  # plan_sessions' ids
        failed = [s for s in mine if s.stop_reason is StopReason.ERROR]
        if not failed:
            continue
        causes = Counter(
            (s.outcome.error if s.outcome else None) or "unknown error" for s in failed
        )
        cause = causes.most_common(1)[0][0]
        where = f"counselor {spec.label} ({registry.endpoint(name)})"
        if len(failed) == len(mine):
            total.append(f"{where}: all {len(mine)} session(s) failed: {cause}")
        else:
            partial.append(f"{where}: {len(failed)} of {len(mine)} session(s) failed: {cause}")
    return total, partial


def write_results(path: Path, results: Results) -> None:
    atomic_write_text(path, results.model_dump_json(indent=1) + "\n")
