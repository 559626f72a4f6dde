"""Micro-batching of a batch-capable screener tier across concurrent requests (issue 16):
the same results as one message at a time, far fewer tier calls under load, none added when
idle, and a failed batch still fails closed."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import pytest

from tests.serve_support import needs_serve
from theralab.safety.risk import RiskAssessment, RiskLevel
from theralab.safety.screener import FAIL_CLOSED_LEVEL, PatternTier, Screener

pytestmark = needs_serve


class CountingTier:
    """A slow batch tier: `high` for texts containing "bridge", else none."""

    name = "counting"

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[int] = []
        self.fail = fail
        self.lock = threading.Lock()

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return self.assess_batch([text])[0]

    def assess_batch(self, texts: Sequence[str]) -> list[RiskAssessment]:
        with self.lock:
            self.calls.append(len(texts))
        time.sleep(0.03)
        if self.fail:
            raise RuntimeError("encoder crashed")
        return [
            RiskAssessment(level=RiskLevel.HIGH if "bridge" in t else RiskLevel.NONE) for t in texts
        ]


def test_concurrent_messages_share_batches_with_the_same_results() -> None:
    from theralab.safety.concurrent import BatchingTier, concurrent_screener

    inner = CountingTier()
    screener = concurrent_screener(Screener([PatternTier(), inner]))
    tier = screener.tiers[1]
    assert isinstance(tier, BatchingTier)
    texts = [f"message {i} about the bridge" if i % 5 == 0 else f"message {i}" for i in range(40)]
    expected = [inner.assess_batch([t])[0].level for t in texts]  # one at a time
    inner.calls.clear()

    async def run() -> list[RiskAssessment]:
        await screener.assess_async("a quiet day")  # idle: goes at once, alone
        assert inner.calls == [1]
        return list(await asyncio.gather(*(screener.assess_async(t) for t in texts)))

    results = asyncio.run(run())
    assert [r.level for r in results] == expected
    under_load = inner.calls[1:]
    assert sum(under_load) == len(texts)
    assert len(under_load) <= 6  # 40 messages in a few batches, not 40 calls
    assert tier.assessed == 41


def test_a_failed_batch_fails_every_message_closed() -> None:
    from theralab.safety.concurrent import concurrent_screener

    screener = concurrent_screener(Screener([PatternTier(), CountingTier(fail=True)]))

    async def run() -> list[RiskAssessment]:
        return list(await asyncio.gather(*(screener.assess_async(f"hi {i}") for i in range(6))))

    for result in asyncio.run(run()):
        assert result.level is FAIL_CLOSED_LEVEL
        assert any(s.startswith("tier_error:counting") for s in result.signals)


@pytest.mark.parametrize("parallel", [1, 2])
def test_batches_never_exceed_the_limit(parallel: int) -> None:
    import anyio

    from theralab.safety.concurrent import BatchingTier

    inner = CountingTier()
    tier = BatchingTier(inner, anyio.CapacityLimiter(parallel), parallel=parallel, max_batch=8)

    async def run() -> None:
        await asyncio.gather(*(tier.assess_async(f"m{i}") for i in range(50)))

    asyncio.run(run())
    assert sum(inner.calls) == 50 and max(inner.calls) <= 8
