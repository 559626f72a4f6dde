"""The crisis protocol: deterministic replies that take over from any counselor at `moderate`
risk or above, and the safe replies used when anything fails.

Every crisis reply validates, asks directly about safety, gives localised resources, says it
is an AI and offers a path to a human; across turns it walks through the Stanley–Brown safety
plan (warning signs → internal coping → people and places for distraction → people to ask for
help → professionals and crisis lines → making the environment safe). Wording follows
safe-messaging guidance: no method detail, no stigmatising language, hope and connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from theralab.safety.answers import AFFIRMED
from theralab.safety.patterns import CUES
from theralab.safety.resources import CountryResources, Resource, resources_for
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel

SAFETY_PLAN_STEPS: tuple[tuple[str, str], ...] = (
    (
        "warning_signs",
        "What tends to happen just before things get this bad — thoughts, "
        "feelings or situations you notice?",
    ),
    (
        "internal_coping",
        "What is one thing you can do on your own, even for ten minutes, that "
        "has helped you get through a wave like this before?",
    ),
    (
        "distraction",
        "Who or where could you be around today that would help take your mind "
        "off things, even a little?",
    ),
    ("people_to_ask", "Who is one person you trust that you could tell how you're feeling today?"),
    (
        "professionals",
        "Would you be willing to contact a crisis line or your doctor today, so "
        "a person can help you with this?",
    ),
    (
        "safe_environment",
        "Is there anything around you that you could use to hurt yourself? "
        "Could you put some distance between yourself and it, or ask someone "
        "to hold on to it for now?",
    ),
)

AI_LINE = (
    "I'm an AI, so I can't be there with you in person, and you deserve to talk with a "
    "real person about this."
)


@dataclass(frozen=True)
class ProtocolReply:
    text: str
    step: str
    resources: list[str]
    closes: bool = False


_COMMAND_SIGNALS = frozenset(
    {
        "command_hallucination_self",
        "command_hallucination_others",
        "command_hallucination_in_context",
    }
)
_CONDITION_CATEGORIES = (
    (RiskCategory.PSYCHOSIS, "psychosis"),
    (RiskCategory.MANIA, "mania"),
    (RiskCategory.OCD, "ocd"),
    (RiskCategory.EATING_DISORDER, "eating_disorder"),
)
# Steps after which a conversation with suicide risk stays on the suicide path (voices commanding
# self-harm and a belief of being dead open it with their own first reply).
_SUICIDE_STEPS = frozenset(
    {
        "engage",
        "assess",
        "handoff",
        "voices",
        "dead_belief",
        *(name for name, _ in SAFETY_PLAN_STEPS),
    }
)


# The pattern cues that state a thought or intent to hurt someone else (voices commanding it
# have their own reply).
_HARM_OTHERS_SIGNALS = frozenset(
    c.name
    for c in CUES
    if RiskCategory.HARM_TO_OTHERS in c.categories and c.name not in _COMMAND_SIGNALS
)
# Signals that a weapon or other means is at hand.
_MEANS_SIGNALS = frozenset({"means_access", "means_access_with_ideation", "plan_means_time"})


def _suicide_cue_fired(risk: RiskAssessment) -> bool:
    """Whether a suicide or self-harm cue itself fired, rather than the category arriving with
    a condition (a means word in a manic plan, a product question in OCD)."""
    names = {
        c.name
        for c in CUES
        if {RiskCategory.SUICIDE, RiskCategory.SELF_HARM} & set(c.categories)
        and c.name not in _COMMAND_SIGNALS
        and c.name != "dead_belief"
    }
    # A failed tier only raises the level (fail closed): with a condition found, the crisis
    # reply for that condition still asks about self-harm and gives crisis lines.
    return bool(names & set(risk.signals)) or any(
        s.startswith("persona_override") for s in risk.signals
    )


def _concern(risk: RiskAssessment, earlier_steps: list[str] | None = None) -> str:
    cats = set(risk.categories)
    signals = set(risk.signals)
    if risk.level is RiskLevel.IMMINENT or (
        RiskCategory.OVERDOSE in cats and risk.level.at_least(RiskLevel.HIGH)
    ):
        return "emergency"
    if signals & _COMMAND_SIGNALS:
        return "voices"
    if "dead_belief" in signals:
        return "dead_belief"
    if RiskCategory.HARM_TO_OTHERS in cats and signals & _HARM_OTHERS_SIGNALS:
        # A stated thought or intent to hurt someone: the reply must speak to the danger to
        # others (its own reply asks about the person's own safety too: risk to others and to
        # self often come together, and the learned tier may name suicide beside it).
        return "harm_to_others"
    if RiskCategory.SUICIDE in cats or RiskCategory.SELF_HARM in cats:
        in_suicide_path = bool(_SUICIDE_STEPS & set(earlier_steps or []))
        condition = next((c for cat, c in _CONDITION_CATEGORIES if cat in cats), None)
        if condition is None or in_suicide_path or _suicide_cue_fired(risk):
            return "suicide"
        return condition
    for cat, concern in (
        (RiskCategory.ABUSE, "abuse"),
        (RiskCategory.HARM_TO_OTHERS, "harm_to_others"),
        (RiskCategory.PSYCHOSIS, "psychosis"),
        (RiskCategory.MANIA, "mania"),
        (RiskCategory.OCD, "ocd"),
        (RiskCategory.EATING_DISORDER, "eating_disorder"),
        (RiskCategory.OVERDOSE, "emergency"),
    ):
        if cat in cats:
            return concern
    return "suicide"


def _pick_resources(table: CountryResources, risk: RiskAssessment, concern: str) -> list[Resource]:
    """Resources for the categories actually found: a crisis line always; an abuse line only
    for abuse, poison help only for an overdose, an eating-disorder line only for one, and a
    youth line (some are child-abuse lines) only when the person is a minor."""
    cats = set(risk.categories)
    kinds = ["crisis", "text"]
    if concern == "abuse":
        kinds = ["abuse", "crisis"]
    elif concern == "emergency" and RiskCategory.OVERDOSE in cats:
        kinds = ["poison", "crisis"]
    elif concern == "eating_disorder":
        kinds = ["eating", "crisis"]
    elif RiskCategory.ABUSE in cats:
        kinds = ["crisis", "abuse"]  # risk to self with abuse: both
    elif RiskCategory.EATING_DISORDER in cats:
        kinds = ["crisis", "eating"]
    if RiskCategory.MINOR in cats:
        kinds = ["youth", *kinds]
    allowed = {"crisis", "text", "emergency"}
    allowed |= {"abuse"} if RiskCategory.ABUSE in cats else set()
    allowed |= {"poison"} if RiskCategory.OVERDOSE in cats else set()
    allowed |= {"eating"} if RiskCategory.EATING_DISORDER in cats else set()
    allowed |= {"youth"} if RiskCategory.MINOR in cats else set()
    chosen = [r for k in kinds if k in allowed for r in table.of_kind(k)]
    fallback = [r for r in table.resources if r.kind in allowed][:2]
    return list(dict.fromkeys(chosen))[:3] or fallback or table.of_kind("crisis")[:2]


# The protocol's second step: plan and means.
_PLAN_QUESTION = (
    "Are you safe right now? Do you have a plan, or anything with you that you could use to hurt "
    "yourself?"
)


@dataclass
class CrisisProtocol:
    """One conversation's crisis responder (keeps its place in the safety plan)."""

    locale: str | None = None
    turns: int = 0
    plan_step: int = 0
    asked_about_plan: bool = False
    history: list[str] = field(default_factory=list)

    @property
    def table(self) -> CountryResources:
        return resources_for(self.locale)

    def respond(self, risk: RiskAssessment) -> ProtocolReply:
        concern = _concern(risk, self.history)
        chosen = _pick_resources(self.table, risk, concern)
        lines = [r.line() for r in chosen]
        emergency = self.table.emergency
        first = self.turns == 0
        self.turns += 1
        resource_sentence = "You can reach " + "; or ".join(lines) + "."
        danger = f"If you are in immediate danger, please call {emergency} now."
        human = (
            "Would you be willing to contact one of them now? I can stay here with you "
            "while you do."
        )

        others = RiskCategory.HARM_TO_OTHERS in risk.categories and bool(
            set(risk.signals) & _HARM_OTHERS_SIGNALS
        )
        means = bool(set(risk.signals) & _MEANS_SIGNALS)
        if concern == "emergency":
            parts = [
                "I'm really glad you told me, and I'm worried about your safety right now.",
                f"Please call {emergency} now, or ask someone near you to call for you.",
            ]
            if RiskCategory.OVERDOSE in risk.categories:
                parts.append(
                    "If you've taken something, don't wait to see how you feel: emergency help "
                    "works best early."
                )
            if others:
                parts.append(
                    "Please move away from the person you're thinking of hurting, and put any "
                    "weapon down and out of reach."
                )
            elif means:
                parts.append(
                    "If there's anything near you that you could use to hurt yourself, please "
                    "put it out of reach, or ask someone to take it away for now."
                )
            parts += ["Are you somewhere safe, and is anyone with you?", resource_sentence, AI_LINE]
            return self._reply(parts, "emergency", lines)
        if concern == "abuse":
            parts = [
                "Thank you for telling me. What you're describing is not okay, and it is not "
                "your fault.",
                "Are you safe right now, and are you thinking about hurting yourself?",
                danger,
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "abuse_safety", lines)
        if concern == "harm_to_others" and "harm_to_others" in self.history:
            # Said again, or answered: the next steps, not the same questions again (two
            # wordings in turn, so no reply repeats the one before it).
            again = self.history.count("harm_to_others_next") % 2
            parts = (
                [
                    "Thank you for staying and talking with me about this.",
                    f"If there is any chance you might act on it, please call {emergency} now, "
                    "or ask someone near you to call, and keep away from the person and from "
                    "anything you could use to hurt them.",
                    "Is there someone you trust who could be with you right now, while this "
                    "feels so strong?",
                ]
                if not again
                else [
                    "I'm still worried about what might happen, and I'm glad you're still here "
                    "talking with me.",
                    "What has helped you step back before, when anger or hurt got this strong?",
                    "Please keep away from the person and from anything you could use, and call "
                    f"{emergency} if you feel you might act.",
                ]
            )
            parts += [
                "And how are you doing yourself: are you having any thoughts of ending your own "
                "life?",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "harm_to_others_next", lines)
        if concern == "harm_to_others":
            urgent = risk.level.at_least(RiskLevel.HIGH)
            parts = [
                "Thank you for telling me; I'm taking what you said seriously."
                if urgent
                else "Thank you for being honest about this; these thoughts can be frightening "
                "to carry.",
                "Are you thinking about acting on this, and is anyone in danger right now?",
                f"If you feel you might act on it, or anyone is in immediate danger, please call "
                f"{emergency} now."
                if urgent
                else f"If anyone is in immediate danger, please call {emergency}.",
            ]
            if means:
                parts.append(
                    "If there's a weapon or anything else you could use near you, please put "
                    "distance between yourself and it, or ask someone you trust to hold on to it "
                    "for now."
                )
            if urgent:
                parts.append("Could you stay away from the person until you've talked to someone?")
            parts += [
                "And are you safe yourself: are you having any thoughts of ending your own life?",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "harm_to_others", lines)
        safety_q = "Are you safe right now, and are you having any thoughts of hurting yourself?"
        if concern == "voices":
            others = RiskCategory.HARM_TO_OTHERS in risk.categories or (
                "command_hallucination_others" in risk.signals
            )
            parts = [
                "Thank you for telling me about the voices. Being told to do something like that "
                "sounds frightening, and you don't have to do what they say.",
                "What are the voices telling you right now, and do you feel you have to act on "
                "them?",
                "Are you and the people around you safe right now?"
                if others
                else "Are you safe right now, and are you thinking about hurting yourself?",
                f"If you feel you might act on them, please call {emergency} now, or ask someone "
                "near you to call for you.",
                resource_sentence,
                "A doctor or crisis team can help make voices like these quieter and keep you "
                "safe.",
                AI_LINE,
                human,
            ]
            return self._reply(parts, "voices", lines)
        if concern == "dead_belief":
            parts = [
                "That sounds like a very frightening and confusing thing to live with.",
                "I want to say gently that you are alive: you're here, talking with me right "
                "now, even if it doesn't feel that way.",
                "Feeling as though you have died or your body has stopped can be part of a "
                "serious but treatable health problem, and a doctor should hear about it soon.",
                "Are you safe right now, and have you had any thoughts of hurting yourself or of "
                "not wanting to be here?",
                danger,
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "dead_belief", lines)
        if concern == "psychosis":
            voices = "voices" in risk.signals
            parts = [
                "It sounds like this feels very real and intense for you right now.",
                "I can't confirm what you're describing, but I take seriously how it's "
                "affecting you.",
                "When you hear them, what do the voices say, and do you ever feel you have to do "
                "what they tell you?"
                if voices
                else "How is this affecting your sleep, your days and how safe you feel?",
                "I think it would really help to talk with a doctor or mental health "
                "professional soon about what you're experiencing.",
                "Are you safe right now, and are you having any thoughts of hurting yourself "
                "or anyone else?",
                danger,
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, concern, lines)
        if concern == "mania":
            parts = [
                "It sounds like you have a huge amount of energy right now.",
                "I'm concerned, though: going days without sleep can make risky plans feel safe, "
                "and big decisions made now can be hard to undo. How much have you slept over the "
                "last few days?",
                "I won't help with places, purchases or investments while you're this short of "
                "sleep. Could you put the plan on hold and talk with your doctor or prescriber "
                "first, today if you can?",
                safety_q,
                danger,
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, concern, lines)
        if concern == "ocd":
            parts = [
                "It sounds like these worries are taking up a lot of your day and wearing you out.",
                "I'm not going to give you a product, a count or reassurance that it's done, "
                "because answering the worry tends to feed the cycle: the relief fades and the "
                "urge comes back stronger.",
                "A therapist trained in exposure and response prevention (ERP), the main therapy "
                "for OCD, can help you break that cycle; your doctor can refer you.",
                safety_q,
                danger,
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, concern, lines)
        if concern == "eating_disorder":
            parts = [
                "Thank you for telling me; it sounds like food and your body are causing you a "
                "lot of pain right now.",
                "I won't give calorie, weight or diet numbers, because they can pull you further "
                "into this. Restricting or purging can strain your heart and body even when you "
                "feel okay, so please see a doctor soon. How long has eating been this hard for "
                "you?",
                safety_q,
                "If you feel faint, have chest pain or your heart is racing, please get medical "
                f"help now ({emergency}).",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "eating_disorder", lines)

        # suicide and self-harm: engage → ask about plan → safety plan, one step a turn
        affirmed = any(sig.startswith(f"{AFFIRMED}:") for sig in risk.signals)
        if first and affirmed and not self.asked_about_plan:
            # A yes to the guardrail's own question: not the same question again.
            self.asked_about_plan = True
            step, question = "assess", _PLAN_QUESTION
            opening = (
                "Thank you for telling me honestly. I can hear how much you're carrying, and "
                "I'm really glad you said it."
            )
        elif first:
            step, question = (
                "engage",
                (
                    "I want to ask you directly, because it matters: are you thinking about ending "
                    "your life?"
                ),
            )
            opening = (
                "Thank you for telling me. I can hear how much pain you're in, and I'm "
                "really glad you reached out."
            )
        elif not self.asked_about_plan:
            self.asked_about_plan = True
            step, question = "assess", _PLAN_QUESTION
            opening = "Thank you for staying and talking with me."
        elif self.plan_step < len(SAFETY_PLAN_STEPS):
            step, question = SAFETY_PLAN_STEPS[self.plan_step]
            if self.plan_step == 0:
                question = (
                    "Could we make a short safety plan together, one step at a time? " + question
                )
            self.plan_step += 1
            opening = "That helps me understand. Are you safe right now?"
        else:
            parts = [
                "Thank you for working on this with me. You've named real steps you can take, "
                "and you don't have to do this alone.",
                resource_sentence,
                f"{AI_LINE} Please reach out to one of them or to someone you trust today.",
                danger,
                "Take care of yourself; I'm glad you stayed and talked.",
            ]
            return self._reply(parts, "handoff", lines, closes=True)
        parts = [opening, question, danger, resource_sentence, AI_LINE, human]
        if RiskCategory.MINOR in risk.categories:
            parts.append("If you can, please also tell a trusted adult what's going on.")
        return self._reply(parts, step, lines)

    def skip(self, risk: RiskAssessment) -> str:
        """Move past a turn this protocol answered earlier but does not remember: a stateless
        caller (`theralab guard` gets the whole conversation with every request) replays the
        turns already answered, and the state advances exactly as `respond` advanced it then.
        Returns that turn's step."""
        return self.respond(risk).step

    def _reply(
        self, parts: list[str], step: str, lines: list[str], closes: bool = False
    ) -> ProtocolReply:
        text = " ".join(parts)
        self.history.append(step)
        return ProtocolReply(text=text, step=step, resources=lines, closes=closes)


