"""The crisis protocol: deterministic replies that take over from any counselor at `moderate`
risk or above, and the safe replies used when anything fails.

Every crisis reply validates, asks directly about safety, gives localised resources, says it
is an AI and offers a path to a human; across turns it walks through the Stanley–Brown safety
plan (warning signs → internal coping → people and places for distraction → people to ask for
help → professionals and crisis lines → making the environment safe). Wording follows
safe-messaging guidance: no method detail, no stigmatising language, hope and connection.

It listens to the message it answers: an intent said outright is not asked back, "are you
safe?" is not asked again right after a clear answer or on every step, the full closing lines
come every third turn (one short line with the emergency number and a crisis line between),
the emergency step moves on instead of repeating itself, and someone asking for help for
another person is answered as a helper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from theralab.safety.answers import AFFIRMED
from theralab.safety.language import UNREAD_LANGUAGE
from theralab.safety.patterns import (
    ABUSE_BY_CARER,
    ABUSE_LETHAL,
    ABUSE_OF_OTHER,
    COMMAND_ABOUT_BABY,
    COMMAND_HEARD,
    CUES,
    DELUSIONAL_THREAT,
    FAMILY_TOO,
    GUN_WORDS,
    LEAVING_ABUSER,
    LOST_TOLERANCE,
    PILL_WORDS,
    POSTPARTUM_PSYCHOSIS,
    SEXUAL_VIOLENCE,
    STAY_AWAY_WARNING,
    STOPPED_TREATMENT,
    SUICIDE_RULE_SIGNALS,
    WEAPON_AND_WAITING,
    WOUND_NEEDS_CARE,
    normalise,
)
from theralab.safety.resources import CountryResources, Resource, resources_for
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, Whose
from theralab.safety.whose import OTHER_AT_RISK, secrecy_asked

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
        COMMAND_HEARD,
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
        "after_handoff",
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
) | {
    WEAPON_AND_WAITING,
    FAMILY_TOO,
    DELUSIONAL_THREAT,
    COMMAND_ABOUT_BABY,
    STAY_AWAY_WARNING,
    POSTPARTUM_PSYCHOSIS,
}
# A baby in danger from a parent's psychosis: another adult with the baby now.
_BABY_IN_DANGER = frozenset({COMMAND_ABOUT_BABY, POSTPARTUM_PSYCHOSIS})
_OTHERS_STEPS = frozenset({"harm_to_others", "harm_to_others_next"})
_ABUSE_SIGNALS = frozenset(
    {
        "abuse",
        "abuse_danger_now",
        "sextortion",
        "grooming",
        ABUSE_OF_OTHER,
        ABUSE_BY_CARER,
        LEAVING_ABUSER,
    }
)
# Things given away, for the helper's line on a friend's preparation.
_GIVEN_AWAY = re.compile(r"\b(?:gave|giving|given|gives|give)\b")
_ABUSE_STEPS = frozenset({"abuse_safety", "abuse_danger", "abuse_next", "abuse_danger_next"})
# Asked about telling the abuser in person; about this conversation being seen.
_TELL_IN_PERSON = re.compile(
    r"\b(?:in person|face to face|to (?:his|her|their) face|tell (?:him|her|them)\b[^.!?]{0,30}"
    r"\b(?:leaving|going|done|over))"
)

_THIS_CHAT = re.compile(
    r"\b(?:this|the) (?:chat|conversation|messages?|app)\b|\bdelete\b|\b(?:sees?|reads?|finds?) "
    r"(?:this|it|my phone)\b|\b(?:remove|clear|wipe) (?:our|the|my|his|all (?:our|the|my) )?"
    r"(?:messages|chats?|chat history|dms|texts|history)\b"
)


def _abuse_answers(text: str, online: bool = False) -> list[str]:
    """Answers to what someone being abused asked: whether to tell the abuser in person, what
    to do with this conversation. Online (grooming, sextortion), the messages are evidence: a
    request to delete them is the abuser's, not advice to follow."""
    out = []
    if online and _THIS_CHAT.search(text):
        return [
            "Please keep the messages and pictures rather than deleting them, even if you were "
            "asked to: they are evidence. Don't go to meet them, and show the messages to a parent "
            "or another adult you trust, who can report it."
        ]
    if _TELL_IN_PERSON.search(text):
        out.append(
            "Telling them in person, on your own, is risky after they've hurt you like that: an "
            "advocate at the helpline can help you plan a safer way, like leaving while they're "
            "out and letting them know later from somewhere safe."
        )
    if _THIS_CHAT.search(text):
        out.append(
            "You can delete this conversation and your browser history now, and if you can, use "
            "a phone or computer they don't check next time."
        )
    return out


# Condition replies given once in a crisis (the next turn takes the suicide path's steps).
_ONCE = frozenset({"psychosis", "mania", "ocd", "eating_disorder"})
# Signals that a weapon or other means is at hand.
_MEANS_SIGNALS = frozenset(
    {
        "means_access",
        "means_access_with_ideation",
        "plan_means_time",
        "means_in_hand_with_intent",
        "preparatory",
        "preparation",
        "means_after_timed_plan",
    }
)


def _suicide_cue_fired(risk: RiskAssessment) -> bool:
    """Whether a suicide or self-harm cue itself fired, or a rule that reads the speaker's life
    at risk (`SUICIDE_RULE_SIGNALS`: a whole supply taken, a note for after, found and in
    care…), rather than the category arriving with a condition (a means word in a manic plan,
    a product question in OCD)."""
    names = {
        c.name
        for c in CUES
        if {RiskCategory.SUICIDE, RiskCategory.SELF_HARM} & set(c.categories)
        and c.name not in _COMMAND_SIGNALS
        and c.name != "dead_belief"
    }
    # A failed tier only raises the level (fail closed): with a condition found, the crisis
    # reply for that condition still asks about self-harm and gives crisis lines.
    return bool((names | SUICIDE_RULE_SIGNALS) & set(risk.signals)) or any(
        s.startswith("persona_override") for s in risk.signals
    )


def _concern(risk: RiskAssessment, earlier_steps: list[str] | None = None) -> str:
    cats = set(risk.categories)
    signals = set(risk.signals)
    # Using again after detox, nothing taken yet: the tolerance warning and the suicide path's
    # questions, not "call now" (an act said beside it is still an emergency).
    relapse_plan = LOST_TOLERANCE in signals and not signals & _ACT_SIGNALS
    if risk.level is RiskLevel.IMMINENT or (
        RiskCategory.OVERDOSE in cats and risk.level.at_least(RiskLevel.HIGH) and not relapse_plan
    ):
        return "emergency"
    if signals & _COMMAND_SIGNALS:
        return "voices"
    if "dead_belief" in signals:
        return "dead_belief"
    seen = set(earlier_steps or [])
    own_life = _suicide_cue_fired(risk) or _affirmed(risk)
    if RiskCategory.HARM_TO_OTHERS in cats and (
        signals & _HARM_OTHERS_SIGNALS or (seen & _OTHERS_STEPS and not own_life)
    ):
        # A stated thought or intent to hurt someone: the reply must speak to the danger to
        # others (its own reply asks about the person's own safety too: risk to others and to
        # self often come together, and the learned tier may name suicide beside it). Once
        # the conversation is about hurting someone, a later turn that names no new danger to
        # the speaker stays there ("I keep a knife in my car. I know when he leaves").
        return "harm_to_others"
    if (
        RiskCategory.ABUSE in cats
        and (signals & _ABUSE_SIGNALS or seen & _ABUSE_STEPS)
        and not own_life
    ):
        # Abuse said in the person's words (or earlier in the crisis): its own reply, which
        # asks about their safety and self-harm too, not the suicide path the learned tier's
        # category alone would choose.
        return "abuse"
    if RiskCategory.SUICIDE in cats or RiskCategory.SELF_HARM in cats:
        in_suicide_path = bool(_SUICIDE_STEPS & seen)
        condition = next((c for cat, c in _CONDITION_CATEGORIES if cat in cats), None)
        if condition is None or in_suicide_path or own_life or condition in seen:
            return "suicide"
        return condition
    for cat, concern in (
        (RiskCategory.ABUSE, "abuse"),
        (RiskCategory.HARM_TO_OTHERS, "harm_to_others"),
        (RiskCategory.PSYCHOSIS, "psychosis"),
        (RiskCategory.MANIA, "mania"),
        (RiskCategory.OCD, "ocd"),
        (RiskCategory.EATING_DISORDER, "eating_disorder"),
        (RiskCategory.OVERDOSE, "suicide" if relapse_plan else "emergency"),
    ):
        if cat in cats:
            # A condition's own reply once; if the crisis goes on, the suicide path's steps
            # (asked directly, then plan and safety plan), never the same reply again.
            return "suicide" if concern in _ONCE and concern in seen else concern
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
        # a child-abuse line (`youth_abuse`, e.g. Childhelp in the US) only when abuse was found
        kinds = ["youth_abuse", "youth", *kinds]
    allowed = {"crisis", "text", "emergency"}
    allowed |= {"abuse"} if RiskCategory.ABUSE in cats else set()
    allowed |= {"poison"} if RiskCategory.OVERDOSE in cats else set()
    allowed |= {"eating"} if RiskCategory.EATING_DISORDER in cats else set()
    allowed |= {"youth"} if RiskCategory.MINOR in cats else set()
    if RiskCategory.MINOR in cats and RiskCategory.ABUSE in cats:
        allowed.add("youth_abuse")
    for signal, kind in (("veteran", "veterans"), ("lgbtq", "lgbtq")):
        if signal in risk.signals:  # someone who served, or is LGBTQ+: their line first
            kinds = [kind, *kinds]
            allowed.add(kind)
    # Lines for what the person said happened or is going on, after the first line chosen above
    # (a crisis or abuse line stays first): a sexual-assault line, a pregnancy and new-parent
    # line (not a crisis line), a drug and alcohol referral line.
    for found, kind in (
        (SEXUAL_VIOLENCE in risk.signals, "sexual_assault"),
        ("perinatal" in risk.signals, "perinatal"),
        (bool(cats & {RiskCategory.SUBSTANCE}), "substance"),
    ):
        if found and table.of_kind(kind):
            kinds = [kinds[0], kind, *kinds[1:]]
            allowed.add(kind)
    chosen = list(dict.fromkeys(r for k in kinds if k in allowed for r in table.of_kind(k)))
    crisis = table.of_kind("crisis")[:1]
    if crisis and crisis[0] in chosen[3:]:  # a line added above never pushes the crisis line out
        chosen = [*chosen[:2], crisis[0]]
    fallback = [r for r in table.resources if r.kind in allowed][:2]
    return chosen[:3] or fallback or table.of_kind("crisis")[:2]


# How each safety-plan step opens (`CrisisProtocol`), in turn.
_PLAN_THANKS = (
    "That helps me understand.",
    "Thank you for telling me that.",
    "That's really useful to know.",
    "Thank you, that matters.",
    "I appreciate you sharing that.",
)

