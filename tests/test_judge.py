"""The LLM-judge protocol: one bounded call per item, unscored answers counted, repeats as
raters with agreement, reverse scoring, before/after phases, cache keyed by rubric version."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from theralab.evaluate.judge import item_schema, judge_sessions, transcript_view
from theralab.evaluate.results import evaluate_sessions
from theralab.model.cache import ResponseCache
from theralab.model.model import Model
from theralab.model.providers.mock import MockModel
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.rubrics import get_rubric, parse_rubric

from .conftest import simulate


def _item(messages: Sequence[ChatMessage]) -> str:
    m = re.search(r"^Item: (.+)$", messages[1].content, re.M)
    assert m, "the prompt names the item"
    return m.group(1)


def responder(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
    """A fake judge: fixed answers per item, varying with the seed for one item, garbage for
    one item and a refusal for another."""
    item = _item(messages)
    if item == "Feedback":
        return "no json here"
    if item == "Homework":
        return "I can't rate this conversation."
    score: int | str = 4
    if item == "Agenda":
        score = 3 + (config.seed or 0) % 2  # raters disagree by one point
    if item == "doubt about the work":
        score = 2  # reverse-scored on 1–7: scored 6
    if item == "interested":
        score = 2 if "START of the session" in messages[1].content else 4
    allowed = re.search(r'"score": <([^>]*)>', messages[1].content)
    assert allowed, "the prompt lists the allowed scores"
    points = [p.strip() for p in allowed.group(1).split("|")]
    if str(score) not in points:
        score = int(points[-2] if points[-1] == '"n/a"' else points[-1])
    return json.dumps({"rationale": "because", "evidence": [0], "score": score})


def judge(calls: list[object] | None = None) -> tuple[Model, MockModel]:
    api = MockModel(outputs=responder)
    return Model(api, spec="mock/judge", max_retries=0), api


@pytest.fixture(scope="module")
def sessions():  # type: ignore[no-untyped-def]
    return simulate(["cbt", "mi"], ["work-stress-nurse-amara", "gambling-courier-kofi"])


def test_item_schema_bounds_score_and_evidence() -> None:
    wai = get_rubric("wai")
    schema = item_schema(wai, wai.items[0], max_turn=9)
    assert schema["properties"]["score"]["enum"] == [1, 2, 3, 4, 5, 6, 7]
    assert schema["properties"]["evidence"]["items"]["enum"] == list(range(10))
    checks = get_rubric("safety_checks")
    na_item = checks.item("asked_about_safety")
    assert item_schema(checks, na_item, 3)["properties"]["score"]["enum"] == [0, 1, "n/a"]


def test_judging_counts_unscored_and_never_invents_a_score(sessions) -> None:  # type: ignore[no-untyped-def]
    model, api = judge()
    rubrics = [get_rubric("ctrs"), get_rubric("wai"), get_rubric("panas")]
    out = asyncio.run(judge_sessions(sessions, rubrics, [model], repeats=2, seed=0))
    n = len(sessions)
    # one call per item, phase and repeat (plus one repair call per unparseable answer)
    items_calls = n * 2 * (11 + 12 + 20 * 2)
    assert sum(sum(c.values()) for c in out.counts.values()) == items_calls
    assert out.counts["ctrs"]["unparseable"] == n * 2
    assert out.counts["ctrs"]["refused"] == n * 2
    assert out.counts["ctrs"]["scored"] == n * 2 * 9
    assert len(api.calls) == items_calls + n * 2 * 2  # feedback and homework each repaired once
    for sid, scores in out.scores.items():
        assert scores["ctrs.feedback"] is None and scores["ctrs.homework"] is None, sid
        assert scores["ctrs.agenda"] == pytest.approx(3.5)  # mean of the two raters
        assert scores["ctrs.understanding"] == 4
        # the mean is over scored items only: (3.5 + 8 × 4) / 9
        assert scores["ctrs.mean"] == pytest.approx((3.5 + 8 * 4) / 9)
        assert scores["wai.task_doubt"] == 6  # answer 2, reverse-scored on 1–7
        assert scores["panas.interested_before"] == 2 and scores["panas.interested_after"] == 4
        assert scores["panas.positive_change"] == pytest.approx((4 - 2) / 10)
    assert out.agreement["panas.positive_change"]["raters"] == 2


def test_agreement_is_reported_per_metric(sessions) -> None:  # type: ignore[no-untyped-def]
    model, _ = judge()
    out = asyncio.run(judge_sessions(sessions, [get_rubric("ctrs")], [model], repeats=2))
    # two raters who always differ by one point on agenda, over units with no other variation
    assert out.agreement["ctrs.agenda"]["raters"] == 2
    assert out.agreement["ctrs.agenda"]["alpha"] is not None
    assert out.agreement["ctrs.agenda"]["alpha"] < 0.5
    # identical answers from both raters: no variation, so alpha is undefined, not 1
    assert out.agreement["ctrs.understanding"]["alpha"] is None
    single = asyncio.run(judge_sessions(sessions, [get_rubric("ctrs")], [model], repeats=1))
    assert single.agreement["ctrs.mean"]["alpha"] is None
    assert single.agreement["ctrs.mean"]["note"] == "one rater"


def test_results_carry_scores_agreement_and_counts(sessions) -> None:  # type: ignore[no-untyped-def]
    model, _ = judge()
    out = asyncio.run(judge_sessions(sessions, [get_rubric("wai")], [model], repeats=2))
    results = evaluate_sessions(sessions, judged=out, rank_by="wai.mean")
    assert results.metric("wai.bond").evaluator == "judge"
    assert results.metric("wai.task_doubt").item is True
    assert results.counselor("cbt").metrics["wai.mean"]["mean"] is not None
    assert results.judge_counts["wai"]["scored"] == len(sessions) * 2 * 12
    assert results.judges[0]["judge"] == "mock/judge"
    assert results.judges[0]["rubrics"] == ["wai@v1"]
    assert "wai.bond" in results.agreement
    assert results.rubrics[0]["id"] == "wai" and len(results.rubrics[0]["items"]) == 12


def test_cache_hits_on_rerun_and_misses_when_the_rubric_version_changes(
    sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cache = ResponseCache(tmp_path / "c.sqlite")
    api = MockModel(outputs=responder)
    model = Model(api, spec="mock/judge", cache=cache, max_retries=0)
    miti = get_rubric("miti")
    asyncio.run(judge_sessions(sessions[:1], [miti], [model]))
    first = len(api.calls)
    rerun = asyncio.run(judge_sessions(sessions[:1], [miti], [model]))
    assert len(api.calls) == first  # every answer came from the cache
    assert all(r.cached for r in rerun.ratings)
    text = (
        miti.model_dump_json()
    )  # a new version of the same rubric must not be answered from the old cache
    bumped = parse_rubric(json.dumps({**json.loads(text), "version": 2}))
    asyncio.run(judge_sessions(sessions[:1], [bumped], [model]))
    assert len(api.calls) == 2 * first
    cache.close()


def test_reply_level_rubrics_rate_each_counselor_reply(sessions) -> None:  # type: ignore[no-untyped-def]
    model, api = judge()
    s = sessions[0]
    out = asyncio.run(judge_sessions([s], [get_rubric("cpsycoune")], [model]))
    replies = sum(t.speaker.value == "counselor" for t in s.turns)
    assert out.counts["cpsycoune"]["scored"] == replies * 4
    units = {r.unit for r in out.ratings}
    assert len(units) == replies
    # each reply is judged on the conversation up to and including it, never later turns
    first_reply = min(int(u.split("#")[1]) for u in units)
    prompt = next(c[0][1].content for c in api.calls if f"(turn {first_reply})" in c[0][1].content)
    assert f"[{first_reply + 1}]" not in prompt


def test_before_phase_sees_only_the_opening(sessions) -> None:  # type: ignore[no-untyped-def]
    s = sessions[0]
    before = transcript_view(s, "before")
    assert before[-1].speaker == "Client"
    assert all(v.speaker == "Counselor" for v in before[:-1])
    assert len(transcript_view(s, "after")) == len(s.turns)
