"""Errors raised for bad user input: each names where the problem is."""

from __future__ import annotations


class TheraLabError(Exception):
    """Base class for TheraLab's own errors."""


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
