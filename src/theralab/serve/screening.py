"""The guardrail's screener as the server runs it: model tiers off the event loop.

A statistical tier (sentence embeddings) computes synchronously; inside a server that would
stall every other request while it runs. Here each such tier gets an `assess_async` that runs
it in a worker thread (at most two at once, the cores this is sized for), which the screener
awaits. The tiers, their merging and their failing closed are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio

from theralab.safety.risk import RiskAssessment
from theralab.safety.screener import PatternTier, Screener, ScreeningTier


class ThreadedTier:
    """A synchronous tier whose `assess_async` runs in a worker thread."""

    def __init__(self, inner: ScreeningTier, limiter: anyio.CapacityLimiter) -> None:
        self.inner = inner
        self.name = inner.name
        self.limiter = limiter

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return self.inner.assess(text, context)

    async def assess_async(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return await anyio.to_thread.run_sync(
            self.inner.assess, text, tuple(context), limiter=self.limiter
        )


def serving_screener(base: Screener, threads: int = 2) -> Screener:
    """The same tiers, with every slow synchronous one moved off the event loop."""
    limiter = anyio.CapacityLimiter(threads)
    tiers: list[ScreeningTier] = []
    for tier in base.tiers:
        fast = isinstance(tier, PatternTier) or hasattr(tier, "assess_async")
        tiers.append(tier if fast else ThreadedTier(tier, limiter))
    return Screener(tiers)
