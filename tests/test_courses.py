"""Courses of sessions: state carried over and moved between sessions, memory, notes, the
course plans, questionnaires before each session and after the last, byte-identical courses
(also after a resume), dropout, model-backed clients answering in the bounded schema."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from theralab.clients.course import between_sessions, draw_homework, homework_chance
from theralab.clients.state import LatentState
from theralab.dialogue import Speaker, StopReason, read_sessions, session_to_json
from theralab.model.stub_server import StubServer
from theralab.profiles.library import get_profile
from theralab.runs import RunConfig, execute_run
from theralab.simulate.runner import plan_sessions, run_sessions

from . import llama_support

llama_server = llama_support.llama_server
tiny_model = llama_support.tiny_model

PANEL = ["work-stress-nurse-amara", "grief-postal-worker-ulla", "panic-student-imani"]


def course(counselors: list[str], profile_ids: list[str], sessions: int, seed: int = 7):
    profiles = [get_profile(p) for p in profile_ids]
    plans = plan_sessions(counselors, profiles, seed, sessions=sessions)
    return plans, profiles, asyncio.run(run_sessions(plans, profiles))


def test_a_course_is_planned_as_k_sessions_with_their_own_ids_and_seeds() -> None:
    profile = get_profile(PANEL[0])
    plans = plan_sessions(["cbt"], [profile], 7, sessions=3)
    assert [p.session_id for p in plans] == [f"cbt--{PANEL[0]}--0--s{k}" for k in (1, 2, 3)]
    assert len({p.seed for p in plans}) == 3
    assert all(p.course and p.course.of == 3 for p in plans)
    assert plans[0].course and plans[0].course.instruments == ("phq9", "gad7")
    # one session and no measures: exactly the plan of a plain run
    [single] = plan_sessions(["cbt"], [profile], 7)
    assert single.course is None and single.session_id == f"cbt--{PANEL[0]}--0"


def test_same_seed_gives_byte_identical_courses() -> None:
    _, _, first = course(["cbt", "mi"], PANEL[:2], 3)
    _, _, again = course(["cbt", "mi"], PANEL[:2], 3)
    assert [session_to_json(s) for s in first] == [session_to_json(s) for s in again]
    _, _, other = course(["cbt", "mi"], PANEL[:2], 3, seed=8)
    assert [session_to_json(s) for s in first] != [session_to_json(s) for s in other]


def test_each_session_records_its_place_measures_notes_and_memory() -> None:
    _, _, sessions = course(["cbt"], PANEL[:1], 3)
    assert [s.course.index for s in sessions if s.course] == [1, 2, 3]
    first, second, last = sessions
    assert first.course and second.course and last.course
    assert first.course.between is None and second.course.between is not None
    assert [a.when for a in first.course.measures] == ["pre", "pre"]
    assert [a.when for a in last.course.measures] == ["pre", "pre", "post", "post"]
    assert {a.score.instrument for a in last.course.measures} == {"phq9@v1", "gad7@v1"}
    assert all(a.answers.respondent == "scripted" for a in last.course.measures)
    assert [n.session for n in last.course.carry.notes] == [1, 2, 3]
    assert [m.session for m in last.course.carry.memory] == [1, 2, 3]
    # CBT's course plan: assessment, then interventions, relapse prevention last
    assert [s.course.phase for s in sessions if s.course] == [
        "assessment",
        "intervention",
        "relapse_prevention",
    ]
    # the next session starts from the exact state the previous one ended in, moved by the
    # week in between
    end = first.course.carry.client_state
    assert second.course.between.distress_before == pytest.approx(end["distress"], abs=1e-4)


def test_the_client_refers_to_an_earlier_session_and_the_counselor_reviews_it() -> None:
    _, _, sessions = course(["cbt"], PANEL[:1], 2)
    first, second = sessions
    said_before = " ".join(first.text_of(Speaker.CLIENT))
    opening = second.text_of(Speaker.CLIENT)[0]
    assert "last time" in opening.lower()
    recalled = opening.split("last time: ", 1)[1]
    assert recalled and recalled in said_before
    review = second.text_of(Speaker.COUNSELOR)[0]
    assert "welcome back" in review.lower() and "since we last met" in review.lower()
    assert second.turns[0].annotations.strategy == "review"


def _week(outcome: str) -> tuple[float, float]:
    """Distress before and after the week for the first seed whose homework draw gives
    `outcome` and brings no life event (so only the homework differs)."""
    profile = get_profile(PANEL[0])
    state = LatentState.initial(profile)
    state.distress = 4.0
    for seed in range(500):
        nxt, between = between_sessions(
            profile, state, "you would try a thought record", random.Random(seed)
        )
        if between.homework == outcome and between.life_event is None:
            return state.distress, nxt.distress
    raise AssertionError(f"no seed gave {outcome}")


def test_a_client_who_did_the_homework_starts_the_next_session_less_distressed() -> None:
    done_before, done_after = _week("done")
    not_before, not_after = _week("not_done")
    assert done_before == not_before
    assert done_after < not_after
    assert done_after < done_before  # doing it outweighs the drift back


def test_homework_is_more_often_done_by_a_ready_client() -> None:
    profile = get_profile(PANEL[0])
    assert homework_chance(profile, 0.8) > homework_chance(profile, 0.2)
    rng = random.Random(3)
    ready = [draw_homework(profile, 0.9, "x", rng) for _ in range(400)]
    unready = [draw_homework(profile, 0.1, "x", rng) for _ in range(400)]
    assert ready.count("done") > unready.count("done")
    assert draw_homework(profile, 0.9, None, rng) == "none_set"


def test_state_carries_over_across_a_course() -> None:
    """Trust built in one session is (mostly) still there at the next one's start."""
    _, _, sessions = course(["mi"], PANEL[:1], 2)
    first, second = sessions
    profile = get_profile(PANEL[0])
    start = LatentState.initial(profile)
    opening_state = second.turns[1].annotations.state
    assert opening_state is not None and first.course
    assert first.course.carry.client_state["trust"] > start.trust + 0.2
    assert opening_state.trust > start.trust + 0.15


