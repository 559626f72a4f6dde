"""Crisis safety: the risk model, the layered screener, the guardrail and the crisis protocol."""

from theralab.safety.aggregate import PostsAssessment, screen_posts
from theralab.safety.concurrent import concurrent_screener
from theralab.safety.guardrail import GuardedCounselor, guard
from theralab.safety.output_check import OutputVerdict, check_reply
from theralab.safety.protocol import CrisisProtocol, check_in, safe_reply
from theralab.safety.resources import resources_for, supported_countries
from theralab.safety.risk import (
    CRISIS_THRESHOLD,
    RiskAssessment,
    RiskCategory,
    RiskLevel,
    Whose,
    max_level,
)
from theralab.safety.screener import (
    FAIL_CLOSED_LEVEL,
    ConversationScreener,
    PatternTier,
    Screener,
    ScreeningTier,
    default_screener,
)
from theralab.safety.semantic import Sensitivity

__all__ = [
    "CRISIS_THRESHOLD",
    "FAIL_CLOSED_LEVEL",
    "ConversationScreener",
    "CrisisProtocol",
    "GuardedCounselor",
    "OutputVerdict",
    "PatternTier",
    "PostsAssessment",
    "RiskAssessment",
    "RiskCategory",
    "RiskLevel",
    "Screener",
    "ScreeningTier",
    "Sensitivity",
    "Whose",
    "check_in",
    "check_reply",
    "concurrent_screener",
    "default_screener",
    "guard",
    "max_level",
    "resources_for",
    "safe_reply",
    "screen_posts",
    "supported_countries",
]