# What the person said to the last step, when it is not something to thank them for: a method
# or lethality question, anger at the bot, or no answer to "are you safe?".
_METHOD_ASKED = re.compile(
    r"\bhow (?:many|much) is too (?:many|much)\b|\bwhich (?:one |way |method )?is (?:quicker|"
    r"faster|less painful|more painless|surer|more certain)\b|\b(?:would|is|will) (?:\w+ ){0,4}?"
    r"(?:be )?(?:high|deep) enough\b|\bknow it was(?:n'?t| not) an accident\b|"
    r"\bhow (?:many|much)\b[^.!?]{0,50}\b(?:would it (?:\w+ )?take|to (?:die|kill|end it|"
    r"overdose|od\b)|"
    r"(?:is|be|are) (?:lethal|fatal|deadly|enough)|enough to)|\bwould (?:\d+|that|it|they) be "
    r"enough\b|\b(?:is|are) \d+ (?:\w+ )?enough\b|\b(?:lethal|fatal|deadly) (?:dose|amount)|"
    r"\bis (?:\w+ ){0,3}(?:lethal|fatal|deadly)\b|\bwhat'?s the (?:best|quickest|easiest|most "
    r"painless|surest) way\b|\bhow (?:do|would|could|can|should) i (?:kill|end|overdose|od|hang|do "
    r"it)\b|\bjust (?:answer|tell me) (?:the question|how)\b"
)
_HOSTILE = re.compile(
    r"\b(?:useless|pointless|(?:this|you)(?:'re| is| are) (?:stupid|shit|crap|rubbish|garbage|"
    r"no help)|not helping|doesn'?t help|isn'?t helping|stop (?:it|this|pasting|saying|asking|"
    r"with)|shut up|leave me alone|fuck (?:off|you|this)|you'?re (?:just )?a (?:bot|robot|"
    r"machine)|piss off|go away|i hate (?:this|you))\b"
)
_UNSURE = re.compile(
    r"^(?:idk|i don'?t know|i dont know|dunno|whatever|not sure|meh|eh|i guess|who knows|"
    r"\.+|\?+)[\s.!?]*$"
)
# Questions about getting help, answered plainly whatever the step.
_ASKS_TEXT = re.compile(
    r"\b(?:can|could) i (?:just )?(?:text|txt|message|chat)\b|\bwhich (?:one )?is (?:the )?"
    r"(?:text|txt)\b|\b(?:text|txt|message) instead\b|\bcan'?t (?:talk|speak) out loud\b"
)
_ASKS_FREE = re.compile(
    r"\bis (?:it|that|this|the line|the number|calling|\d+) free\b|\bdoes it cost\b|\bhow much "
    r"does it cost\b|\b(?:no|have not|don'?t have|not have) (?:health )?insurance\b"
)
_ASKS_REAL = re.compile(
    r"\bare you (?:even )?(?:a )?(?:real|human|person|bot|robot|an ai|ai)\b|\bget (?:me )?a "
    r"(?:real )?(?:human|person)\b|\btalk to a (?:real )?(?:human|person)\b"
)
# Up high or at an edge: step back, not "put it out of reach".
_HEIGHT = re.compile(
    r"\b(?:roof|rooftop|ledge|(?<!on )edge|bridge|balcony|cliff|parapet|overpass|top of (?:the|"
    r"a|my) (?:building|car park|parking|multi-?storey|stairs)|train tracks|platform edge)\b"
)
_HEIGHT_NOTE = "+height"
_HEIGHT_LEFT = "+height_left"
# Away from the edge now ("I'm inside", "I climbed down"): the step-back line is not said again.
_OFF_THE_EDGE = re.compile(
    r"\b(?:i'?m (?:inside|home|back inside|back home|down|in my room|in bed|in the car)|(?:stepped|"
    r"moved|came|climbed|got|went) (?:back|down|off|away|inside|in|home)|off the (?:roof|bridge|"
    r"ledge|edge|balcony))\b"
)
_HEIGHT_LINE = (
    "If you're up high or near an edge, please step back now and go inside, or somewhere you "
    "can't fall."
)


# The protocol's second step: plan and means.
_PLAN_QUESTION = (
    "Are you safe right now? Do you have a plan, or anything with you that you could use to hurt "
    "yourself?"
)

# The full closing lines (danger line, resources, AI line, offer to stay) go with the first
# protocol turn and every this-many turns after it; the turns between end on one short line
# that still gives the emergency number, a crisis line and the way to a person.
FULL_TRAILER_EVERY = 3
# "Are you safe right now?" is not asked again on a safety-plan step while it was asked (or
# clearly answered) within this many protocol turns.
SAFETY_ASK_GAP = 3
# Entries in `CrisisProtocol.history` that are notes, not steps (they start with "+").
_ASKED_SAFE = "+asked_safe"
_ACT = "+act_underway"  # an overdose taken or a wound bleeding, said in an emergency turn
_IN_CARE_NOTE = "+in_care"  # at the hospital, with paramedics or a nurse
_OVERDOSE_NOTE = "+overdose"  # the act under way is something taken

# A decision or intent to end one's life said outright, in the person's own words ("I've decided
# to kill myself", "I'm going to end my life", "I'm suicidal"): at `high` or above the direct
# question would ask what was just said. A euphemism ("a permanent solution"), a preparatory
# act, a past attempt or a wish to be dead is still asked about directly: there the question
# is what clarifies.
_SAID_OUTRIGHT = re.compile(
    r"\b(?:(?:i|im|i'm|i am|ive|i've|i have) (?:\w+ )?(?:decided to|made up my mind to|going "
    r"to|gonna|will|want to|wanna|plan to|planning to|intend to)|i'll) (?:\w+ ){0,2}?"
    r"(?:kill myself|end my (?:own )?life|take my (?:own )?life|commit suicide)\b"
    r"|\bi(?:'m| am) (?:\w+ )?suicidal\b"
)
_EXPLICIT_CUES = frozenset({"kill_self", "suicidal", "plan_intent"})
# Laughter after the words (normalised: "lmao", "haha" read "lol"): maybe a figure of speech.
_LAUGHED = re.compile(r"\blol\b|\bjk\b|\U0001f602|\U0001f923|\U0001f480")


# --- someone asking for help for another person -------------------------------------------
# The protocol's steps for a worried helper (the risk named is someone else's).
HELPER_STEPS = frozenset({"helper", "helper_next"})
# What kind of report a helper's conversation began with (later turns follow it).
_THREAT_NOTE = "+threat_reported"
_DISCLOSURE_NOTE = "+child_disclosure"
_MEDICAL_NOTE = "+medical_other"
_REPORT_NOTES = frozenset({_THREAT_NOTE, _DISCLOSURE_NOTE, _MEDICAL_NOTE})
# Someone else's emergency, later turns: waiting asked about, or holding them still.
_WAIT_AND_SEE = re.compile(
    r"\b(?:sleep it off|let (?:him|her|them) (?:sleep|rest|nap|lie down)|wait (?:and see|a bit|"
    r"till|until)|see how (?:he|she|they)|in the morning)\b"
)
_HOLD_THEM = re.compile(
    r"\b(?:hold|holding|keep) (?:him|her|them) (?:still|down)\b|\bin (?:his|her|their) mouth\b|"
    r"\btongue\b"
)
_HELP_CALLED_NOTE = "+help_called"
# A helper who said they are under 18: not theirs to carry alone (`helper_check_in`'s kind).
YOUNG = "young"
# "what is a safety plan?", "what's that?" after the offer of one
_ASKS_PLAN = re.compile(
    r"\bwhat(?:'?s| is| does| do you mean by)(?: a| the| this| that)? safety plan\b|\bsafety plan\b"
    r"[^.!?]{0,20}\bwhat(?:'?s| is) that\b|\bhow (?:does|do) (?:a )?safety plans? work\b"
)
_YOUNG_HELPER = (
    "This is a lot for you to carry, and you shouldn't have to carry it on your own: please tell "
    "an adult you trust today, like another relative, a teacher, a school counsellor or a "
    "doctor, and if they might act soon, wake or call an adult near you now."
)
_ASKED_NOTE = "+helper_asked"
_SECRET_NOTE = "+secret"
# A helper sworn to secrecy, at a check-in or in the helper's steps.
SECRECY_LINE = (
    "A promise to keep it secret doesn't have to hold when their safety is at stake: telling a "
    "trusted adult, or someone who can help, is a way of looking after them."
)
_SHOULD_I_TELL = re.compile(
    r"\bshould i (?:tell|say|let \w+ know)\b|\bis it (?:wrong|bad|okay|ok) (?:to|if i) tell\b|"
    r"\b(?:can|could) i tell (?:his|her|their|my|a|the|someone|anyone)\b"
)
_BETRAYED = re.compile(
    r"\b(?:betray\w*|(?:she|he|they)(?:'ll| will| is going to| are going to) hate me|broke "
    r"(?:her|his|their) trust|told on (?:her|him|them)|snitch\w*)\b"
)
# A helper who has called for help (`_CALLED_FOR_HELP`), or whose person is with help or safe
# now (`_help_called`, later turns only: "she's okay" in a first message is no news of help).
_CALLED_FOR_HELP = re.compile(
    r"\b(?:i|we) (?:just |already )?(?:called|rang|phoned|dialed|dialled|texted) (?:911|999|000|"
    r"112|111|988|triple zero|the police|an ambulance|the cops|emergency|lifeline|samaritans|"
    r"(?:the|a) (?:crisis line|helpline|hotline)|campus (?:police|security)|her (?:parents|"
    r"mum|mom|dad)|his (?:parents|mum|mom|dad))|\b(?:the )?(?:police|paramedics|ambulance|cops|"
    r"emts?)(?: are| is|'re|'s)? (?:there|here|on (?:the|their) way|with (?:her|him|them)|coming)"
    r"|\bthey got (?:her|him|them) out\b"
)
# … and safe now, said by the helper ("she's okay now"), not their claim ("she says she's ok")
# or a hedge ("she's ok for now, but…")
_THEY_ARE_SAFE = re.compile(
    r"(?<!says )(?<!said )(?<!claims )(?<!insists )\b(?:she|he|they)(?:'s| is| are|'re) (?:okay|"
    r"ok|safe|alive|at the hospital|in hospital|in the ambulance|being looked after)\b(?! for now"
    r"| i think| but|,? but)|\bthey got (?:her|him|them) out\b"
)


def _help_called(text: str) -> bool:
    """Help called, or the person safe now: the helper's own news (`text` normalised)."""
    return bool(_CALLED_FOR_HELP.search(text) or _THEY_ARE_SAFE.search(text))


_HELPER_NOT_OK = re.compile(
    r"\b(?:i'?m|i am) (?:not ok(?:ay)?|shaking|so scared|scared|a mess|freaking out|panicking|"
    r"not doing (?:well|great|good))|\bcan'?t stop (?:crying|shaking)\b"
)
# Whose risk a turn speaks of is the screener's reading (`RiskAssessment.whose`,
# `theralab.safety.whose`); the protocol keeps to the person's own crisis once it has begun.

