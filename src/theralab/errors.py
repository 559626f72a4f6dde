"""Errors raised for bad user input: each names where the problem is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class TheraLabError(Exception):
    """Base class for TheraLab's own errors."""


class UnknownName(TheraLabError, KeyError):
    """A name the user gave (a counselor, profile, evaluator, metric…) is not known; the
    message lists the known ones. Also a KeyError, for callers that look names up."""

    def __str__(self) -> str:  # KeyError's str() would quote the message
        return str(self.args[0]) if self.args else ""


class BadValue(TheraLabError, ValueError):
    """A value the user gave (an option, a spec, a setting) is malformed or out of range; the
    message says what is expected. Also a ValueError, for callers that validate values."""


class InputError(TheraLabError):
    """A file or value given by the user is malformed; says which file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, f"field '{self.field}'" if self.field else "") if p]
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


def read_text_input(path: str | Path, what: str) -> str:
    """A user-named file's text; an unreadable or non-UTF-8 file is an InputError naming it
    and `what` it was meant to be ("cannot read rubric: No such file or directory")."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", source=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", source=str(p)) from exc


def read_json_input(path: str | Path, what: str) -> Any:
    """A user-named JSON file, parsed; unreadable or malformed JSON is an InputError naming
    the file (and the line of a JSON error)."""
    text = read_text_input(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=str(path), line=exc.lineno) from exc


def validation_error(
    exc: ValidationError, source: str | None = None, line: int | None = None, prefix: str = ""
) -> InputError:
    """A pydantic ValidationError of something the user gave, as one InputError line: the
    first problem's field and message (and how many more), never pydantic's block of text."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or "<root>"
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more errors)" if exc.error_count() > 1 else ""
    return InputError(f"{prefix}{message}{more}", source=source, line=line, field=field)


def read_json_model(path: str | Path, model: type[M], what: str) -> M:
    """A user-named JSON file read as `model` (a run's results.json, a dataset's synth.json):
    unreadable, malformed or invalid, it is an InputError naming the file (and the field:
    `results.json, field 'counselors.0.sessions': not a TheraLab results file: …`)."""
    raw = read_json_input(path, what)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, str(path), prefix=f"not a TheraLab {what}: ") from exc


def validated(model: type[M], what: str, **values: Any) -> M:
    """`model(**values)` for values the user gave (command-line options): a validation
    failure is a BadValue naming `what` and each bad field in one line, not a bug."""
    try:
        return model(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()))
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise BadValue(f"{what}: {'; '.join(problems)}") from exc
