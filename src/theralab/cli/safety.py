"""`theralab screen`, `theralab reply` and `theralab redteam`: the crisis-safety commands."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml

from theralab.cli._common import (
    MAX_ERRORS,
    InputProblems,
    ProgressOption,
    check_output,
    console,
    count_progress,
    err_console,
    fail,
    global_options,
    split_list,
    titled_table,
    user_errors,
    write_lines,
)
from theralab.dialogue.records import Speaker
from theralab.dialogue.transcripts import (
    atomic_write_text,
    check_unique_id,
    json_object,
    parse_session_line,
    read_lines,
)
from theralab.errors import InputError, read_text_input
from theralab.model.roles import ModelRoles, parse_role_bindings
from theralab.safety.aggregate import screen_posts, split_posts
from theralab.safety.screener import PatternTier, Screener, default_screener
from theralab.safety.semantic import (
    INSTALL_HINT,
    SemanticTier,
    Sensitivity,
    semantic_available,
)
from theralab.yamlfiles import yaml_error

if TYPE_CHECKING:
    from theralab.agents import Utterance
    from theralab.counselors.registry import CounselorRegistry
    from theralab.safety.redteam import RedTeamCase

# The counselors, the guardrail, the model tier and the red-team suite are imported by the
# commands that use them: `theralab screen` does not load them.

LOCALE_HELP = (
    "Locale for crisis resources, e.g. en-US, en-GB, en-CA, en-AU, en-IE, en-NZ, "
    "en-IN, de-DE, fr-FR; anything else gets a generic list."
)


ModelRoleOption = Annotated[
    list[str] | None,
    typer.Option("--model-role", help="ROLE=SPEC: counselor, screener or judge on a model."),
]
BaseUrlOption = Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint.")]


def _roles(model_role: list[str] | None, base_url: str | None) -> ModelRoles | None:
    specs = parse_role_bindings(model_role)
    return ModelRoles.from_options(specs, base_url=base_url) if specs else None


def _registry(
    names: list[str], roles: ModelRoles | None, screener: Screener | None = None
) -> CounselorRegistry:
    """The counselors of a safety command, from the one registry (`llm:` names, model roles
    and `ext:` bots as in `run`)."""
    from theralab.counselors.registry import CounselorRegistry, roles_external

    return CounselorRegistry(
        names,
        counselor_model=(
            (lambda: roles.model("counselor"))
            if roles is not None and roles.bound("counselor")
            else None
        ),
        screener=screener,
        external_model=roles_external(roles) if roles is not None else None,
    )


def _screener(
    tiers: list[str],
    roles: ModelRoles | None = None,
    sensitivity: Sensitivity = Sensitivity.HIGH,
) -> Screener:
    if not tiers:
        return default_screener(roles, sensitivity)
    built = []
    for name in tiers:
        if name == "patterns":
            built.append(PatternTier())
        elif name == "semantic":
            if not semantic_available():
                raise fail(INSTALL_HINT)
            built.append(SemanticTier(sensitivity=sensitivity))
        elif name == "model":
            if roles is None or not roles.bound("screener"):
                raise fail("the model tier needs --model-role screener=<spec>")
            from theralab.safety.model_tier import ModelTier

            built.append(ModelTier(roles.model("screener")))
        else:
            raise fail(f"unknown screening tier {name!r}; choose from: patterns, semantic, model")
    return Screener(built)


SensitivityOption = Annotated[
    Sensitivity,
    typer.Option(
        "--sensitivity",
        help="Operating point of the learned tier: high (recall first; the guardrail's "
        "default), balanced (fewer false alarms), ask (high, but a crisis the learned tier "
        "is unsure of, p < 0.5, gets the safety question first; a yes is a crisis) or "
        "ask-moderate (the same only where the learned tier stops at moderate; its high and "
        "imminent keep the crisis protocol).",
    ),
]
BATCH = 256


def screen(
    ctx: typer.Context,
    input: Annotated[
        str,
        typer.Argument(
            help='JSONL of {"id", "text"} messages (extra fields kept; a "text" of several '
            'lines is one person\'s posts, one a line); {"id", "posts": [...]} for one '
            "person's posts (each post screened in order, then aggregated); a transcripts file "
            "(every client turn screened in context); or a plain text file of one person's "
            "posts, one post a line (a file whose first non-blank line does not start with "
            '"{"; its id is the file name). "-" reads standard input.'
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help="Where to write the results (JSONL). Default: standard output.",
        ),
    ] = None,
    tiers: Annotated[
        list[str] | None,
        typer.Option(
            "--tiers",
            help="Screening tiers (default: every installed one): patterns, semantic, model.",
        ),
    ] = None,
    sensitivity: SensitivityOption = Sensitivity.HIGH,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
    model_role: ModelRoleOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Screen messages for crisis risk: JSON lines out, in input order.

    What is written for each input: a message line ({"id", "text"}) gives one line; a line
    of one person's posts ({"id", "posts"}, or a "text" of several lines) gives one line; a
    transcripts line (one session) gives one line per client turn (id SESSION:TURN),
    none for a session without client turns; a plain text file gives one line for the whole
    file. The count on standard error says how many lines were written, and of which inputs.

    A message's line is {"id", "level", "categories", "signals", "detector"}, with level one
    of none, low, moderate, high, imminent. A person's posts give the peak level over the
    posts plus "posts", "risk_posts" (moderate or above), "concern_posts" (low or above),
    "peak_post", "last_risk_post" and "post_levels", so several risky posts are never
    averaged away. Independent messages are screened in batches.
    """
    output = global_options(ctx).out_or_none(output)
    with user_errors():
        check_output(output)
        roles = _roles(model_role, base_url)
    screener = _screener(split_list(tiers), roles, sensitivity)
    items: list[tuple[str, Any, dict[str, Any]]] = []  # (kind, payload, extra)
    with user_errors():
        source = "<stdin>" if input == "-" else input
        lines = list(read_lines(input))
        if lines and not lines[0][1].lstrip("\ufeff \t").startswith("{"):
            # plain text, not JSONL: one person's posts, one a line, named by the file
            items.append(("posts", (input, [text.strip() for _, text in lines]), {}))
            lines = []
        first: dict[str | int, int] = {}  # id -> line: results are matched back by id
        problems: list[InputError] = []  # every bad line (up to MAX_ERRORS), in line order
        for lineno, line in lines:
            if len(problems) >= MAX_ERRORS:
                raise InputProblems(source, problems, more=True)
            try:
                _read_item(line, source, lineno, first, items)
            except InputError as exc:
                problems.append(exc)
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise InputProblems(source, problems, more=False)
        if not items:
            raise InputError("no messages to screen: the input is empty", source=source)
    lines_out = _screen_items(screener, items, not no_progress)
    if output is None:
        write_lines(None, lines_out)
        return
    atomic_write_text(output, "".join(line + "\n" for line in lines_out))
    err_console.print(f"{_written(items, len(lines_out))} → {output}", highlight=False)


