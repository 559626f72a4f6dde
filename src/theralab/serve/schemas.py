"""The API's request and response bodies (they define the OpenAPI document)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from theralab.profiles.model import Emotion, Style
from theralab.serve.models import aware
from theralab.serve.settings import HARD_MAX_CHARS

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# the operator's --max-message-chars (at most this) is checked (413) below this

Locale = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$",
        max_length=35,
        strip_whitespace=True,
    ),
]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("text contains control characters")
    if not value.strip():
        raise ValueError("text is empty")
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _FromRow(BaseModel):
    """A body read from a database row (`Model.model_validate(row)`)."""

    model_config = ConfigDict(from_attributes=True)


# A stored timestamp, in UTC (SQLite gives it back without its zone).
Stamp = Annotated[datetime, AfterValidator(aware)]


class ConversationCreate(_In):
    modality: str = Field(
        default="person_centred",
        max_length=40,
        description="cbt, mi or person_centred (act and pfa with a model).",
    )
    model: str | None = Field(
        default=None,
        max_length=120,
        description="`scripted` (default) or one of the model specs the operator enabled.",
    )
    locale: Locale = Field(default="en-US", description="Chooses the crisis resources.")
    user_id: Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,128}$")] | None = Field(
        default=None,
        description="Your identifier for the person, for memory across sessions. Stored only "
        "as a hash.",
    )


class MessageIn(_In):
    text: str = Field(max_length=HARD_MAX_CHARS, description="What the person wrote.")
    stream: bool = Field(
        default=True, description="Stream the reply as server-sent events (else one JSON)."
    )

    _text = field_validator("text")(_clean_text)


class ConversationOut(_FromRow):
    id: str
    modality: str
    model: str
    locale: str
    status: Literal["active", "ended"]
    client_messages: int
    crisis_turns: int
    risk_peak: str
    store_text: bool
    created_at: Stamp
    ended_at: Stamp | None = None


class ConversationCreated(BaseModel):
    conversation: ConversationOut
    greeting: str = Field(description="The counselor's opening, starting with the AI disclosure.")
    ai_disclosure: str
    memory_recap: str | None = None


class ConversationList(BaseModel):
    items: list[ConversationOut]
    total: int
    limit: int
    offset: int


class MessageOut(_FromRow):
    seq: int
    speaker: Literal["client", "counselor"]
    text: str | None = Field(description="Null when the operator does not store text.")
    chars: int
    risk: str | None = None
    protocol: str | None = None
    guardrail: str | None = None
    created_at: Stamp


class ConversationDetail(BaseModel):
    conversation: ConversationOut
    messages: list[MessageOut]


class Risk(BaseModel):
    level: str
    categories: list[str] = []
    whose: Literal["own", "other"] = "own"  # someone else's: a worried helper spoke of them


class ReplyOut(BaseModel):
    """The reply (the `done` event of the stream carries the same fields, less `reply`)."""

    seq: int
    reply: str
    risk: Risk
    protocol: Literal["normal", "crisis"]
    guardrail: str = Field(description="passed, check_in, crisis, blocked or error.")
    crisis: bool
    resources: list[str] = Field(description="Crisis resources, when the guardrail gave any.")
    emergency: str | None = Field(description="The emergency number for the locale.")


class EndOut(BaseModel):
    conversation: ConversationOut
    memory_saved: bool


class ExportTurn(_FromRow):
    seq: int
    speaker: str
    text: str | None
    risk: str | None = None
    protocol: str | None = None
    created_at: Stamp


class ConversationExport(BaseModel):
    format: Literal["theralab.conversation.v1"] = "theralab.conversation.v1"
    conversation: ConversationOut
    text_stored: bool
    turns: list[ExportTurn]


class ProfileCard(BaseModel):
    """What a trainee sees of a simulated client before the session (the intake)."""

    id: str
    name: str
    age: int
    gender: str
    occupation: str
    presenting_problem: str
    summary: str
    style: str
    attitude: str
    stage: str
    risk: bool = Field(description="Whether this client may disclose suicide or self-harm risk.")


class PracticeCreate(_In):
    profile_id: Identifier
    client: Literal["scripted", "llm"] = "scripted"
    style: Style | None = Field(default=None, description="Override the profile's style.")
    seed: int | None = Field(
        default=None,
        ge=0,
        lt=2**31,
        description="Give the same seed to replay the same scripted client (e.g. to compare "
        "trainees); random when unset.",
    )


class PracticeCreated(BaseModel):
    id: str
    profile: ProfileCard
    client: str
    style: str
    instructions: str


class CodedSentenceOut(BaseModel):
    text: str
    code: str
    label: str
    group: Literal["question", "reflection", "adherent", "non_adherent", "input", "other"]


class MetricOut(BaseModel):
    key: str
    label: str
    value: float | None
    band: Literal["good", "fair", "below"] | None
    fair: float | None
    good: float | None
    higher_is_better: bool | None
    unit: str
    description: str


class UtteranceIn(_In):
    text: str = Field(max_length=HARD_MAX_CHARS)

    _text = field_validator("text")(_clean_text)


class UtteranceOut(BaseModel):
    seq: int
    codes: list[CodedSentenceOut]
    client_reply: str | None
    client_ended: bool
    client_risk: str | None = None
    coach: str | None = Field(default=None, description="A prompt for the trainee, if any.")
    miti: list[MetricOut]
    utterances: int


class Inference(_In):
    """What the trainee inferred about the client's cognitive model."""

    core_belief_categories: list[Literal["helpless", "unlovable", "worthless"]] = []
    emotions: list[Emotion] = []
    automatic_thought: str | None = Field(default=None, max_length=1000)
    core_belief: str | None = Field(default=None, max_length=1000)
    intermediate_belief: str | None = Field(default=None, max_length=1000)


class PracticeEndIn(_In):
    inferred: Inference | None = None


class Scorecard(BaseModel):
    id: str
    profile: ProfileCard
    utterances: int
    miti: list[MetricOut]
    counts: dict[str, int]
    strengths: list[str]
    to_work_on: list[str]
    examples: dict[str, list[str]]
    client_outcome: dict[str, Any] | None
    risk: dict[str, Any] | None
    cognitive_model: dict[str, Any]
    comparison: dict[str, Any] | None


class ModalityOut(BaseModel):
    name: str
    description: str
    models: list[str]


class Options(BaseModel):
    """What this server offers: modalities, models, locales, limits."""

    modalities: list[ModalityOut]
    client_engines: list[str]
    locales: list[str]
    max_message_chars: int
    store_text: bool
    memory: bool
    redact_pii: bool
