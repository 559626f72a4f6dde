"""Issue 16, done when: `theralab serve --workers 2` as a real subprocess, on SQLite and on
PostgreSQL, holds a model-backed conversation across messages that land on both workers,
restarts in the middle, and carries on with the counselor's stage and the screener's risk
memory intact; without --store-text the database holds none of the conversation's words."""

from __future__ import annotations

import inspect
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve_support import ServeProcess, needs_serve
from tests.test_serve_postgres import _fresh_database, pg_url  # noqa: F401  (the fixture)
from theralab.model.stub_server import StubServer, sample_for

pytestmark = needs_serve

STRESSOR = "I lost my job last week and my partner moved out, quokkafarm is all I think of."
FILLER = "Everything feels marzipanic and grey at the moment, with zorblattish evenings."
AFTER = "My evenings are long and the flat feels empty, plumtreeward as ever."
MEANS = "How many of my sleeping tablets would it take?"
WORDS = ("quokkafarm", "marzipanic", "zorblattish", "plumtreeward", "sleeping tablets")


class AdvancingStub(StubServer):
    """The stub model, proposing the last stage every turn: the counselor's stage control
    then moves one stage a turn, so a counselor that lost its state would be seen to restart."""

    def _content(self, body: dict[str, Any], broken: bool) -> str:
        fmt = body.get("response_format") or {}
        schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
        if schema is not None and "stage" in schema.get("properties", {}):
            answer = sample_for(schema)
            answer["stage"] = schema["properties"]["stage"]["enum"][-1]
            return json.dumps(answer)
        return super()._content(body, broken)


def _instructions(stub: StubServer) -> list[dict[str, Any]]:
    """The reply requests the counselor sent: their stage and seed."""
    out = []
    for body in stub.bodies:
        if body.get("response_format"):
            continue
        last = body["messages"][-1]["content"]
        if "' stage" in last:
            stage = last.split(" in the '", 1)[1].split("' stage", 1)[0]
            out.append({"stage": stage, "seed": body.get("seed")})
    return out


def _planner_calls(stub: StubServer) -> int:
    return sum('"technique"' in json.dumps(b.get("response_format") or {}) for b in stub.bodies)


def _key(url: str) -> str:
    from theralab.serve.auth import create_key
    from theralab.serve.db import make_engine, migrate
    from theralab.serve.store import Store

    engine = make_engine(url)
    migrate(engine)
    try:
        return create_key(Store(engine), "durable", 100_000)[1]
    finally:
        engine.dispose()


def _two_workers(url: str, model_url: str) -> list[str]:
    """`theralab serve` options: two workers on `url`, a model-backed counselor, no web UI."""
    return [
        "--db",
        url,
        "--workers",
        "2",
        "--model",
        "vllm/stub",
        "--base-url",
        model_url,
        "--no-ui",
    ]


def _send(server: ServeProcess, key: str, cid: str, text: str) -> tuple[dict[str, Any], str]:
    """One message on a new connection (so the kernel may hand it to either worker)."""
    response = httpx.post(
        f"{server.url}/v1/conversations/{cid}/messages",
        json={"text": text, "stream": False},
        headers={"Authorization": f"Bearer {key}", "Connection": "close"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json(), response.headers["x-theralab-worker"]


def readable(url: str, words: tuple[str, ...]) -> list[str]:
    """Every (table.column) whose stored values contain any of `words`, read row by row
    through the database itself (text and bytes alike)."""
    from sqlalchemy import MetaData, select

    from theralab.serve.db import make_engine

    engine = make_engine(url)
    found = []
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)):
                    for column, value in zip(table.columns, row, strict=True):
                        raw = value if isinstance(value, bytes) else str(value).encode()
                        if any(w.encode() in raw.lower() for w in words):
                            found.append(f"{table.name}.{column.name}")
    finally:
        engine.dispose()
    return found


