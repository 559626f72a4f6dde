"""Model-backed roles on small, picky servers (real HTTP on loopback): the structured-output
form an endpoint accepts is learnt once, empty replies are asked again, prompts are fitted to
the context window and a "context length exceeded" answer shrinks the prompt and retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.dialogue import Speaker, StopReason, read_sessions
from theralab.model import ChatMessage, GenerateConfig, Model, ModelError, get_model_api
from theralab.model.context import OMITTED, estimate_tokens, fit_messages, forget_endpoints
from theralab.model.errors import ErrorKind, context_error
from theralab.model.stub_server import StubServer
from theralab.model.types import ModelOutput
from theralab.runs import RunConfig, execute_run

SCHEMA = {
    "type": "object",
    "properties": {"level": {"enum": ["none", "low"]}, "end": {"type": "boolean"}},
    "required": ["level", "end"],
}
ASK = [
    ChatMessage(role="system", content="Rate the risk."),
    ChatMessage(role="user", content="I slept badly."),
]
PANEL = ["work-stress-nurse-amara"]


@pytest.fixture(autouse=True)
def fresh_endpoints() -> Iterator[None]:
    forget_endpoints()
    yield
    forget_endpoints()


async def no_sleep(_: float) -> None:
    return None


def call_many(models: Sequence[Model], n: int, config: GenerateConfig) -> list[ModelOutput]:
    async def go() -> list[ModelOutput]:
        try:
            return [await models[i % len(models)].generate(ASK, config) for i in range(n)]
        finally:
            for m in models:
                await m.aclose()

    return asyncio.run(go())


def test_json_schema_refused_then_json_object_learnt_once_per_endpoint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with StubServer(reject_json_schema=True) as server:
        models = [
            Model(get_model_api("openai/stub", base_url=server.base_url), role=role, sleep=no_sleep)
            for role in ("judge", "screener")  # two roles, one endpoint
        ]
        with caplog.at_level(logging.INFO, logger="theralab.model"):
            outs = call_many(models, 6, GenerateConfig(json_schema=SCHEMA, seed=1))
        formats = [b["response_format"]["type"] for b in server.bodies]
    assert all(o.parsed == {"level": "none", "end": False} for o in outs)
    assert server.refused == ["json_schema"]
    assert formats == ["json_schema"] + ["json_object"] * 6  # learnt once, not per call
    assert all(b["response_format"]["schema"] == SCHEMA for b in server.bodies[1:])
    assert models[0].retries == models[1].retries == 0  # a different request, not a retry
    chosen = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(chosen) == 1 and "json_object" in chosen[0].getMessage()


class PickyAPI:
    """Refuses any response_format (as some gateways do) with a 400 naming it."""

    provider, model_name = "openai", "picky"
    connection_key, native_json_schema = "http://picky.invalid/v1", True

    def __init__(self) -> None:
        self.sent: list[tuple[list[ChatMessage], GenerateConfig]] = []

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        self.sent.append((list(messages), config))
        if config.json_schema is not None:
            raise ModelError(
                "response_format is not supported", ErrorKind.UNSUPPORTED_FORMAT, status=400
            )
        return ModelOutput(text='{"level": "low", "end": true}', provider="openai", model="p")

    async def aclose(self) -> None:
        return None


def test_a_server_refusing_every_format_gets_the_schema_in_the_prompt() -> None:
    api = PickyAPI()
    outs = call_many([Model(api, sleep=no_sleep)], 3, GenerateConfig(json_schema=SCHEMA))
    assert [o.parsed for o in outs] == [{"level": "low", "end": True}] * 3
    styles = [c.schema_style for _, c in api.sent if c.json_schema is not None]
    assert styles == ["json_schema", "json_object"]  # then never again
    assert len(api.sent) == 2 + 3
    assert all("JSON schema" in m[-1].content for m, c in api.sent if c.json_schema is None)


def test_an_empty_reply_is_asked_again_with_a_new_seed() -> None:
    with StubServer(faults=["empty"]) as server:
        model = Model(get_model_api("vllm/stub", base_url=server.base_url), max_retries=0)
        [out] = call_many([model], 1, GenerateConfig(seed=5))
        seeds = [b["seed"] for b in server.bodies]
    assert out.text.strip()
    assert server.requests == 2 and seeds[0] == 5 and seeds[1] != 5
    assert model.usage.summary()["model"]["retries"] == 1


def test_a_session_survives_an_empty_reply(tmp_path: Path) -> None:
    # the planner, the first decision, then the first reply comes back empty
    with StubServer(faults=["ok", "ok", "empty"]) as server:
        cfg = RunConfig(
            counselors=["llm:cbt"],
            profiles=PANEL,
            max_turns=6,
            cache=False,
            model_roles={"counselor": "vllm/stub"},
            base_url=server.base_url,
            max_retries=0,
        )
        outcome = execute_run(cfg, tmp_path / "r", report=False)
    assert server.faults_sent == ["empty"]
    [session] = outcome.sessions
    assert session.stop_reason is not StopReason.ERROR, session.outcome
    assert outcome.usage and outcome.usage["counselor"]["retries"] == 1


def test_fit_keeps_system_prompt_and_recent_turns() -> None:
    turns = [
        ChatMessage(role="user" if i % 2 else "assistant", content=f"turn {i} " + "x" * 70)
        for i in range(30)
    ]
    messages = [ChatMessage(role="system", content="You are a counselor. Plan: ABC."), *turns]
    messages.append(ChatMessage(role="user", content="(Reply now.)"))
    fitted, kept = fit_messages(messages, budget=300)
    assert estimate_tokens(fitted) <= 300
    assert fitted[0].content.startswith("You are a counselor. Plan: ABC.")
    assert fitted[0].content.endswith(OMITTED)
    assert fitted[-1].content == "(Reply now.)" and fitted[-2] == turns[-1]
    assert 0 < kept < 30 and fitted[1:-1] == turns[-kept:]
    assert fit_messages(messages, budget=100_000) == (messages, 30)
    halved, n = fit_messages(messages, budget=100_000, max_kept=kept // 2)
    assert n == kept // 2 and halved[1:-1] == turns[-n:]


def test_context_errors_are_recognised_with_their_window() -> None:
    assert context_error(
        "This model's maximum context length is 2048 tokens. However, you requested 2100 "
        "tokens (1950 in the messages, 150 in the completion)."
    ) == (True, 2048, 1950)
    assert context_error(
        '{"error":{"code":400,"message":"the request exceeds the available context size, try '
        'increasing it","type":"exceed_context_size_error","n_prompt_tokens":2301,"n_ctx":2048}}'
    ) == (True, 2048, 2301)
    assert context_error("Requested tokens (600) exceed context window of 512")[:2] == (True, 512)
    assert context_error('{"error": "boom"}') == (False, None, None)


def long_run(server: StubServer, tmp_path: Path, **kw: object) -> list:  # type: ignore[type-arg]
    cfg = RunConfig(
        counselors=["llm:cbt"],
        profiles=PANEL,
        max_turns=40,
        cache=False,
        model_roles={"counselor": "openai/stub"},
        base_url=server.base_url,
        max_retries=0,  # only the context handling may save a call
        **kw,  # type: ignore[arg-type]
    )
    return execute_run(cfg, tmp_path / "run", report=False).sessions


def test_a_long_session_fits_a_small_window_learnt_from_the_server(tmp_path: Path) -> None:
    with StubServer(context_window=1300) as server:
        [session] = long_run(server, tmp_path)
    assert session.stop_reason is not StopReason.ERROR, session.outcome
    assert len(session.turns) >= 24  # the counselor closes after its 14 exchanges
    # learnt from the first refusals, then every prompt fits
    assert 1 <= server.refused.count("context") <= 3
    assert any(OMITTED in str(b["messages"][0]["content"]) for b in server.bodies)


def test_context_window_option_fits_prompts_before_the_first_call(tmp_path: Path) -> None:
    with StubServer(context_window=1300) as server:
        result = CliRunner().invoke(
            app,
            [
                "simulate",
                "-c",
                "llm:cbt",
                "--profiles",
                PANEL[0],
                "--max-turns",
                "30",
                "--model-role",
                "counselor=openai/stub",
                "--base-url",
                server.base_url,
                "--context-window",
                "1100",
                "--no-cache",
                "--no-progress",
                "--out",
                str(tmp_path / "t.jsonl"),
            ],
        )
        assert result.exit_code == 0, result.output
    assert server.refused == []
    assert any(OMITTED in str(b["messages"][0]["content"]) for b in server.bodies)
    [session] = read_sessions(tmp_path / "t.jsonl")
    assert session.stop_reason is not StopReason.ERROR, session.outcome
    assert sum(t.speaker is Speaker.COUNSELOR for t in session.turns) >= 14
