"""Exporting a dataset for fine-tuning: ShareGPT, OpenAI chat, Hugging Face JSONL, Parquet.

Splits are decided by a hash of each row's id, so a row stays in its split however the
dataset grows. The counselor is the assistant (`gpt`); the client is the user (`human`).
Consecutive turns by the same speaker (which TheraLab's runner never produces, but foreign
data might) are merged so roles always alternate. The at-risk split is exported only on
request, into files of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from theralab.agents import CourseContext
from theralab.counselors.llm import course_prompt
from theralab.dialogue.courses import CourseSlot
from theralab.dialogue.transcripts import atomic_write_text, json_object, read_lines
from theralab.errors import BadValue, InputError
from theralab.synth.pipeline import AT_RISK_FILE, DATASET_FILE

Format = Literal["sharegpt", "openai", "hf", "parquet"]
FORMATS: tuple[str, ...] = ("sharegpt", "openai", "hf", "parquet")
SPLIT_NAMES = ("train", "validation", "test")

SYSTEM_PROMPT = {
    "cbt": "You are a cognitive behavioural therapy counselor. Listen, reflect, and help the "
    "client examine their thoughts collaboratively. You are an AI, not a clinician.",
    "mi": "You are a motivational interviewing counselor. Reflect, ask open questions, and "
    "evoke the client's own reasons for change. You are an AI, not a clinician.",
    "person_centred": "You are a person-centred counselor. Listen closely, reflect feelings "
    "and meaning, and follow the client's lead. You are an AI, not a clinician.",
}
DEFAULT_SYSTEM = "You are a supportive counselor. You are an AI, not a clinician."


def parse_split(text: str) -> tuple[float, ...]:
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise BadValue(f"--split takes fractions like 0.9,0.05,0.05; got {text!r}") from None
    if not 1 <= len(parts) <= 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1) > 1e-6:
        raise BadValue(f"--split needs 1–3 non-negative fractions summing to 1; got {text!r}")
    return parts


def split_of(row_id: str, fractions: tuple[float, ...]) -> str:
    x = int.from_bytes(hashlib.sha256(row_id.encode()).digest()[:8], "big") / 2**64
    edge = 0.0
    for name, f in zip(SPLIT_NAMES, fractions, strict=False):
        edge += f
        if x < edge:
            return name
    return SPLIT_NAMES[len(fractions) - 1]


def split_key(row: dict[str, Any]) -> str:
    """What decides a row's split: its course for a session of a course (so one client's
    sessions never straddle train and test), else the row itself."""
    course = (row.get("session") or {}).get("course")
    return f"course:{course['course_id']}" if course else str(row["id"])


def messages(row: dict[str, Any]) -> list[dict[str, str]]:
    """OpenAI chat messages: system, then alternating assistant / user, ending on assistant.
    A later session of a course gets the counselor's notes from the earlier ones in its system
    prompt, as a model-backed counselor gets them in a run."""
    counselor = row.get("counselor", "").removeprefix("llm:")
    system = SYSTEM_PROMPT.get(counselor, DEFAULT_SYSTEM)
    course = (row.get("session") or {}).get("course")
    if course and course.get("of", 1) > 1:
        slot = CourseSlot.model_validate(course)
        earlier = tuple(n for n in slot.carry.notes if n.session < slot.index)
        system += course_prompt(CourseContext(slot.index, slot.of, earlier))
    out = [{"role": "system", "content": system}]
    for turn in row["session"]["turns"]:
        role = "assistant" if turn["speaker"] == "counselor" else "user"
        text = turn["text"].strip()
        if not text:
            continue
        if out[-1]["role"] == role:
            out[-1] = {"role": role, "content": out[-1]["content"] + "\n\n" + text}
        else:
            out.append({"role": role, "content": text})
    while len(out) > 1 and out[-1]["role"] != "assistant":
        out.pop()  # a training example ends on what the model should learn to say
    return out


def to_record(row: dict[str, Any], fmt: str) -> dict[str, Any]:
    msgs = messages(row)
    if fmt == "openai":
        return {"messages": msgs}
    if fmt == "sharegpt":
        names = {"system": "system", "user": "human", "assistant": "gpt"}
        return {
            "id": row["id"],
            "conversations": [{"from": names[m["role"]], "value": m["content"]} for m in msgs],
        }
    # hf / parquet: messages plus flat metadata columns
    p = row.get("profile") or {}
    return {
        "id": row["id"],
        "messages": msgs,
        "counselor": row.get("counselor"),
        "problem": p.get("presenting_problem"),
        "style": p.get("style"),
        "attitude": p.get("attitude"),
        "stage": p.get("stage"),
        "risk": (row.get("screen") or {}).get("level"),
        "turns": len(row["session"]["turns"]),
    }


def iter_rows(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a dataset file (which people filter or edit by hand): a line that is not
    JSON, or lacks what an export reads, is an input error naming the file, line and field."""
    for lineno, line in read_lines(str(path)):
        row = json_object(line, source=str(path), lineno=lineno, shape=" (one dataset row)")
        _check_row(row, str(path), lineno)
        yield row


