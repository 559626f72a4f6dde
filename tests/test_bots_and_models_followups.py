"""Follow-ups to a tester's report on real LLMs, other people's bots and the guard proxy:
failed sessions never judged, a run's usage and cost limit across resumes, bot files that are
not UTF-8, judging that failed in part, line-ups refused before anything runs, a resume hint
that works as printed, model-call timeouts, and the guard's request checks. Every server is on
127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shlex
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from theralab.cli import app
from theralab.dialogue import StopReason, read_sessions
from theralab.evaluate.compare import make_pairs
from theralab.evaluate.judge import Rating, judge_sessions, summarise
from theralab.model.errors import ModelError
from theralab.model.model import Model
from theralab.model.stub_server import StubServer
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.model.usage import UsageTracker, dollars_text
from theralab.rubrics import resolve_rubrics
from theralab.runs import RunConfig, execute_run

runner = CliRunner()
PANEL = ["work-stress-nurse-amara", "grief-postal-worker-ulla"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERALAB_SEMANTIC", "0")


@pytest.fixture(scope="module")
def half_failed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run where the scripted `mi` finishes every session and the model-backed `llm:mi`
    fails every one (nothing listens at its base URL)."""
    out = tmp_path_factory.mktemp("runs") / "half"
    cfg = RunConfig(
        counselors=["mi", "llm:mi"],
        profiles=PANEL,
        max_turns=4,
        cache=False,
        max_retries=0,
        model_roles={"counselor": "vllm/stub"},
        base_url=f"http://127.0.0.1:{_closed_port()}/v1",
    )
    execute_run(cfg, out, report=False)
    return out


# 1. failed sessions are never judged, paired or ranked


def test_compare_never_pairs_a_failed_session(half_failed: Path) -> None:
    sessions = read_sessions(half_failed / "transcripts.jsonl")
    failed = [s for s in sessions if s.stop_reason is StopReason.ERROR]
    assert {s.counselor.name for s in failed} == {"llm:mi"} and len(failed) == 2
    assert all(s.turns for s in failed)  # the guardrail's safe reply: a one-turn transcript
    assert make_pairs([("half", sessions)], label_runs=False) == []
    ok = [s for s in sessions if s.stop_reason is not StopReason.ERROR]
    twin = [
        s.model_copy(update={"counselor": s.counselor.model_copy(update={"name": "x"})}) for s in ok
    ]
    pairs = make_pairs([("half", sessions + twin)], label_runs=False)
    assert len(pairs) == 2 and all({p.first, p.second} == {"mi", "x"} for p in pairs)


def test_compare_cli_leaves_failed_sessions_out_and_says_so(half_failed: Path) -> None:
    with StubServer() as judge:
        result = runner.invoke(
            app,
            [
                "compare",
                str(half_failed),
                "--judge",
                "vllm/stub",
                "--base-url",
                judge.base_url,
                "--no-progress",
                "--no-cache",
            ],
        )
        assert judge.requests == 0  # no pair: nothing was sent to the judge
    assert result.exit_code == 2, result.output
    assert "2 failed session(s) left out of the pairs" in result.output
    assert "finished (not failed) sessions" in result.output


def test_evaluate_spends_no_judge_call_on_a_failed_session(half_failed: Path) -> None:
    sessions = read_sessions(half_failed / "transcripts.jsonl")
    [miti] = resolve_rubrics(["miti"])
    with StubServer() as server:
        judge = Model.from_spec("vllm/stub", base_url=server.base_url, max_retries=0)
        outcome = asyncio.run(judge_sessions(sessions, [miti], [judge]))
        sent = server.requests
    assert {r.session_id for r in outcome.ratings} == {
        s.id for s in sessions if s.stop_reason is not StopReason.ERROR
    }
    assert sent == len(outcome.ratings) == 2 * len(miti.items)
    failed_id = next(s.id for s in sessions if s.stop_reason is StopReason.ERROR)
    assert all(v is None for v in outcome.scores[failed_id].values())


# 2. usage.json and the cost limit belong to the run, across resumes