# --- what the person's message says, read to reply to it ----------------------------------
# A clear answer that they are safe now ("I guess I'm safe right now, my roommate is home").
_SAYS_SAFE = re.compile(
    r"\b(?:i'?m|i am|i feel|i'll be|i will be|feeling)(?: \w+){0,2}? safe\b"
    r"|\b(?:i'?m|i am|i feel)(?: \w+){0,2}? (?:ok|okay|alright|all right) "
    r"(?:right now|for now|tonight|at the moment)\b"
)
_NOT_SAFE = re.compile(r"\bnot\b|n't\b|\bnever\b|\bno longer\b|\bunsafe\b")
# They have reached, or are reaching, someone ("I'm going to call my sister", "my mum is here").
# A person as the subject ("my sister", "she", "someone"): help arriving or company needs one.
# Not a person with them: "my dog's here", "with my phone".
_NOT_PERSON = (
    r"(?!(?:dogs?|cats?|pupp(?:y|ies)|kittens?|kitty|pets?|birds?|parrots?|rabbits?|bunn(?:y|ies)|"
    r"hamsters?|guinea pigs?|fish|horses?|snakes?|lizards?|tortoises?|phone|laptop|tv|teddy|"
    r"plants?|car|bag|meds|pills|tablets)\b)"
)
_PERSON = r"(?:(?:my|our) " + _NOT_PERSON + r"\w+|mum|mom|dad|someone|somebody|he|she|they)"
_REACHING_HELP = re.compile(
    r"\b(?:call(?:ed|ing)?|rang|ring(?:ing)?|text(?:ed|ing)?|messag(?:ed|ing)|contact(?:ed|ing)?)"
    r" (?:my |the |an? |\d)|\b" + _PERSON + r"(?:'s|'re| is| are) (?:here|with me|home|coming|"
    r"on (?:the|their|her|his) way)"
    r"|\bwith (?:my|a) " + _NOT_PERSON + r"\w+\b|\bambulance\b"
)
# They will not, or could not, get help ("I don't want an ambulance", "I'm not calling 999", "I
# called 988 but hung up", "nobody is coming"): read before `_REACHING_HELP`, which would take
# the same words for help on its way.
_REFUSING_HELP = re.compile(
    r"\b(?:(?:do ?n'?t|do not|won'?t|wont|will not|not going to|not gonna|refuse to|can'?t|"
    r"cannot) (?:want |need )?(?:to )?(?:an? )?(?:ambulance|call|ring|phone|go (?:to )?(?:the )?"
    r"(?:hospital|er|a&e|emergency)|tell (?:anyone|anybody|my|them))"
    r"|(?:i'?m|i am|im) not (?:calling|ringing|phoning|going (?:to (?:the )?)?(?:hospital|er|"
    r"a&e)|waking|telling)"
    r"|hung up|(?:nobody|no one|noone)(?:'s| is) coming"
    r"|why (?:would|should) i (?:call|ring|phone)|stop (?:telling|asking) me to (?:call|ring)"
    r"|(?:don'?t|do not) (?:tell|make) me (?:to )?call)"
)
# Already in care: at the hospital, the paramedics or a nurse there, on the way in.
_IN_CARE = re.compile(
    r"\b(?:(?:i'?m|im|i am|we'?re|we are|now|already|(?:took|brought|got) me) (?:(?:now|"
    r"already|still|just|finally|here|in|straight) ){0,2}"
    r"(?:at|in|to) (?:the )?(?:er|a&e|hospital|emergency (?:room|department)|urgent care)\b"
    r"(?! (?:car ?park|parking|roof|bridge|entrance)\b)"
    r"|(?:nurses?|doctors?|paramedics?|ambulance|medics) (?:is |are |has |have )?(?:here|with "
    r"me|came|arrived|just arrived)"
    r"|(?:driving|taking|rushing) me (?:in|to (?:the )?(?:er|a&e|hospital))"
    r"|(?:they|the (?:doctors?|nurses?)) (?:took me (?:straight )?in|gave me|are treating me)"
    r"|waiting (?:for|to see) (?:the |a )?(?:doctor|nurse|psychiatrist))"
)
# Said during the safety plan, these bring the danger back to the front: a preparation, a
# plan, a goodbye, a time given in answer to the plan question.
_NEW_DANGER_SIGNALS = frozenset(
    {"possible_preparation", "preparation", "preparatory", "plan_intent", "plan_means_time"}
)
_FAREWELL = re.compile(
    r"\b(?:goodbye|good bye|bye forever|thank you for everything|thanks for everything|this is "
    r"the last time|take care of (?:my|them|him|her)|tell (?:my|them) (?:\w+ )?i love)\b"
)
_SOON_ANSWER = re.compile(
    r"^(?:\W*(?:yes|yeah|yea|ya|i do|probably|maybe)\W*)?(?P<when>tonight|today|now|right now|"
    r"soon|this (?:weekend|week|evening)|tomorrow|when (?:they|everyone)'?s? (?:asleep|gone))\b"
)
# The person a helper is worried about is out of reach, or with the helper on the line now.
_OUT_OF_REACH = re.compile(
    r"\b(?:won'?t|isn'?t|is not|not|doesn'?t|does not|stopped) (?:answer|answering|picking up|"
    r"replying|responding|reply)\b|\bcan'?t (?:reach|get hold of|find|get through to)\b|"
    r"\b(?:don'?t|do not) know where (?:he|she|they) (?:is|are)\b|\bphone(?:'s| is) off\b"
)
_ON_THE_LINE = re.compile(
    r"\b(?:on the (?:other )?(?:phone|line) (?:with me|still)|(?:still )?on the (?:other )?phone"
    r"|(?:standing|is|he'?s|she'?s|they'?re) on (?:a|the) (?:bridge|roof|ledge|edge|cliff|"
    r"tracks|railing))\b"
)
# The abuser near or arriving ("he's coming up the stairs", "he just got home").
_ABUSER_NEAR = re.compile(
    r"\b(?:he'?s|she'?s|they'?re|he is|she is|they are) (?:coming|back|home|here|outside|"
    r"banging|at the door)|(?:just )?(?:got|came) (?:home|back)|coming up the stairs\b"
)
_ASHAMED = re.compile(r"\b(?:ashamed|shame|embarrass\w*|stupid|guilty|humiliat\w*)\b")
# Afraid of being kept in ("they'll lock me up", "sectioned").
_LOCKED_UP = re.compile(r"\b(?:lock(?:ed)? me (?:up|away)|section\w*|committed|psych ward)\b")
# Someone is with them now ("my friend just got here, she's sitting with me").
_SOMEONE_HERE = re.compile(
    r"\b" + _PERSON + r"(?:'s|'re| is| are)? (?:just )?(?:(?:got )?here|(?:sitting|staying|here) "
    r"with me|with me)\b"
)
# Signs that an act under way is getting worse.
_WORSE = re.compile(
    r"\b(?:sleepy|drowsy|dizzy|faint|heart (?:is )?(?:racing|pounding)|can'?t (?:breathe|stay "
    r"awake|see straight)|throwing up|been sick|vomit\w*|stomach (?:really )?hurts|"
    r"(?:stomach|chest) pain|soaked|won'?t stop bleeding|still bleeding|numb|shaking)\b"
)
# An act under way: pills taken, a wound bleeding.
_ACT_SIGNALS = frozenset({"act_underway", "supply_taken", "overdose_with_symptoms", "overdose"})


_ED_NUMBERS = re.compile(
    r"\b(?:calorie|calories|kcal|cals|bmi|macros?|kg|kilos?|lbs?|pounds|stone|weight|omad|"
    r"fast(?:ing)?|"
    r"meal plan|diet|lose|drop)\b"
)
_MANIA_PICK = re.compile(
    r"\b(?:invest\w*|buy|bought|btc|eth|bitcoin|crypto\w*|stocks?|shares|casino|bet|odds|"
    r"flights?|loan|put it all|all in)\b"
)
_ED_REFUSAL = (
    "I won't give calorie, weight or diet numbers, because they can pull you further into this."
)
_MANIA_REFUSAL = (
    "I won't help with places, purchases or investments while you're this short of sleep."
)


def _condition_refusal(risk: RiskAssessment, text: str) -> str | None:
    """What the protocol says no to in this message, when the crisis is about an eating disorder
    (the numbers) or mania (the purchase or the bet)."""
    cats = set(risk.categories)
    if RiskCategory.EATING_DISORDER in cats and _ED_NUMBERS.search(text):
        return _ED_REFUSAL
    if RiskCategory.MANIA in cats and _MANIA_PICK.search(text):
        return _MANIA_REFUSAL
    return None


def _after_first_sentence(text: str, addition: str) -> str:
    """`addition` put after the first sentence of `text` (at its end if it has one sentence)."""
    first, _, rest = text.partition(". ")
    return f"{first}. {addition} {rest}" if rest else f"{text} {addition}"


# Questions asked in a conversation about grooming, sextortion or a sexual assault
# (`CrisisProtocol._answer_questions`).
_ASKS_GO = re.compile(
    r"\b(?:should|shall|can|could) i (?:go|meet (?:him|her|them|up)|send (?:it|one|him|her|them|"
    r"a pic)|say yes)\b|\bi should (?:go|meet (?:him|her|them|up)|send)\b|\bis (?:it|that|this) "
    r"(?:ok|okay|normal|bad|wrong|weird)\b"
)
_ASKS_PAY = re.compile(r"\b(?:should|shall|do) i (?:just )?(?:pay|send (?:the )?(?:money|more))\b")
_ASKS_DOCTOR = re.compile(
    r"\b(?:doctor|gp|hospital|clinic|er\b|a&e|emergency contraception|morning after|plan b|"
    r"pregnan\w*|birth control|std|sti|hiv|pep\b|tested|check(?:ed)? out)\b"
)
_WANTS_SPECIALIST = re.compile(
    r"\b(?:not a suicide line|someone who deals with this|who (?:can|could) i (?:talk|speak) to|"
    r"(?:i'?m|im|i am) not suicidal|someone (?:to talk to|who understands))\b"
)
# Situations with steps of their own, said once (`CrisisProtocol.respond`).
_SITUATIONS = {
    "sextortion": "Someone threatening to share your pictures is committing a crime against "
    "you, and it is not your fault. Please don't pay or send anything more, stop replying, keep "
    "the messages as evidence, and report the account to the app or site.",
    "grooming": "An adult asking a young person for pictures, or to keep secrets, is grooming. "
    "Please don't send anything, and tell a parent, a teacher or another adult you trust.",
    "told_to_die_and_agrees": "Nobody deserves to be told that, and they are not right about "
    "you. Telling someone you trust, and blocking and reporting the people saying it, can help "
    "make it stop.",
    WOUND_NEEDS_CARE: "A wound like this needs a doctor today: a cut that gapes, shows "
    "something white or fatty, or leaves your fingers numb or tingly needs closing and checking at "
    "urgent care or an emergency department, and redness, heat, swelling or pus can mean "
    "infection. A burn that looks white or leathery, or doesn't hurt, can be deep. Doctors and "
    "nurses treat self-harm wounds often, and their job is to look after you.",
    ABUSE_LETHAL: "Strangulation, a weapon or a threat to kill are among the strongest warning "
    "signs of serious violence to come, even if things are calm now. If anything was done to "
    "your neck or throat, please get checked by a doctor: some injuries only show days later.",
    LEAVING_ABUSER: "Leaving can be the most dangerous time with someone who has hurt you, so it "
    "helps to plan it with an advocate first: if you can, go while they're out, take someone with "
    "you, and tell them later from somewhere safe rather than face to face and alone. If someone "
    "checks your phone, you can delete this conversation afterwards.",
    ABUSE_OF_OTHER: "What is happening to them is abuse, and you're right to take it seriously. "
    "If they are in danger right now, call the emergency number; a domestic abuse helpline "
    "advises family and friends too.",
    ABUSE_BY_CARER: "A carer who hurts, frightens or takes money from an older or disabled person "
    "is abusing them, and you're right to take it seriously. It can be reported to the local "
    "adult safeguarding team (adult protective services), and if they are in danger right now, "
    "call the emergency number.",
    LOST_TOLERANCE: "After detox or any time off, your tolerance drops fast, so the amount you "
    "used to take can now stop your breathing. If you do use, please use much less, never alone, "
    "and keep naloxone (Narcan) with you if you can.",
    "threat_to_others": "If you have a weapon, or can get one, please put distance between you "
    "and it now: leave it at home, or ask someone to hold it for you.",
    "harm_to_child": "If a child is with you, put them somewhere safe, like their cot or bed, "
    "close the door and step away for a few minutes: a child crying in a safe place is safe. "
    "Then ask someone to come and help, and tell your doctor or a parenting helpline; asking for "
    "help is how children are kept safe, and it can stop this happening again.",
    "lithium_toxicity": "Being sick, shaking or confused while you take lithium can be lithium "
    "toxicity, which needs checking today: please call your doctor, or go to urgent care or an "
    "emergency department now, and don't take your next dose until a doctor has said it's "
    "safe.",
    "shaken_baby": "Shaking a baby, even for a second, can cause a brain injury that may not "
    "show at first, especially if they seem unusually quiet, sleepy or floppy. Please call the "
    "emergency number or take them to an emergency department now, and tell them what happened: "
    "that is how they get the right care. Next time it builds up, put the baby down somewhere "
    "safe and step away; asking for help is how babies are kept safe.",
    "abuse_secret": "This is not a secret you have to keep: an adult who asks a child to keep "
    "this kind of secret is doing something wrong, and telling is the right thing to do. Please "
    "tell a parent, a teacher or another adult you trust, today if you can.",
    "suicide_pact": "A pact means the other person is in danger too. You don't have to keep a "
    "promise like this: please tell someone who can reach them, or the site where you met, so "
    "they can get help as well.",
    "ligature_on": "If anything was around your neck, even for a moment, please get checked by a "
    "doctor or an emergency department today: injuries to the neck can be hidden at first and "
    "get worse over hours.",
    "choking_game": "Please don't try it: cutting off air or blood to the brain can cause brain "
    "damage or death, even the first time, and there is no safe way to do it. If someone doing "
    "it doesn't come round straight away, call the emergency number.",
    "recent_sexual_assault": "What happened is not your fault. If it was in the last few days, "
    "a doctor or an emergency department can help now: emergency contraception and medicine to "
    "prevent HIV work best within 72 hours, and a forensic exam can be done without deciding to "
    "report to the police. A sexual assault service can explain your options in confidence.",
    "drugging_someone": "Giving someone medicine without their knowledge can seriously harm "
    "them (their breathing, a fall, driving), so please stop, and tell their doctor or a "
    "pharmacist what they were given. If something at home is making you want them to leave you "
    "alone, you deserve to be safe too.",
    "harm_to_dependent": "Caring for someone day and night can push anyone past their limit, "
    "and saying this out loud is a brave first step. Right now, put some distance between you "
    "and them: leave them somewhere safe, put away anything you've thought of using, and ask "
    "someone to take over for a while (a relative, their doctor, a midwife or health visitor, "
    "or an out-of-hours service) so you can rest.",
}
_IMAGE_ABUSE_KINDS = frozenset({"sextortion", "grooming"})
# Leaving, or telling the abuser so, said in a conversation about abuse.
_LEAVING_SAID = re.compile(
    r"\b(?:i'?m|im|i am) (?:leaving|moving out|getting out)\b|\bleav(?:e|ing) (?:him|her|them)\b|"
    r"\btell (?:him|her|them) (?:i'?m|im|that i'?m|i am) (?:leaving|going|done)|\bface to face\b|"
    r"\b(?:this|the) (?:chat|conversation|messages)\b"
)
# A wound bleeding now ("i cut my arm tonight and its still bleeding kinda a lot").
_BLEEDING_NOW = re.compile(
    r"\b(?:still bleeding|bleeding (?:a lot|loads|heavily|badly|everywhere|through)|won'?t stop "
    r"bleeding|can'?t (?:stop|get) (?:the|it) (?:bleeding|to stop)|so much blood|lots of blood)\b",
    re.IGNORECASE,
)
_FIRST_AID = "+first_aid"
_IMAGE_ABUSE_YOUNG = (
    " If you're under 18, Take It Down (takeitdown.ncmec.org) can help stop pictures of you "
    "spreading, and a trusted adult can help you report it."
)
_IMAGE_ABUSE_ADULT = " StopNCII.org can help stop intimate images of you spreading online."
# Means kept or a plan to take them, with no act said: the means line, not "what you've taken".
_KEPT_SIGNALS = frozenset(
    {"means_access", "means_access_with_ideation", "plan_means_time", "pills_plan_not_wake_up",
     "intent_with_time", "plan_intent", "means_or_preparation_after_risk", "pills_thought"}
)  # fmt: skip
# Not taken, said outright ("i didn't take them", "haven't swallowed any"): means kept, and an act
# said earlier taken back (`_NOT_TAKEN`, `_UNDONE`).
_DID_NOT_TAKE = (
    r"\b(?:haven'?t|have not|hadn'?t|didn'?t|did not|not yet|never) (?:taken|took|take|"
    r"swallow\w*)\b"
)
# An act the person says did not happen, or not now: "i didn't take them", "i gave them back",
# "it was last week, not today". The act notes go, and the reply says it heard them.
_UNDONE = re.compile(
    _DID_NOT_TAKE + r"|\bgave (?:them|the (?:pills|tablets|meds)|it) (?:all )?back\b|"
    r"\b(?:it|that) was (?:last (?:week|month|night|year)|yesterday|days ago|weeks ago|a while "
    r"ago|ages ago),? not (?:today|now|tonight)\b|\bnot today\b[^.!?]{0,20}\blast week\b"
)
_UNDONE_NOTE = "+act_undone"
# A baby the person fears they will hurt (shaking a crying baby): what keeps the baby safe in the
# next minute, not "move away from the person".
_BABY = re.compile(
    r"\b(?:baby|babies|newborn|infant|bub|the little one|colic\w*|cot|crib|(?:screaming|crying) "
    r"for (?:hours|\w+ hours)|won'?t stop (?:crying|screaming))\b"
)
# Told what to do to the baby (postpartum psychosis): another adult with the baby now.
# A mood stabiliser or antipsychotic stopped ("stopped taking lithium, feel amazing").
_STOPPED_MOOD_MEDS = re.compile(
    r"\b(?:stopped|quit|came off|ditched|stop|quitting|stopping)\b[^.!?]{0,20}\b(?:lithium|"
    r"lamotrigine|lamictal|depakote|valproate|seroquel|quetiapine|olanzapine|abilify|aripiprazole|"
    r"risperidone|mood stabili[sz]ers?|antipsychotics?|meds|medication)\b"
)
_STOPPED_MOOD_MEDICINE = (
    "Feeling this good after stopping a medicine like that can itself be a sign of a high coming "
    "on, and stopping suddenly can bring on a relapse: please tell your prescriber before you "
    "decide."
)
_BABY_WITH_ADULT = (
    "If you're with the baby now, please put them down safely in the cot and ask another adult "
    "to be with the baby straight away, while you get help."
)
_BABY_LINE = (
    "If you're with the baby now, please put them down safely on their back in the cot or crib, "
    "close the door and step away for a few minutes: a crying baby is safe there. Never shake a "
    "baby. Then call someone to come and help."
)
_KEPT_NOTE = "+means_kept"
# Taken, said as done (not "haven't taken"): "I took the pills I had saved up" is an act.
_TAKEN = re.compile(
    r"\b(?<!n't )(?<!not )(?<!never )(?:took|taken|swallowed|downed|overdosed|drank|had (?:them|"
    r"it|all))\b"
)
_NOT_TAKEN = re.compile(
    _DID_NOT_TAKE + r"|"
    r"\b(?:sav(?:ed|ing) up|stockpil\w*|collect(?:ed|ing)|put(?:ting)? aside|set(?:ting)? aside|"
    r"stopped taking|stop taking|bought|stash\w*|hid(?:den|ing)?|hoard\w*|(?:want|going|gonna|"
    r"plan(?:ning)?|about) to take|"
    r"(?:not|n't|never) (?:taking|going to take|gonna take)|(?:i have|i'?ve got|there'?s|there "
    r"are|i keep) (?:a |my |some |the |all my )?(?:\w+ ){0,3}(?:bottle|box|packet|pack|stash|"
    r"supply)s?)\b"
)
# Means named in a crisis message, for the means-safety line (said once a crisis, in the first
# reply that hears of them: a person who leaves after one message should still have heard it).
_GUN_NAMED = re.compile(rf"(?<!\w){GUN_WORDS}(?!\w)")
# the pattern tier's medicine words, and the brand and class names a person may use beside them
_PILLS_NAMED = re.compile(
    rf"\b(?:{PILL_WORDS}|medications?|oxy\w*|acetaminophen|antidepressant|sertraline|citalopram|"
    r"fluoxetine|benzo|opioid|morphine|prescriptions?)\b"
)
_NO_MEANS = re.compile(
    r"\b(?:don'?t|do not|never|no longer|doesn'?t|does not) (?:have|own|keep|has)\b[^.!?]{0,20}"
    r"\b(?:guns?|pills|meds|tablets|firearms?)\b|\bno (?:guns?|pills|firearms?)\b|\bgot rid of\b"
)
_MEANS_SAID = "+means_safety"


