"""The report's evaluation-suite sections: rubric radars with agreement and unscored counts,
PANAS before/after, WAI subscales, the coder check and the pairwise leaderboard — present
with judged data (from a fake judge), absent from an offline-only run, always offline."""

from __future__ import annotations

import asyncio
import json
import re
import zlib
from collections.abc import Sequence
from typing import Any

import pytest

from theralab.dialogue import Session
from theralab.evaluate.compare import compare_pairs, make_pairs, summarise
from theralab.evaluate.judge import JudgeOutcome, judge_sessions
from theralab.evaluate.results import Results, evaluate_sessions
from theralab.model.model import Model
from theralab.model.providers.mock import MockModel
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.report.charts import (
    Dumbbell,
    IntervalGroup,
    IntervalRow,
    RadarAxis,
    dumbbell_chart,
    fmt_number,
    interval_plot,
    radar_chart,
)
from theralab.report.html import render_report
from theralab.report.judged import ONE_RATER, judged_rubrics
from theralab.rubrics import get_rubric, parse_rubric

from .conftest import simulate

RUBRICS = ("ctrs", "panas", "wai", "miti", "preference")
BROKEN_ITEM = "Homework"  # the fake judge never answers this one usably
CUSTOM = """
id: warmth_check
version: 3
name: Warmth check
short: Warmth
description: A made-up rubric for tests.
source: none
scale: {min: 1, max: 4}
items:
  - {id: greeting, name: Greeting, question: Was the greeting warm?}
  - {id: tone, name: Tone, question: Was the tone warm?}
  - {id: closing, name: Closing, question: Was the closing warm?}
"""


