"""The technique selector: which specialised agents write the next reply (1–3 of them).

MAGneT's technique agent reads the conversation and the client's state and decides what the
next counselor turn should do. Here that decision is a small set of readable rules over the
client's last turn (see `perception`), the session stage and what was done before, with the
counselor's seeded generator breaking the close calls so sessions are not all alike.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from theralab.counselors.magnet.perception import Perception
from theralab.dialogue.codes import TalkType

REFLECTION = "reflection"
QUESTIONING = "questioning"
SOLUTIONS = "solutions"
NORMALISING = "normalising"
PSYCHOEDUCATION = "psychoeducation"

# The fixed technique set, in the order a merged reply uses them.
MAGNET_TECHNIQUES: tuple[str, ...] = (
    REFLECTION,
    NORMALISING,
    PSYCHOEDUCATION,
    SOLUTIONS,
    QUESTIONING,
)
TECHNIQUE_BRIEFS: dict[str, str] = {
    REFLECTION: "say back the client's feelings, thoughts or meaning in your own words",
    QUESTIONING: "ask one open question that helps the client explore or move forward",
    SOLUTIONS: "with permission, offer one concrete idea or small step, respecting choice",
    NORMALISING: "validate the experience as understandable and shared by many people",
    PSYCHOEDUCATION: "explain briefly what may be happening, in plain words",
}
MAX_TECHNIQUES = 3
# After a turn that asked something, how often the next one asks again (else it only listens).
QUESTION_RATE = 0.3


@dataclass(frozen=True)
class Selection:
    techniques: tuple[str, ...]
    rationale: str

    @property
    def strategy(self) -> str:
        return "magnet:" + "+".join(self.techniques)


@dataclass
class SelectorMemory:
    """What the selector needs to remember across turns."""

    history: list[tuple[str, ...]] = field(default_factory=list)
    permission_asked: bool = False  # permission to share an idea was asked this session
    permission_pending: bool = False  # ... in the last turn, so this turn answers it
    idea_given: bool = False
    psychoeducation_turns: int = 0

    def used_last(self, technique: str) -> bool:
        return bool(self.history) and technique in self.history[-1]


def order(techniques: Sequence[str]) -> tuple[str, ...]:
    """Techniques in the order their sentences are merged, without duplicates."""
    return tuple(t for t in MAGNET_TECHNIQUES if t in techniques)


def select(p: Perception, stage: str, memory: SelectorMemory, rng: random.Random) -> Selection:
    """Choose the techniques for the next reply, with a one-line rationale."""
    chosen: list[str] = []
    why: list[str] = []

    def add(technique: str, reason: str) -> None:
        if technique not in chosen:
            chosen.append(technique)
            why.append(reason)

    # Agreeing to hear an idea, or asking for one, is the client's leave to offer it.
    if (p.consented or p.asks_advice) and not memory.idea_given and stage != "engage":
        add(SOLUTIONS, "the client asked for an idea" if p.asks_advice else "the client agreed")
        add(QUESTIONING, "check how the idea fits")
        return _done(chosen, why)
    if p.new_commitment and stage == "plan":
        add(REFLECTION, "reflect the step the client chose")
        add(SOLUTIONS, "affirm the step and leave the choice with the client")
        return _done(chosen, why)

    # Reflection leads almost every reply: MAGneT's sessions open each turn by showing the
    # client they were heard. A client who said almost nothing still gets a gentle one.
    add(REFLECTION, "show the client they were heard")

    if p.asks_information:
        add(PSYCHOEDUCATION, "the client asked what is happening to them")
    if p.shame or p.minimising:
        add(NORMALISING, "shame or self-dismissal in the client's words")
    elif p.distress and not memory.used_last(NORMALISING) and rng.random() < 0.7:
        add(NORMALISING, "the client sounds overwhelmed")

    ready = p.talk is not TalkType.SUSTAIN
    if stage == "plan" and ready and not (memory.permission_asked or memory.idea_given):
        add(SOLUTIONS, "the client is ready to think about next steps: ask leave to share an idea")

    if (
        PSYCHOEDUCATION not in chosen
        and memory.psychoeducation_turns < 3
        and not memory.used_last(PSYCHOEDUCATION)
        and len(chosen) < MAX_TECHNIQUES - 1
    ):
        if p.worry_question and stage in ("explore", "work") and rng.random() < 0.6:
            add(PSYCHOEDUCATION, "a what-if worry: explain how anxious minds predict")
        elif p.new_thought and stage in ("explore", "work") and rng.random() < 0.5:
            add(PSYCHOEDUCATION, "link the thought the client named to how they feel")
        elif stage == "work" and memory.psychoeducation_turns == 0 and rng.random() < 0.5:
            add(PSYCHOEDUCATION, "explain the pattern behind the thought")

    # One question at most; the solutions agent's request for permission is that question.
    asking_permission = SOLUTIONS in chosen and not memory.permission_asked
    if not asking_permission and len(chosen) < MAX_TECHNIQUES:
        breather = (
            p.distress and NORMALISING in chosen and stage in ("engage", "explore")
        ) or p.minimal
        if stage == "engage" or not memory.used_last(QUESTIONING) or p.new_thought:
            add(QUESTIONING, "move the session on")
        elif breather and rng.random() < 0.6:
            why.append("let the client set the pace")
        elif rng.random() < QUESTION_RATE:
            add(QUESTIONING, "keep exploring")
        else:
            why.append("leave room for the client")
    return _done(chosen, why)


def _done(chosen: list[str], why: list[str]) -> Selection:
    techniques = order(chosen)[:MAX_TECHNIQUES]
    return Selection(techniques, "; ".join(why))
