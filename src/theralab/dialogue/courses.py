"""Courses of sessions: what a session of a course records besides its turns.

A course is one client seeing one counselor K times. Each of its sessions carries a
`CourseSlot`: where it sits in the course, what happened since the previous session, the
questionnaires the client filled in before it (and, for the last session, after it), the
counselor's notes and the client's memory so far, and the exact state the next session starts
from (`carry`). A course continues from its last finished session's record — the same path for
an uninterrupted run and a resumed one, so both give byte-identical courses.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from theralab.dialogue.measurements import MeasureAnswers, MeasureScore
from theralab.dialogue.risk import RiskLevel

# The levels at which the crisis protocol answers: a course's next session checks in first.
UNSAFE_LEVELS = frozenset(
    level.value for level in RiskLevel if level.rank >= RiskLevel.MODERATE.rank
)

Homework = Literal["done", "partly", "not_done", "none_set"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Administration(_Record):
    """One instrument filled in once: before a session (`pre`) or after the last (`post`)."""

    when: Literal["pre", "post"]
    answers: MeasureAnswers
    score: MeasureScore


class LifeEvent(_Record):
    """Something that happened to the client between sessions (seeded)."""

    kind: Literal["setback", "lift"]
    text: str = Field(description="Client voice, as the client would mention it.")
    distress: float = Field(description="Change in distress (0–10 scale) it brought.")


class Between(_Record):
    """What happened between the previous session and this one."""

    homework: Homework
    homework_text: str | None = None
    life_event: LifeEvent | None = None
    distress_before: float | None = Field(
        default=None, description="Distress at the end of the previous session (scripted)."
    )
    distress_after: float | None = Field(
        default=None, description="Distress at the start of this one (scripted)."
    )


class SessionNotes(_Record):
    """A counselor's notes after one session: what the next session opens with.

    Scripted counselors fill these from what they heard; a model-backed counselor gets them
    in its prompt. Without stored text (serve) only the content-free fields are kept.
    """

    session: int = Field(ge=1)
    phase: str | None = Field(default=None, description="The course-plan phase of the session.")
    focus: str | None = Field(default=None, description="What the client brought (client voice).")
    thought: str | None = Field(default=None, description="The automatic thought worked on.")
    balanced: str | None = Field(default=None, description="The alternative the client reached.")
    homework: str | None = Field(default=None, description="What the client agreed to try.")
    homework_agreed: bool = Field(
        default=False, description="Homework was agreed (kept when its text is not)."
    )
    techniques: list[str] = Field(default_factory=list)
    risk: str | None = Field(default=None, description="Highest screened risk in the session.")
    ended: str | None = Field(default=None, description="How the session ended.")

    @property
    def unsafe(self) -> bool:
        """The session reached `moderate` risk or above: the next one opens with a safety
        check-in."""
        return self.risk in UNSAFE_LEVELS

    def render(self) -> str:
        """One short paragraph, as a counselor's case note."""
        parts = [f"Session {self.session}" + (f" ({self.phase})" if self.phase else "") + "."]
        if self.focus:
            parts.append(f"Focus: {self.focus}")
        if self.thought:
            parts.append(f"Thought worked on: {self.thought}")
        if self.balanced:
            parts.append(f"Alternative reached: {self.balanced}")
        if self.techniques:
            parts.append("Techniques: " + ", ".join(self.techniques) + ".")
        if self.homework:
            parts.append(f"Homework: {self.homework}")
        else:
            parts.append("Homework agreed." if self.homework_agreed else "No homework agreed.")
        if self.risk and self.risk != "none":
            parts.append(f"Risk screened: {self.risk}.")
        if self.ended and self.ended != "counselor_closed":
            parts.append(f"Session ended: {self.ended.replace('_', ' ')}.")
        return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts)


class MemoryEntry(_Record):
    """What a client remembers of one earlier session."""

    session: int = Field(ge=1)
    topics: list[str] = Field(default_factory=list, description="Client voice: what was said.")
    agreed: str | None = Field(default=None, description="Client voice: what they agreed to.")
    summary: str | None = Field(
        default=None, description="Model-backed clients: the summary they wrote afterwards."
    )


class Carry(_Record):
    """Everything the next session of the course starts from."""

    client_state: dict[str, Any] = Field(
        default_factory=dict, description="The client's latent state at the end (exact)."
    )
    memory: list[MemoryEntry] = Field(default_factory=list)
    notes: list[SessionNotes] = Field(default_factory=list)
    dropped_out: bool = Field(
        default=False, description="The client will not come back (walked out, no alliance)."
    )


class CourseSlot(_Record):
    """A session's place in its course and what the course recorded around it."""

    course_id: str
    index: int = Field(ge=1, description="1-based session number in the course.")
    of: int = Field(ge=1, description="Sessions planned for the course.")
    phase: str | None = Field(default=None, description="The counselor's course-plan phase.")
    between: Between | None = Field(default=None, description="None for the first session.")
    measures: list[Administration] = Field(default_factory=list)
    carry: Carry = Field(default_factory=Carry)

    @property
    def last(self) -> bool:
        return self.index == self.of or self.carry.dropped_out
