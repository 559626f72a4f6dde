"""A MAGneT-style multi-agent counselor (Mandal et al., 2025): a CBT plan, a technique
selector, five specialised response agents and a merger.

`MagnetCounselor` is the scripted engine (deterministic, offline). The model-backed engine,
`MagnetLLMCounselor` in `theralab.counselors.magnet.llm`, makes the same decisions with model
calls: one structured selection, one call per selected agent and one merge call per turn.
"""

from __future__ import annotations

from theralab.counselors.magnet.scripted import MagnetCounselor
from theralab.counselors.magnet.selector import (
    MAGNET_TECHNIQUES,
    TECHNIQUE_BRIEFS,
    Selection,
    select,
)

__all__ = ["MAGNET_TECHNIQUES", "TECHNIQUE_BRIEFS", "MagnetCounselor", "Selection", "select"]
