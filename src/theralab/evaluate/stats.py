"""Summary statistics with uncertainty: mean and a seeded percentile-bootstrap interval."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """A mean over sessions with its 95% interval; `unscored` counts sessions without a value."""

    mean: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    unscored: int = 0

    def as_dict(self) -> dict[str, float | int | None]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "mean": r(self.mean),
            "ci_low": r(self.ci_low),
            "ci_high": r(self.ci_high),
            "n": self.n,
            "unscored": self.unscored,
        }


def bootstrap_mean(
    values: Sequence[float | None],
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Estimate:
    """Mean of the scored values and a percentile bootstrap interval (deterministic by seed).

    With one value there is no interval (None: one session cannot say how far the mean
    could move, and a zero-width interval would read as certainty); with none, everything
    is None. When every value is the same the percentile interval has zero width: reports
    show it as "all n equal", not as an interval.
    """
    scored = [float(v) for v in values if v is not None and not math.isnan(v)]
    unscored = len(values) - len(scored)
    n = len(scored)
    if n == 0:
        return Estimate(None, None, None, 0, unscored)
    mean = sum(scored) / n
    if n == 1:
        return Estimate(mean, None, None, n, unscored)
    if min(scored) == max(scored):
        return Estimate(mean, mean, mean, n, unscored)
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(scored, k=n)) / n for _ in range(resamples))
    alpha = (1 - confidence) / 2
    lo = means[int(alpha * resamples)]
    hi = means[min(resamples - 1, int((1 - alpha) * resamples))]
    return Estimate(mean, lo, hi, n, unscored)


Z95 = 1.959963984540054  # the two-sided 95% normal quantile


def wilson(count: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of the proportion count/n, as fractions (None when n is 0):
    sound at 0% and 100% and with few observations, where the normal interval is not."""
    if n <= 0:
        return None
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
