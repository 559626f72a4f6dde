from __future__ import annotations

import pytest

from theralab.dialogue import AgentSpec, Session, StopReason, Turn
from theralab.evaluate import (
    EVALUATORS,
    CoverageEvaluator,
    MitiEvaluator,
    OutcomeEvaluator,
    bootstrap_mean,
    evaluate_sessions,
    get_evaluators,
)
from theralab.profiles import builtin_profiles


def _session(turns: list[tuple[str, str]], **kw: object) -> Session:
    return Session(
        id=str(kw.pop("id", "s")),
        counselor=AgentSpec(name="human", engine="human"),
        client=AgentSpec(name="client"),
        turns=[Turn(speaker=sp, text=tx) for sp, tx in turns],
        **kw,
    )  # type: ignore


def test_miti_summary_on_a_hand_coded_session() -> None:
    s = _session(
        [
            ("counselor", "What brings you here today?"),  # OQ
            ("client", "I feel low and tired all the time."),
            ("counselor", "It sounds like things have been heavy. Do you sleep well?"),  # SR, CQ
            ("client", "No."),
            ("counselor", "Part of you is worn out. You should exercise more."),  # CR, ADV-
            ("client", "Maybe."),
        ]
    )
    v = MitiEvaluator().evaluate(s).values
    assert v["r_q"] == pytest.approx(2 / 2)
    assert v["pct_open_questions"] == pytest.approx(50)
    assert v["pct_complex_reflections"] == pytest.approx(50)
    assert v["pct_mi_adherent"] == pytest.approx(0)
    assert v["n_advise_without_permission"] == 1
    counselor_words, client_words = 5 + 11 + 10, 8 + 1 + 1
    assert v["pct_counselor_talk"] == pytest.approx(
        100 * counselor_words / (counselor_words + client_words)
    )
    assert v["code_agreement"] is None  # no intended codes to compare with


def test_ratios_with_empty_denominators_are_unscored() -> None:
    s = _session([("counselor", "Hello."), ("client", "Hi.")])
    v = MitiEvaluator().evaluate(s).values
    assert v["r_q"] is None and v["pct_open_questions"] is None
    assert v["pct_mi_adherent"] is None


def test_foreign_transcripts_leave_outcome_unscored_but_code_talk() -> None:
    s = _session(
        [
            ("counselor", "What would you like to change?"),
            ("client", "I want to stop drinking so much."),
            ("counselor", "Take care."),
            ("client", "Bye."),
        ],
        stop_reason=StopReason.COUNSELOR_CLOSED,
    )
    out = OutcomeEvaluator().evaluate(s).values
    assert out["distress_reduction"] is None and out["trust_end"] is None
    assert out["pct_change_talk"] == 100
    cov = CoverageEvaluator().evaluate(s).values
    assert cov["stage_coverage"] is None and cov["completed"] == 100


def test_bootstrap_interval() -> None:
    est = bootstrap_mean([1.0, 2.0, 3.0, 4.0, None], seed=3)
    assert est.mean == pytest.approx(2.5) and est.n == 4 and est.unscored == 1
    assert est.ci_low is not None and est.ci_high is not None
    assert est.ci_low <= est.mean <= est.ci_high and est.ci_low < est.ci_high
    assert bootstrap_mean([1.0, 2.0, 3.0, 4.0], seed=3) == bootstrap_mean(
        [1.0, 2.0, 3.0, 4.0], seed=3
    )
    assert bootstrap_mean([None, None]).mean is None
    one = bootstrap_mean([5.0])  # one session: no interval, not a zero-width one
    assert one.mean == 5.0 and one.n == 1 and one.ci_low is None and one.ci_high is None


def test_results_rank_counselors_and_separate_the_negative_control(full_run) -> None:  # type: ignore[no-untyped-def]
    results = evaluate_sessions(full_run)
    assert set(results.leaderboard) == {"cbt", "mi", "person_centred", "directive"}
    assert results.leaderboard[-1] == "directive"
    mi, cbt = results.counselor("mi"), results.counselor("cbt")
    assert mi.metrics["r_q"]["mean"] > cbt.metrics["r_q"]["mean"]
    directive = results.counselor("directive")
    assert directive.metrics["disengaged"]["mean"] > 50
    assert directive.metrics["trust_end"]["ci_high"] < mi.metrics["trust_end"]["ci_low"]
    calm = {p.id for p in builtin_profiles() if p.risk.level.value == "none"}
    coverage = [
        s.metrics["stage_coverage"]
        for s in results.sessions
        if s.counselor == "mi" and s.profile_id in calm
    ]
    assert coverage and all(c == 100 for c in coverage)
    assert len(mi.trajectories["distress"]) > 5
    assert len(results.sessions) == len(full_run)
    with pytest.raises(KeyError):
        evaluate_sessions(full_run[:2], rank_by="no_such_metric")


def test_evaluators_are_pluggable() -> None:
    assert {"miti", "outcome", "coverage"} <= set(EVALUATORS)
    assert [e.name for e in get_evaluators(["outcome"])] == ["outcome"]
    with pytest.raises(KeyError):
        get_evaluators(["ctrs-judge"])


def test_stage_coverage_is_read_from_the_transcript() -> None:
    """The counselor's stages travel with its spec; a renamed or foreign scripted counselor
    is covered by what its own transcript says."""
    from theralab.dialogue import AgentSpec, Annotations, Session, Speaker, Turn
    from theralab.evaluate.outcome import CoverageEvaluator

    session = Session(
        id="x",
        counselor=AgentSpec(name="my-protocol", engine="scripted", params={"stages": ["a", "b"]}),
        client=AgentSpec(name="c"),
        turns=[
            Turn(speaker=Speaker.COUNSELOR, text="Hello.", annotations=Annotations(stage="a")),
            Turn(speaker=Speaker.CLIENT, text="Hi."),
        ],
    )
    assert CoverageEvaluator().evaluate(session).values["stage_coverage"] == 50.0


def test_negative_controls_are_read_from_the_transcript(full_run) -> None:  # type: ignore[no-untyped-def]
    """The directive counselor's transcripts say it is a negative control; the results and
    the leaderboard take that from them, not from TheraLab's registry — so a session of a bot
    of the user's own that is flagged counts too, and one merely named "directive" does not."""
    from theralab.report.console import leaderboard_table

    directive = [s for s in full_run if s.counselor.name == "directive"]
    assert directive and all(s.counselor.control for s in directive)
    assert not any(s.counselor.control for s in full_run if s.counselor.name != "directive")
    assert evaluate_sessions(full_run).controls == {"directive"}
    renamed = [
        s.model_copy(update={"counselor": AgentSpec(name="directive", engine="external/x")})
        if s.counselor.name == "directive"
        else s
        for s in full_run
    ]
    flagged = [
        s.model_copy(update={"counselor": AgentSpec(name="mybot", params={"control": True})})
        if s.counselor.name == "cbt"
        else s
        for s in renamed
    ]
    results = evaluate_sessions(flagged)
    assert results.controls == {"mybot"}
    cells = [str(c) for col in leaderboard_table(results).columns for c in col._cells]
    assert "mybot (control)" in cells and "directive (control)" not in cells
    assert "directive" in cells  # still on the board, as an ordinary counselor
