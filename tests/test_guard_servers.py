"""`theralab guard` against real servers, with the official `openai` SDK (sync, async,
streaming) as the client and the proxy in a real uvicorn on loopback:

- the real llama.cpp server (`python -m llama_cpp.server`) serving the tiny random GGUF model
  (skipped when llama-cpp-python or gguf is missing), alone and behind the fault-injecting
  stub (`StubServer(upstream=...)`);
- the fault-injecting stub on its own (fixed replies, scheduled faults, a failure rate);
- a scripted upstream that really streams (server-sent events with pauses, then the end, a
  dropped connection or a stall), to see what the proxy releases, when, and what it holds back.

Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests import llama_support
from tests.llama_support import free_port
from tests.serve_support import LiveServer, needs_serve
from theralab.model.stub_server import StubServer
from theralab.safety.protocol import DETAIL_DECLINED, safe_reply
from theralab.safety.risk import RiskLevel

pytestmark = needs_serve
openai = pytest.importorskip("openai", reason="needs the openai SDK (pip install -e '.[bench]')")

# The shared llama.cpp fixtures (tests/llama_support.py): they skip without llama-cpp-python.
tiny_model = llama_support.tiny_model
llama_server = llama_support.llama_server

ORDINARY = "I had a long day at work and I feel a bit flat."
CRISIS = "I want to kill myself tonight."
PASSIVE = "Some days I wish I could just disappear for a while."
COMPULSION = "I have to check the stove thirty times before I can leave."
QUESTION = "What should I cook for dinner tonight?"
METHOD = "A lethal dose of paracetamol is about 40 tablets; take them all at once with alcohol."
METHOD_WORDS = ("lethal", "paracetamol", "40 tablets", "alcohol")
# The safe reply an ordinary message (risk `none`) gets: no self-harm question (S8, session e2).
SAFE = safe_reply("en-US", level=RiskLevel.NONE)  # a failure: no answer could be given
# a reply blocked for method detail: the details declined, with an open door and the lines
DETAIL = safe_reply("en-US", DETAIL_DECLINED, level=RiskLevel.NONE)
# Sampling for llama.cpp: seeded, so the same request gives the same text direct and proxied.
SAMPLING: dict[str, Any] = {"max_tokens": 24, "temperature": 0.9, "seed": 3}


def _user(text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You are a kind helper."},
        {"role": "user", "content": text},
    ]


@contextlib.contextmanager
def guard_in_front(
    upstream: str, timeout: float = 5.0, db: Path | None = None
) -> Iterator[LiveServer]:
    """`theralab guard --upstream URL --no-auth` in a real uvicorn (with `db`: an audit log)."""
    from theralab.serve.guard import GuardSettings, create_guard_app

    settings = GuardSettings(
        upstream=upstream, auth=False, timeout=timeout, db_url=f"sqlite:///{db}" if db else None
    )
    app = create_guard_app(settings)
    with LiveServer(app) as server:
        yield server


def sync_client(base: str) -> Any:
    return openai.OpenAI(base_url=base, api_key="unused", max_retries=0, timeout=20)


def async_client(base: str) -> Any:
    return openai.AsyncOpenAI(base_url=base, api_key="unused", max_retries=0, timeout=20)


class Streamed:
    """What a streaming SDK call received: the content chunks, headers, the final field."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.theralab: dict[str, Any] | None = None
        self.headers: dict[str, str] = {}
        self.usage: Any = None
        self.first_at: float | None = None
        self.took = 0.0

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def take(self, chunk: Any, started: float) -> None:
        for choice in chunk.choices:
            if choice.delta.content:
                self.chunks.append(choice.delta.content)
                if self.first_at is None:
                    self.first_at = time.perf_counter() - started
        extra = chunk.model_extra or {}
        if "theralab" in extra:
            self.theralab = extra["theralab"]
        if chunk.usage is not None:
            self.usage = chunk.usage


def stream_sync(base: str, messages: list[dict[str, str]], **kw: Any) -> Streamed:
    out = Streamed()
    started = time.perf_counter()
    raw = sync_client(base).chat.completions.with_raw_response.create(
        model="m", messages=messages, stream=True, **kw
    )
    out.headers = dict(raw.headers)
    for chunk in raw.parse():
        out.take(chunk, started)
    out.took = time.perf_counter() - started
    return out


