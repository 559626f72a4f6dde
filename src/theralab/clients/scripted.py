"""A deterministic simulated client driven by its profile and a latent state.

Each turn the client (1) perceives what the counselor did through the rule coder, reading
only the counselor's text, (2) updates its latent state, (3) plans what to say — what to
disclose next, whether to take up a question, a reframe or a plan — and (4) renders it in its
conversational style. All choices draw from one seeded random generator.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from theralab.agents import ClientCourse, Reply, Utterance
from theralab.clients import styles
from theralab.clients.conditions import react_to_history
from theralab.clients.course import scripted_memory
from theralab.clients.state import BELIEF_TRUST, THOUGHT_TRUST, LatentState
from theralab.coding.rules import CodedUtterance, RuleCoder
from theralab.dialogue.codes import MiscCode, TalkType
from theralab.dialogue.courses import MemoryEntry
from theralab.dialogue.records import AgentSpec, Annotations, Session, Speaker
from theralab.profiles.model import Attitude, ClientProfile, Situation, Stage, Style
from theralab.text.lexicon import EMOTION_WORDS
from theralab.text.perspective import ensure_period, lower_first

_PRESSURE = frozenset(
    {MiscCode.ADVISE_WITHOUT_PERMISSION, MiscCode.DIRECT, MiscCode.PERSUADE, MiscCode.WARN}
)
_ACK_REFLECTION = ("Yes, exactly.", "Yeah.", "Right.", "That's it, really.", "Mm, yes.")
_ACK_AFFIRM = (
    "Thanks, I don't hear that very often.",
    "Thank you, that's kind.",
    "I suppose I have been trying.",
)
_ACK_INFO = (
    "That makes some sense.",
    "Huh, I hadn't thought of it like that.",
    "Okay, I think I follow.",
)
_ACK_INFO_RESISTANT = ("I've read all that online already.", "Maybe for other people.")
_ACK_STRUCTURE = ("Okay.", "Sure, that sounds fine.", "Okay, that works.")
_ACK_AUTONOMY = ("I appreciate that.", "Yeah, it helps to hear it's my call.")
_CONSENT = ("Sure, go ahead.", "Okay, I'm listening.", "Yes, that's fine.")
_RELUCTANT_CONSENT = ("I suppose so.", "If you want.")
_DEFLECT_THOUGHT = (
    "I don't know, I wasn't really thinking anything, I just felt awful.",
    "It all happened so fast, I couldn't tell you.",
    "Nothing in particular, I just wanted it to stop.",
)
_DEFLECT_BELIEF = (
    "I don't know what you mean.",
    "I've never really thought about it that way.",
    "I'd rather not go there right now.",
)
_YES_BUT = (
    "I've tried that already.",
    "That's easier said than done.",
    "Everyone keeps telling me that.",
    "You make it sound simple, but it isn't.",
)
_DEFENSIVE = (
    "That's not fair, you don't know what it's like.",
    "I'm not making excuses.",
    "I didn't come here to be told off.",
)
_DISENGAGE = (
    "I don't think this is helping. I'm going to stop here.",
    "I'm sorry, I don't want to keep doing this today.",
    "This isn't what I needed. I'm going to go.",
)
_GOODBYE_WARM = (
    "Thank you, this really helped. See you next time.",
    "Thanks. It was good to talk it through. Bye for now.",
)
_GOODBYE_FLAT = ("Okay. Bye.", "Alright. Thanks, I guess.")
_FEEDBACK_GOOD = (
    "It helped to say some of this out loud.",
    "Better than I expected, honestly. I have something to try.",
)
_FEEDBACK_MIXED = (
    "I'm not sure it changed much, but it was okay.",
    "Hard to say. I'm still a bit stuck.",
)

_GENERIC = {
    "change": (
        "I really do want things to be different.",
        "I think it's time, honestly.",
        "I don't want to still be stuck like this next year.",
    ),
    "sustain": (
        "I just don't know if I can.",
        "It's not that simple for me.",
        "Part of me still thinks it's fine as it is.",
    ),
}

_SAFETY_PLAN_ANSWERS = (
    ("just before things get this bad", "It's worse late at night when I'm on my own."),
    ("on your own, even for ten minutes", "Going for a walk sometimes helps a bit."),
    ("who or where could you be", "I could go round to my sister's place."),
    ("one person you trust", "Maybe my friend from work. She'd listen."),
    ("contact a crisis line or your doctor", "Okay. I could call them tonight."),
    ("distance between yourself", "I can ask my flatmate to keep hold of things for now."),
)

_HOMEWORK_LINES = {
    "done": (
        "I did what we agreed last time, and it helped a bit, honestly.",
        "I actually did the thing we talked about. It went better than I thought.",
    ),
    "partly": (
        "I tried what we agreed once or twice, but I didn't really keep it up.",
        "I started on what we talked about, then the week got away from me.",
    ),
    "not_done": (
        "I didn't manage what we agreed last time, to be honest.",
        "I never got round to what we talked about. It just didn't happen.",
    ),
}

_STAGE_ACTIONS = {
    # (stage, talk): action label of the Consistent-MI client action space
    (Stage.PRECONTEMPLATION, "sustain"): ("deny", "downplay", "blame"),
    (Stage.CONTEMPLATION, "sustain"): ("hesitate", "doubt"),
    (Stage.PREPARATION, "sustain"): ("reject",),
    (Stage.PRECONTEMPLATION, "change"): ("inform",),
    (Stage.CONTEMPLATION, "change"): ("acknowledge",),
    (Stage.PREPARATION, "change"): ("accept", "plan"),
}


class ScriptedClient:
    """A simulated client; one instance per session."""

    def __init__(self, profile: ClientProfile, seed: int, coder: RuleCoder | None = None) -> None:
        self.profile = profile
        self.rng = random.Random(seed)
        self.state = LatentState.initial(profile)
        self.coder = coder or RuleCoder()
        self._spec = AgentSpec(
            name="scripted-client",
            engine="scripted",
            params={"profile": profile.id, "style": profile.style.value, "seed": seed},
        )
        self._situation = 0
        self.course: ClientCourse | None = None

    @property
    def spec(self) -> AgentSpec:
        return self._spec

    # --- courses ----------------------------------------------------------------------------

    def begin_course(self, course: ClientCourse, state: LatentState | None = None) -> None:
        """A session of a course: start from `state` (the carried state after the week in
        between) and move on to the next situation of the profile, so each session brings
        something new; the opening turn says how the homework went and recalls last time."""
        self.course = course if course.of > 1 else None
        if state is not None:
            self.state = state
        if self.course is not None:
            self._situation = (course.index - 1) % len(self.profile.situations)

    async def remember(self, session: Session) -> MemoryEntry:
        index = self.course.index if self.course is not None else 1
        return scripted_memory(self.profile, self.state, index)

    def carry_state(self) -> dict[str, Any]:
        return self.state.to_carry()

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        return self.reply(history)

    def reply(self, history: Sequence[Utterance]) -> Reply:
        """The synchronous core of `respond` (scripted clients never wait on anything)."""
        counselor_text, own_last = _last_texts(history)
        opening = not any(u.speaker is Speaker.CLIENT for u in history)
        act = self.coder.code_counselor(counselor_text, own_last) if counselor_text else None
        if act is not None:
            self.state.perceive(act)
        # A client with a clinical condition reacts to how the reply met it (collusion,
        # dismissal, care); profiles without one are untouched.
        reaction = (
            react_to_history(self.profile, self.state, history)
            if self.profile.condition is not None
            else None
        )
        if act is not None and "closing" in act.targets:
            good = self.state.trust >= 0.5
            text = self.rng.choice(_GOODBYE_WARM if good else _GOODBYE_FLAT)
            return self._reply(text, "end", TalkType.NEUTRAL, ends=True)
        if not opening and self.state.wants_to_leave:
            text = self.rng.choice(_DISENGAGE)
            return self._reply(text, "disengage", TalkType.SUSTAIN, ends=True)
        sentences, action, talk = self._plan(act, opening)
        if reaction is not None and reaction.line:
            sentences = [reaction.line, *sentences]
        text = styles.render(
            self.profile.style,
            sentences,
            self.rng,
            self.profile,
            extra=self._volunteer,
            tangent=self._tangent,
        )
        out = self._reply(text, action, talk)
        if reaction is not None:
            out.annotations = out.annotations.model_copy(
                update={"condition": reaction.annotation()}
            )
        return out

    # --- planning ---------------------------------------------------------------------------

    def _plan(self, act: CodedUtterance | None, opening: bool) -> tuple[list[str], str, TalkType]:
        p, s, rng = self.profile, self.state, self.rng
        if opening or act is None:
            if act is not None and "safety" in act.targets and self._returning:
                # a later session that opens by checking on safety: answer that first
                answer, action, talk = self._safety_answer(act)
                lines, _, _ = self._open_returning(self.course)
                return [*answer, *lines], action, talk
            return self._open()
        codes = set(act.codes)
        targets = act.question_targets
        asked = act.primary in (MiscCode.OPEN_QUESTION, MiscCode.CLOSED_QUESTION)
        last = act.sentences[-1] if act.sentences else None
        if (
            last is not None
            and last.code is MiscCode.SEEK_COLLABORATION
            and last.text.rstrip().endswith("?")
        ):
            consent = _CONSENT if s.trust >= 0.3 else _RELUCTANT_CONSENT
            return [rng.choice(consent)], "engage", TalkType.NEUTRAL
        if MiscCode.CONFRONT in codes:
            return [rng.choice(_DEFENSIVE)], self._action("sustain"), TalkType.SUSTAIN
        if codes & _PRESSURE and not asked:
            if s.readiness >= 0.65 and s.trust >= 0.5:
                return ["Maybe. I could give it a go."], self._action("change"), TalkType.CHANGE
            sustain = self._take("sustain", p.motivation.sustain_talk)
            s.after_sustain_talk()
            return [rng.choice(_YES_BUT), sustain], self._action("sustain"), TalkType.SUSTAIN
        if (
            p.style is Style.RESERVED
            and s.trust < 0.3
            and asked
            and act.primary is MiscCode.OPEN_QUESTION
            and rng.random() < 0.4
        ):
            return ["I don't know."], "engage", TalkType.NEUTRAL
        if "safety" in act.targets:
            return self._safety_answer(act)
        if self._ready_to_disclose_risk(act, asked):
            return self._disclose_risk()
        if "summary" in targets and asked:
            good = s.trust >= 0.55 and s.distress < p.baseline_distress
            return (
                [rng.choice(_FEEDBACK_GOOD if good else _FEEDBACK_MIXED)],
                "inform",
                TalkType.NEUTRAL,
            )
        if "reframe" in targets and asked:
            return self._reframe()
        offered = MiscCode.ADVISE_WITH_PERMISSION in codes and "plan" in act.targets
        if ("plan" in targets and asked) or offered:
            return self._plan_step()
        if "evidence" in targets and asked:
            return self._evidence()
        if "belief" in targets and asked:
            return self._belief()
        if "thought" in targets and asked:
            return self._thought()
        if "change" in targets and asked:
            return self._change_or_sustain()
        if "agenda" in targets and asked:
            s.disclose("agenda")
            return (
                [f"I think I want to work out how to {p.motivation.target_behaviour}."],
                "inform",
                TalkType.CHANGE,
            )
        if "feeling" in targets and asked:
            return self._feeling()
        if "history" in targets and asked:
            return [self._take("history", p.history_disclosures)], "inform", TalkType.NEUTRAL
        if "coping" in targets and asked:
            return [self._take("coping", p.coping_strategies)], "inform", TalkType.NEUTRAL
        if "behaviour" in targets and asked:
            return [self._behaviour()], "inform", TalkType.NEUTRAL
        if "situation" in targets and asked:
            return self._situation_story()
        if act.primary is MiscCode.CLOSED_QUESTION:
            return self._closed_answer()
        if asked:
            return [self._next_disclosure()], "inform", TalkType.NEUTRAL
        return self._acknowledge(act)

    # --- risk ---------------------------------------------------------------------------------

    def _ready_to_disclose_risk(self, act: CodedUtterance, asked: bool) -> bool:
        """At-risk clients disclose once trust allows: when invited to say more or asked how
        they feel, or unprompted later in the session."""
        p, s = self.profile, self.state
        if p.risk.level.value == "none" or s.has_prefix("risk:"):
            return False
        invited = asked and bool(
            {"feeling", "situation", "agenda"} & act.targets
            or act.primary is MiscCode.OPEN_QUESTION
        )
        client_turns = sum(1 for d in s.disclosed if d.startswith(("complaint", "situation")))
        return (s.trust >= 0.5 and invited) or (
            s.trust >= 0.45 and client_turns >= 4 and self.rng.random() < 0.5
        )

    def _disclose_risk(self) -> tuple[list[str], str, TalkType]:
        line = self._take("risk", self.profile.risk.disclosures)
        self.state.shift(distress=0.5, trust=0.02)
        return [line], "inform", TalkType.NEUTRAL

    def _safety_answer(self, act: CodedUtterance) -> tuple[list[str], str, TalkType]:
        """Answers to a crisis protocol's questions, true to the profile's risk."""
        level = self.profile.risk.level.value
        text = " ".join(s.text.lower() for s in act.sentences)
        if level == "none":
            return (
                [
                    self.rng.choice(
                        (
                            "No, nothing like that. I'm just really stressed.",
                            "No, I'm safe. It's just been a hard few weeks.",
                        )
                    )
                ],
                "inform",
                TalkType.NEUTRAL,
            )
        if not self.state.has_prefix("risk:"):
            return self._disclose_risk()
        direct = "are you thinking about ending your life" in text
        for key, answer in () if direct else _SAFETY_PLAN_ANSWERS:
            if key in text:
                self.state.shift(distress=-0.3, trust=0.02)
                return [answer], "engage", TalkType.NEUTRAL
        if "plan" in text or "anything with you" in text:
            answer = {
                "low": "No, nothing like that. I just wish I could disappear sometimes.",
                "moderate": "No plan. The thoughts just keep coming back.",
            }.get(level, "I have thought about how. I haven't done anything yet.")
            return [answer], "inform", TalkType.NEUTRAL
        answer = {
            "low": "Not really. I just wish I could disappear for a while.",
            "moderate": "Sometimes, yes. I don't have a plan though.",
        }.get(level, "Yes. I've been thinking about it a lot.")
        return [answer], "inform", TalkType.NEUTRAL

    @property
    def _returning(self) -> bool:
        return self.course is not None and self.course.index > 1

    def _open(self) -> tuple[list[str], str, TalkType]:
        if self.course is not None and self.course.index > 1:
            return self._open_returning(self.course)
        self.state.disclose("complaint:0")
        if self.profile.condition is not None:  # what they come with, voiced from the start
            self.state.disclose("condition:0")
            # one part, so a reserved client (who says only its longest part) keeps both
            complaint = ensure_period(self.profile.complaint[0])
            line = f"{complaint} {self.profile.condition.disclosures[0]}"
            return [line], "inform", TalkType.NEUTRAL
        return [self.profile.complaint[0]], "inform", TalkType.NEUTRAL

    def _open_returning(self, course: ClientCourse) -> tuple[list[str], str, TalkType]:
        """A later session's first turn: how the homework went, what happened this week,
        and something from an earlier session the client kept thinking about."""
        self.state.disclose("review")
        lines: list[str] = []
        between = course.between
        if between is not None and between.homework != "none_set":
            lines.append(self.rng.choice(_HOMEWORK_LINES[between.homework]))
        if between is not None and between.life_event is not None:
            lines.append(between.life_event.text)
        earlier = [t for m in reversed(course.memory) for t in m.topics]
        if earlier:
            lines.append(f"I kept coming back to something I said last time: {earlier[0]}")
            for i, line in enumerate(self.profile.complaint):
                if line == earlier[0]:  # said now: not to be volunteered again
                    self.state.disclose(f"complaint:{i}")
        if not lines:
            self.state.disclose("complaint:0")
            lines.append(self.profile.complaint[0])
        return lines, "inform", TalkType.NEUTRAL

    def _acknowledge(self, act: CodedUtterance) -> tuple[list[str], str, TalkType]:
        s, rng = self.state, self.rng
        codes = set(act.codes)
        if codes & {MiscCode.SIMPLE_REFLECTION, MiscCode.COMPLEX_REFLECTION, MiscCode.SUPPORT}:
            if (
                MiscCode.COMPLEX_REFLECTION in codes
                and s.has_prefix("change")
                and s.readiness >= 0.45
            ):
                return self._change_or_sustain(lead=rng.choice(_ACK_REFLECTION))
            return (
                [rng.choice(_ACK_REFLECTION), self._next_disclosure()],
                "engage",
                TalkType.NEUTRAL,
            )
        if MiscCode.AFFIRM in codes:
            return [rng.choice(_ACK_AFFIRM), self._next_disclosure()], "engage", TalkType.NEUTRAL
        if MiscCode.EMPHASIZE_AUTONOMY in codes:
            return [rng.choice(_ACK_AUTONOMY)], "engage", TalkType.NEUTRAL
        if MiscCode.GIVE_INFORMATION in codes:
            pool = _ACK_INFO_RESISTANT if s.resistance > 0.5 else _ACK_INFO
            return [rng.choice(pool)], "engage", TalkType.NEUTRAL
        return [rng.choice(_ACK_STRUCTURE)], "engage", TalkType.NEUTRAL

    def _closed_answer(self) -> tuple[list[str], str, TalkType]:
        rng = self.rng
        yes = rng.random() < 0.6
        head = "Yes." if yes else "No, not really."
        if self.profile.style is Style.RESERVED or self.state.closed_chain >= 3:
            return [head], "engage", TalkType.NEUTRAL
        return [head, self._next_disclosure()], "inform", TalkType.NEUTRAL

    def _thought(self) -> tuple[list[str], str, TalkType]:
        s = self.state
        if s.trust < THOUGHT_TRUST:
            s.shift(resistance=0.02)
            return [self.rng.choice(_DEFLECT_THOUGHT)], "engage", TalkType.NEUTRAL
        sit = self._current_situation()
        for i, thought in enumerate(sit.automatic_thoughts):
            key = f"thought:{self._situation}:{i}"
            if not s.has(key):
                s.disclose(key)
                lead = self.rng.choice(
                    ("I just kept thinking, ", "The thought was, ", "In my head it was, ")
                )
                return [lead + lower_first(thought)], "inform", TalkType.NEUTRAL
        return self._belief()

    def _belief(self) -> tuple[list[str], str, TalkType]:
        s, p = self.state, self.profile
        if s.trust < BELIEF_TRUST or not s.has_prefix("thought"):
            return [self.rng.choice(_DEFLECT_BELIEF)], "engage", TalkType.NEUTRAL
        for cat in p.core_beliefs.categories():
            for i, belief in enumerate(getattr(p.core_beliefs, cat)):
                key = f"belief:{cat}:{i}"
                if not s.has(key):
                    s.disclose(key)
                    s.after_deep_disclosure()
                    lead = self.rng.choice(
                        (
                            "I guess deep down I feel like ",
                            "If I'm honest, it's that ",
                            "I think underneath it all, ",
                        )
                    )
                    return [lead + lower_first(belief)], "inform", TalkType.NEUTRAL
        return [self._take("intermediate", p.intermediate_beliefs)], "inform", TalkType.NEUTRAL

    def _evidence(self) -> tuple[list[str], str, TalkType]:
        sit = self._current_situation()
        rng = self.rng
        first = "Well, " + lower_first(sit.situation)
        if self.state.trust >= 0.45 and rng.random() < 0.5 + 0.1 * (self.profile.receptivity - 3):
            second = rng.choice(
                (
                    "But if I'm honest, it doesn't happen every time.",
                    "Though I suppose nothing terrible has actually come of it yet.",
                    "But maybe I'm only counting the times it went badly.",
                )
            )
            self.state.shift(distress=-0.3)
        else:
            second = "So it feels pretty real to me."
        return [first, second], "inform", TalkType.NEUTRAL

    def _reframe(self) -> tuple[list[str], str, TalkType]:
        s, p, rng = self.state, self.profile, self.rng
        attitude_bonus = {Attitude.POSITIVE: 0.1, Attitude.NEUTRAL: 0.0, Attitude.NEGATIVE: -0.12}[
            p.attitude
        ]
        chance = (
            0.1 + 0.55 * s.trust + 0.08 * (p.receptivity - 3) + attitude_bonus - 0.45 * s.resistance
        )
        sit = self._current_situation()
        if s.has_prefix("thought") and rng.random() < chance:
            s.disclose(f"balanced:{self._situation}")
            s.after_reframe(accepted=True)
            lead = rng.choice(("Maybe ", "I suppose ", "Huh. Maybe "))
            return [lead + lower_first(sit.balanced_thought)], "accept", TalkType.CHANGE
        s.after_reframe(accepted=False)
        if s.has(f"resisted:{self._situation}"):
            line = rng.choice(
                (
                    "I know what you're saying. It just doesn't feel true yet.",
                    "Maybe in theory, but not when I'm in it.",
                )
            )
        else:
            s.disclose(f"resisted:{self._situation}")
            line = f"I hear you, but I still think {lower_first(sit.automatic_thoughts[0])}"
        return [line], self._action("sustain"), TalkType.SUSTAIN

    def _plan_step(self) -> tuple[list[str], str, TalkType]:
        s, p, rng = self.state, self.profile, self.rng
        if s.readiness >= 0.5 or (s.trust >= 0.55 and rng.random() < s.readiness + 0.2):
            step = self._take("step", p.motivation.first_steps)
            s.after_commitment()
            return (
                [step],
                ("plan" if s.stage is Stage.PREPARATION else "acknowledge"),
                TalkType.CHANGE,
            )
        sustain = self._take("sustain", p.motivation.sustain_talk)
        s.after_sustain_talk()
        return (
            ["I'm not sure I'm ready to do anything about it yet.", sustain],
            self._action("sustain"),
            TalkType.SUSTAIN,
        )

    def _change_or_sustain(self, lead: str | None = None) -> tuple[list[str], str, TalkType]:
        s, p, rng = self.state, self.profile, self.rng
        p_change = (
            s.readiness * 0.9 + 0.08 * (p.receptivity - 3) + 0.2 * s.trust - 0.3 * s.resistance
        )
        if s.stage is Stage.PRECONTEMPLATION:
            p_change *= 0.5
        head = [lead] if lead else []
        if rng.random() < p_change:
            line = self._take("change", p.motivation.change_talk)
            s.after_change_talk()
            return [*head, line], self._action("change"), TalkType.CHANGE
        line = self._take("sustain", p.motivation.sustain_talk)
        s.after_sustain_talk()
        return [*head, line], self._action("sustain"), TalkType.SUSTAIN

    def _feeling(self) -> tuple[list[str], str, TalkType]:
        sit = self._current_situation()
        key = f"emotion:{self._situation}"
        if self.state.has(key) and self._advance_situation():
            return self._situation_story()
        self.state.disclose(key)
        words: list[str] = []
        for emo in sit.emotions:
            words.extend(self.rng.sample(EMOTION_WORDS[emo.value][:4], 1))
        feeling = " and ".join(words)
        return (
            [
                self.rng.choice(
                    (
                        f"Mostly {feeling}, I think.",
                        f"I felt really {feeling}.",
                        f"Honestly? {feeling.capitalize()}.",
                    )
                )
            ],
            "inform",
            TalkType.NEUTRAL,
        )

    def _situation_story(self) -> tuple[list[str], str, TalkType]:
        key = f"situation:{self._situation}"
        if self.state.has(key) and not self._advance_situation():
            return [self._next_disclosure()], "inform", TalkType.NEUTRAL
        key = f"situation:{self._situation}"
        self.state.disclose(key)
        return [self._current_situation().situation], "inform", TalkType.NEUTRAL

    def _behaviour(self) -> str:
        sit = self._current_situation()
        for i, b in enumerate(sit.behaviours):
            key = f"behaviour:{self._situation}:{i}"
            if not self.state.has(key):
                self.state.disclose(key)
                return b
        return self._next_disclosure()

    def _next_disclosure(self) -> str:
        """The next thing the client would volunteer, shallow before deep."""
        p, s = self.profile, self.state
        for i, line in enumerate(p.complaint):
            if not s.has(f"complaint:{i}"):
                s.disclose(f"complaint:{i}")
                return line
        if p.condition is not None:
            for i, line in enumerate(p.condition.disclosures):
                if not s.has(f"condition:{i}"):
                    s.disclose(f"condition:{i}")
                    return line
        sit_i = self._situation
        sit = p.situations[sit_i]
        if not s.has(f"situation:{sit_i}"):
            s.disclose(f"situation:{sit_i}")
            return sit.situation
        for i, b in enumerate(sit.behaviours):
            if not s.has(f"behaviour:{sit_i}:{i}"):
                s.disclose(f"behaviour:{sit_i}:{i}")
                return b
        if s.trust >= THOUGHT_TRUST and not s.has(f"thought:{sit_i}:0"):
            s.disclose(f"thought:{sit_i}:0")
            return "And I keep thinking, " + lower_first(sit.automatic_thoughts[0])
        for prefix, pool in (("coping", p.coping_strategies), ("history", p.history_disclosures)):
            for i, line in enumerate(pool):
                if not s.has(f"{prefix}:{i}"):
                    s.disclose(f"{prefix}:{i}")
                    return line
        if s.trust >= 0.5:
            for i, line in enumerate(p.intermediate_beliefs):
                if not s.has(f"intermediate:{i}"):
                    s.disclose(f"intermediate:{i}")
                    return line
        if self._advance_situation():
            s.disclose(f"situation:{self._situation}")
            return p.situations[self._situation].situation
        return self.rng.choice(
            (
                "I don't really know what else to say.",
                "That's pretty much it, really.",
                "It just keeps going round in my head.",
            )
        )

    def _volunteer(self) -> str | None:
        """One extra detail a verbose client adds, if anything is left to add."""
        p, s = self.profile, self.state
        for prefix, pool in (("complaint", p.complaint), ("coping", p.coping_strategies)):
            for i, line in enumerate(pool):
                if not s.has(f"{prefix}:{i}"):
                    s.disclose(f"{prefix}:{i}")
                    return line
        return None

    def _tangent(self) -> str | None:
        for i, line in enumerate(self.profile.tangents):
            if not self.state.has(f"tangent:{i}"):
                self.state.disclose(f"tangent:{i}")
                return line
        return None

    # --- helpers ----------------------------------------------------------------------------

    def _take(self, prefix: str, pool: Sequence[str]) -> str:
        """The first line of a pool not yet said; once all are said, a fresh generic line."""
        for i, line in enumerate(pool):
            if not self.state.has(f"{prefix}:{i}"):
                self.state.disclose(f"{prefix}:{i}")
                return line
        generic = _GENERIC.get(prefix, ())
        for i, line in enumerate(generic):
            if not self.state.has(f"{prefix}:generic:{i}"):
                self.state.disclose(f"{prefix}:generic:{i}")
                return line
        return self.rng.choice([*pool, *generic])

    def _current_situation(self) -> Situation:
        return self.profile.situations[self._situation]

    def _advance_situation(self) -> bool:
        if self._situation + 1 < len(self.profile.situations):
            self._situation += 1
            return True
        return False

    def _action(self, talk: str) -> str:
        return self.rng.choice(_STAGE_ACTIONS[(self.state.stage, talk)])

    def _reply(self, text: str, action: str, talk: TalkType, ends: bool = False) -> Reply:
        return Reply(
            text=text,
            annotations=Annotations(
                action=action,
                talk_type=talk,
                stage=self.state.stage.value,
                state=self.state.snapshot(),
            ),
            ends_session=ends,
        )


def _last_texts(history: Sequence[Utterance]) -> tuple[str, str]:
    """The counselor's last utterance and the client's utterance before it."""
    counselor, client = "", ""
    for u in reversed(history):
        if u.speaker is Speaker.COUNSELOR and not counselor:
            counselor = u.text
        elif u.speaker is Speaker.CLIENT and counselor and not client:
            client = u.text
            break
    return counselor, client
