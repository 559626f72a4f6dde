"""The protocols every counselor and client agent implements, scripted or model-backed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from theralab.dialogue.records import AgentSpec, Annotations, Speaker


@dataclass(frozen=True)
class Utterance:
    """What an agent sees of the conversation so far: who spoke and what they said, nothing
    of the other side's hidden state or annotations."""

    speaker: Speaker
    text: str


@dataclass
class Reply:
    """An agent's turn: its text, its own annotations, and whether it ends the session."""

    text: str
    annotations: Annotations = field(default_factory=Annotations)
    ends_session: bool = False


@runtime_checkable
class Agent(Protocol):
    """A participant in a session. One instance serves one session (it may keep state)."""

    @property
    def spec(self) -> AgentSpec: ...

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        """The next turn, given everything said so far (empty for an opening turn)."""
        ...