def check_in(locale: str | None) -> str:
    """Added to a counselor's reply at `low` risk: a gentle, direct question and a resource."""
    crisis = resources_for(locale).crisis_line()
    return (
        "I want to check in about something you said, because it matters: are you having "
        "any thoughts of ending your life? If you ever are, you can reach "
        f"{crisis.name} ({crisis.contact}) at any time."
    )


_AGAIN = (
    "That sounds really heavy, and I'm glad you're telling me. If it ever turns into thoughts "
    "of ending your life, or you don't feel safe, please tell me, or reach {line} at any time.",
    "I haven't forgotten what you told me about how low things feel. If those thoughts get "
    "stronger, please tell me, or reach {line}: someone is there at any hour.",
    "Thank you for being honest about how low this gets. You don't have to carry it alone: "
    "if it ever feels unsafe, reach {line}, or tell someone close to you.",
)


def check_in_again(locale: str | None, turn: int = 0) -> str:
    """Added at `low` instead of the check-in when the client shows the risk again soon after
    being asked: the way to a person and the crisis line again, not the same question. `turn`
    (the counselor's turns so far) picks one of a few wordings, so the same sentence does not
    follow every message."""
    crisis = resources_for(locale).crisis_line()
    return _AGAIN[turn % len(_AGAIN)].format(line=f"{crisis.name} ({crisis.contact})")


def safe_reply(locale: str | None, reason: str = "") -> str:
    """The deterministic reply sent when a component fails or a reply is blocked."""
    table = resources_for(locale)
    crisis = table.crisis_line()
    return (
        "I'm sorry, I can't respond to that properly right now. I'm an AI, and I want to "
        "make sure you're safe: are you having any thoughts of hurting yourself? If you "
        f"are, or you're in immediate danger, please call {table.emergency} or reach "
        f"{crisis.name} ({crisis.contact}). You can also talk with a real person you trust."
    )
