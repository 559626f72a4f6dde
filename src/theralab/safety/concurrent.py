"""The screener for many conversations at once: model tiers off the event loop, and batched.

A statistical tier (sentence embeddings) computes synchronously; inside a server, or a run
that simulates sessions side by side, that would stall every other conversation while it runs.
Here each such tier gets an `assess_async` that runs it in a worker thread (at most two at
once, the cores this is sized for), which the screener awaits, and a tier that can assess a
batch is micro-batched across the conversations waiting on it (`BatchingTier`): while one batch
is encoded, the event loop goes on with the other conversations, and their messages go
together in the next batch. The tiers, their merging, their results and their failing closed
are unchanged. Used by `theralab serve`, `theralab guard`, and every simulation (`run`,
`simulate`, `synth`).
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio

from theralab.batching import MicroBatcher
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


class BatchingTier(ThreadedTier, MicroBatcher[str, RiskAssessment]):
    """A tier with `assess_batch` (the semantic tier's encoder), micro-batched across the
    concurrent conversations of this process (`MicroBatcher`): while `parallel` batches run in
    worker threads, new messages wait and go together in the next batch (up to `max_batch`). A
    lone message goes at once, so batching adds no latency when nothing else waits; under load one
    encoder call serves many messages (the semantic tier costs ~7 ms for one message and ~1.2 ms
    a message in a batch of 32 here). The tier's results are the same as one by one (it reads
    each message alone); a failed batch fails every message in it, which the screener turns
    into risk. `batches` counts the encoder calls."""

    def __init__(
        self,
        inner: ScreeningTier,
        limiter: anyio.CapacityLimiter,
        parallel: int = 2,
        max_batch: int = 32,
    ) -> None:
        ThreadedTier.__init__(self, inner, limiter)
        MicroBatcher.__init__(
            self,
            inner.assess_batch,  # type: ignore[attr-defined]
            parallel=parallel,
            max_batch=max_batch,
            limiter=limiter,
        )

    @property
    def assessed(self) -> int:
        """Messages assessed in batches."""
        return self.items

    async def assess_async(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return await self.submit(text)


def concurrent_screener(base: Screener, threads: int = 2) -> Screener:
    """The same tiers, with every slow synchronous one moved off the event loop (and
    micro-batched across concurrent conversations when it can assess a batch). Make it inside
    the event loop that will use it; a tier already asynchronous is kept as it is, so wrapping
    twice changes nothing."""
    limiter = anyio.CapacityLimiter(threads)
    tiers: list[ScreeningTier] = []
    for tier in base.tiers:
        if isinstance(tier, PatternTier) or hasattr(tier, "assess_async"):
            tiers.append(tier)
        elif callable(getattr(tier, "assess_batch", None)):
            tiers.append(BatchingTier(tier, limiter, parallel=threads))
        else:
            tiers.append(ThreadedTier(tier, limiter))
    return Screener(tiers)
