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


PAIRS = TALK.with_name("screener_pairs")


@pytest.mark.skipif(not PAIRS.is_dir(), reason="the twin set is not in this checkout")
def test_the_twin_set_holds_one_distress_and_one_risk_twin_per_group() -> None:
    """Minimal pairs: each group is one person's two messages about one situation, one with
    distress and no risk (`none`), one with the speaker's own risk added; the distress twin
    never uses the words the risk twin may add."""
    import re

    from theralab.safety.corpus import Owner, load_corpus

    messages = load_corpus(PAIRS, legacy=False)
    groups: dict[str, list] = {}
    for m in messages:
        groups.setdefault(m.group, []).append(m)
    assert len(groups) >= 300
    death_words = re.compile(r"\b(?:suicid\w*|kill\w*|die|dying|end it)\b", re.IGNORECASE)
    for group, pair in groups.items():
        assert len(pair) == 2, group
        calm = [m for m in pair if m.kind == "distress_twin"]
        risk = [m for m in pair if m.kind == "risk_twin"]
        assert len(calm) == len(risk) == 1, group
        assert calm[0].level is L.NONE and not calm[0].categories, group
        assert calm[0].owner is Owner.NONE and not death_words.search(calm[0].text), group
        assert risk[0].level is not L.NONE and risk[0].owner is Owner.SELF, group
        assert risk[0].categories and calm[0].style == risk[0].style, group


SHORT = TALK.with_name("screener_short")


@pytest.mark.skipif(not SHORT.is_dir(), reason="the short-line set is not in this checkout")
def test_the_short_line_set_is_short_and_labelled_by_kind() -> None:
    """Chat lines of one to ten words: ordinary and dark-sounding lines carry no risk and no
    category; a risk line is the speaker's own, with a category."""
    from theralab.safety.corpus import Owner, load_corpus

    messages = load_corpus(SHORT, legacy=False)
    assert len(messages) >= 500
    for m in messages:
        assert 1 <= len(m.text.split()) <= 10, m.id
        if m.kind in ("short_ordinary", "short_hard"):
            assert m.level is L.NONE and not m.categories and m.owner is Owner.NONE, m.id
        else:
            assert m.kind == "short_risk", m.id
            assert m.level is not L.NONE and m.categories and m.owner is Owner.SELF, m.id
