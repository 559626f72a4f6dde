"""Client profiles: the cognitive model, the built-in library, loading and sampling."""

from theralab.profiles.library import (
    builtin_profiles,
    get_profile,
    load_profile,
    load_profiles,
    parse_profile,
    sample_panel,
)
from theralab.profiles.model import (
    Attitude,
    ClientProfile,
    CoreBeliefs,
    Demographics,
    Emotion,
    Motivation,
    RiskLevel,
    RiskProfile,
    Situation,
    Stage,
    Style,
)

__all__ = [
    "Attitude",
    "ClientProfile",
    "CoreBeliefs",
    "Demographics",
    "Emotion",
    "Motivation",
    "RiskLevel",
    "RiskProfile",
    "Situation",
    "Stage",
    "Style",
    "builtin_profiles",
    "get_profile",
    "load_profile",
    "load_profiles",
    "parse_profile",
    "sample_panel",
]
