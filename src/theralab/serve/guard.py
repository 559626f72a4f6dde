"""`theralab guard`: the crisis guardrail as an OpenAI-compatible proxy in front of any model.

A client (the official `openai` SDK, or anything that speaks the chat-completions API) points
its `base_url` at the proxy and sends a key from `theralab keys create` as its API key. For
each `POST /v1/chat/completions`:

Each request goes through `GuardedCounselor` — the same guardrail TheraLab's own counselors
run behind — with upstream as the counselor:

1. The user turns of `messages` are screened in order by one conversation screener (risk
   persists: the peak of the conversation counts, not only the latest message); a broken
   screener fails closed.
2. At crisis level (`moderate`+) the crisis protocol answers, with resources for the locale
   (`X-TheraLab-Locale` header, else `--locale`); a condition below it (delusion, voices,
   mania, OCD, eating disorder) gets the condition responder. Upstream is not called.
3. Otherwise the request goes to upstream unchanged (except `stream`, see below); the reply is
   checked with the reply checker against the conversation and, if blocked, replaced by the
   safe reply; at `low` the guardrail's check-in is appended (action `check_in`).
4. Any upstream failure (refused connection, timeout, HTTP error, a body that is not a chat
   completion, an empty reply) yields the safe reply with HTTP 200 — never a 500.

The proxy keeps no state between requests: the crisis protocol starts from its first step on
each request.

Every answer carries `X-TheraLab-Risk` / `X-TheraLab-Action` headers and a `theralab: {risk,
action}` field. Streaming requests (`stream: true`) are answered as server-sent events, but the
proxy reads the whole upstream reply first and checks it before releasing it sentence by
sentence: a blocked sentence is never sent (the latency gain of upstream streaming is given up).

Keys, per-key rate limits and the body size limit are `theralab serve`'s (`RequestGate`,
`KeyCache`, `RateLimiter`, same database). The audit log gets one `guard.completion` event per
request with the risk level, action, upstream status and timing — never any text.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from theralab import __version__
from theralab.agents import Reply, Utterance
from theralab.dialogue.records import AgentSpec, Speaker
from theralab.safety.guardrail import GuardedCounselor
from theralab.safety.risk import RiskAssessment
from theralab.safety.screener import Screener, default_screener
from theralab.serve.auth import KeyCache, Principal
from theralab.serve.errors import error_response, http_error_handler
from theralab.serve.gate import RequestGate, principal_of
from theralab.serve.limits import RateLimiter
from theralab.serve.screening import serving_screener

LOCALE_HEADER = "x-theralab-locale"
ACTIONS = ("passed", "check_in", "condition", "crisis", "blocked", "upstream_error", "error")
LOCAL_PRINCIPAL = Principal("local", "no-auth", "api")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class GuardSettings:
    """What `theralab guard` is started with."""

    upstream: str  # OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1
    auth: bool = True
    db_url: str | None = None  # the key store (serve's); default: serve's default database
    locale: str | None = "en-US"
    upstream_api_key: str | None = None  # sent to upstream; the client's key never is
    timeout: float = 60.0
    rate_per_minute: int = 120
    burst: int = 30
    max_body_bytes: int = 256 * 1024


@dataclass(frozen=True)
class GuardResult:
    """One answered completion: the reply text, what the guardrail did, and upstream's body."""

    text: str
    risk: RiskAssessment
    action: str
    upstream: dict[str, Any] | None = None
    resources: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    upstream_status: int | None = None


class _LocalGate(RequestGate):
    """`--no-auth`: serve's gate (size and rate limits) with every caller as one local user."""

    async def _authenticate(
        self, scope: Scope, headers: dict[bytes, bytes], send: Send
    ) -> Principal | None:
        return LOCAL_PRINCIPAL


