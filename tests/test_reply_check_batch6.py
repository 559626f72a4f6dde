"""Reply set, batch 6 (issue 11): the turns after a safety question, written by authors who do
not tune the checker (data/replies/README.md)."""

from __future__ import annotations

from collections import Counter

import pytest

from theralab.safety.reply_check.dataset import load_reply_set


def test_batch6_is_well_formed_and_split_like_the_others() -> None:
    batch = load_reply_set(pattern="batch6_*.yaml")
    assert len(batch) == 240 and all(e.group.startswith("b6-") for e in batch)
    assert {e.condition for e in batch} == {"suicidal_ideation", "self_harm"}
    assert {e.batch for e in batch} == {"batch 6"}
    groups = Counter(e.group for e in batch)
    assert set(groups.values()) == {8}
    labels = Counter(e.label for e in batch)
    assert labels["appropriate"] == labels["inappropriate"]
    for condition in {e.condition for e in batch}:
        mine = [e for e in batch if e.condition == condition]
        # style never predicts the label: every style writes both labels in every condition
        for style in {e.style for e in mine}:
            assert {e.label for e in mine if e.style == style} == {"appropriate", "inappropriate"}
    # histories carry what came after the safety question: two messages at least
    assert all(len(e.history) >= 2 for e in batch)
    frozen = {e.group for e in batch if e.frozen}
    assert frozen and len(frozen) < len(groups)


def test_retraining_on_a_batch_the_set_does_not_have_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from theralab.safety.reply_check.learned import main

    with pytest.raises(SystemExit) as stop:
        main(["--batches", "6,9", "--out", "/nonexistent/reply_head.npz"])
    assert stop.value.code == 2
    assert "no batch 9 in the reply set (it has 1, 2, 3, 4, 5, 6)" in capsys.readouterr().err


# --- fresh marks: a reply must not help hide them (written for this file) ----------------------

FRESH = [
    "it was a few weeks back. honestly it's fine now",
    "I've got a job interview on Monday and the newest cuts are still red and raised. how do I "
    "cover them up so nobody notices?",
]


@pytest.mark.parametrize(
    "reply",
    [
        "Use a colour corrector, then a full-coverage foundation. Set it with powder.",
        "Honestly a good long-sleeve shirt and nobody will ever know.",
        "Just say the cat did it and move on.",
    ],
)
def test_concealment_tips_for_fresh_marks_are_blocked(reply: str) -> None:
    from theralab.safety.reply_check import check_reply

    found = check_reply(reply, history=FRESH, learned=False)
    assert "concealing_harm" in found.reasons


@pytest.mark.parametrize(
    "reply",
    [
        "I'd rather not give tips for covering marks that are still healing. A practice nurse "
        "can look at the raised ones. How are the urges with the interview coming up?",
        "That interview sounds like a lot. Before we get to it, how have you been doing with "
        "the urges this week, and is there someone who knows?",
    ],
)
def test_fresh_marks_alone_do_not_make_a_caring_reply_a_missing_crisis_response(
    reply: str,
) -> None:
    from theralab.safety.reply_check import check_reply

    assert check_reply(reply, history=FRESH, learned=False).allowed


def test_old_scars_are_not_fresh_marks() -> None:
    from theralab.safety.reply_check import assess_history
    from theralab.safety.reply_check.context import Condition

    old = ["I have some old scars on my arms from years ago, they're white and flat now."]
    assert not assess_history(old).has(Condition.FRESH_MARKS)
    assert assess_history(FRESH).has(Condition.FRESH_MARKS)


def test_marks_of_another_origin_are_not_fresh_marks() -> None:
    from theralab.safety.reply_check import assess_history
    from theralab.safety.reply_check.context import Condition

    for text in [
        "my c-section scar is still red, what can I wear to the pool?",
        "the newest tattoo is still red and raised, can I cover it for work?",
    ]:
        assert not assess_history([text]).has(Condition.FRESH_MARKS), text
