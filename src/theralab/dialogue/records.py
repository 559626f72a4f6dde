"""Turn and Session: the records every simulator writes and every evaluator reads.

Transcript schema version 1 (one `Session` per JSONL line) is documented in
`docs/transcript-schema.md`. Only `speaker` and `text` are required on a turn: transcripts
written by other tools evaluate fine; metrics that need missing annotations come out unscored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from theralab.dialogue.codes import MiscCode, TalkType
from theralab.dialogue.courses import CourseSlot

SCHEMA_VERSION = 1


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
    risk: str | None = Field(default=None, description="Risk level, when screened.")


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

    schema_version: Literal[1] = SCHEMA_VERSION
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

    def text_of(self, speaker: Speaker) -> list[str]:
        return [t.text for t in self.turns if t.speaker is speaker]
