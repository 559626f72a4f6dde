"""A scripted CBT counselor (Cactus-style: a planner picks a technique from the first turn).

Stages: rapport and agenda → explore a situation → elicit the automatic thought → examine it
with the technique → a balanced alternative → action plan / homework → summary and close.
"""

from __future__ import annotations

from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.counselors.listening import (
    reflect_content,
    reflect_feeling_or_content,
    salient_sentence,
    say_back,
)
from theralab.counselors.techniques import Plan, plan_from_first_turn
from theralab.dialogue.codes import MiscCode as C
from theralab.text.perspective import to_second_person


class CBTCounselor(ScriptedCounselor):
    modality = "cbt"
    stages = (
        "rapport_agenda",
        "explore",
        "elicit_thought",
        "examine",
        "alternative",
        "action_plan",
        "summary_close",
    )

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.plan: Plan | None = None
        self._asked_permission = False

    def phase_for(self, index: int, of: int) -> str:
        """A CBT course (Beck): assessment and formulation first, then interventions, and
        relapse prevention in the last session of a course of three or more."""
        if index == 1:
            return "assessment"
        if index == of and of >= 3:
            return "relapse_prevention"
        return "intervention"

    def open(self) -> Draft:
        return (
            Draft(strategy="greeting")
            .add(
                self.pick("Hello, thank you for coming in today.", "Hi, it's good to meet you."),
                C.OTHER,
            )
            .add(
                self.pick("What would you like to talk about?", "What brings you here today?"),
                C.OPEN_QUESTION,
            )
        )

    def compose(self, stage: str) -> tuple[Draft, bool]:
        heard = self.listener
        d = Draft()
        if self.plan is None:
            self.plan = plan_from_first_turn(heard.last, self.rng)
            d.notes["plan"] = self.plan.text
        technique = self.plan.technique
        d.strategy = technique.name
        n = self.turns_in_stage
        thought = (
            say_back(heard.thought, "something bad is going on")
            if heard.thought
            else "this will go badly"
        )

        if stage == "rapport_agenda":
            if n == 0:
                d.add(*reflect_content(heard.last, self.rng))
                d.add("What would you most like to focus on in our session today?", C.OPEN_QUESTION)
                return d, False
            if n == 1 and not heard.focus:
                d.add(*reflect_content(heard.last, self.rng))
                d.add("Is that what you'd like us to work on today?", C.CLOSED_QUESTION)
                return d, False
            d.add(
                "Let's make that our focus for today, and leave a few minutes at the end "
                "to plan something for the week.",
                C.STRUCTURE,
            )
            d.add("Tell me about a recent time when this was especially hard.", C.OPEN_QUESTION)
            return d, True

        if stage == "explore":
            if n == 0:
                d.add(*reflect_content(heard.last, self.rng))
                d.add("How did you feel when that happened?", C.OPEN_QUESTION)
                return d, False
            d.add(*reflect_feeling_or_content(heard.last, self.rng))
            d.add("What did you do afterwards?", C.OPEN_QUESTION)
            return d, True

        if stage == "elicit_thought":
            if heard.thought and n > 0:
                self.next_stage()
                return self.compose(self.stage)
            if n == 0:
                d.add(*reflect_content(heard.last, self.rng))
                d.add("In that moment, what was going through your mind?", C.OPEN_QUESTION)
                return d, False
            if n >= 4:
                # The thought never surfaced: work with the client's own words instead.
                heard.thought = heard.thought or heard.client_turns[0]
                self.next_stage()
                return self.compose(self.stage)
            d.add("That sounds really hard.", C.SUPPORT)
            if n == 1:
                d.add(
                    "Often our feelings follow quick, automatic thoughts that we hardly "
                    "notice. This is called an automatic thought.",
                    C.GIVE_INFORMATION,
                )
            d.add(
                self.pick(
                    "If you imagine yourself back there, what were you telling yourself?",
                    "What thoughts were running through your head just then?",
                ),
                C.OPEN_QUESTION,
            )
            return d, False

        if stage == "examine":
            if n == 0:
                d.add(f"So for you, the thought was that {thought}.", C.SIMPLE_REFLECTION)
                d.add(technique.questions[0].format(thought=thought), C.OPEN_QUESTION)
                return d, False
            if n < len(technique.questions):
                d.add(*reflect_content(heard.last, self.rng))
                if n == 1:
                    d.add(technique.psychoeducation, C.GIVE_INFORMATION)
                    d.add("Does that fit with your experience?", C.CLOSED_QUESTION)
                    return d, False
                d.add(technique.questions[n].format(thought=thought), C.OPEN_QUESTION)
                return d, n + 1 >= len(technique.questions)
            return d, True

        if stage == "alternative":
            if heard.balanced:
                balanced = to_second_person(heard.balanced)
                d.add(
                    f"It sounds like a more balanced way to see it might be that {balanced}.",
                    C.SIMPLE_REFLECTION,
                )
                d.add("That's a real shift from where we started.", C.AFFIRM)
                self.next_stage()
                return self._plan_turn(d)
            if n >= 2:
                self.next_stage()
                d.add("It's hard to let go of a thought that has felt true for so long.", C.SUPPORT)
                return self._plan_turn(d)
            d.add(*reflect_content(heard.last, self.rng))
            d.add(
                self.pick(
                    f"Considering all of that, what's another way to look at the thought that "
                    f"{thought}?",
                    f"What would you say to a close friend who told you that {thought}?",
                )
                if n == 0
                else "What might be a more balanced way to see it?",
                C.OPEN_QUESTION,
            )
            return d, False

        if stage == "action_plan":
            return self._plan_turn(d)

        # summary_close
        if n == 0:
            d.add("Let me summarize what we covered today.", C.STRUCTURE)
            d.add(self._summary(), C.COMPLEX_REFLECTION)
            d.add("Looking back on today, how was this session for you?", C.OPEN_QUESTION)
            return d, False
        return self.close(
            d, "Thank you for your work today. Take care, and I'll see you next time."
        )

    def _plan_turn(self, d: Draft) -> tuple[Draft, bool]:
        assert self.plan is not None
        heard = self.listener
        if not self._asked_permission:
            self._asked_permission = True
            if self.course_phase == "assessment":
                d.add(self._formulation(), C.COMPLEX_REFLECTION)
            elif self.course_phase == "relapse_prevention":
                d.add(
                    "As this is our last session, it's worth planning for the weeks ahead.",
                    C.STRUCTURE,
                )
            d.add(
                "Would it be okay if I suggested something to try this week?", C.SEEK_COLLABORATION
            )
            return d, False
        if heard.committed or self.turns_in_stage >= 2:
            if heard.committed:
                d.add(
                    f"You've found a step that fits: {to_second_person(heard.committed)}.", C.AFFIRM
                )
            else:
                d.add("It's your decision whether and how to try it.", C.EMPHASIZE_AUTONOMY)
            self.next_stage()
            d.add("Let me summarize what we covered today.", C.STRUCTURE)
            d.add(self._summary(), C.COMPLEX_REFLECTION)
            d.add("Looking back on today, how was this session for you?", C.OPEN_QUESTION)
            return d, False
        d.add(f"One option is to {self._homework()} this week.", C.ADVISE_WITH_PERMISSION)
        d.add("How does that sound to you as a first step?", C.OPEN_QUESTION)
        return d, False

    def _homework(self) -> str:
        """This session's homework: self-monitoring after an assessment, a plan for
        setbacks at the end of a course, otherwise the technique's own."""
        assert self.plan is not None
        phase = self.course_phase
        if phase == "assessment":
            return (
                "jot down, whenever things get hard, what was happening, what you felt and "
                "what went through your mind"
            )
        if phase == "relapse_prevention":
            return (
                "write down what has helped most, the early signs that things are slipping, "
                "and what you will do when you notice them"
            )
        return self.plan.technique.homework

    def _formulation(self) -> str:
        """The assessment session's working formulation: situation → thought → feeling →
        what the client does, in the client's own words where they were heard."""
        heard = self.listener
        thought = say_back(heard.thought, "something bad is going on") if heard.thought else None
        feeling = " and ".join(heard.feelings[:2]) if heard.feelings else "upset"
        if thought:
            return (
                f"From what you've told me, when things get hard the thought that {thought} "
                f"comes up, you feel {feeling}, and that shapes what you do next."
            )
        return (
            f"From what you've told me, when things get hard you feel {feeling}, and that "
            "shapes what you do next."
        )

    def _summary(self) -> str:
        heard = self.listener
        opening = salient_sentence(heard.client_turns[0])
        parts = [f"You came in talking about how {say_back(opening, 'hard things have been')}"]
        if heard.thought:
            thought = say_back(heard.thought, "something bad is going on")
            parts.append(f"we looked at the thought that {thought}")
        if heard.balanced:
            parts.append(f"and you found that {to_second_person(heard.balanced)}")
        return ", ".join(parts) + "."
