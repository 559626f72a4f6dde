"""`score_sessions` prepares the next block of sessions in a worker thread while it scores
this one (issue 15), and the encoder answers cached texts without its lock, so a long batch
in that thread never holds up the scoring."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from theralab.dialogue.records import AgentSpec, Session, Speaker, Turn
from theralab.evaluate.base import PREPARE_SESSIONS, Metric, SessionScores
from theralab.evaluate.results import score_sessions
from theralab.text.encoder import DIM, Encoder, Precision


def session(n: int) -> Session:
    return Session(
        id=f"s{n:03d}",
        counselor=AgentSpec(name="c"),
        client=AgentSpec(name="k"),
        turns=[Turn(speaker=Speaker.COUNSELOR, text=f"hello {n}")],
    )


class AheadEvaluator:
    """Scores a session only if it was prepared; block 1's last session waits (a while) for
    block 2's preparation to start, which it does at once only when the two overlap."""

    name = "ahead"
    version = "1"
    metrics = (Metric(key="n", label="n"),)

    def __init__(self, fail_on: int | None = None) -> None:
        self.prepared: set[str] = set()
        self.threads: set[str] = set()
        self.lock = threading.Lock()
        self.second_block = threading.Event()
        self.overlapped = False
        self.fail_on = fail_on

    def prepare(self, sessions: Sequence[Session]) -> None:
        self.threads.add(threading.current_thread().name)
        if sessions[0].id == f"s{PREPARE_SESSIONS:03d}":  # the second block
            self.second_block.set()
        if self.fail_on is not None and any(s.id == f"s{self.fail_on:03d}" for s in sessions):
            raise RuntimeError("encoder crashed")
        with self.lock:
            self.prepared.update(s.id for s in sessions)

    def evaluate(self, s: Session) -> SessionScores:
        if s.id == f"s{PREPARE_SESSIONS - 1:03d}":  # the first block's last session
            self.overlapped = self.second_block.wait(timeout=10)
        with self.lock:
            assert s.id in self.prepared, f"{s.id} scored before it was prepared"
        return SessionScores(values={"n": float(int(s.id[1:]))})


def test_the_next_block_is_prepared_while_this_one_is_scored() -> None:
    sessions = [session(n) for n in range(2 * PREPARE_SESSIONS + 5)]
    ev = AheadEvaluator()
    results = score_sessions(sessions, [ev])
    assert [r.id for r in results] == [s.id for s in sessions]
    assert [r.metrics["n"] for r in results] == [float(n) for n in range(len(sessions))]
    assert ev.overlapped  # block 2's preparation ran while block 1 was being scored
    assert all(name.startswith("theralab-prepare") for name in ev.threads)
    assert score_sessions([], [ev]) == []


def test_a_failed_preparation_fails_the_scoring() -> None:
    sessions = [session(n) for n in range(PREPARE_SESSIONS + 3)]
    with pytest.raises(RuntimeError, match="encoder crashed"):
        score_sessions(sessions, [AheadEvaluator(fail_on=PREPARE_SESSIONS + 1)])


def test_cached_texts_come_back_while_another_thread_holds_the_encoder() -> None:
    encoder = Encoder(Precision.INT8)  # never loaded: its cache is filled by hand
    vector = np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)
    encoder._cache["seen"] = vector
    got: list[np.ndarray] = []
    with encoder._guard:  # as a long batch in another thread holds it
        reader = threading.Thread(target=lambda: got.append(encoder.encode_array(["seen"] * 2)))
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "a cached text waited for the encoder's lock"
    assert got and got[0].shape == (2, DIM) and np.array_equal(got[0][1], vector)
