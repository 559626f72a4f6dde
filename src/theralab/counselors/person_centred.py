"""A scripted person-centred counselor: reflective listening, few questions, no advice."""

from __future__ import annotations

from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.counselors.listening import reflect_content, reflect_feeling, reflect_meaning
from theralab.dialogue.codes import MiscCode as C

LISTENING_TURNS = 11


class PersonCentredCounselor(ScriptedCounselor):
    modality = "person_centred"
    stages = ("listen", "close")

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self._reflected: set[str] = set()

    def open(self) -> Draft:
        return (
            Draft(strategy="reflective_listening")
            .add(
                "Hello.",
                C.OTHER,
            )
            .add(
                "This is your time, and we can use it however feels right for you.",
                C.STRUCTURE,
            )
            .add("Where would you like to start?", C.OPEN_QUESTION)
        )

    def compose(self, stage: str) -> tuple[Draft, bool]:
        heard = self.listener
        n = self.turns_in_stage
        last = heard.last
        d = Draft(strategy="reflective_listening")
        if stage == "listen":
            if n == LISTENING_TURNS - 1:
                d.add("We're coming towards the end of our time today.", C.STRUCTURE)
                d.add(self._summary(), C.COMPLEX_REFLECTION)
                d.add("Looking back on today, how was this for you?", C.OPEN_QUESTION)
                return d, True
            feeling = reflect_feeling(last, self.rng)
            meaning = heard.belief or heard.thought
            if meaning and n % 3 == 2 and meaning not in self._reflected:
                self._reflected.add(meaning)
                d.add(reflect_meaning(meaning, self.rng), C.COMPLEX_REFLECTION)
            elif feeling:
                d.add(feeling, C.COMPLEX_REFLECTION)
            else:
                d.add(*reflect_content(last, self.rng))
            if n % 4 == 3:
                d.add(
                    self.pick(
                        "It takes courage to talk about this so openly.",
                        "You've been really honest with yourself here.",
                    ),
                    C.AFFIRM,
                )
            if n % 3 == 1:
                d.add(
                    self.pick(
                        "What is that like for you?",
                        "How does that feel, saying it out loud?",
                        "What goes through your mind when you notice that?",
                    ),
                    C.OPEN_QUESTION,
                )
            return d, False
        return self.close(
            d, "Thank you for sharing so much today. Take care, and see you next time."
        )

    def _summary(self) -> str:
        heard = self.listener
        first = reflect_content(heard.client_turns[0], self.rng)[0].rstrip(".")
        feelings = " and ".join(heard.feelings[:2]) or "a lot"
        return f"{first}, and underneath it there's been a lot of feeling {feelings}."
