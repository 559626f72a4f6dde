"""The label sets of the CBT-Bench-style tasks, and the mapping from dataset label names to ours.

Distortions follow the ten-item list TheraLab uses everywhere (the same ten CBT-Bench's
distortion task uses); core beliefs are Beck's three categories. An empty label list means
"no distortion" / "no core belief".
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Task:
    """One benchmark task: its labels, the name of the empty answer and its prompt template."""

    name: str
    labels: tuple[str, ...]
    none_name: str
    prompt: str
    max_labels: int

    def normalise(self, label: str) -> str:
        """A user's spelling of a label → ours; ValueError naming the choices otherwise."""
        key = " ".join(label.strip().lower().replace("_", " ").split())
        key = _ALIASES.get(key, key)
        if key in self.labels:
            return key
        raise ValueError(f"unknown label {label!r}; choose from: {', '.join(self.labels)}")


DISTORTION_TASK = Task(
    name="distortions",
    labels=DISTORTIONS,
    none_name="no distortion",
    prompt="cbt_distortions",
    max_labels=3,
)
CORE_BELIEF_TASK = Task(
    name="core-beliefs",
    labels=CORE_BELIEFS,
    none_name="no core belief",
    prompt="cbt_core_beliefs",
    max_labels=3,
)
TASKS: dict[str, Task] = {t.name: t for t in (DISTORTION_TASK, CORE_BELIEF_TASK)}


def map_shreevastava(name: str) -> str | None:
    """A Shreevastava & Foltz label ("Mind Reading", "No Distortion", …) → ours or None."""
    key = name.strip().lower()
    if key not in SHREEVASTAVA_LABELS:
        raise KeyError(f"unknown distortion label in the dataset: {name!r}")
    return SHREEVASTAVA_LABELS[key]
