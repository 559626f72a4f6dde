"""Durable conversation state (issue 16): the state keys, the typed state records, the
optimistic version check, retention, UI cookies that survive restarts, and `serve --check`."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve_support import LiveServer, make_app, needs_serve, new_key, sensitivities_asked

pytestmark = needs_serve


# --- keys -------------------------------------------------------------------------------------


def test_key_file_is_created_once_with_mode_0600_and_rotation_keeps_old_state(
    tmp_path: Path,
) -> None:
    from cryptography.fernet import Fernet

    from theralab.serve.keyring import StateUnreadable, load_keys

    path = tmp_path / "keys" / "state.key"
    first = load_keys(path, environ={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keys(path, environ={}).keys == first.keys  # read, not made again
    token = first.encrypt(b"saved state")
    assert b"saved state" not in token
    # rotation: a new key first, the old one after it — old state still opens, new state
    # is written with the new key
    new = Fernet.generate_key()
    path.write_text(new.decode() + "\n" + first.keys[0].decode() + "\n")
    rotated = load_keys(path, environ={})
    assert rotated.decrypt(token) == b"saved state"
    assert Fernet(new).decrypt(rotated.encrypt(b"x")) == b"x"
    dropped = load_keys(path, environ={"THERALAB_STATE_KEYS": new.decode()})
    assert dropped.source == "THERALAB_STATE_KEYS"
    with pytest.raises(StateUnreadable):
        dropped.decrypt(token)


def test_bad_keys_are_named_with_file_and_line(tmp_path: Path) -> None:
    from theralab.errors import TheraLabError
    from theralab.serve.keyring import load_keys

    path = tmp_path / "state.key"
    path.write_text("# comment\nnot-a-key\n")
    path.chmod(0o600)
    with pytest.raises(TheraLabError, match=r"state.key, line 2: not a Fernet key"):
        load_keys(path, environ={})
    with pytest.raises(TheraLabError, match="THERALAB_STATE_KEYS, line 1"):
        load_keys(path, environ={"THERALAB_STATE_KEYS": "short"})
    open_file = tmp_path / "open.key"
    open_file.write_text("")
    open_file.chmod(0o644)
    with pytest.raises(TheraLabError, match="readable by others"):
        load_keys(open_file, environ={})


# --- state records ----------------------------------------------------------------------------


def test_guardrail_state_round_trips_into_a_fresh_counselor() -> None:
    """Screener memory, crisis protocol and condition responder survive a dump and load:
    a means question after a disclosed stressor is `high` in the restored conversation."""
    from theralab.agents import Utterance
    from theralab.counselors.registry import CounselorRegistry
    from theralab.dialogue.records import Speaker
    from theralab.safety.guardrail import GuardedCounselor
    from theralab.safety.screener import default_screener
    from theralab.serve.state import ConversationState, capture, restore_guard

    screener = default_screener()

    def fresh() -> GuardedCounselor:
        return GuardedCounselor(CounselorRegistry(["cbt"]).inner("cbt", 3), screener=screener)

    counselor = fresh()
    history = [Utterance(Speaker.COUNSELOR, "Hello.")]

    async def say(c: GuardedCounselor, text: str) -> Any:
        history.append(Utterance(Speaker.CLIENT, text))
        reply = await c.respond(tuple(history))
        history.append(Utterance(Speaker.COUNSELOR, reply.text))
        return reply

    asyncio.run(say(counselor, "I lost my job and my partner moved out."))
    saved = capture(
        counselor,
        history,
        risk_peak=counselor_level(counselor),
        client_messages=1,
        next_seq=3,
        course_notes=None,
    )
    loaded = ConversationState.model_validate_json(saved.model_dump_json())
    assert loaded.guard.screener is not None and loaded.guard.screener.stressor_seen
    assert loaded.counselor is None  # scripted: rebuilt by replay
    restored = fresh()
    restore_guard(restored, loaded.guard, screener)
    means = asyncio.run(say(restored, "How many of my sleeping tablets would it take?"))
    assert means.annotations.risk == "high"
    # and without the saved memory the same question is not `high`
    bare = fresh()
    history[:] = [Utterance(Speaker.COUNSELOR, "Hello.")]
    alone = asyncio.run(say(bare, "How many of my sleeping tablets would it take?"))
    assert alone.annotations.risk != "high"
    # the crisis protocol keeps its place: the restored one has answered one crisis turn
    assert restored.protocol.turns == 1


def counselor_level(counselor: Any) -> Any:
    from theralab.safety.risk import RiskLevel

    conversation, _ = counselor.screening
    return conversation.peak if conversation is not None else RiskLevel.NONE


def test_model_counselor_state_is_saved_and_restored() -> None:
    from theralab.counselors.model_backed import llm_counselor
    from theralab.model.model import Model
    from theralab.safety.guardrail import GuardedCounselor
    from theralab.serve.redact import RedactingAgent
    from theralab.serve.state import counselor_state, restore_counselor

    def make() -> GuardedCounselor:
        model = Model.from_spec("vllm/stub", base_url="http://127.0.0.1:9/v1", cache=None)
        return GuardedCounselor(RedactingAgent(llm_counselor("cbt", model, seed=5)))

    one = make()
    inner = one.inner.inner  # type: ignore[attr-defined]
    inner.stage_index, inner.plan, inner.technique, inner.turn = 3, "plan", "reframing", 4
    saved = counselor_state(one)
    assert saved is not None and saved.stage_index == 3
    two = make()
    restore_counselor(two, saved)
    other = two.inner.inner  # type: ignore[attr-defined]
    assert (other.stage_index, other.plan, other.technique, other.turn) == (
        3,
        "plan",
        "reframing",
        4,
    )


# --- store: versions, end, retention ----------------------------------------------------------


def test_two_writers_of_the_same_turn_one_wins_and_nothing_half_written(tmp_path: Path) -> None:
    from theralab.serve.models import Conversation, Message
    from theralab.serve.store import StaleState, StateWrite, TurnRecord

    app = make_app(tmp_path / "v.db")
    store = app.state.store
    headers = {"Authorization": f"Bearer {new_key(app)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        cid = c.post("/v1/conversations", json={"modality": "mi"}).json()["conversation"]["id"]
    record = store.conversation(store.api_keys()[0].id, cid)
    assert store.state_version(cid) == 1
    later = datetime.now(UTC) + timedelta(hours=1)
    turns = [TurnRecord("client", "a"), TurnRecord("counselor", "b")]
    store.record_exchange(record, 1, turns, "none", False, {}, StateWrite(b"x", 1, later))
    assert store.state_version(cid) == 2
    messages = store.count(Message)
    with pytest.raises(StaleState):  # a second worker that also read version 1
        store.record_exchange(record, 1, turns, "none", False, {}, StateWrite(b"y", 1, later))
    assert store.count(Message) == messages and store.state_version(cid) == 2
    assert store.saved_state(cid).payload == b"x"  # type: ignore[union-attr]
    with store.sessions() as s:
        assert s.get(Conversation, cid).client_messages == 1  # type: ignore[union-attr]


def test_a_stale_worker_rebuilds_and_an_overtaken_turn_is_retried_or_409(tmp_path: Path) -> None:
    """Two app instances on one database stand in for two workers."""
    db = tmp_path / "two.db"
    a, b = make_app(db), make_app(db)
    headers = {"Authorization": f"Bearer {new_key(a)}"}
    with (
        LiveServer(a) as la,
        LiveServer(b) as lb,
        httpx.Client(base_url=la.url, headers=headers) as ca,
        httpx.Client(base_url=lb.url, headers=headers) as cb,
    ):
        cid = ca.post("/v1/conversations", json={"modality": "cbt"}).json()["conversation"]["id"]
        msg = {"text": "Work has been hard lately.", "stream": False}
        assert ca.post(f"/v1/conversations/{cid}/messages", json=msg).status_code == 200
        assert cb.post(f"/v1/conversations/{cid}/messages", json=msg).status_code == 200
        assert b.state.chat.rebuilt == 1
        # a now holds an older turn than the database: it catches up rather than overwrite
        assert ca.post(f"/v1/conversations/{cid}/messages", json=msg).status_code == 200
        assert a.state.chat.caught_up == 1 and a.state.chat.rebuilt == 0
        detail = ca.get(f"/v1/conversations/{cid}").json()
        assert [m["seq"] for m in detail["messages"]] == list(range(7))
        assert detail["conversation"]["client_messages"] == 3

        # a write that lost the race: b answers from version N while a already wrote N+1
        live_b = b.state.chat.live[cid]
        assert ca.post(f"/v1/conversations/{cid}/messages", json=msg).status_code == 200
        original = b.state.store.state_version

        def stale_read(conversation_id: str) -> int | None:  # b reads before a's write lands
            return live_b.version

        b.state.store.state_version = stale_read
        b.state.chat.conflict_retries = 0
        try:
            busy = cb.post(f"/v1/conversations/{cid}/messages", json=msg)
        finally:
            b.state.store.state_version = original
        assert busy.status_code == 409 and busy.json()["error"]["code"] == "conversation_busy"
        assert cid not in b.state.chat.live  # dropped: the next message rebuilds
        assert cb.post(f"/v1/conversations/{cid}/messages", json=msg).status_code == 200
        assert ca.get(f"/v1/conversations/{cid}").json()["conversation"]["client_messages"] == 5
        # with retries (the default) the overtaken turn is computed again on the newer state
        b.state.chat.conflict_retries = 3
        live_b = b.state.chat.live[cid]
        assert ca.post(f"/v1/conversations/{cid}/messages", json=msg).status_code == 200
        b.state.store.state_version = stale_read
        try:
            retried = cb.post(f"/v1/conversations/{cid}/messages", json=msg)
        finally:
            b.state.store.state_version = original
        assert retried.status_code == 200, retried.text
        detail = ca.get(f"/v1/conversations/{cid}").json()
        assert detail["conversation"]["client_messages"] == 7
        assert [m["seq"] for m in detail["messages"]] == list(range(15))
        conflicts = b.state.metrics.counters["theralab_conversation_conflicts_total"]
        assert sum(conflicts.values()) == 2


def test_ending_deletes_the_state_and_retention_ends_idle_conversations(tmp_path: Path) -> None:
    from theralab.serve.models import ConversationStateRow

    app = make_app(tmp_path / "r.db", state_retention_hours=1)
    store = app.state.store
    headers = {"Authorization": f"Bearer {new_key(app)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        ended = c.post("/v1/conversations", json={"modality": "mi"}).json()["conversation"]["id"]
        idle = c.post("/v1/conversations", json={"modality": "mi"}).json()["conversation"]["id"]
        assert store.count(ConversationStateRow) == 2
        assert c.post(f"/v1/conversations/{ended}/end").status_code == 200
        assert store.state_version(ended) is None and store.count(ConversationStateRow) == 1
        assert store.expire_states() == []  # not idle long enough
        assert store.expire_states(datetime.now(UTC) + timedelta(hours=2)) == [idle]
        assert store.count(ConversationStateRow) == 0
        gone = c.post(f"/v1/conversations/{idle}/messages", json={"text": "hi", "stream": False})
        assert gone.status_code == 409 and gone.json()["error"]["code"] == "conversation_ended"
        assert c.get(f"/v1/conversations/{idle}").json()["conversation"]["status"] == "ended"


# --- UI sessions ------------------------------------------------------------------------------


def test_ui_cookies_are_signed_shared_by_workers_and_expire() -> None:
    from theralab.serve.auth import Principal, UIAuth

    who = Principal("k", "web-ui", "ui")
    one = UIAuth(token="t", principal=who, secret=b"s" * 32)
    two = UIAuth(token="t", principal=who, secret=b"s" * 32)  # another worker, or a restart
    other = UIAuth(token="t", principal=who, secret=b"o" * 32)
    session = one.open_session()
    seen = two.session(session.id)
    assert seen is not None and seen.csrf == session.csrf
    assert other.session(session.id) is None
    body, _, mac = session.id.rpartition(".")
    assert two.session(f"{body}.{'A' * len(mac)}") is None
    sid, issued = body.split(".")
    assert two.session(f"{sid}.{int(issued) - 10}.{mac}") is None  # the time is signed too
    old = UIAuth(token="t", principal=who, secret=b"s" * 32, max_age=-1)
    assert old.session(session.id) is None
    one.close(session)
    assert one.session(session.id) is None


# --- serve --check ----------------------------------------------------------------------------


def test_serve_check_prints_what_is_stored_where_and_fails_on_bad_config(tmp_path: Path) -> None:
    import subprocess

    command = Path(sys.executable).with_name("theralab")
    env = {**os.environ, "THERALAB_SEMANTIC": "0", "THERALAB_STATE_KEYS": ""}

    def check(*args: str, **more_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(command), "serve", "--check", *args],
            capture_output=True,
            text=True,
            env={**env, **more_env},
            timeout=120,
        )

    good = check("--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert good.returncode == 0, good.stderr
    for words in ("conversation text", "not stored", "encrypted", "configuration OK", "workers"):
        assert words in good.stdout, good.stdout
    assert not (tmp_path / "c.key").exists()  # --check creates no key
    assert not (tmp_path / "c.db").exists()  # nor the database
    bad = check("--db", f"sqlite:///{tmp_path / 'c.db'}", THERALAB_STATE_KEYS="not-a-key")
    assert bad.returncode == 1
    assert "THERALAB_STATE_KEYS, line 1: not a Fernet key" in bad.stderr.replace("\n", " ")
    unreachable = check("--db", "postgresql://nobody@127.0.0.1:1/none")
    assert unreachable.returncode == 1
    assert "cannot open the database" in unreachable.stderr.replace("\n", " ")
    wrong = check("--log-format", "xml")
    assert wrong.returncode != 0
    ask = check("--db", f"sqlite:///{tmp_path / 'c.db'}", "--sensitivity", "ask")
    assert ask.returncode == 0 and "sensitivity ask" in ask.stdout, ask.stdout
    assert "sensitivity high" in good.stdout


def test_a_rebuilt_scripted_counselor_answers_as_the_original_would(tmp_path: Path) -> None:
    """Replaying only what the scripted counselor was asked (not the guardrail) rebuilds it
    exactly: the rebuilt worker's reply is the reply the original would have given."""
    from theralab.agents import Utterance
    from theralab.dialogue.records import Speaker
    from theralab.serve.auth import Principal
    from theralab.serve.schemas import ConversationCreate

    a, b = make_app(tmp_path / "r.db"), make_app(tmp_path / "r.db")
    key = a.state.store.ui_key()
    who = Principal(key.id, "ui", "api")
    lines = [
        "Work has been piling up and I can't switch off at night.",
        "My manager checks everything I do and I feel useless.",
        "I keep thinking I'm going to get fired.",
        "Maybe I could talk to my sister about it.",
        "I tried going for a walk yesterday and it helped a bit.",
    ]
    nxt = "I suppose I could ask for help with the deadlines."

    async def run() -> None:
        for modality in ("cbt", "mi", "person_centred"):
            made = await a.state.chat.create(who, ConversationCreate(modality=modality))
            cid = made.conversation.id
            for line in lines:
                await a.state.chat.reply(who, cid, line)
            original = a.state.chat.live[cid]
            expected = await original.counselor.respond(
                (*original.history, Utterance(Speaker.CLIENT, nxt))
            )
            rebuilt = await b.state.chat.reply(who, cid, nxt)
            assert rebuilt.reply == expected.text, modality
            # b answered two more; a's copy is behind and catches up by those two turns only
            for line in lines[:2]:
                await b.state.chat.reply(who, cid, line)
            current = b.state.chat.live[cid]
            expected = await current.counselor.respond(
                (*current.history, Utterance(Speaker.CLIENT, nxt))
            )
            caught_up = await a.state.chat.reply(who, cid, nxt)
            assert caught_up.reply == expected.text, modality

    asyncio.run(run())
    assert b.state.chat.rebuilt == 3 and a.state.chat.caught_up == 3