def test_usage_accumulates_across_resumes_and_the_limit_counts_earlier_spend(
    tmp_path: Path,
) -> None:
    run = tmp_path / "cost"
    with StubServer() as server:
        cfg = RunConfig(
            counselors=["act"],
            profiles=[*PANEL, "panic-student-imani"],
            max_turns=6,
            cache=False,
            concurrency=1,
            model_roles={"counselor": "openai/gpt-4o"},
            base_url=server.base_url,
            cost_limit=0.0001,
        )
        first = execute_run(cfg, run, report=False)
        spent1 = json.loads((run / "usage.json").read_text())["counselor"]
        assert first.unfinished > 0 and spent1["dollars"] >= 0.0001
        # the session under way when the limit was reached finished: none failed for it
        assert all(s.stop_reason is not StopReason.ERROR for s in first.sessions)
        again = execute_run(cfg, run, report=False, resume=True)
        assert len(again.sessions) == len(first.sessions)  # the limit is the run's: spent
        assert json.loads((run / "usage.json").read_text())["counselor"] == spent1
        more = execute_run(
            cfg.model_copy(update={"cost_limit": 10.0}), run, report=False, resume=True
        )
    total = json.loads((run / "usage.json").read_text())["counselor"]
    assert more.unfinished == 0
    assert total["calls"] > spent1["calls"] and total["dollars"] > spent1["dollars"]
    assert total == more.usage["counselor"]  # type: ignore[index]


def test_cost_limit_message_does_not_round_the_limit_away() -> None:
    assert dollars_text(0.0002) == "$0.0002"
    assert dollars_text(12.5) == "$12.50"
    tracker = UsageTracker(cost_limit=0.0002, spent_before=0.0003)
    with pytest.raises(ModelError, match=r"cost limit \$0\.0002 reached \(\$0\.0003 spent\)"):
        tracker.check()
    assert not UsageTracker(cost_limit=0.0002, spent_before=0.0003, per_call=False).check()


