"""The rule coder's codes are named by `RULES_REVISION`, so what was trained on them can tell.

The session quality estimator reads the MI coder's codes, and the rules stand over the trained
heads for autonomy, confrontation and warnings; a change of rules moves its features without
touching a weight file. `RULES_REVISION` is in the digest its card records
(`theralab.evaluate.quality.coder_heads_digest`), and this test records what each revision
codes on the project's own written conversations (`data/coder_chats`, `data/client_talk`): a
rules change that codes any of their sentences differently fails here until the revision is
bumped and its digest recorded — and the estimator is then refused until it is retrained
(`scripts/train_quality.py`).
"""

from __future__ import annotations

import hashlib

import pytest

from theralab.coding.rules import RULES_REVISION, RuleCoder

# What each revision codes: sha256 over every coded counselor sentence and client utterance.
RECORDED = {1: "6a3014bd1af23332a33058d92c11cea3c16647201418135f640465d1fca8caa0"}


def _conversations() -> list[list[tuple[str, str]]]:
    """Each written conversation as (speaker, text) turns, "counselor" or "client", read by
    the coder corpora's own validated readers: the MI sessions, then the support chats (a
    supporter's segments joined into one turn)."""
    from theralab.coding.corpora import chats_dir, read_chats, read_talk_sessions, talk_dir

    out = []
    if talk_dir().is_dir():
        for session in read_talk_sessions():
            out.append(
                [
                    ("client", t.client[1])
                    if t.client is not None
                    else ("counselor", t.counselor or "")
                    for t in session.turns
                ]
            )
    if chats_dir().is_dir():
        for chat in read_chats():
            out.append(
                [
                    ("client", t.seeker)
                    if t.seeker is not None
                    else ("counselor", " ".join(text for _, text in t.supporter or ()))
                    for t in chat.turns
                ]
            )
    return out


def test_each_revision_of_the_rules_codes_as_recorded() -> None:
    conversations = _conversations()
    if not conversations:
        pytest.skip("the written conversations (data/coder_chats, data/client_talk) are not here")
    coder, h, coded = RuleCoder(), hashlib.sha256(), 0
    for turns in conversations:
        client = ""
        for speaker, text in turns:
            if speaker == "client":
                h.update(f"C\0{coder.code_client(text).value}\n".encode())
                client = text
                continue
            for sentence in coder.code_counselor(text, client).sentences:
                h.update(
                    f"S\0{sentence.code.value}\0{','.join(sorted(sentence.targets))}\n".encode()
                )
                coded += 1
    assert coded > 5000  # enough sentences for a change of rules to show
    assert RULES_REVISION in RECORDED, f"record revision {RULES_REVISION}: {h.hexdigest()}"
    assert h.hexdigest() == RECORDED[RULES_REVISION], (
        "the rules code the written conversations differently: bump RULES_REVISION in "
        f"theralab/coding/rules.py, record {h.hexdigest()} for it here, and retrain the session "
        "quality estimator (.venv/bin/python scripts/train_quality.py)"
    )


def test_a_new_revision_is_a_new_digest_for_what_trained_on_the_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the quality estimator's card records moves with the revision, so its weights are
    refused on another revision's codes (`QualityModel.load`)."""
    from theralab.coding import rules
    from theralab.evaluate.quality import card, coder_heads_digest

    shipped = coder_heads_digest()
    if card().get("features", {}).get("coder_heads"):
        assert card()["features"]["coder_heads"] == shipped  # trained on this revision
    monkeypatch.setattr(rules, "RULES_REVISION", RULES_REVISION + 1)
    assert coder_heads_digest() != shipped
