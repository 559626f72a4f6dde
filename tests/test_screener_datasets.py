"""The screener's labelled sets kept out of training: their scheme holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from theralab.safety.risk import RiskLevel as L

TALK = Path(__file__).resolve().parents[1] / "data" / "screener_talk"


@pytest.mark.skipif(not TALK.is_dir(), reason="the conversation set is not in this checkout")
def test_the_conversation_set_keeps_each_conversation_whole_and_in_order() -> None:
    """Ordinary conversations labelled turn by turn: each group's turns are contiguous and
    numbered in order (the bench screens them as a conversation), and a turn at risk is the
    speaker's own and named as a disclosure."""
    from theralab.safety.corpus import Owner, load_corpus

    messages = load_corpus(TALK, legacy=False)
    assert len(messages) >= 2000 and len({m.group for m in messages}) >= 150
    seen: set[str] = set()
    previous = None
    for m in messages:
        if previous is None or m.group != previous.group:
            assert m.group not in seen, f"{m.group} is split in two"
            seen.add(m.group)
        else:
            assert m.source == previous.source and m.id > previous.id, m.id
        if m.level is L.NONE:
            assert not m.categories and m.kind in ("session_talk", "chat_talk"), m.id
        else:
            assert m.owner is Owner.SELF and m.categories and m.kind == "disclosure", m.id
        previous = m
