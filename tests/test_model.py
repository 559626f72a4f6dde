"""The model layer against a real HTTP server on loopback (the stub OpenAI-compatible server):
providers, retries with Retry-After, timeouts, error classes, structured output and repair,
the cache, concurrency limits and usage accounting."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from theralab.model import (
    ChatMessage,
    ErrorKind,
    GenerateConfig,
    Model,
    ModelError,
    ResponseCache,
    UsageTracker,
    get_model_api,
    parse_spec,
)
from theralab.model.stub_server import StubServer

HELLO = [ChatMessage(role="user", content="I have been sleeping badly")]
SCHEMA = {
    "type": "object",
    "properties": {"level": {"enum": ["none", "low"]}, "why": {"type": "string"}},
    "required": ["level", "why"],
}


async def _no_sleep(_: float) -> None:
    return None


def model_for(server: StubServer, **kw: object) -> Model:
    api = get_model_api("vllm/stub-model", base_url=server.base_url)
    kw.setdefault("sleep", _no_sleep)
    return Model(api, spec="vllm/stub-model", **kw)  # type: ignore[arg-type]


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_specs_resolve_and_unknown_ones_say_so() -> None:
    assert parse_spec("openai/gpt-4o-mini") == ("openai", "gpt-4o-mini")
    assert parse_spec("local") == ("local", "")
    with pytest.raises(ValueError, match="unknown model provider"):
        parse_spec("skynet/v1")
    with pytest.raises(ValueError, match="needs a model name"):
        parse_spec("openai")


def test_plain_completion_records_usage() -> None:
    with StubServer() as server:
        usage = UsageTracker()
        out = run(model_for(server, usage=usage, role="counselor").generate(HELLO))
    assert out.text.startswith("It sounds like I have been sleeping badly")
    assert out.usage.input_tokens == 5 and out.usage.output_tokens > 0
    assert usage.summary()["counselor"]["calls"] == 1


def test_429_and_500_are_retried_and_retry_after_is_honoured() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    with StubServer(faults=["429", "500", "ok"]) as server:
        model = model_for(server, sleep=record)
        out = run(model.generate(HELLO))
        assert server.requests == 3 and server.faults_sent == ["429", "500"]
    assert out.text
    assert waits[0] == 0.0  # the server's Retry-After: 0
    assert 0 < waits[1] <= 1.0  # then jittered backoff from 0.5 s
    assert model.retries == 2


def test_giving_up_keeps_the_error_class() -> None:
    with StubServer(faults=["429"] * 10) as server:
        with pytest.raises(ModelError) as err:
            run(model_for(server, max_retries=2).generate(HELLO))
        assert server.requests == 3
    assert err.value.kind is ErrorKind.RATE_LIMIT  # never a score, always a labelled failure


def test_fatal_errors_are_not_retried(tmp_path: Path) -> None:
    api = get_model_api("openai/gpt-x", base_url="http://127.0.0.1:9/v1")  # nothing listens
    with pytest.raises(ModelError) as err:
        run(Model(api, max_retries=1, sleep=_no_sleep).generate(HELLO))
    assert err.value.kind is ErrorKind.TRANSIENT and "cannot reach" in str(err.value)


def test_a_stalled_server_times_out_then_succeeds() -> None:
    with StubServer(faults=["stall", "ok"], stall=2.0) as server:
        out = run(model_for(server, timeout=0.3).generate(HELLO))
        assert server.requests == 2
    assert out.text


def test_malformed_body_is_transient_and_retried() -> None:
    with StubServer(faults=["malformed", "ok"]) as server:
        out = run(model_for(server).generate(HELLO))
        assert server.requests == 2 and out.text


def test_structured_output_validates_and_repairs_once() -> None:
    config = GenerateConfig(json_schema=SCHEMA)
    with StubServer() as server:
        out = run(model_for(server).generate(HELLO, config))
        sent = server.bodies[0]["response_format"]
    assert out.parsed == {"level": "none", "why": "Thank you for telling me."}
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"] == SCHEMA
    with StubServer(faults=["not_json", "ok"]) as server:
        out = run(model_for(server).generate(HELLO, config))
        repair_prompt = server.bodies[1]["messages"][-1]["content"]
    assert out.repaired and out.parsed is not None and "not valid" in repair_prompt
    with StubServer(faults=["not_json", "not_json"]) as server, pytest.raises(ModelError) as err:
        run(model_for(server).generate(HELLO, config))
    assert err.value.kind is ErrorKind.UNPARSEABLE and err.value.raw


def test_llama_cpp_server_gets_its_schema_style() -> None:
    with StubServer() as server:
        api = get_model_api("llamacpp-server/m", base_url=server.base_url)
        run(Model(api).generate(HELLO, GenerateConfig(json_schema=SCHEMA)))
        assert server.bodies[0]["response_format"] == {"type": "json_object", "schema": SCHEMA}


def test_cache_hits_skip_the_server_and_errors_are_not_cached(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite")
    with StubServer(faults=["429"] * 3 + ["ok"]) as server:
        model = model_for(server, cache=cache, max_retries=1)
        with pytest.raises(ModelError):
            run(model.generate(HELLO))
        assert len(cache) == 0
        first = run(model_for(server, cache=cache).generate(HELLO))
        n = server.requests
        again = run(model_for(server, cache=cache).generate(HELLO))
        assert server.requests == n  # served from the cache
        other_seed = run(model_for(server, cache=cache).generate(HELLO, GenerateConfig(seed=3)))
        assert server.requests == n + 1
    assert again.cached and not first.cached and again.text == first.text
    assert not other_seed.cached


def test_concurrency_is_limited_per_server() -> None:
    async def many(model: Model) -> None:
        await asyncio.gather(
            *(model.generate([ChatMessage(role="user", content=f"m{i}")]) for i in range(24))
        )

    with StubServer(latency=0.05) as server:
        run(many(model_for(server, max_connections=4)))
        assert server.requests == 24 and server.peak_in_flight <= 4
    with StubServer(latency=0.05) as server:
        run(many(model_for(server, max_connections=16)))
        assert server.peak_in_flight > 4


def test_cost_is_counted_and_the_limit_stops_new_calls() -> None:
    usage = UsageTracker(cost_limit=0.000001)
    with StubServer() as server:
        api = get_model_api("openai/gpt-4o", base_url=server.base_url)
        model = Model(api, spec="openai/gpt-4o", usage=usage, role="judge")
        run(model.generate(HELLO))
        assert usage.dollars > 0
        with pytest.raises(ModelError) as err:
            run(model.generate([ChatMessage(role="user", content="again")]))
    assert err.value.kind is ErrorKind.COST_LIMIT


def test_missing_optional_dependency_gives_an_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if not installed
    with pytest.raises(ImportError, match="pip install"):
        get_model_api("llamacpp/model.gguf")


def test_providers_without_native_schemas_get_the_schema_in_the_prompt() -> None:
    from theralab.model.providers.mock import MockModel

    mock = MockModel(outputs=['{"level": "low", "why": "a wish to disappear"}'])
    out = run(Model(mock).generate(HELLO, GenerateConfig(json_schema=SCHEMA)))
    assert out.parsed == {"level": "low", "why": "a wish to disappear"}
    sent = mock.calls[0][0][-1].content
    assert "JSON schema" in sent and '"level"' in sent


def test_raw_control_characters_inside_json_strings_are_tolerated() -> None:
    """llama.cpp's grammar lets raw control characters into strings: the answer is still
    parsed (line breaks kept, other control characters dropped) instead of failing a session."""
    from theralab.model.model import _parse

    schema = {"type": "object", "properties": {"why": {"type": "string"}}, "required": ["why"]}
    parsed, error = _parse('{"why": "first\x01 line\nsecond\tline"}', schema)
    assert error == "" and parsed == {"why": "first line\nsecond\tline"}
    parsed, error = _parse('{"why": "unterminated', schema)
    assert parsed is None and error
