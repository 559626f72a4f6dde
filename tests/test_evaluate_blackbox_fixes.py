"""Fixes from a black-box test of evaluation and the report (session s35/e1, findings 5, 8, 9
and the report / help parts of 14): unscored is not zero, empty transcripts are left out, an
unscorable ranking is not a ranking, intervals that cannot be estimated do not look like
certainty, a degenerate judge is warned about, and the report's header fits what was
evaluated. All offline and fast."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.dialogue.records import AgentSpec, Session, StopReason, Turn
from theralab.evaluate.compare import Comparison, summarise
from theralab.evaluate.judge import judge_sessions
from theralab.evaluate.outcome import CoverageEvaluator, OutcomeEvaluator
from theralab.evaluate.results import evaluate_sessions
from theralab.evaluate.stats import bootstrap_mean
from theralab.model.model import Model
from theralab.model.providers.mock import MockModel
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.report.charts import ClientLine, course_trajectory, fmt_interval
from theralab.report.console import leaderboard_table, print_judging
from theralab.report.html import render_report
from theralab.rubrics import parse_rubric

runner = CliRunner()

HUMAN_A = [
    ("counselor", "What brings you here today?"),
    ("client", "I have been sleeping badly since I started the new job."),
    ("counselor", "It sounds like the new job has been weighing on you, even at night."),
    ("client", "Yes. I lie awake replaying every mistake."),
]
HUMAN_B = [
    ("counselor", "Hi, how are you doing this week?"),
    ("client", "Not great, work is a lot."),
    ("counselor", "You should try going for a run."),
    ("client", "Maybe."),
]


def _human(sid: str, counselor: str, turns: Sequence[tuple[str, str]], **kw: object) -> Session:
    return Session(
        id=sid,
        counselor=AgentSpec(name=counselor, engine="human"),
        client=AgentSpec(name=f"vol-{sid}"),
        turns=[Turn(speaker=sp, text=tx) for sp, tx in turns],  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _human_file(path: Path) -> Path:
    """Like the tester's byod/good.jsonl: no `state`, no `stop_reason`, one empty transcript."""
    sessions = [
        _human("p1", "human_a", HUMAN_A),
        _human("p2", "human_b", HUMAN_B),
        _human("p3", "human_a", []),
        _human("p4", "human_b", HUMAN_A),
    ]
    path.write_text(
        "".join(s.model_dump_json(exclude_none=True) + "\n" for s in sessions), encoding="utf-8"
    )
    return path


# --------------------------------------------------------------------------- finding 5


def test_without_stop_reason_disengaged_and_completed_are_unscored() -> None:
    s = _human("p1", "human_a", HUMAN_A)
    assert OutcomeEvaluator().evaluate(s).values["disengaged"] is None
    assert CoverageEvaluator().evaluate(s).values["completed"] is None
    # recorded how it ended: scored as before
    walked = _human("p2", "human_a", HUMAN_A, stop_reason=StopReason.CLIENT_DISENGAGED)
    assert OutcomeEvaluator().evaluate(walked).values["disengaged"] == 100.0
    assert CoverageEvaluator().evaluate(walked).values["completed"] == 0.0


def test_empty_transcript_is_left_out_of_counts_and_metrics() -> None:
    sessions = [_human("p1", "human_a", HUMAN_A), _human("p3", "human_a", [])]
    results = evaluate_sessions(sessions)
    assert [r.id for r in results.sessions] == ["p1"]
    assert results.counselor("human_a").sessions == 1
    assert results.left_out == [
        {"id": "p3", "counselor": "human_a", "reason": "empty transcript (no turns)"}
    ]
    assert json.loads(results.model_dump_json())["left_out"][0]["id"] == "p3"
    # a run without empty transcripts writes no `left_out` at all
    assert "left_out" not in json.loads(evaluate_sessions(sessions[:1]).model_dump_json())
    # a failed session with no turns is still counted: it is shown as failed
    failed = _human("p5", "human_a", [], stop_reason=StopReason.ERROR)
    assert [r.id for r in evaluate_sessions([*sessions, failed]).sessions] == ["p1", "p5"]


