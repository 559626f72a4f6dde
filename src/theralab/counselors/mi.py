"""A scripted Motivational Interviewing counselor: engage → focus → evoke → plan → close.

It follows the spirit of MI as coded by MITI: reflections outnumber questions, change talk is
reflected selectively, sustain talk gets a double-sided reflection and autonomy support, and
advice is only offered with permission.
"""

from __future__ import annotations

from collections.abc import Sequence

from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.counselors.listening import (
    reflect_change,
    reflect_feeling,
    reflect_feeling_or_content,
    reflect_two_sides,
    reflect_with_meaning,
    salient_sentence,
    say_back,
)
from theralab.dialogue.codes import MiscCode as C
from theralab.dialogue.codes import TalkType
from theralab.text.perspective import to_second_person

_EVOKE = (
    "What worries you about how things are right now?",
    "How would things be different if you were able to {focus}?",
    "On a scale from zero to ten, how important is it for you to {focus}?",
    "What makes it that number, and not a lower one?",
    "What would be the good things about being able to {focus}?",
    "What has it cost you, keeping things the way they are?",
)


class MICounselor(ScriptedCounselor):
    modality = "mi"
    stages = ("engage", "focus", "evoke", "plan", "close")

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self._evocative_asked = 0

    def phase_for(self, index: int, of: int) -> str:
        """MI's processes across a course: engage, focus, evoke, plan (Miller & Rollnick),
        the first session engaging and the last planning."""
        if index == 1:
            return "engage"
        if index == of:
            return "plan"
        return ("focus", "evoke")[min(1, index - 2)]

    def open(self) -> Draft:
        return (
            Draft(strategy="engage")
            .add(self.pick("Hi, thanks for coming in.", "Hello, I'm glad you're here."), C.OTHER)
            .add("What brings you here today?", C.OPEN_QUESTION)
        )

    def compose(self, stage: str) -> tuple[Draft, bool]:
        heard = self.listener
        n = self.turns_in_stage
        d = Draft(strategy=stage)
        last = heard.last

        if stage == "engage":
            if n == 0:
                d.add(*reflect_feeling_or_content(last, self.rng))
                # A returning client is already engaged: one reflection, then the focus.
                return d, self.returning
            if n == 1:
                d.add(*reflect_with_meaning(last, self.rng))
                d.add(reflect_feeling(last, self.rng), C.COMPLEX_REFLECTION)
                d.add("What has been the hardest part of this for you?", C.OPEN_QUESTION)
                return d, False
            d.add(
                self.pick(
                    "You've been carrying a lot, and you've kept going.",
                    "It's clear you care a lot about getting this right.",
                ),
                C.AFFIRM,
            )
            d.add(*reflect_feeling_or_content(last, self.rng))
            return d, n >= 2

        if stage == "focus":
            if heard.focus:
                d.add(f"So what you'd like is to {heard.focus_phrase()}.", C.SIMPLE_REFLECTION)
                self.next_stage()
                return self._evoke(d, 0)
            if n >= 2:
                self.next_stage()
                return self._evoke(d, 0)
            d.add(*reflect_with_meaning(last, self.rng))
            d.add("What would you like to focus on today?", C.OPEN_QUESTION)
            return d, False

        if stage == "evoke":
            return self._evoke(d, n)

        if stage == "plan":
            if heard.committed:
                d.add(
                    f"You've thought this through: {to_second_person(heard.committed)}.", C.AFFIRM
                )
                d.add(
                    "It's your decision, and it sounds like a step that fits your life.",
                    C.EMPHASIZE_AUTONOMY,
                )
                self.next_stage()
                return self._summary(d)
            if n >= 2:
                d.add(reflect_two_sides(self._sustain(), self._change()), C.COMPLEX_REFLECTION)
                d.add(
                    "You don't have to decide anything today; it's up to you.", C.EMPHASIZE_AUTONOMY
                )
                self.next_stage()
                return self._summary(d)
            if heard.last_talk is TalkType.SUSTAIN:
                d.add(reflect_two_sides(self._sustain(), self._change()), C.COMPLEX_REFLECTION)
            else:
                d.add(*reflect_with_meaning(last, self.rng))
            d.add(
                (
                    "What might be a first step you could take this week?",
                    "If you decided to go ahead, what could you do first?",
                )[n % 2],
                C.OPEN_QUESTION,
            )
            return d, False

        # close
        return self.close(
            d, "Thank you for talking with me today. Take care, and see you next time."
        )

    def _evoke(self, d: Draft, n: int) -> tuple[Draft, bool]:
        heard = self.listener
        d.strategy = "evoke"
        last = heard.last
        if n > 0:
            if heard.last_talk is TalkType.CHANGE:
                d.add(reflect_change(salient_sentence(last), self.rng), C.COMPLEX_REFLECTION)
                if n % 3 == 0:
                    d.add("You're clearly thinking hard about this.", C.AFFIRM)
            elif heard.last_talk is TalkType.SUSTAIN and heard.change_talk:
                d.add(
                    reflect_two_sides(salient_sentence(last), heard.change_talk[-1]),
                    C.COMPLEX_REFLECTION,
                )
                d.add("And it's your call what, if anything, to do about it.", C.EMPHASIZE_AUTONOMY)
            elif heard.last_talk is TalkType.SUSTAIN:
                d.add(*reflect_with_meaning(last, self.rng))
                d.add(
                    "You're not sure it needs to change, and that's yours to decide.",
                    C.EMPHASIZE_AUTONOMY,
                )
            else:
                d.add(*reflect_feeling_or_content(last, self.rng))
        enough = (
            (len(heard.change_talk) >= 3 and n >= 3)
            or n >= 7
            or (self.course_phase == "plan" and n >= 3)
        )
        if enough:
            d.add(
                self.pick(
                    "So where does all of this leave you now?", "What do you make of all this?"
                ),
                C.OPEN_QUESTION,
            )
            return d, True
        # Ask an evocative question on alternate turns; let reflections carry the rest.
        if self._evocative_asked >= len(_EVOKE):
            d.add("So where does all of this leave you now?", C.OPEN_QUESTION)
            return d, True
        if n % 3 == 0:
            q = _EVOKE[self._evocative_asked]
            self._evocative_asked += 1
            d.add(q.format(focus=heard.focus_phrase()), C.OPEN_QUESTION)
        return d, False

    def _summary(self, d: Draft) -> tuple[Draft, bool]:
        d.add("Let me summarize what I've heard.", C.STRUCTURE)
        d.add(
            f"Part of you is weighing whether to {self.listener.focus_phrase()}, and you've "
            f"named real reasons for it, like how {self._change()}.",
            C.COMPLEX_REFLECTION,
        )
        d.add("Looking back on today, how was this conversation for you?", C.OPEN_QUESTION)
        return d, False

    def _change(self) -> str:
        return _latest(self.listener.change_talk, "things could be better")

    def _sustain(self) -> str:
        return _latest(self.listener.sustain_talk, "changing feels hard right now")


def _latest(talk: Sequence[str], fallback: str) -> str:
    """The client's latest words of one kind, said back; `fallback` when there are none."""
    return say_back(talk[-1], fallback) if talk else fallback
