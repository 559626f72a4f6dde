"""`theralab guard`: the crisis guardrail as an OpenAI-compatible proxy in front of any model.

A client (the official `openai` SDK, or anything that speaks the chat-completions API) points
its `base_url` at the proxy and sends a key from `theralab keys create` as its API key (or
nothing, with `--no-auth`). For each `POST /v1/chat/completions` the proxy runs the guardrail
TheraLab's own counselors run behind (`GuardedCounselor`), with upstream as the counselor —
the same two phases, no copy of them here:

1. Screening (`GuardedCounselor.screen_turn`): every turn of `messages` but the app's own
   system and developer messages (user, tool and function turns: text that may be the
   person's) is screened in order by one conversation screener, after what those app messages
   report about the person (a summary's "the user said they…", `theralab.safety.reported`);
   a message that is not a
   `{role, content}` object with a known role is refused with a 400 (`message_problem`),
   never forwarded unscreened (risk persists: the peak of the conversation counts, not
   only the latest message); a broken screener fails closed.
2. At crisis level (`moderate`+) the crisis protocol answers, with resources for the locale
   (`X-TheraLab-Locale` header, else `--locale`); a condition below it (delusion, voices,
   mania, OCD, eating disorder) gets the condition responder. Upstream is not called.
3. Otherwise the request goes to upstream unchanged (except `stream`); the reply is checked
   with the reply checker against the conversation (`GuardedCounselor.finish`) and, if
   blocked, replaced by the safe reply; at `low` the guardrail's check-in is appended (action
   `check_in`).
4. Any upstream failure (refused connection, timeout, HTTP error, a body that is not a chat
   completion, an empty reply, a stream that breaks off) yields the safe reply with HTTP 200 —
   never a 500, never a broken event stream.

The proxy keeps no state between requests, so the crisis protocol's place is read from the
`messages` array: every earlier user turn that already has an assistant answer after it
advances the protocol (and the condition responder) as answering it did, so a client who stays
in crisis across requests gets the protocol's next step (engage → assess → safety plan →
hand-off), exactly as inside one `theralab run` session.

Every answer carries `X-TheraLab-Risk` / `X-TheraLab-Action` headers and a `theralab` field
(`risk`, `action`, and when there are any `resources`, `reasons`, the protocol `step`).

Streaming (`stream: true`) streams from upstream: its text is held until a sentence ends, the
reply so far is checked (`ReplyStream`), and the sentence is released only if it passed. A
blocked sentence is never sent: the proxy stops reading upstream (closes that connection) and
sends the safe reply as the rest of the content. A partial reply that lacks only something a
later sentence can add (a safety question) is held until the end decides. Upstream breaking
off mid-stream continues the stream with the safe reply. Headers go out before the reply is
known: `X-TheraLab-Risk` is final (screening is done), and `X-TheraLab-Action` is the final
action for an answer the guardrail gives itself (`crisis`, `condition`, `error`) but
`streaming` for a forwarded reply; the `theralab` field of the last chunk (the one with
`finish_reason`) is authoritative.

Keys, per-key rate limits and the body size limit are `theralab serve`'s (`RequestGate`,
`KeyCache`, `RateLimiter`, same database). The audit log gets one `guard.completion` event per
request with the risk level, action, upstream status and timing — never any text.
"""

from __future__ import annotations

import contextlib
import itertools
import json
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

from theralab.agents import Reply, Utterance
from theralab.dialogue.records import AgentSpec, Speaker
from theralab.safety.concurrent import concurrent_screener
from theralab.safety.guardrail import GuardDecision, GuardedCounselor, Screened, sentence_pieces
from theralab.safety.reported import reported_by_app
from theralab.safety.risk import RiskAssessment, RiskLevel
from theralab.safety.screener import Screener, default_screener
from theralab.safety.semantic import Sensitivity
from theralab.serve.auth import KeyCache, Principal
from theralab.serve.errors import error_response, http_error_handler
from theralab.serve.gate import RequestGate, principal_of
from theralab.serve.limits import RateLimiter
from theralab.version import __version__

