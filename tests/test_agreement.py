"""Agreement statistics against published worked examples with known values."""

from __future__ import annotations

import math

import pytest

from theralab.evaluate.agreement import agreement, icc, krippendorff_alpha

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 observers × 12 units
# example with missing values; published alphas: nominal .743, ordinal .815, interval .849,
# ratio .797.
OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
UNITS = [list(u) for u in zip(*OBSERVERS, strict=True)]

# Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges; published ICC(1,1) .17, ICC(2,1) .29,
# ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_matches_published_example(level: str, expected: float) -> None:
    assert krippendorff_alpha(UNITS, level) == pytest.approx(expected, abs=5e-4)  # type: ignore[arg-type]


def test_alpha_is_one_for_perfect_agreement_and_negative_for_systematic_disagreement() -> None:
    assert krippendorff_alpha([[1, 1], [2, 2], [3, 3]]) == pytest.approx(1.0)
    assert krippendorff_alpha([[1, 3], [3, 1], [1, 3], [3, 1]]) < 0  # type: ignore[operator]


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    assert krippendorff_alpha([[2, 2], [2, 2]]) is None
    assert krippendorff_alpha([[1, None], [None, 3]]) is None  # no unit has two ratings


def test_icc_matches_shrout_fleiss() -> None:
    r = icc(SHROUT_FLEISS)
    assert r is not None
    got = [r.icc1, r.icc2, r.icc3, r.icc1k, r.icc2k, r.icc3k]
    for value, expected in zip(got, [0.17, 0.29, 0.71, 0.44, 0.62, 0.91], strict=True):
        assert value == pytest.approx(expected, abs=0.006)


def test_icc_needs_a_complete_matrix() -> None:
    assert icc([[1, 2], [3, None]]) is None
    assert icc([[1, 2]]) is None


def test_agreement_summary_uses_nominal_alpha_for_binary_items() -> None:
    binary = [[1, 1], [0, 0], [1, 0], [0, 0], [1, 1]]
    a = agreement(binary, binary=True)
    assert a.alpha == pytest.approx(krippendorff_alpha(binary, "nominal"))
    assert a.alpha_ordinal is None
    assert a.units == 5 and a.raters == 2 and a.ratings == 10
    d = agreement(SHROUT_FLEISS).as_dict()
    assert d["icc2k"] == pytest.approx(0.62, abs=0.006)
    assert not math.isnan(d["alpha"])  # type: ignore[arg-type]
