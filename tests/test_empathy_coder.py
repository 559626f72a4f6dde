"""The EPITOME empathy coder (needs the semantic extra and the shipped heads). The pairs here
are written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from theralab.coding import EmpathyCoder, EmpathyScores, empathy_coder_available
from theralab.coding.corpora import MECHANISMS, EmpathyPair, held_out, split_epitome

SEEKER = "I lost my job last month and I feel like I'm letting my whole family down."
EXPLORING = "That's a lot to carry. How are you sleeping? Have you told anyone how you feel?"
REACTING = "I'm so sorry, that sounds heartbreaking. I really feel for you."
ADVICE = "Update your CV and apply to ten places a day."


def test_epitome_split_keeps_a_seeker_post_on_one_side() -> None:
    pairs = [
        EmpathyPair(f"s{i // 3}", f"r{i}", "post", "reply", {m: ["0"] for m in MECHANISMS})
        for i in range(300)
    ]
    dev, test = split_epitome(pairs)
    assert {p.seeker_id for p in dev}.isdisjoint({p.seeker_id for p in test})
    assert 0.1 < len(test) / len(pairs) < 0.3
    assert all(p.heldout == held_out(p.seeker_id, "epitome") for p in pairs)


def test_epitome_pairs_annotated_twice_use_the_majority_then_the_lower_level() -> None:
    pair = EmpathyPair("s", "r", "post", "reply", {m: ["2", "1"] for m in MECHANISMS})
    assert pair.label("explorations") == 1
    assert pair.weighted("explorations") == [(2, 0.5), (1, 0.5)]


@pytest.fixture(scope="module")
def coder() -> EmpathyCoder:
    if not empathy_coder_available():
        pytest.skip("needs the semantic extra and the shipped empathy heads")
    return EmpathyCoder()


def test_scores_follow_the_mechanisms(coder: EmpathyCoder) -> None:
    scores = coder.score_batch([(SEEKER, EXPLORING), (SEEKER, REACTING), (SEEKER, ADVICE)])
    assert all(isinstance(s, EmpathyScores) for s in scores)
    exploring, reacting, advice = scores
    assert exploring.explorations >= 1 and advice.explorations == 0
    assert reacting.emotional_reactions >= 1 and advice.emotional_reactions == 0
    for s in scores:
        assert set(s.levels()) == set(MECHANISMS)
        assert all(level in (0, 1, 2) for level in s.levels().values())
        assert all(0 < c <= 1 for c in s.confidence)
    assert coder.score(SEEKER, EXPLORING) == exploring
    assert coder.score_batch([]) == []


def test_metadata_records_heldout_figures(coder: EmpathyCoder) -> None:
    held = coder.meta["heldout"]
    assert set(held) == set(MECHANISMS)
    assert all(held[m]["n"] > 300 for m in MECHANISMS)


@pytest.mark.shared_data
def test_shipped_heads_reproduce_the_heldout_figures(
    shared_data: Path, coder: EmpathyCoder
) -> None:
    from theralab.coding.corpora import read_epitome
    from theralab.coding.heldout import empathy_heldout

    _, test = split_epitome(read_epitome(shared_data / "epitome"))
    result = empathy_heldout(coder, test).summary()
    for m in MECHANISMS:
        expected = coder.meta["heldout"][m]["macro_f1"]
        assert result[m]["macro_f1"] == pytest.approx(expected, abs=0.01)