def _check_row(row: dict[str, Any], source: str, lineno: int) -> None:
    """What the exports read of a row: its id, and the session's turns with speaker and text."""

    def bad(message: str, field: str) -> InputError:
        return InputError(message, source=source, line=lineno, field=field)

    if "id" not in row:
        raise bad("required", "id")
    if not isinstance(row["id"], str) or not row["id"]:
        raise bad("expected a non-empty string", "id")
    session = row.get("session")
    if session is None:
        raise bad("required", "session")
    if not isinstance(session, dict) or not isinstance(session.get("turns"), list):
        raise bad("expected an object with a list of turns", "session")
    for i, turn in enumerate(session["turns"]):
        where = f"session.turns.{i}"
        if not isinstance(turn, dict):
            raise bad('expected an object {"speaker", "text"}', where)
        if turn.get("speaker") not in ("counselor", "client"):
            raise bad("expected 'counselor' or 'client'", f"{where}.speaker")
        if not isinstance(turn.get("text"), str):
            raise bad("expected a string", f"{where}.text")
    for key in ("screen", "profile"):
        if row.get(key) is not None and not isinstance(row[key], dict):
            raise bad("expected an object", key)
    course = session.get("course")
    if course is not None and not isinstance(course, dict):
        raise bad("expected an object", "session.course")


def export_dataset(
    folder: Path,
    fmt: str,
    out: Path,
    fractions: tuple[float, ...] = (0.9, 0.05, 0.05),
    include_at_risk: bool = False,
) -> dict[str, int]:
    """Write one file per split (and `at_risk` on request); returns rows per file. With no
    row to export at all, nothing is written and every count is 0."""
    if fmt not in FORMATS:
        raise BadValue(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    source = folder / DATASET_FILE
    if not source.exists():
        raise InputError(
            "no dataset.jsonl here: make the dataset with `theralab synth` first",
            source=str(folder),
        )
    names = list(SPLIT_NAMES[: len(fractions)])
    sources = [(source, None)]
    if include_at_risk and (folder / AT_RISK_FILE).exists():
        names.append("at_risk")
        sources.append((folder / AT_RISK_FILE, "at_risk"))
    if not any(_has_rows(path) for path, _ in sources):
        return dict.fromkeys(names, 0)
    out.mkdir(parents=True, exist_ok=True)
    writers = {n: _writer(out / n, fmt) for n in names}
    try:
        for path, fixed in sources:
            for row in iter_rows(path):
                name = fixed or split_of(split_key(row), fractions)
                writers[name].write(to_record(row, fmt))
        counts = {n: w.close() for n, w in writers.items()}
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    if fmt in ("hf", "parquet"):
        atomic_write_text(out / "README.md", _hf_card(folder, fmt, counts))
    return counts


def _has_rows(path: Path) -> bool:
    """Whether a dataset file has a row (a non-blank line), read no further than the first."""
    with path.open("rb") as fh:
        return any(line.strip() for line in fh)


class _JsonlWriter:
    """Streams records to `<name>.jsonl` under a temporary name; renamed when complete."""

    def __init__(self, stem: Path) -> None:
        self.path = stem.with_suffix(".jsonl")
        self.tmp = stem.with_name(f".{stem.name}.jsonl.tmp")
        self.fh = self.tmp.open("w", encoding="utf-8")
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self.fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> int:
        self.fh.close()
        self.tmp.replace(self.path)
        return self.count

    def abort(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


class _ParquetWriter:
    """Streams records to `<name>.parquet` in row groups of `batch` records."""

    def __init__(self, stem: Path, batch: int = 1000) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise ImportError("Parquet export needs pyarrow: pip install -e '.[synth]'") from exc
        self.path = stem.with_suffix(".parquet")
        self.tmp = stem.with_name(f".{stem.name}.parquet.tmp")
        self.batch = batch
        self.pending: list[dict[str, Any]] = []
        self.writer: Any = None
        self.count = 0

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.pending:
            return
        table = pa.Table.from_pylist(self.pending)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, table.schema)
        self.writer.write_table(table)
        self.pending = []

    def write(self, record: dict[str, Any]) -> None:
        self.pending.append(record)
        self.count += 1
        if len(self.pending) >= self.batch:
            self._flush()

    def close(self) -> int:
        self._flush()
        if self.writer is not None:
            self.writer.close()
            self.tmp.replace(self.path)
        return self.count

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.tmp.unlink(missing_ok=True)


def _writer(stem: Path, fmt: str) -> _JsonlWriter | _ParquetWriter:
    return _ParquetWriter(stem) if fmt == "parquet" else _JsonlWriter(stem)


def _hf_card(folder: Path, fmt: str, counts: dict[str, int]) -> str:
    ext = "parquet" if fmt == "parquet" else "jsonl"
    files = "\n".join(
        f"  - split: {name}\n    path: {name}.{ext}" for name in counts if counts[name]
    )
    card = folder / "DATACARD.md"
    body = card.read_text(encoding="utf-8") if card.exists() else ""
    return f"---\nconfigs:\n- config_name: default\n  data_files:\n{files}\n---\n\n{body}"
