"""The data card's dialogue embeddings made in the background (`synth.warm`, issue 15): only
the dialogues the card may keep, at the lowest priority, on an encoder of its own, and a card
that is the same whatever the thread got done."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from theralab.synth import card as card_module
from theralab.synth.card import diversity, spread_text
from theralab.synth.config import SynthConfig
from theralab.synth.warm import SpreadWarmer, spread_warmer


class FakeEncoder:
    """Unit vectors from a hash of the text; records the threads' nice values."""

    made: ClassVar[list[FakeEncoder]] = []

    def __init__(self, *args: object) -> None:
        self.texts: list[str] = []
        self.nice: list[int] = []
        FakeEncoder.made.append(self)

    @classmethod
    def get(cls, *args: object) -> FakeEncoder:
        return cls()

    def encode_array(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        if sys.platform == "linux":
            self.nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        rows = []
        for t in texts:
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:4], "little")
            v = np.random.default_rng(seed).normal(size=8).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows) if rows else np.zeros((0, 8), dtype=np.float32)


@pytest.fixture
def fake_encoder(monkeypatch: pytest.MonkeyPatch) -> type[FakeEncoder]:
    FakeEncoder.made = []
    monkeypatch.setattr("theralab.text.encoder.Encoder", FakeEncoder)
    monkeypatch.setattr(card_module, "spread_enabled", lambda: True)
    return FakeEncoder


def row(i: int, *, status: str = "ok", at_risk: bool = False, broken: bool = False) -> dict:
    turns = [
        {"speaker": "counselor", "text": f"Counselor opening number {i}."},
        {"speaker": "client", "text": f"Client answer number {i}."},
        {"speaker": "counselor", "text": f"Counselor reflection number {i}."},
        {"speaker": "client", "text": f"Client goes on, number {i}."},
    ]
    if broken:
        turns = turns[:2]  # too short to keep
    session = {
        "id": f"s{i}",
        "counselor": {"name": "cbt", "engine": "scripted"},
        "client": {"name": "client", "engine": "scripted"},
        "profile_id": "p",
        "turns": turns,
    }
    return {"index": i, "status": status, "screen": {"at_risk": at_risk}, "session": session}


def counselor_side(r: dict[str, Any]) -> str:
    return spread_text([t["text"] for t in r["session"]["turns"] if t["speaker"] == "counselor"])


def test_the_warmer_embeds_only_dialogues_the_card_may_keep_at_the_lowest_priority(
    fake_encoder: type[FakeEncoder],
) -> None:
    rows = [
        row(0),
        row(1, at_risk=True),
        row(2, status="failed"),
        row(3, broken=True),
        row(4),
    ]
    warmer = SpreadWarmer()
    for r in rows:
        warmer.offer(r)
    deadline = time.monotonic() + 30
    while len(warmer.vectors) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # `finish` stops after the text in hand: let it get through the queue
    vectors = warmer.finish()
    assert set(vectors) == {counselor_side(rows[0]), counselor_side(rows[4])}
    [own] = fake_encoder.made  # an encoder of its own, made in the thread
    if sys.platform == "linux":
        assert own.nice and set(own.nice) == {19}
    assert warmer.finish() is vectors  # stopping twice is harmless


def test_the_card_is_the_same_whatever_the_warmer_got_done(
    fake_encoder: type[FakeEncoder],
) -> None:
    sample = [[f"Counselor says thing {i}.", f"And then {i * 7}."] for i in range(12)]
    alone = diversity(sample)["embedding_spread"]
    assert isinstance(alone, float)
    texts = [spread_text(t) for t in sample]
    full = dict(zip(texts, FakeEncoder().encode_array(texts), strict=True))
    for known in ({}, dict(list(full.items())[:5]), full):
        FakeEncoder.made = []
        assert diversity(sample, known)["embedding_spread"] == alone
        asked = [t for e in FakeEncoder.made for t in e.texts]
        assert sorted(asked) == sorted(t for t in texts if t not in known)