def means_safety_line(
    text: str, now: bool = False, stopped: bool = False, emergency: str = ""
) -> str:
    """What to do with the means a person named: a gun held by someone else or locked away
    unloaded; pills handed over or taken back to a pharmacy; anything else out of reach. With
    `now` (the emergency step), put out of reach first of all. `stopped`: the way is treatment
    stopped (`STOPPED_TREATMENT`), so the doctor and starting it again, never "put the pills
    out of reach"."""
    if stopped:
        return (
            "Stopping treatment you need can make you seriously unwell. Please talk to your "
            "doctor today about starting it again"
            + (
                f", and call {emergency} if you have chest pain, feel faint or can't breathe"
                if emergency
                else ""
            )
            + "."
        )
    gun, pills = bool(_GUN_NAMED.search(text)), bool(_PILLS_NAMED.search(text))
    if now and gun:
        return (
            "Please put the gun out of reach now: unload it and lock it away, or ask someone "
            "you trust to take it for a while."
        )
    if now and pills:
        return "Please put the pills out of reach now, or give them to someone you trust to hold."
    if gun:
        return (
            "You mentioned a gun. While things feel this hard, could you put some distance "
            "between you and it? Someone you trust could hold on to it for a while, or lock it "
            "away unloaded, with the ammunition kept somewhere else."
        )
    if pills:
        return (
            "You mentioned the pills. Could you give them to someone you trust to hold for now, "
            "or take them back to a pharmacy, so they're not within reach while you feel like "
            "this?"
        )
    return (
        "If there's anything near you that you could use to hurt yourself, could you put it out "
        "of reach, or ask someone to hold on to it for now?"
    )


_ELSEWHERE = re.compile(
    r"\b(?:something else|talk about|change the subject|can we (?:just )?(?:talk|move)|"
    r"anyway)\b"
)


def _affirmed(risk: RiskAssessment) -> bool:
    """A yes to the guardrail's own safety question (`theralab.safety.answers`)."""
    return any(s.startswith(f"{AFFIRMED}:") for s in risk.signals)