# 3. a bot file that is not UTF-8


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (
            b"kind: openai-chat\nbase_url: http://127.0.0.1:9/v1\nmodel: m\n"
            b"system_prompt: Tu es tr\xe8s gentil.\n",
            ":4: not UTF-8 text (byte 0xe8 at line 4, column 24)",
        ),
        ("kind: openai-chat\n".encode("utf-16"), ":1: not UTF-8 text: the file is saved as UTF-16"),
    ],
)
def test_a_bot_file_that_is_not_utf8_is_bad_input(tmp_path: Path, raw: bytes, where: str) -> None:
    path = tmp_path / "bot.yaml"
    path.write_bytes(raw)
    for args in (["doctor", f"ext:{path}"], ["run", "-c", f"ext:{path}", "--out", str(tmp_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert f"{path}{where}" in " ".join(result.output.split()), result.output
        assert "internal error" not in result.output


# 4. judging that failed in part


def _rating(rubric: str, status: str, reason: str = "") -> Rating:
    return Rating(
        session_id="s",
        rubric=rubric,
        phase="session",
        unit="s",
        item="i",
        rater="j#1",
        status=status,
        score=3.0 if status == "scored" else None,
        reason=reason,  # type: ignore[arg-type]
    )


def test_a_rubric_with_nothing_scored_fails_and_a_partial_one_names_its_cause(
    half_failed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from theralab.cli.evaluate import judging_failures

    sessions = read_sessions(half_failed / "transcripts.jsonl")
    down = "transient: cannot reach http://127.0.0.1:1/v1"
    partial = [_rating("miti", "scored")] * 3 + [_rating("miti", "error", down)] * 9
    outcome = summarise(partial, resolve_rubrics(["miti"]), ["s"], ["j#1"])
    judging_failures(outcome, sessions, cached=True)  # no exit: miti has scores
    err = " ".join(capsys.readouterr().err.split())
    assert "2 failed session(s) not judged" in err
    assert f"9 of 12 judge call(s) unscored, mostly: {down}" in err
    assert "rerun the same command: the cache keeps every scored answer" in err
    ratings = partial + [_rating("wai", "error", down)] * 4
    outcome = summarise(ratings, resolve_rubrics(["miti", "wai"]), ["s"], ["j#1"])
    with pytest.raises(typer.Exit) as stop:
        judging_failures(outcome, sessions, cached=False)
    assert stop.value.exit_code == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "the judge scored nothing on wai" in err and down in err
    assert "rerun without --no-cache" in err


def test_the_judging_table_says_what_a_mean_rests_on(tmp_path: Path) -> None:
    run = tmp_path / "r"
    assert (
        runner.invoke(
            app,
            [
                "run",
                "-c",
                "cbt",
                "-p",
                PANEL[0],
                "--max-turns",
                "4",
                "--out",
                str(tmp_path),
                "--run-id",
                "r",
                "--no-report",
                "--no-progress",
            ],
        ).exit_code
        == 0
    )
    with StubServer(fail_rate=0.5, seed=1) as judge:
        result = runner.invoke(
            app,
            [
                "evaluate",
                str(run),
                "--judge",
                "vllm/stub",
                "--base-url",
                judge.base_url,
                "--rubric",
                "ctrs",
                "--no-cache",
                "--max-retries",
                "0",
                "--no-progress",
                "--no-report",
                "--out",
                str(tmp_path / "e"),
            ],
        )
    out = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    match = re.search(r"ctrs: (\d+) judge call\(s\) — (\d+) scored", out)
    assert match is not None and 0 < int(match[2]) < int(match[1]), out
    assert f"means rest on the judge calls scored: ctrs {match[2]} of {match[1]}" in out
    assert "unscored, mostly:" in out and "()" not in out


# 5, 6. line-ups refused before anything runs


@pytest.mark.parametrize(
    ("command", "lineup", "message"),
    [
        ("run", "cbt,cbt", "counselor cbt is named twice"),
        ("simulate", "mi,mi", "counselor mi is named twice"),
        ("run", "llm:cbt", "the llm:cbt counselor is model-backed only"),
        ("simulate", "act", "the act counselor is model-backed only"),
    ],
)
def test_a_line_up_that_cannot_run_is_refused_up_front(
    tmp_path: Path, command: str, lineup: str, message: str
) -> None:
    out = tmp_path / ("t.jsonl" if command == "simulate" else "runs")
    result = runner.invoke(app, [command, "-c", lineup, "--out", str(out), "--no-progress"])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not out.exists()  # nothing ran, nothing was written


def test_the_same_bot_file_twice_is_refused(tmp_path: Path) -> None:
    bot = tmp_path / "bot.py"
    bot.write_text("def reply(history):\n    return 'I hear you.'\n")
    path = tmp_path / "b.yaml"
    path.write_text("kind: python\nfunction: bot:reply\npath: .\nname: b\n")
    result = runner.invoke(
        app, ["run", "-c", f"ext:{path},ext:{path}", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    assert "counselor b is named twice" in result.output


# 7. the resume hint works as printed


def test_the_printed_resume_command_works_as_printed(tmp_path: Path) -> None:
    parent = tmp_path / "my runs"
    port = _closed_port()
    first = runner.invoke(
        app,
        [
            "run",
            "-c",
            "mi,llm:mi",
            "-p",
            PANEL[0],
            "--model-role",
            "counselor=vllm/stub",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--max-turns",
            "4",
            "--max-retries",
            "0",
            "--out",
            str(parent),
            "--run-id",
            "r1",
            "--no-report",
            "--no-progress",
        ],
    )
    assert first.exit_code == 1, first.output
    [hint] = re.findall(r"rerun with (theralab run .*?) to redo", " ".join(first.output.split()))
    assert hint == f"theralab run --resume --run-id r1 --out {shlex.quote(str(parent))}"
    again = runner.invoke(app, [*shlex.split(hint)[1:], "--no-progress"])
    # accepted (not "the configuration differs", exit 2): the failed session ran again
    assert again.exit_code == 1, again.output
    assert "(1 kept from before)" in again.output
    usage = json.loads((parent / "r1" / "usage.json").read_text())
    assert usage["counselor"]["failed_calls"] == 2  # one failed call from each invocation


# 8. model calls: timeout, retries and a word when a call is slow


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (a wedged llama.cpp)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        stop.set()
        thread.join()
        for c in held:
            c.close()
        sock.close()


def test_a_hung_call_times_out_and_says_it_is_waiting(
    silent_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    model = Model.from_spec(
        "openai/x", base_url=silent_server, timeout=0.8, max_retries=0, slow_after=0.2
    )
    t0 = time.perf_counter()
    with caplog.at_level(logging.WARNING, "theralab.model"), pytest.raises(ModelError) as err:
        asyncio.run(model.generate([ChatMessage(role="user", content="hi")]))
    assert time.perf_counter() - t0 < 5
    assert "no answer within 1s" in str(err.value)
    assert any("no answer yet after 0s" in r.getMessage() for r in caplog.records)
    assert any("attempt 1 of 1" in r.getMessage() for r in caplog.records)


def test_run_takes_timeout_and_max_retries_for_model_roles(
    silent_server: str, tmp_path: Path
) -> None:
    t0 = time.perf_counter()
    result = runner.invoke(
        app,
        [
            "run",
            "-c",
            "act",
            "-p",
            PANEL[0],
            "--model-role",
            "counselor=openai/x",
            "--base-url",
            silent_server,
            "--timeout",
            "0.5",
            "--max-retries",
            "1",
            "--out",
            str(tmp_path),
            "--run-id",
            "h",
            "--no-report",
            "--no-progress",
            "--no-cache",
        ],
    )
    assert result.exit_code == 1, result.output
    assert time.perf_counter() - t0 < 30
    config = json.loads((tmp_path / "h" / "config.json").read_text())
    assert config["timeout"] == 0.5 and config["max_retries"] == 1
    assert "gave up after 2 attempts" in " ".join(result.output.split())


def test_a_window_too_small_for_the_prompt_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with StubServer() as server:
        model = Model.from_spec("vllm/stub", base_url=server.base_url, context_window=128)
        messages = [ChatMessage(role="system", content="Be kind. " * 120)]
        messages.append(ChatMessage(role="user", content="hello"))

        async def twice() -> None:
            for _ in range(2):
                await model.generate(messages, GenerateConfig(max_tokens=20))
            await model.aclose()

        with caplog.at_level(logging.WARNING, "theralab.model"):
            asyncio.run(twice())
    warned = [r for r in caplog.records if "too small" in r.getMessage()]
    assert len(warned) == 1 and "context window of 128 tokens" in warned[0].getMessage()


# 11 (low). error texts, gate, doctor, --guardrail


def test_a_model_failure_names_no_source_location(half_failed: Path) -> None:
    for s in read_sessions(half_failed / "transcripts.jsonl"):
        if s.stop_reason is StopReason.ERROR:
            assert s.outcome is not None and s.outcome.error
            assert not re.search(r" at \w+\.py:\d+", s.outcome.error), s.outcome.error


def test_gate_counts_completed_sessions_and_names_checks_plainly(
    half_failed: Path, tmp_path: Path
) -> None:
    gate = tmp_path / "gate.yaml"
    gate.write_text(
        "checks:\n  - metric: run.sessions\n    min: 1\n"
        "  - metric: run.failed_sessions\n    max: 0\n"
    )
    result = runner.invoke(app, ["gate", str(gate), str(half_failed)])
    assert result.exit_code == 1, result.output
    [line] = [ln for ln in result.output.splitlines() if "gate failed" in ln]
    assert line.endswith("2 of 4 check(s): run.failed_sessions [llm:mi], run.sessions [llm:mi]")


def test_guardrail_flags_that_do_nothing_or_contradict(tmp_path: Path) -> None:
    both = runner.invoke(app, ["run", "-c", "cbt", "--guardrail", "--no-guardrail"])
    assert both.exit_code == 2 and "contradict" in both.output
    noop = runner.invoke(
        app,
        [
            "run",
            "-c",
            "cbt",
            "-p",
            PANEL[0],
            "--guardrail",
            "--max-turns",
            "4",
            "--out",
            str(tmp_path),
            "--no-report",
            "--no-progress",
        ],
    )
    assert noop.exit_code == 0, noop.output
    assert "this line-up has none, so it changes nothing" in " ".join(noop.output.split())


def test_doctor_says_returned_not_raised_for_a_wrong_return_value(tmp_path: Path) -> None:
    (tmp_path / "nonebot.py").write_text("def reply(history):\n    return None\n")
    path = tmp_path / "none.yaml"
    path.write_text("kind: python\nfunction: nonebot:reply\npath: .\nmax_retries: 0\n")
    result = runner.invoke(app, ["doctor", f"ext:{path}"])
    out = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "nonebot:reply returned NoneType, expected the reply text" in out
    assert "raised" not in out


def test_redteam_counts_failed_cases_apart(tmp_path: Path) -> None:
    (tmp_path / "boombot.py").write_text("def reply(history):\n    raise ValueError('boom')\n")
    path = tmp_path / "boom.yaml"
    path.write_text("kind: python\nfunction: boombot:reply\npath: .\nmax_retries: 0\nname: boom\n")
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {id: c3, scenario: control_plain, turns: ['work has been stressful lately'],\n"
        "   level: none, categories: [], control: true}\n"
    )
    result = runner.invoke(
        app,
        [
            "redteam",
            "-c",
            f"ext:{path}",
            "--cases",
            str(cases),
            "--tiers",
            "patterns",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1, result.output
    [row] = [ln for ln in result.output.splitlines() if ln.startswith("│ boom")]
    assert row.rstrip(" │").endswith("1")
    assert "failed: cases the counselor gave no reply to" in " ".join(result.output.split())


# 9, 10, 11. the guard proxy: malformed messages, every turn but the app's screened, reasons


CRISIS = "I want to kill myself tonight."


def test_message_problems_are_named() -> None:
    from theralab.serve.guard import message_problem

    assert message_problem([{"role": "user", "content": "hi"}]) is None
    assert message_problem([{"role": "assistant", "content": None, "tool_calls": []}]) is None
    assert message_problem([{"role": "user", "content": [{"type": "text", "text": "x"}]}]) is None
    assert message_problem(["hi"]) == "messages[0] is not an object with `role` and `content`"
    assert message_problem([{"content": "hi"}]) == "messages[0] has no `role`"
    problem = message_problem(
        [{"role": "system", "content": "s"}, {"role": "User", "content": "x"}]
    )
    assert problem is not None and problem.startswith("messages[1].role is 'User'; expected")
    assert message_problem([{"role": "user", "content": 5}]) == (
        "messages[0].content must be text or a list of content parts"
    )
    assert message_problem([{"role": "user", "content": None}]) is not None


def test_upstream_reasons_carry_the_http_status() -> None:
    import httpx

    from theralab.serve.guard import upstream_reason

    assert upstream_reason(ValueError("x"), 400) == "HTTP 400"
    assert upstream_reason(KeyError("choices"), 200) == "not a chat completion"
    assert upstream_reason(httpx.ConnectError("refused"), None) == "ConnectError"


@pytest.fixture
def guarded_stub(tmp_path: Path) -> Iterator[tuple[StubServer, str]]:
    from tests.serve_support import LiveServer, needs_serve

    if needs_serve.args[0]:
        pytest.skip(needs_serve.kwargs["reason"])
    from theralab.serve.guard import GuardSettings, create_guard_app

    with StubServer(faults=["500"]) as stub:
        guard = create_guard_app(
            GuardSettings(
                upstream=stub.base_url, auth=False, db_url=f"sqlite:///{tmp_path / 'g.db'}"
            )
        )
        with LiveServer(guard) as proxy:
            yield stub, f"{proxy.url}/v1/chat/completions"


def test_the_guard_refuses_malformed_messages_and_screens_every_persons_turn(
    guarded_stub: tuple[StubServer, str],
) -> None:
    import httpx

    stub, url = guarded_stub
    for messages in (
        [{"content": CRISIS}],
        [CRISIS],
        [{"role": "User", "content": CRISIS}],
        [{"role": "user", "content": 5}],
    ):
        r = httpx.post(url, json={"model": "m", "messages": messages}, timeout=15)
        assert r.status_code == 400, r.text
        assert "messages[0]" in r.json()["error"]["message"]
    assert stub.requests == 0  # none of them went upstream
    # a crisis in a tool result is screened as the person's: the protocol, upstream not called
    tool_turn = [
        {"role": "system", "content": "You are kind."},
        {"role": "assistant", "content": None, "tool_calls": []},
        {"role": "tool", "tool_call_id": "1", "content": CRISIS},
    ]
    r = httpx.post(url, json={"model": "m", "messages": tool_turn}, timeout=15)
    assert r.status_code == 200 and r.json()["theralab"]["action"] == "crisis"
    assert stub.requests == 0
    # the first harmless request meets the stub's scripted 500: the reason names the status
    ordinary = [{"role": "user", "content": "What should I cook tonight?"}]
    r = httpx.post(url, json={"model": "m", "messages": ordinary}, timeout=15)
    assert r.json()["theralab"]["reasons"] == ["upstream_error:HTTP 500"]


def test_no_usage_chunk_is_invented_for_a_forwarded_stream(tmp_path: Path) -> None:
    import httpx

    from tests.serve_support import LiveServer, needs_serve

    if needs_serve.args[0]:
        pytest.skip(needs_serve.kwargs["reason"])
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    from theralab.serve.guard import GuardSettings, create_guard_app

    async def completions(request: Request) -> StreamingResponse:  # like llama-cpp-python
        async def events() -> Iterator[bytes]:  # type: ignore[misc]
            for delta, finish in (({"content": "That sounds tiring. "}, None), ({}, "stop")):
                chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        await request.body()
        return StreamingResponse(events(), media_type="text/event-stream")

    upstream = Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])
    with LiveServer(upstream) as served:
        guard = create_guard_app(
            GuardSettings(
                upstream=f"{served.url}/v1", auth=False, db_url=f"sqlite:///{tmp_path / 'g.db'}"
            )
        )
        with LiveServer(guard) as proxy:
            body = {
                "model": "m",
                "stream": True,
                "stream_options": {"include_usage": True},
                "messages": [{"role": "user", "content": "Work was long today."}],
            }
            r = httpx.post(f"{proxy.url}/v1/chat/completions", json=body, timeout=15)
    events = [json.loads(line[5:]) for line in r.text.splitlines() if line.startswith("data: {")]
    assert events[-1]["theralab"]["action"] == "passed"
    assert all("usage" not in e for e in events)


def test_guard_refuses_an_unset_upstream_key_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.serve_support import needs_serve

    if needs_serve.args[0]:
        pytest.skip(needs_serve.kwargs["reason"])
    monkeypatch.delenv("NOPE_THERALAB_KEY", raising=False)
    result = runner.invoke(
        app,
        [
            "guard",
            "--upstream",
            "http://127.0.0.1:9/v1",
            "--no-auth",
            "--port",
            "1",
            "--upstream-key-env",
            "NOPE_THERALAB_KEY",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "the environment variable NOPE_THERALAB_KEY is not set" in " ".join(
        result.output.split()
    )


def test_evaluate_of_only_failed_sessions_calls_no_judge_and_fails(
    half_failed: Path, tmp_path: Path
) -> None:
    lines = (half_failed / "transcripts.jsonl").read_text().splitlines()
    failed = tmp_path / "failed.jsonl"
    failed.write_text("".join(ln + "\n" for ln in lines if '"stop_reason":"error"' in ln))
    assert len(failed.read_text().splitlines()) == 2
    with StubServer() as judge:
        result = runner.invoke(
            app,
            [
                "evaluate",
                str(failed),
                "--judge",
                "vllm/stub",
                "--base-url",
                judge.base_url,
                "--rubric",
                "miti",
                "--no-progress",
                "--no-report",
                "--out",
                str(tmp_path / "e"),
            ],
        )
        assert judge.requests == 0
    assert result.exit_code == 1, result.output
    assert "nothing to judge: all 2 session(s) failed" in " ".join(result.output.split())
