"""The web UI's sessions and the API's edges after the serve/UI test report: each UI sign-in
is its own identity (conversations, memory, rate), signing out reaches every worker, out of
range offsets and undecodable bodies are JSON errors, an idle conversation ends on time even
in memory, the body limit fits the message limit, and `theralab keys` refuses ambiguity."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.serve_support import LiveServer, make_app, needs_serve, new_key

pytestmark = needs_serve
runner = CliRunner()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, LiveServer]]:
    app = make_app(tmp_path_factory.mktemp("uifix") / "u.db", burst=12, rate_per_minute=60)
    with LiveServer(app) as live:
        yield app, live


@contextmanager
def sign_in(app: Any, live: LiveServer) -> Iterator[httpx.Client]:
    """A browser of its own: signs in with the link and sends the page's CSRF token."""
    with httpx.Client(base_url=live.url, timeout=20) as client:
        signed = client.get("/login", params={"token": app.state.ui.token}, follow_redirects=True)
        assert signed.status_code == 200, signed.text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', signed.text)
        assert csrf is not None
        client.headers["x-csrf-token"] = csrf.group(1)
        yield client


def test_each_ui_sign_in_has_its_own_conversations_and_memory(
    site: tuple[Any, LiveServer],
) -> None:
    app, live = site
    with sign_in(app, live) as a, sign_in(app, live) as b:
        first = a.post("/v1/conversations", json={"modality": "cbt", "user_id": "jo"})
        assert first.status_code == 201, first.text
        cid = first.json()["conversation"]["id"]
        said = a.post(
            f"/v1/conversations/{cid}/messages",
            json={"text": "My marriage is falling apart and I drink a lot.", "stream": False},
        )
        assert said.status_code == 200
        assert a.post(f"/v1/conversations/{cid}/end").json()["memory_saved"] is True
        # the same sign-in remembers "jo"…
        again = a.post("/v1/conversations", json={"modality": "cbt", "user_id": "jo"}).json()
        assert (again["memory_recap"] or "").startswith("Welcome back")
        # …another sign-in typing the same pseudonym learns nothing of it
        other = b.post("/v1/conversations", json={"modality": "cbt", "user_id": "jo"}).json()
        assert other["memory_recap"] is None
        assert "drink" not in other["greeting"] and "marriage" not in other["greeting"]
        listed = {c["id"] for c in b.get("/v1/conversations").json()["items"]}
        assert cid not in listed and other["conversation"]["id"] in listed
        assert b.get(f"/v1/conversations/{cid}").status_code == 404
        assert b.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}).status_code == 404


def test_each_ui_sign_in_has_its_own_rate_limit(site: tuple[Any, LiveServer]) -> None:
    app, live = site
    with sign_in(app, live) as a, sign_in(app, live) as b:
        codes = [a.get("/v1/options").status_code for _ in range(20)]
        assert 429 in codes
        limited = a.get("/v1/options")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert b.get("/v1/options").status_code == 200  # another person is not held up


