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
