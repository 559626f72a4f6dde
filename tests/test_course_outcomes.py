"""Outcome and harm metrics over courses of sessions, built from hand-made course records:
reliable change against each instrument's threshold, dropout, incomplete courses, crisis
incidence, per-counselor rates with intervals, the report's Courses section and results.json."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pytest

from theralab.dialogue.courses import Administration, Carry, CourseSlot
from theralab.dialogue.measurements import ItemAnswer, MeasureAnswers
from theralab.dialogue.records import (
    AgentSpec,
    Annotations,
    ClientState,
    Outcome,
    Session,
    Speaker,
    StopReason,
    Turn,
)
from theralab.evaluate.courses import (
    CourseResults,
    Rate,
    evaluate_courses,
    session_risk,
    wilson,
)
from theralab.evaluate.results import Results, evaluate_sessions
from theralab.measures import get_instrument, score
from theralab.report.console import courses_table, print_leaderboard
from theralab.report.html import render_report

PHQ9 = get_instrument("phq9")  # reliable change: 6 points (stated)
GAD7 = get_instrument("gad7")  # reliable change: 4 points (stated)


# --------------------------------------------------------------------------- builders


def administration(instrument_id: str, total: int, when: str = "pre") -> Administration:
    """An administration whose items add up to `total` (filled item by item)."""
    inst = get_instrument(instrument_id)
    left = total
    answers = []
    for item in inst.items:
        top = max(inst.scores_of(item))
        value = min(top, left)
        left -= value
        answers.append(ItemAnswer(item=item.id, status="answered", answer=value))
    assert left == 0, f"{total} is beyond {inst.id}'s range"
    recorded = MeasureAnswers(instrument=inst.tag, respondent="scripted", answers=answers)
    return Administration(when=when, answers=recorded, score=score(inst, recorded))  # type: ignore[arg-type]


def _turns(crisis: bool = False, risk: str | None = None) -> list[Turn]:
    counselor = Turn(speaker=Speaker.COUNSELOR, text="How have things been this week?")
    if crisis or risk:
        counselor.annotations = Annotations.model_validate(  # the v1 fields, read as v2
            {
                "risk": risk or "high",
                "protocol": "crisis" if crisis else "none",
                "guardrail": "crisis" if crisis else "pass",
            }
        )
    client = Turn(
        speaker=Speaker.CLIENT,
        text="A bit better, I think.",
        annotations=Annotations(
            state=ClientState(trust=0.6, distress=5.0, readiness=0.5, resistance=0.2, stage="x")
        ),
    )
    return [counselor, client]


def course(
    course_id: str,
    counselor: str,
    series: dict[str, Sequence[int | None]],
    *,
    planned: int | None = None,
    dropped_after: int | None = None,
    failed_at: int | None = None,
    crisis_at: int | None = None,
    post: bool = True,
    profile: str = "p1",
) -> list[Session]:
    """Sessions of one course. `series` gives, per instrument id, the pre totals of each
    session held and then the post total (None: not given). `dropped_after` ends the
    course early with a dropout; `failed_at` makes that session an error and drops the post;
    `post=False` leaves the post out (a course whose later sessions were never recorded)."""
    first = next(iter(series.values()))
    held = len(first) - 1
    planned = planned or held
    sessions = []
    for i in range(1, held + 1):
        last = i == held
        measures = [administration(k, v[i - 1]) for k, v in series.items() if v[i - 1] is not None]
        failed = failed_at == i
        if last and post and failed_at is None:
            measures += [
                administration(k, v[held], "post") for k, v in series.items() if v[held] is not None
            ]
        slot = CourseSlot(
            course_id=course_id,
            index=i,
            of=planned,
            measures=measures,
            carry=Carry(dropped_out=last and dropped_after == i),
        )
        sessions.append(
            Session(
                id=f"{course_id}-s{i}",
                counselor=AgentSpec(name=counselor),
                client=AgentSpec(name="scripted"),
                profile_id=profile,
                turns=_turns(crisis=crisis_at == i),
                stop_reason=StopReason.ERROR if failed else StopReason.COUNSELOR_CLOSED,
                outcome=Outcome(turns=2, error="model timed out" if failed else None),
                course=slot,
            )
        )
    return sessions


def run_sessions() -> list[Session]:
    """Two counselors, four courses each."""
    return [
        # good: improves on both, improves, no change (drops out), crisis + deteriorates on GAD-7
        *course("g1", "good", {"phq9": [18, 14, 10, 6], "gad7": [12, 10, 8, 5]}, profile="a"),
        *course("g2", "good", {"phq9": [15, 12, 9, 8], "gad7": [9, 9, 7, 7]}, profile="b"),
        *course("g3", "good", {"phq9": [14, 13, 12]}, planned=3, dropped_after=2, profile="c"),
        *course(
            "g4", "good", {"phq9": [12, 10, 9, 8], "gad7": [6, 8, 9, 10]}, crisis_at=2, profile="d"
        ),
        # harm: deteriorates, deteriorates, no change, incomplete (a failed session)
        *course("h1", "harm", {"phq9": [10, 12, 14, 17], "gad7": [8, 9, 11, 12]}, profile="a"),
        *course("h2", "harm", {"phq9": [9, 11, 13, 15]}, profile="b"),
        *course("h3", "harm", {"phq9": [11, 11, 12, 12]}, profile="c"),
        *course("h4", "harm", {"phq9": [16, 15, 14, 13]}, failed_at=2, profile="d"),
    ]


@pytest.fixture(scope="module")
def results() -> CourseResults:
    out = evaluate_courses(run_sessions())
    assert out is not None
    return out


# --------------------------------------------------------------------------- per course


def test_reliable_change_uses_each_instruments_threshold() -> None:
    # PHQ-9 needs 6 points: 5 is no change, 6 is reliable; GAD-7 needs 4.
    sessions = [
        *course("a", "c", {"phq9": [15, 10], "gad7": [10, 7]}),
        *course("b", "c", {"phq9": [15, 9], "gad7": [10, 6]}),
        *course("c", "c", {"phq9": [9, 15], "gad7": [6, 10]}),
    ]
    out = evaluate_courses(sessions)
    assert out is not None
    a, b, c = (out.course(x).instruments for x in "abc")
    assert a["phq9@v1"].reliable_change == "no_change"
    assert a["gad7@v1"].reliable_change == "no_change"
    assert b["phq9@v1"].reliable_change == "improved"
    assert b["gad7@v1"].reliable_change == "improved"
    assert c["phq9@v1"].reliable_change == "deteriorated"
    assert c["gad7@v1"].reliable_change == "deteriorated"
    assert b["phq9@v1"].change == -6
    assert b["phq9@v1"].response is False  # 15 → 9 is less than half
    assert b["phq9@v1"].remission is True  # 9 < 10
    assert b["phq9@v1"].reliable_recovery is True
    assert c["phq9@v1"].reliable_recovery is None  # started below the cut-off: not eligible
    info = {i.instrument: i for i in out.instruments}
    assert info["phq9@v1"].label == "PHQ-9" and info["phq9@v1"].cutoff == 10
    assert "6 points" in (info["phq9@v1"].threshold or "")


def test_course_records(results: CourseResults) -> None:
    g1 = results.course("g1")
    assert (g1.counselor, g1.profile_id, g1.planned, g1.held) == ("good", "a", 3, 3)
    assert g1.complete and not g1.dropped_out and not g1.crisis
    assert g1.sessions == ["g1-s1", "g1-s2", "g1-s3"]
    phq = g1.instruments["phq9@v1"]
    assert phq.totals == [18, 14, 10, 6]  # before 1, before 2, before 3, after 3
    assert (phq.first, phq.last, phq.change) == (18, 6, -12)
    assert phq.reliable_change == "improved" and phq.response and phq.remission


def test_dropout_post_sits_after_the_last_session_held(results: CourseResults) -> None:
    g3 = results.course("g3")
    assert g3.dropped_out and g3.complete
    assert (g3.planned, g3.held) == (3, 2)
    assert g3.instruments["phq9@v1"].totals == [14, 13, 12]
    assert g3.instruments["phq9@v1"].reliable_change == "no_change"


def test_incomplete_course_is_counted_but_not_rated(results: CourseResults) -> None:
    h4 = results.course("h4")
    assert not h4.complete and h4.failed == 1 and h4.held == 2
    assert h4.instruments["phq9@v1"].last is None
    assert h4.instruments["phq9@v1"].reliable_change is None
    harm = results.counselor("harm")
    assert (harm.courses, harm.complete, harm.incomplete) == (4, 3, 1)
    assert harm.deterioration.n == 3
    assert harm.instruments["phq9@v1"].change.n == 3


def test_missing_sessions_make_a_course_incomplete() -> None:
    # Sessions 1–2 of 3 recorded, no dropout: the course never reached its end.
    sessions = course("m", "c", {"phq9": [15, 12, 9]}, planned=3, post=False)
    out = evaluate_courses(sessions)
    assert out is not None
    m = out.course("m")
    assert not m.complete and m.failed == 0 and (m.planned, m.held) == (3, 2)
    assert out.counselor("c").incomplete == 1 and out.counselor("c").deterioration.n == 0
    # A finished course without questionnaires is complete, with nothing to rate.
    plain = course("q", "c", {"phq9": [None, None, None]})
    out = evaluate_courses(plain)
    assert out is not None and out.course("q").complete and out.course("q").instruments == {}
    assert out.counselor("c").deterioration.pct is None


def test_crisis_from_the_guardrails_annotations(results: CourseResults) -> None:
    g4 = results.course("g4")
    assert g4.crisis and g4.peak_risk == "high"
    assert session_risk(
        Session(
            id="x",
            counselor=AgentSpec(name="c"),
            client=AgentSpec(name="k"),
            turns=_turns(risk="moderate"),
        )
    ) == (False, "moderate")
    assert session_risk(
        Session(
            id="y",
            counselor=AgentSpec(name="c"),
            client=AgentSpec(name="k"),
            turns=_turns(risk="imminent"),
        )
    ) == (True, "imminent")
    assert (
        session_risk(Session(id="z", counselor=AgentSpec(name="c"), client=AgentSpec(name="k")))[1]
        is None
    )


# --------------------------------------------------------------------------- per counselor


def test_deterioration_rate_per_counselor(results: CourseResults) -> None:
    good, harm = results.counselor("good"), results.counselor("harm")
    # good: g4 deteriorates on GAD-7 (6 → 10) though its PHQ-9 is unchanged.
    assert (good.deterioration.count, good.deterioration.n) == (1, 4)
    assert good.deterioration.pct == 25.0
    # harm: h1 and h2 deteriorate; h3 unchanged; h4 incomplete.
    assert (harm.deterioration.count, harm.deterioration.n) == (2, 3)
    assert harm.deterioration.pct == pytest.approx(66.6667, abs=1e-3)
    # improvement: g1 (both improved) and g2 (PHQ-9 improved, GAD-7 unchanged)
    assert (good.improvement.count, good.improvement.n) == (2, 4)
    assert harm.improvement.count == 0
    assert (good.dropout.count, good.dropout.n) == (1, 4)
    assert (good.crisis.count, harm.crisis.count) == (1, 0)
    phq = good.instruments["phq9@v1"]
    assert (phq.improved.count, phq.deteriorated.count, phq.improved.n) == (2, 0, 4)
    assert phq.response.count == 1  # 18 → 6
    assert phq.remission.count == 3  # 6, 8 and 8 (g3 ends at 12)
    gad = good.instruments["gad7@v1"]
    assert gad.improved.n == 3 and gad.deteriorated.count == 1
    assert "gad7@v1" in harm.instruments and harm.instruments["gad7@v1"].deteriorated.n == 1


def test_intervals(results: CourseResults) -> None:
    harm = results.counselor("harm")
    rate = harm.deterioration
    assert rate.ci_low is not None and rate.ci_high is not None
    assert rate.ci_low < rate.pct < rate.ci_high  # type: ignore[operator]
    change = harm.instruments["phq9@v1"].change
    assert change.mean == pytest.approx((7 + 6 + 1) / 3, abs=1e-3)
    assert change.ci_low is not None and change.ci_high is not None
    assert change.ci_low <= change.mean <= change.ci_high
    traj = results.counselor("good").instruments["phq9@v1"].trajectory
    assert [p.n for p in traj] == [4, 4, 4, 3]  # the dropout has no index 3
    assert traj[0].mean == pytest.approx((18 + 15 + 14 + 12) / 4)
    assert all(p.ci_low is not None and p.ci_low <= p.mean <= p.ci_high for p in traj)
    # Wilson: never a zero-width interval for a rate of 0 or 100 %
    assert Rate.of([False] * 5).ci_high == pytest.approx(100 * wilson(0, 5)[1], abs=1e-3)
    assert Rate.of([False] * 5).ci_high > 40  # type: ignore[operator]
    assert Rate.of([]).pct is None


def test_no_courses_gives_none() -> None:
    plain = course("x", "c", {"phq9": [10, 9]})
    for s in plain:
        s.course = None
    assert evaluate_courses(plain) is None


# --------------------------------------------------------------------------- results and report


@pytest.fixture(scope="module")
def full() -> tuple[Results, list[Session]]:
    sessions = run_sessions()
    return evaluate_sessions(sessions), sessions


def test_results_round_trip(full: tuple[Results, list[Session]]) -> None:
    results, _ = full
    assert results.courses is not None
    text = results.model_dump_json(indent=1)
    again = Results.model_validate_json(text)
    assert again.courses == results.courses
    assert again.model_dump_json(indent=1) == text
    assert json.loads(text)["courses"]["counselors"][0]["counselor"] == "good"


def test_results_without_courses_are_unchanged() -> None:
    sessions = course("x", "c", {"phq9": [10, 9]})
    for s in sessions:
        s.course = None
    results = evaluate_sessions(sessions)
    assert results.courses is None
    assert "courses" not in json.loads(results.model_dump_json())
    assert Results.model_validate_json(results.model_dump_json()).courses is None


def test_report_courses_section(full: tuple[Results, list[Session]]) -> None:
    results, sessions = full
    page = render_report(results, sessions)
    match = re.search(r'<section id="courses">(.*?)</section>', page, re.S)
    assert match, "courses section missing"
    section = match.group(1)
    assert 'href="#courses"' in page
    assert page.index('id="courses"') < page.index('id="miti"')  # near the top
    assert "Deterioration" in section
    for name in ("good", "harm"):
        assert name in section
    # one trajectory chart per instrument per counselor; harm has GAD-7 from one course
    for label in ("PHQ-9", "GAD-7"):
        charts = re.findall(
            rf'<svg class="chart trajectory"[^>]*aria-label="{label}[^"]*".*?</svg>', section, re.S
        )
        assert len(charts) == 2, label
        assert all("<title>" in c and "<path" in c for c in charts)
    assert "67%" in section  # harm's deterioration rate
    for svg in re.findall(r"<svg.*?</svg>", section, re.S):
        assert "<title>" in svg


def test_report_without_courses_has_no_section() -> None:
    sessions = course("x", "c", {"phq9": [10, 9]})
    for s in sessions:
        s.course = None
    results = evaluate_sessions(sessions)
    page = render_report(results, sessions)
    assert 'id="courses"' not in page and 'href="#courses"' not in page


def test_console_courses_table(full: tuple[Results, list[Session]]) -> None:
    from rich.console import Console

    results, _ = full
    console = Console(record=True, width=160)
    print_leaderboard(results, console)
    text = console.export_text()
    assert "Courses" in text and "deterior" in text.lower()
    assert courses_table(results) is not None
    plain = evaluate_sessions([s.model_copy(update={"course": None}) for s in run_sessions()])
    assert courses_table(plain) is None
