"""The label sets of the CBT-Bench-style tasks, and the mapping from dataset label names to ours.

Distortions follow the ten-item list TheraLab uses everywhere (the same ten CBT-Bench's
distortion task uses); core beliefs are Beck's three categories, and CBT-Bench's 19
fine-grained core beliefs under them. An empty label list means "no distortion" / "no core
belief".
"""

from __future__ import annotations

from dataclasses import dataclass

from theralab.errors import BadValue

DISTORTIONS: tuple[str, ...] = (
    "all-or-nothing thinking",
    "overgeneralization",
    "mental filter",
    "magnification",
    "mind reading",
    "fortune-telling",
    "emotional reasoning",
    "should statements",
    "labeling",
    "personalization",
)
CORE_BELIEFS: tuple[str, ...] = ("helpless", "unlovable", "worthless")

# CBT-Bench's fine-grained core beliefs (its CBT-FC task, after Beck's Cognitive
# Conceptualization Diagram as used by Patient-Psi): 19 labels, each under one of the three
# categories. The names are the benchmark's label names (a taxonomy, not data text).
FINE_CORE_BELIEFS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "helpless": (
        "I am incompetent",
        "I am helpless",
        "I am powerless, weak, vulnerable",
        "I am a victim",
        "I am needy",
        "I am trapped",
        "I am out of control",
        "I am a failure, loser",
        "I am defective",
    ),
    "unlovable": (
        "I am unlovable",
        "I am unattractive",
        "I am undesirable, unwanted",
        "I am bound to be rejected",
        "I am bound to be abandoned",
        "I am bound to be alone",
    ),
    "worthless": (
        "I am worthless, waste",
        "I am immoral",
        "I am bad - dangerous, toxic, evil",
        "I don't deserve to live",
    ),
}
FINE_CORE_BELIEFS: tuple[str, ...] = tuple(
    b for beliefs in FINE_CORE_BELIEFS_BY_CATEGORY.values() for b in beliefs
)
FINE_TO_CATEGORY: dict[str, str] = {
    b: c for c, beliefs in FINE_CORE_BELIEFS_BY_CATEGORY.items() for b in beliefs
}

# Shreevastava & Foltz (2021) name → ours; None = no distortion. Their "Magnification" is
# magnification/minimisation (catastrophising included), which is our "magnification".
SHREEVASTAVA_LABELS: dict[str, str | None] = {
    "all-or-nothing thinking": "all-or-nothing thinking",
    "overgeneralization": "overgeneralization",
    "mental filter": "mental filter",
    "magnification": "magnification",
    "mind reading": "mind reading",
    "fortune-telling": "fortune-telling",
    "emotional reasoning": "emotional reasoning",
    "should statements": "should statements",
    "labeling": "labeling",
    "personalization": "personalization",
    "no distortion": None,
}

# Spellings a user's gold labels may use for ours (lower-cased, spaces and hyphens folded).
_ALIASES: dict[str, str] = {
    "all or nothing thinking": "all-or-nothing thinking",
    "all or nothing": "all-or-nothing thinking",
    "black and white thinking": "all-or-nothing thinking",
    "overgeneralisation": "overgeneralization",
    "mental filtering": "mental filter",
    "magnification/minimization": "magnification",
    "magnification and minimization": "magnification",
    "magnification/minimisation": "magnification",
    "catastrophizing": "magnification",
    "fortune telling": "fortune-telling",
    "should statement": "should statements",
    "labelling": "labeling",
    "personalisation": "personalization",
}


def _fold(label: str) -> str:
    text = label.strip().rstrip(".").lower().replace("_", " ").replace("\u2019", "'")
    return " ".join(text.split())


@dataclass(frozen=True)
class Task:
    """One benchmark task: its labels, the name of the empty answer and its prompt template."""

    name: str
    labels: tuple[str, ...]
    none_name: str
    prompt: str
    max_labels: int = 3

    def normalise(self, label: str) -> str:
        """A user's spelling of a label → ours; ValueError naming the choices otherwise.
        Case, underscores, spacing, a final full stop and curly apostrophes are folded."""
        key = _fold(label)
        key = _ALIASES.get(key, key)
        for ours in self.labels:
            if _fold(ours) == key:
                return ours
        raise BadValue(f"unknown label {label!r}; choose from: {', '.join(self.labels)}")


DISTORTION_TASK = Task(
    name="distortions",
    labels=DISTORTIONS,
    none_name="no distortion",
    prompt="cbt_distortions",
)
CORE_BELIEF_TASK = Task(
    name="core-beliefs",
    labels=CORE_BELIEFS,
    none_name="no core belief",
    prompt="cbt_core_beliefs",
)
CORE_BELIEF_FINE_TASK = Task(
    name="core-beliefs-fine",
    labels=FINE_CORE_BELIEFS,
    none_name="no core belief",
    prompt="cbt_core_beliefs_fine",
)
TASKS: dict[str, Task] = {
    t.name: t for t in (DISTORTION_TASK, CORE_BELIEF_TASK, CORE_BELIEF_FINE_TASK)
}


def map_shreevastava(name: str) -> str | None:
    """A Shreevastava & Foltz label ("Mind Reading", "No Distortion", …) → ours or None."""
    key = name.strip().lower()
    if key not in SHREEVASTAVA_LABELS:
        raise KeyError(f"unknown distortion label in the dataset: {name!r}")
    return SHREEVASTAVA_LABELS[key]
