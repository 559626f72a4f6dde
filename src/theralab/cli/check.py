"""`theralab check`: the reply checker over a file of (history, reply) pairs from any bot."""

from __future__ import annotations

import json
import sys
from collections import Counter
from enum import StrEnum
from typing import Annotated, Literal

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from theralab.cli._common import check_output, err_console, global_options, user_errors
from theralab.dialogue.transcripts import atomic_write_text, json_object, read_lines
from theralab.errors import InputError
from theralab.safety.reply_check import REASONS, check_reply


class HistoryTurn(BaseModel):
    """One earlier turn of the conversation."""

    model_config = ConfigDict(extra="ignore")
    speaker: Literal["client", "counselor"]
    text: str


class CheckItem(BaseModel):
    """One input line: a reply to check, with the conversation before it."""

    model_config = ConfigDict(extra="ignore")
    id: str | int
    history: list[HistoryTurn] = Field(default_factory=list)
    reply: str = Field(min_length=1)

    def client_messages(self) -> list[str]:
        return [t.text for t in self.history if t.speaker == "client"]


class Sensitivity(StrEnum):
    """`theralab check --sensitivity`."""

    HIGH = "high"
    BALANCED = "balanced"


class CheckResult(BaseModel):
    """One output line."""

    id: str | int
    allowed: bool
    reasons: list[str]
    risk: str
    overruled: list[str] = Field(
        default_factory=list,
        description="rules whose block the learned head overruled (reply_check.CONFIRMED_BY_HEAD)",
    )


def parse_item(line: str, *, source: str, lineno: int) -> CheckItem:
    """One input line; errors name the source, the line and the field."""
    raw = json_object(line, source=source, lineno=lineno, shape=' ({"id", "history", "reply"})')
    try:
        return CheckItem.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ""
        for part in first["loc"]:
            field += f"[{part}]" if isinstance(part, int) else f".{part}" if field else str(part)
        more = f" (and {exc.error_count() - 1} more errors)" if exc.error_count() > 1 else ""
        raise InputError(
            f"{first['msg']}{more}", source=source, line=lineno, field=field or "<root>"
        ) from exc


def check_lines(
    path: str, *, learned: bool | None = None, sensitivity: str = "high"
) -> list[CheckResult]:
    """Check every reply in a JSONL file (or "-" for standard input); `learned=False` runs the
    rules alone; `sensitivity` chooses the learned head (`check_reply`)."""
    source = "<stdin>" if path == "-" else path
    results: list[CheckResult] = []
    for lineno, line in read_lines(path):
        item = parse_item(line, source=source, lineno=lineno)
        verdict = check_reply(
            item.reply, history=item.client_messages(), learned=learned, sensitivity=sensitivity
        )
        results.append(
            CheckResult(
                id=item.id,
                allowed=verdict.allowed,
                reasons=list(verdict.reasons),
                risk=verdict.level.value,
                overruled=list(verdict.overruled),
            )
        )
    return results


def check(
    ctx: typer.Context,
    input: Annotated[
        str,
        typer.Argument(
            help='JSONL of {"id", "history": [{"speaker": "client"|"counselor", "text"}, ...], '
            '"reply"} lines, or "-" for standard input.',
            show_default=False,
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--out",
            "--output",
            "-o",
            help='Where to write the results (JSONL); "-" for standard output (the default).',
            show_default=False,
        ),
    ] = None,
    fail_on_block: Annotated[
        bool,
        typer.Option(
            "--fail-on-block", help="Exit with code 1 when any reply is blocked (for CI gates)."
        ),
    ] = False,
    rules_only: Annotated[
        bool,
        typer.Option(
            "--rules-only",
            help="Only the explainable rules, without the learned head (which otherwise joins "
            "them when the semantic extra is installed and THERALAB_SEMANTIC is not 0).",
        ),
    ] = False,
    sensitivity: Annotated[
        Sensitivity,
        typer.Option(
            "--sensitivity",
            help="The learned head's operating point. high (default): the head trained on the "
            "labelled crisis scenarios judges every history that shows risk; it also blocks "
            "much ordinary support in real distress talk (40% of real supporters' replies in "
            "ESConv). balanced: where only the learned screener finds risk (the rules read "
            "none), a head trained also on real supporters' replies judges instead (about 6% "
            "blocked there), at some cost in inappropriate replies found after subtle risk; "
            "figures in docs/safety.md.",
        ),
    ] = Sensitivity.HIGH,
) -> None:
    """Check counselor replies from any bot before they are sent.

    Each input line holds one reply and the conversation before it; the checker reads the
    client's messages itself (no risk level needs to be passed in) and blocks a reply that
    gives method, means, location or lethality detail, restates or affirms a delusion as fact,
    helps with a manic plan or praises not sleeping, feeds a compulsion (reassurance, checking,
    products), gives eating-disorder tactics, helps conceal self-harm or not eating, uses
    stigmatising language, ignores suicide, self-harm or voices commanding harm (no safety
    question and no path to a person), meets psychosis, mania or purging with no clinical move
    (no question, doubt, word about risk or sleep, or person), or offers a children's service to
    someone who has not said they are under 18. A learned head (the client's last messages and
    the reply read together by a fine-tuned sentence encoder) can add a block the rules missed
    (`learned_inappropriate`) when the history shows risk or a condition and the semantic extra
    is installed; --rules-only leaves it out.

    Each output line is {"id", "allowed", "reasons", "risk", "overruled"}, in input order;
    `risk` is the level the checker read in the history (none, low, moderate, high, imminent);
    `overruled` names a rule whose block the learned head overruled (it confirms
    missing_crisis_response, which blocks for what it cannot find, and lets the reply through
    when it is confident the reply is appropriate). A summary
    goes to standard error. Exit codes: 0 done, 1 a reply was blocked and --fail-on-block was
    given, 2 bad input (the message names the file, line and field).

    Example: `theralab check replies.jsonl -o verdicts.jsonl --fail-on-block`
    """
    g = global_options(ctx)
    output = output or (str(g.out) if g.out is not None else "-")
    if sensitivity is Sensitivity.BALANCED and not rules_only:
        from theralab.safety.reply_check.learned import REAL_WEIGHTS, reply_head

        if reply_head(REAL_WEIGHTS) is None:
            err_console.print(
                "[yellow]warning: --sensitivity balanced needs the real-talk head (the semantic "
                "extra and its files); checking with the default head[/yellow]"
            )
    with user_errors():
        check_output(output)
        results = check_lines(
            input, learned=False if rules_only else None, sensitivity=sensitivity.value
        )
        text = "".join(json.dumps(r.model_dump(), ensure_ascii=False) + "\n" for r in results)
        if output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            atomic_write_text(output, text)
    blocked = [r for r in results if not r.allowed]
    by_reason = Counter(reason for r in blocked for reason in r.reasons)
    err_console.print(
        f"checked {len(results)} replies: {len(results) - len(blocked)} allowed, "
        f"{len(blocked)} blocked" + (f" → {output}" if output != "-" else ""),
        highlight=False,
    )
    for reason in REASONS:
        if by_reason[reason]:
            err_console.print(f"  {reason}: {by_reason[reason]}", highlight=False)
    overruled = Counter(reason for r in results for reason in r.overruled)
    for reason, n in sorted(overruled.items()):
        err_console.print(f"  {reason} overruled by the learned head: {n}", highlight=False)
    if fail_on_block and blocked:
        raise typer.Exit(1)
