"""Reply set, batch 5 (issue 11): written by an author who does not tune the checker, measured
before any code changed for it (data/replies/README.md)."""

from __future__ import annotations

from collections import Counter

from theralab.safety.reply_check.dataset import load_reply_set


def test_batch5_is_well_formed_and_split_like_the_others() -> None:
    batch = load_reply_set(pattern="batch5_*.yaml")
    assert len(batch) >= 300 and all(e.group.startswith("b5-") for e in batch)
    assert len({e.condition for e in batch}) == 7
    groups = Counter(e.group for e in batch)
    assert set(groups.values()) == {8}
    for condition in {e.condition for e in batch}:
        mine = [e for e in batch if e.condition == condition]
        # style never predicts the label: every style writes both labels in every condition
        for style in {e.style for e in mine}:
            labels = {e.label for e in mine if e.style == style}
            assert labels == {"appropriate", "inappropriate"}, (condition, style)
    frozen = {e.group for e in batch if e.frozen}
    assert frozen and len(frozen) < len(groups)
