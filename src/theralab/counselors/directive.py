"""A scripted directive counselor: a deliberate negative control for evaluations.

It does what MI calls the righting reflex — chains of closed questions, advice without
permission, persuasion and warnings — so a run can show that its metrics and its simulated
clients tell good counseling from bad. Not a counselor to put in front of anyone.
"""

from __future__ import annotations

from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.dialogue.codes import MiscCode as C

_CLOSED = (
    "Is this happening every day?",
    "Have you tried just not thinking about it?",
    "Do you sleep at least seven hours?",
    "Is there anyone who can help you with this?",
    "Did you try talking to your doctor?",
)
_ADVICE = (
    "You should start exercising every morning, it fixes most of this.",
    "You need to stop worrying about what other people think.",
    "Try to think more positively about it.",
    "You have to set firmer boundaries, starting this week.",
    "You should just {focus}.",
)
_PERSUADE = (
    "Don't you think you'd feel much better if you just made the change?",
    "Wouldn't you agree it's time to take this seriously?",
)
_WARN = ("If you don't change something soon, you'll end up feeling a lot worse.",)


class DirectiveCounselor(ScriptedCounselor):
    modality = "directive"
    stages = ("assess", "prescribe", "close")
    control = True

    def open(self) -> Draft:
        return (
            Draft(strategy="assess")
            .add("Hello.", C.OTHER)
            .add("What's the problem?", C.OPEN_QUESTION)
        )

    def compose(self, stage: str) -> tuple[Draft, bool]:
        n = self.turns_in_stage
        d = Draft(strategy=stage)
        if stage == "assess":
            d.add(_CLOSED[n % len(_CLOSED)], C.CLOSED_QUESTION)
            return d, n >= 2
        if stage == "prescribe":
            advice = _ADVICE[n % len(_ADVICE)].format(focus=self.listener.focus_phrase())
            d.add(advice, C.ADVISE_WITHOUT_PERMISSION)
            if n % 3 == 1:
                d.add(self.pick(*_PERSUADE), C.PERSUADE)
            elif n % 3 == 2:
                d.add(_WARN[0], C.WARN)
            else:
                d.add(self.pick(*_CLOSED), C.CLOSED_QUESTION)
            return d, n >= 6
        d.add("Okay, that's all we have time for.", C.STRUCTURE)
        d.add("Goodbye.", C.OTHER)
        d.closes = True
        return d, False
