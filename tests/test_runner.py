"""The session runner: determinism, crash isolation, journaling, stop conditions."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from theralab.agents import Reply, Utterance
from theralab.counselors import make_counselor
from theralab.dialogue import AgentSpec, Speaker, StopReason, read_sessions, session_to_json
from theralab.profiles import builtin_profiles, get_profile
from theralab.simulate import derive_seed, plan_sessions, run_sessions

from .annotation_support import flat
from .conftest import simulate

IDS = ["work-stress-nurse-amara", "panic-student-imani", "alcohol-use-plasterer-declan"]


def test_same_seed_same_bytes_and_other_seed_other_text() -> None:
    a = [session_to_json(s) for s in simulate(["cbt", "mi"], IDS, seed=11)]
    b = [session_to_json(s) for s in simulate(["cbt", "mi"], IDS, seed=11)]
    c = [session_to_json(s) for s in simulate(["cbt", "mi"], IDS, seed=12)]
    assert a == b
    assert a != c


def test_seeds_are_stable_labelled_hashes() -> None:
    assert derive_seed(1, "cbt", "x", 0) == derive_seed(1, "cbt", "x", 0)
    assert derive_seed(1, "cbt", "x", 0) != derive_seed(1, "mi", "x", 0)
    plans = plan_sessions(["cbt"], [get_profile(IDS[0])], seed=5, repeats=3)
    assert len({p.seed for p in plans}) == 3
    assert all(p.counselor_seed != p.client_seed for p in plans)
    assert [p.session_id for p in plans] == [f"cbt--{IDS[0]}--{i}" for i in range(3)]
    two = plan_sessions(["mi"], [get_profile(i) for i in IDS[:2]], seed=5, repeats=2)
    assert [p.session_id for p in two] == [
        f"mi--{IDS[0]}--0",
        f"mi--{IDS[1]}--0",
        f"mi--{IDS[0]}--1",
        f"mi--{IDS[1]}--1",
    ]


class ExplodingCounselor:
    """Raises on its third turn, to check that one failure stays in its own session."""

    def __init__(self, seed: int) -> None:
        self.turns = 0

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(name="exploding", engine="test")

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.turns += 1
        if self.turns == 3:
            raise RuntimeError("model server went away")
        return Reply("What brings you here today?")


def test_a_crash_is_recorded_in_its_session_and_the_run_goes_on(tmp_path: Path) -> None:
    profiles = [get_profile(i) for i in IDS]
    plans = plan_sessions(["cbt", "mi"], profiles, seed=1)

    def maker(name: str, seed: int):  # type: ignore[no-untyped-def]
        return ExplodingCounselor(seed) if name == "mi" else make_counselor(name, seed)

    journal = tmp_path / "journal.jsonl"
    sessions = asyncio.run(
        run_sessions(
            plans,
            profiles,
            journal=journal,
            make_counselor_agent=maker,
            concurrency=2,
            guardrail=False,
        )
    )
    assert [s.id for s in sessions] == [p.session_id for p in plans]
    crashed = [s for s in sessions if s.counselor.name == "exploding"]
    assert len(crashed) == 3
    for s in crashed:
        assert s.stop_reason is StopReason.ERROR
        assert s.outcome is not None and "model server went away" in (s.outcome.error or "")
        assert len(s.turns) == 4  # two exchanges survived before the crash
    assert all(
        s.stop_reason is StopReason.COUNSELOR_CLOSED for s in sessions if s.counselor.name == "cbt"
    )
    assert len(read_sessions(journal)) == len(plans)


def test_agent_construction_failure_is_recorded() -> None:
    profiles = [get_profile(IDS[0])]
    plans = plan_sessions(["cbt"], profiles, seed=1)

    def broken(name: str, seed: int):  # type: ignore[no-untyped-def]
        raise ImportError("optional dependency missing")

    [s] = asyncio.run(run_sessions(plans, profiles, make_counselor_agent=broken))
    assert s.stop_reason is StopReason.ERROR
    assert "optional dependency missing" in (s.outcome.error or "")  # type: ignore[union-attr]


def test_journal_grows_as_sessions_finish(tmp_path: Path) -> None:
    profiles = [get_profile(i) for i in IDS]
    plans = plan_sessions(["person_centred"], profiles, seed=2)
    journal = tmp_path / "j.jsonl"
    sizes: list[int] = []
    asyncio.run(
        run_sessions(
            plans,
            profiles,
            journal=journal,
            concurrency=1,
            on_done=lambda s: sizes.append(len(read_sessions(journal))),
        )
    )
    assert sizes == [1, 2, 3]


def test_max_turns_stops_a_session() -> None:
    [s] = simulate(["cbt"], [IDS[0]], max_turns=6)
    assert s.stop_reason is StopReason.MAX_TURNS
    assert len(s.turns) == 6
    assert [t.speaker for t in s.turns[:2]] == [Speaker.COUNSELOR, Speaker.CLIENT]


def test_directive_counselor_drives_clients_away() -> None:
    sessions = simulate(["directive", "person_centred"], IDS)
    left = {
        name: sum(
            s.stop_reason is StopReason.CLIENT_DISENGAGED
            for s in sessions
            if s.counselor.name == name
        )
        for name in ("directive", "person_centred")
    }
    assert left == {"directive": 3, "person_centred": 0}


def test_behind_the_guardrail_a_crash_gets_a_safe_reply_and_a_failed_session() -> None:
    profiles = [get_profile(IDS[0])]
    plans = plan_sessions(["mi"], profiles, seed=1)
    [s] = asyncio.run(
        run_sessions(plans, profiles, make_counselor_agent=lambda n, seed: ExplodingCounselor(seed))
    )
    assert s.stop_reason is StopReason.ERROR
    assert "model server went away" in (s.outcome.error or "")  # type: ignore[union-attr]
    last = s.turns[-1]
    assert last.speaker is Speaker.COUNSELOR
    assert "I'm an AI" in last.text and "988" not in last.text  # no locale: generic resources
    assert flat(last.annotations).get("guardrail") == "error"


def test_guardrail_is_on_by_default_and_off_only_when_asked() -> None:
    risky = next(p for p in builtin_profiles() if p.risk.level.value == "high")
    [guarded] = simulate(["mi"], [risky.id])
    assert guarded.counselor.params.get("guardrail") is True
    crisis = [t for t in guarded.turns if flat(t.annotations).get("protocol") == "crisis"]
    assert crisis, "a high-risk client's disclosure must reach the crisis protocol"
    disclosure = next(
        i
        for i, t in enumerate(guarded.turns)
        if t.annotations.state and any(d.startswith("risk:") for d in t.annotations.state.disclosed)
    )
    answer = guarded.turns[disclosure + 1]
    assert flat(answer.annotations).get("protocol") == "crisis"
    [bare] = simulate(["mi"], [risky.id], guardrail=False)
    assert "guardrail" not in bare.counselor.params
    assert not any("protocol" in flat(t.annotations) for t in bare.turns)
