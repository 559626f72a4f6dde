"""Turn and Session: the records every simulator writes and every evaluator reads.

Transcript schema version 2 (one `Session` per JSONL line) is documented in
`docs/transcript-schema.md`. Only `speaker` and `text` are required on a turn: transcripts
written by other tools evaluate fine; metrics that need missing annotations come out unscored.
Version 1 files still read: their guardrail fields (flat `protocol`, `guardrail`,
`risk_categories`, `resources`, `guardrail_reasons`) are gathered into the typed `guard`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theralab.dialogue.codes import MiscCode, TalkType
from theralab.dialogue.courses import CourseSlot
from theralab.dialogue.risk import RiskLevel

SCHEMA_VERSION = 2
# Version 1 kept the guardrail's record in flat, untyped annotation fields.
_V1_GUARD_FIELDS = {
    "protocol": "protocol",
    "guardrail": "action",
    "risk_categories": "categories",
    "resources": "resources",
    "guardrail_reasons": "reasons",
}


class Speaker(StrEnum):
    COUNSELOR = "counselor"
    CLIENT = "client"


class StopReason(StrEnum):
    """Why a session ended."""

    COUNSELOR_CLOSED = "counselor_closed"
    CLIENT_ENDED = "client_ended"
    CLIENT_DISENGAGED = "client_disengaged"
    MAX_TURNS = "max_turns"
    TOKEN_BUDGET = "token_budget"
    ERROR = "error"


class ClientState(BaseModel):
    """A snapshot of a simulated client's latent state after it speaks."""

    model_config = ConfigDict(extra="allow")

    trust: float = Field(ge=0, le=1)
    distress: float = Field(ge=0, le=10)
    readiness: float = Field(ge=0, le=1)
    resistance: float = Field(ge=0, le=1)
    stage: str
    disclosed: list[str] = Field(default_factory=list)


class GuardRecord(BaseModel):
    """What the crisis guardrail did with a counselor turn."""

    model_config = ConfigDict(extra="forbid")

    protocol: Literal["crisis", "normal"] = Field(
        description="Whether the crisis protocol answered the turn."
    )
    action: str = Field(
        description="crisis / passed / check_in / condition / blocked / error / streaming"
    )
    categories: list[str] = Field(default_factory=list, description="Risk categories found.")
    resources: list[str] = Field(default_factory=list, description="Crisis resources given.")
    reasons: list[str] = Field(default_factory=list, description="Why a reply was replaced.")
    whose: Literal["other"] | None = Field(
        None,
        description="'other' when the risk was someone else's, told by a worried helper "
        "(absent when it was the speaker's own, or there was none).",
    )

    @property
    def crisis(self) -> bool:
        return self.protocol == "crisis"


class ConditionRecord(BaseModel):
    """Client with a clinical condition: what it made of the counselor's last reply."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="The condition: psychosis, mania, eating_disorder, ocd …")
    response: str = Field(description="collusion / dismissal / care / neutral")
    reasons: list[str] = Field(default_factory=list, description="What in the reply counted.")
    severity: float = Field(description="The condition's severity after the reply (0–1).")


class TokenUsage(BaseModel):
    """Model tokens a turn took (all its calls)."""

    model_config = ConfigDict(extra="allow")

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class Annotations(BaseModel):
    """What the speaker intended and what the simulator knew; every field optional."""

    model_config = ConfigDict(extra="allow")

    codes: list[MiscCode] | None = Field(
        default=None, description="Counselor: intended MISC codes, one per act in the turn."
    )
    stage: str | None = Field(default=None, description="Counselor: protocol stage.")
    strategy: str | None = Field(default=None, description="Counselor: technique or strategy.")
    action: str | None = Field(default=None, description="Client: intended action.")
    talk_type: TalkType | None = Field(default=None, description="Client: change talk type.")
    state: ClientState | None = Field(default=None, description="Client: latent state.")
    risk: RiskLevel | None = Field(default=None, description="Risk level, when screened.")
    guard: GuardRecord | None = Field(
        default=None, description="Counselor: what the crisis guardrail did with the turn."
    )
    usage: TokenUsage | None = Field(default=None, description="Model tokens the turn took.")
    stages: list[str] | None = Field(
        default=None, description="Counselor: every stage the turn passed through."
    )
    condition: ConditionRecord | None = Field(
        default=None, description="Client with a condition: its reaction to the last reply."
    )

    @model_validator(mode="before")
    @classmethod
    def _read_v1(cls, data: Any) -> Any:
        """Schema v1: gather the flat guardrail fields into `guard`; a risk label that is not
        a level (a foreign tool's) is kept as `risk_label` rather than refused."""
        if not isinstance(data, dict):
            return data
        if "guard" not in data and ("protocol" in data or "guardrail" in data):
            data = dict(data)
            guard = {new: data.pop(old) for old, new in _V1_GUARD_FIELDS.items() if old in data}
            guard["protocol"] = "crisis" if guard.get("protocol") == "crisis" else "normal"
            guard.setdefault("action", "passed")
            data["guard"] = guard
        risk = data.get("risk")
        if isinstance(risk, str) and risk not in RiskLevel.__members__.values():
            data = {**data, "risk": None, "risk_label": risk}
        return data


class Turn(BaseModel):
    """One utterance."""

    model_config = ConfigDict(extra="allow")

    speaker: Speaker
    text: str = Field(min_length=1)
    annotations: Annotations = Field(default_factory=Annotations)


class AgentSpec(BaseModel):
    """Which agent played a role: its kind (scripted / model spec) and its settings."""

    model_config = ConfigDict(extra="allow")

    name: str
    engine: str = "scripted"
    params: dict[str, Any] = Field(default_factory=dict)

    @property
    def control(self) -> bool:
        """A negative control (`params.control`): run to show the metrics can tell a bad
        counselor, never to be deployed."""
        return bool(self.params.get("control"))


class Outcome(BaseModel):
    """End-of-session summary recorded by the simulator (not by an evaluator)."""

    model_config = ConfigDict(extra="allow")

    turns: int
    error: str | None = None


class Timing(BaseModel):
    started_at: float
    duration_s: float


class Session(BaseModel):
    """A whole counseling session: who took part, what was said, how it ended."""

    model_config = ConfigDict(extra="allow")

    schema_version: Literal[1, 2] = SCHEMA_VERSION
    id: str = Field(min_length=1)
    counselor: AgentSpec
    client: AgentSpec
    profile_id: str | None = None
    seed: int | None = None
    turns: list[Turn] = Field(default_factory=list)
    stop_reason: StopReason | None = None
    outcome: Outcome | None = None
    course: CourseSlot | None = Field(
        default=None, description="For a session of a course: its place and what it carried."
    )
    timing: Timing | None = Field(
        default=None,
        description="Wall-clock timing; kept out of transcripts.jsonl so they stay reproducible.",
    )

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """A version-1 session reads as version 2 (its turns' annotations migrate)."""
        if isinstance(data, dict) and data.get("schema_version") == 1:
            data = {**data, "schema_version": SCHEMA_VERSION}
        return data

    def text_of(self, speaker: Speaker) -> list[str]:
        return [t.text for t in self.turns if t.speaker is speaker]
