"""`theralab doctor ext:bot.yaml` against the loopback test bot: a healthy bot (raw and with
--guardrail), a dead port, a refused key, a reply path that finds nothing, an empty reply, a
streamed reply, and malformed files (exit 2 naming file and line)."""

from __future__ import annotations

import socket
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from tests.external_bot import API_KEY, ExternalBot
from theralab.cli.doctor import PROBES, doctor
from theralab.safety import default_screener
from theralab.safety.risk import RiskLevel

runner = CliRunner()
cli = typer.Typer()


@cli.callback()
def _root() -> None:
    """Subcommand mode, as in the real `theralab` app: `doctor ext:…`."""


cli.command("doctor")(doctor)


@pytest.fixture(scope="module")
def bot() -> Iterator[ExternalBot]:
    with ExternalBot() as server:
        yield server


def invoke(*args: str | Path) -> Result:
    return runner.invoke(cli, ["doctor", *map(str, args)])


def flat(result: Result) -> str:
    return " ".join(result.output.split())


def openai_bot(folder: Path, base_url: str, name: str = "sunny", extra: str = "") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        f"kind: openai-chat\nname: {name}\nbase_url: {base_url}\nmodel: sunny-1\n"
        f"system_prompt: You are Sunny.\n{extra}"
    )
    return path


def http_bot(folder: Path, url: str, name: str, **keys: str) -> Path:
    lines = {
        "kind": "http",
        "name": name,
        "url": url,
        "headers": "{Authorization: 'Bearer ${DOCTOR_TEST_KEY}'}",
        "body": '{session: "{{ conversation_id }}", text: "{{ message }}"}',
        "stateful": "true",
        "reply_path": "data.reply",
        **keys,
    }
    path = folder / f"{name}.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in lines.items() if v))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_probes_mean_what_they_say() -> None:
    screener = default_screener()
    harmless, crisis = PROBES
    assert screener.assess(harmless.message).level is RiskLevel.NONE
    assert screener.assess(crisis.message).level.at_least(RiskLevel.HIGH)


def test_a_healthy_bot(bot: ExternalBot, tmp_path: Path) -> None:
    path = openai_bot(tmp_path, bot.base_url)
    before = len(bot.bodies)
    result = invoke(f"ext:{path}")
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "doctor sunny — openai-chat" in out and f"{path} is valid" in out
    assert out.count("I'm Sunny. Thanks for telling me.") == 2  # both replies shown
    assert "imminent (suicide)" in out and "none" in out  # the screener's risk per message
    assert "reply check would block (missing_crisis_response)" in out  # on the crisis reply
    assert "the reply to the crisis message misses 7 of 8 red-team criteria" in out
    assert "+guardrail" not in out
    sent = bot.bodies[before:]
    assert len(sent) == 2  # one call per message, no retries
    firsts = [next(m for m in b["messages"] if m["role"] == "user")["content"] for b in sent]
    assert firsts == [p.message for p in PROBES]  # two fresh conversations
    assert all(b["messages"][0] == {"role": "system", "content": "You are Sunny."} for b in sent)


def test_the_guarded_bot_beside_the_raw_one(bot: ExternalBot, tmp_path: Path) -> None:
    path = openai_bot(tmp_path, bot.base_url, name="guardme")
    before = len(bot.bodies)
    result = invoke(f"ext:{path}", "--guardrail")
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "guardme+guardrail in" in out and "[crisis, the bot was not asked]" in out
    assert "988" in out  # the crisis protocol's resources
    # the raw bot misses the criteria; the guarded one does not appear among the misses
    assert "guardme: the reply to the crisis message misses" in out
    assert "guardme+guardrail: the reply to the crisis message misses" not in out
    crisis = PROBES[1].message
    calls = [b for b in bot.bodies[before:] if any(m["content"] == crisis for m in b["messages"])]
    assert len(bot.bodies) - before == 3 and len(calls) == 1  # guarded: crisis never sent


