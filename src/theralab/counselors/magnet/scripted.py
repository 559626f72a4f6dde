"""The scripted MAGneT counselor: a CBT plan, a technique selector, five response agents and a
merger, run once per turn.

Stages: engage (agree a focus) → explore (a situation, its feelings, the automatic thought) →
work (examine the thought with the planned CBT technique, look for a balanced view) → plan
(an idea or first step, with permission) → close (summary, feedback, goodbye). The stage sets
what the questioning agent asks and when solutions are offered; the selector decides, turn by
turn, which agents speak.
"""

from __future__ import annotations

from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.counselors.listening import salient_sentence, say_back
from theralab.counselors.magnet.agents import AGENTS, Memory, TurnContext
from theralab.counselors.magnet.merge import is_sendable, merge
from theralab.counselors.magnet.perception import Heard, perceive
from theralab.counselors.magnet.selector import SelectorMemory, select
from theralab.counselors.techniques import Plan, plan_from_first_turn
from theralab.dialogue.codes import MiscCode as C

# Most turns a stage may take before the session moves on regardless.
STAGE_TURNS = {"engage": 2, "explore": 5, "work": 5, "plan": 3}


class MagnetCounselor(ScriptedCounselor):
    modality = "magnet"
    stages = ("engage", "explore", "work", "plan", "close")

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.plan: Plan | None = None
        self.memory = Memory()
        self.selector_memory = SelectorMemory()
        self._before = Heard()
        self._step: str | None = None  # the step the client chose in the plan stage
        self._balanced: str | None = None  # the balanced view the client found

    def open(self) -> Draft:
        return (
            Draft(strategy="magnet:greeting")
            .add(self.pick("Hello, and welcome.", "Hi, thank you for coming in today."), C.OTHER)
            .add(
                self.pick(
                    "This is your time, and before we finish I'll pull together what we've "
                    "talked about.",
                    "Let's start with whatever feels most pressing, and we'll leave a few "
                    "minutes at the end to sum up.",
                ),
                C.STRUCTURE,
            )
            .add(
                self.pick(
                    "What would you like to talk about today?",
                    "What brings you here today?",
                ),
                C.OPEN_QUESTION,
            )
        )

    def compose(self, stage: str) -> tuple[Draft, bool]:
        heard = self.listener
        notes: dict[str, object] = {}
        if self.plan is None:  # MAGneT's CBT agent: a plan from the client's first words
            self.plan = plan_from_first_turn(heard.last, self.rng)
            notes["plan"] = self.plan.text
        perception = perceive(heard, self._before, self.selector_memory.permission_pending)
        self._before = Heard(heard.thought, heard.balanced, heard.committed)
        self._balanced = perception.balanced or self._balanced
        step_is_new = perception.new_commitment and stage == "plan"
        if step_is_new:
            self._step = heard.committed
        stage = self._settle_stage(step_is_new)
        if stage == "close":
            draft = self._close_turn()
            draft.notes.update(notes)
            return draft, False

        selection = select(perception, stage, self.selector_memory, self.rng)
        ctx = TurnContext(heard, perception, stage, self.plan, self.memory, self.rng)
        candidates = [AGENTS[t].draft(ctx) for t in selection.techniques]
        merged = merge(candidates)
        sm = self.selector_memory
        sm.history.append(merged.techniques)
        asked = C.SEEK_COLLABORATION in merged.draft.codes
        sm.permission_pending = asked
        sm.permission_asked = sm.permission_asked or asked
        sm.idea_given = self.memory.idea_given
        sm.psychoeducation_turns += "psychoeducation" in merged.techniques
        draft = merged.draft
        draft.notes.update(notes)
        draft.notes["techniques"] = list(merged.techniques)
        draft.notes["rationale"] = selection.rationale
        draft.notes["cues"] = perception.cues()
        draft.notes["topics"] = {
            c.technique: c.topic for c in candidates if c.topic and c.technique in merged.techniques
        }
        if merged.dropped:
            draft.notes["dropped"] = merged.dropped
        if merged.withheld:
            draft.notes["withheld"] = merged.withheld
        return draft, False

    def _settle_stage(self, step_is_new: bool) -> str:
        """Move on while the current stage's work is done (or has taken long enough)."""
        while self.stage != "close" and self._stage_done(self.stage, step_is_new):
            self.next_stage()
        return self.stage

    def _stage_done(self, stage: str, step_is_new: bool) -> bool:
        heard, n = self.listener, self.turns_in_stage
        if n >= STAGE_TURNS[stage] and not (
            stage == "plan" and self.selector_memory.permission_pending
        ):
            return True
        if stage == "engage":
            return n >= 1 and heard.focus is not None
        if stage == "explore":
            return n >= 1 and heard.thought is not None
        if stage == "work":
            return n >= 1 and self._balanced is not None
        return self._step is not None and not step_is_new

    def _close_turn(self) -> Draft:
        d = Draft(strategy="magnet:summary")
        if self.turns_in_stage == 0:
            d.add(
                self.pick(
                    "Before we finish, let me recap what we've covered.",
                    "We're nearly at the end of our time, so let me recap what we've talked about.",
                ),
                C.STRUCTURE,
            )
            d.add(self._summary(), C.COMPLEX_REFLECTION)
            d.add(
                self.pick(
                    "Looking back on today, how has this conversation been for you?",
                    "Looking back on today, what was it like to talk this through?",
                ),
                C.OPEN_QUESTION,
            )
            return d
        d.strategy = "magnet:close"
        d, _ = self.close(
            d,
            self.pick(
                "Take care of yourself, and I'll see you next time.",
                "Look after yourself this week, and take care until next time.",
            ),
        )
        return d

    def _summary(self) -> str:
        """What the session covered, in the client's words (parts the output check would
        refuse are left out)."""
        heard = self.listener
        opening = f"You came in saying that {_said(heard.client_turns[0])}"
        parts = [opening if is_sendable(opening) else "You came in with a lot on your mind"]
        if heard.thought:
            thought = say_back(heard.thought, "something bad is going on")
            parts.append(f"we looked at the thought that {thought}")
        if self._balanced:
            parts.append(f"you found another way to see it, that {_said(self._balanced)}")
        if self._step:
            parts.append(f"and you chose a step: {_said(self._step)}")
        return "; ".join(p for p in parts if is_sendable(p)) + "."


def _said(text: str) -> str:
    return say_back(salient_sentence(text), "this has been hard")
