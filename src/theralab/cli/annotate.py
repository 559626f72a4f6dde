"""`theralab annotate mi|empathy`: code utterances offline, one JSON line out per line in."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from theralab.cli._common import (
    check_output,
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
from theralab.errors import InputError
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
    """(line number, object) for each non-blank line; errors name file:line."""
    if path == "-":
        return _parse(sys.stdin, "<stdin>")
    try:
        with Path(path).open(encoding="utf-8") as fh:
            return _parse(fh, path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from exc


def _parse(fh: TextIO, source: str) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for lineno, line in _numbered(fh):
        out.append((lineno, json_object(line, source=source, lineno=lineno)))
    return out


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
    source = "<stdin>" if input == "-" else input
    output = global_options(ctx).out_or_none(output)
    with user_errors():
        check_output(output)
        items = [(raw, *parse_mi_line(raw, source, n)) for n, raw in read_objects(input)]
    mi = _mi_coder(coder)
    results: list[str] = []
    with (
        user_errors(),
        disk_cache(embedding_cache and isinstance(mi, MICoder)),
        phase_progress(not no_progress) as update,
    ):
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            out = _code_batch(mi, chunk)
            results += [json.dumps(out[i], ensure_ascii=False) for i in range(len(chunk))]
            update(f"coding ({mi.name})", start + len(chunk), len(items))
    write_lines(output, results)


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
    source = "<stdin>" if input == "-" else input
    output = global_options(ctx).out_or_none(output)
    with user_errors():
        check_output(output)
        items = []
        for lineno, raw in read_objects(input):
            _check_id(raw, source, lineno)
            items.append(
                (
                    raw["id"],
                    _text(raw, "seeker", source, lineno),
                    _text(raw, "response", source, lineno),
                )
            )
    if not semantic_available():
        raise fail(INSTALL_HINT)
    if not empathy_coder_available():
        raise fail("the empathy heads are missing; train them with `theralab coder train empathy`")
    coder = EmpathyCoder()
    results: list[str] = []
    with user_errors(), disk_cache(embedding_cache), phase_progress(not no_progress) as update:
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            scores = coder.score_batch([(s, r) for _, s, r in chunk])
            results += [
                json.dumps({"id": ident, **sc.levels()}, ensure_ascii=False)
                for (ident, _, _), sc in zip(chunk, scores, strict=True)
            ]
            update(f"scoring ({coder.name})", start + len(chunk), len(items))
    write_lines(output, results)
