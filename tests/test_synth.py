"""Dataset synthesis: quotas, composed profiles, resumable rows, gates, routing, dedup, card."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from theralab.errors import InputError
from theralab.profiles.model import ClientProfile
from theralab.synth import LocalExecutor, SynthConfig, compose_profile, synthesize
from theralab.synth.compose import library_pool
from theralab.synth.dedup import MinHasher, NearDuplicateIndex, jaccard
from theralab.synth.filters import Filter
from theralab.synth.pipeline import OnRow, OnSession, make_rows, scan_rows
from theralab.synth.quotas import Quota, QuotaPlan


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_even_quotas_are_exact_per_block_and_independent_of_n() -> None:
    plan = QuotaPlan((Quota.parse("attitude=even"), Quota.parse("stage=even")), ("a", "b"), seed=3)
    first = [plan.values(i) for i in range(30)]
    assert Counter(v["attitude"] for v in first) == {"positive": 10, "neutral": 10, "negative": 10}
    assert Counter(v["stage"] for v in first[:9]) == {
        "precontemplation": 3,
        "contemplation": 3,
        "preparation": 3,
    }
    assert [plan.values(i) for i in range(30)] == first  # pure function of the index


def test_weighted_quotas_follow_their_weights() -> None:
    plan = QuotaPlan((Quota.parse("attitude=negative:0.5,neutral:0.3,positive:0.2"),), (), 1)
    counts = Counter(plan.values(i)["attitude"] for i in range(600))
    assert counts == {"negative": 300, "neutral": 180, "positive": 120}


@pytest.mark.parametrize("bad", ["attitude", "colour=even", "style=plain:x", "stage=later:1"])
def test_bad_quotas_are_clear_errors(bad: str) -> None:
    with pytest.raises(ValueError):
        QuotaPlan((Quota.parse(bad),), (), 0)


def test_composed_profiles_are_valid_deterministic_and_honour_quotas() -> None:
    pool = library_pool(with_risk=False)
    wanted = {"problem": "low_mood", "core_belief": "unlovable", "style": "reserved"}
    a = compose_profile(5, 9, pool, wanted)
    assert a == compose_profile(5, 9, pool, wanted)
    assert isinstance(a, ClientProfile)
    assert a.presenting_problem == "low_mood" and a.style.value == "reserved"
    assert a.core_beliefs.categories() == ["unlovable"]
    base = next(p for p in pool if a.id.startswith(p.id))
    assert a.name != base.name and base.name not in a.model_dump_json()
    ids = {compose_profile(i, 9, pool).id for i in range(50)}
    assert len(ids) == 50


def test_filters_parse_and_test_values() -> None:
    f = Filter.parse("min_turns>=16")
    assert f.field == "turns" and f.passes({"turns": 16}) and not f.passes({"turns": 15})
    assert Filter.parse("ctrs.mean > 3.5").passes({"ctrs.mean": 4.0})
    assert Filter.parse("r_q>=1").passes({}) is None
    with pytest.raises(ValueError, match="FIELD OP NUMBER"):
        Filter.parse("turns is big")


def test_minhash_finds_near_duplicates_not_different_texts() -> None:
    m = MinHasher()
    base = " ".join(f"word{i}" for i in range(200))
    near = base.replace("word50 ", "changed ")
    other = " ".join(f"other{i}" for i in range(200))
    assert jaccard(m.signature(base), m.signature(near)) > 0.9
    assert jaccard(m.signature(base), m.signature(other)) < 0.1
    index = NearDuplicateIndex(threshold=0.8)
    assert index.add("a", m.signature(base)) is None
    assert index.add("b", m.signature(near)) == "a"
    assert index.add("c", m.signature(other)) is None


def config(**kw: Any) -> SynthConfig:
    base: dict[str, Any] = {"n": 12, "counselors": ["cbt", "mi"], "seed": 4, "max_turns": 12}
    return SynthConfig(**(base | kw))


def test_synthesis_writes_rows_dataset_card_and_is_deterministic(tmp_path: Path) -> None:
    cfg = config(quotas=["attitude=even"], filters=["turns>=12"])
    result = synthesize(cfg, tmp_path / "a", LocalExecutor(concurrency=4))
    assert result.made == 12 and result.failed == 0
    data = rows(tmp_path / "a" / "dataset.jsonl")
    assert [r["index"] for r in data] == sorted(r["index"] for r in data)
    card = json.loads((tmp_path / "a" / "datacard.json").read_text())
    assert card["kept"] + card["at_risk_split"] + sum(card["dropped"].values()) == 12
    assert card["distributions"]["attitude"] == {"negative": 4, "neutral": 4, "positive": 4}
    assert card["distributions"]["counselor"] == {"cbt": 6, "mi": 6}
    assert "distinct_2" in card["diversity"] and "r_q" in card["scores"]
    assert (tmp_path / "a" / "DATACARD.md").read_text().startswith("# Data card")
    # another executor concurrency, same rows
    synthesize(cfg, tmp_path / "b", LocalExecutor(concurrency=1))
    key = lambda p: [(r["id"], r["session"]["turns"]) for r in rows(p / "dataset.jsonl")]  # noqa: E731
    assert key(tmp_path / "a") == key(tmp_path / "b")


class Killed(Exception):
    """Stands in for SIGKILL: the process stops with rows in flight."""


class CrashingExecutor:
    """Makes rows but dies (like a kill) after `after` of them have been written."""

    def __init__(self, after: int) -> None:
        self.after = after

    def run(
        self,
        config: SynthConfig,
        indices: list[int],
        on_row: OnRow,
        *,
        on_session: OnSession | None = None,
    ) -> None:
        seen = 0

        def counting(row: dict[str, Any]) -> None:
            nonlocal seen
            on_row(row)
            seen += 1
            if seen >= self.after:
                raise Killed

        asyncio.run(make_rows(config, indices, counting, concurrency=3, on_session=on_session))


def test_killed_midway_and_rerun_gives_no_duplicates_and_no_loss(tmp_path: Path) -> None:
    cfg = config(n=10)
    folder = tmp_path / "ds"
    with pytest.raises(Killed):
        synthesize(cfg, folder, CrashingExecutor(after=4))
    kept = len(scan_rows(folder / "rows.jsonl"))
    assert 4 <= kept < 10  # the rows that finished before the kill (others were in flight)
    with (folder / "rows.jsonl").open("a") as fh:
        fh.write('{"index": 9, "status": "ok", "sess')  # a torn last line is ignored
    resumed = synthesize(cfg, folder, LocalExecutor(concurrency=3))
    assert resumed.made == 10 - kept  # only the missing rows were made
    ids = [r["id"] for r in rows(folder / "dataset.jsonl")]
    assert len(ids) == len(set(ids)) == 10
    reference = tmp_path / "ref"
    synthesize(cfg, reference, LocalExecutor())
    assert rows(reference / "dataset.jsonl") == rows(folder / "dataset.jsonl")


def test_failed_rows_are_kept_with_their_error_and_redone(tmp_path: Path) -> None:
    cfg = config(n=4, counselors=["llm:cbt"])  # model-backed but no counselor model bound
    folder = tmp_path / "ds"
    first = synthesize(cfg, folder, LocalExecutor())
    assert first.failed == 4
    failed = rows(folder / "rows.jsonl")
    assert all(r["status"] == "failed" and r["error"] for r in failed)
    card = json.loads((folder / "datacard.json").read_text())
    assert card["dropped"] == {"failed (simulate)": 4}
    again = synthesize(cfg, folder, LocalExecutor())
    assert again.made == 4  # failed rows are redone on a rerun


def test_at_risk_conversations_go_to_their_own_split(tmp_path: Path) -> None:
    cfg = config(
        n=8,
        with_risk=True,
        profiles="library",
        quotas=["problem=financial_stress:1"],  # one calm and one at-risk library client
        counselors=["person_centred"],
        max_turns=24,
    )
    synthesize(cfg, tmp_path, LocalExecutor())
    at_risk = rows(tmp_path / "at_risk.jsonl")
    kept = rows(tmp_path / "dataset.jsonl")
    assert at_risk, "the library's at-risk clients disclose risk"
    assert all(r["screen"]["at_risk"] for r in at_risk)
    assert not any(r["screen"]["at_risk"] for r in kept)
    assert {r["id"] for r in at_risk}.isdisjoint({r["id"] for r in kept})


def test_near_duplicates_are_dropped_within_and_against_a_reference(tmp_path: Path) -> None:
    cfg = config(n=6)
    synthesize(cfg, tmp_path / "ref", LocalExecutor())
    ref = tmp_path / "ref" / "dataset.jsonl"
    # the same rows again, with the first dataset as the reference: all are duplicates
    again = config(n=6, reference=str(ref))
    synthesize(again, tmp_path / "dup", LocalExecutor())
    card = json.loads((tmp_path / "dup" / "datacard.json").read_text())
    assert card["dropped"] == {"near-duplicate (reference)": 6}
    assert card["dedup"]["reference_rows"] == 6


def test_a_folder_with_another_configuration_is_refused(tmp_path: Path) -> None:
    synthesize(config(n=2), tmp_path, LocalExecutor())
    with pytest.raises(InputError, match="another configuration"):
        synthesize(config(n=2, seed=99), tmp_path, LocalExecutor())
    more = synthesize(config(n=4), tmp_path, LocalExecutor())  # a bigger n extends it
    assert more.made == 2
