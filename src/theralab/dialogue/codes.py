"""MISC / MITI counselor behaviour codes and client talk types, with their coarse groupings."""

from __future__ import annotations

from enum import StrEnum


class MiscCode(StrEnum):
    """Fine-grained counselor behaviour codes (MISC / MITI).

    `SELF_DISCLOSE` is MISC 2.5's self-disclosure (the counselor shares something personal);
    MITI 4 counts it as neither adherent nor non-adherent, and it is never a reflection. Like
    affirm and support it is coarse behaviour "other" in AnnoMI's scheme.
    """

    OPEN_QUESTION = "open_question"
    CLOSED_QUESTION = "closed_question"
    SIMPLE_REFLECTION = "simple_reflection"
    COMPLEX_REFLECTION = "complex_reflection"
    AFFIRM = "affirm"
    SEEK_COLLABORATION = "seek_collaboration"
    EMPHASIZE_AUTONOMY = "emphasize_autonomy"
    GIVE_INFORMATION = "give_information"
    ADVISE_WITH_PERMISSION = "advise_with_permission"
    ADVISE_WITHOUT_PERMISSION = "advise_without_permission"
    CONFRONT = "confront"
    PERSUADE = "persuade"
    DIRECT = "direct"
    RAISE_CONCERN = "raise_concern"
    WARN = "warn"
    STRUCTURE = "structure"
    SUPPORT = "support"
    SELF_DISCLOSE = "self_disclose"
    OTHER = "other"


class Behaviour(StrEnum):
    """AnnoMI's coarse therapist behaviour."""

    QUESTION = "question"
    REFLECTION = "reflection"
    THERAPIST_INPUT = "therapist_input"
    OTHER = "other"


class TalkType(StrEnum):
    """Client talk about change."""

    CHANGE = "change"
    NEUTRAL = "neutral"
    SUSTAIN = "sustain"


QUESTIONS = frozenset({MiscCode.OPEN_QUESTION, MiscCode.CLOSED_QUESTION})
REFLECTIONS = frozenset({MiscCode.SIMPLE_REFLECTION, MiscCode.COMPLEX_REFLECTION})
MI_ADHERENT = frozenset(
    {
        MiscCode.AFFIRM,
        MiscCode.SEEK_COLLABORATION,
        MiscCode.EMPHASIZE_AUTONOMY,
        MiscCode.ADVISE_WITH_PERMISSION,
        MiscCode.SUPPORT,
    }
)
MI_NON_ADHERENT = frozenset(
    {
        MiscCode.ADVISE_WITHOUT_PERMISSION,
        MiscCode.CONFRONT,
        MiscCode.PERSUADE,
        MiscCode.DIRECT,
        MiscCode.WARN,
    }
)


class CodeFamily(StrEnum):
    """How a MISC code reads at a glance (report badges, practice mode's colours)."""

    QUESTION = "question"
    REFLECTION = "reflection"
    ADHERENT = "adherent"
    NON_ADHERENT = "non_adherent"
    INPUT = "input"  # information, structure, advice without a stance: the counselor's input
    OTHER = "other"


def code_family(code: MiscCode) -> CodeFamily:
    if code in QUESTIONS:
        return CodeFamily.QUESTION
    if code in REFLECTIONS:
        return CodeFamily.REFLECTION
    if code in MI_ADHERENT:
        return CodeFamily.ADHERENT
    if code in MI_NON_ADHERENT:
        return CodeFamily.NON_ADHERENT
    return CodeFamily.OTHER if code is MiscCode.OTHER else CodeFamily.INPUT


_BEHAVIOUR = {
    MiscCode.OPEN_QUESTION: Behaviour.QUESTION,
    MiscCode.CLOSED_QUESTION: Behaviour.QUESTION,
    MiscCode.SIMPLE_REFLECTION: Behaviour.REFLECTION,
    MiscCode.COMPLEX_REFLECTION: Behaviour.REFLECTION,
    MiscCode.GIVE_INFORMATION: Behaviour.THERAPIST_INPUT,
    MiscCode.ADVISE_WITH_PERMISSION: Behaviour.THERAPIST_INPUT,
    MiscCode.ADVISE_WITHOUT_PERMISSION: Behaviour.THERAPIST_INPUT,
    MiscCode.STRUCTURE: Behaviour.THERAPIST_INPUT,
    MiscCode.RAISE_CONCERN: Behaviour.THERAPIST_INPUT,
    MiscCode.WARN: Behaviour.THERAPIST_INPUT,
    MiscCode.DIRECT: Behaviour.THERAPIST_INPUT,
    MiscCode.PERSUADE: Behaviour.THERAPIST_INPUT,
    MiscCode.CONFRONT: Behaviour.THERAPIST_INPUT,
}


def behaviour_of(code: MiscCode) -> Behaviour:
    """AnnoMI's coarse behaviour for a fine MISC code."""
    return _BEHAVIOUR.get(code, Behaviour.OTHER)