def hold_a_conversation_across_workers_and_a_restart(url: str, tmp_path: Path) -> None:
    key = _key(url)
    with AdvancingStub(reply="That sounds like a lot to carry; what has been hardest?") as stub:
        args = [*_two_workers(url, stub.base_url), "--state-key-file", str(tmp_path / "state.key")]
        server = ServeProcess(args, env={"THERALAB_STATE_KEYS": ""}).start()
        try:
            created = httpx.post(
                f"{server.url}/v1/conversations",
                json={"modality": "cbt", "model": "vllm/stub"},
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
            assert created.status_code == 201, created.text
            cid = created.json()["conversation"]["id"]
            greeting = created.json()["greeting"]
            first, worker = _send(server, key, cid, STRESSOR)
            assert first["risk"]["level"] == "none" and not first["crisis"]
            workers = {worker}
            replies = [first["reply"]]
            # The kernel hands each new connection to whichever worker accepts first; on a busy
            # machine one worker can win many times in a row, so allow a long run of them.
            for _ in range(60):
                if len(workers) == 2:
                    break
                out, worker = _send(server, key, cid, FILLER)
                workers.add(worker)
                replies.append(out["reply"])
                time.sleep(0.05)
            assert len(workers) == 2, "every message landed on one worker"
            before = _instructions(stub)
            assert len(before) == len(replies) + 1  # the greeting, then each reply
            assert _planner_calls(stub) == 1
            assert server.stop() == 0  # SIGTERM: a graceful stop

            server = ServeProcess(args, port=server.port, env={"THERALAB_STATE_KEYS": ""})
            server.start()
            after, _ = _send(server, key, cid, AFTER)
            assert not after["crisis"]
            now = _instructions(stub)
            stages = [i["stage"] for i in now]
            from theralab.counselors.llm import MODALITIES, LLMCounselor

            order = MODALITIES["cbt"].stages
            planned = inspect.signature(LLMCounselor).parameters["max_exchanges"].default
            # the stage moved on from where it was (one stage a turn, the last kept for
            # closing): a counselor that had lost its state would be back at the first. When
            # one worker won so often that this turn reaches the planned length, the counselor
            # closes there, as it must.
            turn = len(before) + 1
            expected = order[-1] if turn >= planned else order[min(turn, len(order) - 2)]
            assert stages[-1] == expected and order.index(stages[-1]) > 0, stages
            assert now[-1]["seed"] > before[-1]["seed"]  # its turn count carried on
            assert _planner_calls(stub) == 1  # the CBT plan was not asked for again
            means, _ = _send(server, key, cid, MEANS)
            # the screener remembers the stressor disclosed before the restart
            assert means["risk"]["level"] == "high" and means["crisis"] is True
            assert means["resources"]
            health = httpx.get(f"{server.url}/health").json()
            assert health["checks"] == {"database": "ok", "screener": "ok"}
            # every worker's counts, whichever worker answers the scrape (snapshots every 2 s)
            wanted = 'theralab_guardrail_actions_total{action="crisis",level="high"} 1'
            for _ in range(40):
                metrics = httpx.get(f"{server.url}/metrics").text
                if wanted in metrics:
                    break
                time.sleep(0.5)
            assert wanted in metrics
            assert 'route="/v1/conversations/{conversation_id}/messages",status="200"' in metrics
        finally:
            server.stop()
    words = (*WORDS, greeting[:40].lower(), *(r[:30].lower() for r in replies if len(r) > 30))
    assert readable(url, words) == []


def test_two_workers_on_sqlite_survive_a_restart_and_store_no_text(tmp_path: Path) -> None:
    db = tmp_path / "durable.db"
    hold_a_conversation_across_workers_and_a_restart(f"sqlite:///{db}", tmp_path)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("durable.db*"))
    assert not any(w.encode() in raw for w in WORDS)  # nor in the file's bytes (WAL too)
    assert (tmp_path / "state.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.postgres
def test_two_workers_on_postgres_survive_a_restart_and_store_no_text(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = _fresh_database(pg_url, "durable")
    hold_a_conversation_across_workers_and_a_restart(url, tmp_path)


def test_a_stop_finishes_the_reply_in_flight_and_logs_are_json_without_content(
    tmp_path: Path,
) -> None:
    import threading

    url = f"sqlite:///{tmp_path / 'stop.db'}"
    key = _key(url)
    with StubServer(latency=0.8, reply="That sounds hard; tell me more.") as stub:
        args = [*_two_workers(url, stub.base_url), "--log-format", "json"]
        server = ServeProcess(args, env={"THERALAB_STATE_KEYS": ""}).start()
        try:
            created = httpx.post(
                f"{server.url}/v1/conversations",
                json={"modality": "act", "model": "vllm/stub"},
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
            cid = created.json()["conversation"]["id"]
            results: list[Any] = []
            asked = stub.requests
            sender = threading.Thread(
                target=lambda: results.append(_send(server, key, cid, FILLER)), daemon=True
            )
            sender.start()
            deadline = time.monotonic() + 20
            while stub.requests == asked and time.monotonic() < deadline:
                time.sleep(0.05)  # the reply is being written by the model now
            assert server.stop() == 0
            sender.join(timeout=30)
        finally:
            server.stop()
    assert results and results[0][0]["reply"], "the reply in flight was cut off"
    records = [json.loads(line) for line in server.log.splitlines() if line.startswith("{")]
    requests = [r for r in records if r.get("event") == "request"]
    assert any(r["route"] == "/v1/conversations/{conversation_id}/messages" for r in requests)
    assert all({"ts", "level", "worker", "status", "ms"} <= set(r) for r in requests)
    answered = [r for r in records if r.get("event") == "message"]
    assert answered and answered[0]["guardrail"] in ("passed", "check_in", "blocked")
    assert set(answered[0]) >= {"risk", "protocol", "conversation", "ms"}
    assert not any(w in server.log for w in WORDS)