LOCALE_HEADER = "x-theralab-locale"
# The `theralab.action` values of an answer; `X-TheraLab-Action` of a forwarded streamed reply
# is STREAMING instead (sent before the reply is known).
ACTIONS = ("passed", "check_in", "condition", "crisis", "blocked", "upstream_error", "error")
STREAMING = "streaming"
CLIENT_CLOSED = "client_closed"  # audit only: the client left before the stream ended
LOCAL_PRINCIPAL = Principal("local", "no-auth", "api")
UPSTREAM_POOLS = 8  # HTTP clients to upstream, used in turn (see `Guard`)


@dataclass(frozen=True)
class GuardSettings:
    """What `theralab guard` is started with."""

    upstream: str  # OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1
    auth: bool = True
    db_url: str | None = None  # the key store (serve's); default: serve's default database
    locale: str | None = "en-US"
    upstream_api_key: str | None = None  # sent to upstream; the client's key never is
    timeout: float = 60.0  # seconds: to connect, and between two reads from upstream
    rate_per_minute: int = 120
    burst: int = 30
    max_body_bytes: int = 256 * 1024
    # the learned tier's operating point: high (recall first), balanced, ask (a crisis the
    # learned tier is unsure of gets the safety question first; docs/safety.md) or ask-moderate
    # (the same, only where the learned tier stops at moderate)
    sensitivity: Sensitivity = Sensitivity.HIGH


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
    step: str | None = None
    finish_reason: str = "stop"
    usage: dict[str, Any] | None = None


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


# Chat roles the proxy accepts. Assistant turns are the counselor's; system and developer
# messages are the app's instructions, not screened; every other turn (user, tool, function)
# is screened as the person's: text that may be theirs never reaches upstream unscreened.
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_UNSCREENED = frozenset({"system", "developer"})


def message_problem(messages: Sequence[Any]) -> str | None:
    """Why `messages` is not a chat the proxy can screen (None when it is): every message an
    object with a known `role` (lower case, as the API spells it) and a `content` that is
    text or a list of content parts (an assistant's may be null, for tool calls)."""
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            return f"messages[{i}] is not an object with `role` and `content`"
        role = m.get("role")
        if not isinstance(role, str) or role not in ROLES:
            return (
                f"messages[{i}].role is {role!r}; expected one of {', '.join(sorted(ROLES))}"
                if "role" in m
                else f"messages[{i}] has no `role`"
            )
        content = m.get("content")
        if content is None and role == "assistant":
            continue
        if isinstance(content, str):
            continue
        if isinstance(content, list) and all(isinstance(p, dict) for p in content):
            continue
        return f"messages[{i}].content must be text or a list of content parts"
    return None


def conversation_of(messages: Sequence[Any]) -> list[Utterance]:
    """The chat as the guardrail sees it: assistant turns as the counselor's, every other
    turn but the app's system and developer messages as the client's (user, tool and
    function turns are all screened). What the app's own messages report about the person
    ("summary: the user said they have pills ready…") comes first, in the person's words
    (`theralab.safety.reported`), so a crisis told only in a summary is not lost."""
    chat = [m for m in messages if isinstance(m, dict) and m.get("role") in ROLES]
    reported = [
        Utterance(Speaker.CLIENT, said)
        for m in chat
        if m["role"] in _UNSCREENED
        for said in reported_by_app(_text_of(m.get("content")))
    ]
    return [
        *reported,
        *(
            Utterance(
                Speaker.COUNSELOR if m["role"] == "assistant" else Speaker.CLIENT,
                _text_of(m.get("content")),
            )
            for m in chat
            if m["role"] not in _UNSCREENED
        ),
    ]


