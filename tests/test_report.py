"""The HTML report: content, ordering, escaping, offline-ness, and the SVG chart helpers."""

from __future__ import annotations

import asyncio
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from theralab.dialogue import Session, Speaker
from theralab.evaluate import Results, evaluate_sessions
from theralab.evaluate.results import MetricInfo
from theralab.profiles import builtin_profiles
from theralab.report.charts import (
    BarRow,
    DotGroup,
    counselor_colors,
    dot_plot,
    fmt_number,
    line_chart,
    threshold_bars,
)
from theralab.report.html import render_report, write_report
from theralab.simulate import plan_sessions, run_sessions

COUNSELORS = ["cbt", "mi", "directive"]
MARKUP_TEXT = "I typed <b>bold</b> & meant it"


@pytest.fixture(scope="module")
def run() -> tuple[Results, list[Session]]:
    profiles = list(builtin_profiles())[:2]
    plans = plan_sessions(COUNSELORS, profiles, seed=7, max_turns=16)
    sessions = asyncio.run(run_sessions(plans, profiles))
    # One client utterance carries markup, which must come out escaped.
    for turn in sessions[0].turns:
        if turn.speaker is Speaker.CLIENT:
            turn.text = MARKUP_TEXT
            break
    results = evaluate_sessions(sessions)
    # Force one leaderboard metric to be unscored for one counselor.
    results.counselor("mi").metrics["pct_complex_reflections"] = {
        "mean": None,
        "ci_low": None,
        "ci_high": None,
        "n": 0,
        "unscored": 2,
    }
    return results, sessions


@pytest.fixture(scope="module")
def page(run: tuple[Results, list[Session]]) -> str:
    results, sessions = run
    config = {"counselors": COUNSELORS, "profiles": 2, "seed": 7, "max_turns": 16}
    return render_report(results, sessions, title="Test <run>", config=config)


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert match, f"section {section_id} missing"
    return match.group(1)


def test_leaderboard_in_order(run: tuple[Results, list[Session]], page: str) -> None:
    results, _ = run
    board = _section(page, "leaderboard")
    rows = re.findall(r'<tr data-counselor="([^"]+)">', board)
    assert rows == results.leaderboard
    assert sorted(rows) == sorted(COUNSELORS)
    assert "negative control" in board
    assert "95% bootstrap" in board


def test_every_chart_section_has_svg(page: str) -> None:
    assert _section(page, "miti").count("<svg") == 6  # five MITI scores + the coder check
    assert _section(page, "outcomes").count("<svg") == 3
    assert _section(page, "trajectories").count("<svg") >= 2
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        assert "<title>" in svg


def test_every_session_listed(run: tuple[Results, list[Session]], page: str) -> None:
    _, sessions = run
    transcripts = _section(page, "transcripts")
    for s in sessions:
        assert f'id="s-{s.id}"' in transcripts
        assert f">{s.id}</span>" in transcripts
    assert transcripts.count('<details class="s"') == len(sessions)


def test_offline_only(page: str) -> None:
    for value in re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.I):
        assert not re.match(r"(?:https?:)?//", value, re.I), value
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", page, re.I)
    assert "@import" not in page


def test_text_is_escaped(page: str) -> None:
    assert "I typed &lt;b&gt;bold&lt;/b&gt; &amp; meant it" in page
    assert "<b>bold</b>" not in page
    assert "<title>Test &lt;run&gt;</title>" in page


def test_unscored_metric_renders_as_dash(page: str) -> None:
    board = _section(page, "leaderboard")
    mi_row = re.search(r'<tr data-counselor="mi">(.*?)</tr>', board, re.S)
    assert mi_row
    assert '<span class="na" title="unscored">—</span>' in mi_row.group(1)
    # And the MITI chart says so rather than drawing a bar.
    assert "unscored" in _section(page, "miti")


