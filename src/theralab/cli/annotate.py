"""`theralab annotate mi|empathy`: code utterances offline, one JSON line out per line in.

Input is checked whole before anything is coded: every problem (up to `MAX_ERRORS`) is listed
in line order, and nothing is written. Utterances in a language the coders cannot read (they
are trained on English only) keep their code but are marked `"unread_language": true` with
their `"language"`, and a warning counts them (`theralab.evaluate.language`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO, TypeVar

import typer

from theralab.cli._common import (
    MAX_ERRORS,
    InputProblems,
    check_output,
    err_console,
    fail,
    global_options,
    phase_progress,
    user_errors,
    write_lines,
)
from theralab.coding.empathy import EmpathyCoder, empathy_coder_available
from theralab.coding.mi_coder import (
    MICoder,
    MICoderLike,
    RuleMICoder,
    default_mi_coder,
    mi_coder_available,
)
from theralab.dialogue.transcripts import json_object
from theralab.errors import InputError, TheraLabError
from theralab.evaluate.language import unread_language
from theralab.safety.semantic import INSTALL_HINT, semantic_available
from theralab.text.embedding_store import disk_cache

app = typer.Typer(
    help=(
        "Code utterances offline. `mi`: MISC behaviour codes of counselor utterances and "
        "change / neutral / sustain talk of client utterances (trained on AnnoMI, ESConv and "
        "MI-Welivita). "
        "`empathy`: EPITOME's emotional reactions, interpretations and explorations (0–2) of "
        "support responses (trained on EPITOME)."
    ),
    no_args_is_help=True,
)

BATCH = 256
SPEAKERS = ("counselor", "client")
T = TypeVar("T")

InputArg = Annotated[str, typer.Argument(help='JSONL input file, or "-" for standard input.')]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", "--output", "-o", help="Where to write the JSONL results. Default: stdout."
    ),
]
NoProgressOpt = Annotated[bool, typer.Option("--no-progress", help="Do not show the progress bar.")]
EmbeddingCacheOpt = Annotated[
    bool,
    typer.Option(
        help="Keep sentence vectors on disk (~/.cache/theralab/embeddings.sqlite, or "
        "$THERALAB_EMBEDDING_CACHE) so texts seen before are not encoded again; the results "
        "are the same either way."
    ),
]


class CoderChoice(StrEnum):
    auto = "auto"
    trained = "trained"
    rules = "rules"


def _numbered(fh: TextIO) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(fh, start=1):
        if line.strip():
            yield lineno, line


def read_objects(path: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; errors name file:line (the first bad
    line raises; `checked_lines` lists them all)."""
    out = []
    for lineno, raw in _raw_lines(path):
        if isinstance(raw, InputError):
            raise raw
        out.append((lineno, raw))
    return out


def _raw_lines(path: str) -> list[tuple[int, dict[str, Any] | InputError]]:
    """(line number, object or the error of a line that is no JSON object) of each non-blank
    line of `path` ("-": standard input)."""
    if path == "-":
        return _parse(sys.stdin, "<stdin>")
    try:
        with Path(path).open(encoding="utf-8") as fh:
            return _parse(fh, path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", source=path) from exc


def _parse(fh: TextIO, source: str) -> list[tuple[int, dict[str, Any] | InputError]]:
    out: list[tuple[int, dict[str, Any] | InputError]] = []
    for lineno, line in _numbered(fh):
        try:
            out.append((lineno, json_object(line, source=source, lineno=lineno)))
        except InputError as exc:
            out.append((lineno, exc))
    return out


def checked_lines(
    path: str,
    parse: Callable[[dict[str, Any], str, int], T],
    *,
    what: str,
) -> list[T]:
    """`parse(object, source, line)` of every non-blank line of `path`, in order; raises
    `InputProblems` listing every bad line (up to `MAX_ERRORS`), with a hint when the file is
    a transcripts file, and an input error when there is no line at all (`what` is what the
    lines should hold)."""
    source = "<stdin>" if path == "-" else path
    parsed: list[T] = []
    problems: list[InputError] = []
    session_lines: list[int] = []  # lines holding a whole session (a transcripts file)
    lines = _raw_lines(path)
    checked = 0
    more = False
    for lineno, raw in lines:
        if len(problems) >= MAX_ERRORS:
            more = True  # the check stops here
            break
        checked += 1
        if isinstance(raw, InputError):
            problems.append(raw)
            continue
        if _looks_like_session(raw):
            session_lines.append(lineno)
        try:
            parsed.append(parse(raw, source, lineno))
        except InputError as exc:
            problems.append(exc)
    if problems and session_lines and len(session_lines) * 2 >= checked:
        # one problem a session line says nothing the hint does not: name the first only
        raise TheraLabError(f"{problems[0]}\n{TRANSCRIPTS_HINT.format(source=source)}")
    if len(problems) == 1:
        raise problems[0]  # one problem reads as one line, as everywhere else
    if problems:
        raise InputProblems(source, problems, more)
    if not parsed:
        raise InputError(f"no {what} to code: the input is empty", source=source)
    return parsed


TRANSCRIPTS_HINT = (
    "hint: this looks like a transcripts file (one whole session a line); annotate takes "
    'utterance lines, one a line ({{"id", "speaker", "text"}} for `annotate mi`, {{"id", '
    '"seeker", "response"}} for `annotate empathy`). To code a transcripts file\'s counselor '
    "turns use `theralab evaluate {source}` (its MITI scores code every counselor turn), or "
    "write one line per turn."
)


def _looks_like_session(raw: dict[str, Any]) -> bool:
    return isinstance(raw.get("turns"), list) or (
        isinstance(raw.get("counselor"), dict) and isinstance(raw.get("client"), dict)
    )


def _check_id(raw: dict[str, Any], source: str, lineno: int) -> None:
    value = raw.get("id")
    if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
        raise InputError(
            "expected a non-empty string or an integer", source=source, line=lineno, field="id"
        )


def _text(raw: dict[str, Any], key: str, source: str, lineno: int, field: str = "") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            "expected a non-empty string", source=source, line=lineno, field=field or key
        )
    return value