class _Fault(ValueError):
    """Upstream answered, but not with a usable reply; `reason` says how (for `reasons`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def upstream_reason(exc: Exception, status: int | None) -> str:
    """Why an upstream call failed, as the `reasons` entry says it: the HTTP status for an
    HTTP error (`HTTP 400`), what was wrong with a reply, or the transport error's name
    (`ConnectError`, `ReadTimeout`, `RemoteProtocolError`)."""
    if status is not None and status != 200:
        return f"HTTP {status}"
    if isinstance(exc, _Fault):
        return exc.reason
    if isinstance(exc, KeyError | IndexError | TypeError | json.JSONDecodeError):
        return "not a chat completion"
    return type(exc).__name__


class _Chunks:
    """Reads upstream's `chat.completion.chunk` events: content deltas, usage, the end."""

    def __init__(self) -> None:
        self.ended = False  # `[DONE]` or a finish_reason arrived
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None

    def line(self, line: str) -> str:
        """The content in one line of the event stream ('' for none)."""
        if not line.startswith("data:"):
            return ""  # blank lines, comments, `event:` / `id:` fields
        data = line[5:].strip()
        if data == "[DONE]":
            self.ended = True
            return ""
        event = json.loads(data)
        if not isinstance(event, dict) or event.get("error") or event.get("object") == "error":
            raise _Fault("error event")
        if isinstance(event.get("usage"), dict):
            self.usage = event["usage"]
        choices = event.get("choices") or []
        if not choices:
            return ""
        choice = choices[0]
        if choice.get("finish_reason"):
            self.finish_reason = str(choice["finish_reason"])
            self.ended = True
        content = (choice.get("delta") or {}).get("content")
        return content if isinstance(content, str) else ""


class _Upstream:
    """Upstream as the guardrail's inner counselor: called with the client's own request
    (TheraLab adds nothing to it); its body is kept for the answer, its failure named."""

    spec = AgentSpec(name="upstream", engine="external")

    def __init__(self, guard: Guard, body: dict[str, Any]) -> None:
        self.guard = guard
        self.request = body
        self.data: dict[str, Any] | None = None
        self.status: int | None = None
        self.error: str | None = None
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None

    def _failed(self, exc: Exception) -> None:
        self.error = self.error or f"upstream_error:{upstream_reason(exc, self.status)}"

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        """The whole reply at once (`stream: false` to upstream)."""
        body = {**self.request, "stream": False}
        body.pop("stream_options", None)
        try:
            response = await self.guard.client.post(
                f"{self.guard.base}/chat/completions",
                json=body,
                headers=self.guard._upstream_headers(),
                timeout=self.guard.settings.timeout,
            )
            self.status = response.status_code
            if self.status != 200:
                raise _Fault(f"HTTP {self.status}")
            data = response.json()
            text = data["choices"][0]["message"]["content"]
            if not isinstance(text, str) or not text.strip():
                raise _Fault("empty reply")
        except Exception as exc:
            self._failed(exc)
            raise
        self.data = data
        return Reply(text=text)

    async def deltas(self) -> AsyncIterator[str]:
        """The reply as upstream streams it (`stream: true`); an upstream that answers with one
        JSON body instead is read whole. Raises when upstream fails or the stream breaks off."""
        body = {**self.request, "stream": True}
        chunks = _Chunks()
        try:
            async with self.guard.client.stream(
                "POST",
                f"{self.guard.base}/chat/completions",
                json=body,
                headers=self.guard._upstream_headers(),
                timeout=self.guard.settings.timeout,
            ) as response:
                self.status = response.status_code
                if self.status != 200:
                    raise _Fault(f"HTTP {self.status}")
                if "text/event-stream" in response.headers.get("content-type", ""):
                    async for line in response.aiter_lines():
                        if text := chunks.line(line):
                            yield text
                else:
                    raw = (await response.aread()).decode()
                    if raw.lstrip().startswith("data:"):  # an event stream, mislabelled
                        for line in raw.splitlines():
                            if text := chunks.line(line):
                                yield text
                    else:
                        data = json.loads(raw)
                        text = data["choices"][0]["message"]["content"]
                        if not isinstance(text, str):
                            raise _Fault("empty reply")
                        chunks.ended = True
                        chunks.finish_reason = data["choices"][0].get("finish_reason")
                        chunks.usage = data.get("usage")
                        yield text
            if not chunks.ended:
                raise _Fault("stream ended early")
        except Exception as exc:
            self._failed(exc)
            raise
        self.finish_reason = chunks.finish_reason
        self.usage = chunks.usage


