"""Per-key token-bucket rate limits and the request size limit."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """`capacity` requests at once, refilled at `rate` requests a second."""

    capacity: float
    rate: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def take(self, now: float | None = None) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass
class RateLimiter:
    """One bucket per key; a key's own rate (set with `keys create --rate`) wins."""

    rate_per_minute: int
    burst: int
    buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def check(self, key_id: str, rate_per_minute: int | None = None) -> int:
        """0 when the request may go ahead, else whole seconds to wait (for Retry-After)."""
        bucket = self.buckets.get(key_id)
        per_minute = rate_per_minute or self.rate_per_minute
        if bucket is None:
            capacity = max(self.burst, per_minute // 60) if rate_per_minute else self.burst
            bucket = TokenBucket(capacity=float(capacity), rate=per_minute / 60.0)
            self.buckets[key_id] = bucket
        wait = bucket.take()
        return 0 if wait == 0.0 else max(1, math.ceil(wait))