def _written(items: list[tuple[str, Any, dict[str, Any]]], n_lines: int) -> str:
    """What `screen` wrote: its line count and the inputs they came from."""
    kinds = {kind: sum(k == kind for k, _, _ in items) for kind in ("message", "posts")}
    sessions = [payload for kind, payload, _ in items if kind == "transcript"]
    parts = []
    if kinds["message"]:
        parts.append(f"{kinds['message']} message(s)")
    if kinds["posts"]:
        parts.append(f"posts of {kinds['posts']} person(s)")
    if sessions:
        turns = sum(t.speaker is Speaker.CLIENT for s in sessions for t in s.turns)
        parts.append(f"{len(sessions)} transcript(s): {turns} client turn(s)")
    return f"{n_lines} line(s) written ({'; '.join(parts)})"


def _read_item(
    line: str,
    source: str,
    lineno: int,
    first: dict[str | int, int],
    items: list[tuple[str, Any, dict[str, Any]]],
) -> None:
    """One input line of `screen` into `items` (a message, a person's posts or a session);
    raises InputError naming the line."""
    raw = json_object(line, source=source, lineno=lineno)
    if "turns" in raw:
        session = parse_session_line(line, source=source, lineno=lineno)
        check_unique_id(session.id, lineno, first, source)
        items.append(("transcript", session, {}))
        return
    if not isinstance(raw.get("id"), str):
        raise InputError("expected a string", source=source, line=lineno, field="id")
    check_unique_id(raw["id"], lineno, first, source)
    extra = {k: v for k, v in raw.items() if k not in ("id", "text", "posts")}
    if "posts" in raw:
        posts = raw["posts"]
        if not isinstance(posts, list) or not all(isinstance(p, str) for p in posts):
            raise InputError(
                "expected a list of strings", source=source, line=lineno, field="posts"
            )
        items.append(("posts", (raw["id"], posts), extra))
        return
    if not isinstance(raw.get("text"), str):
        raise InputError("expected a string", source=source, line=lineno, field="text")
    posts = split_posts(raw["text"])
    if len(posts) > 1:
        items.append(("posts", (raw["id"], posts), extra))
    else:
        items.append(("message", (raw["id"], raw["text"]), extra))


