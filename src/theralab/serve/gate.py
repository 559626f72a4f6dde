"""The gate every API request passes before any route: size, then identity, then rate.

It runs as plain ASGI middleware ahead of FastAPI's body parsing, so a request that is too
large, unauthenticated or over its rate gets its 413 / 401 / 429 without its body being parsed
and without reaching a counselor or the store.
"""

from __future__ import annotations

import hmac
import json
import os
from http.cookies import SimpleCookie
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from theralab.serve.auth import (
    CSRF_HEADER,
    UI_COOKIE,
    KeyCache,
    Principal,
    UIAuth,
    UISession,
    UISessionKeys,
)
from theralab.serve.errors import error_body
from theralab.serve.limits import RateLimiter

API_PREFIX = "/v1/"
WORKER_HEADER = b"x-theralab-worker"  # which worker process answered (its pid)
UI_SIGNED_OUT = (
    "this web UI sign-in is no longer valid (a sign-in lasts 24 hours, and signing out in "
    "another tab ends it too); open the sign-in link again"
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


async def _send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    # the same bytes JSONResponse writes for the app's errors
    body = json.dumps(error_body(status, code, message), separators=(",", ":")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *_COMMON_HEADERS,
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def principal_of(scope: Scope) -> Principal | None:
    state = scope.get("state") or {}
    found = state.get("principal")
    return found if isinstance(found, Principal) else None


def ui_session_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return None
            if UI_COOKIE in jar:
                return jar[UI_COOKIE].value
    return None


class RequestGate:
    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: KeyCache,
        limiter: RateLimiter,
        max_body_bytes: int,
        ui: UIAuth | None,
        ui_keys: UISessionKeys | None = None,
    ) -> None:
        self.app = app
        self.ui_keys = ui_keys
        self.keys = keys
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.ui = ui
        self.worker = str(os.getpid()).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*_COMMON_HEADERS, (WORKER_HEADER, self.worker)]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body_bytes
            except ValueError:
                await _send_error(send, 400, "bad_request", "invalid Content-Length header")
                return
            if too_big:
                await _send_error(
                    send,
                    413,
                    "too_large",
                    f"the request body is {int(length)} bytes; the limit is {self.max_body_bytes}",
                )
                return
        if scope["path"].startswith(API_PREFIX):
            principal = await self._authenticate(scope, headers, send)
            if principal is None:
                return
            wait = self.limiter.check(principal.key_id, principal.rate_per_minute)
            if wait:
                await _send_error(
                    send,
                    429,
                    "rate_limited",
                    f"too many requests for this key; retry in {wait} s",
                    [(b"retry-after", str(wait).encode())],
                )
                return
            scope.setdefault("state", {})["principal"] = principal
        if length is None and scope["method"] not in _SAFE_METHODS:
            body = await self._read_bounded(receive)
            if body is None:
                await _send_error(
                    send, 413, "too_large", f"the request body exceeds {self.max_body_bytes} bytes"
                )
                return
            receive = _replay(body)
        await self.app(scope, receive, send_with_headers)

    async def _authenticate(
        self, scope: Scope, headers: dict[bytes, bytes], send: Send
    ) -> Principal | None:
        auth = headers.get(b"authorization")
        if auth is not None:
            scheme, _, token = auth.decode("latin-1").partition(" ")
            principal = None
            if scheme.lower() == "bearer" and token.strip():
                known, principal = self.keys.cached(token.strip())
                if not known:  # the database only on a cache miss, in a worker thread
                    principal = await anyio.to_thread.run_sync(self.keys.lookup, token.strip())
            if principal is None:
                await _send_error(
                    send,
                    401,
                    "unauthenticated",
                    "invalid or revoked API key (send Authorization: Bearer <key>)",
                    [(b"www-authenticate", b"Bearer")],
                )
            return principal
        cookie = ui_session_id(scope)
        session = self.ui.session(cookie) if self.ui is not None else None
        principal = (
            await self._ui_principal(self.ui, session)
            if self.ui is not None and session is not None
            else None
        )
        if session is None or principal is None:
            message = (
                UI_SIGNED_OUT
                if cookie is not None and self.ui is not None
                else "missing API key: send Authorization: Bearer <key> "
                "(create one with `theralab keys create --name NAME`)"
            )
            await _send_error(
                send,
                401,
                "unauthenticated",
                message,
                [(b"www-authenticate", b"Bearer")],
            )
            return None
        if scope["method"] not in _SAFE_METHODS:
            presented = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1")
            if not hmac.compare_digest(presented.encode(), session.csrf.encode()):
                await _send_error(
                    send, 403, "csrf", "missing or wrong X-CSRF-Token for this UI session"
                )
                return None
        return principal

    async def _ui_principal(self, ui: UIAuth, session: UISession) -> Principal | None:
        """The UI session's own identity, once its key row exists and is not signed out."""
        principal = ui.principal_for(session)
        if self.ui_keys is None:
            return principal
        usable = self.ui_keys.cached(principal.key_id)
        if usable is None:
            usable = await anyio.to_thread.run_sync(self.ui_keys.usable, principal.key_id)
        return principal if usable else None

    async def _read_bounded(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        return {"type": "http.disconnect"}  # pragma: no cover

    return receive  # type: ignore[return-value]