def test_a_dead_port_exits_1_naming_the_cause(tmp_path: Path) -> None:
    port = free_port()
    path = openai_bot(tmp_path, f"http://127.0.0.1:{port}/v1", name="deadbot")
    result = invoke(f"ext:{path}")
    assert result.exit_code == 1, result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert line.startswith(f"error: deadbot (http://127.0.0.1:{port}/v1, model sunny-1): ")
    assert "both calls failed: cannot reach" in line and "gave up" not in line
    assert "is the bot running?" in flat(result)
    # behind the guardrail the person gets a safe reply, but the bot still failed
    result = invoke(f"ext:{path}", "--guardrail")
    assert result.exit_code == 1, result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert "3 calls failed: cannot reach" in line  # the crisis protocol needed no call


def test_a_malformed_file_exits_2_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "kind: openai-chat\nbase_url: http://127.0.0.1:9/v1\nmodel: m\ntemperature: 9\n"
    )
    result = invoke(f"ext:{path}")
    assert result.exit_code == 2, result.output
    out = flat(result)
    assert f"{path}:4, field 'temperature'" in out and "less than or equal to 2" in out
    assert "Findings" not in out  # nothing was sent
    path.write_text("kind: http\nurl: [http://x\n")
    result = invoke(str(path))  # the ext: prefix is optional
    assert (
        result.exit_code == 2 and f"{path}:3" in flat(result) and "not valid YAML" in flat(result)
    )


def test_a_refused_key_points_at_the_header(
    bot: ExternalBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCTOR_TEST_KEY", "a-stale-key")
    path = http_bot(tmp_path, f"{bot.url}/api/chat", f"stale{uuid.uuid4().hex[:6]}")
    result = invoke(f"ext:{path}")
    assert result.exit_code == 1, result.output
    out = flat(result)
    assert "HTTP 401" in out and "refused the credentials in headers (from $DOCTOR_TEST_KEY)" in out
    monkeypatch.setenv("DOCTOR_TEST_KEY", API_KEY)
    path.write_text(path.read_text() + "\n")  # read again
    assert invoke(f"ext:{path}").exit_code == 0


def test_a_reply_path_that_finds_nothing(
    bot: ExternalBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCTOR_TEST_KEY", API_KEY)
    path = http_bot(tmp_path, f"{bot.url}/api/chat", "wrongpath", reply_path="data.text")
    result = invoke(f"ext:{path}")
    assert result.exit_code == 1, result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert f"{path}, field 'reply_path': 'data.text' found nothing in the response" in line
    assert 'the response began: {"data": {"reply": "I\'m Sunny.' in flat(result)


def test_a_streamed_reply(bot: ExternalBot, tmp_path: Path) -> None:
    path = http_bot(
        tmp_path,
        f"{bot.url}/api/stream",
        "streamed",
        headers="",
        reply_path="",
        stream="sse",
        delta_path="delta.text",
    )
    result = invoke(f"ext:{path}")
    assert result.exit_code == 0, result.output
    assert flat(result).count("I'm Sunny. Thanks for telling me.") == 2


EMPTY_BOT = """
def reply(history):
    return "   "


def same(history):
    return "Thanks for sharing. Tell me more."
"""


def test_an_empty_reply_and_a_canned_one(tmp_path: Path) -> None:
    module = f"doctorbot_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(EMPTY_BOT))
    empty = tmp_path / "empty.yaml"
    empty.write_text(f"kind: python\nfunction: {module}:reply\npath: .\n")
    result = invoke(f"ext:{empty}")
    assert result.exit_code == 1, result.output
    assert "the bot answered with an empty reply" in flat(result)
    canned = tmp_path / "canned.yaml"
    canned.write_text(f"kind: python\nfunction: {module}:same\npath: .\ncache: true\n")
    result = invoke(f"ext:{canned}")
    assert result.exit_code == 0, result.output
    out = flat(result)
    assert "canned: the same reply to both messages" in out
    assert "cache: true" in out
    assert "Thanks for sharing. Tell me more." in out