def _text_of(content: Any) -> str:
    """A message's text: a string, or the text parts of an OpenAI content-part list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            str(p.get("text", ""))
            for p in content
            if isinstance(p, dict) and p.get("type") in ("text", "input_text")
        ]
        return " ".join(p for p in parts if p)
    return ""


def sentences(text: str) -> list[str]:
    """Split a reply into sentences (kept with their punctuation) for streaming."""
    return [s for s in _SENTENCE.split(text.strip()) if s]


def conversation_of(messages: Sequence[Any]) -> list[Utterance]:
    """The chat as the guardrail sees it: user turns as the client's, assistant turns as the
    counselor's (system and tool messages are the bot's business, not the conversation)."""
    speakers = {"user": Speaker.CLIENT, "assistant": Speaker.COUNSELOR}
    return [
        Utterance(speakers[m["role"]], _text_of(m.get("content")))
        for m in messages
        if isinstance(m, dict) and m.get("role") in speakers
    ]


class _Upstream:
    """Upstream as the guardrail's inner counselor: one call with the client's own request
    (TheraLab adds nothing to it); its body is kept for the answer, its failure named."""

    spec = AgentSpec(name="upstream", engine="external")

    def __init__(self, guard: Guard, body: dict[str, Any]) -> None:
        self.guard = guard
        self.body = {**body, "stream": False}
        self.body.pop("stream_options", None)
        self.data: dict[str, Any] | None = None
        self.status: int | None = None
        self.error: str | None = None

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        try:
            response = await self.guard.client.post(
                f"{self.guard.base}/chat/completions",
                json=self.body,
                headers=self.guard._upstream_headers(),
                timeout=self.guard.settings.timeout,
            )
            self.status = response.status_code
            if self.status != 200:
                raise ValueError(f"upstream answered HTTP {self.status}")
            data = response.json()
            text = data["choices"][0]["message"]["content"]
            if not isinstance(text, str) or not text.strip():
                raise ValueError("upstream returned an empty reply")
        except Exception as exc:
            self.error = f"upstream_error:{type(exc).__name__}"
            raise
        self.data = data
        return Reply(text=text)


class Guard:
    """The proxy's logic, independent of HTTP framing (one instance per app)."""

    def __init__(
        self,
        settings: GuardSettings,
        screener: Screener,
        client: httpx.AsyncClient,
    ) -> None:
        self.settings = settings
        self.screener = screener
        self.client = client
        self.base = settings.upstream.rstrip("/")

    def _upstream_headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.settings.upstream_api_key:
            headers["Authorization"] = f"Bearer {self.settings.upstream_api_key}"
        return headers

    async def complete(self, body: dict[str, Any], locale: str | None) -> GuardResult:
        """One completion through the same guardrail TheraLab's counselors run behind
        (`GuardedCounselor`): the crisis protocol, the condition responder, the reply check
        and the check-in at `low` — with upstream as the counselor."""
        upstream = _Upstream(self, body)
        guarded = GuardedCounselor(upstream, screener=self.screener, locale=locale)
        reply = await guarded.respond(conversation_of(body.get("messages") or []))
        decision = guarded.last
        if decision is None:  # never: every path records its decision
            raise RuntimeError("the guardrail recorded no decision")
        action = decision.action
        if action == "error" and upstream.error is not None:
            action = "upstream_error"
        reasons = tuple(decision.reasons)
        if upstream.error is not None and action == "upstream_error":
            reasons = (upstream.error,)
        return GuardResult(
            reply.text,
            decision.risk,
            action,
            upstream=upstream.data if action in ("passed", "check_in", "blocked") else None,
            resources=tuple(decision.resources),
            reasons=reasons,
            upstream_status=upstream.status,
        )

    async def models(self) -> dict[str, Any]:
        try:
            response = await self.client.get(
                f"{self.base}/models", headers=self._upstream_headers(), timeout=10.0
            )
            data = response.json()
            if response.status_code == 200 and isinstance(data.get("data"), list):
                return data
        except Exception:
            pass
        return {"object": "list", "data": []}


def _extra(result: GuardResult) -> dict[str, Any]:
    extra: dict[str, Any] = {"risk": result.risk.level.value, "action": result.action}
    if result.resources:
        extra["resources"] = list(result.resources)
    if result.reasons:
        extra["reasons"] = list(result.reasons)
    return extra


def _headers(result: GuardResult) -> dict[str, str]:
    return {
        "X-TheraLab-Risk": result.risk.level.value,
        "X-TheraLab-Action": result.action,
        "Cache-Control": "no-store",
    }


