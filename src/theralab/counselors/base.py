"""The scripted counselor: an explicit stage machine that composes annotated utterances."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from theralab.agents import CourseContext, Reply, Utterance
from theralab.counselors.listening import Listener
from theralab.dialogue.codes import MiscCode
from theralab.dialogue.records import AgentSpec, Annotations, Speaker
from theralab.text.perspective import split_sentences, to_second_person


@dataclass
class Draft:
    """A counselor turn being composed: sentences each with the code it is meant to carry."""

    parts: list[tuple[str, MiscCode]] = field(default_factory=list)
    strategy: str | None = None
    closes: bool = False
    notes: dict[str, object] = field(default_factory=dict)

    def add(self, text: str | None, code: MiscCode) -> Draft:
        """Add text meant as `code`; each sentence becomes its own coded part."""
        if text:
            self.parts.extend((sentence, code) for sentence in split_sentences(text))
        return self

    @property
    def text(self) -> str:
        return " ".join(t for t, _ in self.parts)

    @property
    def codes(self) -> list[MiscCode]:
        return [c for _, c in self.parts]


class ScriptedCounselor:
    """Base class: keeps the stage, hears the client, turns a `Draft` into a `Reply`.

    Subclasses list their `stages` and implement `compose(stage)`, which returns the draft
    and whether to move to the next stage after this turn.
    """

    modality: str = ""
    stages: tuple[str, ...] = ()
    control: bool = False  # a negative control: in runs to show the metrics can tell, never served

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.listener = Listener()
        self.stage_index = 0
        self.turns_in_stage = 0
        self.turn = 0
        self._entered: list[str] = []
        # The protocol's stages travel with the transcript, so stage coverage is read from
        # the session itself, not from this package's registry.
        params: dict[str, Any] = {"seed": seed, "stages": list(self.stages)}
        if self.control:  # travels with the transcript, so reports need no registry
            params["control"] = True
        self._spec = AgentSpec(name=self.modality, engine="scripted", params=params)
        self.course: CourseContext | None = None

    def begin_course(self, course: CourseContext) -> None:
        """Take part in a course: `course` says which session this is and holds the notes
        from the earlier ones. A session of a one-session course runs as a lone session."""
        self.course = course if course.of > 1 else None

    @property
    def course_phase(self) -> str | None:
        """This session's phase in the modality's course plan (None outside a course)."""
        if self.course is None:
            return None
        return self.phase_for(self.course.index, self.course.of)

    def phase_for(self, index: int, of: int) -> str:
        """The course-plan phase of session `index` of `of`; subclasses name their own."""
        return "session"

    @property
    def returning(self) -> bool:
        """A later session of a course: it opens with a review of the last one."""
        return self.course is not None and self.course.index > 1

    @property
    def spec(self) -> AgentSpec:
        return self._spec

    @property
    def stage(self) -> str:
        return self.stages[self.stage_index]

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        return self.reply(history)

    def reply(self, history: Sequence[Utterance]) -> Reply:
        """The synchronous core of `respond`."""
        if history and history[-1].speaker is Speaker.CLIENT:
            self.listener.hear(history[-1].text)
        self._entered = [self.stage]
        if self.turn == 0:
            draft, advance = (self.open_review() if self.returning else self.open()), False
        else:
            draft, advance = self.compose(self.stage)
        stage = self.stage
        if len(self._entered) > 1:
            draft.notes["stages"] = self._entered
        if self.turn > 0:  # the opening turn does not count towards the first stage
            self.turns_in_stage += 1
        self.turn += 1
        if advance and self.stage_index + 1 < len(self.stages):
            self.stage_index += 1
            self.turns_in_stage = 0
        if self.course is not None and self.turn == 1:
            draft.notes["course_phase"] = self.course_phase
        annotations = Annotations(
            codes=draft.codes, stage=stage, strategy=draft.strategy, **draft.notes
        )
        if draft.closes:
            annotations.action = "close"
        return Reply(text=draft.text, annotations=annotations, ends_session=False)

    def next_stage(self) -> None:
        """Jump to the next stage now (used when a stage has nothing left to do)."""
        if self.stage_index + 1 < len(self.stages):
            self.stage_index += 1
            self.turns_in_stage = 0
            self._entered.append(self.stage)

    def close(self, d: Draft, goodbye: str) -> tuple[Draft, bool]:
        """The closing turn: acknowledge the client's feedback, thank them, say goodbye."""
        d.add(self.pick("Thank you for telling me.", "I'm glad you shared that."), MiscCode.SUPPORT)
        d.add(goodbye, MiscCode.OTHER)
        d.closes = True
        return d, False

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def open(self) -> Draft:
        raise NotImplementedError

    def open_review(self) -> Draft:
        """A later session's opening: welcome back, what was worked on last time and the
        homework, and how it went (asked openly, so the client can say it did not)."""
        assert self.course is not None
        last = self.course.notes[-1] if self.course.notes else None
        d = Draft(strategy="review")
        if not self.course.welcomed:
            d.add(
                self.pick("Welcome back, it's good to see you again.", "Hi, welcome back."),
                MiscCode.OTHER,
            )
        if last is not None and last.unsafe:
            # After a session that reached the crisis protocol's levels, safety comes before
            # the homework: one direct question, so a yes is read as risk by the guardrail.
            d.strategy = "safety_check_in"
            d.add(
                "Last time we talked about some things that made me worried for your safety, "
                "so I'd like to start there.",
                MiscCode.OTHER,
            )
            d.add(
                "Since we last met, have you had any thoughts of ending your life or of "
                "harming yourself?",
                MiscCode.CLOSED_QUESTION,
            )
            return d
        if last is not None and last.focus:
            d.add(
                f"Last time we worked on how to {to_second_person(last.focus)}.",
                MiscCode.SIMPLE_REFLECTION,
            )
        if last is not None and last.homework:
            d.add(f"The plan was that {last.homework}.", MiscCode.SIMPLE_REFLECTION)
            d.add("How did that go since we last met?", MiscCode.OPEN_QUESTION)
        elif last is not None and last.homework_agreed:
            d.add("Last time you planned to try something before we met again.", MiscCode.OTHER)
            d.add("How did that go?", MiscCode.OPEN_QUESTION)
        else:
            d.add("How have things been since we last met?", MiscCode.OPEN_QUESTION)
        return d

    def compose(self, stage: str) -> tuple[Draft, bool]:
        raise NotImplementedError