def _says_safe(text: str) -> bool:
    """`text`: the person's message, normalised."""
    m = _SAYS_SAFE.search(text)
    return bool(m) and not _NOT_SAFE.search(text)


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

    def respond(self, risk: RiskAssessment, said: str = "") -> ProtocolReply:
        """The protocol's reply to a turn at crisis level. `said` is the person's message (the
        assessment says how risky it is and whose risk it is; the text says whether it
        answers the last question). A situation with steps of its own (intimate images used
        against the person, being told to die, a carer's thought of harming the person cared
        for) gets them once, after the reply's first sentence, whichever path answers."""
        unread = any(sig.startswith(UNREAD_LANGUAGE) for sig in risk.signals)
        if unread and self.steps and not self._for_someone_else(risk):
            # In a crisis, a message the screener cannot read may be the one that matters most
            # ("ya me las tomé", "I'm at the bridge, goodbye" in the person's own language): the
            # emergency step again, not the next step of the safety plan.
            return self._unread_in_crisis(risk)
        reply = self._respond(risk, said)
        if reply.step not in HELPER_STEPS:
            reply = self._answer_questions(reply, said, risk)
            refusal = _condition_refusal(risk, normalise(said)) if said else None
            if refusal and refusal not in reply.text:
                # a later turn of a crisis that began with an eating disorder or mania asks
                # for the numbers or the pick again: said no to, before the next step
                reply = replace(reply, text=_after_first_sentence(reply.text, refusal))
        if (
            _BLEEDING_NOW.search(said)
            and _FIRST_AID not in self.history
            and reply.step not in HELPER_STEPS
            and "Press firmly" not in reply.text
        ):
            # a wound still bleeding: first aid first, whatever path answers
            self._note(_FIRST_AID)
            aid = (
                "If it's still bleeding, press firmly on it with a clean cloth and keep pressing; "
                f"if it won't stop within about ten minutes, is deep or gaping, or you feel faint, "
                f"please call {self.table.emergency} now."
            )
            reply = replace(reply, text=_after_first_sentence(reply.text, aid))
        signals = set(risk.signals)
        online = self._online_abuse(signals)
        if (
            LEAVING_ABUSER not in signals
            and not online  # grooming or sextortion: there is no partner to leave
            and _ABUSE_STEPS & set(self.history)
            and (_LEAVING_SAID.search(normalise(said)) if said else False)
        ):
            # "i've decided im leaving. im going to tell him tonight, face to face": said in a
            # conversation about abuse, the plan to leave needs its own care
            signals.add(LEAVING_ABUSER)
        kinds = [k for k in _SITUATIONS if k in signals and f"+{k}" not in self.history]
        if not kinds or reply.step in HELPER_STEPS:
            return reply
        advice = []
        for kind in kinds:
            self._note(f"+{kind}")
            # a sentence the reply already says is not said twice
            line = " ".join(
                sentence
                for sentence in re.split(r"(?<=[.!?])\s+", _SITUATIONS[kind])
                if sentence not in reply.text
            )
            if kind in _IMAGE_ABUSE_KINDS:
                young = RiskCategory.MINOR in risk.categories
                line += _IMAGE_ABUSE_YOUNG if young else _IMAGE_ABUSE_ADULT
            advice.append(line)
        return replace(reply, text=_after_first_sentence(reply.text, " ".join(advice)))

    def _answer_questions(
        self, reply: ProtocolReply, said: str, risk: RiskAssessment
    ) -> ProtocolReply:
        """The person's own questions about help, answered plainly after the reply's first
        sentence (can I text, is it free, are you a real person), and a method or lethality
        question declined wherever the step did not already."""
        text = normalise(said) if said else ""
        if not text:
            return reply
        answers = []
        crisis = self.table.crisis_line()
        emergency = self.table.emergency

        def _seen(kind: str) -> bool:  # said in this message or earlier in the conversation
            return kind in risk.signals or f"+{kind}" in self.history

        if _seen("grooming") and _ASKS_GO.search(text):
            answers.append(
                "No: please don't meet him, go anywhere with him, or send him anything. An adult "
                "who asks a young person for secrecy, pictures or to meet alone is grooming them, "
                "and none of it is your fault. Please tell a parent, a teacher or another adult "
                f"you trust today, and if he turns up, call {emergency}."
            )
        if _seen("sextortion") and _ASKS_PAY.search(text):
            answers.append(
                "Please don't pay: paying almost always leads to more demands, not fewer. Stop "
                "replying, keep the messages, report the account, and tell someone you trust."
            )
        if _seen("recent_sexual_assault") and _ASKS_DOCTOR.search(text):
            answers.append(
                "Yes, please see a doctor or go to an emergency department today: emergency "
                "contraception works best as soon as possible, and medicine to prevent HIV has to "
                "start within 72 hours. You can get this care without reporting to the police."
            )
        if _seen("recent_sexual_assault") and _WANTS_SPECIALIST.search(text):
            answers.append(
                "A sexual assault or rape crisis service is the right place: they support people "
                "after an assault, in confidence, whether or not you report it. An emergency "
                "department or your doctor can put you in touch with the one near you."
            )
        if _METHOD_ASKED.search(text) and "I won't help with" not in reply.text:
            answers.append(
                "I won't help with amounts or ways to end your life, because I want you to stay "
                "alive."
            )
        if _ASKS_REAL.search(text):
            answers.append(
                f"I'm an AI, not a person. {crisis.name} ({crisis.contact}) puts you through to a "
                "trained person, and I can stay here with you while you reach them."
            )
        if _ASKS_TEXT.search(text):
            texting = [
                r
                for r in self.table.resources
                if r.kind in ("crisis", "text") and "text" in r.contact.lower().split()
            ]
            if texting:
                answers.append(
                    "Yes, you can text instead of calling: "
                    + "; or ".join(r.line() for r in texting[:2])
                    + "."
                )
        if _ASKS_PLAN.search(text):
            answers.append(
                "A safety plan is a short list, in your own words, for the hardest moments: the "
                "signs that things are getting bad, what helps you get through, people and places "
                "that help, who you can call, and how to keep anything you could use out of "
                "reach."
            )
        if _ASKS_FREE.search(text):
            answers.append(
                "The crisis lines findahelpline.com lists are free."
                if "findahelpline" in crisis.contact
                else f"{crisis.name} is free and confidential"
                + (
                    ", and you don't need insurance to contact it."
                    if self.table.code == "US"
                    else "."
                )
            )
        if not answers:
            return reply
        return replace(reply, text=_after_first_sentence(reply.text, " ".join(answers)))

    def _online_abuse(self, signals: set[str]) -> bool:
        """Grooming or sextortion in this message or earlier in the conversation: abuse through
        messages, not a partner at the door."""
        return bool((signals | {k.lstrip("+") for k in self.history}) & _IMAGE_ABUSE_KINDS)

    def _respond(self, risk: RiskAssessment, said: str = "") -> ProtocolReply:
        concern = _concern(risk, self.history)
        text = normalise(said) if said else ""  # the message, read once for every branch
        chosen = _pick_resources(self.table, risk, concern)
        lines = [r.line() for r in chosen]
        emergency = self.table.emergency
        turn = self.turns
        self.turns += 1
        steps = self.steps
        # A helper's report keeps the helper's steps whatever condition a tier names beside it
        # ("my daughter says voices are telling her to jump": voices, but hers).
        reported = any(sig.startswith(OTHER_AT_RISK) for sig in risk.signals) or bool(
            _REPORT_NOTES & set(self.history)  # a threat, a disclosure, an emergency told before
        )
        helper = (concern in ("suicide", "emergency") or reported) and self._for_someone_else(risk)
        # The first turn of the person's own crisis (a helper's turns before it do not count).
        first = not any(s not in HELPER_STEPS for s in steps)
        full = turn % FULL_TRAILER_EVERY == 0
        resource_sentence = "You can reach " + "; or ".join(lines) + "."
        danger = f"If you are in immediate danger, please call {emergency} now."
        human = (
            "Would you be willing to contact one of them now? I can stay here with you "
            "while you do."
        )
        # Between the full closing lines, one short line: the emergency number, a crisis line,
        # a real person and the AI, and an open door to say they might act (every turn keeps
        # the way to help; only the repetition is shorter).
        short = (
            f"If you feel you might act on these thoughts, please call {emergency} now. I'm an "
            f"AI; a real person is there any time at {lines[0]}."
        )
        trailer = [danger, resource_sentence, AI_LINE, human] if full else [short]

        if helper:
            return self._helper(risk, steps, emergency, lines, full, text)

        others = RiskCategory.HARM_TO_OTHERS in risk.categories and bool(
            set(risk.signals) & _HARM_OTHERS_SIGNALS
        )
        means = bool(set(risk.signals) & _MEANS_SIGNALS)
        # Pills kept or planned, not taken ("i have a bunch of pills saved up", "gonna take them
        # all tonight"): means, not an act, unless an act is said too.
        if (
            _OVERDOSE_NOTE in self.history
            and _UNDONE.search(text)
            and not _TAKEN.search(text)
            and not _WORSE.search(text)
        ):
            # "i said i didn't take anything": heard, and no longer an act under way (an
            # ingestion only: a wound said to be bleeding keeps its first aid)
            self.history = [h for h in self.history if h not in (_ACT, _OVERDOSE_NOTE)]
            self._note(_UNDONE_NOTE)
            self._note(_KEPT_NOTE)
        kept = not set(risk.signals) & _ACT_SIGNALS and (
            bool(set(risk.signals) & _KEPT_SIGNALS)
            or bool(_NOT_TAKEN.search(text) and not _TAKEN.search(text))
            # means kept earlier in this crisis, and no act said since
            or (_KEPT_NOTE in self.history and not _TAKEN.search(text))
        )
        if kept:
            self._note(_KEPT_NOTE)
        if (
            concern == "emergency"
            and not kept
            and (RiskCategory.OVERDOSE in risk.categories or set(risk.signals) & _ACT_SIGNALS)
        ):
            self._note(_ACT)  # an act under way: every later emergency turn remembers it
            if RiskCategory.OVERDOSE in risk.categories:
                self._note(_OVERDOSE_NOTE)
        means = means or kept
        in_care = bool(_IN_CARE.search(text))
        if concern == "emergency" and ({"emergency", "emergency_next"} & set(steps) or in_care):
            return self._emergency_again(risk, text, steps, emergency, lines, full, others, means)
        if concern == "emergency":
            parts = [
                "I'm really glad you told me, and I'm worried about your safety right now.",
                f"Please call {emergency} now, or ask someone near you to call for you.",
            ]
            if RiskCategory.OVERDOSE in risk.categories and not kept:
                parts.append(
                    "If you've taken something, don't wait to see how you feel: emergency help "
                    "works best early."
                )
            if others and _BABY_IN_DANGER & set(risk.signals):
                parts.append(_BABY_WITH_ADULT)
            elif others and _BABY.search(text):
                parts.append(_BABY_LINE)
            elif others:
                parts.append(
                    "Please move away from the person you're thinking of hurting, and put any "
                    "weapon down and out of reach."
                )
            elif _HEIGHT.search(text):
                self._note(_HEIGHT_NOTE)
                parts.append(_HEIGHT_LINE)
            elif STOPPED_TREATMENT in risk.signals or (
                means and (_GUN_NAMED.search(text) or _PILLS_NAMED.search(text))
            ):
                self._note(_MEANS_SAID)
                parts.append(
                    means_safety_line(
                        text,
                        now=True,
                        stopped=STOPPED_TREATMENT in risk.signals,
                        emergency=emergency,
                    )
                )
            elif means:
                parts.append(
                    "If there's anything near you that you could use to hurt yourself, please "
                    "put it out of reach, or ask someone to take it away for now."
                )
            parts += ["Are you somewhere safe, and is anyone with you?", resource_sentence, AI_LINE]
            return self._reply(parts, "emergency", lines)
        if concern == "abuse":
            # Online abuse (grooming, sextortion): a deadline ("by tonight") is a threat in the
            # messages, not someone at the door; the messages are evidence to keep.
            online = self._online_abuse(set(risk.signals)) and not _ABUSER_NEAR.search(text)
            if online and "abuse_danger_now" in risk.signals:
                risk = risk.model_copy(
                    update={"signals": [x for x in risk.signals if x != "abuse_danger_now"]}
                )
            if ("abuse_danger_now" in risk.signals or _ABUSER_NEAR.search(text)) and (
                "abuse_danger" in self.history
            ):
                # The danger said again: what they asked, not the same reply word for word.
                parts = ["I'm still worried about your safety.", *_abuse_answers(text, online)]
                parts += [
                    f"If they become dangerous, please call {emergency}, or get out to a "
                    "neighbour or a public place.",
                    "Where will you be when they get home, and is there someone you could be with?",
                    resource_sentence,
                    AI_LINE,
                ]
                return self._reply(parts, "abuse_danger_next", lines)
            if "abuse_danger_now" in risk.signals or _ABUSER_NEAR.search(text):
                parts = [
                    "I'm worried about your safety right now."
                    if "abuse_safety" in self.history
                    else "Thank you for telling me. What you're describing is not okay, and it is "
                    "not your fault, and I'm worried about your safety right now.",
                    f"If you are in danger, please call {emergency} now. If you can, get to a room "
                    "you can lock, or out of the house to a neighbour or a public place, and keep "
                    "your phone with you.",
                    "If someone checks your phone, you can delete this conversation afterwards.",
                    "Are you somewhere safe right now?",
                    resource_sentence,
                    AI_LINE,
                ]
                return self._reply(parts, "abuse_danger", lines)
            if _ABUSE_STEPS & set(self.history):
                again = self.history.count("abuse_next") % 2
                parts = [
                    "Thank you for telling me more. None of this is your fault. Are you safe "
                    "right now?"
                    if not again
                    else "I'm still here, and I'm glad you're telling me.",
                    "Is there somewhere safe you could go, or someone you trust who could help "
                    "if it happens again?"
                    if not again
                    else "Do you have a plan for what you'll do, and who you'll call, if you're "
                    "in danger?",
                    "The helpline can talk through your options in confidence; you don't have to "
                    "decide anything now."
                    if not again
                    else "And how are you doing yourself: are you having any thoughts of hurting "
                    "yourself?",
                    # not "act on these thoughts": the danger is someone else; every turn keeps a
                    # crisis line and says this is an AI
                    danger
                    if full
                    else f"If you are in danger, please call {emergency} now. I'm an AI; a real "
                    f"person is there any time at {lines[0]}.",
                ]
                if full:
                    parts += [resource_sentence, AI_LINE]
                answers = _abuse_answers(text, online)
                if answers:  # what they asked first, after the opening sentence
                    parts = [parts[0], *answers, *parts[1:]]
                return self._reply(parts, "abuse_next", lines)
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
        if concern == "harm_to_others" and POSTPARTUM_PSYCHOSIS in risk.signals:
            # a belief about the baby after a birth: an illness to name without confirming the
            # belief, urgent care today, and another adult with the baby
            parts = [
                "Thank you for telling me. Feeling this way about your baby after a birth, "
                "especially with so little sleep, can be a sign of postpartum psychosis: an "
                "illness that can come on after having a baby, and that gets better with urgent "
                "care.",
                f"Please call {emergency} or go to the emergency department today, or ask someone "
                "to take you.",
                _BABY_WITH_ADULT,
                "Is someone with you right now? And are you safe yourself: are you having any "
                "thoughts of hurting yourself or the baby?",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "harm_to_others", lines)
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
            if _BABY.search(text):
                parts.append(_BABY_LINE)
            elif urgent:
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
                *([_STOPPED_MOOD_MEDICINE] if _STOPPED_MOOD_MEDS.search(text) else []),
                *(
                    [
                        "If the plan could hurt you, like heights, driving or going into water, "
                        "please don't do it now: stay where you are, or stop somewhere safe if "
                        "you're already on your way."
                    ]
                    if risk.level.at_least(RiskLevel.HIGH)
                    else []
                ),
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
                _ED_REFUSAL + " Restricting or purging can strain your heart and body even when "
                "you feel okay, so please see a doctor soon. How long has eating been this hard "
                "for you?",
                *(
                    [
                        "Could you tell a parent, a school nurse or counsellor, or another adult "
                        "you trust about this, today if you can?"
                    ]
                    if RiskCategory.MINOR in risk.categories
                    else []
                ),
                safety_q,
                "If you feel faint, have chest pain or your heart is racing, please get medical "
                f"help now ({emergency}).",
                resource_sentence,
                AI_LINE,
                human,
            ]
            return self._reply(parts, "eating_disorder", lines)

        # suicide and self-harm: engage → ask about plan → safety plan, one step a turn
        affirmed = _affirmed(risk)
        new_danger = bool(
            (set(risk.signals) & _NEW_DANGER_SIGNALS)
            or _FAREWELL.search(text)
            or (steps[-1:] in (["assess"], ["reassess"]) and _SOON_ANSWER.match(text))
        )
        # Said outright ("I've decided to kill myself"): not asked back, the next step instead.
        # At `moderate` too ("I want to kill myself": the thought is answered, the plan is
        # next), unless laughed off ("i want to kill myself lol"), where asking is the step.
        explicit = (
            bool(_EXPLICIT_CUES & set(risk.signals))
            and "attempt" not in risk.signals
            and bool(_SAID_OUTRIGHT.search(text))
            and (risk.level.at_least(RiskLevel.HIGH) or not _LAUGHED.search(text))
        )
        asked_safe = False
        if first and (affirmed or explicit) and not self.asked_about_plan:
            # A yes to the guardrail's own question, or the thought said outright: not the
            # same question again.
            self.asked_about_plan = asked_safe = True
            step, question = "assess", _PLAN_QUESTION
            opening = (
                "Thank you for telling me honestly. I can hear how much you're carrying, and "
                "I'm really glad you said it."
                if affirmed
                else "Thank you for telling me. I'm taking what you said seriously, and I'm "
                "really glad you told me rather than carrying it alone."
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
            self.asked_about_plan = asked_safe = True
            step, question = "assess", _PLAN_QUESTION
            opening = "Thank you for staying and talking with me."
        elif new_danger:
            # A time, a goodbye or a preparation said after the plan question: not the next
            # safety-plan step, the danger named and the emergency number without a condition.
            when = _SOON_ANSWER.match(text) if steps[-1:] == ["assess"] else None
            if steps[-1:] == ["reassess"]:
                head = [
                    "I'm still here with you, and I'm still very worried about you.",
                    f"Please call {emergency} now, or ask someone near you to call for you; if "
                    "you can, go to where other people are. Will you do that now?",
                ]
            elif when:
                head = [
                    "Thank you for telling me honestly. Because it could be "
                    f"{when.group('when')}, I'm worried about your safety right now.",
                    f"Please call {emergency} now, or ask someone near you to call for you, and "
                    "if you can, put anything you could use out of reach.",
                    "Is anyone with you right now?",
                ]
            else:
                head = [
                    "Thank you for telling me. I'm really worried by what you just said.",
                    "Are you planning to end your life soon? If you might act on it, please "
                    f"call {emergency} now, or ask someone near you to call for you; you don't "
                    "have to go through this alone.",
                    "Is anyone with you right now?",
                ]
            parts = [*head, resource_sentence, AI_LINE]
            return self._reply(parts, "reassess", lines, asked_safe=True)
        elif _METHOD_ASKED.search(text):
            # A lethality or method question inside the crisis: declined plainly, with why, and
            # the plan waits (a question about amounts is never thanked).
            parts = [
                "I won't help with amounts or ways to end your life, because I want you to stay "
                "alive.",
                "That you're asking tells me how much danger you might be in right now.",
            ]
            if _GUN_NAMED.search(text) or _PILLS_NAMED.search(text) or _KEPT_NOTE in self.history:
                parts.append(
                    "If you have them near you, please put them out of reach now, or give them to "
                    "someone to hold."
                )
            parts += [
                f"If you feel you might act on these thoughts, please call {emergency} now, or "
                + resource_sentence[0].lower()
                + resource_sentence[1:],
                "Are you safe right now?",
                AI_LINE,
            ]
            return self._reply(parts, "method_declined", lines, asked_safe=True)
        elif (
            _UNSURE.match(text)
            and self._since_safety_ask() == 0
            and steps[-1:] != ["safety_unclear"]
        ):
            # "idk", "whatever", "..." to "are you safe?": not an answer to thank and move past
            parts = [
                "When you say that, I can't tell whether you're safe, and I'm worried about you.",
                "Are you safe for the next hour, yes or no?",
                f"If you might act on these thoughts, please call {emergency} now, or "
                + resource_sentence[0].lower()
                + resource_sentence[1:],
                AI_LINE,
            ]
            return self._reply(parts, "safety_unclear", lines, asked_safe=True)
        elif self.plan_step < len(SAFETY_PLAN_STEPS):
            step, question = SAFETY_PLAN_STEPS[self.plan_step]
            if self.plan_step == 0:
                question = (
                    "Could we make a short safety plan together, one step at a time? " + question
                )
            self.plan_step += 1
            # A different acknowledgement at each step of the plan, not one phrase every turn.
            thanks = _PLAN_THANKS[(self.plan_step - 1) % len(_PLAN_THANKS)]
            if _ASKS_TEXT.search(text) or _ASKS_FREE.search(text) or _ASKS_REAL.search(text):
                thanks = "That's a good question to ask."  # answered after this sentence
            elif text.rstrip().endswith("?"):
                thanks = "Thank you for asking."
            if _HOSTILE.search(text):
                # anger at the bot is not thanked
                thanks = (
                    "I'm sorry this isn't helping the way you need right now. I'm still here, "
                    "and what happens to you matters to me."
                )
            if _says_safe(text):
                # Just answered: said back, not asked again.
                opening = f"I'm glad you're safe right now. {thanks}"
                asked_safe = True
            elif self._since_safety_ask() < SAFETY_ASK_GAP:
                opening = thanks
            else:
                opening, asked_safe = f"{thanks} Are you safe right now?", True
        elif "handoff" in self.history:
            # The person talks on after the plan was handed over: stay with them, the way to
            # help in every turn, never the goodbye again word for word (two wordings in turn).
            again = self.history.count("after_handoff") % 2
            parts = (
                [
                    "I'm still here, and I'm glad you're still talking with me.",
                    "The steps you named are there whenever you need them. If the thoughts get "
                    f"stronger or you feel you might act on them, please call {emergency} now, "
                    "or " + resource_sentence[0].lower() + resource_sentence[1:],
                    f"{AI_LINE} What feels most important to talk about right now?",
                ]
                if not again
                else [
                    "Thank you for staying in touch with me.",
                    "If things feel unsafe at any point, please call "
                    f"{emergency} now, or " + resource_sentence[0].lower() + resource_sentence[1:],
                    f"{AI_LINE} Tell me more about what's on your mind.",
                ]
            )
            return self._reply(parts, "after_handoff", lines)
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
        if full and not asked_safe and step != "engage":
            # No safety question in this turn: the danger line keeps the door open instead.
            trailer[0] = (
                "If you feel you might act on these thoughts, or you are in immediate danger, "
                f"please call {emergency} now."
            )
        parts = [opening, question, *trailer]
        named = (
            _GUN_NAMED.search(text) or (_PILLS_NAMED.search(text) and not _TAKEN.search(text))
        ) and not _NO_MEANS.search(text)
        stopped = STOPPED_TREATMENT in risk.signals
        if (means or named or stopped) and _MEANS_SAID not in self.history:
            # means kept or at hand, in the reply that first hears of them
            self._note(_MEANS_SAID)
            parts.insert(2, means_safety_line(text, stopped=stopped, emergency=emergency))
        if "eating_disorder_medical_danger" in risk.signals:
            parts.insert(
                1,
                "Fainting, chest pain or a racing heart mean your body is in danger: please get "
                f"medical help today, and call {emergency} if it happens again.",
            )
        if RiskCategory.MINOR in risk.categories:
            parts.append("If you can, please also tell a trusted adult what's going on.")
        return self._reply(parts, step, lines, asked_safe=asked_safe)

    def _unread_in_crisis(self, risk: RiskAssessment) -> ProtocolReply:
        """A message in a language the screener cannot read, during a crisis."""
        self.turns += 1
        lines = [r.line() for r in _pick_resources(self.table, risk, "suicide")]
        emergency = self.table.emergency
        parts = [
            "I'm sorry: I can't read that language well, so I may have missed what you just "
            "said, and I'm worried about you.",
            f"If you've taken anything, are hurt, or are somewhere you could fall, please call "
            f"{emergency} now, or ask someone near you to call for you.",
            "Could you tell me in a few words of English, even just yes or no, whether you are "
            "safe right now?",
            "You can reach " + "; or ".join(lines) + ".",
            AI_LINE,
        ]
        return self._reply(parts, "unread_in_crisis", lines)

    def _note(self, note: str) -> None:
        if note not in self.history:
            self.history.append(note)

    @property
    def steps(self) -> list[str]:
        """The steps answered so far (`history` without its notes)."""
        return [s for s in self.history if not s.startswith("+")]

    def _since_safety_ask(self) -> int:
        """How many protocol turns ago "are you safe?" was last asked or clearly answered
        (a large number when never)."""
        count = 0
        for entry in reversed(self.history):
            if entry == _ASKED_SAFE:
                return count
            if not entry.startswith("+"):
                count += 1
        return 1_000

    def _for_someone_else(self, risk: RiskAssessment) -> bool:
        """Whether this turn's risk is someone else's, told by a worried helper: the screener
        says so (`RiskAssessment.whose`) and the protocol has not yet answered the speaker's
        own crisis (once it has, it stays with them)."""
        return risk.whose is Whose.OTHER and all(s in HELPER_STEPS for s in self.steps)

    def _helper(
        self,
        risk: RiskAssessment,
        steps: list[str],
        emergency: str,
        lines: list[str],
        full: bool,
        text: str = "",
    ) -> ProtocolReply:
        """A reply to someone worried about another person: what to do for them, how to get
        them help, and how the helper is doing. `text`: their message, normalised."""
        resources = "; or ".join(lines)
        # Where the other person is decides the first step: out of reach (emergency services
        # can check on them), or on the phone / at a height right now (keep them talking while
        # someone else calls).
        with_them_now = bool(_ON_THE_LINE.search(text))
        reach = (
            [
                f"If they're on the phone with you, keep talking with them and stay on the line; "
                f"if you can, ask someone near you to call {emergency} with where they are, or "
                "call from another phone."
            ]
            if with_them_now
            else [
                f"If you can't reach them and they might act soon, please call {emergency} now "
                "and ask for someone to check on them; tell them the address or where they might "
                "be."
            ]
            if _OUT_OF_REACH.search(text)
            else []
        )
        urgent = risk.level is RiskLevel.IMMINENT or RiskCategory.OVERDOSE in risk.categories
        danger = (
            f"If they might act on it soon, or are in danger now, please call {emergency} now, "
            "and stay with them if you safely can: don't leave them on their own."
        )
        if "helper" not in steps and _CALLED_FOR_HELP.search(text):
            # Help called before they wrote ("I already rang 000 for her"): the same answer,
            # recorded as the helper's first step.
            steps = [*steps, "helper"]
        medical = [k for k in ("stroke", "seizure") if f"{OTHER_AT_RISK}{k}" in risk.signals]
        if "helper" not in steps and medical:
            # A stroke or a seizure in someone else: the call first, and what to do until help
            # comes; nothing about suicide.
            parts = [
                f"Please call {emergency} now: this sounds like a medical emergency, and minutes "
                "matter."
            ]
            if "stroke" in medical:
                parts.append(
                    "A face drooping on one side, slurred speech or a weak arm can be signs of a "
                    "stroke, even if they say they're just tired. Note the time it started and "
                    "tell the call handler, and don't give them anything to eat or drink."
                )
            if "seizure" in medical:
                parts.append(
                    "A seizure that lasts more than five minutes, or one they don't come round "
                    "from, needs an ambulance. Move hard things away from them, don't put "
                    "anything in their mouth, and once the shaking stops, turn them on their side."
                )
            parts += [
                "Stay with them and follow what the call handler tells you.",
                "I'm an AI, so I can't call for them: please call now, and come back to me "
                "afterwards if you want to talk it through.",
            ]
            self._note(_MEDICAL_NOTE)
            return self._reply(parts, "helper", lines)
        if "helper" not in steps and f"{OTHER_AT_RISK}threat" in risk.signals:
            # Someone else's threat of violence, reported: the people who can act, today.
            parts = [
                "Thank you for telling me, and you're not overreacting: a threat like this needs "
                "to reach someone who can act on it today.",
                "Please tell a teacher, the school's safeguarding or threat-assessment lead, a "
                "manager, or the police now. You can ask them to keep your name out of it.",
                f"If anyone is in danger right now, or they have a weapon with them, call "
                f"{emergency} now.",
                "Please don't confront them yourself, and keep any messages or pictures they sent "
                "you to show.",
                "I'm an AI, so I can't contact anyone: please tell someone who can act today.",
            ]
            self._note(_THREAT_NOTE)
            return self._reply(parts, "helper", lines)
        if "helper" not in steps and f"{OTHER_AT_RISK}child_disclosure" in risk.signals:
            # A child told an adult of abuse: what to do with what they said, today.
            parts = [
                "Thank you for taking this seriously: the child trusted you, and what you do next "
                "matters.",
                "Tell them they did the right thing by telling you and that it isn't their fault. "
                "You can't keep it a secret, but you can tell them you'll only tell people whose "
                "job is to help.",
                "Don't question them in detail or confront the person they named. Write down what "
                "they said, in their words, with the date and time.",
                "Report it today: to your safeguarding lead if you work in a school or with "
                "children, otherwise to children's services or the police; if the child is in "
                f"danger right now, call {emergency}. A child-protection helpline can advise you "
                "too.",
            ]
            self._note(_DISCLOSURE_NOTE)
            return self._reply(parts, "helper", lines)
        if "helper" not in steps and f"{OTHER_AT_RISK}act_underway" in risk.signals:
            # Pills taken and not waking: first aid and the emergency call, nothing else first.
            parts = [
                f"Please call {emergency} now: this is a medical emergency, and they need help "
                "straight away.",
                "Stay with them. If they are unconscious but breathing, lay them on their side "
                "(the recovery position) and follow what the call handler tells you; if they "
                "stop breathing, the call handler will talk you through what to do.",
                "Don't try to make them sick, and keep any packets or bottles to show the "
                "paramedics.",
                f"A crisis line is there for you too: {resources}.",
                "I'm an AI, so I can't call for them: please call now, and come back to me if "
                "you want to talk it through afterwards.",
            ]
            return self._reply(parts, "helper", lines)
        if "helper" not in steps and f"{OTHER_AT_RISK}mania" in risk.signals:
            # someone else's mania: their prescriber today, no arguing, money kept safe
            parts = [
                "Thank you for reaching out for them. Nights without sleep together with "
                "stopping medication, big spending or plans that suddenly feel certain can be "
                "signs of a manic episode, and that needs medical help soon.",
                "Please contact their prescriber or doctor today, or a mental-health crisis "
                f"team; if they seem in danger, or you don't feel safe, call {emergency}.",
                "Try not to argue about the plans: short, calm talk works better. If you can, "
                "keep cards and money safe for now.",
                "Are they safe right now, and are you?",
                f"You can also reach {resources} for advice on how to help them.",
                AI_LINE,
            ]
            return self._reply(parts, "helper", lines)
        if "helper" not in steps:
            parts = [
                "Thank you for reaching out for them. It's right to take what they told you "
                "seriously, and it's a sign of trust that they told you.",
            ]
            if RiskCategory.MINOR in risk.categories:
                # a young helper: an adult carries this with them, today
                parts.append(_YOUNG_HELPER)
            if urgent:
                parts.append(danger)
            parts += reach
            ask = (
                "You can ask them directly and calmly whether they're thinking about suicide. "
                "Asking doesn't put the idea in their head, and it often comes as a relief to "
                "be asked."
            )
            if f"{OTHER_AT_RISK}asked_and_yes" in risk.signals:
                # they asked already: say so, and what the answer means
                self._note(_ASKED_NOTE)
                ask = (
                    "You did the right thing by asking them directly, and their answer means "
                    "they need support now: try not to leave them on their own tonight, and ask "
                    "whether they have a plan."
                )
            if f"{OTHER_AT_RISK}psychosis_danger" in risk.signals:
                # a parent's psychosis with a child in danger (postpartum psychosis)
                parts.append(
                    "What you describe sounds like a medical emergency for both of them: please "
                    "don't leave them alone together, and call "
                    f"{emergency} or take her to an emergency department now. It is treatable, "
                    "and it is not her fault."
                )
            if f"{OTHER_AT_RISK}preparation" in risk.signals and _GIVEN_AWAY.search(text):
                parts.append(
                    "Giving things away and saying they won't need them, or won't be around, can "
                    "mean someone is preparing to end their life: please ask them directly today "
                    "whether they are thinking about suicide, and stay with them if they say yes. "
                    f"If they might act soon, please call {emergency}."
                )
            elif f"{OTHER_AT_RISK}preparation" in risk.signals:
                parts.append(
                    "Saved-up pills and a note can mean they are preparing: if you safely can, "
                    "put the pills somewhere they can't reach, and talk with them today. If they "
                    f"might act soon, please call {emergency}."
                )
            if f"{OTHER_AT_RISK}farewell" in risk.signals:
                parts.append(
                    "A goodbye like that and then no answer is an emergency: please call "
                    f"{emergency} now and ask for someone to check on them, or get someone who is "
                    "nearby to go round, and keep trying to reach them."
                )
            if f"{OTHER_AT_RISK}voices" in risk.signals:
                # Command hallucinations: a doctor or crisis team today; ask about the voices
                parts.append(
                    "Voices that tell someone to hurt themselves are a sign they need urgent "
                    "help today: please contact their doctor or a mental-health crisis team now, "
                    "and try not to leave them on their own."
                )
                ask = (
                    "You can ask them calmly what the voices are saying, whether they feel they "
                    "have to do it, and whether they're thinking about suicide; asking doesn't "
                    "put the idea in their head."
                )
            parts += [
                ask,
                *filter(None, [self._secrecy_answer(text)]),
                "Listen without judging or arguing, and help them reach a crisis line or their "
                "doctor; you could offer to sit with them while they call.",
            ]
            if not urgent:
                parts.append(danger)
            parts += [
                f"A crisis line is there for them, and for you if you want advice on how to help: "
                f"{resources}.",
                "I'm an AI, so I can't reach them myself, but I can help you think it through. "
                "Supporting someone through this is hard, so please look after yourself too, "
                "and let someone you trust know what's happening.",
                "How are you doing with all of this yourself? If it ever stirs up thoughts of "
                "hurting yourself, those lines are there for you as well.",
            ]
            return self._reply(parts, "helper", lines)
        betrayed = (
            "Getting them help wasn't a betrayal: it kept them safe, and many people are grateful "
            "later, even if they're upset at first."
        )
        again = steps.count("helper_next") % 2
        if _THREAT_NOTE in self.history and again:
            parts = [
                "Acting today is the right call, even if it turns out to be nothing: the people "
                "who assess threats would much rather hear about it than not.",
                "If you can't reach anyone in charge, the police can advise you today; call "
                f"{emergency} if anyone is in danger right now.",
                "Your part is to pass on what you were told, not to decide whether it was a joke. "
                "What is getting in the way of telling someone today?",
            ]
            return self._reply(parts, "helper_next", lines)
        if _THREAT_NOTE in self.history:
            # a reported threat, later turns: it still can't wait, whatever else is said
            parts = [
                "You're not overreacting, and it shouldn't wait until someone is back: a threat "
                "with a weapon they may be able to reach needs acting on today.",
                "Tell whoever is in charge today (a deputy, your safeguarding or threat-assessment "
                "lead, a manager) or the police, and follow your school's or workplace's threat "
                f"procedure. If anyone is in danger right now, call {emergency}.",
                "You can protect the person who told you: pass on what was said and ask for their "
                "name to be kept out of it. Whoever has the weapon at home can be asked to lock it "
                "away.",
                "I'm an AI, so I can't contact anyone myself. How are you doing with this?",
            ]
            return self._reply(parts, "helper_next", lines)
        if _DISCLOSURE_NOTE in self.history and again:
            parts = [
                "It's normal to worry about getting it wrong. Reporting isn't accusing anyone: it "
                "passes what the child said to the people trained to find out what is happening.",
                "Please make the report today, and keep your notes of what the child said. If the "
                f"child is in danger right now, call {emergency}. What would help you take that "
                "step?",
            ]
            return self._reply(parts, "helper_next", lines)
        if _DISCLOSURE_NOTE in self.history:
            parts = [
                "You don't need proof, or to be sure, before you report it: deciding what happened "
                "is the job of the people you report to, and reporting it today protects the "
                "child.",
                "Tell your safeguarding lead today if you work with children, otherwise children's "
                f"services or the police; if the child is in danger right now, call {emergency}.",
                "Keep what the child said, in their words, and don't confront the person they "
                "named. Hearing this is hard: how are you doing yourself?",
            ]
            return self._reply(parts, "helper_next", lines)
        if _MEDICAL_NOTE in self.history and not _help_called(text):
            parts = []
            if _WAIT_AND_SEE.search(text):
                parts.append(f"No, please don't wait to see: call {emergency} now.")
            if _HOLD_THEM.search(text):
                parts.append(
                    "Don't hold them down or put anything in their mouth: move hard things away, "
                    "time how long it lasts, and once the shaking stops, turn them on their side."
                )
            parts += (
                [
                    f"If help isn't with them yet, please call {emergency} now and stay with them; "
                    "if they're already on the way, keep watching their breathing and tell the "
                    "call handler if anything changes.",
                    "How are you doing? Come back to me when you can, if you want to talk it "
                    "through.",
                ]
                if not again
                else [
                    f"If help isn't on its way yet, please call {emergency} now.",
                    "While you wait: note the time it started, unlock the door for the "
                    "paramedics, don't give them anything to eat or drink, and have their "
                    "medicines or a list of them ready.",
                    f"If they get worse, call {emergency} again and tell them what changed.",
                ]
            )
            return self._reply(parts, "helper_next", lines)
        if _HELP_CALLED_NOTE in self.history and not _help_called(text):
            # Help was called earlier: keep the helper posted, not "please call now" again.
            parts = [
                "Thank you for keeping me posted.",
                *([betrayed] if _BETRAYED.search(text) else []),
                "How are they doing now, and how are you holding up?",
                f"If anything changes or you're worried again, call {emergency}.",
                f"A crisis line is there for you too: {self.table.crisis_line().line()}.",
            ]
            return self._reply(parts, "helper_next", lines)
        if _help_called(text):
            # Help already called or with them: what they did, and the helper's own state now.
            self._note(_HELP_CALLED_NOTE)
            safe = bool(_THEY_ARE_SAFE.search(text))
            parts = [
                "I'm really glad they're safe now, and you did the right thing."
                if safe
                else "You did the right thing by getting help to them; that was what mattered "
                "most.",
            ]
            if not safe:
                parts.append(
                    f"If anything changes before help reaches them, call {emergency} again and "
                    "tell them what's happening."
                )
            if _BETRAYED.search(text):
                parts.append(betrayed)
            parts.append(
                "What you've just been through is frightening, and it makes sense that you're "
                "shaken. Is there someone who can be with you tonight? Slow breaths can help your "
                "body settle: in for four, out for six."
                if _HELPER_NOT_OK.search(text)
                else "How are you doing yourself, after all this?"
            )
            parts.append(f"A crisis line is there for you too: {self.table.crisis_line().line()}.")
            return self._reply(parts, "helper_next", lines)
        parts = (
            ["It makes sense to feel worried and unsure about what to do.", *reach]
            if reach
            else [
                "It makes sense to feel worried and unsure about what to do.",
                "You don't have to have the right words: listening, and saying you're glad they "
                "told you, is a good start. What feels hardest about supporting them right now?"
                if _ASKED_NOTE in self.history
                else "Have you been able to talk with them yet? If not, a calm, direct question "
                "about suicide and time to listen are a good start, and you don't have to have "
                "the right words.",
            ]
            if not again
            else [
                "You're doing something important by staying with this, and you don't have to "
                "handle it alone.",
                "A crisis line can talk you through what to say, and their doctor, or another "
                "adult they trust, can help too. Is there someone who could share this with you?",
            ]
        )
        if secret := self._secrecy_answer(text):
            parts.insert(1, secret)
        parts.append(danger)
        if full:
            parts += [
                f"You can reach {resources}.",
                "I'm an AI, so please lean on real people too, for them and for yourself.",
            ]
        else:
            parts.append(f"I'm an AI; a real person is there any time at {lines[0]}.")
        parts.append(
            "And how are you holding up? If this stirs up thoughts of hurting yourself, please "
            "say so, or reach that line for yourself too."
        )
        return self._reply(parts, "helper_next", lines)

    def _secrecy_answer(self, text: str) -> str:
        """For a helper asked to keep it secret: that the promise need not hold (once a crisis,
        noted only when said), or yes to "should I tell?"; else nothing. `text` normalised."""
        if _SHOULD_I_TELL.search(text):
            return (
                "Yes: when someone's safety is at stake, telling a trusted adult, or someone who "
                "can help, is the right thing to do, even after a promise. You could tell them "
                "you're doing it because you care about them."
            )
        if secrecy_asked(text) and _SECRET_NOTE not in self.history:
            self._note(_SECRET_NOTE)
            return SECRECY_LINE
        return ""

    def _emergency_again(
        self,
        risk: RiskAssessment,
        text: str,
        steps: list[str],
        emergency: str,
        lines: list[str],
        full: bool,
        others: bool,
        means: bool,
    ) -> ProtocolReply:
        """An emergency turn after the first: the emergency number again, but an answer to
        what was said (`text`, normalised) and a question about whether help is on the way,
        never the first emergency reply word for word."""
        n = steps.count("emergency_next")
        opener = (
            "Thank you for staying with me.",
            "I'm still here with you.",
            "I'm glad you're still talking with me.",
        )[n % 3]
        if _HOSTILE.search(text):
            opener = "I hear you, and I'm sorry this is frustrating. I'm still here."
        left = _HEIGHT_NOTE in self.history and _HEIGHT_LEFT not in self.history
        if left and _OFF_THE_EDGE.search(text):
            self._note(_HEIGHT_LEFT)
            opener = "I'm really glad you've moved away from the edge."
        parts = [opener]
        act = _ACT in self.history
        refusing = bool(_REFUSING_HELP.search(text))
        first_care = _IN_CARE_NOTE not in self.history
        if _IN_CARE.search(text):
            self._note(_IN_CARE_NOTE)
        in_care = _IN_CARE_NOTE in self.history and not refusing
        first_care = first_care and in_care
        undone = _UNDONE_NOTE in self.history
        said = _UNDONE.search(text)
        if undone and said:
            told = said.group(0)
            parts.append(
                "Thank you for telling me that was then, not now. Even if you feel fine, please "
                "let a doctor know what you took."
                if re.search(r"\bwas\b|last week", told)
                else "Thank you for telling me you gave them back; that was a really good step."
                if "back" in told
                else "Thank you for telling me you didn't take anything; I'm sorry I got that "
                "wrong, and I'm really glad."
            )
        needs_doctor = (
            "what you've taken can harm your body even if you feel okay right now, and waiting "
            "makes it more dangerous"
            if (RiskCategory.OVERDOSE in risk.categories or _OVERDOSE_NOTE in self.history)
            and not undone
            else "you shouldn't be up there alone with this"
            if (_HEIGHT_NOTE in self.history or _HEIGHT.search(text))
            and _HEIGHT_LEFT not in self.history
            else "this needs a doctor now, even if it feels like it can wait"
        )
        if act and _WORSE.search(text):
            parts.append("What you're feeling now can be a sign that it's getting more dangerous.")
        if act and re.search(r"\bbleed|\bsoaked\b|\bwound\b|\bcut\b", text):
            parts.append(
                "Press firmly on the wound with a clean cloth or towel and keep pressing; if you "
                "can, raise it above your heart."
            )
        if refusing:
            parts += [
                "I hear that you don't want to call anyone, and I understand it can feel like too "
                "much right now."
                if not act
                else "I hear that you don't want that, and I understand it can feel scary or "
                "embarrassing.",
                f"But {needs_doctor}: please call {emergency} now, or wake or tell someone near "
                "you and let them call for you."
                if act
                else f"I'm still really worried about your safety: please call {emergency} now, "
                "or let someone near you call for you.",
                "Are you somewhere safe, and is there anyone in your home, or nearby, you could "
                "tell right now?",
            ]
        elif in_care:
            if first_care:
                parts += [
                    "I'm really glad you're getting care right now.",
                    "Please stay with them and tell them everything you took or did, and when, "
                    "even if it feels embarrassing: it helps them help you."
                    if act
                    else "Please stay with them and tell them how you've been feeling, even if it "
                    "feels hard to say.",
                ]
            else:
                parts.append("I'm glad you're somewhere you can be looked after.")
            if first_care or _ASHAMED.search(text):
                parts.append(
                    "Feeling ashamed or scared is very common, and the staff see this often: "
                    "they are there to help you, not to judge you."
                )
            if _LOCKED_UP.search(text):
                parts.append(
                    "It's okay to be scared of what happens next. You can ask them to explain "
                    "what they're suggesting and why; talking with them is about working out "
                    "what help you need, and staying is the safest thing you can do right now."
                )
            if not first_care:
                parts.append("How are you feeling right now?")
        elif _REACHING_HELP.search(text) or _SOMEONE_HERE.search(text):
            here = bool(_SOMEONE_HERE.search(text)) and not re.search(
                r"\b(?:coming|on (?:the|their|her|his) way)\b", text
            )
            parts.append(
                "I'm really glad you're not alone right now."
                if here
                else "It's really good that you're reaching someone; that matters a lot right now."
            )
            if not here:
                parts.append("Are they with you now, or on their way?")
            parts.append(
                f"If no one has called {emergency} yet, please ask them to call now: "
                f"{needs_doctor}."
                if act
                else f"Until they are, keep {emergency} close: if you feel you might act on these "
                "thoughts, please call now."
                if not here
                else f"Could they stay with you for now? If you feel you might act on these "
                f"thoughts, please call {emergency} together."
            )
        else:
            if _says_safe(text):
                parts.append("I'm glad you feel a bit safer right now.")
            elif _ELSEWHERE.search(text):
                parts.append(
                    "I hear that you'd like to talk about something else, and we can; first I "
                    "need to know you're safe."
                )
            parts += (
                [
                    "I'm still worried about your safety. Are you somewhere safe, and is anyone "
                    "with you right now?",
                    f"If no one has called yet, please call {emergency} now, or ask someone near "
                    f"you to call for you: {needs_doctor}.",
                ]
                if act
                else [
                    "I'm still worried about your safety. Is anyone with you right now, and have "
                    f"you been able to call {emergency} or reach someone?",
                    f"If not, or if you feel you might act on these thoughts, please call "
                    f"{emergency} now, or ask someone near you to call for you.",
                ]
                if n % 2 == 0
                else [
                    "Your safety still matters most to me right now. Is someone with you now, or "
                    "could you call someone in the next few minutes?",
                    f"If you feel you might act on these thoughts, please call {emergency} now; "
                    "you can also ask someone near you to make the call.",
                ]
            )
        if others:
            parts.append("Please keep away from the person and from anything you could use.")
        elif not _OFF_THE_EDGE.search(text) and (
            _HEIGHT.search(text)
            or (_HEIGHT_NOTE in self.history and _HEIGHT_LEFT not in self.history)
        ):
            self._note(_HEIGHT_NOTE)
            parts.append(_HEIGHT_LINE)
        elif means:
            parts.append("Please keep anything you could use to hurt yourself out of reach.")
        if full:
            parts += ["You can reach " + "; or ".join(lines) + ".", AI_LINE]
        else:
            parts.append(f"I'm an AI; a real person is there any time at {lines[0]}.")
        return self._reply(parts, "emergency_next", lines)

    def _reply(
        self,
        parts: list[str],
        step: str,
        lines: list[str],
        closes: bool = False,
        asked_safe: bool = False,
    ) -> ProtocolReply:
        text = " ".join(parts)
        self.history.append(step)
        if asked_safe:
            self.history.append(_ASKED_SAFE)
        return ProtocolReply(text=text, step=step, resources=lines, closes=closes)


def check_in(locale: str | None, others: bool = False) -> str:
    """Added to a counselor's reply at `low` risk: a gentle, direct question and a resource.
    `others`: the risk found is only to someone else (a threat said of a petty provocation),
    so the question is whether they mean it, not about ending their own life."""
    crisis = resources_for(locale).crisis_line()
    if others:
        return (
            "I want to check in about something you said, because it matters: do you mean you "
            "might really hurt someone? If anger ever feels close to turning into harm, you can "
            f"reach {crisis.name} ({crisis.contact}) at any time to talk it through."
        )
    return (
        "I want to check in about something you said, because it matters: are you having "
        "any thoughts of ending your life? If you ever are, you can reach "
        f"{crisis.name} ({crisis.contact}) at any time."
    )


def helper_check_in(locale: str | None, kinds: Sequence[str] = ()) -> str:
    """Added to a counselor's reply at `low` when the risk is someone else's (a worried helper):
    how to ask, and a line that advises helpers, instead of asking the helper about themselves.
    `kinds` are what the helper reported (`other_at_risk:<kind>`): self-harm is named as a sign
    of struggle, a promise of secrecy as one that need not hold, and a helper under 18 (`YOUNG`)
    is told to bring in an adult."""
    crisis = resources_for(locale).crisis_line()
    parts = []
    if "self_harm" in kinds:
        parts.append(
            "Self-harm is usually a sign that someone is struggling with a lot, and they "
            "deserve support from someone trained to help."
        )
    if "secret" in kinds:
        parts.append(SECRECY_LINE)
    if YOUNG in kinds:
        parts.append(_YOUNG_HELPER)
    parts.append(
        "If you're worried about their safety, it's okay to ask them directly whether they're "
        "thinking about suicide: asking doesn't put the idea in their head. "
        f"{crisis.name} ({crisis.contact}) can advise you on how to help, and is there for them "
        "at any time, and for you too."
    )
    return " ".join(parts)


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


# `safe_reply`'s reason for a reply blocked because it passed over risk in what the person said.
RISK_UNANSWERED = "risk_unanswered"
# A reply blocked for method, lethality or means detail, or for encouraging death: the
# details declined, with an open door; and any other reply blocked where no risk shows: an
# answer declined, never a failure to "try again" (which invites the question again in
# other words).
DETAIL_DECLINED = "detail_declined"
DECLINED = "declined"
# A reply blocked only for a condition's clinical response while no risk shows: asked about the
# condition's effect on their days, not about suicide.
CONDITION_UNANSWERED = "condition_unanswered"


def safe_reply(
    locale: str | None, reason: str = "", level: RiskLevel | None = None, again: bool = False
) -> str:
    """The deterministic reply sent when a component fails or a reply is blocked.

    `level`: the conversation's risk. At `none` (nothing anywhere in the conversation shows
    risk) the reply says plainly that no proper answer could be given and to try again, with
    one line on where to get help now; at any other level, or unknown, it asks the safety
    question. `reason` `RISK_UNANSWERED` (a reply blocked because it passed over risk the
    checker read in what the person said): the safety question comes as an answer to what they
    said, not as an apology for a failure. `DETAIL_DECLINED` (a reply blocked for method or
    means detail, or for encouraging death): the details declined, with the safety question as
    an open door. `DECLINED` at `none` (any other block): the answer declined, never "try
    again". `again`: the same reply was the last one sent, so other words (a failure at `none`
    keeps its try-again message)."""
    table = resources_for(locale)
    crisis = table.crisis_line()
    if again and level is not RiskLevel.NONE and reason != DETAIL_DECLINED:
        return (
            "I'm still here, and I'm listening. I'm asking because what you've told me matters: "
            "if you're having any thoughts of ending your life or hurting yourself, please tell "
            f"me. If you're in immediate danger, please call {table.emergency}, or reach "
            f"{crisis.name} ({crisis.contact}) any time. Is there someone you trust you could "
            "talk to today?"
        )
    if reason == RISK_UNANSWERED:
        return (
            "Thank you for telling me that. What you said matters, and I want to make sure "
            "you're safe: are you having any thoughts of ending your life or hurting yourself? "
            f"If you are, or you're in immediate danger, please call {table.emergency} or reach "
            f"{crisis.name} ({crisis.contact}). I'm an AI; you can also talk with a real person "
            "you trust."
        )
    if reason == CONDITION_UNANSWERED:
        return (
            "Thank you for telling me that. I'd like to understand it a bit better: how often "
            "does it happen, and how much is it affecting your days? If it's been worrying you, "
            "a doctor is a good person to talk it through with. I'm an AI; if things ever feel "
            f"unsafe, you can reach {crisis.name} ({crisis.contact}) any time."
            if not again
            else "I'm still here and listening. What is it like for you when this happens? If "
            f"things ever feel unsafe, {crisis.name} ({crisis.contact}) is there any time."
        )
    if reason == DETAIL_DECLINED:
        return (
            "I'm not able to go into details like that. If you're asking because things feel "
            "hard right now, or you're having any thoughts of hurting yourself, please tell me: "
            f"I'd like to help, and you can reach {crisis.name} ({crisis.contact}) any time, or "
            f"call {table.emergency} in an emergency. What's on your mind?"
            if not again
            else "I'd still rather not go into that. I'm here to listen, though: how are you "
            f"doing right now? If things feel unsafe, {crisis.name} ({crisis.contact}) is there "
            "any time."
        )
    if reason == DECLINED and level is RiskLevel.NONE:
        return (
            "I'd rather not answer that one directly. Could you tell me a bit more about what's "
            "going on for you? I'm an AI; if you need to talk to a real person right now, you "
            f"can reach {crisis.name} ({crisis.contact}), or call {table.emergency} in an "
            "emergency."
            if not again
            else "That's one I'll leave, but I'm still here and listening. What would help most "
            f"right now? A real person is there any time at {crisis.name} ({crisis.contact})."
        )
    if level is RiskLevel.NONE:
        return (
            "I'm sorry, something went wrong on my side and I couldn't give you a proper answer "
            "just now. Please try again in a moment, or say it another way. I'm an AI; if you "
            "need to talk to a real person right now, you can reach "
            f"{crisis.name} ({crisis.contact}), or call {table.emergency} in an emergency."
        )
    return (
        "I'm sorry, I can't respond to that properly right now. I'm an AI, and I want to "
        "make sure you're safe: are you having any thoughts of hurting yourself? If you "
        f"are, or you're in immediate danger, please call {table.emergency} or reach "
        f"{crisis.name} ({crisis.contact}). You can also talk with a real person you trust."
    )