def _speaker(raw: dict[str, Any], source: str, lineno: int, field: str) -> str:
    value = raw.get("speaker")
    if value not in SPEAKERS:
        raise InputError(
            f"expected 'counselor' or 'client', got {value!r}",
            source=source,
            line=lineno,
            field=field,
        )
    return str(value)


def parse_mi_line(
    raw: dict[str, Any], source: str, lineno: int
) -> tuple[str, str, list[tuple[str, str]]]:
    """(speaker, text, context) of one `annotate mi` input line, validated."""
    _check_id(raw, source, lineno)
    speaker = _speaker(raw, source, lineno, "speaker")
    text = _text(raw, "text", source, lineno)
    context_raw = raw.get("context", [])
    if context_raw is None:
        context_raw = []
    if not isinstance(context_raw, list):
        raise InputError(
            'expected a list of {"speaker", "text"} objects (earlier utterances, oldest first)',
            source=source,
            line=lineno,
            field="context",
        )
    context = []
    for i, item in enumerate(context_raw):
        where = f"context[{i}]"
        if not isinstance(item, dict):
            raise InputError(
                'expected an object {"speaker", "text"}', source=source, line=lineno, field=where
            )
        context.append(
            (
                _speaker(item, source, lineno, f"{where}.speaker"),
                _text(item, "text", source, lineno, f"{where}.text"),
            )
        )
    return speaker, text, context


def _mi_coder(choice: CoderChoice) -> MICoderLike:
    if choice is CoderChoice.rules:
        return RuleMICoder()
    if choice is CoderChoice.trained:
        if not semantic_available():
            raise fail(INSTALL_HINT)
        if not mi_coder_available():
            raise fail("the MI heads are missing; train them with `theralab coder train mi`")
        return MICoder()
    return default_mi_coder()


def _code_batch(mi: MICoderLike, chunk: list[tuple[Any, ...]]) -> dict[int, dict[str, Any]]:
    """The output object of every line of `chunk`, by its index: counselor lines get MISC
    codes, client lines talk types, each speaker's lines coded in one batch."""
    out: dict[int, dict[str, Any]] = {}
    for speaker, code_batch, fields in (
        ("counselor", mi.code_counselor_batch, _counselor_fields),
        ("client", mi.code_client_batch, _client_fields),
    ):
        picked = [i for i, it in enumerate(chunk) if it[1] == speaker]
        coded = code_batch([chunk[i][2] for i in picked], [chunk[i][3] for i in picked])
        for i, c in zip(picked, coded, strict=True):
            out[i] = {"id": chunk[i][0]["id"], **fields(c)}
    return out


def _counselor_fields(c: Any) -> dict[str, Any]:
    return {"code": c.code.value, "behaviour": c.behaviour.value, "confidence": c.confidence}


def _client_fields(t: Any) -> dict[str, Any]:
    return {"talk_type": t.talk_type.value, "confidence": t.confidence}


def parse_empathy_line(raw: dict[str, Any], source: str, lineno: int) -> tuple[Any, str, str]:
    """(id, seeker, response) of one `annotate empathy` input line; every field is checked and
    the problems of the line raised together."""
    found: list[InputError] = []
    for check in (
        lambda: _check_id(raw, source, lineno),
        lambda: _text(raw, "seeker", source, lineno),
        lambda: _text(raw, "response", source, lineno),
    ):
        try:
            check()
        except InputError as exc:
            found.append(exc)
    if found:
        raise found[0] if len(found) == 1 else _LineProblems(found)
    return raw["id"], raw["seeker"], raw["response"]


