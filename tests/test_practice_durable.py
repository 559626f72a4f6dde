"""Practice sessions are saved with every utterance (findings 4 and 12): any worker continues
any session, a restart loses nothing, `/end` scores what was stored, a trainer reads the
scorecard back later (GET /v1/practice/{id}, GET /v1/practice), and a session resumes after a
reload. Two apps on one database stand for two workers (or a server before and after a
restart): neither holds the other's sessions in memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve_support import LiveServer, make_app, needs_serve, new_key

pytestmark = needs_serve

PROFILE = "work-stress-nurse-amara"
LINES = [
    "What brings you in today?",
    "You're exhausted.",
    "Tell me more about the ward.",
    "It sounds like you keep going for everyone except yourself.",
    "What would you like to be different?",
]


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, httpx.Client, Any]]:
    """Two servers (workers) on one database, one key: (app A, client factory, app B)."""
    db = tmp_path_factory.mktemp("durable") / "p.db"
    app_a = make_app(db)
    key = new_key(app_a, rate=100_000)
    app_b = make_app(db)
    headers = {"Authorization": f"Bearer {key}"}
    with (
        LiveServer(app_a) as a,
        LiveServer(app_b) as b,
        httpx.Client(base_url=a.url, headers=headers, timeout=60) as ca,
        httpx.Client(base_url=b.url, headers=headers, timeout=60) as cb,
    ):
        yield (app_a, app_b), ca, cb


def _start(c: httpx.Client, seed: int = 5) -> str:
    r = c.post("/v1/practice", json={"profile_id": PROFILE, "seed": seed})
    assert r.status_code == 201, r.text
    assert r.json()["seed"] == seed
    return str(r.json()["id"])


def _say(c: httpx.Client, pid: str, text: str) -> dict[str, Any]:
    r = c.post(f"/v1/practice/{pid}/utterances", json={"text": text})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_any_worker_continues_any_session_word_for_word(two: Any) -> None:
    (app_a, app_b), ca, cb = two
    alone = _start(ca, seed=11)
    expected = [_say(ca, alone, line)["client_reply"] for line in LINES]

    pid = _start(ca, seed=11)
    replies = []
    for i, line in enumerate(LINES):  # A, B, A, B, A: every utterance on the other worker
        out = _say(ca if i % 2 == 0 else cb, pid, line)
        assert out["utterances"] == i + 1
        replies.append(out["client_reply"])
    assert replies == expected  # the replayed client is the same client
    assert app_b.state.practice.rebuilt >= 1 and app_a.state.practice.rebuilt >= 1
    card = cb.post(f"/v1/practice/{pid}/end").json()
    assert card["utterances"] == len(LINES) and card["seed"] == 11
    assert card["client_outcome"]["trust"][0] > 0
    assert ca.post(f"/v1/practice/{pid}/utterances", json={"text": "hi"}).status_code == 409


def test_a_restart_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    first = make_app(db)
    headers = {"Authorization": f"Bearer {new_key(first, rate=100_000)}"}
    with LiveServer(first) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        pid = _start(c)
        for line in LINES[:2]:
            _say(c, pid, line)
    again = make_app(db)  # a new process: nothing in memory
    with LiveServer(again) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        out = _say(c, pid, LINES[2])
        assert out["utterances"] == 3 and out["seq"] == 4
        card = c.post(f"/v1/practice/{pid}/end").json()
    assert card["utterances"] == 3 and sum(card["counts"].values()) >= 3
    assert again.state.practice.rebuilt == 1


def test_end_on_a_worker_that_never_held_it(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    first = make_app(db)
    headers = {"Authorization": f"Bearer {new_key(first, rate=100_000)}"}
    with LiveServer(first) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        pid = _start(c)
        _say(c, pid, "What brings you in today?")
        _say(c, pid, "Why don't you just take some time off?")
    other = make_app(db)
    with LiveServer(other) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        card = c.post(f"/v1/practice/{pid}/end").json()
    assert card["utterances"] == 2
    assert card["counts"].get("advise_without_permission") == 1


def test_parallel_utterances_across_workers_are_all_answered(two: Any) -> None:
    _, ca, cb = two
    pid = _start(ca)
    results: list[int] = []

    def hit(i: int) -> None:
        c = ca if i % 2 else cb
        r = c.post(f"/v1/practice/{pid}/utterances", json={"text": f"Tell me more, part {i}."})
        results.append(r.status_code)

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] * 6
    detail = ca.get(f"/v1/practice/{pid}").json()
    assert detail["utterances"] == 6 and len(detail["transcript"]) == 12
    seqs = [i for i, t in enumerate(detail["transcript"]) if t["speaker"] == "trainee"]
    assert seqs == [0, 2, 4, 6, 8, 10]


def test_a_trainer_reads_the_scorecard_back_later(two: Any) -> None:
    _, ca, cb = two
    pid = _start(ca, seed=3)
    _say(ca, pid, "What brings you in today?")
    _say(ca, pid, "You're letting your patients down.")
    active = cb.get(f"/v1/practice/{pid}").json()  # resume view, on the other worker
    assert active["status"] == "active" and active["scorecard"] is None
    assert [t["speaker"] for t in active["transcript"]] == ["trainee", "client"] * 2
    assert active["transcript"][2]["codes"][0]["code"] == "confront"
    assert {m["key"] for m in active["miti"]} >= {"r_q", "pct_mi_adherent"}

    ended = ca.post(f"/v1/practice/{pid}/end").json()
    later = cb.get(f"/v1/practice/{pid}").json()
    assert later["status"] == "ended" and later["transcript"] is None
    card = later["scorecard"]
    for key in ("miti", "counts", "strengths", "to_work_on", "risk", "flags", "client_outcome"):
        assert card[key] == ended[key], key
    assert card["cognitive_model"] == ended["cognitive_model"]  # rebuilt from what was said
    assert card["examples"] == {}  # text storage is off: the trainee's words were not kept

    listed = ca.get("/v1/practice", params={"status": "ended"}).json()
    assert pid in [item["id"] for item in listed["items"]]
    assert all(item["status"] == "ended" for item in listed["items"])
    assert cb.get("/v1/practice/prac_" + "0" * 24).status_code == 404


def test_another_key_cannot_read_a_session(two: Any) -> None:
    (app_a, _), ca, _ = two
    pid = _start(ca)
    other = {"Authorization": f"Bearer {new_key(app_a, name='other')}"}
    with httpx.Client(base_url=str(ca.base_url), headers=other) as c:
        assert c.get(f"/v1/practice/{pid}").status_code == 404
        assert c.post(f"/v1/practice/{pid}/end").status_code == 404
        assert pid not in [i["id"] for i in c.get("/v1/practice").json()["items"]]


def test_the_saved_state_is_encrypted_and_dropped_at_the_end(two: Any) -> None:
    (app_a, _), ca, _ = two
    from theralab.serve.models import PracticeSession

    pid = _start(ca)
    _say(ca, pid, "Tell me about the night shifts and the ward manager.")
    with app_a.state.store.sessions() as s:
        row = s.get(PracticeSession, pid)
        assert row is not None and set(row.scorecard) == {"state", "flags"}
        assert "ward manager" not in str(row.scorecard)  # encrypted
    ca.post(f"/v1/practice/{pid}/end")
    with app_a.state.store.sessions() as s:
        row = s.get(PracticeSession, pid)
        assert row is not None and "state" not in row.scorecard


def test_a_session_idle_past_the_retention_time_ends_with_its_scorecard(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    app = make_app(tmp_path / "x.db", state_retention_hours=1)
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        pid = _start(c)
        _say(c, pid, "What brings you in today?")
        service = app.state.practice
        held = service.live[pid]
        held.state.updated_at = datetime.now(UTC) - timedelta(hours=2)
        held.version = -1  # as a worker that does not hold it: read the saved state
        with app.state.store.sessions() as s, s.begin():
            from theralab.serve.models import PracticeSession

            row = s.get(PracticeSession, pid)
            assert row is not None
            row.scorecard = {"state": service._encrypt(held.state), "flags": []}
        late = c.post(f"/v1/practice/{pid}/utterances", json={"text": "Still there?"})
        assert late.status_code == 409 and late.json()["error"]["code"] == "practice_ended"
        card = c.get(f"/v1/practice/{pid}").json()["scorecard"]
        assert card["status"] == "expired" and card["utterances"] == 1
