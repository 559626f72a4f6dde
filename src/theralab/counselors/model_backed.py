"""Model-backed counselors by modality name: the one place that picks the class."""

from __future__ import annotations

from typing import Any

from theralab.counselors.llm import MULTI_AGENT, LLMCounselor
from theralab.counselors.magnet.llm import MagnetLLMCounselor

_CLASSES: dict[str, type[LLMCounselor]] = {"magnet": MagnetLLMCounselor}
assert set(_CLASSES) == MULTI_AGENT


def llm_counselor(modality: str, *args: Any, **kwargs: Any) -> LLMCounselor:
    """The model-backed counselor for `modality` (arguments as `LLMCounselor`'s): the
    multi-agent MAGneT counselor for "magnet", the single-agent one otherwise."""
    return _CLASSES.get(modality, LLMCounselor)(modality, *args, **kwargs)
