"""`theralab serve --model-timeout/--model-retries`: how long a person can wait on a slow model
before the guardrail's safe reply (fixed at 60 s and 2 retries before, so up to three minutes)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from theralab.model import ChatMessage, ModelError
from theralab.model.stub_server import StubServer

pytest.importorskip("fastapi")

from theralab.serve.engines import ModelPool
from theralab.serve.settings import ServeSettings


def test_the_pool_gives_up_after_the_operators_timeout_and_retries() -> None:
    with StubServer(latency=3.0) as server:
        pool = ModelPool(
            ("openai/gpt-4o-mini",), base_url=server.base_url, timeout=0.4, max_retries=1
        )
        model = pool.model("openai/gpt-4o-mini", "counselor")

        async def call() -> None:
            try:
                await model.generate([ChatMessage(role="user", content="hello")])
            finally:
                await pool.aclose()

        started = time.perf_counter()
        with pytest.raises(ModelError):
            asyncio.run(call())
        waited = time.perf_counter() - started
    assert model.timeout == 0.4 and model.max_retries == 1
    assert waited < 2.9  # two short tries and a backoff, never the 3 s reply


def test_settings_refuse_a_nonsense_timeout() -> None:
    assert ServeSettings().model_timeout == 60.0 and ServeSettings().model_retries == 2
    with pytest.raises(ValueError):
        ServeSettings(model_timeout=0)


def test_serve_check_says_how_long_a_person_may_wait(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("theralab")
    env = {**os.environ, "THERALAB_SEMANTIC": "0", "THERALAB_STATE_KEYS": ""}
    out = subprocess.run(
        [
            str(command),
            "serve",
            "--check",
            "--db",
            f"sqlite:///{tmp_path / 'c.db'}",
            "--model",
            "openai/gpt-4o-mini",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model-timeout",
            "5",
            "--model-retries",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "5 s each, 1 retries" in out.stdout and "≈ 10 s" in out.stdout, out.stdout + out.stderr