def test_signing_out_ends_the_session_in_every_worker(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    one, two = make_app(db), make_app(db)  # two workers (same database, same state key)
    with LiveServer(one) as a_live, LiveServer(two) as b_live:
        with sign_in(one, a_live) as browser:
            cookie = browser.cookies.get("theralab_ui")
            assert cookie is not None
            out = browser.get("/logout", follow_redirects=False)
            assert out.status_code == 303 and out.headers["location"] == "/?reason=signed-out"
            assert out.headers["clear-site-data"] == '"storage"'  # the tab's kept transcript
        with httpx.Client(base_url=b_live.url, cookies={"theralab_ui": cookie}) as elsewhere:
            refused = elsewhere.get("/v1/conversations")
            assert refused.status_code == 401
            assert "sign-in link" in refused.json()["error"]["message"]
            page = elsewhere.get("/", params={"reason": "signed-out"})
            assert page.status_code == 401 and "You have signed out" in page.text
            assert "999" in page.text  # the sign-in page still names emergency numbers


def test_the_chat_page_carries_crisis_lines_and_a_sign_out_control(
    site: tuple[Any, LiveServer],
) -> None:
    app, live = site
    with sign_in(app, live) as browser:
        page = browser.get("/chat").text
    found = re.search(r'<script type="application/json" id="crisis-lines">(.*?)</script>', page)
    assert found is not None
    lines = json.loads(found.group(1))
    assert lines["en-GB"]["emergency"] == "999"
    assert any("Samaritans" in r for r in lines["en-GB"]["resources"])
    assert lines["en"]["resources"]  # the generic list for anywhere else
    assert 'href="/logout"' in page and ">Sign out<" in page
    assert "<h1" in page and 'class="skip-link" href="#main"' in page


def test_out_of_range_offsets_are_json_422(site: tuple[Any, LiveServer]) -> None:
    app, live = site
    auth = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with httpx.Client(base_url=live.url, headers=auth) as c:
        for offset in (str(2**63), str(10**30), "1000000001", "-1"):
            got = c.get("/v1/conversations", params={"offset": offset})
            assert got.status_code == 422, (offset, got.text)
            assert got.json()["error"]["code"] == "invalid_request"
        assert c.get("/v1/conversations", params={"offset": "1000000000"}).status_code == 200


def test_a_body_that_is_not_utf8_is_malformed_json(site: tuple[Any, LiveServer]) -> None:
    app, live = site
    auth = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with httpx.Client(base_url=live.url, headers=auth) as c:
        cid = c.post("/v1/conversations", json={"modality": "cbt"}).json()["conversation"]["id"]
        got = c.post(
            f"/v1/conversations/{cid}/messages",
            content='{"text":"café is where I cry","stream":false}'.encode("latin-1"),
            headers={"content-type": "application/json; charset=latin-1"},
        )
        assert got.status_code == 400
        assert got.json()["error"]["code"] == "malformed_json"
        assert "UTF-8" in got.json()["error"]["message"]


def test_gate_errors_are_formatted_like_app_errors(site: tuple[Any, LiveServer]) -> None:
    _, live = site
    with httpx.Client(base_url=live.url) as c:
        gate = c.get("/v1/options")  # 401 from the gate
        app_error = c.get("/nowhere")  # 404 from the app
    assert gate.status_code == 401 and app_error.status_code == 404
    assert gate.text.startswith('{"error":{"status":401,')
    assert app_error.text.startswith('{"error":{"status":404,')


def test_an_idle_conversation_held_in_memory_ends_when_its_time_is_up(tmp_path: Path) -> None:
    """The sweep ends idle conversations every few minutes; a message that arrives after the
    retention time but before the sweep must not continue the conversation."""
    import anyio

    from theralab.serve.auth import Principal
    from theralab.serve.errors import APIError
    from theralab.serve.schemas import ConversationCreate

    app = make_app(tmp_path / "idle.db", state_retention_hours=1.0 / 3600)  # one second
    chat = app.state.chat
    key = app.state.store.ui_key()
    who = Principal(key.id, "test", "api")

    async def run() -> str:
        created = await chat.create(who, ConversationCreate(modality="cbt"))
        cid = created.conversation.id
        assert cid in chat.live  # held in memory: no sweep runs here (no lifespan)
        await anyio.sleep(1.3)
        with pytest.raises(APIError) as ended:
            await chat.reply(who, cid, "Are you still there?")
        assert ended.value.status == 409 and ended.value.code == "conversation_ended"
        return cid

    cid = anyio.run(run)
    assert app.state.store.conversation(key.id, cid).status == "ended"
    assert cid not in chat.live


def test_the_body_limit_fits_the_longest_message() -> None:
    from theralab.serve.settings import ServeSettings

    assert ServeSettings().max_body_bytes == 64 * 1024
    wide = ServeSettings(max_message_chars=100_000)
    assert wide.max_body_bytes >= 4 * 100_000  # 100,000 emoji fit
    with pytest.raises(ValueError, match="too small"):
        ServeSettings(max_message_chars=100_000, max_body_bytes=64 * 1024)
    with pytest.raises(ValueError):
        ServeSettings(max_message_chars=100_001)


def test_serve_check_refuses_bad_numbers(tmp_path: Path) -> None:
    from theralab.cli import app as cli

    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    for bad in (
        ["--graceful-timeout", "-5"],
        ["--max-message-chars", "200000"],
        ["--max-message-chars", "0"],
        ["--rate-limit", "0"],
        ["--burst", "0"],
    ):
        result = runner.invoke(cli, ["serve", "--check", *db, *bad])
        assert result.exit_code == 2, (bad, result.output)
    good = runner.invoke(cli, ["serve", "--check", *db, "--graceful-timeout", "0"])
    assert good.exit_code == 0, good.output


def test_keys_refuse_duplicate_names_and_ambiguous_revokes(tmp_path: Path) -> None:
    from theralab.cli import app as cli
    from theralab.serve.auth import create_key
    from theralab.serve.db import make_engine
    from theralab.serve.store import Store

    url = f"sqlite:///{tmp_path / 'k.db'}"
    db = ["--db", url]
    assert runner.invoke(cli, ["keys", "create", "--name", "pilot", *db]).exit_code == 0
    twice = runner.invoke(cli, ["keys", "create", "--name", "pilot", *db])
    assert twice.exit_code == 2 and "already named 'pilot'" in twice.output
    # a database from before names were unique: two active keys share a name
    store = Store(make_engine(url))
    create_key(store, "pilot")
    ambiguous = runner.invoke(cli, ["keys", "revoke", "pilot", *db])
    assert ambiguous.exit_code == 2
    prefixes = [k.prefix for k in store.api_keys()]
    assert all(p in ambiguous.output for p in prefixes), ambiguous.output
    assert all(k.revoked_at is None for k in store.api_keys())  # nothing was revoked
    one = runner.invoke(cli, ["keys", "revoke", prefixes[0], *db])
    assert one.exit_code == 0 and prefixes[0] in one.output
    assert [k.revoked_at is None for k in store.api_keys()] == [False, True]
    # now the name is free again for a new key
    assert runner.invoke(cli, ["keys", "create", "--name", "pilot", *db]).exit_code == 2
    assert runner.invoke(cli, ["keys", "revoke", "pilot", *db]).exit_code == 0
    assert runner.invoke(cli, ["keys", "create", "--name", "pilot", *db]).exit_code == 0


def test_keys_list_on_a_missing_database_says_so_and_creates_nothing(tmp_path: Path) -> None:
    from theralab.cli import app as cli

    typo = tmp_path / "typo" / "x.db"
    for command in (["keys", "list"], ["keys", "revoke", "pilot"]):
        result = runner.invoke(cli, [*command, "--db", f"sqlite:///{typo}"])
        assert result.exit_code == 2 and "no database at" in result.output, result.output
    assert not typo.parent.exists()


def test_ui_session_identities_are_stable_and_distinct() -> None:
    from theralab.serve.auth import Principal, UIAuth

    who = Principal("k", "web-ui", "ui")
    one = UIAuth(token="t", principal=who, secret=b"s" * 32)
    two = UIAuth(token="t", principal=who, secret=b"s" * 32)  # another worker, or a restart
    first, second = one.open_session(), one.open_session()
    seen = two.session(first.id)
    assert seen is not None
    assert two.principal_for(seen).key_id == one.principal_for(first).key_id
    assert one.principal_for(first).key_id != one.principal_for(second).key_id
    assert len(one.key_id(first)) == 32  # fits api_keys.id