def test_a_client_who_walks_out_drops_out_of_the_course(tmp_path: Path) -> None:
    cfg = RunConfig(counselors=["directive"], profiles=PANEL, sessions=3, cache=False)
    outcome = execute_run(cfg, tmp_path / "r", report=False)
    walked = [s for s in outcome.sessions if s.stop_reason is StopReason.CLIENT_DISENGAGED]
    assert walked, "the directive control should drive someone out"
    for s in walked:
        assert s.course and s.course.carry.dropped_out
        assert [a.when for a in s.course.measures].count("post") == 2  # exit questionnaires
    ids = {s.id for s in outcome.sessions}
    for s in walked:
        assert s.course
        later = s.id.replace(f"--s{s.course.index}", f"--s{s.course.index + 1}")
        assert later not in ids
    assert outcome.dropped > 0 and outcome.unfinished == 0


def test_a_course_interrupted_midway_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    cfg = RunConfig(counselors=["cbt", "mi"], profiles=PANEL[:2], sessions=3, cache=False)
    whole = execute_run(cfg, tmp_path / "whole", report=False)
    reference = (tmp_path / "whole" / "transcripts.jsonl").read_text()
    # a crash after the first session of every course (and half of a second one's line)
    cut = tmp_path / "cut"
    execute_run(cfg, cut, report=False)
    lines = reference.splitlines(keepends=True)
    kept = [ln for ln in lines if "--s1" in ln.split('"id":', 1)[1][:120]]
    broken = next(ln for ln in lines if "--s2" in ln.split('"id":', 1)[1][:120])
    (cut / "transcripts.jsonl").write_text("".join(kept) + broken[: len(broken) // 2])
    resumed = execute_run(cfg, cut, report=False, resume=True)
    assert resumed.resumed == len(kept)
    assert (cut / "transcripts.jsonl").read_text() == reference
    assert len(resumed.sessions) == len(whole.sessions)


def test_unknown_measures_fail_before_anything_runs(tmp_path: Path) -> None:
    from theralab.errors import TheraLabError

    cfg = RunConfig(counselors=["cbt"], profiles=PANEL[:1], sessions=2, measures=["nope"])
    with pytest.raises(TheraLabError):
        execute_run(cfg, tmp_path / "r", report=False)
    assert not (tmp_path / "r" / "transcripts.jsonl").exists()


def test_measures_with_one_session_give_a_course_of_one() -> None:
    profiles = [get_profile(PANEL[0])]
    plans = plan_sessions(["cbt"], profiles, 7, measures=["phq9"])
    [session] = asyncio.run(run_sessions(plans, profiles))
    assert session.course and session.course.of == 1
    assert [a.when for a in session.course.measures] == ["pre", "post"]
    assert session.course.phase is None  # no course plan for a single session


def test_model_backed_client_answers_questionnaires_and_keeps_a_memory(tmp_path: Path) -> None:
    with StubServer() as server:
        cfg = RunConfig(
            counselors=["cbt"],
            profiles=PANEL[:1],
            sessions=2,
            max_turns=6,
            cache=False,
            model_roles={"client": "vllm/stub"},
            base_url=server.base_url,
        )
        outcome = execute_run(cfg, tmp_path / "r", report=False)
    first, second = outcome.sessions
    assert first.client.engine == "vllm/stub"
    assert first.course and second.course
    pre = first.course.measures
    assert {a.answers.respondent for a in pre} == {"model"}
    phq = next(a for a in pre if a.score.instrument == "phq9@v1")
    assert phq.answers.calls == 9 and phq.score.unscored + phq.score.answered == 9
    # the stub answers every enum with its first option: all answered, total 0
    assert phq.score.unscored == 0 and phq.score.total == 0
    assert first.course.carry.memory[0].summary  # the client's own summary of session 1
    assert first.course.carry.client_state == {}
    assert second.course.between is not None and second.course.between.distress_after is None


def test_notes_reach_a_model_backed_counselor_prompt() -> None:
    from theralab.agents import CourseContext
    from theralab.counselors.llm import course_prompt
    from theralab.dialogue import SessionNotes

    notes = SessionNotes(session=1, phase="first", focus="sleep better", homework="you would walk")
    text = course_prompt(CourseContext(2, 4, (notes,)))
    assert "session 2 of 4" in text and "sleep better" in text and "you would walk" in text
    assert course_prompt(None) == ""


def test_a_one_session_run_is_unchanged_by_courses(tmp_path: Path) -> None:
    """No course slot, no questionnaire: a plain run's transcripts are what they were."""
    cfg = RunConfig(counselors=["cbt"], profiles=PANEL[:1], cache=False)
    outcome = execute_run(cfg, tmp_path / "r", report=False)
    [session] = outcome.sessions
    assert session.course is None
    assert '"course"' not in (tmp_path / "r" / "transcripts.jsonl").read_text()
    assert [s.id for s in read_sessions(tmp_path / "r" / "transcripts.jsonl")] == [session.id]


def test_a_model_backed_client_forgets_older_sessions_by_a_seeded_rule() -> None:
    from theralab.agents import ClientCourse
    from theralab.clients.llm import LLMClient
    from theralab.dialogue import MemoryEntry
    from theralab.model.api import get_model_api
    from theralab.model.model import Model

    model = Model(get_model_api("openai/stub", base_url="http://127.0.0.1:9/v1", api_key="x"))
    memory = tuple(MemoryEntry(session=k, summary=f"memory of session {k}") for k in range(1, 9))
    kept: list[list[int]] = []
    for seed in range(40):
        client = LLMClient(get_profile(PANEL[0]), model, seed)
        client.begin_course(ClientCourse(9, 10, None, memory))
        kept.append([m.session for m in client.recalled])
        assert "memory of session 8" in client.system and "memory of session 7" in client.system
    assert all(7 in k and 8 in k for k in kept)  # the last two are always recalled
    recall_1 = sum(1 in k for k in kept) / len(kept)
    recall_6 = sum(6 in k for k in kept) / len(kept)
    assert recall_1 < recall_6  # older sessions are forgotten more often
    again = LLMClient(get_profile(PANEL[0]), model, 3)
    again.begin_course(ClientCourse(9, 10, None, memory))
    assert [m.session for m in again.recalled] == kept[3]


def test_the_real_llamacpp_server_plays_a_client_through_a_course(
    llama_server: str, tmp_path: Path
) -> None:
    """Random weights, bounded schemas: questionnaires answered or counted unscored, a
    memory written (or honestly left empty), both sessions held."""
    cfg = RunConfig(
        counselors=["cbt"],
        profiles=PANEL[:1],
        sessions=2,
        max_turns=4,
        measures=["phq9"],
        cache=False,
        model_roles={"client": "llamacpp-server/tiny"},
        base_url=llama_server,
        max_retries=0,
    )
    outcome = execute_run(cfg, tmp_path / "r", report=False)
    assert [s.course.index for s in outcome.sessions if s.course] == [1, 2], [
        s.outcome for s in outcome.sessions
    ]
    last = outcome.sessions[-1]
    assert last.course is not None
    phq = [a for a in last.course.measures if a.score.instrument == "phq9@v1"]
    assert [a.when for a in phq] == ["pre", "post"]
    for a in phq:
        assert a.answers.respondent == "model" and a.answers.calls == 9
        assert a.score.answered + a.score.unscored == 9
        for item in a.answers.answers:
            assert (item.status == "answered") == (item.answer is not None)


def test_the_directive_control_makes_more_clients_reliably_worse() -> None:
    """The harm figure can tell: over the default panel, the confrontational negative
    control's deterioration rate is above every real counselor's, its improvement below."""
    from theralab.evaluate.courses import evaluate_courses
    from theralab.profiles.library import sample_panel

    panel = sample_panel(16, 7)
    counselors = ["cbt", "mi", "person_centred", "directive"]
    plans = plan_sessions(counselors, panel, 7, sessions=2)
    results = evaluate_courses(asyncio.run(run_sessions(plans, panel)))
    assert results is not None
    by_name = {c.counselor: c for c in results.counselors}
    directive = by_name["directive"]
    assert directive.deterioration.count > 0
    for name in ("cbt", "mi", "person_centred"):
        assert directive.deterioration.pct > by_name[name].deterioration.pct, name
        assert directive.improvement.pct < by_name[name].improvement.pct, name