def stream_async(base: str, messages: list[dict[str, str]], **kw: Any) -> Streamed:
    async def go() -> Streamed:
        out = Streamed()
        started = time.perf_counter()
        client = async_client(base)
        try:
            stream = await client.chat.completions.create(
                model="m", messages=messages, stream=True, **kw
            )
            async for chunk in stream:
                out.take(chunk, started)
        finally:
            await client.close()
        out.took = time.perf_counter() - started
        return out

    return asyncio.run(go())


def complete_async(base: str, messages: list[dict[str, str]], **kw: Any) -> Any:
    async def go() -> Any:
        client = async_client(base)
        try:
            return await client.chat.completions.create(model="m", messages=messages, **kw)
        finally:
            await client.close()

    return asyncio.run(go())


def field(completion: Any) -> dict[str, Any]:
    return (completion.model_extra or {})["theralab"]


# --- a scripted upstream that really streams ---------------------------------------------------


class StreamingUpstream:
    """An OpenAI-compatible upstream streaming a script: text deltas, pauses (floats, seconds),
    then `end`: `done` (a finish chunk and `[DONE]`), `drop` (the connection breaks) or `stall`
    (nothing more for a minute). Counts requests, and streams that ran to the end or were cut
    off (the reader went away, or `drop`)."""

    def __init__(self, script: Sequence[str | float], end: str = "done") -> None:
        self.script = list(script)
        self.end = end
        self.requests = 0
        self.completed = 0
        self.aborted = 0

    def app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, Response, StreamingResponse
        from starlette.routing import Route

        async def completions(request: Request) -> Response:
            body = await request.json()
            self.requests += 1
            if not body.get("stream"):
                text = "".join(s for s in self.script if isinstance(s, str))
                message = {"role": "assistant", "content": text}
                choice = {"index": 0, "finish_reason": "stop", "message": message}
                return JSONResponse({"id": "x", "object": "chat.completion", "choices": [choice]})
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(self._events(usage), media_type="text/event-stream")

        return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])

    async def _events(self, usage: bool) -> AsyncIterator[bytes]:
        def event(payload: dict[str, Any]) -> bytes:
            chunk = {"id": "x", "object": "chat.completion.chunk", **payload}
            return f"data: {json.dumps(chunk)}\n\n".encode()

        def delta(content: dict[str, Any], finish: str | None = None) -> bytes:
            return event({"choices": [{"index": 0, "delta": content, "finish_reason": finish}]})

        finished = False
        try:
            yield delta({"role": "assistant", "content": ""})
            for step in self.script:
                if isinstance(step, float):
                    await asyncio.sleep(step)
                else:
                    yield delta({"content": step})
            if self.end == "drop":
                raise ConnectionResetError("the scripted upstream drops the stream")
            if self.end == "stall":
                await asyncio.sleep(60)
            yield delta({}, "stop")
            if usage:
                counts = {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}
                yield event({"choices": [], "usage": counts})
            yield b"data: [DONE]\n\n"
            finished = True
        finally:
            if finished:
                self.completed += 1
            else:
                self.aborted += 1


@contextlib.contextmanager
def streaming_upstream(
    script: Sequence[str | float], end: str = "done", timeout: float = 5.0
) -> Iterator[tuple[StreamingUpstream, str]]:
    """The scripted upstream and the guard in front of it; yields both, and the guard's /v1."""
    upstream = StreamingUpstream(script, end)
    with (
        LiveServer(upstream.app()) as served,
        guard_in_front(f"{served.url}/v1", timeout=timeout) as proxy,
    ):
        yield upstream, f"{proxy.url}/v1"


