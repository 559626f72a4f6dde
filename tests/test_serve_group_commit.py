"""Group commit of answered messages and batched state-version reads (issue 16): the same rows
as writing one exchange at a time, a stale exchange fails alone, a failed transaction is
written again one exchange at a time, and concurrent messages share transactions."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.serve_support import LiveServer, make_app, needs_serve, new_key

pytestmark = needs_serve


def _conversations(app: Any, n: int) -> list[Any]:
    headers = {"Authorization": f"Bearer {new_key(app)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        ids = [
            c.post("/v1/conversations", json={"modality": "mi"}).json()["conversation"]["id"]
            for _ in range(n)
        ]
    store = app.state.store
    key_id = store.api_keys()[0].id
    return [store.conversation(key_id, cid) for cid in ids]


def test_one_transaction_writes_what_one_by_one_writes_and_a_stale_one_fails_alone(
    tmp_path: Path,
) -> None:
    from theralab.serve.models import AuditEvent, Conversation, Message
    from theralab.serve.store import Exchange, StaleState, StateWrite, TurnRecord

    app = make_app(tmp_path / "g.db", store_text=True)
    store = app.state.store
    a, b, c = _conversations(app, 3)
    later = datetime.now(UTC) + timedelta(hours=1)
    turns = (TurnRecord("client", "hello"), TurnRecord("counselor", "hi there", risk="none"))
    messages, events = store.count(Message), store.count(AuditEvent)

    def exchange(record: Any, crisis: bool = False) -> Exchange:
        return Exchange(record, 1, turns, "moderate" if crisis else "none", crisis, {"n": 1})

    results = store.record_exchanges(
        [
            (exchange(a), lambda: StateWrite(b"a2", 1, later)),
            (exchange(b, crisis=True), lambda: StateWrite(b"b2", 7, later)),  # read long ago
            (exchange(c, crisis=True), lambda: StateWrite(b"c2", 1, later)),
        ]
    )
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], StaleState)
    assert store.count(Message) == messages + 4  # a's and c's, nothing of b's
    assert store.count(AuditEvent) == events + 3  # two processed, one crisis (c)
    assert [store.state_version(x.id) for x in (a, b, c)] == [2, 1, 2]
    assert store.saved_state(c.id).payload == b"c2"  # type: ignore[union-attr]
    with store.sessions() as s:
        rows = [s.get(Conversation, x.id) for x in (a, b, c)]
        assert [(r.client_messages, r.crisis_turns, r.risk_peak) for r in rows if r] == [
            (1, 0, "none"),
            (0, 0, "none"),
            (1, 1, "moderate"),
        ]
    texts = [m.text for m in store.messages(a.id)]
    assert texts[1:] == ["hello", "hi there"]


def test_a_failed_transaction_is_written_again_one_exchange_at_a_time(tmp_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    from theralab.serve.models import Message
    from theralab.serve.store import Exchange, StateWrite, TurnRecord

    app = make_app(tmp_path / "f.db")
    store = app.state.store
    a, b = _conversations(app, 2)
    later = datetime.now(UTC) + timedelta(hours=1)
    turns = (TurnRecord("client", "x"), TurnRecord("counselor", "y"))
    messages = store.count(Message)
    results = store.record_exchanges(
        [
            (Exchange(a, 1, turns, "none", False, {}), lambda: StateWrite(b"a", 1, later)),
            # seq 0 is the greeting's: this exchange's rows cannot be inserted
            (Exchange(b, 0, turns, "none", False, {}), lambda: StateWrite(b"b", 1, later)),
        ]
    )
    assert results[0] is None and isinstance(results[1], IntegrityError)
    assert store.count(Message) == messages + 2
    assert store.state_version(a.id) == 2 and store.state_version(b.id) == 1


def test_concurrent_messages_share_transactions_and_version_reads(tmp_path: Path) -> None:
    app = make_app(tmp_path / "c.db")
    chat = app.state.chat
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    original = chat.writer.run

    def slow(batch: Any) -> Any:  # a slow disk: the next exchanges queue meanwhile
        time.sleep(0.05)
        return original(batch)

    chat.writer.run = slow
    with LiveServer(app) as live:

        async def run() -> list[int]:
            async with httpx.AsyncClient(base_url=live.url, headers=headers, timeout=60) as c:
                made = [
                    (await c.post("/v1/conversations", json={"modality": "cbt"})).json()
                    for _ in range(12)
                ]
                ids = [m["conversation"]["id"] for m in made]
                body = {"text": "Work has been hard lately.", "stream": False}
                answers = await asyncio.gather(
                    *(c.post(f"/v1/conversations/{cid}/messages", json=body) for cid in ids)
                )
                return [a.status_code for a in answers]

        assert asyncio.run(run()) == [200] * 12
    assert chat.writer.items == 12
    assert chat.writer.batches < 12  # shared transactions, not one commit a message
    assert chat.versions.items == 12


def test_a_cancelled_caller_waits_for_its_write_when_shielded() -> None:
    """As with a worker thread's call: a request cancelled (an anyio cancel scope, as the
    server's framework cancels) while its exchange is being written is let go only after."""
    import anyio

    from theralab.batching import MicroBatcher

    done = threading.Event()

    def write(items: list[int]) -> list[None]:
        time.sleep(0.05)
        done.set()
        return [None] * len(items)

    async def run() -> None:
        batcher: MicroBatcher[int, None] = MicroBatcher(write, shield=True)
        with anyio.move_on_after(0.01):
            await batcher.submit(1)
        assert done.is_set()

    anyio.run(run)