def test_config_in_header(page: str) -> None:
    header = page.split("</header>", 1)[0]
    assert "<dt>Max turns</dt><dd>16</dd>" in header
    assert "<dt>Seed</dt><dd>7</dd>" in header
    assert "<dt>Counselors</dt><dd>cbt, mi, directive</dd>" in header
    assert "<dt>Clients</dt><dd>2</dd>" in header
    assert "<dt>TheraLab</dt>" in header


def test_write_report(run: tuple[Results, list[Session]], tmp_path: Path) -> None:
    results, sessions = run
    out = write_report(tmp_path / "sub" / "report.html", results, sessions)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "TheraLab run report" in text
    assert not list((tmp_path / "sub").glob(".*.tmp"))


def test_report_without_sessions(run: tuple[Results, list[Session]]) -> None:
    results, _ = run
    html = render_report(results, [])
    assert "No transcripts were supplied" in html


def test_colors_are_stable_and_distinct() -> None:
    a = counselor_colors(["mi", "cbt", "new_one", "other"])
    b = counselor_colors(["other", "new_one", "cbt", "mi"])
    assert a["mi"] == b["mi"] and a["cbt"] == b["cbt"]
    assert len(set(a.values())) == 4


def test_chart_helpers_escape_and_handle_gaps() -> None:
    bars = threshold_bars(
        "R:Q <x>",
        [BarRow("a<b", 1.5, 1.2, 1.8), BarRow("c", None)],
        fair=1,
        good=2,
        axis_label="R:Q",
    )
    assert "R:Q &lt;x&gt;" in bars and "a&lt;b" in bars and "<x>" not in bars
    assert "fair ≥ 1" in bars and "good ≥ 2" in bars and "unscored" in bars
    dots = dot_plot("d", [DotGroup("a", [0.1, None, -0.3], ["p1", "p2", "p3"])])
    assert dots.count("<circle") == 2
    assert dots == dot_plot("d", [DotGroup("a", [0.1, None, -0.3], ["p1", "p2", "p3"])])
    lines = line_chart("l", {"a": [1.0, None, 2.0, 3.0]}, y_label="y")
    assert lines.count("<circle") == 3
    assert "NaN" not in lines


def test_number_format() -> None:
    assert fmt_number(92.4, "%") == "92"
    assert fmt_number(0.8801) == "0.88"
    assert fmt_number(-0.001) == "0.00"
    assert fmt_number(-0.74) == "−0.74"
    assert fmt_number(None) == "—"


def test_how_far_to_trust_the_miti_numbers(run: tuple[Results, list[Session]]) -> None:
    """With the trained coder (its low-confidence metric in the results), the report shows
    the coder's FROZEN validation per corpus and each counselor's share of low-confidence
    sessions; with the rule coder (no such metric) it shows no such card."""
    results, sessions = run
    assert 'id="coder-trust"' not in render_report(results, sessions)
    trained = results.model_copy(deep=True)
    trained.metrics.append(
        MetricInfo(key="miti_low_confidence", label="MITI low confidence", evaluator="miti")
    )
    for share, summary in zip((0.0, 0.25, 0.75), trained.counselors, strict=True):
        summary.metrics["miti_low_confidence"] = {"mean": share, "n": 4, "unscored": 0}
    assert 'id="coder-trust"' not in render_report(trained, sessions)  # not its coder
    card = json.loads((resources.files("theralab.coding") / "data" / "mi_heads.json").read_text())
    for session in trained.sessions:
        session.labels["miti_coder"] = card["name"]  # the trained coder's own name
    page = render_report(trained, sessions)
    card = re.sub(r"<[^>]+>", " ", page[page.index('id="coder-trust"') :][:6000])
    assert "How far to trust these numbers" in card
    for corpus in ("AnnoMI", "ESConv", "MI-Welivita", "support chats written for TheraLab"):
        assert corpus in card
    names = [s.counselor for s in trained.counselors]
    assert f"{names[1]} 25%" in card and f"{names[2]} 75%" in card
    assert re.search(r"ESConv[^\n]*?\s0\.\d\d\s", card)  # a macro-F1 from the coder's card