class _LineProblems(InputError):
    """Several problems of one line (each field's), reported as one entry per field."""

    def __init__(self, problems: list[InputError]) -> None:
        first = problems[0]
        super().__init__(first.message, source=first.source, line=first.line, field=first.field)
        self.problems = problems

    def __str__(self) -> str:
        return "\n  ".join(InputError.__str__(p) for p in self.problems)


def _mark_language(line: dict[str, Any], lang: str | None, languages: dict[str, int]) -> None:
    """Mark a result whose text the coder cannot read (its code is kept)."""
    if lang is None:
        return
    line["language"] = lang
    line["unread_language"] = True
    languages[lang] = languages.get(lang, 0) + 1


def _warn_unread(languages: dict[str, int], total: int, what: str) -> None:
    unread = sum(languages.values())
    if not unread:
        return
    named = ", ".join(f"{lang} {k}" for lang, k in sorted(languages.items(), key=lambda x: -x[1]))
    err_console.print(
        f"[yellow]warning:[/yellow] {unread} of {total} {what}(s) are not English ({named}): "
        'the coder reads English only; their codes are kept but marked "unread_language": '
        "true and mean nothing",
        highlight=False,
    )


@app.command("mi")
def annotate_mi(
    ctx: typer.Context,
    input: InputArg,
    output: OutputOpt = None,
    coder: Annotated[
        CoderChoice,
        typer.Option(
            help="auto: the trained coder when installed (and $THERALAB_SEMANTIC is not 0), "
            "else the rules; trained: fail without it; rules: the transparent rule coder."
        ),
    ] = CoderChoice.auto,
    no_progress: NoProgressOpt = False,
    embedding_cache: EmbeddingCacheOpt = True,
) -> None:
    """Code counselor and client utterances with MI behaviour codes.

    Input lines: {"id", "speaker": "counselor"|"client", "text", "context": [earlier
    utterances, oldest first, as {"speaker", "text"}]} (context optional; the coder reads
    the last one).

    Output lines, in input order — counselor: {"id", "code" (fine MISC code, e.g.
    open_question, complex_reflection, give_information), "behaviour" (question, reflection,
    therapist_input or other, as AnnoMI), "confidence"}; client: {"id", "talk_type" (change,
    neutral or sustain), "confidence"}.
    """
    output = global_options(ctx).out_or_none(output)
    with user_errors():
        check_output(output)
        items = checked_lines(
            input, lambda raw, src, n: (raw, *parse_mi_line(raw, src, n)), what="utterances"
        )
    mi = _mi_coder(coder)
    results: list[str] = []
    languages: dict[str, int] = {}
    with (
        user_errors(),
        disk_cache(embedding_cache and isinstance(mi, MICoder)),
        phase_progress(not no_progress) as update,
    ):
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            out = _code_batch(mi, chunk)
            for i, item in enumerate(chunk):
                _mark_language(out[i], unread_language(item[2]), languages)
            results += [json.dumps(out[i], ensure_ascii=False) for i in range(len(chunk))]
            update(f"coding ({mi.name})", start + len(chunk), len(items))
    write_lines(output, results)
    _warn_unread(languages, len(items), "utterance")


@app.command("empathy")
def annotate_empathy(
    ctx: typer.Context,
    input: InputArg,
    output: OutputOpt = None,
    no_progress: NoProgressOpt = False,
    embedding_cache: EmbeddingCacheOpt = True,
) -> None:
    """Score support responses on EPITOME's three empathy mechanisms (0 none, 1 weak,
    2 strong).

    Input lines: {"id", "seeker" (the post asking for support), "response" (the reply to
    score)}. Output lines, in input order: {"id", "emotional_reactions", "interpretations",
    "explorations"}. Needs the `semantic` extra; the heads are trained on EPITOME (licensed
    for non-commercial academic research, see theralab/coding/data/README.md).
    """
    output = global_options(ctx).out_or_none(output)
    with user_errors():
        check_output(output)
        items = checked_lines(input, parse_empathy_line, what="responses")
    if not semantic_available():
        raise fail(INSTALL_HINT)
    if not empathy_coder_available():
        raise fail("the empathy heads are missing; train them with `theralab coder train empathy`")
    coder = EmpathyCoder()
    results: list[str] = []
    languages: dict[str, int] = {}
    with user_errors(), disk_cache(embedding_cache), phase_progress(not no_progress) as update:
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            scores = coder.score_batch([(s, r) for _, s, r in chunk])
            for (ident, seeker, response), sc in zip(chunk, scores, strict=True):
                line = {"id": ident, **sc.levels()}
                # the response is what is scored; a seeker post it cannot read also misleads it
                _mark_language(
                    line, unread_language(response) or unread_language(seeker), languages
                )
                results.append(json.dumps(line, ensure_ascii=False))
            update(f"scoring ({coder.name})", start + len(chunk), len(items))
    write_lines(output, results)
    _warn_unread(languages, len(items), "response")
