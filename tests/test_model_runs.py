"""Runs with model-backed roles against a real HTTP server on loopback: LLM counselors and
clients, failures recorded with their reason, resume, cost limit, token budget."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from theralab.dialogue import Speaker, StopReason, read_sessions
from theralab.model.roles import parse_role_bindings
from theralab.model.stub_server import StubServer
from theralab.runs import RunConfig, execute_run

from .annotation_support import flat

PANEL = ["work-stress-nurse-amara", "grief-postal-worker-ulla", "panic-student-imani"]


def config(server: StubServer, **kw: object) -> RunConfig:
    base = {
        "counselors": ["mi", "act"],
        "profiles": PANEL,
        "max_turns": 8,
        "cache": False,
        "model_roles": {"counselor": "vllm/stub"},
        "base_url": server.base_url,
    }
    base.update(kw)
    return RunConfig(**base)  # type: ignore[arg-type]


def test_role_bindings_parse_and_refuse_nonsense() -> None:
    assert parse_role_bindings(["counselor=openai/gpt-4o-mini", "client=local"]) == {
        "counselor": "openai/gpt-4o-mini",
        "client": "local",
    }
    for bad in ("counselor", "therapist=openai/x", "client=nope/x"):
        with pytest.raises(ValueError):
            parse_role_bindings([bad])


def test_llm_counselor_and_llm_client_hold_a_session(tmp_path: Path) -> None:
    with StubServer() as server:
        cfg = config(
            server,
            model_roles={"counselor": "vllm/stub", "client": "vllm/stub"},
            counselors=["cbt"],
            profiles=PANEL[:1],
        )
        outcome = execute_run(cfg, tmp_path / "r", report=False)
    [session] = outcome.sessions
    assert session.client.engine == "vllm/stub" and session.counselor.engine == "vllm/stub"
    speakers = [t.speaker for t in session.turns]
    assert all(a is not b for a, b in itertools.pairwise(speakers))
    counselor_turns = [t for t in session.turns if t.speaker is Speaker.COUNSELOR]
    assert all(t.annotations.strategy for t in counselor_turns)
    assert any("plan" in flat(t.annotations) for t in counselor_turns)
    assert outcome.usage and outcome.usage["counselor"]["calls"] > 0
    assert (tmp_path / "r" / "usage.json").is_file()


def test_failures_are_recorded_then_resume_redoes_only_them(tmp_path: Path) -> None:
    run_dir = tmp_path / "flaky"
    with StubServer(fail_rate=0.1, seed=3) as server:  # one session at a time: deterministic
        first = execute_run(config(server, max_retries=0, concurrency=1), run_dir, report=False)
    failed = [s for s in first.sessions if s.stop_reason is StopReason.ERROR]
    finished = {
        s.id: s.model_dump_json(exclude={"timing"})
        for s in first.sessions
        if s.stop_reason is not StopReason.ERROR
    }
    assert len(first.sessions) == 6 and failed and finished
    for s in failed:
        assert s.outcome is not None and (
            "rate_limit" in (s.outcome.error or "") or "transient" in (s.outcome.error or "")
        )
    with StubServer() as healthy:
        again = execute_run(
            config(healthy, max_retries=0, concurrency=1), run_dir, report=False, resume=True
        )
        served = healthy.requests
    assert again.resumed == len(finished)
    assert all(s.stop_reason is not StopReason.ERROR for s in again.sessions)
    per_session = served / len(failed)
    assert per_session <= 16  # only the failed sessions were asked again (2 calls a turn)
    kept = {
        s.id: s.model_dump_json(exclude={"timing"})
        for s in read_sessions(run_dir / "transcripts.jsonl")
        if s.id in finished
    }
    assert kept == finished


def test_resume_refuses_a_different_configuration(tmp_path: Path) -> None:
    with StubServer() as server:
        execute_run(config(server), tmp_path / "r", report=False)
        with pytest.raises(Exception, match="configuration differs"):
            execute_run(config(server, max_turns=10), tmp_path / "r", report=False, resume=True)


def test_cost_limit_stops_starting_sessions_and_resume_finishes(tmp_path: Path) -> None:
    with StubServer() as server:
        cfg = config(
            server, model_roles={"counselor": "openai/gpt-4o"}, cost_limit=0.0001, concurrency=1
        )
        first = execute_run(cfg, tmp_path / "c", report=False)
        assert 0 < len(first.sessions) < 6 and first.unfinished > 0
        second = execute_run(
            cfg.model_copy(update={"cost_limit": 10.0}), tmp_path / "c", report=False, resume=True
        )
    assert len(second.sessions) == 6 and second.unfinished == 0


def test_token_budget_stops_a_session(tmp_path: Path) -> None:
    with StubServer() as server:
        out = execute_run(
            config(
                server, max_turns=40, max_session_tokens=400, counselors=["mi"], profiles=PANEL[:1]
            ),
            tmp_path / "t",
            report=False,
        )
    assert out.sessions[0].stop_reason is StopReason.TOKEN_BUDGET
    saved = json.loads((tmp_path / "t" / "config.json").read_text())
    assert saved["max_session_tokens"] == 400


def test_llm_and_scripted_counselors_side_by_side(tmp_path: Path) -> None:
    with StubServer() as server:
        out = execute_run(
            config(server, counselors=["cbt", "llm:cbt"], profiles=PANEL[:2]),
            tmp_path / "mix",
            report=False,
        )
    engines = {s.counselor.name: s.counselor.engine for s in out.sessions}
    assert engines == {"cbt": "scripted", "llm:cbt": "vllm/stub"}
    assert set(out.results.leaderboard) == {"cbt", "llm:cbt"}


def test_a_killed_run_resumes_without_losing_finished_sessions(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    exe = str(Path(sys.executable).with_name("theralab"))
    with StubServer(latency=0.05) as server:
        args = [
            exe,
            "run",
            "--clients",
            "6",
            "--counselors",
            "mi,cbt",
            "--max-turns",
            "8",
            "--model-role",
            "counselor=vllm/stub",
            "--base-url",
            server.base_url,
            "--no-cache",
            "--concurrency",
            "2",
            "--out",
            str(tmp_path),
            "--run-id",
            "k",
            "--no-progress",
            "--no-report",
        ]
        env = {**os.environ, "THERALAB_SEMANTIC": "0"}
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        journal = tmp_path / "k" / "transcripts.jsonl"
        deadline = time.time() + 60
        while time.time() < deadline and (
            not journal.exists() or len(journal.read_text().splitlines()) < 3
        ):
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # no chance to clean up
        proc.wait()
        survived = {s.id: s.model_dump_json(exclude={"timing"}) for s in read_sessions(journal)}
        assert 3 <= len(survived) < 12
        done = subprocess.run([*args, "--resume"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    final = read_sessions(journal)
    assert len(final) == 12 and len({s.id for s in final}) == 12
    assert {
        s.id: s.model_dump_json(exclude={"timing"}) for s in final if s.id in survived
    } == survived
    assert f"({len(survived)} kept from before)" in done.stdout


def test_llm_counselor_stages_only_move_forward_one_at_a_time() -> None:
    from theralab.counselors.llm import LLMCounselor
    from theralab.model import Model
    from theralab.model.providers.mock import MockModel

    c = LLMCounselor("pfa", Model(MockModel()), seed=0)
    assert c._controlled_stage("link", closing=False) == "listen"  # no skipping
    assert c._controlled_stage("look", closing=False) == "listen"  # no going back
    assert c._controlled_stage("link", closing=False) == "link"
    assert c._controlled_stage("close", closing=False) == "link"  # close only when closing
    assert c._controlled_stage("look", closing=True) == "close"


def test_in_process_roles_are_recognised() -> None:
    from theralab.model.roles import ModelRoles

    assert ModelRoles(specs={"counselor": "local"}).in_process()
    assert ModelRoles(specs={"client": "llamacpp/m.gguf"}).in_process()
    assert not ModelRoles(specs={"counselor": "openai/gpt-4o-mini", "judge": "local"}).in_process()


def test_llm_counselor_closes_at_its_planned_length(tmp_path: Path) -> None:
    with StubServer() as server:  # the stub never asks to end the session
        out = execute_run(
            config(server, max_turns=80, counselors=["pfa"], profiles=PANEL[:1]),
            tmp_path / "len",
            report=False,
        )
    [session] = out.sessions
    assert session.stop_reason is StopReason.COUNSELOR_CLOSED
    counselor_turns = [t for t in session.turns if t.speaker is Speaker.COUNSELOR]
    assert len(counselor_turns) == 14
    assert counselor_turns[-1].annotations.stage == "close"


def test_a_resumed_mixed_run_keeps_scripted_counselors_scripted() -> None:
    import asyncio

    from theralab.model.roles import ModelRoles
    from theralab.profiles import get_profile
    from theralab.simulate import plan_sessions, run_sessions

    profiles = [get_profile(PANEL[0])]
    only_scripted_left = plan_sessions(["cbt"], profiles, seed=1, max_turns=4)
    roles = ModelRoles(specs={"counselor": "mock/m"}, cache_path=None)
    [s] = asyncio.run(
        run_sessions(only_scripted_left, profiles, roles=roles, counselor_lineup=["cbt", "llm:cbt"])
    )
    assert s.counselor.engine == "scripted"
    [t] = asyncio.run(run_sessions(only_scripted_left, profiles, roles=roles))
    assert t.counselor.engine == "mock/m"  # a line-up without llm: names is all model-backed


def test_a_run_with_some_failed_sessions_exits_non_zero_and_resume_clears_it(
    tmp_path: Path,
) -> None:
    """Any session in error fails the command (one line per counselor, with the cause and
    how to redo them); once `--resume` has redone them the command succeeds."""
    from typer.testing import CliRunner

    from theralab.cli import app

    runner = CliRunner()
    args = ["run", "--out", str(tmp_path), "--run-id", "flaky", "--no-report"]
    cfg_file = tmp_path / "cfg.json"
    with StubServer(fail_rate=0.1, seed=3) as server:
        cfg_file.write_text(config(server, max_retries=0, concurrency=1).model_dump_json())
        first = runner.invoke(app, [*args, "--config", str(cfg_file)])
    assert first.exit_code == 1, first.output
    lines = [line for line in first.output.splitlines() if "session(s) failed" in line]
    assert lines and all(" of 3 session(s) failed: " in line for line in lines), first.output
    assert any("vllm/stub at http://127.0.0.1:" in line for line in lines)
    assert "--resume --run-id flaky" in first.output
    with StubServer() as healthy:
        cfg_file.write_text(config(healthy, max_retries=0, concurrency=1).model_dump_json())
        again = runner.invoke(app, [*args, "--config", str(cfg_file), "--resume"])
    assert again.exit_code == 0, again.output
    assert "session(s) failed" not in again.output


def test_resume_names_an_edited_profile(tmp_path: Path) -> None:
    from theralab.profiles.library import builtin_profiles

    [profile] = [p for p in builtin_profiles() if p.id == PANEL[0]]
    path = tmp_path / "client.json"
    path.write_text(profile.model_dump_json())
    with StubServer() as server:
        cfg = config(server, profiles=[str(path)], counselors=["mi"], max_turns=4)
        execute_run(cfg, tmp_path / "r", report=False)
        execute_run(cfg, tmp_path / "r", report=False, resume=True)  # unchanged: fine
        edited = json.loads(path.read_text())
        edited["summary"] = str(edited["summary"]) + " Recently moved house."
        path.write_text(json.dumps(edited))
        with pytest.raises(Exception, match=f"client profile {PANEL[0]} has changed"):
            execute_run(cfg, tmp_path / "r", report=False, resume=True)


def test_resume_notices_an_edited_external_bot_but_not_a_moved_endpoint(tmp_path: Path) -> None:
    """The bot's digest covers what makes it that bot (here: its function and greeting), not
    how it is reached, so fixing a timeout still resumes while a new bot is refused."""
    (tmp_path / "echo_bot_for_resume.py").write_text(
        "def reply(history):\n    return 'I hear you. ' + history[-1].text[:30]\n"
    )
    bot = tmp_path / "echo.yaml"
    head = "kind: python\nfunction: echo_bot_for_resume:reply\npath: .\n"
    bot.write_text(head)
    cfg = RunConfig(counselors=[f"ext:{bot}"], profiles=PANEL[:1], max_turns=4)
    execute_run(cfg, tmp_path / "r", report=False)
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert list(saved["bot_digests"]) == ["echo"]
    bot.write_text(head + "timeout: 30\n")
    again = execute_run(cfg, tmp_path / "r", report=False, resume=True)
    assert again.resumed == 1
    bot.write_text(head + "greeting: Welcome, what brings you here?\n")
    with pytest.raises(Exception, match="external bot echo has changed"):
        execute_run(cfg, tmp_path / "r", report=False, resume=True)


def test_an_llm_counselor_whose_model_never_writes_valid_json_still_counsels(
    tmp_path: Path,
) -> None:
    """The plan and the per-turn decision are auxiliary: when their JSON never parses (a small
    model), the session goes on without them and each turn says so, instead of failing."""
    with StubServer(faults=["not_json"] * 400) as server:
        out = execute_run(
            config(server, counselors=["llm:cbt"], profiles=PANEL[:1], max_turns=8),
            tmp_path / "r",
            report=False,
        )
    [session] = out.sessions
    assert session.stop_reason is not StopReason.ERROR, session.outcome
    turns = [t for t in session.turns if t.speaker is Speaker.COUNSELOR]
    extra = [flat(t.annotations) for t in turns]
    assert len(turns) >= 3 and all(e.get("decision_failed") for e in extra[1:])
    assert any("plan_failed" in e for e in extra)
    assert all(t.text.strip() for t in turns)