def wait_for(condition: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# --- the real llama.cpp server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def llama_guard(llama_server: str) -> Iterator[str]:
    """The guard in front of the real llama.cpp server; yields the guard's /v1 base URL."""
    with guard_in_front(llama_server, timeout=30.0) as proxy:
        yield f"{proxy.url}/v1"


def test_llamacpp_ordinary_answers_pass_through_sync_async_and_streaming(
    llama_server: str, llama_guard: str
) -> None:
    direct = sync_client(llama_server).chat.completions.create(
        model="tiny", messages=_user(ORDINARY), **SAMPLING
    )
    expected = (direct.choices[0].message.content or "").strip()
    assert expected, "the tiny model gave an empty reply; pick another seed"

    raw = sync_client(llama_guard).chat.completions.with_raw_response.create(
        model="tiny", messages=_user(ORDINARY), **SAMPLING
    )
    assert raw.headers["x-theralab-action"] == "passed"
    assert raw.headers["x-theralab-risk"] == "none"
    done = raw.parse()
    assert done.choices[0].message.content == expected  # the model's own words, unchanged
    assert field(done) == {"risk": "none", "action": "passed"}
    assert done.usage is not None and done.usage.completion_tokens > 0  # upstream's body

    async_done = complete_async(llama_guard, _user(ORDINARY), **SAMPLING)
    assert async_done.choices[0].message.content == expected

    for streamed in (
        stream_sync(llama_guard, _user(ORDINARY), **SAMPLING),
        stream_async(llama_guard, _user(ORDINARY), **SAMPLING),
    ):
        assert streamed.text == expected  # streamed from llama.cpp, checked, released
        assert streamed.theralab == {"risk": "none", "action": "passed"}


def test_llamacpp_crisis_gets_the_protocol_and_never_reaches_it(llama_server: str) -> None:
    with (
        StubServer(upstream=llama_server) as counting,
        guard_in_front(counting.base_url, timeout=30.0) as proxy,
    ):
        base = f"{proxy.url}/v1"
        done = sync_client(base).chat.completions.create(model="tiny", messages=_user(CRISIS))
        assert field(done)["action"] == "crisis" and field(done)["step"] == "assess"
        assert field(done)["resources"] and "988" in (done.choices[0].message.content or "")
        later = complete_async(base, _user(CRISIS))
        assert "988" in (later.choices[0].message.content or "")
        streamed = stream_sync(base, _user(CRISIS))
        assert streamed.headers["x-theralab-action"] == "crisis"
        assert streamed.theralab and streamed.theralab["action"] == "crisis"
        assert "988" in streamed.text and len(streamed.chunks) > 3  # sentence by sentence
        assert counting.requests == 0


def test_llamacpp_behind_injected_faults_gives_safe_replies_then_recovers(
    llama_server: str,
) -> None:
    """The stub in front of the real server: 500, a stall longer than the guard waits, a
    malformed body, an answer with no text — each a safe reply with HTTP 200, streaming or
    not — then an ordinary answer passes through again."""
    direct = sync_client(llama_server).chat.completions.create(
        model="tiny", messages=_user(ORDINARY), **SAMPLING
    )
    expected = (direct.choices[0].message.content or "").strip()
    faults = ["500", "stall", "malformed", "empty", "ok"]
    with (
        StubServer(upstream=llama_server, faults=faults * 2, stall=4.0) as stub,
        guard_in_front(stub.base_url, timeout=1.5) as proxy,
    ):
        base = f"{proxy.url}/v1"
        client = sync_client(base)
        for fault in faults:
            raw = client.chat.completions.with_raw_response.create(
                model="tiny", messages=_user(ORDINARY), **SAMPLING
            )
            assert raw.status_code == 200
            done = raw.parse()
            if fault == "ok":
                assert done.choices[0].message.content == expected
                assert field(done)["action"] == "passed"
            else:
                assert done.choices[0].message.content == SAFE, fault
                assert field(done)["action"] == "upstream_error", fault
                assert raw.headers["x-theralab-action"] == "upstream_error"
        for fault in faults:
            streamed = stream_sync(base, _user(ORDINARY), **SAMPLING)
            assert streamed.theralab is not None
            if fault == "ok":  # llama.cpp's event stream, passed on by the stub
                assert streamed.text == expected
                assert streamed.theralab["action"] == "passed"
            else:
                assert streamed.text == SAFE, fault
                assert streamed.theralab["action"] == "upstream_error", fault
        assert stub.faults_sent == [f for f in faults if f != "ok"] * 2


# --- the fault-injecting stub -------------------------------------------------------------------


def test_stub_crisis_and_condition_never_reach_upstream() -> None:
    with StubServer() as stub, guard_in_front(stub.base_url) as proxy:
        base = f"{proxy.url}/v1"
        done = sync_client(base).chat.completions.create(model="m", messages=_user(CRISIS))
        assert field(done)["action"] == "crisis" and "988" in (done.choices[0].message.content)
        assert any("988" in r for r in field(done)["resources"])
        assert field(complete_async(base, _user(CRISIS)))["action"] == "crisis"
        streamed = stream_async(base, _user(CRISIS))
        assert streamed.theralab and streamed.theralab["action"] == "crisis"
        assert "988" in streamed.text
        condition = stream_sync(base, _user(COMPULSION))
        assert condition.headers["x-theralab-action"] == "condition"
        assert condition.theralab and condition.theralab["action"] == "condition"
        assert "OCD" in condition.text
        assert stub.requests == 0


def test_stub_method_detail_is_blocked_streaming_or_not() -> None:
    reply = f"Pasta is a good choice tonight. Garlic and lemon go well with it. {METHOD} Enjoy!"
    with StubServer(reply=reply) as stub, guard_in_front(stub.base_url) as proxy:
        base = f"{proxy.url}/v1"
        done = sync_client(base).chat.completions.create(model="m", messages=_user(QUESTION))
        assert field(done)["action"] == "blocked"
        assert "method_or_lethality" in field(done)["reasons"]
        assert done.choices[0].message.content == DETAIL  # the whole reply is replaced
        assert field(complete_async(base, _user(QUESTION)))["action"] == "blocked"
        streams = (stream_sync(base, _user(QUESTION)), stream_async(base, _user(QUESTION)))
        assert streams[0].headers["x-theralab-action"] == "streaming"  # sent before the reply
        for streamed in streams:
            # the sentences before it passed, each its own chunk; then the safe reply
            assert streamed.chunks[:2] == [
                "Pasta is a good choice tonight.",
                " Garlic and lemon go well with it.",
            ]
            assert streamed.text.endswith(DETAIL)
            for chunk in streamed.chunks:
                assert not any(w in chunk for w in METHOD_WORDS), chunk
                assert "Enjoy" not in chunk  # nothing after the blocked sentence either
            assert streamed.theralab is not None
            assert streamed.theralab["action"] == "blocked"
            assert "method_or_lethality" in streamed.theralab["reasons"]
        assert stub.requests == 4


def test_upstream_down_is_a_safe_reply_not_a_500() -> None:
    with guard_in_front(f"http://127.0.0.1:{free_port()}/v1") as proxy:
        base = f"{proxy.url}/v1"
        raw = sync_client(base).chat.completions.with_raw_response.create(
            model="m", messages=_user(ORDINARY)
        )
        assert raw.status_code == 200 and raw.headers["x-theralab-action"] == "upstream_error"
        assert raw.parse().choices[0].message.content == SAFE
        assert complete_async(base, _user(ORDINARY)).choices[0].message.content == SAFE
        for streamed in (stream_sync(base, _user(ORDINARY)), stream_async(base, _user(ORDINARY))):
            assert streamed.text == SAFE
            assert streamed.theralab is not None
            assert streamed.theralab["action"] == "upstream_error"
            assert streamed.theralab["reasons"] == ["upstream_error:ConnectError"]


@pytest.mark.parametrize("stream", [False, True])
def test_stub_faults_and_a_failing_upstream_give_safe_replies(stream: bool) -> None:
    faults = ["429", "500", "stall", "malformed", "empty", "ok"]
    with (
        StubServer(faults=faults, stall=3.0) as stub,
        guard_in_front(stub.base_url, timeout=1.0) as proxy,
    ):
        base = f"{proxy.url}/v1"
        got = []
        for _ in faults:
            if stream:
                streamed = stream_sync(base, _user(ORDINARY))
                assert streamed.theralab is not None
                got.append((streamed.theralab["action"], streamed.text))
            else:
                done = sync_client(base).chat.completions.create(
                    model="m", messages=_user(ORDINARY)
                )
                got.append((field(done)["action"], done.choices[0].message.content))
        assert stub.faults_sent == faults[:-1]
    for fault, (action, text) in zip(faults, got, strict=True):
        if fault == "ok":
            assert (action, text) == (
                "passed",
                "It sounds like I had a long day at work and I feel a bit flat.",
            ), fault
        else:
            assert (action, text) == ("upstream_error", SAFE), fault
    with (
        StubServer(fail_rate=1.0) as failing,
        guard_in_front(failing.base_url) as proxy,
    ):
        done = sync_client(f"{proxy.url}/v1").chat.completions.create(
            model="m", messages=_user(ORDINARY)
        )
        assert field(done)["action"] == "upstream_error" and failing.requests == 1


# --- a scripted upstream that streams ----------------------------------------------------------


def test_sentences_are_released_as_upstream_streams_them() -> None:
    script: list[str | float] = ["It sounds like ", "a long day", ". ", 1.0, "What helped?"]
    with streaming_upstream(script) as (upstream, base):
        streams = (stream_sync(base, _user(ORDINARY)), stream_async(base, _user(ORDINARY)))
        assert streams[0].headers["x-theralab-action"] == "streaming"
        for streamed in streams:
            assert streamed.chunks == ["It sounds like a long day.", " What helped?"]
            assert streamed.theralab == {"risk": "none", "action": "passed"}
            # the first sentence came as soon as it was complete, not after upstream's pause
            assert streamed.first_at is not None and streamed.first_at < 0.7
            assert streamed.took >= 1.0
        assert upstream.completed == 2


def test_a_blocked_sentence_stops_the_stream_and_is_never_sent() -> None:
    method_pieces = ["A lethal dose ", "of paracetamol ", "is about 40 tablets; ", "take them "]
    script: list[str | float] = [
        "Pasta is easy. ",
        *method_pieces,
        "all at once with alcohol. ",
        2.0,
        "Anything else? ",
        "Enjoy!",
    ]
    with streaming_upstream(script) as (upstream, base):
        streamed = stream_sync(base, _user(QUESTION))
        assert streamed.chunks[0] == "Pasta is easy."
        assert streamed.text == f"Pasta is easy. {DETAIL}"
        for chunk in streamed.chunks:
            assert not any(w in chunk for w in METHOD_WORDS), chunk
        assert streamed.theralab is not None and streamed.theralab["action"] == "blocked"
        assert streamed.took < 1.5  # it did not wait for upstream's next sentence
        # the proxy stopped reading: upstream's stream was cut off, not run to its end
        assert wait_for(lambda: upstream.aborted == 1)
        assert upstream.completed == 0


@pytest.mark.parametrize("end", ["drop", "stall"])
def test_upstream_failing_mid_stream_continues_with_the_safe_reply(end: str) -> None:
    script: list[str | float] = ["It sounds like a long day. ", "What hel"]
    with streaming_upstream(script, end=end, timeout=1.0) as (_, base):
        streamed = stream_async(base, _user(ORDINARY))
    assert streamed.chunks[0] == "It sounds like a long day."
    assert streamed.text == f"It sounds like a long day. {SAFE}"  # never the half sentence
    assert streamed.theralab is not None and streamed.theralab["action"] == "upstream_error"
    error = {"drop": "RemoteProtocolError", "stall": "ReadTimeout"}[end]
    assert streamed.theralab["reasons"] == [f"upstream_error:{error}"]


def test_low_risk_stream_ends_with_the_check_in_and_usage_is_passed_on() -> None:
    from theralab.safety.protocol import check_in

    script: list[str | float] = ["That sounds heavy. ", "Tell me more."]
    with streaming_upstream(script) as (_, base):
        streamed = stream_sync(base, _user(PASSIVE), stream_options={"include_usage": True})
    assert streamed.headers["x-theralab-risk"] == "low"
    assert streamed.headers["x-theralab-action"] == "streaming"
    assert streamed.text == f"That sounds heavy. Tell me more. {check_in('en-US')}"
    assert streamed.chunks[:2] == ["That sounds heavy.", " Tell me more."]
    assert streamed.theralab == {"risk": "low", "action": "check_in", "whose": "own"}
    assert streamed.usage is not None and streamed.usage.total_tokens == 12


def test_a_worried_helpers_stream_ends_with_the_helpers_line_not_a_question_about_them() -> None:
    from theralab.safety.protocol import check_in, helper_check_in

    script: list[str | float] = ["That must be frightening. ", "How are you coping?"]
    with streaming_upstream(script) as (_, base):
        streamed = stream_sync(base, _user("my friend says she doesn't want to live anymore"))
    assert streamed.headers["x-theralab-risk"] == "low"
    assert streamed.text.endswith(helper_check_in("en-US"))
    assert check_in("en-US") not in streamed.text
    assert streamed.theralab == {"risk": "low", "action": "check_in", "whose": "other"}


def test_a_client_leaving_mid_stream_closes_upstream_and_is_audited(tmp_path: Path) -> None:
    import httpx

    upstream = StreamingUpstream(["It sounds like a long day. ", 3.0, "What helped?"])
    with (
        LiveServer(upstream.app()) as served,
        guard_in_front(f"{served.url}/v1", db=tmp_path / "guard.db") as proxy,
    ):
        payload = {"model": "m", "messages": _user(ORDINARY), "stream": True}
        with httpx.stream(
            "POST", f"{proxy.url}/v1/chat/completions", json=payload, timeout=10
        ) as r:
            for line in r.iter_lines():
                if "It sounds like a long day." in line:
                    break  # leave after the first sentence: the connection closes
        store = proxy.app.state.store

        def actions() -> list[str]:
            return [e.detail["action"] for e in store.audit_events(event="guard.completion")]

        assert wait_for(lambda: actions() == ["client_closed"])
        assert wait_for(lambda: upstream.aborted == 1) and upstream.completed == 0
