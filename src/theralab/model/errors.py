"""Model errors, classified so the wrapper knows whether to retry and how long to wait."""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429: retry after the server's Retry-After, never a bad score
    TRANSIENT = "transient"  # 5xx, connection reset, timeout: retry with backoff
    FATAL = "fatal"  # 4xx other than 408/409/429, bad key, unknown model: do not retry
    UNPARSEABLE = "unparseable"  # structured output that never validated: an explicit failure
    COST_LIMIT = "cost_limit"  # the run's --cost-limit was reached: stop cleanly


class ModelError(Exception):
    """A model call failed. `retry_after` is the server's advice in seconds, if any."""

    def __init__(
        self,
        message: str,
        kind: ErrorKind,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        raw: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.raw = raw

    @property
    def retryable(self) -> bool:
        return self.kind in (ErrorKind.RATE_LIMIT, ErrorKind.TRANSIENT)

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{self.kind.value}{status}: {self.args[0]}"


class MissingDependency(ImportError):
    """An optional extra is not installed; the message is a one-line install hint."""
