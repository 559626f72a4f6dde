"""Bradley–Terry and Elo ratings from pairwise verdicts."""

from __future__ import annotations

import math

import pytest

from theralab.evaluate.pairwise import bradley_terry, leaderboard, online_elo


def test_bradley_terry_recovers_the_win_odds() -> None:
    # a beats b 3 times out of 4: BT odds p_a / p_b = 3 (prior 0 so the estimate is exact)
    verdicts = [("a", "b", 1.0)] * 30 + [("a", "b", 0.0)] * 10
    r = bradley_terry(verdicts, prior=0.0)
    assert r["a"] - r["b"] == pytest.approx(400 * math.log10(3), abs=0.5)
    assert (r["a"] + r["b"]) / 2 == pytest.approx(1000, abs=1e-6)


def test_ties_count_half_and_order_of_players_does_not_matter() -> None:
    verdicts = [("a", "b", 0.5)] * 10
    r = bradley_terry(verdicts)
    assert r["a"] == pytest.approx(r["b"])
    three = [("a", "b", 1.0), ("b", "c", 1.0), ("a", "c", 1.0)] * 5
    assert bradley_terry(three, ["c", "b", "a"]) == pytest.approx(bradley_terry(three))


def test_a_player_who_always_wins_stays_finite_with_the_prior() -> None:
    r = bradley_terry([("a", "b", 1.0)] * 5)
    assert math.isfinite(r["a"]) and r["a"] > r["b"]


def test_leaderboard_orders_players_and_brackets_the_estimate() -> None:
    verdicts = (
        [("strong", "weak", 1.0)] * 12
        + [("strong", "mid", 1.0)] * 8
        + [("mid", "strong", 1.0)] * 4
        + [("mid", "weak", 1.0)] * 9
        + [("weak", "mid", 1.0)] * 3
    )
    board = leaderboard(verdicts, bootstrap=100, seed=1)
    assert [r.player for r in board] == ["strong", "mid", "weak"]
    for r in board:
        assert r.low <= r.rating <= r.high
    strong = board[0]
    assert strong.games == 24 and strong.wins == 20 and strong.losses == 4
    elo = online_elo(verdicts)
    assert elo["strong"] > elo["mid"] > elo["weak"]
