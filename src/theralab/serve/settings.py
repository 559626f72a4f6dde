"""What an operator sets for `theralab serve`: where data lives, what is stored, the limits."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theralab.safety.semantic import Sensitivity

HARD_MAX_CHARS = 100_000  # as schemas.HARD_MAX_CHARS (the schema's own bound)
DEFAULT_BODY_BYTES = 64 * 1024
_JSON_ROOM = 1024  # the braces, the field names, "stream": false


def min_body_bytes(max_message_chars: int) -> int:
    """The body a message of the longest length needs: every character may take 4 bytes in
    UTF-8, plus the JSON around it."""
    return 4 * max_message_chars + _JSON_ROOM


def body_bytes_for(max_message_chars: int) -> int:
    """The default body limit for a message limit (64 KiB, or more when messages need it)."""
    return max(DEFAULT_BODY_BYTES, min_body_bytes(max_message_chars))


def default_data_dir() -> Path:
    """`$XDG_DATA_HOME/theralab`, else `~/.local/share/theralab`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "theralab"


def default_db_url() -> str:
    return f"sqlite:///{default_data_dir() / 'theralab.db'}"


class ServeSettings(BaseModel):
    """The server's configuration; every field has a safe default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db_url: str = Field(default_factory=default_db_url, description="SQLAlchemy database URL.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    store_text: bool = Field(
        default=False,
        description="Store what users and counselors say. Off: only metadata (sizes, risk "
        "levels, timings) is kept.",
    )
    memory: bool = Field(
        default=True,
        description="Carry a short, content-free summary (themes, feelings named, peak risk) "
        "of a user's last conversation into their next one.",
    )
    redact_pii: bool = Field(
        default=True,
        description="Replace names, emails, phone numbers and addresses before any text is "
        "sent to a model-backed role.",
    )
    sensitivity: Sensitivity = Field(
        default=Sensitivity.HIGH,
        description="The learned screener's operating point: high (recall first), balanced, "
        "ask (a crisis the learned tier is unsure of gets the safety question first) or "
        "ask-moderate (the same, only where the learned tier stops at moderate).",
    )
    rate_per_minute: int = Field(default=120, ge=1, description="Default per-key request rate.")
    burst: int = Field(default=30, ge=1, description="Requests a key may send at once.")
    max_message_chars: int = Field(
        default=4000,
        ge=1,
        le=HARD_MAX_CHARS,
        description="Longest message or practice utterance accepted (characters).",
    )
    max_body_bytes: int = Field(
        default=DEFAULT_BODY_BYTES,
        ge=256,
        description="Largest request body; unset, it grows with max_message_chars so that "
        "any message under that limit fits (4 bytes a character in UTF-8, plus the JSON).",
    )
    max_client_messages: int = Field(
        default=500, ge=1, description="Messages per conversation before it must be ended."
    )
    live_conversations: int = Field(
        default=10_000, ge=1, description="Conversations kept in memory (least recent evicted)."
    )
    counselor_models: tuple[str, ...] = Field(
        default=(), description="Model specs a conversation may ask for (besides scripted)."
    )
    client_model: str | None = Field(default=None, description="Model spec for LLM clients.")
    base_url: str | None = None
    model_timeout: float = Field(
        default=60.0,
        gt=0,
        le=600,
        description="Seconds one model call may take; a call that fails or runs out is retried "
        "`model_retries` times, then the person gets the guardrail's safe reply.",
    )
    model_retries: int = Field(default=2, ge=0, le=10, description="Retries of a model call.")
    runs_dir: Path = Field(default=Path("runs"), description="Where the report viewer looks.")
    ui: bool = True
    ui_token: str | None = Field(
        default=None, description="Login token for the web UI; random per start when unset."
    )
    state_key_file: Path | None = Field(
        default=None,
        description="File of the keys that encrypt conversation state (created 0600 at first "
        "start). Default: next to a SQLite database, else in the data folder. Ignored when "
        "THERALAB_STATE_KEYS is set.",
    )
    state_retention_hours: float = Field(
        default=24.0,
        gt=0,
        description="A conversation without a message for this long ends, and its saved state "
        "is deleted.",
    )
    workers: int = Field(default=1, ge=1, le=64, description="Worker processes.")
    log_format: Literal["text", "json"] = Field(
        default="text", description="json: one JSON object a line, without content."
    )

    @model_validator(mode="before")
    @classmethod
    def _body_fits_messages(cls, data: Any) -> Any:
        """Unless the body limit is given, make it large enough for the longest message."""
        if isinstance(data, dict) and "max_body_bytes" not in data:
            chars = data.get("max_message_chars")
            if isinstance(chars, int) and chars > 0:
                data = {**data, "max_body_bytes": body_bytes_for(chars)}
        return data

    @model_validator(mode="after")
    def _messages_fit_body(self) -> ServeSettings:
        needed = min_body_bytes(self.max_message_chars)
        if self.max_body_bytes < needed:
            raise ValueError(
                f"max_body_bytes {self.max_body_bytes} is too small for messages of "
                f"{self.max_message_chars} characters (needs {needed}: 4 bytes a character "
                "in UTF-8 plus the JSON around it)"
            )
        return self

    def key_file(self) -> Path:
        """Where the state keys are kept when THERALAB_STATE_KEYS is unset."""
        if self.state_key_file is not None:
            return self.state_key_file.expanduser()
        if self.db_url.startswith("sqlite:///") and ":memory:" not in self.db_url:
            return Path(self.db_url.removeprefix("sqlite:///")).expanduser().with_suffix(".key")
        if "://" not in self.db_url:
            return Path(self.db_url).expanduser().with_suffix(".key")
        return default_data_dir() / "state.key"
