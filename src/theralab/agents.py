"""The protocols every counselor and client agent implements, scripted or model-backed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from theralab.dialogue.courses import Between, MemoryEntry, SessionNotes
from theralab.dialogue.records import AgentSpec, Annotations, Session, Speaker


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


@dataclass(frozen=True)
class FixedReply:
    """An agent that answers every turn with one given text: what the guardrail or an
    evaluator does with a particular reply (benchmarks, tests, probes)."""

    text: str
    name: str = "fixed"

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(name=self.name, engine="fixed")

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        return Reply(text=self.text)


@dataclass(frozen=True)
class CourseContext:
    """What an agent knows at the start of one session of a course: which session this is,
    and — for the counselor — its notes from the earlier ones (oldest first)."""

    index: int
    of: int
    notes: tuple[SessionNotes, ...] = ()
    welcomed: bool = False  # someone already said "welcome back" (serve's memory recap)

    @property
    def first(self) -> bool:
        return self.index == 1

    @property
    def last(self) -> bool:
        return self.index == self.of


@runtime_checkable
class CourseCounselor(Protocol):
    """A counselor that works across sessions: it is told where in the course it is (and
    given its notes) before each session. Counselors without it (other people's bots) still
    take part in courses; they simply start each session afresh."""

    def begin_course(self, course: CourseContext) -> None: ...

    @property
    def course_phase(self) -> str | None: ...


@dataclass(frozen=True)
class ClientCourse:
    """What a client brings to one session of a course: which session it is, what happened
    since the last one, and what it remembers of the earlier ones (oldest first)."""

    index: int
    of: int
    between: Between | None = None
    memory: tuple[MemoryEntry, ...] = ()


@runtime_checkable
class CourseClient(Protocol):
    """A simulated client that can take part in a course of sessions."""

    def begin_course(self, course: ClientCourse) -> None: ...

    async def remember(self, session: Session) -> MemoryEntry:
        """What it will remember of the session just held."""
        ...

    def carry_state(self) -> dict[str, Any]:
        """Its exact state now, for the next session (empty when it keeps none)."""
        ...
