"""A model-backed simulated client: the profile's cognitive model, style, attitude, stage and
risk in a versioned prompt; one structured call a turn (`reply`, `end_session`)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from theralab.agents import ClientCourse, Reply, Utterance
from theralab.dialogue.courses import MemoryEntry
from theralab.dialogue.records import AgentSpec, Annotations, Session, Speaker
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.profiles.model import ClientProfile, Style
from theralab.prompts import render, version

STYLE_HINTS = {
    Style.PLAIN: "say things simply and directly",
    Style.UPSET: "you are frustrated and a little defensive; show it",
    Style.VERBOSE: "you say a lot, with details and asides",
    Style.RESERVED: "you give short answers and hold back until you trust the counselor",
    Style.TANGENT: "you drift into side stories before coming back",
    Style.PLEASING: "you agree readily and play your problems down",
}
CLIENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reply": {"type": "string", "minLength": 1, "maxLength": 600},
        "end_session": {"type": "boolean"},
    },
    "required": ["reply", "end_session"],
}


RECALL_DECAY = 0.6
MEMORY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string", "minLength": 1, "maxLength": 600}},
    "required": ["summary"],
}
_HOMEWORK_TEXT = {
    "done": "You did the homework you agreed last time ({hw}).",
    "partly": "You only partly did the homework you agreed last time ({hw}).",
    "not_done": "You did not do the homework you agreed last time ({hw}).",
    "none_set": "No homework was agreed last time.",
}


def condition_text(profile: ClientProfile) -> str:
    """The prompt's part for a client with a clinical condition: what it lives with, how it
    voices it, and how it takes being believed, dismissed or cared for."""
    c = profile.condition
    assert c is not None
    return (
        f"You live with {c.presentation}. This is real to you; you do not see it as a "
        "symptom. How you talk about it, in your own words: "
        + " ".join(c.disclosures)
        + " If the counselor goes along with it, you feel relieved and more certain. If they "
        "brush it off, you feel unheard and pull back. If they take your feelings seriously "
        "without arguing, you open up a little."
    )


class LLMClient:
    def __init__(
        self,
        profile: ClientProfile,
        model: Model,
        seed: int,
        temperature: float = 0.8,
        max_tokens: int = 200,
    ) -> None:
        self.profile = profile
        self.model = model
        self.seed = seed
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.turn = 0
        self.system = render("client", p=profile, style_hint=STYLE_HINTS[profile.style])
        if profile.condition is not None:
            self.system = f"{self.system.rstrip()}\n\n{condition_text(profile)}"
        self.course: ClientCourse | None = None
        self.recalled: list[MemoryEntry] = []

    # --- courses ----------------------------------------------------------------------------

    def begin_course(self, course: ClientCourse) -> None:
        """A session of a course: what happened since last time and what the client still
        remembers of earlier sessions go into its prompt. The last two sessions are always
        recalled; an older one with chance `RECALL_DECAY ** (age - 2)` (seeded forgetting)."""
        self.course = course if course.of > 1 else None
        if self.course is None:
            return
        rng = random.Random(self.seed)
        n = len(course.memory)
        self.recalled = [
            m
            for age, m in ((n - i, m) for i, m in enumerate(course.memory))
            if age <= 2 or rng.random() < RECALL_DECAY ** (age - 2)
        ]
        self.system = f"{self.system.rstrip()}\n\n{self.course_text()}"

    def course_text(self) -> str:
        """The course part of the prompt (also what it answers questionnaires with)."""
        if self.course is None:
            return ""
        lines = [f"This is session {self.course.index} of {self.course.of} with this counselor."]
        between = self.course.between
        if between is not None:
            lines.append(_HOMEWORK_TEXT[between.homework].format(hw=between.homework_text or ""))
            if between.life_event is not None:
                lines.append(f"Since last time: {between.life_event.text}")
        for m in self.recalled:
            said = m.summary or " ".join(m.topics)
            if said:
                lines.append(f"What you remember of session {m.session}: {said}")
        if self.course.index > 1:
            lines.append("Refer to earlier sessions when it comes up, as a client would.")
        return "\n".join(lines)

    async def remember(self, session: Session) -> MemoryEntry:
        """A short first-person summary of the session, written by the client after it (one
        call; a failed call leaves no summary — the entry says nothing rather than guess)."""
        index = self.course.index if self.course is not None else 1
        said = "\n".join(f"{t.speaker.value}: {t.text}" for t in session.turns)
        try:
            out = await self.model.generate(
                [
                    ChatMessage(role="system", content=self.system),
                    ChatMessage(
                        role="user",
                        content="The session has ended. In two or three sentences, in the first "
                        "person, write what you will remember of it: what you talked about and "
                        f"anything you agreed to try.\n\nThe session:\n{said}",
                    ),
                ],
                GenerateConfig(
                    json_schema=MEMORY_SCHEMA,
                    schema_name="client_memory",
                    seed=self.seed + 1000 + index,
                    temperature=0.3,
                    max_tokens=160,
                ),
            )
        except ModelError as exc:
            if exc.kind is ErrorKind.COST_LIMIT:
                raise
            return MemoryEntry(session=index)
        summary = str((out.parsed or {}).get("summary", "")).strip()
        return MemoryEntry(session=index, summary=summary or None)

    def carry_state(self) -> dict[str, Any]:
        return {}

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(
            name="llm-client",
            engine=self.model.spec,
            params={
                "profile": self.profile.id,
                "seed": self.seed,
                "prompt_version": version("client"),
            },
        )

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.turn += 1
        messages = [ChatMessage(role="system", content=self.system)]
        for u in history:
            role = "assistant" if u.speaker is Speaker.CLIENT else "user"
            messages.append(ChatMessage(role=role, content=u.text))
        out = await self.model.generate(
            messages,
            GenerateConfig(
                json_schema=CLIENT_SCHEMA,
                schema_name="client_turn",
                seed=self.seed + self.turn,
                temperature=self.temperature,
                max_tokens=self.max_tokens,
            ),
        )
        answer = out.parsed or {}
        ends = bool(answer.get("end_session"))
        annotations = Annotations(action="end" if ends else "speak", usage=out.usage.model_dump())  # type: ignore[call-arg]
        return Reply(text=answer["reply"].strip(), annotations=annotations, ends_session=ends)