def test_evaluate_cli_warns_about_empty_transcript_with_file_and_line(tmp_path: Path) -> None:
    path = _human_file(tmp_path / "good.jsonl")
    out = tmp_path / "ev"
    res = runner.invoke(app, ["evaluate", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert re.search(r"good\.jsonl:3: session 'p3' \(human_a\) is an empty transcript", text)
    assert "3 session(s) (1 empty left out)" in text
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in data["sessions"]] == ["p1", "p2", "p4"]
    a = next(c for c in data["counselors"] if c["counselor"] == "human_a")
    assert a["sessions"] == 1
    for c in data["counselors"]:
        assert c["metrics"]["disengaged"]["mean"] is None
        assert c["metrics"]["completed"]["mean"] is None
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "left out of every count and metric: p3 (human_a)" in report


def test_evaluate_cli_refuses_only_empty_transcripts(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text(_human("e1", "h", []).model_dump_json() + "\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate", str(path), "--out", str(tmp_path / "ev")])
    assert res.exit_code == 2
    assert "every transcript is empty" in " ".join(res.output.split())


# --------------------------------------------------------------------------- finding 8


def test_unscored_ranking_metric_is_not_a_ranking() -> None:
    results = evaluate_sessions(
        [_human("p1", "human_a", HUMAN_A), _human("p2", "human_b", HUMAN_B)]
    )
    assert results.rank_by == "distress_reduction" and not results.ranked
    page = render_report(results, [])
    assert "Not ranked" in page
    assert 'class="rank unranked"' in page and '<span class="rank">1</span>' not in page
    assert "ranked by distress reduction" not in page
    table = leaderboard_table(results)
    assert "not ranked" in str(table.title)
    assert list(table.columns[0].cells) == ["—", "—"]


def test_single_session_interval_is_n_1_not_zero_width() -> None:
    one = bootstrap_mean([0.67])
    assert one.ci_low is None and one.ci_high is None and one.n == 1
    assert fmt_interval(one.as_dict()) == "n = 1"
    assert fmt_interval(bootstrap_mean([100.0, 100.0, 100.0]).as_dict()) == "all 3 equal"
    assert fmt_interval(bootstrap_mean([1.0, 2.0, 3.0]).as_dict()).startswith("[")
    results = evaluate_sessions([_human("p1", "human_a", HUMAN_A)], rank_by="r_q")
    est = results.counselor("human_a").metrics["r_q"]
    assert est["n"] == 1 and est["ci_low"] is None
    page = render_report(results, [])
    board = page[page.index('<section id="leaderboard">') : page.index("</section>")]
    assert "n = 1" in board
    assert not re.search(r"\[(\d+(?:\.\d+)?), \1\]", board)  # no [x, x]
    row = leaderboard_table(results).columns[3]
    assert "n = 1" in str(next(iter(row.cells)))


# --------------------------------------------------------------------------- finding 9


CONSTANT = """
id: tiny
version: 1
name: Tiny
description: A made-up rubric for tests.
source: none
scale: {min: 0, max: 4}
items:
  - {id: one, name: One, question: Was it good?}
  - {id: two, name: Two, question: Was it kind?}
"""


def _constant_judge(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
    return json.dumps({"rationale": "same", "evidence": [0], "score": 0})


def test_constant_rubric_judge_is_warned_about_in_console_and_report() -> None:
    sessions = [_human("p1", "human_a", HUMAN_A), _human("p2", "human_b", HUMAN_B)]
    judge = Model(MockModel(outputs=_constant_judge), spec="mock/flat", max_retries=0)
    outcome = asyncio.run(judge_sessions(sessions, [parse_rubric(CONSTANT)], [judge], repeats=2))
    results = evaluate_sessions(sessions, judged=outcome, rank_by="r_q")
    found = results.judges[0]["constant_answers"]["tiny"]
    assert found == {"answer": 0, "calls": 8}
    warnings = results.constant_judges()
    assert (
        warnings
        and "judge mock/flat gave the same answer (0) to every item of tiny" in (warnings[0])
    )
    assert "cannot tell the sessions apart" in warnings[0]
    from rich.console import Console

    console = Console(record=True, width=200)
    print_judging(results, console)
    assert "gave the same answer (0) to every item of tiny" in console.export_text()
    page = render_report(results, sessions)
    assert 'class="callout alarm judge-warning"' in page
    assert "gave the same answer (0) to every item of tiny" in page
    # a judge whose answers vary is not flagged
    varied = iter(range(1000))

    def varying(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        return json.dumps({"rationale": "x", "evidence": [0], "score": next(varied) % 5})

    judge2 = Model(MockModel(outputs=varying), spec="mock/varied", max_retries=0)
    ok = asyncio.run(judge_sessions(sessions, [parse_rubric(CONSTANT)], [judge2], repeats=2))
    assert "constant_answers" not in ok.judges[0]


def _comparison(first: str, second: str, forward: str, backward: str) -> Comparison:
    same = {"first": 1.0, "second": 0.0, "tie": 0.5}
    consistent = forward == backward
    return Comparison(
        profile_id="p",
        first=first,
        second=second,
        judge="mock/always-a",
        forward=forward,
        backward=backward,
        score=same[forward] if consistent else 0.5,
        consistent=consistent,
    )


def test_always_a_pairwise_judge_leaves_the_interval_undefined() -> None:
    # always "A": the first shown wins forward, the second shown wins backward
    comparisons = [
        _comparison(a, b, "first", "second")
        for a, b in [("cbt", "mi"), ("cbt", "pc"), ("mi", "pc")] * 2
    ]
    summary = summarise(comparisons)
    assert summary["position_consistency"] == 0
    assert summary["constant_judges"] == {"mock/always-a": {"answer": "A", "calls": 12}}
    assert summary["interval_undefined"]
    assert all(r["low"] is None and r["high"] is None for r in summary["leaderboard"])
    from theralab.cli.compare import pairwise_table
    from theralab.report.judged import pairwise_view

    table = pairwise_table(summary)
    assert set(table.columns[3].cells) == {"undefined"}
    assert set(table.columns[0].cells) == {"—"}
    view = pairwise_view(summary, {})
    assert view is not None and {r["ci"] for r in view["rows"]} == {"undefined"}
    assert any("same answer (A) to every comparison" in w for w in view["warnings"])
    # a consistent judge keeps its intervals
    fine = summarise([_comparison("cbt", "mi", "first", "first")] * 3)
    assert "interval_undefined" not in fine and fine["leaderboard"][0]["low"] is not None


# --------------------------------------------------------------------------- finding 14


def test_config_chips_read_on_off_not_python_bools() -> None:
    results = evaluate_sessions([_human("p1", "human_a", HUMAN_A)])
    page = render_report(results, [], config={"guardrail": True, "cache": False, "seed": 7})
    assert "<dd>True</dd>" not in page and "<dd>False</dd>" not in page
    assert "<dt>Guardrail</dt><dd>on</dd>" in page and "<dt>Cache</dt><dd>off</dd>" in page


def test_header_of_human_transcripts_is_not_a_simulation() -> None:
    sessions = [_human("p1", "human_a", HUMAN_A), _human("p2", "human_b", HUMAN_B)]
    page = render_report(evaluate_sessions(sessions), sessions)
    header = page[page.index('<header class="top">') : page.index("</header>")]
    assert "simulated" not in header.lower()
    assert "client profiles" not in header and "2 clients" in header
    assert "Client profiles" not in page[page.index("<main") : page.index('id="leaderboard"')]


def test_simulated_header_still_says_simulated(full_run: list[Session]) -> None:
    page = render_report(evaluate_sessions(full_run[:4]), full_run[:4])
    header = page[page.index('<header class="top">') : page.index("</header>")]
    assert "simulated counseling evaluation" in header and "client profiles" in header


def test_mi_adherent_card_names_the_coder() -> None:
    sessions = [_human("p1", "human_a", HUMAN_A)]
    results = evaluate_sessions(sessions, rank_by="r_q")
    page = render_report(results, sessions)
    assert "coded by the rule coder (rules-v1)" in page
    for r in results.sessions:
        r.labels["miti_coder"] = "mi-transfer-minilm-v3"
    page = render_report(results, sessions)
    assert "the trained MI coder (mi-transfer-minilm-v3)" in page
    assert "(rule coder: AnnoMI-trained coders" not in page.split('id="miti"')[1].split("</p>")[0]


def test_leaderboard_intervals_may_wrap_so_the_table_fits() -> None:
    results = evaluate_sessions([_human("p1", "human_a", HUMAN_A)])
    page = render_report(results, [])
    assert "table.board .ci { white-space: normal;" in page


def test_cutoff_label_sits_outside_the_plot() -> None:
    svg = course_trajectory(
        "PHQ-9",
        [ClientLine("c1", [12.0, 10.0, 9.0, 8.0, 7.0])],
        [12.0, 10.0, 9.0, 8.0, 7.0],
        [None] * 5,
        [None] * 5,
        y_domain=(0.0, 27.0),
        reference=10.0,
        reference_label="cut-off 10",
    )
    label = re.search(r'<text class="reference-label" x="([\d.]+)"[^>]*text-anchor="start"', svg)
    assert label, svg
    markers = [float(x) for x in re.findall(r'<circle[^>]*cx="([\d.]+)"', svg)]
    assert markers and float(label.group(1)) > max(markers) + 5


def test_stub_server_help_ends_in_full_sentences(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from theralab.model import stub_server

    monkeypatch.setattr(sys, "argv", ["stub_server", "--help"])
    with pytest.raises(SystemExit):
        stub_server.main()
    text = " ".join(capsys.readouterr().out.split())
    assert "— or, with" not in text
    assert "dry runs." in text and "--fail-rate" in text
    assert text.rstrip().endswith(".")
