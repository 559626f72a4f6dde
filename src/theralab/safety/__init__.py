"""Crisis safety: the risk model, the layered screener, the guardrail and the crisis protocol.

The names below are imported when first used (PEP 562): screening messages does not load the
guardrail, the crisis protocol or the reply check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from theralab.lazy import lazy_names
from theralab.safety.risk import (
    CRISIS_THRESHOLD,
    RiskAssessment,
    RiskCategory,
    RiskLevel,
    Whose,
    max_level,
)

if TYPE_CHECKING:
    from theralab.safety.aggregate import PostsAssessment, screen_posts
    from theralab.safety.concurrent import concurrent_screener
    from theralab.safety.guardrail import GuardedCounselor, guard
    from theralab.safety.output_check import OutputVerdict, check_reply
    from theralab.safety.protocol import CrisisProtocol, check_in, safe_reply
    from theralab.safety.resources import resources_for, supported_countries
    from theralab.safety.screener import (
        FAIL_CLOSED_LEVEL,
        ConversationScreener,
        PatternTier,
        Screener,
        ScreeningTier,
        default_screener,
    )
    from theralab.safety.semantic import Sensitivity

# public name → the module that defines it
_LAZY = {
    "PostsAssessment": "theralab.safety.aggregate",
    "screen_posts": "theralab.safety.aggregate",
    "concurrent_screener": "theralab.safety.concurrent",
    "GuardedCounselor": "theralab.safety.guardrail",
    "guard": "theralab.safety.guardrail",
    "OutputVerdict": "theralab.safety.output_check",
    "check_reply": "theralab.safety.output_check",
    "CrisisProtocol": "theralab.safety.protocol",
    "check_in": "theralab.safety.protocol",
    "safe_reply": "theralab.safety.protocol",
    "resources_for": "theralab.safety.resources",
    "supported_countries": "theralab.safety.resources",
    "FAIL_CLOSED_LEVEL": "theralab.safety.screener",
    "ConversationScreener": "theralab.safety.screener",
    "PatternTier": "theralab.safety.screener",
    "Screener": "theralab.safety.screener",
    "ScreeningTier": "theralab.safety.screener",
    "default_screener": "theralab.safety.screener",
    "Sensitivity": "theralab.safety.semantic",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


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
