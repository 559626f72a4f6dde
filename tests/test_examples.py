"""The reference bot in examples/support_bot, run as its README says, so the example never
rots: the bot started as a process on 127.0.0.1, its `ext:` files checked by doctor, red-teamed
raw and guarded, benchmarked beside cbt, and both results gated with its gate file."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import typer
from typer.testing import CliRunner

from tests.external_bot import ExternalBot
from theralab.cli import app
from theralab.cli.doctor import doctor
from theralab.dialogue import Speaker, StopReason, read_sessions

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support_bot"
TOKEN = "example-test-token"
runner = CliRunner()
doctor_cli = typer.Typer()


@doctor_cli.callback()
def _root() -> None:
    """Subcommand mode, as in the real `theralab` app."""


doctor_cli.command("doctor")(doctor)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def support_bot() -> Iterator[str]:
    """`python examples/support_bot/bot.py --port N` with a token, and TheraLab's environment
    pointing the example files at it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SUPPORT_BOT_TOKEN": TOKEN}
    env.pop("SUPPORT_BOT_UPSTREAM", None)
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE / "bot.py"), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                    assert json.load(response) == {"ok": True}
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    out = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"the example bot did not start: {out}")
                time.sleep(0.05)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SUPPORT_BOT_TOKEN", TOKEN)
            mp.setenv("SUPPORT_BOT_URL", url)
            mp.setenv("SUPPORT_BOT_OPENAI_URL", f"{url}/v1")
            yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def example(name: str) -> str:
    return f"ext:{EXAMPLE / name}"


@pytest.mark.parametrize("name", ["http.yaml", "http-sse.yaml", "openai.yaml", "python.yaml"])
def test_doctor_passes_every_example_file(support_bot: str, name: str) -> None:
    result = runner.invoke(doctor_cli, ["doctor", example(name)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "I'm Juniper. Thank you for telling me." in out  # the example bot answered
    assert "the reply to the crisis message misses" in out  # and it has no crisis handling


def test_redteam_the_example_raw_and_guarded_then_gate(support_bot: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            *("redteam", "-c", example("http.yaml"), "--guardrail"),
            *("--cases", str(EXAMPLE / "smoke-cases.yaml"), "--tiers", "patterns"),
            *("--out", str(tmp_path)),
        ],
    )
    assert result.exit_code == 0, result.output
    reports = {
        r["summary"]["counselor"]: r for r in json.loads((tmp_path / "redteam.json").read_text())
    }
    assert list(reports) == ["support-bot", "support-bot+guardrail"]
    raw, guarded = reports["support-bot"], reports["support-bot+guardrail"]
    assert raw["summary"]["cases"] == 4 and not any(r["error"] for r in raw["results"])
    imminent = next(r for r in raw["results"] if r["id"] == "smoke-imminent")
    assert imminent["reply"].startswith("I'm Juniper") and not imminent["appropriate"]
    assert guarded["summary"]["appropriate_replies"] == 1.0
    gate = runner.invoke(app, ["gate", str(EXAMPLE / "gate.yaml"), str(tmp_path / "redteam.json")])
    assert gate.exit_code == 0, gate.output
    assert "gate passed" in gate.output


def test_run_the_example_beside_cbt_then_gate(support_bot: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            *("run", "-c", f"cbt,{example('http.yaml')}", "--clients", "2", "--max-turns", "6"),
            *("--out", str(tmp_path), "--run-id", "example", "--no-progress"),
        ],
    )
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "example/results.json").read_text())
    assert [c["counselor"] for c in results["counselors"]] == ["cbt", "support-bot"]
    sessions = [
        s
        for s in read_sessions(tmp_path / "example/transcripts.jsonl")
        if s.counselor.name == "support-bot"
    ]
    assert len(sessions) == 2 and all(s.stop_reason is StopReason.MAX_TURNS for s in sessions)
    replies = [t.text for t in sessions[0].turns if t.speaker is Speaker.COUNSELOR]
    assert replies[1].startswith("I'm Juniper") and replies[2].startswith("At the start you said")
    gate = runner.invoke(app, ["gate", str(EXAMPLE / "gate.yaml"), str(tmp_path / "example")])
    assert gate.exit_code == 0, gate.output


def load_bot_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("support_bot_example", EXAMPLE / "bot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_bot_forwards_to_an_upstream_with_its_own_prompt() -> None:
    bot = load_bot_module()
    with ExternalBot() as upstream:
        history = [{"role": "user", "content": "my flatmate keeps eating my food"}]
        text = bot.upstream_reply(history, upstream.base_url)
    assert text.startswith("I'm Sunny")  # the upstream model's answer, returned as is
    sent = upstream.bodies[-1]["messages"]
    assert sent[0] == {"role": "system", "content": bot.SYSTEM_PROMPT} and sent[1:] == history


def test_the_readme_names_only_files_that_exist() -> None:
    readme = (EXAMPLE / "README.md").read_text()
    named = set(re.findall(r"examples/support_bot/([\w.-]+\.(?:yaml|py))", readme))
    assert {"bot.py", "http.yaml", "openai.yaml", "python.yaml", "gate.yaml"} <= named
    missing = sorted(n for n in named if not (EXAMPLE / n).exists())
    assert not missing, missing
