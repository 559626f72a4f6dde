"""Messages, generation settings, outputs and usage: the vocabulary of the model layer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ChatMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: Literal["system", "user", "assistant"]
    content: str


class GenerateConfig(BaseModel):
    """Per-call settings. `json_schema` asks for structured output validated against it."""

    model_config = ConfigDict(frozen=True)

    temperature: float | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    top_p: float | None = None
    seed: int | None = None
    stop: list[str] | None = None
    json_schema: dict[str, Any] | None = None
    schema_name: str = "answer"
    schema_style: Literal["json_schema", "json_object"] | None = Field(
        default=None,
        description="How the schema is sent; set by `Model` from what the endpoint accepts.",
    )
    cache_tag: str | None = Field(
        default=None,
        description="Identity that belongs in the cache key but is never sent (a rubric version).",
    )


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class ModelOutput(BaseModel):
    """One completion. `parsed` holds the validated JSON when a schema was asked for."""

    text: str
    provider: str
    model: str
    usage: Usage = Field(default_factory=Usage)
    stop_reason: str | None = None
    cached: bool = False
    parsed: dict[str, Any] | None = None
    repaired: bool = False
