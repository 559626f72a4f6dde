"""Unauthenticated, oversized, malformed and injection-laden requests: a clear 4xx JSON error,
and nothing reaches the counselor or the conversation store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.serve_support import LiveServer, make_app, needs_serve, new_key

pytestmark = needs_serve


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    app = make_app(
        tmp_path_factory.mktemp("sec") / "s.db",
        store_text=True,
        max_message_chars=500,
        max_body_bytes=4096,
    )
    key = new_key(app, rate=100_000)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=10) as c:
        auth = {"Authorization": f"Bearer {key}"}
        created = c.post("/v1/conversations", json={"modality": "cbt"}, headers=auth).json()
        yield {"app": app, "client": c, "auth": auth, "cid": created["conversation"]["id"]}


def _state(app: Any) -> tuple[int, int, int]:
    from theralab.serve.models import Conversation, Message

    store = app.state.store
    return app.state.chat.counselor_turns, store.count(Message), store.count(Conversation)


def _rejected(
    env: dict[str, Any], status: int, code: str | None, method: str, path: str, **kw: Any
) -> dict[str, Any]:
    before = _state(env["app"])
    response = env["client"].request(method, path, **kw)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    if code is not None:
        assert error["code"] == code
    assert _state(env["app"]) == before, "a rejected request reached the counselor or the store"
    return error


def test_missing_key_is_401(env: dict[str, Any]) -> None:
    cid = env["cid"]
    error = _rejected(
        env,
        401,
        "unauthenticated",
        "POST",
        f"/v1/conversations/{cid}/messages",
        json={"text": "hi"},
    )
    assert "theralab keys create" in error["message"]
    _rejected(env, 401, "unauthenticated", "POST", "/v1/conversations", json={"modality": "cbt"})
    _rejected(env, 401, "unauthenticated", "GET", "/v1/conversations")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tl_not-a-real-key",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer ' OR '1'='1",
        "tl_missing_scheme",
    ],
)
def test_bad_keys_are_401(env: dict[str, Any], header: str) -> None:
    response = env["client"].get("/v1/conversations", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    _rejected(
        env,
        401,
        "unauthenticated",
        "POST",
        f"/v1/conversations/{env['cid']}/messages",
        json={"text": "hello"},
        headers={"Authorization": header},
    )


def test_unauthenticated_oversized_request_is_refused_before_reading(env: dict[str, Any]) -> None:
    _rejected(
        env,
        413,
        "too_large",
        "POST",
        f"/v1/conversations/{env['cid']}/messages",
        content=b"x" * 10_000,
    )


def test_oversized_body_is_413(env: dict[str, Any]) -> None:
    big = '{"text": "' + "a" * 5000 + '"}'
    error = _rejected(
        env,
        413,
        "too_large",
        "POST",
        f"/v1/conversations/{env['cid']}/messages",
        content=big,
        headers={**env["auth"], "content-type": "application/json"},
    )
    assert "4096" in error["message"]


def test_oversized_chunked_body_is_413(env: dict[str, Any]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"b" * 500
        yield b'"}'

    _rejected(
        env,
        413,
        "too_large",
        "POST",
        f"/v1/conversations/{env['cid']}/messages",
        content=chunks(),
        headers={**env["auth"], "content-type": "application/json"},
    )


def test_message_over_the_character_limit_is_413(env: dict[str, Any]) -> None:
    error = _rejected(
        env,
        413,
        "message_too_long",
        "POST",
        f"/v1/conversations/{env['cid']}/messages",
        json={"text": "word " * 150},
        headers=env["auth"],
    )
    assert "500" in error["message"]


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b'{"text": "unterminated', 400, "malformed_json"),
        (b"text=hello", 400, "malformed_json"),
        (b"[1, 2, 3]", 400, "malformed_body"),
        (b'{"text": 42}', 422, "invalid_request"),
        (b'{"text": ""}', 422, "invalid_request"),
        (b'{"text": "   "}', 422, "invalid_request"),
        (b'{"text": "hi\\u0000there"}', 422, "invalid_request"),
        (b'{"text": "hi", "role": "system"}', 422, "invalid_request"),
        (b'{"message": "hi"}', 422, "invalid_request"),
        (b'{"text": "hi", "stream": "yes please"}', 422, "invalid_request"),
    ],
)
def test_malformed_messages(env: dict[str, Any], content: bytes, status: int, code: str) -> None:
    _rejected(
        env,
        status,
        code,
        "POST",
        f"/v1/conversations/{env['cid']}/messages",
        content=content,
        headers={**env["auth"], "content-type": "application/json"},
    )


@pytest.mark.parametrize(
    "body",
    [
        {"modality": "cbt", "locale": "en-US<script>alert(1)</script>"},
        {"modality": "cbt", "locale": "'; DROP TABLE conversations; --"},
        {"modality": "cbt", "user_id": "robert'); DROP TABLE memories;--  "},
        {"modality": "cbt", "user_id": "a" * 500},
        {"modality": ["cbt"]},
        {"modality": "cbt", "guardrail": False},
        {"modality": "cbt", "no_guardrail": True},
    ],
)
def test_malformed_or_guardrail_disabling_creates_are_422(
    env: dict[str, Any], body: dict[str, Any]
) -> None:
    _rejected(
        env, 422, "invalid_request", "POST", "/v1/conversations", json=body, headers=env["auth"]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/v1/conversations/conv_' OR 1=1 --/messages",
        "/v1/conversations/%2e%2e%2f%2e%2e%2fetc%2fpasswd/messages",
        "/v1/conversations/<script>/messages",
        "/v1/conversations/conv_0000/messages",
    ],
)
def test_malformed_ids_never_reach_a_lookup(env: dict[str, Any], path: str) -> None:
    before = _state(env["app"])
    response = env["client"].post(path, json={"text": "hello"}, headers=env["auth"])
    assert response.status_code in (404, 422), response.text
    assert response.json()["error"]["status"] == response.status_code
    assert _state(env["app"]) == before


def test_unknown_conversation_is_404(env: dict[str, Any]) -> None:
    _rejected(
        env,
        404,
        "not_found",
        "POST",
        "/v1/conversations/conv_" + "0" * 24 + "/messages",
        json={"text": "hello"},
        headers=env["auth"],
    )


@pytest.mark.parametrize(
    "payload",
    [
        "'; DROP TABLE messages; --",
        "Robert'); DELETE FROM conversations WHERE ('1'='1",
        "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>",
        "{{7*7}} ${7*7} <%= 7*7 %>",
    ],
)
def test_injection_text_in_a_valid_message_is_stored_verbatim_and_harmless(
    env: dict[str, Any], payload: str
) -> None:
    from theralab.serve.models import Conversation

    store = env["app"].state.store
    conversations = store.count(Conversation)
    cid = env["cid"]
    response = env["client"].post(
        f"/v1/conversations/{cid}/messages",
        json={"text": payload, "stream": False},
        headers=env["auth"],
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "49" not in response.json()["reply"]  # nothing evaluated the template syntax
    detail = env["client"].get(f"/v1/conversations/{cid}", headers=env["auth"]).json()
    assert payload in [m["text"] for m in detail["messages"]]
    assert store.count(Conversation) == conversations  # the tables are all still there


def test_ui_cookie_without_csrf_token_is_403(env: dict[str, Any]) -> None:
    app = env["app"]
    session = app.state.ui.open_session()
    cookie = {"cookie": f"theralab_ui={session.id}"}
    c: httpx.Client = env["client"]
    c.cookies.clear()
    try:
        assert c.get("/v1/conversations", headers=cookie).status_code == 200
        before = _state(app)
        denied = c.post("/v1/conversations", json={"modality": "cbt"}, headers=cookie)
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "csrf"
        wrong = c.post(
            "/v1/conversations",
            json={"modality": "cbt"},
            headers={**cookie, "x-csrf-token": "guess"},
        )
        assert wrong.status_code == 403
        assert _state(app) == before
        ok = c.post(
            "/v1/conversations",
            json={"modality": "cbt"},
            headers={**cookie, "x-csrf-token": session.csrf},
        )
        assert ok.status_code == 201
        forged = c.get("/v1/conversations", headers={"cookie": "theralab_ui=forged"})
        assert forged.status_code == 401
    finally:
        c.cookies.clear()


def test_pages_need_the_login_link(env: dict[str, Any]) -> None:
    c: httpx.Client = env["client"]
    c.cookies.clear()
    assert c.get("/chat").status_code == 401
    assert c.get("/login", params={"token": "wrong"}).status_code == 401
    good = c.get("/login", params={"token": env["app"].state.ui.token}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"] == "/chat"
    cookie = good.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = c.get("/chat")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "//" not in page.text.replace("http://www.w3.org", "")  # no CDN, no external assets
    c.cookies.clear()
