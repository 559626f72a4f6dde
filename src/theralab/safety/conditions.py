"""Clinical replies for conditions beyond suicide, below the crisis threshold.

When the screened conversation carries psychosis, mania, OCD or an eating disorder at `low`
risk, the guardrail answers with this deterministic responder instead of the counselor (at
`moderate` and above the crisis protocol answers, with concern-specific text). What each reply
does, following the appropriateness criteria of Moore et al. 2025:

- delusions: never says the belief back, neither confirms nor argues; names the feeling,
  explores gently (when it started, other explanations, how it affects sleep and days), asks
  about safety and suggests a doctor;
- hallucinations: asks what the voices say and whether they feel they must act;
- mania: no places, purchases or investment help; names the lack of sleep; suggests their
  doctor or prescriber before any big decision;
- OCD: no products, counts, checks or reassurance; names the cycle and suggests ERP;
- eating disorders: no calorie, weight or diet advice; suggests a doctor or specialist line.

Each reply says it comes from an AI and asks one safety question. The wording is varied by turn
(a conversation that stays on a condition is not answered with the same text twice running).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from theralab.safety.patterns import INTRUSIVE_HARM
from theralab.safety.resources import resources_for
from theralab.safety.risk import RiskAssessment, RiskCategory

CONDITIONS: dict[RiskCategory, str] = {
    RiskCategory.PSYCHOSIS: "psychosis",
    RiskCategory.MANIA: "mania",
    RiskCategory.OCD: "ocd",
    RiskCategory.EATING_DISORDER: "eating_disorder",
}
# Which condition a cue's signal speaks for (so the condition raised by this message wins over
# one raised earlier in the conversation).
_SIGNAL_CONDITION = {
    "delusion": "psychosis",
    "psychosis": "psychosis",
    "voices": "psychosis",
    "dead_belief": "psychosis",
    "mania": "mania",
    "mania_risk": "mania",
    "mania_in_context": "mania",
    "ocd": "ocd",
    "eating_disorder": "eating_disorder",
    "eating_disorder_thoughts": "eating_disorder",
}

AI_NOTE = "I'm an AI, so I can't confirm or check what's going on around you,"

# Added to every model-backed counselor's system prompt. The guardrail still answers flagged
# turns itself; this covers what the screener misses.
CLINICAL_SAFETY_PROMPT = (
    "Clinical safety. Never say or imply that an unusual belief is true (being watched, "
    "followed, poisoned or chosen, others hearing their thoughts, being dead), and do not argue "
    "with it either: reflect the feeling, gently ask how it is affecting them and whether "
    "anything else could explain it, and suggest they talk with a doctor. If they hear voices, "
    "ask what the voices say and whether they feel they must act on them. If they say they have "
    "died, say gently that they are alive and ask whether they are safe. With signs of mania "
    "(little sleep, racing ideas, big or risky plans), never help with places, stunts, "
    "purchases or investments: name the lack of sleep and suggest their doctor or prescriber. "
    "With OCD, never supply products, counts, checks or reassurance: gently name the cycle and "
    "suggest a therapist trained in exposure and response prevention (ERP). With disordered "
    "eating, never give calorie, weight or diet advice. Never give method, means, height, dose "
    "or location details. Say you are an AI when it matters."
)

_PSYCHOSIS = (
    (
        "That sounds really unsettling, and like it has been weighing on you.",
        f"{AI_NOTE} but I'd like to understand what it has been like for you.",
        "When did you first start noticing this, and how is it affecting your sleep, your work "
        "or your time with people?",
        "It could really help to talk it over with a doctor, who can look at everything that "
        "has been going on with you.",
        "Are you feeling safe at the moment?",
    ),
    (
        "It sounds like this has been taking up a lot of your energy.",
        "Are there times when it feels less certain, or when something else might explain what "
        "you noticed?",
        "Stress and poor sleep can make the world feel more threatening, and a doctor or mental "
        "health professional can help you make sense of it.",
        "I'm an AI, and I'd really encourage you to talk with a person you trust as well.",
        "Are you safe right now?",
    ),
    (
        "Thank you for telling me more.",
        "What would help you feel a little calmer or safer today?",
        "Would you be willing to book an appointment with your doctor this week to talk about "
        "what you've been experiencing?",
        "I'm an AI, so please also reach out to someone you trust.",
        "Are you safe right now?",
    ),
)
_VOICES = (
    "When you hear the voices, what do they say, and do you ever feel you have to do what they "
    "tell you?"
)
_MANIA = (
    (
        "It sounds like your mind is running at full speed right now, with a lot of energy and "
        "ideas.",
        "How much have you been sleeping over the last few days?",
        "When sleep drops and thoughts speed up, it can be a sign to check in with your doctor or "
        "prescriber, especially before any big decisions, spending or risky plans.",
        "I'm an AI, so I won't help with places, purchases or investments right now.",
        "Are you feeling safe?",
    ),
    (
        "I can hear how much is happening for you.",
        "Could you give yourself a night's sleep before acting on any of it, and see how it "
        "looks then?",
        "Talking with your doctor or prescriber soon could help, especially if you've been "
        "sleeping less than usual.",
        "I'm an AI, and someone who knows you well could help you think it through too.",
        "Are you safe right now?",
    ),
)
_OCD = (
    (
        "It sounds like this worry keeps pulling you back to do something to feel sure, and that "
        "is exhausting.",
        "I'm an AI, and I'm not going to give you a product, a count or reassurance that it's "
        "done, not because I don't care, but because checking, reassurance and special products "
        "tend to feed the cycle: the relief is short and the doubt comes back stronger.",
        "What would it be like to notice the urge and let it sit for a few minutes without acting "
        "on it?",
        "Exposure and response prevention (ERP) with a therapist trained in OCD is the treatment "
        "that helps most; your doctor can help you find one.",
        "Are you safe right now?",
    ),
    (
        "It sounds like the doubt is loud again.",
        "Each time the urge is answered, the cycle gets a bit stronger, so I'll stay with you "
        "rather than answer it.",
        "How much of your day is this taking up at the moment?",
        "A therapist trained in exposure and response prevention (ERP) can help you step out of "
        "the cycle; I'm an AI, so I'm not a substitute for that help.",
        "Are you safe right now?",
    ),
)
_EATING = (
    (
        "It sounds like food, eating and your body are taking up a lot of your thoughts, and that "
        "can be really hard to carry.",
        "I'm an AI, and I won't give meal plans, calorie or weight targets, because they can pull "
        "you further into this.",
        "How long have you been feeling this way about food?",
        "A doctor or an eating disorder service can help with both the feelings and your "
        "physical health.",
        "Are you safe right now?",
    ),
    (
        "Thank you for telling me more; it takes courage.",
        "What is it like for you around mealtimes at the moment?",
        "I'd really encourage you to talk with your doctor, who can check how your body is doing "
        "and help you find specialist support.",
        "I'm an AI, so please also lean on someone you trust.",
        "Are you safe right now?",
    ),
)
# A new parent's unwanted thoughts of harm ("flashes of dropping her down the stairs… am I a
# monster?").
_PERINATAL_OCD = (
    "Unwanted, frightening thoughts like these are really common in the weeks after having a "
    "baby, and how much they horrify you shows how far they are from what you want.",
    "I'm an AI, and I won't argue with the thoughts or check them for you, because checking "
    "and reassurance tend to make them louder.",
)
# The same, at any time of life ("I keep picturing stabbing him… it makes me sick").
_INTRUSIVE_OCD = (
    "Unwanted, frightening thoughts like these are far more common than people say, and how "
    "much they horrify you shows how far they are from what you want.",
    "I'm an AI, and I won't argue with the thoughts or check them for you, because checking "
    "and reassurance tend to make them louder.",
)
_PERINATAL_REFERRAL = (
    "Please tell your midwife, health visitor or doctor about them: this is very treatable, and "
    "they hear it often."
)
_TEXTS = {"psychosis": _PSYCHOSIS, "mania": _MANIA, "ocd": _OCD, "eating_disorder": _EATING}


@dataclass(frozen=True)
class ConditionReply:
    text: str
    condition: str
    step: str
    resources: list[str] = field(default_factory=list)


def condition_of(risk: RiskAssessment) -> str | None:
    """The condition a reply should address: the one this message raised, else the first the
    conversation carries; None when it carries none."""
    for signal in risk.signals:
        if signal in _SIGNAL_CONDITION:
            return _SIGNAL_CONDITION[signal]
    for category in risk.categories:
        if category in CONDITIONS:
            return CONDITIONS[category]
    return None


@dataclass
class ConditionResponder:
    """One conversation's condition responder (varies its wording turn by turn)."""

    locale: str | None = None
    turns: dict[str, int] = field(default_factory=dict)

    def respond(
        self,
        risk: RiskAssessment,
        condition: str | None = None,
        safety_question: str | None = None,
        perinatal: bool = False,
    ) -> ConditionReply:
        """The reply for this turn; `safety_question` replaces the closing safety question (the
        guardrail passes its suicide check-in when the conversation also carries that risk)."""
        condition = condition or condition_of(risk)
        if condition not in _TEXTS:
            raise ValueError(f"no condition to respond to in {risk.categories}")
        n = self.turns.get(condition, 0)
        self.turns[condition] = n + 1
        variants = _TEXTS[condition]
        parts = list(variants[n % len(variants)])
        if safety_question:
            parts[-1] = safety_question
        if condition == "psychosis" and "voices" in risk.signals:
            parts.insert(2, _VOICES)
        new_parent = perinatal or "perinatal" in risk.signals
        if condition == "ocd" and ((new_parent and n == 0) or INTRUSIVE_HARM in risk.signals):
            # unwanted harm thoughts (after a birth, or any time): said to be common and not
            # who they are, never checked or argued with; after a birth the perinatal team is
            # named (not only ERP)
            parts[0], parts[1] = _PERINATAL_OCD if new_parent else _INTRUSIVE_OCD
            if new_parent:
                parts.insert(-1, _PERINATAL_REFERRAL)
        resources: list[str] = []
        if condition == "eating_disorder":
            table = resources_for(self.locale)
            specialist = table.of_kind("eating")
            if specialist:
                resources = [specialist[0].line()]
                parts.insert(-1, f"You can also reach {resources[0]}.")
        return ConditionReply(
            text=" ".join(parts), condition=condition, step=f"{condition}:{n}", resources=resources
        )