def completion_body(result: GuardResult, model: str) -> dict[str, Any]:
    """The OpenAI chat-completion JSON for a result (upstream's own body when it passed)."""
    if result.upstream is not None:
        body = json.loads(json.dumps(result.upstream))  # a deep copy
        body["choices"] = [body["choices"][0]]
        body["choices"][0]["message"] = {"role": "assistant", "content": result.text}
        if result.action != "passed":
            body["choices"][0]["finish_reason"] = "stop"
    else:
        body = {
            "id": f"chatcmpl-theralab-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": result.text},
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    body["theralab"] = _extra(result)
    return body


async def _sse(result: GuardResult, model: str) -> AsyncIterator[bytes]:
    """The (already checked) reply as chat.completion.chunk events, one per sentence."""
    ident = f"chatcmpl-theralab-{uuid.uuid4().hex[:24]}"
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        payload = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(payload)}\n\n".encode()

    yield chunk({"role": "assistant", "content": ""})
    parts = sentences(result.text)
    for i, sentence in enumerate(parts):
        yield chunk({"content": sentence if i == 0 else " " + sentence})
    yield chunk({}, "stop", theralab=_extra(result))
    yield b"data: [DONE]\n\n"


def create_guard_app(
    settings: GuardSettings,
    screener: Screener | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The proxy app. With `settings.auth` it opens serve's key store (migrating it)."""
    store = None
    engine = None
    if settings.auth or settings.db_url:
        from theralab.serve.db import make_engine, migrate
        from theralab.serve.settings import default_db_url
        from theralab.serve.store import Store

        engine = make_engine(settings.db_url or default_db_url())
        migrate(engine)
        store = Store(engine)
    screener = serving_screener(screener or default_screener())
    screener.assess("Hello.")  # load any model tier now, not on the first message
    client = httpx.AsyncClient(transport=transport, timeout=settings.timeout)
    guard = Guard(settings, screener, client)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await client.aclose()
        if engine is not None:
            engine.dispose()

    app = FastAPI(
        title="TheraLab guard",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.guard = guard
    app.state.store = store
    app.add_exception_handler(StarletteHTTPException, http_error_handler)

    async def audit(principal: Principal | None, result: GuardResult, started: float) -> None:
        if store is None:
            return
        detail = {
            "risk": result.risk.level.value,
            "action": result.action,
            "upstream_status": result.upstream_status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if result.reasons:
            detail["reasons"] = list(result.reasons)
        key_id = principal.key_id if principal and principal.kind == "api" else None
        if key_id == LOCAL_PRINCIPAL.key_id:
            key_id = None
        with contextlib.suppress(Exception):  # the audit log never turns an answer into a 500
            await anyio.to_thread.run_sync(
                lambda: store.audit("guard.completion", key_id, **detail)
            )

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "guardrail": "on", "auth": settings.auth}

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return await guard.models()

    @app.post("/v1/chat/completions", response_model=None)
    async def chat_completions(request: Request) -> Response:
        started = time.perf_counter()
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error_response(400, "malformed_json", "the request body is not valid JSON")
        messages = body.get("messages") if isinstance(body, dict) else None
        if not isinstance(messages, list) or not messages:
            return error_response(
                400, "invalid_request", "the body needs a non-empty `messages` array"
            )
        locale = request.headers.get(LOCALE_HEADER) or settings.locale
        result = await guard.complete(body, locale)
        await audit(principal_of(request.scope), result, started)
        model = str(body.get("model") or "theralab-guard")
        if body.get("stream"):
            return StreamingResponse(
                _sse(result, model), media_type="text/event-stream", headers=_headers(result)
            )
        return JSONResponse(completion_body(result, model), headers=_headers(result))

    limiter = RateLimiter(settings.rate_per_minute, settings.burst)
    if settings.auth:
        assert store is not None
        app.add_middleware(
            RequestGate,
            keys=KeyCache(store),
            limiter=limiter,
            max_body_bytes=settings.max_body_bytes,
            ui=None,
        )
    else:
        app.add_middleware(
            _LocalGate,
            keys=KeyCache(store) if store is not None else None,
            limiter=limiter,
            max_body_bytes=settings.max_body_bytes,
            ui=None,
        )
    return app


__all__ = [
    "ACTIONS",
    "Guard",
    "GuardResult",
    "GuardSettings",
    "completion_body",
    "create_guard_app",
    "sentences",
]
