"""Counselor agents by modality, registered by name."""

from __future__ import annotations

from collections.abc import Callable

from theralab.agents import Agent
from theralab.counselors.base import Draft, ScriptedCounselor
from theralab.counselors.cbt import CBTCounselor
from theralab.counselors.directive import DirectiveCounselor
from theralab.counselors.magnet import MagnetCounselor
from theralab.counselors.mi import MICounselor
from theralab.counselors.person_centred import PersonCentredCounselor
from theralab.counselors.techniques import TECHNIQUE_NAMES, TECHNIQUES, Technique
from theralab.errors import UnknownName

CounselorFactory = Callable[[int], Agent]

SCRIPTED_COUNSELORS: dict[str, CounselorFactory] = {
    "cbt": CBTCounselor,
    "mi": MICounselor,
    "person_centred": PersonCentredCounselor,
    "directive": DirectiveCounselor,
    "magnet": MagnetCounselor,
}
DESCRIPTIONS: dict[str, str] = {
    "cbt": "Cognitive behavioural therapy: agenda, automatic thought, technique, homework.",
    "mi": "Motivational interviewing: engage, focus, evoke change talk, plan.",
    "person_centred": "Person-centred: reflective listening, no advice.",
    "directive": "Negative control: closed questions and unsolicited advice (do not deploy).",
    "magnet": "MAGneT-style multi-agent: a technique selector picks 1-3 of reflection, "
    "questioning, solutions, normalising and psycho-education each turn; a merger joins them.",
    "act": "Acceptance and commitment therapy (model-backed only).",
    "pfa": "Psychological first aid, look-listen-link (model-backed only).",
}
DEFAULT_COUNSELORS = ("cbt", "mi", "person_centred", "directive")
NEGATIVE_CONTROLS = frozenset({"directive"})  # in runs to show the metrics can tell, never deploy
ALIASES = {
    "pc": "person_centred",
    "person-centred": "person_centred",
    "person-centered": "person_centred",
    "person_centered": "person_centred",
}


# Modalities that exist only as model-backed counselors (bind --model-role counselor=…).
MODEL_ONLY = ("act", "pfa")


MODEL_PREFIX = "llm:"


def resolve_counselor(name: str) -> str:
    """The canonical name of a counselor, accepting common aliases.

    `llm:<modality>` names a model-backed counselor (the run's `counselor` role), so a run can
    put `cbt` and `llm:cbt` side by side; `ext:PATH.yaml` an external bot (the file is read and
    validated here, so a bad one is an error before any session starts).
    """
    if name.strip()[:4].lower() == "ext:":
        from theralab.counselors.registry import parse_counselor  # imports this module

        return parse_counselor(name).name
    raw = name.strip().lower()
    prefix = MODEL_PREFIX if raw.startswith(MODEL_PREFIX) else ""
    base = raw.removeprefix(MODEL_PREFIX)
    key = ALIASES.get(base, base)
    if key not in SCRIPTED_COUNSELORS and key not in MODEL_ONLY:
        known = ", ".join([*SCRIPTED_COUNSELORS, *MODEL_ONLY])
        raise UnknownName(
            f"unknown counselor {name!r}; choose from: {known} (prefix llm: for a model-backed "
            "one, or ext:PATH.yaml for your own bot)"
        )
    return prefix + key


def is_model_backed(name: str) -> bool:
    return name.startswith(MODEL_PREFIX) or name in MODEL_ONLY


def make_counselor(name: str, seed: int) -> Agent:
    """A fresh scripted counselor agent for one session."""
    key = resolve_counselor(name)
    if is_model_backed(key):
        raise UnknownName(
            f"the {key} counselor is model-backed only: bind a model with "
            f"--model-role counselor=<spec>"
        )
    return SCRIPTED_COUNSELORS[key](seed)


__all__ = [
    "DEFAULT_COUNSELORS",
    "DESCRIPTIONS",
    "MODEL_ONLY",
    "MODEL_PREFIX",
    "NEGATIVE_CONTROLS",
    "SCRIPTED_COUNSELORS",
    "TECHNIQUES",
    "TECHNIQUE_NAMES",
    "CBTCounselor",
    "CounselorFactory",
    "DirectiveCounselor",
    "Draft",
    "MICounselor",
    "MagnetCounselor",
    "PersonCentredCounselor",
    "ScriptedCounselor",
    "Technique",
    "is_model_backed",
    "make_counselor",
    "resolve_counselor",
]