def test_metrics_count_requests_by_route_template_without_ids_or_content(tmp_path: Path) -> None:
    app = make_app(tmp_path / "m.db")
    headers = {"Authorization": f"Bearer {new_key(app)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url) as c:
        assert c.get("/v1/options").status_code == 401
        cid = c.post("/v1/conversations", json={"modality": "mi"}, headers=headers).json()[
            "conversation"
        ]["id"]
        said = "My evenings feel plumtreeward lately."
        c.post(f"/v1/conversations/{cid}/messages", json={"text": said}, headers=headers)
        page = c.get("/metrics")
    assert page.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = page.text
    assert 'theralab_requests_total{method="GET",route="unmatched",status="401"} 1' in text
    route = "/v1/conversations/{conversation_id}/messages"
    assert f'theralab_requests_total{{method="POST",route="{route}",status="200"}} 1' in text
    assert f'theralab_request_seconds_bucket{{route="{route}",le="+Inf"}} 1' in text
    assert 'theralab_guardrail_actions_total{action="passed",level="none"} 1' in text
    assert "# TYPE theralab_request_seconds histogram" in text
    assert cid not in text and "plumtreeward" not in text


def test_serve_passes_its_operating_point_to_the_screener(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`theralab serve --sensitivity ask` screens with that operating point too."""
    import theralab.serve.app as app_module
    from theralab.serve.settings import ServeSettings

    asked = sensitivities_asked(monkeypatch, app_module)
    monkeypatch.setenv("THERALAB_STATE_KEYS", "")
    settings = ServeSettings(db_url=f"sqlite:///{tmp_path / 's.db'}", sensitivity="ask", ui=False)
    app_module.create_app(settings)
    assert [str(s) for s in asked] == ["ask"]