def _result(
    decision: GuardDecision | None, text: str, upstream: _Upstream, body: bool = True
) -> GuardResult:
    """The answer's record from the guardrail's decision (an upstream failure named)."""
    if decision is None:  # never: every path records its decision
        raise RuntimeError("the guardrail recorded no decision")
    action = decision.action
    reasons = tuple(decision.reasons)
    if action == "error" and upstream.error is not None:
        action, reasons = "upstream_error", (upstream.error,)
    forwarded = action in ("passed", "check_in", "blocked")
    return GuardResult(
        text,
        decision.risk,
        action,
        upstream=upstream.data if forwarded and body else None,
        resources=tuple(decision.resources),
        reasons=reasons,
        upstream_status=upstream.status,
        step=decision.step,
        finish_reason=(upstream.finish_reason or "stop") if action == "passed" else "stop",
        usage=upstream.usage if forwarded else None,
    )


class GuardStream:
    """One streamed completion: screened before the response starts (so its headers can say
    the risk), then the reply as pieces of text; `result` once the last piece is out."""

    def __init__(self, guard: Guard, body: dict[str, Any], locale: str | None) -> None:
        self.upstream = _Upstream(guard, body)
        # the operator's model may read other languages: it answers them (check-in added)
        self.guarded = GuardedCounselor(
            self.upstream, screener=guard.screener, locale=locale, multilingual=True
        )
        self.history = conversation_of(body.get("messages") or [])
        self.screened: Screened | None = None
        self.result: GuardResult | None = None

    async def screen(self) -> Screened:
        self.screened = await self.guarded.screen_turn(self.history)
        return self.screened

    @property
    def header_action(self) -> str:
        """What `X-TheraLab-Action` can say before the reply: the guardrail's own answer's
        action, or `streaming` for a reply still to come from upstream."""
        assert self.screened is not None
        if self.screened.reply is None or self.guarded.last is None:
            return STREAMING
        return _result(self.guarded.last, "", self.upstream).action

    async def pieces(self) -> AsyncIterator[str]:
        screened = self.screened or await self.screen()
        if screened.reply is not None:  # crisis protocol, condition responder, safe reply
            for piece in sentence_pieces(screened.reply.text):
                yield piece
            self.result = _result(self.guarded.last, screened.reply.text, self.upstream)
            return
        reply = self.guarded.stream(self.history, screened.risk)
        try:
            async with contextlib.aclosing(self.upstream.deltas()) as deltas:
                async for delta in deltas:
                    for piece in reply.feed(delta):
                        yield piece
                    if reply.done:  # blocked: stop reading upstream
                        break
            if not reply.done and not reply.received.strip():
                self.upstream.error = "upstream_error:empty reply"
                raise _Fault("empty reply")
            for piece in reply.finish():
                yield piece
        except Exception as exc:
            for piece in reply.fail(self.upstream.error or f"guardrail_error:{type(exc).__name__}"):
                yield piece
        self.result = _result(reply.decision, reply.text, self.upstream, body=False)


class Guard:
    """The proxy's logic, independent of HTTP framing (one instance per app).

    Upstream calls go through a few HTTP clients taken in turn rather than one: the work
    httpx's connection pool does per request grows with its connections times its waiting
    requests, so one pool at 50 concurrent streams spends more CPU on bookkeeping than on
    the requests (about 8x fewer requests a second here); small pools side by side do not.
    """

    def __init__(
        self,
        settings: GuardSettings,
        screener: Screener,
        client: httpx.AsyncClient | Sequence[httpx.AsyncClient],
    ) -> None:
        self.settings = settings
        self.screener = screener
        self.clients = [client] if isinstance(client, httpx.AsyncClient) else list(client)
        self._turn = itertools.cycle(self.clients)
        self.base = settings.upstream.rstrip("/")

    @property
    def client(self) -> httpx.AsyncClient:
        """The next upstream client (in turn)."""
        return next(self._turn)

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
        guarded = GuardedCounselor(
            upstream, screener=self.screener, locale=locale, multilingual=True
        )
        reply = await guarded.respond(conversation_of(body.get("messages") or []))
        return _result(guarded.last, reply.text, upstream)

    async def stream(self, body: dict[str, Any], locale: str | None) -> GuardStream:
        """A streamed completion, screened (its pieces are read from `GuardStream.pieces`)."""
        stream = GuardStream(self, body, locale)
        await stream.screen()
        return stream

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
    if result.risk.level is not RiskLevel.NONE:
        extra["whose"] = result.risk.whose.value
    if result.step:
        extra["step"] = result.step
    if result.resources:
        extra["resources"] = list(result.resources)
    if result.reasons:
        extra["reasons"] = list(result.reasons)
    return extra


