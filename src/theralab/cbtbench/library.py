"""The core-belief calibration set, drawn from TheraLab's own built-in profile library.

Every core belief in a profile is a sentence filed under helpless, unlovable or worthless
(`CoreBeliefs` in `theralab.profiles.model`): that category is its gold label. Every
situation's balanced thought is a negative — a healthy restatement with no core belief.
"""

from __future__ import annotations

from dataclasses import dataclass

from theralab.cbtbench.labels import CORE_BELIEFS
from theralab.profiles import builtin_profiles


@dataclass(frozen=True)
class Example:
    profile: str
    text: str
    gold: frozenset[str]


def library_examples() -> list[Example]:
    out: list[Example] = []
    for profile in builtin_profiles():
        found: dict[str, set[str]] = {}
        for category in CORE_BELIEFS:
            for sentence in getattr(profile.core_beliefs, category):
                found.setdefault(sentence, set()).add(category)
        out += [Example(profile.id, s, frozenset(c)) for s, c in found.items()]
        out += [Example(profile.id, s.balanced_thought, frozenset()) for s in profile.situations]
    return out