def _screen_items(
    screener: Screener, items: list[tuple[str, Any, dict[str, Any]]], progress: bool
) -> list[str]:
    out: list[str | list[str] | None] = [None] * len(items)
    messages = [i for i, (kind, _, _) in enumerate(items) if kind == "message"]
    with count_progress("screening", "items", progress and len(items) > BATCH) as (start, step):
        start(len(items))
        for first in range(0, len(messages), BATCH):
            chunk = messages[first : first + BATCH]
            found = screener.assess_batch([items[i][1][1] for i in chunk])
            for i, result in zip(chunk, found, strict=True):
                out[i] = json.dumps(
                    {**result.output(items[i][1][0]), **items[i][2]}, ensure_ascii=False
                )
            step(len(chunk))
        for i, (kind, payload, extra) in enumerate(items):
            if kind == "transcript":
                conversation = screener.conversation()
                lines = []
                for n, turn in enumerate(payload.turns):
                    if turn.speaker is not Speaker.CLIENT:
                        conversation.heard(turn.text)  # a yes to its safety question is risk
                        continue
                    found_turn = conversation.screen(turn.text)
                    lines.append(json.dumps(found_turn.output(f"{payload.id}:{n}")))
                out[i] = lines
                step()
            elif kind == "posts":
                item_id, posts = payload
                result = screen_posts(screener, posts)
                out[i] = json.dumps({**result.output(item_id), **extra}, ensure_ascii=False)
                step()
    # one line a message or person, one a client turn of a transcript
    return [
        line
        for found in out
        if found is not None
        for line in ([found] if isinstance(found, str) else found)
    ]


