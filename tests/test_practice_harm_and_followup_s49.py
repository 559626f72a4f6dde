"""Practice mode as counselor trainers need it (black-box test of 2026-12-07, seventh
session): a trainee's harmful reply is flagged whatever its wording and never earns credit, a
yes to the safety question must be stayed with, and questions about a plan or the means count
as asking about safety. The trainee lines here are paraphrases written for these tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.serve_support import LiveServer, make_app, needs_serve, new_key
from tests.test_practice_feedback import RISK_PROFILE, WARM

pytestmark = needs_serve


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    app = make_app(tmp_path_factory.mktemp("harm49") / "h.db")
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        yield c


def say(c: httpx.Client, pid: str, text: str) -> dict[str, Any]:
    r = c.post(f"/v1/practice/{pid}/utterances", json={"text": text})
    assert r.status_code == 200, r.text
    return dict(r.json())


def disclosed(c: httpx.Client, seed: int = 7, profile: str = RISK_PROFILE) -> str:
    pid = c.post("/v1/practice", json={"profile_id": profile, "seed": seed}).json()["id"]
    for line in WARM:
        out = say(c, pid, line)
        if out["coach"] and "safety" in out["coach"]:
            return str(pid)
    raise AssertionError("the client did not disclose within the warm-up")


@pytest.mark.parametrize(
    "reply",
    [
        # minimising the disclosure
        "Self-harm is mostly a phase at uni, it's really not a big deal.",
        "You're not actually going to do anything, everybody feels like that before exams.",
        # method, dose and lethality
        "If it ever came to it, a rope is quicker than pills, which often fail.",
        "You would need about 30 paracetamol for it to work.",
        # secrecy, encouraging death
        "Your secret is safe with me, I won't tell anyone you want to die.",
        # shaming, pushing to harm, tactics
        "People who self-harm are just attention seekers, you should be ashamed.",
        "Skip sleep and floor it on the motorway tonight, you don't need sleep.",
        "Try to stay under 600 calories a day and you can always throw it up after.",
        "Your flatmates probably are secretly plotting against you and reading your texts.",
    ],
)
def test_a_harmful_reply_in_any_wording_is_flagged(env: httpx.Client, reply: str) -> None:
    pid = disclosed(env)
    out = say(env, pid, reply)
    harmful = [f for f in out["flags"] if f["kind"] == "harmful_reply"]
    assert harmful, out["flags"]
    card = env.post(f"/v1/practice/{pid}/end").json()
    assert "could harm a client" in card["to_work_on"][0]
    listed = env.get("/v1/practice").json()["items"]
    assert next(i for i in listed if i["id"] == pid)["flagged"] is True


def test_a_harmful_reply_earns_no_credit(env: httpx.Client) -> None:
    pid = disclosed(env)
    before = {m["key"]: m["value"] for m in say(env, pid, "What else is going on?")["miti"]}
    out = say(env, pid, "Loads of students cut, it's a phase, honestly you're fine.")
    assert any(f["kind"] == "harmful_reply" for f in out["flags"])
    after = {m["key"]: m["value"] for m in out["miti"]}
    assert after["r_q"] == before["r_q"]  # its "reflection" is not counted
    card = env.post(f"/v1/practice/{pid}/end").json()
    assert not any("affirmed" in s for s in card["strengths"])
    assert "phase" not in str(card["examples"])


def test_a_yes_must_be_stayed_with(env: httpx.Client) -> None:
    pid = disclosed(env, seed=4)  # this client says "I mean, sometimes, yes" to the question
    asked = say(env, pid, "Are you having thoughts of ending your life?")
    assert "yes" in asked["client_reply"].lower()
    moved = say(env, pid, "Right. Anyway, how many hours of revision are you doing?")
    assert moved["coach_open"] and "said yes" in moved["coach_open"]
    card = env.post(f"/v1/practice/{pid}/end").json()
    assert any("said yes to your safety question and you moved on" in w for w in card["to_work_on"])
    assert not any("stayed with their answer" in s for s in card["strengths"])


def test_staying_with_a_yes_closes_the_note(env: httpx.Client) -> None:
    pid = disclosed(env, seed=2)
    say(env, pid, "Are you having thoughts of ending your life?")
    stayed = say(env, pid, "Thank you for telling me. Have you thought about how or when?")
    assert stayed["coach_open"] is None
    card = env.post(f"/v1/practice/{pid}/end").json()
    assert not any("moved on" in w for w in card["to_work_on"])
    assert any("stayed with their answer" in s for s in card["strengths"])


@pytest.mark.parametrize(
    "question",
    [
        "Can you tell me about your plan, and when you've thought of doing it?",
        "Is there something at home you'd use?",
        "Do you have any pills or tablets saved up?",
    ],
)
def test_plan_and_means_questions_count_as_asking(env: httpx.Client, question: str) -> None:
    pid = disclosed(env)
    out = say(env, pid, question)
    assert out["coach_open"] is None
    card = env.post(f"/v1/practice/{pid}/end").json()
    assert card["risk"]["asked_about_safety"] is True
    assert card["risk"]["safety_questions_not_in_rq"] == 1


@pytest.mark.parametrize(
    "question",
    ["What's your plan for revision this week?", "What do you intend to study next year?"],
)
def test_an_ordinary_plan_is_not_a_safety_question(env: httpx.Client, question: str) -> None:
    pid = disclosed(env)
    assert say(env, pid, question)["coach_open"]  # the note to ask still stands


def test_are_you_safe_alone_is_not_asking_directly(env: httpx.Client) -> None:
    pid = disclosed(env)
    assert say(env, pid, "I'm worried about you. Are you safe right now?")["coach_open"]
    both = say(env, pid, "Are you safe right now, and are you thinking about ending your life?")
    assert both["coach_open"] is None or "said yes" in both["coach_open"]


def test_a_fair_talk_share_is_not_called_most_of_the_talking() -> None:
    from collections import Counter

    from theralab.dialogue.codes import MiscCode
    from theralab.serve.practice import feedback, miti_summary

    counts = Counter({MiscCode.OPEN_QUESTION: 2, MiscCode.SIMPLE_REFLECTION: 2})
    metrics = miti_summary(counts, trainee_words=55, client_words=45)
    strengths, _ = feedback(metrics, counts)
    assert not any("most of the talking" in s for s in strengths)
    assert any("moderate (55% your words" in s for s in strengths)
