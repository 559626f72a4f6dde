"""What a counselor trainer needs from practice mode's feedback (findings 5, 8, 11, 16): risk
handling comes first, safety questions are not counted against R:Q, a crisis line alone is
not asking, the coaching note stands until it is addressed, confrontation is scored as such,
which clients carry risk is hidden from trainees unless a trainer asks, and a trainee's own
crisis or a harmful reply is flagged for the trainer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.serve_support import LiveServer, make_app, needs_serve, new_key

pytestmark = needs_serve

RISK_PROFILE = "academic-pressure-risk-pharmacy-student-arjun"
WARM = [
    "Hi, what brings you here today?",
    "It sounds like you're carrying a lot on your own.",
    "You're worried your parents will be disappointed.",
    "What goes through your mind when you sit down to revise?",
    "So part of you feels like you're failing no matter how hard you try.",
    "How have you been feeling in yourself lately?",
    "That sounds really heavy.",
    "Tell me more about that.",
    "You're exhausted and it feels hopeless at times.",
    "What would help most right now?",
]
LISTENING = [
    "It sounds like you feel trapped.",
    "What else is going on?",
    "You're carrying all of this alone.",
    "What's the hardest part?",
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, httpx.Client]]:
    app = make_app(tmp_path_factory.mktemp("feedback") / "f.db")
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        yield app, c


def say(c: httpx.Client, pid: str, text: str) -> dict[str, Any]:
    r = c.post(f"/v1/practice/{pid}/utterances", json={"text": text})
    assert r.status_code == 200, r.text
    return dict(r.json())


def until_disclosure(c: httpx.Client, seed: int = 7) -> tuple[str, dict[str, Any]]:
    """A session with the at-risk client, talked to warmly until they disclose."""
    pid = c.post("/v1/practice", json={"profile_id": RISK_PROFILE, "seed": seed}).json()["id"]
    for line in WARM:
        out = say(c, pid, line)
        if out["coach"] and "safety" in out["coach"]:
            return pid, out
    raise AssertionError("the client did not disclose within the warm-up")


def test_a_missed_risk_cue_is_the_first_thing_to_work_on(env: tuple[Any, httpx.Client]) -> None:
    _, c = env
    pid, disclosed = until_disclosure(c)
    assert disclosed["coach_open"] == disclosed["coach"]
    for line in LISTENING:  # reflections and open questions, never about safety
        out = say(c, pid, line)
        assert out["coach_open"] and "safety" in out["coach_open"]  # the note stands
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert card["to_work_on"], card["strengths"]
    first = card["to_work_on"][0]
    assert "did not ask directly about their safety" in first
    assert f"utterance {card['risk']['at_utterance']}" in first
    assert card["risk"]["asked_about_safety"] is False


@pytest.mark.parametrize(
    "ask",
    [
        "Are you having thoughts of killing yourself or ending your life?",
        "Do you feel like you might act on those feelings tonight?",
    ],
)
def test_asking_about_safety_closes_the_note_and_does_not_cost_r_q(
    env: tuple[Any, httpx.Client], ask: str
) -> None:
    _, c = env
    pid, _ = until_disclosure(c)
    asked = say(c, pid, ask)
    # the note to ask is closed; a yes opens the one to stay with the answer (2026-12-07)
    assert asked["coach_open"] is None or "said yes" in asked["coach_open"]
    assert asked["codes"][-1]["code"] in ("closed_question", "open_question")
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert card["risk"]["asked_about_safety"] is True
    assert card["risk"]["safety_questions_not_in_rq"] == 1
    assert not any("did not ask" in line for line in card["to_work_on"])
    assert any("asked directly about the client's safety" in s for s in card["strengths"])
    # R:Q is the warm-up's alone: the safety question is counted as a code, not as a question
    questions = sum(card["counts"].get(k, 0) for k in ("open_question", "closed_question"))
    reflections = sum(card["counts"].get(k, 0) for k in ("simple_reflection", "complex_reflection"))
    r_q = {m["key"]: m["value"] for m in card["miti"]}["r_q"]
    assert r_q == round(reflections / (questions - 1), 2)


def test_a_crisis_line_alone_is_not_asking(env: tuple[Any, httpx.Client]) -> None:
    _, c = env
    pid, _ = until_disclosure(c)
    out = say(c, pid, "I am worried about you. Here is the 988 number, please call them.")
    assert [f["kind"] for f in out["flags"]] == ["resources_only"]
    assert out["coach_open"]  # still not asked
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert card["risk"]["resources_without_asking"] is True
    assert "crisis line alone is not asking" in card["to_work_on"][0]


def test_confrontation_is_scored_and_the_client_resists(env: tuple[Any, httpx.Client]) -> None:
    _, c = env
    pid = c.post(
        "/v1/practice", json={"profile_id": "alcohol-use-roofer-padraig", "seed": 2}
    ).json()["id"]
    lines = [
        "You're an alcoholic and you need to admit it.",
        "If you keep drinking like this you'll lose your job.",
        "You're in denial about how bad this is.",
        "You're letting your family down.",
        "Why don't you just stop?",
    ]
    groups = []
    for line in lines:
        out = say(c, pid, line)
        groups.append(out["codes"][0]["group"])
        if out["client_ended"]:  # confronted enough, a client walks out
            break
    assert len(groups) >= 3 and set(groups) == {"non_adherent"}
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert not any("reflected" in s or "questions were open" in s for s in card["strengths"])
    assert any("confronted, labelled or warned" in line for line in card["to_work_on"])
    miti = {m["key"]: m for m in card["miti"]}
    assert miti["pct_mi_adherent"]["value"] == 0.0 and miti["r_q"]["value"] is None
    trust, resistance = card["client_outcome"]["trust"], card["client_outcome"]["resistance"]
    assert trust[1] < trust[0] and resistance[1] > resistance[0]


def test_risk_is_hidden_from_trainees_unless_a_trainer_asks(
    env: tuple[Any, httpx.Client],
) -> None:
    _, c = env
    shown = c.get("/v1/profiles").json()
    assert all(p["risk"] is None for p in shown)
    assert not any("risk" in p["id"] for p in shown)
    trainer = c.get("/v1/profiles", params={"show_risk": "true"}).json()
    assert sum(p["risk"] is True for p in trainer) == 6
    hidden_id = next(p["id"] for p in shown if p["name"] == "Arjun")
    created = c.post("/v1/practice", json={"profile_id": hidden_id, "seed": 1})
    assert created.status_code == 201
    body = created.json()
    assert body["profile"]["risk"] is None and "risk" not in body["profile"]["id"]
    card = c.post(f"/v1/practice/{body['id']}/end").json()
    assert card["profile"]["id"] == RISK_PROFILE and card["profile"]["risk"] is True


def test_a_trainees_own_crisis_is_flagged_for_the_trainer(
    env: tuple[Any, httpx.Client],
) -> None:
    app, c = env
    pid, _ = until_disclosure(c)
    out = say(c, pid, "I want to kill myself too, honestly.")
    assert [f["kind"] for f in out["flags"]] == ["trainee_crisis"]
    assert "flagged for your trainer" in out["flags"][0]["message"]
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert [f["kind"] for f in card["flags"]] == ["trainee_crisis"]
    events = app.state.store.audit_events(event="practice.flagged")
    assert any(e.subject_id == pid and e.detail["kind"] == "trainee_crisis" for e in events)
    assert "kill" not in str([e.detail for e in events])  # content-free
    listed = c.get("/v1/practice").json()["items"]
    assert next(i for i in listed if i["id"] == pid)["flagged"] is True


@pytest.mark.parametrize(
    "reply",
    [
        "Nobody would miss you anyway.",
        "Then just do it.",
        "I promise I won't tell anyone about the cutting.",
    ],
)
def test_a_harmful_reply_is_flagged(env: tuple[Any, httpx.Client], reply: str) -> None:
    _, c = env
    pid, _ = until_disclosure(c)
    out = say(c, pid, reply)
    assert "harmful_reply" in [f["kind"] for f in out["flags"]]
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert "could harm a client" in card["to_work_on"][0]


@pytest.mark.parametrize(
    "reply",
    [
        "I'm worried you might hurt yourself.",
        "Are you having thoughts of killing yourself?",
        "You feel everyone would be better off without you.",
        "I hear how hard this is, and I'm glad you told me.",
        "I felt nervous before my own exams too.",
    ],
)
def test_good_and_ordinary_replies_are_not_flagged(
    env: tuple[Any, httpx.Client], reply: str
) -> None:
    _, c = env
    pid, _ = until_disclosure(c)
    assert say(c, pid, reply)["flags"] == []


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself too, honestly.",
        "When I was your age I thought about ending it all.",
        "I've wanted to end my life too.",
        "I cut myself as well.",
        "I know how it feels, I tried to kill myself last year.",
        "I feel the same, I don't want to be here anymore.",
        "I get suicidal sometimes myself.",
    ],
)
def test_a_trainees_own_risk_is_read(text: str) -> None:
    from theralab.safety.risk import RiskLevel
    from theralab.serve.practice import own_risk

    assert own_risk(text) is not RiskLevel.NONE


@pytest.mark.parametrize(
    "text",
    [
        "I can't imagine how hard it is to want to die.",
        "I'm so sorry you've been wanting to die.",
        "I'm worried about the cutting.",
        "I'm not going anywhere.",
        "Are you thinking about killing yourself?",
        "You feel like you want to die.",
        "I lost my mum last year, so I get it.",
        "I was stressed at work this week as well.",
    ],
)
def test_empathy_and_questions_are_not_a_trainees_own_risk(text: str) -> None:
    from theralab.safety.risk import RiskLevel
    from theralab.serve.practice import own_risk

    assert own_risk(text) is RiskLevel.NONE
