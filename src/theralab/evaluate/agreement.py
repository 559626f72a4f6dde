"""Inter-rater agreement: Krippendorff's alpha (any missing pattern) and Shrout–Fleiss ICCs.

Ratings are a matrix `units × raters` (a list of rows, one per unit); `None` marks a missing
rating. A judge's repeats and the members of a judge panel are the raters.

Krippendorff's alpha follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":
only units with two or more ratings are pairable; observed disagreement comes from the
coincidences within units, expected disagreement from all pairable values pooled.
ICCs follow Shrout & Fleiss (1979) and need a complete matrix.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Matrix = Sequence[Sequence[float | None]]


def _pairable(units: Matrix) -> list[list[float]]:
    out = []
    for row in units:
        vals = [float(v) for v in row if v is not None and not _isnan(v)]
        if len(vals) >= 2:
            out.append(vals)
    return out


def _isnan(v: float) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _distance(level: Level, counts: Counter[float]) -> Callable[[float, float], float]:
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: (c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
    # ordinal: squared sum of the marginal frequencies between the two ranks
    values = sorted(counts)
    cumulative: dict[float, float] = {}
    running = 0.0
    for v in values:
        cumulative[v] = running
        running += counts[v]

    def ordinal(c: float, k: float) -> float:
        lo, hi = min(c, k), max(c, k)
        between = cumulative[hi] + counts[hi] - cumulative[lo]
        return (between - (counts[lo] + counts[hi]) / 2) ** 2

    return ordinal


def krippendorff_alpha(units: Matrix, level: Level = "interval") -> float | None:
    """Krippendorff's alpha; None when fewer than two pairable values or no variation."""
    rows = _pairable(units)
    counts: Counter[float] = Counter(v for row in rows for v in row)
    n = sum(counts.values())
    if n < 2 or len(counts) < 2:
        return None
    delta = _distance(level, counts)
    observed = 0.0
    for row in rows:
        m = len(row)
        pair_sum = sum(delta(a, b) for i, a in enumerate(row) for j, b in enumerate(row) if i != j)
        observed += pair_sum / (m - 1)
    observed /= n
    values = list(counts)
    expected = sum(
        counts[c] * counts[k] * delta(c, k) for c in values for k in values if c != k
    ) / (n * (n - 1))
    if expected == 0:
        return None
    return 1.0 - observed / expected


@dataclass(frozen=True)
class ICC:
    """Shrout & Fleiss intraclass correlations for one complete targets × raters matrix."""

    icc1: float
    icc2: float
    icc3: float
    icc1k: float
    icc2k: float
    icc3k: float
    targets: int
    raters: int


def icc(matrix: Matrix) -> ICC | None:
    """All six Shrout–Fleiss ICCs; None unless the matrix is complete with ≥2 targets and raters."""
    rows = [list(r) for r in matrix]
    if len(rows) < 2 or any(v is None for r in rows for v in r):
        return None
    k = len(rows[0])
    if k < 2 or any(len(r) != k for r in rows):
        return None
    n = len(rows)
    x = [[float(v) for v in r] for r in rows]  # type: ignore[arg-type]
    grand = sum(map(sum, x)) / (n * k)
    row_means = [sum(r) / k for r in x]
    col_means = [sum(x[i][j] for i in range(n)) / n for j in range(k)]
    ss_total = sum((v - grand) ** 2 for r in x for v in r)
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_err = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))

    def safe(num: float, den: float) -> float:
        return num / den if den else float("nan")

    return ICC(
        icc1=safe(bms - wms, bms + (k - 1) * wms),
        icc2=safe(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3=safe(bms - ems, bms + (k - 1) * ems),
        icc1k=safe(bms - wms, bms),
        icc2k=safe(bms - ems, bms + (jms - ems) / n),
        icc3k=safe(bms - ems, bms),
        targets=n,
        raters=k,
    )


@dataclass(frozen=True)
class Agreement:
    """What is reported beside a judged score."""

    alpha: float | None  # interval (or nominal for binary items)
    alpha_ordinal: float | None
    icc2k: float | None  # average-measures, absolute agreement; complete matrices only
    units: int
    raters: int
    ratings: int

    def as_dict(self) -> dict[str, float | int | None]:
        def r(v: float | None) -> float | None:
            return None if v is None or math.isnan(v) else round(v, 4)

        return {
            "alpha": r(self.alpha),
            "alpha_ordinal": r(self.alpha_ordinal),
            "icc2k": r(self.icc2k),
            "units": self.units,
            "raters": self.raters,
            "ratings": self.ratings,
        }


def agreement(units: Matrix, binary: bool = False) -> Agreement:
    """Alpha (interval, or nominal for binary scales), ordinal alpha and ICC(2,k) when complete."""
    rows = [list(r) for r in units]
    ratings = sum(v is not None for r in rows for v in r)
    raters = max((len(r) for r in rows), default=0)
    full = icc(rows) if raters >= 2 else None
    return Agreement(
        alpha=krippendorff_alpha(rows, "nominal" if binary else "interval"),
        alpha_ordinal=None if binary else krippendorff_alpha(rows, "ordinal"),
        icc2k=full.icc2k if full else None,
        units=len(rows),
        raters=raters,
        ratings=ratings,
    )
