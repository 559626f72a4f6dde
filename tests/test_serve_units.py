"""Units of `theralab serve`: redaction, rate limits, memory, migrations, the coder adapter,
MITI bands, the CLI (serve, keys) and the install hint without the extra."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.serve_support import needs_serve
from theralab.cli import app as cli
from theralab.dialogue.codes import MiscCode

runner = CliRunner()


def test_serve_without_the_extra_prints_one_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import theralab.cli.serve as serve_cli

    monkeypatch.setattr(serve_cli, "missing_dependencies", lambda: ["fastapi"])
    for args in (["serve"], ["keys", "list"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1
        assert "pip install 'theralab[serve]'" in result.output
        assert len(result.output.strip().splitlines()) == 1


# --- redaction ------------------------------------------------------------------------------


@needs_serve
@pytest.mark.parametrize(
    ("text", "gone", "label"),
    [
        ("write to me at j.doe+notes@mail.example.com please", "j.doe+notes@mail", "EMAIL"),
        ("my number is (415) 555-0132", "555-0132", "PHONE"),
        ("call +44 7700 900123 tonight", "7700 900123", "PHONE"),
        ("I moved to 221B Baker Street last year", "Baker Street", "ADDRESS"),
        ("post it to 10 Downing Street, London SW1A 2AA", "SW1A 2AA", "ADDRESS"),
        ("My name is Amara Okafor and I'm tired", "Amara", "NAME"),
        ("Dr. Mbeki said it was stress", "Mbeki", "NAME"),
        ("my husband Tomasz never listens", "Tomasz", "NAME"),
        ("call me Sunny", "Sunny", "NAME"),
    ],
)
def test_redaction_finds_pii(text: str, gone: str, label: str) -> None:
    from theralab.serve.redact import redact_pii

    out = redact_pii(text)
    assert gone not in out and f"[{label}]" in out


@needs_serve
def test_redaction_keeps_ordinary_text_and_learns_names() -> None:
    from theralab.serve.redact import Redactor

    r = Redactor()
    plain = "I'm tired. I walked 5 miles down the road in 2019 and spent 1,200 on rent at 10:30."
    assert r.redact(plain) == plain
    assert r.redact("I want to end my life tonight") == "I want to end my life tonight"
    assert r.redact("my sister Ines came round") == "my sister [NAME] came round"
    assert r.redact("Ines said I looked thin") == "[NAME] said I looked thin"
    assert r.counts["NAME"] == 2


# --- limits ---------------------------------------------------------------------------------


@needs_serve
def test_token_bucket_refills_at_its_rate() -> None:
    from theralab.serve.limits import TokenBucket

    bucket = TokenBucket(capacity=2, rate=1.0, stamp=0.0)
    assert bucket.take(0.0) == 0.0 and bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == pytest.approx(1.0)
    assert bucket.take(0.5) == pytest.approx(0.5)
    assert bucket.take(1.6) == 0.0


@needs_serve
def test_rate_limiter_gives_each_key_its_own_bucket() -> None:
    from theralab.serve.limits import RateLimiter

    limiter = RateLimiter(rate_per_minute=60, burst=2)
    assert [limiter.check("a") for _ in range(3)] == [0, 0, 1]
    assert limiter.check("b") == 0
    assert all(limiter.check("c", rate_per_minute=60_000) == 0 for _ in range(500))


# --- memory ---------------------------------------------------------------------------------


@needs_serve
def test_memory_summary_holds_no_sentences() -> None:
    from theralab.safety.risk import RiskLevel
    from theralab.serve.memory import recap, summarise

    texts = [
        "My boss at work humiliated me in the meeting and I feel ashamed.",
        "I can't sleep and I'm exhausted, I feel ashamed and anxious.",
    ]
    summary = summarise(texts, modality="cbt", risk_peak=RiskLevel.LOW, client_messages=2)
    assert summary["themes"][0] == "work" and "sleep" in summary["themes"]
    assert summary["feelings"][0] == "ashamed"
    flat = str(summary)
    assert "boss" not in flat and "meeting" not in flat
    said = recap(summary)
    assert said.startswith("Welcome back.") and "work" in said and "heavy" in said


# --- migrations and storage -----------------------------------------------------------------


@needs_serve
def test_migrations_match_the_models_and_are_idempotent(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from theralab.serve.db import head_revision, make_engine, migrate
    from theralab.serve.models import Base

    engine = make_engine(f"sqlite:///{tmp_path / 'deep' / 'm.db'}")
    assert migrate(engine) == head_revision() == "0002"
    assert migrate(engine) == "0002"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@needs_serve
def test_database_urls_are_normalised() -> None:
    from theralab.serve.db import normalise_url, redacted_url

    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert "secret" not in redacted_url("postgresql://u:secret@h/db")


# --- the coder adapter and MITI -------------------------------------------------------------


@needs_serve
def test_coder_adapter_and_running_miti() -> None:
    from theralab.serve.practice import code_group, code_trainee_utterance, miti_summary

    coded = code_trainee_utterance(
        "It sounds like you feel stuck. What would you like to be different?", "I feel stuck."
    )
    assert [c for _, c in coded] == [MiscCode.SIMPLE_REFLECTION, MiscCode.OPEN_QUESTION]
    assert code_group(MiscCode.CONFRONT) == "non_adherent"
    assert code_group(MiscCode.STRUCTURE) == "input"
    counts = Counter(
        {MiscCode.COMPLEX_REFLECTION: 2, MiscCode.OPEN_QUESTION: 1, MiscCode.AFFIRM: 1}
    )
    metrics = {m.key: m for m in miti_summary(counts, trainee_words=40, client_words=60)}
    assert metrics["r_q"].value == 2.0 and metrics["r_q"].band == "good"
    assert (
        metrics["pct_counselor_talk"].value == 40.0 and metrics["pct_counselor_talk"].band == "good"
    )
    assert metrics["pct_mi_adherent"].value == 100.0
    empty = {m.key: m for m in miti_summary(Counter(), 0, 0)}
    assert empty["r_q"].value is None and empty["r_q"].band is None


@needs_serve
def test_stream_chunks_rebuild_the_reply() -> None:
    from theralab.serve.chat import stream_chunks

    text = "It sounds like   work has been a lot. What happened?"
    assert "".join(stream_chunks(text)) == text
    assert len(stream_chunks(text)) > 2


# --- CLI ------------------------------------------------------------------------------------


@needs_serve
def test_keys_create_list_revoke(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'k.db'}"]
    created = runner.invoke(cli, ["keys", "create", "--name", "pilot", "--rate", "600", *db])
    assert created.exit_code == 0, created.output
    key = re.search(r"tl_[A-Za-z0-9_-]{43}", created.output)
    assert key is not None
    listed = runner.invoke(cli, ["keys", "list", *db])
    assert "pilot" in listed.output and key.group()[:9] in listed.output
    assert key.group() not in listed.output  # only the prefix is ever shown again
    assert runner.invoke(cli, ["keys", "revoke", "pilot", *db]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["keys", "list", *db]).output
    assert runner.invoke(cli, ["keys", "revoke", "pilot", *db]).exit_code == 2
    assert runner.invoke(cli, ["keys", "create", "--name", "", *db]).exit_code == 2


@needs_serve
def test_theralab_serve_command_end_to_end(tmp_path: Path) -> None:
    """The real command: prints the API address and a login link, serves /health and the UI."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    scratch = tmp_path / "tmp"  # its own temporary folder: what it leaves there is seen
    scratch.mkdir()
    env = {
        **os.environ,
        "THERALAB_SEMANTIC": "0",
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "TMPDIR": str(scratch),
    }
    command = Path(sys.executable).with_name("theralab")
    if not command.exists():
        pytest.skip("the theralab command is not installed beside this Python")
    proc = subprocess.Popen(
        [str(command), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "login?token=" in line or not line:
                break
        link = re.search(r"http://\S+/login\?token=\S+", "".join(lines))
        assert link is not None, "".join(lines)
        assert (tmp_path / "xdg" / "theralab" / "theralab.db").exists()
        for _ in range(100):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.json()["guardrail"] == "on"
        with httpx.Client(follow_redirects=True) as c:
            page = c.get(link.group())
            assert page.status_code == 200 and "Start conversation" in page.text
        assert list(scratch.glob("theralab-metrics-*")), "the workers' metrics folder"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # Stopped (SIGTERM, as a service manager stops it), it leaves no folder behind.
    assert proc.returncode in (0, -15)  # -15: SIGTERM raised again after a clean shutdown
    assert not list(scratch.glob("theralab-metrics-*"))


@needs_serve
def test_load_benchmark_runs_and_reports_both_endpoints(tmp_path: Path) -> None:
    """bench/serve_load.py end to end, briefly (wrk when installed, else httpx)."""
    import json

    out = tmp_path / "load.json"
    bench = Path(__file__).resolve().parents[1] / "bench" / "serve_load.py"
    env = {**os.environ, "THERALAB_SEMANTIC": "0"}
    options = ["--seconds", "1", "--warmup", "0", "--conversations", "4", "--json", str(out)]
    result = subprocess.run(
        [sys.executable, str(bench), *options],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(out.read_text())
    for name in ("echo", "chat"):
        assert figures["results"][name]["rps"] > 0 and figures["results"][name]["errors"] == 0
    assert "chat / echo throughput" in result.stdout
