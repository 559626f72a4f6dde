"""Sessions simulated side by side share the screener's encoder calls (issue 15): `run`,
`simulate` and `synth` screen every client turn through one batched screener, and the sessions
and rows are the same as when each message is screened alone, on the spot."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from theralab.dialogue import Session
from theralab.profiles import get_profile
from theralab.safety.concurrent import BatchingTier, concurrent_screener
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel
from theralab.safety.screener import PatternTier, Screener
from theralab.simulate import plan_sessions, run_sessions

PROFILES = ["work-stress-nurse-amara", "grief-postal-worker-ulla", "panic-student-imani"]


class WordTier:
    """A batch tier standing in for the semantic one: `low` (self-harm) for a message with
    "nobody" in it, `none` otherwise; it records the size of every call it gets."""

    name = "words"

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.lock = threading.Lock()

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return self.assess_batch([text])[0]

    def assess_batch(self, texts: Sequence[str]) -> list[RiskAssessment]:
        with self.lock:
            self.calls.append(len(texts))
        return [
            RiskAssessment(level=RiskLevel.LOW, categories=[RiskCategory.SELF_HARM])
            if "nobody" in t.lower()
            else RiskAssessment(level=RiskLevel.NONE)
            for t in texts
        ]


def _without_timing(session: Session) -> dict[str, Any]:
    data = session.model_dump(mode="json")
    data.pop("timing", None)
    return data


def test_a_run_screens_its_sessions_in_shared_batches_with_the_same_sessions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profiles = [get_profile(p) for p in PROFILES]
    plans = plan_sessions(["cbt", "mi", "person-centred"], profiles, seed=3, max_turns=12)

    alone = WordTier()  # passed in as it is: each message screened on the spot, alone
    expected = asyncio.run(run_sessions(plans, profiles, screener=Screener([PatternTier(), alone])))
    assert set(alone.calls) == {1}

    shared = WordTier()
    made: list[Screener] = []

    def default(roles: object = None) -> Screener:
        return Screener([PatternTier(), shared])

    def wrapped(base: Screener, threads: int = 2) -> Screener:
        made.append(concurrent_screener(base, threads))
        return made[-1]

    monkeypatch.setattr("theralab.simulate.runner.default_screener", default)
    monkeypatch.setattr("theralab.simulate.runner.concurrent_screener", wrapped)
    got = asyncio.run(run_sessions(plans, profiles))

    assert len(made) == 1 and isinstance(made[0].tiers[1], BatchingTier)  # one for the run
    assert [_without_timing(s) for s in got] == [_without_timing(s) for s in expected]
    assert sum(shared.calls) == sum(alone.calls)  # every client turn screened once
    assert max(shared.calls) > 1  # turns of several sessions went in one call
    assert len(shared.calls) < len(alone.calls)
    actions = {t.annotations.guard.action for s in got for t in s.turns if t.annotations.guard}
    assert "check_in" in actions  # the tier's `low` reached the guardrail


def test_synth_rows_are_the_same_with_the_batched_screener(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from theralab.synth.config import SynthConfig
    from theralab.synth.pipeline import make_rows

    cfg = SynthConfig(n=10, counselors=["cbt", "mi"], seed=5, max_turns=10)
    tiers: list[WordTier] = []

    def default(roles: object = None) -> Screener:
        tiers.append(WordTier())
        return Screener([PatternTier(), tiers[-1]])

    monkeypatch.setattr("theralab.synth.rows.default_screener", default)

    def rows() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        asyncio.run(make_rows(cfg, range(cfg.n), out.append, concurrency=8))
        for row in out:
            row["session"].pop("timing", None)
        return sorted(out, key=lambda r: r["index"])

    batched = rows()
    monkeypatch.setattr("theralab.synth.rows.concurrent_screener", lambda base: base)
    alone = rows()

    assert [r["index"] for r in batched] == list(range(cfg.n))
    assert batched == alone
    assert max(tiers[0].calls) > 1 and set(tiers[1].calls) == {1}
    assert sum(tiers[0].calls) == sum(tiers[1].calls)