def test_a_warmer_only_when_every_kept_row_can_be_in_the_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("theralab.synth.warm.spread_enabled", lambda: True)
    assert spread_warmer(SynthConfig(n=card_module.SAMPLE + 1, counselors=["cbt"])) is None
    warmer = spread_warmer(SynthConfig(n=60, counselors=["cbt"]))
    assert isinstance(warmer, SpreadWarmer)
    warmer.finish()
    monkeypatch.setattr("theralab.synth.warm.spread_enabled", lambda: False)
    assert spread_warmer(SynthConfig(n=60, counselors=["cbt"])) is None


def test_synthesis_hands_the_card_what_the_warmer_embedded(
    fake_encoder: type[FakeEncoder], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """End to end with the scripted engine: the card gets the warmer's vectors, asks the
    encoder only for the rest, and writes the same card as without a warmer."""
    from theralab.synth import pipeline
    from theralab.synth.pipeline import LocalExecutor, synthesize

    monkeypatch.setattr("theralab.synth.warm.spread_enabled", lambda: True)
    config = SynthConfig(n=6, counselors=["cbt", "mi"], seed=2, max_turns=8)
    warmed = synthesize(config, tmp_path / "a", LocalExecutor())
    monkeypatch.setattr(pipeline, "spread_warmer", lambda config: None)
    plain = synthesize(config, tmp_path / "b", LocalExecutor())
    assert isinstance(warmed.card["diversity"]["embedding_spread"], float)
    assert warmed.card == plain.card
    assert (tmp_path / "a" / "datacard.json").read_bytes() == (
        tmp_path / "b" / "datacard.json"
    ).read_bytes()


def simulated(n: int = 3) -> list[Any]:
    """Scripted sessions as a synth run makes them (index → session), before scoring."""
    import asyncio

    from theralab.synth.rows import RowMaker

    maker = RowMaker(SynthConfig(n=n, counselors=["cbt", "mi"], seed=4, max_turns=8))
    return [asyncio.run(maker.simulate(i))[1] for i in range(n)]


def test_the_warmer_embeds_a_session_it_is_offered_as_the_card_reads_its_row(
    fake_encoder: type[FakeEncoder],
) -> None:
    """A session offered as it ends is embedded under the text the card reads from the row
    it becomes; one ended in error, at risk or dropped by the structural gate is not, and the
    written row does not make it embed the same dialogue twice."""
    import json

    from theralab.dialogue.records import StopReason
    from theralab.dialogue.transcripts import session_to_json
    from theralab.safety.risk import RiskLevel

    kept, errored, risky = simulated(3)
    errored = errored.model_copy(update={"stop_reason": StopReason.ERROR})
    turns = [t.model_copy(deep=True) for t in risky.turns]
    counselor_turn = next(t for t in turns if t.speaker.value == "counselor")
    counselor_turn.annotations.risk = RiskLevel.HIGH
    risky = risky.model_copy(update={"turns": turns})
    short = kept.model_copy(update={"turns": kept.turns[:2]})
    as_row = {
        "status": "ok",
        "screen": {"at_risk": False},
        "session": json.loads(session_to_json(kept)),
    }
    warmer = SpreadWarmer()
    for session in (errored, risky, short, kept):
        warmer.offer_session(session)
    warmer.offer(as_row)
    deadline = time.monotonic() + 30
    while not warmer.vectors and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the row offered after it: read, and found embedded already
    vectors = warmer.finish()
    assert list(vectors) == [counselor_side(as_row)]
    [own] = fake_encoder.made
    assert own.texts == [counselor_side(as_row)]


def test_the_local_executor_tells_of_each_session_before_its_row_is_written() -> None:
    """`on_session` hears of a session before its shard is scored and its row written (the
    warmer starts on it then), once per simulated session."""
    from theralab.synth.pipeline import LocalExecutor

    config = SynthConfig(n=5, counselors=["cbt"], seed=3, max_turns=6)
    heard: list[str] = []
    written: list[tuple[str, bool]] = []

    def on_row(row: dict[str, Any]) -> None:
        written.append((row["session"]["id"], row["session"]["id"] in heard))

    LocalExecutor().run(config, list(range(5)), on_row, on_session=lambda s: heard.append(s.id))
    assert len(written) == 5 and sorted(heard) == sorted(sid for sid, _ in written)
    assert all(before for _, before in written)
