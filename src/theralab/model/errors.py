"""Model errors, classified so the wrapper knows whether to retry and how long to wait."""

from __future__ import annotations

import re
from enum import StrEnum


class ErrorKind(StrEnum):
    RATE_LIMIT = "rate_limit"  # 429: retry after the server's Retry-After, never a bad score
    TRANSIENT = "transient"  # 5xx, connection reset, timeout: retry with backoff
    FATAL = "fatal"  # 4xx other than 408/409/429, bad key, unknown model: do not retry
    UNPARSEABLE = "unparseable"  # structured output that never validated: an explicit failure
    COST_LIMIT = "cost_limit"  # the run's --cost-limit was reached: stop cleanly
    EMPTY = "empty"  # only empty or whitespace replies, even with new seeds
    CONTEXT_LENGTH = "context_length"  # the prompt does not fit the context: shrink, retry once
    UNSUPPORTED_FORMAT = "unsupported_format"  # the server refuses this response_format


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
        context_window: int | None = None,
        prompt_tokens: int | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.raw = raw
        self.context_window = context_window  # the window the server said it has, if it did
        self.prompt_tokens = prompt_tokens  # what it counted in the prompt, if it said

    @property
    def retryable(self) -> bool:
        return self.kind in (ErrorKind.RATE_LIMIT, ErrorKind.TRANSIENT)

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{self.kind.value}{status}: {self.args[0]}"


class MissingDependency(ImportError):
    """An optional extra is not installed; the message is a one-line install hint."""


# OpenAI's code, llama-cpp-python's and llama.cpp's messages, vLLM's and Ollama's wordings.
_CONTEXT_HINTS = re.compile(
    r"context_length_exceeded|exceed_context_size|maximum context length|context window"
    r"|context size|context length|exceeds? the available context|prompt is too long"
    r"|too many tokens|n_ctx",
    re.IGNORECASE,
)
_WINDOW_NUMBER = re.compile(
    r"(?:maximum context length is|context window of|context (?:size|length|window)"
    r"(?: is| of)?|\"n_ctx\"\s*:|n_ctx\s*[=:])\s*\(?(\d{2,8})",
    re.IGNORECASE,
)
# llama-cpp-python / OpenAI: "(1217 in the messages, …"; llama.cpp: "n_prompt_tokens": 3000
_PROMPT_TOKENS = re.compile(r"(\d+) in the messages|\"n_prompt_tokens\"\s*:\s*(\d+)")
# What a server says when it does not know a response_format (or the schema inside it).
_FORMAT_HINTS = re.compile(
    r"response_format|json_schema|json schema|json_object|grammar|\bschema\b"
    r"|unsupported.{0,40}format|format.{0,40}(?:not supported|unsupported|invalid)",
    re.IGNORECASE,
)


def context_error(message: str) -> tuple[bool, int | None, int | None]:
    """Whether an error text says the prompt did not fit, and the window and prompt tokens it
    names, if it does."""
    if not _CONTEXT_HINTS.search(message):
        return False, None, None
    window = _WINDOW_NUMBER.search(message)
    prompt = _PROMPT_TOKENS.search(message)
    return (
        True,
        int(window.group(1)) if window else None,
        int(prompt.group(1) or prompt.group(2)) if prompt else None,
    )


def format_refused(message: str) -> bool:
    """Whether an error text blames the request's response_format (for a 400/422/500)."""
    return bool(_FORMAT_HINTS.search(message))
