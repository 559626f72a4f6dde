"""New client profiles composed from the built-in library's components.

A composed profile takes its problem content (complaint, history, situations, motivation and
the demographics those texts presuppose) from a *base* library profile, its core beliefs of
the chosen category from a *donor* profile, and its own conversational style, attitude to
counseling, stage of change, first name and age. Every choice is a pure function of the
dataset seed and the row index, so any worker on any machine composes the same profile for
the same row. Composed profiles are validated against the profile schema like any other.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence

from theralab.errors import BadValue
from theralab.profiles.model import Attitude, ClientProfile, CoreBeliefs, Stage, Style
from theralab.safety.risk import RiskLevel

# First names per gender, spread over many cultures (TheraLab's own lists).
NAMES: dict[str, tuple[str, ...]] = {
    "woman": (
        "Ada",
        "Amina",
        "Beatriz",
        "Chiara",
        "Dilnoza",
        "Efua",
        "Freya",
        "Grace",
        "Hana",
        "Ines",
        "Jia",
        "Kalani",
        "Leila",
        "Marisol",
        "Nadia",
        "Oksana",
        "Priya",
        "Rania",
        "Sakura",
        "Tamsin",
        "Uma",
        "Valeria",
        "Wanjiru",
        "Ximena",
        "Yasmin",
        "Zanele",
        "Ngaio",
        "Roisin",
    ),
    "man": (
        "Adebayo",
        "Bilal",
        "Callum",
        "Dawit",
        "Emeka",
        "Farid",
        "Gustavo",
        "Hemi",
        "Ivan",
        "Jonas",
        "Kenji",
        "Luca",
        "Mateo",
        "Nikhil",
        "Omar",
        "Pedro",
        "Quang",
        "Rafael",
        "Sione",
        "Tariq",
        "Ugo",
        "Vikram",
        "Wiremu",
        "Xavier",
        "Yusuf",
        "Zoltan",
        "Declan",
    ),
    "non-binary": ("Alex", "Ari", "Jules", "Kai", "Noor", "Quinn", "Rowan", "Sam", "Tegan"),
}


def _rng(seed: int, index: int, what: str) -> random.Random:
    return random.Random(f"{seed}/{index}/{what}")


def compose_profile(
    index: int,
    seed: int,
    pool: Sequence[ClientProfile],
    wanted: dict[str, str] | None = None,
) -> ClientProfile:
    """The profile for row `index`; `wanted` fixes quota dimensions (problem, style, …)."""
    wanted = wanted or {}
    bases = [
        p for p in pool if "problem" not in wanted or p.presenting_problem == wanted["problem"]
    ]
    if not bases:
        raise BadValue(f"no library profile has the problem {wanted['problem']!r}")
    base = _rng(seed, index, "base").choice(sorted(bases, key=lambda p: p.id))
    data = json.loads(base.model_dump_json())

    category = wanted.get("core_belief")
    if category is not None:
        donors = sorted((p for p in pool if getattr(p.core_beliefs, category)), key=lambda p: p.id)
        donor = _rng(seed, index, "donor").choice(donors)
        data["core_beliefs"] = CoreBeliefs(
            **{category: list(getattr(donor.core_beliefs, category))}
        ).model_dump()

    rng = _rng(seed, index, "facets")
    data["style"] = wanted.get("style") or rng.choice([s.value for s in Style])
    data["attitude"] = wanted.get("attitude") or rng.choice([a.value for a in Attitude])
    data["stage"] = wanted.get("stage") or rng.choice([s.value for s in Stage])
    gender = base.demographics.gender
    names = NAMES.get(gender, NAMES["non-binary"])
    name = _rng(seed, index, "name").choice([n for n in names if n != base.name] or names)
    age = base.demographics.age + _rng(seed, index, "age").randint(-3, 3)
    data["demographics"]["age"] = min(100, max(18 if base.demographics.age >= 18 else 13, age))
    data["name"] = name
    data["id"] = f"{base.id[:48].rstrip('-')}-c{index:06d}"
    text = json.dumps(data)
    text = re.sub(rf"\b{re.escape(base.name)}\b", name, text)
    return ClientProfile.model_validate_json(text)


def library_pool(with_risk: bool) -> list[ClientProfile]:
    from theralab.profiles import builtin_profiles

    return [p for p in builtin_profiles() if with_risk or p.risk.level is RiskLevel.NONE]
