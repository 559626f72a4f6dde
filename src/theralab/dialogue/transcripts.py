"""Reading and writing transcripts: JSONL, one `Session` per line."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from theralab.dialogue.records import Session
from theralab.errors import InputError, validation_error

_VOLATILE = {"timing"}


def session_to_json(session: Session) -> str:
    """One reproducible JSON line: volatile fields (wall-clock timing) are left out."""
    return json.dumps(
        session.model_dump(mode="json", exclude=_VOLATILE, exclude_none=True),
        ensure_ascii=False,
        sort_keys=False,
        separators=(",", ":"),
    )


def json_object(
    line: str | bytes, *, source: str = "<string>", lineno: int = 1, shape: str = ""
) -> dict[str, Any]:
    """One JSONL line that must hold a JSON object; errors name the source and line.
    `shape` completes the message "each line must be a JSON object…" (e.g. " (one session)")."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} (column {exc.colno})", source=source, line=lineno
        ) from exc
    if not isinstance(raw, dict):
        raise InputError(f"each line must be a JSON object{shape}", source=source, line=lineno)
    return raw


def parse_session_line(line: str, *, source: str = "<string>", lineno: int = 1) -> Session:
    """Parse one JSONL line; errors name the source, line and field."""
    raw = json_object(line, source=source, lineno=lineno, shape=" (one session)")
    try:
        return Session.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, source, lineno) from exc


def iter_sessions(path: str | Path) -> Iterator[Session]:
    """Stream sessions from a transcripts JSONL file; blank lines are skipped. Ids are unique
    within a file: a repeated id is an input error naming its line and the first one."""
    source = str(Path(path))
    first: dict[str | int, int] = {}
    for lineno, line in read_lines(source, what="transcripts"):
        session = parse_session_line(line, source=source, lineno=lineno)
        check_unique_id(session.id, lineno, first, source)
        yield session


def check_unique_id(
    item_id: str | int, lineno: int, first: dict[str | int, int], source: str
) -> None:
    """Record `item_id` as read on `lineno` in `first` (id -> line), or raise the input error
    of a repeated id: `FILE:LINE, field 'id': duplicate id 'x' (first on line N)`."""
    if item_id in first:
        raise InputError(
            f"duplicate id {item_id!r} (first on line {first[item_id]})",
            source=source,
            line=lineno,
            field="id",
        )
    first[item_id] = lineno


def read_sessions(path: str | Path) -> list[Session]:
    """All sessions of a transcripts file."""
    return list(iter_sessions(path))


def write_sessions(path: str | Path, sessions: Iterable[Session]) -> None:
    """Write sessions atomically: the file is either the old one or the complete new one."""
    atomic_write_text(path, "".join(session_to_json(s) + "\n" for s in sessions))


def append_session(path: str | Path, session: Session) -> None:
    """Append one session as a single unbuffered write (a journal of finished work).

    The line is in the operating system's hands when this returns, so killing the process
    never loses or truncates it; only a power cut before the OS writes back could.
    """
    append_line(path, session_to_json(session))


def append_line(path: str | Path, line: str) -> None:
    """Append one line in a single unbuffered write: a killed process never leaves half a
    line behind (see `append_session`)."""
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a text file via a temporary file and rename, so readers never see half a file.
    A target that exists but is not a regular file (`/dev/null`, a named pipe) is written
    to as it is: renaming over it would replace the device or pipe with a file."""
    p = Path(path)
    if p.exists() and not p.is_file():
        with p.open("w", encoding="utf-8") as fh:
            fh.write(text)
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_lines(path: str, what: str = "") -> Iterator[tuple[int, str]]:
    """(line number, line) for every non-blank line of a file, or of standard input for "-";
    an unreadable file is an input error naming it (and `what` it was meant to be), a line
    that is not UTF-8 one naming the file and the line."""
    source = "<stdin>" if path == "-" else path

    def numbered(lines: Iterable[bytes | str]) -> Iterator[tuple[int, str]]:
        for lineno, raw in enumerate(lines, start=1):
            if isinstance(raw, bytes):  # decoded a line at a time: an error knows its line
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"not UTF-8 text: {exc.reason}", source=source, line=lineno
                    ) from exc
                if line.endswith("\r\n"):
                    line = line[:-2] + "\n"
            else:
                line = raw
            if line.strip():
                yield lineno, line

    try:
        if path == "-":
            yield from numbered(getattr(sys.stdin, "buffer", sys.stdin))
            return
        with Path(path).open("rb") as fh:
            yield from numbered(fh)
    except OSError as exc:
        what = f" {what}" if what else ""
        raise InputError(f"cannot read{what}: {exc.strerror}", source=source) from exc
    except UnicodeDecodeError as exc:  # a text-only standard input decodes ahead of the line
        raise InputError(f"not UTF-8 text: {exc.reason}", source=source) from exc
