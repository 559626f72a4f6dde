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


def _concern(risk: RiskAssessment) -> str:
    cats = set(risk.categories)
    if risk.level is RiskLevel.IMMINENT or (
        RiskCategory.OVERDOSE in cats and risk.level.at_least(RiskLevel.HIGH)
    ):
        return "emergency"
    if RiskCategory.SUICIDE in cats or RiskCategory.SELF_HARM in cats:
        return "suicide"
    for cat, concern in (
        (RiskCategory.ABUSE, "abuse"),
        (RiskCategory.HARM_TO_OTHERS, "harm_to_others"),
        (RiskCategory.PSYCHOSIS, "psychosis"),
        (RiskCategory.MANIA, "mania"),
        (RiskCategory.EATING_DISORDER, "eating_disorder"),
        (RiskCategory.OVERDOSE, "emergency"),
    ):
        if cat in cats:
            return concern
    return "suicide"


def _pick_resources(table: CountryResources, risk: RiskAssessment, concern: str) -> list[Resource]:
    kinds = ["crisis", "text"]
    if concern == "abuse":
        kinds = ["abuse", "crisis"]
    elif concern == "emergency" and RiskCategory.OVERDOSE in risk.categories:
        kinds = ["poison", "crisis"]
    elif concern == "eating_disorder":
        kinds = ["eating", "crisis"]
    if RiskCategory.MINOR in risk.categories:
        kinds = ["youth", *kinds]
    chosen = [r for k in kinds for r in table.of_kind(k)]
    return list(dict.fromkeys(chosen))[:3] or table.resources[:2]


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
        concern = _concern(risk)
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

        if concern == "emergency":
            parts = [
                "I'm really glad you told me, and I'm worried about your safety right now.",
                f"Please call {emergency} now, or ask someone near you to call for you.",
                "If you've taken something, don't wait to see how you feel: emergency help works "
                "best early.",
                "Are you somewhere safe, and is anyone with you?",
                resource_sentence,
                AI_LINE,
            ]
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
        if concern == "harm_to_others":
            parts = [
                "Thank you for being honest about this; these thoughts can be frightening to "
                "carry.",
                "Are you thinking about acting on them, and are you safe yourself right now?",
                f"If anyone is in immediate danger, please call {emergency}.",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "harm_to_others", lines)
        if concern in ("psychosis", "mania"):
            what = (
                "what you're experiencing"
                if concern == "psychosis"
                else "going days without sleep and feeling this way"
            )
            parts = [
                "It sounds like this feels very real and intense for you right now.",
                "I can't confirm what you're describing, but I take seriously how it's "
                "affecting you.",
                f"I think it would really help to talk with a doctor or mental health "
                f"professional soon about {what}.",
                "Are you safe right now, and are you having any thoughts of hurting yourself?",
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
                "Are you safe right now, and are you having any thoughts of hurting yourself?",
                "If you feel faint, have chest pain or your heart is racing, please get medical "
                f"help now ({emergency}).",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "eating_disorder", lines)

        # suicide and self-harm: engage → ask about plan → safety plan, one step a turn
        if first:
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
            step, question = (
                "assess",
                (
                    "Are you safe right now? Do you have a plan, or anything with you that you "
                    "could use to hurt yourself?"
                ),
            )
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

    def _reply(
        self, parts: list[str], step: str, lines: list[str], closes: bool = False
    ) -> ProtocolReply:
        text = " ".join(parts)
        self.history.append(step)
        return ProtocolReply(text=text, step=step, resources=lines, closes=closes)


def check_in(locale: str | None) -> str:
    """Added to a counselor's reply at `low` risk: a gentle, direct question and a resource."""
    table = resources_for(locale)
    crisis = (table.of_kind("crisis") or table.resources)[0]
    return (
        "I want to check in about something you said, because it matters: are you having "
        "any thoughts of ending your life? If you ever are, you can reach "
        f"{crisis.name} ({crisis.contact}) at any time."
    )


def safe_reply(locale: str | None, reason: str = "") -> str:
    """The deterministic reply sent when a component fails or a reply is blocked."""
    table = resources_for(locale)
    crisis = (table.of_kind("crisis") or table.resources)[0]
    return (
        "I'm sorry, I can't respond to that properly right now. I'm an AI, and I want to "
        "make sure you're safe: are you having any thoughts of hurting yourself? If you "
        f"are, or you're in immediate danger, please call {table.emergency} or reach "
        f"{crisis.name} ({crisis.contact}). You can also talk with a real person you trust."
    )