def _headers(risk: RiskAssessment, action: str) -> dict[str, str]:
    return {
        "X-TheraLab-Risk": risk.level.value,
        "X-TheraLab-Action": action,
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


async def _sse(stream: GuardStream, model: str, include_usage: bool) -> AsyncIterator[bytes]:
    """The reply as chat.completion.chunk events, a checked sentence per content chunk; the
    last chunk (with `finish_reason`) carries the `theralab` field."""
    ident = f"chatcmpl-theralab-{uuid.uuid4().hex[:24]}"
    created = int(time.time())

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        payload = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": choices,
            **extra,
        }
        return f"data: {json.dumps(payload)}\n\n".encode()

    def delta(content: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        return chunk([{"index": 0, "delta": content, "finish_reason": finish}], **extra)

    yield delta({"role": "assistant", "content": ""})
    async for piece in stream.pieces():
        yield delta({"content": piece})
    result = stream.result
    assert result is not None
    yield delta({}, result.finish_reason, theralab=_extra(result))
    if include_usage:
        # the guardrail's own answers cost no tokens; a forwarded reply's usage is upstream's,
        # and left out when upstream reported none (zeros would read as "no tokens used")
        forwarded = result.action in ("passed", "check_in", "blocked")
        usage = (
            result.usage
            if forwarded
            else {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        )
        if usage is not None:
            yield chunk([], usage=usage)
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
    screener = concurrent_screener(screener or default_screener(sensitivity=settings.sensitivity))
    screener.assess("Hello.")  # load any model tier now, not on the first message
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    clients = [
        httpx.AsyncClient(transport=transport, timeout=settings.timeout, limits=limits)
        for _ in range(1 if transport is not None else UPSTREAM_POOLS)
    ]
    guard = Guard(settings, screener, clients)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for client in clients:
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

    async def audit(
        principal: Principal | None,
        result: GuardResult,
        started: float,
        streamed: bool = False,
    ) -> None:
        if store is None:
            return
        detail: dict[str, Any] = {
            "risk": result.risk.level.value,
            "action": result.action,
            "upstream_status": result.upstream_status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if streamed:
            detail["stream"] = True
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
        if (problem := message_problem(messages)) is not None:
            return error_response(400, "invalid_request", problem)
        locale = request.headers.get(LOCALE_HEADER) or settings.locale
        model = str(body.get("model") or "theralab-guard")
        principal = principal_of(request.scope)
        if not body.get("stream"):
            result = await guard.complete(body, locale)
            await audit(principal, result, started)
            return JSONResponse(
                completion_body(result, model), headers=_headers(result.risk, result.action)
            )
        stream = await guard.stream(body, locale)
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        assert stream.screened is not None

        async def events() -> AsyncIterator[bytes]:
            try:
                async for event in _sse(stream, model, include_usage):
                    yield event
            finally:
                with anyio.CancelScope(shield=True):
                    assert stream.screened is not None
                    result = stream.result or GuardResult(
                        "", stream.screened.risk, CLIENT_CLOSED, upstream_status=None
                    )
                    await audit(principal, result, started, streamed=True)

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers=_headers(stream.screened.risk, stream.header_action),
        )

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
    "STREAMING",
    "Guard",
    "GuardResult",
    "GuardSettings",
    "GuardStream",
    "completion_body",
    "conversation_of",
    "create_guard_app",
    "message_problem",
    "upstream_reason",
]
