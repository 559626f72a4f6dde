"""Practice mode over HTTP: codes per trainee utterance, the running MITI, the scorecard, the
revealed cognitive model, risk coaching, and an LLM client behind PII redaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve_support import LiveServer, make_app, needs_serve, new_key

pytestmark = needs_serve


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, httpx.Client]]:
    app = make_app(tmp_path_factory.mktemp("practice") / "p.db")
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        yield app, c


def utter(c: httpx.Client, pid: str, text: str) -> dict[str, Any]:
    response = c.post(f"/v1/practice/{pid}/utterances", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_practice_session_end_to_end(env: tuple[Any, httpx.Client]) -> None:
    app, c = env
    created = c.post(
        "/v1/practice", json={"profile_id": "grief-pharmacist-hamid", "style": "reserved"}
    )
    assert created.status_code == 201
    body = created.json()
    pid = body["id"]
    assert body["style"] == "reserved" and body["profile"]["name"] == "Hamid"
    assert "core_beliefs" not in json.dumps(body)  # nothing revealed up front

    first = utter(c, pid, "Hi Hamid, what brings you in today?")
    assert [x["code"] for x in first["codes"]] == ["open_question"]
    assert first["codes"][0]["group"] == "question" and first["client_reply"]
    second = utter(
        c,
        pid,
        "It sounds like the house feels very empty without her. You should clear out her things.",
    )
    groups = [x["group"] for x in second["codes"]]
    assert groups == ["reflection", "non_adherent"]
    miti = {m["key"]: m for m in second["miti"]}
    assert miti["r_q"]["value"] == 1.0 and miti["r_q"]["band"] == "fair"
    assert miti["pct_mi_adherent"]["value"] == 0.0 and miti["pct_mi_adherent"]["band"] == "below"
    assert miti["pct_open_questions"]["fair"] == 50 and miti["pct_open_questions"]["good"] == 70
    assert miti["pct_counselor_talk"]["higher_is_better"] is False

    card = c.post(
        f"/v1/practice/{pid}/end",
        json={
            "inferred": {
                "core_belief_categories": ["helpless", "unlovable"],
                "emotions": ["sad", "angry"],
                "automatic_thought": "Letting go of her things betrays her",
            }
        },
    ).json()
    assert card["utterances"] == 2 and card["counts"]["advise_without_permission"] == 1
    assert any("permission" in line for line in card["to_work_on"])
    model = card["cognitive_model"]
    assert model["core_beliefs"] and model["situations"][0]["automatic_thoughts"]
    assert all(isinstance(b["surfaced"], bool) for b in model["core_beliefs"])
    cats = card["comparison"]["core_belief_categories"]
    assert cats["matched"] == ["helpless"] and cats["extra"] == ["unlovable"]
    assert "worthless" in cats["missed"]
    assert (
        card["comparison"]["automatic_thought"]["yours"] == "Letting go of her things betrays her"
    )
    assert card["client_outcome"]["trust"][0] > 0
    # the session is over, and the trainee's words were not stored (text storage is off)
    assert c.post(f"/v1/practice/{pid}/utterances", json={"text": "hi"}).status_code == 409
    from theralab.serve.models import PracticeSession, PracticeTurn

    with app.state.store.sessions() as s:
        turns = s.query(PracticeTurn).filter_by(practice_id=pid).all()
        stored = s.get(PracticeSession, pid)
    assert [t.text for t in turns] == [None] * 4 and turns[0].codes == ["open_question"]
    assert stored is not None and stored.status == "ended"
    assert "Letting go of her things betrays her" not in json.dumps(stored.scorecard)


def test_risk_disclosure_brings_coaching_and_a_safety_check(env: tuple[Any, httpx.Client]) -> None:
    _, c = env
    pid = c.post(
        "/v1/practice", json={"profile_id": "low-mood-risk-store-clerk-bayu", "seed": 3}
    ).json()["id"]
    lines = [
        "Hi, what brings you in today?",
        "It sounds like things have been really heavy lately.",
        "You've been carrying a lot on your own.",
        "How have you been feeling in yourself these past weeks?",
        "It sounds like part of you feels hopeless.",
        "Sometimes when people feel this low they have thoughts of not wanting to be alive. "
        "Have you had thoughts like that?",
        "You've been really brave telling me this.",
        "Are you thinking about ending your life?",
    ]
    coached = []
    for line in lines:
        out = utter(c, pid, line)
        if out["coach"]:
            coached.append(out["coach"])
    assert any("safety" in note for note in coached)
    utter(c, pid, "Thank you for telling me. Are you safe right now?")
    card = c.post(f"/v1/practice/{pid}/end").json()
    assert card["risk"]["disclosed"] is True and card["risk"]["asked_about_safety"] is True
    assert card["comparison"] is None


def test_practice_refuses_what_it_cannot_do(env: tuple[Any, httpx.Client]) -> None:
    _, c = env
    missing = c.post("/v1/practice", json={"profile_id": "no-such-client"})
    assert missing.status_code == 404
    llm = c.post("/v1/practice", json={"profile_id": "grief-pharmacist-hamid", "client": "llm"})
    assert llm.status_code == 422 and llm.json()["error"]["code"] == "model_required"
    bad = c.post("/v1/practice", json={"profile_id": "../../etc/passwd"})
    assert bad.status_code == 422
    unknown = c.post("/v1/practice/prac_" + "0" * 24 + "/utterances", json={"text": "hi"})
    assert unknown.status_code == 404


def test_llm_client_gets_redacted_text(tmp_path: Path) -> None:
    from theralab.model.stub_server import StubServer

    with StubServer(reply="I suppose it has been hard.") as stub:
        app = make_app(tmp_path / "llm.db", client_model="vllm/stub", base_url=stub.base_url)
        headers = {"Authorization": f"Bearer {new_key(app)}"}
        with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
            assert c.get("/v1/options").json()["client_engines"] == ["scripted", "llm"]
            pid = c.post(
                "/v1/practice", json={"profile_id": "panic-student-imani", "client": "llm"}
            ).json()["id"]
            out = utter(c, pid, "Hi, I'm Dr Okonkwo; reach me at 020 7946 0958. What's up?")
            assert out["client_reply"] and out["codes"]
            sent = json.dumps(stub.bodies)
            assert "Okonkwo" not in sent and "7946" not in sent and "[PHONE]" in sent