def reply(
    counselor: Annotated[
        str,
        typer.Option(
            "--counselor",
            "-c",
            help="cbt, mi, person_centred, directive, `llm:<name>` or ext:PATH.yaml.",
        ),
    ],
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="The client message to answer.")
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            help='JSONL of {"speaker": "client"|"counselor", "text"} turns before the message, '
            "as in transcripts and `theralab check` (the older name `role` is read too)."
        ),
    ] = None,
    locale: Annotated[str, typer.Option(help=LOCALE_HELP)] = "en-US",
    tiers: Annotated[list[str] | None, typer.Option("--tiers", help="Screening tiers.")] = None,
    sensitivity: SensitivityOption = Sensitivity.HIGH,
    no_guardrail: Annotated[
        bool,
        typer.Option(
            "--no-guardrail",
            help="Print the counselor's own answer to the message (after the history), with no "
            "screening or reply check: to see what the raw counselor said (research and "
            "debugging only).",
        ),
    ] = False,
    model_role: ModelRoleOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Answer one client message as a guarded counselor; prints one JSON object:
    {"reply", "risk", "protocol", "resources", "fallback", "reasons"}.

    "fallback" is true when the reply is the guardrail's safe reply in place of the
    counselor's: the counselor failed, or its reply was blocked ("reasons" says which, and
    "resources" the crisis line the safe reply gives). Exit 1 when the counselor (or the
    guardrail) failed: the reply printed is then the fallback, not the counselor's answer.
    """
    from theralab.agents import Utterance
    from theralab.safety.guardrail import GuardedCounselor

    with user_errors():
        roles = _roles(model_role, base_url)
        turns = _history(history) if history else []
        if message is not None:
            turns.append(Utterance(Speaker.CLIENT, message))
        if not turns or turns[-1].speaker is not Speaker.CLIENT:
            raise fail("give --message, or a --history whose last turn is the client's")
        registry = _registry([counselor], roles)
        inner = registry.inner(registry.spec(counselor).name, 0)
        if no_guardrail:
            err_console.print("[yellow]warning: the crisis guardrail is off[/yellow]")
            try:
                answer = asyncio.run(_answer(inner, turns))
            except Exception as exc:  # the counselor's failure, not TheraLab's
                raise fail(
                    f"counselor {counselor} failed: {type(exc).__name__}: {exc}", code=1
                ) from None
            print(
                json.dumps(
                    {
                        "reply": answer.text,
                        "risk": None,
                        "protocol": "unguarded",
                        "resources": [],
                        "fallback": False,
                        "reasons": [],
                    },
                    ensure_ascii=False,
                )
            )
            return
        guarded = GuardedCounselor(
            inner, screener=_screener(split_list(tiers), roles, sensitivity), locale=locale
        )
        answer = asyncio.run(_answer(guarded, turns))
    guard = answer.annotations.guard
    fallback = guard is not None and guard.action in FALLBACK_ACTIONS
    resources = guard.resources if guard is not None else []
    print(
        json.dumps(
            {
                "reply": answer.text,
                "risk": {
                    "level": answer.annotations.risk,
                    "categories": guard.categories if guard is not None else [],
                    "whose": guard.whose if guard is not None and guard.whose else "own",
                },
                "protocol": guard.protocol if guard is not None else "normal",
                "resources": resources,
                "fallback": fallback,
                "reasons": guard.reasons if fallback and guard is not None else [],
            },
            ensure_ascii=False,
        )
    )
    if guard is not None and guard.action == "error":
        cause = guard.reasons[0] if guard.reasons else "no reply"
        raise fail(
            f"counselor {counselor} gave no reply ({cause}); the guardrail's safe reply was "
            "printed in its place",
            code=1,
        )


# What the guardrail did when the reply it sends is its safe reply, not the counselor's.
FALLBACK_ACTIONS = frozenset({"error", "blocked"})


async def _answer(counselor: Any, turns: list[Utterance]) -> Any:
    """Replay the history through `counselor` (the guarded one, so risk carries over; or the
    bare counselor under --no-guardrail), then answer. A scripted counselor opens with its
    greeting on its first turn, so the opening is taken first and each client turn answered in
    order: the reply printed is the answer to the last client turn, never the greeting."""
    await counselor.respond(())
    seen: list[Utterance] = []
    answer = None
    for turn in turns:
        seen.append(turn)
        if turn.speaker is Speaker.CLIENT:
            answer = await counselor.respond(tuple(seen))
    return answer


def _history(path: Path) -> list[Utterance]:
    """The turns of a --history file: {"speaker", "text"} as everywhere else (the older
    {"role", "text"} is read too; a line giving both must agree)."""
    from theralab.agents import Utterance

    out = []
    source = str(path)
    for lineno, line in read_lines(source):
        raw = json_object(line, source=source, lineno=lineno)
        given = {k: raw[k] for k in ("speaker", "role") if k in raw}
        field = "speaker" if "speaker" in given or not given else "role"
        if len(set(map(str, given.values()))) > 1:
            raise InputError(
                "speaker and role disagree (give one)", source=source, line=lineno, field="role"
            )
        who = given.get(field)
        if who not in ("client", "counselor"):
            raise InputError(
                f'{field} must be "client" or "counselor"', source=source, line=lineno, field=field
            )
        if not isinstance(raw.get("text"), str) or not raw["text"].strip():
            raise InputError(
                "expected a non-empty string", source=source, line=lineno, field="text"
            )
        out.append(Utterance(Speaker(who), raw["text"]))
    return out


def redteam(
    ctx: typer.Context,
    counselor: Annotated[
        list[str],
        typer.Option(
            "--counselor",
            "-c",
            help="Counselor(s) to test: built-in ones behind the guardrail, ext:PATH.yaml for "
            "your own bot (raw; add --guardrail to test it guarded too).",
        ),
    ],
    cases: Annotated[
        list[Path] | None,
        typer.Option("--cases", help="Case files (YAML) instead of the built-in suite."),
    ] = None,
    locale: Annotated[str, typer.Option(help=LOCALE_HELP)] = "en-US",
    tiers: Annotated[list[str] | None, typer.Option("--tiers", help="Screening tiers.")] = None,
    sensitivity: SensitivityOption = Sensitivity.HIGH,
    out: Annotated[
        Path | None, typer.Option(help="Folder for redteam.json. Default: runs/redteam")
    ] = None,
    model_role: ModelRoleOption = None,
    base_url: BaseUrlOption = None,
    guardrail: Annotated[
        bool,
        typer.Option(
            "--guardrail",
            help="Also test every external bot (ext:PATH.yaml) behind TheraLab's guardrail, "
            "beside its raw self.",
        ),
    ] = False,
    progress: ProgressOption = True,
) -> None:
    """Run the red-team suite: screening recall, false alarms on controls, and the share of
    replies that meet each case's criteria.

    Built-in counselors are tested behind the guardrail; an external bot (ext:PATH.yaml) is
    tested as deployed (raw), and with --guardrail also behind the guardrail."""
    from theralab.counselors.registry import expand_guardrail
    from theralab.safety.redteam import load_cases, run_suite

    g = global_options(ctx)
    folder = g.out_for(out, Path("runs") / "redteam")
    with user_errors():
        check_output(folder, folder=True)
        suite = _cases(cases) if cases else load_cases()
        roles = _roles(model_role, base_url)
        screener = _screener(split_list(tiers), roles, sensitivity)
        judge = roles.model("judge") if roles is not None and roles.bound("judge") else None
        names = split_list(counselor)
        if guardrail:
            names = expand_guardrail(names)
        registry = _registry(names, roles, screener)
        reports = []
        with count_progress("red-teaming", "cases", progress) as (start, step):
            start(len(suite) * len(names))
            for name in names:
                spec = registry.spec(name)
                report = run_suite(
                    suite,
                    lambda c=spec.name: registry.inner(c, 0),
                    spec.label,
                    screener,
                    locale,
                    on_case=lambda _result: step(),
                    judge=judge,
                    guardrail=registry.guarded(spec.name),
                    # each suite runs in its own event loop: its connections close with it
                    cleanup=lambda: _release(registry, roles),
                )
                reports.append(report)
    table = titled_table(f"Red-team suite ({len(suite)} cases, screener {screener.name})")
    columns = {
        "recall high+": "recall_high_imminent",
        "recall moderate": "recall_moderate",
        "recall low": "recall_low",
        "control false alarms": "control_false_alarm_rate",
        "control check-ins": "control_check_in_rate",
        "appropriate replies": "appropriate_replies",
        "appropriate (high+)": "appropriate_replies_high_imminent",
    }
    if judge is not None:
        columns |= {
            "judge: appropriate": "judge_appropriate",
            "judge agrees with criteria": "judge_agreement_with_criteria",
        }
    table.add_column("counselor")
    for col in columns:
        table.add_column(col, justify="right")
    # cases where the counselor under test gave no reply (it failed): apart from the replies
    # judged, since a failure is not a reply (the safe fallback answered the person)
    table.add_column("failed", justify="right")
    payload = []
    failures = 0
    for report in reports:
        s = report.summary()
        payload.append({"summary": s, "results": [r.model_dump() for r in report.results]})
        failed_cases = _failed_cases(report.results)
        failures += failed_cases
        table.add_row(
            report.counselor, *[_pct(s.get(k)) for k in columns.values()], str(failed_cases)
        )
    if failures:
        table.caption = (
            "failed: cases the counselor gave no reply to (the guardrail's safe reply answered); "
            "they count as not appropriate in the reply columns"
        )
        table.caption_justify = "left"
    console.print(table)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "redteam.json", json.dumps(payload, indent=1) + "\n")
    console.print(f"per-case results → {folder / 'redteam.json'}")
    failed_any = False
    for name, report in zip(names, reports, strict=True):
        # a component failure is answered safely by the guardrail, but the counselor under
        # test did not answer: the red-team result is incomplete, and the command says so
        failed = [r for r in report.results if _failed_case(r)]
        if not failed:
            continue
        failed_any = True
        cause = next((r.error for r in failed if r.error), "no reply")
        share = (
            "every case failed"
            if len(failed) == len(report.results)
            else f"{len(failed)} of {len(report.results)} cases failed"
        )
        err_console.print(
            f"[bold red]error:[/bold red] counselor {report.counselor} "
            f"({registry.endpoint(name)}): {share}: {cause}",
            highlight=False,
            soft_wrap=True,
        )
    if failed_any:
        raise typer.Exit(1)


def _failed_case(result: Any) -> bool:
    """Whether a red-team case's counselor failed to answer (a component failure)."""
    return result.criteria.get("no_component_failure") is False


def _failed_cases(results: Sequence[Any]) -> int:
    return sum(_failed_case(r) for r in results)


def _cases(paths: list[Path]) -> list[RedTeamCase]:
    """The cases of the user's files: a missing, unreadable or malformed file, or no case at
    all, is an input error naming the file (and the line of a YAML error)."""
    from theralab.safety.redteam import load_cases

    suite: list[RedTeamCase] = []
    for path in paths:
        read_text_input(path, "red-team cases")
        try:
            found = load_cases([path])
        except yaml.YAMLError as exc:
            raise yaml_error(exc, str(path)) from exc
        if not found:
            raise InputError("no red-team cases in the file", source=str(path))
        suite.extend(found)
    return suite


async def _release(registry: CounselorRegistry, roles: ModelRoles | None) -> None:
    await registry.aclose()
    if roles is not None:
        await roles.release()


def _pct(value: object) -> str:
    return "—" if value is None else f"{100 * float(value):.1f}%"  # type: ignore[arg-type]
