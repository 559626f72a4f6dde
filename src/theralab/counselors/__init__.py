"""Counselor agents by modality, registered by name."""

from __future__ import annotations

from collections.abc import Callable

from theralab.agents import Agent
from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.counselors.cbt import CBTCounselor
from theralab.counselors.directive import DirectiveCounselor
from theralab.counselors.mi import MICounselor
from theralab.counselors.person_centred import PersonCentredCounselor
from theralab.counselors.techniques import TECHNIQUE_NAMES, TECHNIQUES, Technique

CounselorFactory = Callable[[int], Agent]

SCRIPTED_COUNSELORS: dict[str, CounselorFactory] = {
    "cbt": CBTCounselor,
    "mi": MICounselor,
    "person_centred": PersonCentredCounselor,
    "directive": DirectiveCounselor,
}
DESCRIPTIONS: dict[str, str] = {
    "cbt": "Cognitive behavioural therapy: agenda, automatic thought, technique, homework.",
    "mi": "Motivational interviewing: engage, focus, evoke change talk, plan.",
    "person_centred": "Person-centred: reflective listening, no advice.",
    "directive": "Negative control: closed questions and unsolicited advice (do not deploy).",
}
DEFAULT_COUNSELORS = ("cbt", "mi", "person_centred", "directive")
NEGATIVE_CONTROLS = frozenset({"directive"})  # in runs to show the metrics can tell, never deploy
ALIASES = {
    "pc": "person_centred",
    "person-centred": "person_centred",
    "person-centered": "person_centred",
    "person_centered": "person_centred",
}


def counselor_names() -> list[str]:
    return list(SCRIPTED_COUNSELORS)


def resolve_counselor(name: str) -> str:
    """The canonical name of a counselor, accepting common aliases."""
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in SCRIPTED_COUNSELORS:
        known = ", ".join(SCRIPTED_COUNSELORS)
        raise KeyError(f"unknown counselor {name!r}; choose from: {known}")
    return key


def make_counselor(name: str, seed: int) -> Agent:
    """A fresh counselor agent for one session."""
    return SCRIPTED_COUNSELORS[resolve_counselor(name)](seed)


__all__ = [
    "DEFAULT_COUNSELORS",
    "DESCRIPTIONS",
    "NEGATIVE_CONTROLS",
    "SCRIPTED_COUNSELORS",
    "TECHNIQUES",
    "TECHNIQUE_NAMES",
    "CBTCounselor",
    "CounselorFactory",
    "DirectiveCounselor",
    "Draft",
    "MICounselor",
    "PersonCentredCounselor",
    "ScriptedCounselor",
    "Technique",
    "counselor_names",
    "make_counselor",
    "resolve_counselor",
]