def fake_judge(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
    """Scores from a made-up quality plus item and repeat noise; one item is garbage."""
    prompt = messages[1].content
    item = re.search(r"^Item: (.+)$", prompt, re.M)
    allowed = re.search(r'"score": <([^>]*)>', prompt)
    assert item and allowed
    if item.group(1) == BROKEN_ITEM:
        return "no json here"
    points = [int(p) for p in allowed.group(1).split("|") if p.strip() != '"n/a"']
    turns = [int(i) for i in re.findall(r"^\[(\d+)\] ", prompt, re.M)] or [0]
    h = zlib.crc32(f"{item.group(1)}|{prompt[-300:]}".encode())
    q = 0.2 + 0.6 * (h % 100) / 100
    k = round(q * (len(points) - 1)) + ((config.seed or 0) % 2 if h % 3 == 0 else 0)
    score = points[max(0, min(len(points) - 1, k))]
    return json.dumps({"rationale": "fake", "evidence": [turns[-1]], "score": score})


def fake_referee(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
    """The first-shown session wins, except with the gambling client: a garbled verdict."""
    if "betting apps" in messages[1].content:
        return "A, clearly"
    return json.dumps({"rationale": "fake", "winner": "A"})


@pytest.fixture(scope="module")
def sessions() -> list[Session]:
    return simulate(
        ["cbt", "mi", "directive"], ["work-stress-nurse-amara", "gambling-courier-kofi"]
    )


@pytest.fixture(scope="module")
def judged(sessions: list[Session]) -> tuple[Results, JudgeOutcome, dict[str, Any]]:
    rubrics = [get_rubric(r) for r in RUBRICS] + [parse_rubric(CUSTOM)]
    judge = Model(MockModel(outputs=fake_judge), spec="mock/fake-judge", max_retries=0)
    outcome = asyncio.run(judge_sessions(sessions, rubrics, [judge], repeats=2))
    referee = Model(MockModel(outputs=fake_referee), spec="mock/fake-referee", max_retries=0)
    comparisons = asyncio.run(compare_pairs(make_pairs([("run", sessions)], False), [referee]))
    results = evaluate_sessions(sessions, judged=outcome)
    return results, outcome, summarise(comparisons)


@pytest.fixture(scope="module")
def page(sessions: list[Session], judged: tuple[Results, JudgeOutcome, dict[str, Any]]) -> str:
    results, _, pairwise = judged
    return render_report(results, sessions, title="Judged", pairwise=pairwise)


@pytest.fixture(scope="module")
def offline_page(sessions: list[Session]) -> str:
    return render_report(evaluate_sessions(sessions), sessions, title="Offline")


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert match, f"section {section_id} missing"
    return match.group(1)


def _nav(page: str) -> str:
    match = re.search(r'<nav class="toc".*?</nav>', page, re.S)
    assert match
    return match.group(0)


SECTIONS = {
    "rubrics": "Rubric profile",
    "alliance": "Alliance (WAI)",
    "affect": "Affect before/after",
    "pairwise": "Pairwise",
}


def test_judged_sections_appear_with_nav_entries(page: str) -> None:
    nav = _nav(page)
    for sid, label in SECTIONS.items():
        body = _section(page, sid)
        assert f'<a href="#{sid}">{label}</a>' in nav
        for svg in re.findall(r"<svg.*?</svg>", body, re.S):
            assert "<title>" in svg and "<desc>" in svg
    order = [page.index(f'<section id="{sid}">') for sid in ("miti", *SECTIONS, "outcomes")]
    assert order == sorted(order)


def test_offline_run_has_none_of_the_judged_sections(offline_page: str) -> None:
    nav = _nav(offline_page)
    for sid in SECTIONS:
        assert f'<section id="{sid}">' not in offline_page
        assert f'href="#{sid}"' not in nav
    assert "Krippendorff" not in offline_page
    # what an offline run does have: the MITI bars and the coder check
    miti = _section(offline_page, "miti")
    assert 'id="coder-check"' in miti
    assert "a check on the coder, not a quality score" in miti


def test_rubric_profile_shows_radars_agreement_and_unscored_counts(
    page: str, judged: tuple[Results, JudgeOutcome, dict[str, Any]]
) -> None:
    results, outcome, _ = judged
    body = _section(page, "rubrics")
    # one radar per session-level rubric; PANAS and WAI have their own sections
    assert body.count('class="chart radar"') == 4  # ctrs, miti, preference, custom
    for rid in ("ctrs", "miti", "preference", "warmth_check"):
        assert f'id="rubric-{rid}"' in body
    assert 'id="rubric-panas"' not in body and 'id="rubric-wai"' not in body
    # alpha beside each axis label and in the table
    alpha = results.agreement["ctrs.mean"]["alpha"]
    assert alpha is not None
    ctrs = body[body.index('id="rubric-ctrs"') : body.index('id="rubric-miti"')]
    assert f">{fmt_number(alpha)}</span>" in ctrs
    item_alpha = results.agreement["ctrs.agenda"]["alpha"]
    assert f"α {fmt_number(item_alpha)}" in ctrs
    assert "Cactus (6 items)" in ctrs
    # the broken item is unscored every time, and the page says so
    unparseable = outcome.counts["ctrs"]["unparseable"]
    assert unparseable == 6 * 2  # sessions x repeats
    assert f"{unparseable} unscored ({unparseable} unparseable)" in ctrs
    assert "Judge calls per rubric" in body
    assert ONE_RATER not in body.split("Judges and agreement")[0]


def test_custom_rubric_is_described_from_the_results(
    judged: tuple[Results, JudgeOutcome, dict[str, Any]], page: str
) -> None:
    results, _, _ = judged
    view = next(r for r in judged_rubrics(results) if r.id == "warmth_check")
    assert (view.lo, view.hi) == (1.0, 4.0)
    assert [name for _, name in view.items] == ["Greeting", "Tone", "Closing"]
    assert view.version == "3"
    body = _section(page, "rubrics")
    assert "Greeting" in body and "scale 1–4" in body


def test_one_rater_says_so_instead_of_an_alpha(
    sessions: list[Session], judged: tuple[Results, JudgeOutcome, dict[str, Any]]
) -> None:
    results, _, _ = judged
    single = results.model_copy(
        update={
            "agreement": {
                k: {"alpha": None, "raters": 1, "units": 6, "note": "one rater"}
                for k in results.agreement
            }
        }
    )
    page = render_report(single, sessions)
    body = _section(page, "rubrics")
    assert ONE_RATER in body
    assert ONE_RATER == "1 rater — run with --repeats 2+ for agreement"
    assert ">1 rater</span>" in body
    assert "α 0." not in body and "α 1." not in body
    assert ">1 rater</span>" in _section(page, "alliance")
    assert ">1 rater</span>" in _section(page, "affect")


def test_panas_before_after(
    page: str, judged: tuple[Results, JudgeOutcome, dict[str, Any]]
) -> None:
    results, _, _ = judged
    body = _section(page, "affect")
    assert body.count('class="chart dumbbell"') == 2
    assert "Positive affect" in body and "Negative affect" in body
    assert "Lower is better" in body
    change = results.counselor("mi").metrics["panas.positive_change"]["mean"]
    assert re.search(rf"change [+−]?{re.escape(fmt_number(abs(change)))}", body)
    assert "α at start" in body


def test_wai_subscales(page: str, judged: tuple[Results, JudgeOutcome, dict[str, Any]]) -> None:
    results, _, _ = judged
    body = _section(page, "alliance")
    assert body.count('class="chart intervals"') == 1
    for name in ("Task", "Bond", "Goal"):
        assert f">{name}</th>" in body
    bond = results.counselor("cbt").metrics["wai.bond"]
    assert f"cbt bond: {fmt_number(bond['mean'])}" in body
    assert "Agreement (α)" in body


def test_pairwise_leaderboard(
    page: str, judged: tuple[Results, JudgeOutcome, dict[str, Any]]
) -> None:
    _, _, pairwise = judged
    body = _section(page, "pairwise")
    assert pairwise["unscored"] == 3  # the gambling client's three pairs never parse
    rows = re.findall(
        r'<span class="rank">[^<]+</span><span class="dot"[^>]*></span>([^<]+)</div>', body
    )
    assert rows == [r["player"] for r in pairwise["leaderboard"]]
    # the fake referee always answers "A": 0% position consistency, so the ratings carry no
    # information — the intervals are undefined (not zero-width) and the judge is warned about
    assert pairwise["position_consistency"] == 0 and "undefined" in body
    assert "gave the same answer (A) to every comparison" in body
    assert "Bradley–Terry" in body and "Online Elo" in body
    assert f"{100 * pairwise['position_consistency']:.0f}%" in body
    unscored = re.search(r'<div class="k">Unscored</div><div class="v">(\d+)</div>', body)
    assert unscored and unscored.group(1) == "3"


def test_judged_report_stays_self_contained(page: str) -> None:
    for value in re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.I):
        assert not re.match(r"(?:https?:)?//", value, re.I), value
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert "@import" not in page and "url(" not in page


# --------------------------------------------------------------------------- chart helpers


def test_radar_escapes_and_leaves_gaps_for_missing_values() -> None:
    svg = radar_chart(
        "Profile <x>",
        [RadarAxis("A & B", "α 0.80"), RadarAxis("C"), RadarAxis("D")],
        {"one": [1.0, 2.0, 3.0], "two": [2.0, None, 4.0]},
        domain=(0.0, 4.0),
    )
    assert "Profile &lt;x&gt;" in svg and "A &amp; B" in svg and "α 0.80" in svg
    assert svg.count('fill-opacity="0.1"') == 1  # only the complete series is filled
    assert 'stroke-dasharray="5 3"' in svg  # the gappy one is an open outline
    assert "two: A &amp; B 2.00, D 4.00" in svg


def test_dumbbell_and_interval_plot_handle_unscored() -> None:
    svg = dumbbell_chart(
        "Affect",
        [Dumbbell("a", 2.0, 3.0, change=1.0), Dumbbell("b", None, None)],
        domain=(1.0, 5.0),
        higher_is_better=False,
    )
    assert "unscored" in svg and "worse" in svg
    svg = interval_plot(
        "Forest",
        [IntervalGroup("p", [IntervalRow("", 1010.0, 990.0, 1030.0)]), IntervalGroup("q", [])],
        reference=1000.0,
        reference_label="average",
        digits=0,
    )
    assert "p: 1010 (95% CI 990 to 1030)" in svg and "average" in svg
