"""Everything the server keeps in its database, behind one small synchronous class.

The API calls these methods in a worker thread. Writes on SQLite go through one lock (SQLite
has a single writer anyway; the lock turns "database is locked" retries into a short queue).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from theralab.serve.models import (
    ApiKey,
    AuditEvent,
    Conversation,
    ConversationStateRow,
    Memory,
    Message,
    PracticeSession,
    PracticeTurn,
    utcnow,
)

Owned = TypeVar("Owned", Conversation, PracticeSession)  # rows that belong to a key


@dataclass(frozen=True)
class TurnRecord:
    """One turn to store: `text` is dropped unless the conversation stores text."""

    speaker: str
    text: str
    risk: str | None = None
    protocol: str | None = None
    guardrail: str | None = None
    codes: Sequence[str] = ()


@dataclass(frozen=True)
class SavedState:
    """A conversation's encrypted state and how many times it has been written."""

    version: int
    payload: bytes
    expires_at: datetime


@dataclass(frozen=True)
class StateWrite:
    """The state to write with a turn: `version` is the one the writer read (the write
    succeeds only if nobody wrote since)."""

    payload: bytes
    version: int
    expires_at: datetime


class StaleState(Exception):
    """Another worker wrote this conversation's state since it was read."""


class AmbiguousKey(Exception):
    """A name or prefix given to revoke matches more than one active key."""

    def __init__(self, given: str, keys: Sequence[ApiKey]) -> None:
        prefixes = ", ".join(f"{k.prefix}… (created {k.created_at:%Y-%m-%d %H:%M})" for k in keys)
        super().__init__(
            f"{given!r} matches {len(keys)} active keys: {prefixes}; revoke one by its prefix"
        )
        self.keys = list(keys)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else _NullLock()

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._write_lock, self.sessions.begin() as session:
            yield session

    def _read(self) -> Session:
        return self.sessions()

    # --- keys -------------------------------------------------------------------------------

    def add_key(self, key: ApiKey) -> ApiKey:
        with self._write() as s:
            s.add(key)
            s.add(AuditEvent(event="key.created", key_id=key.id, detail={"name": key.name}))
        return key

    def key_by_hash(self, key_hash: str) -> ApiKey | None:
        with self._read() as s:
            return s.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))

    def api_keys(self, include_revoked: bool = True) -> list[ApiKey]:
        with self._read() as s:
            query = select(ApiKey).where(ApiKey.kind == "api").order_by(ApiKey.created_at)
            if not include_revoked:
                query = query.where(ApiKey.revoked_at.is_(None))
            return list(s.scalars(query))

    def ui_key(self) -> ApiKey | None:
        with self._read() as s:
            return s.scalar(select(ApiKey).where(ApiKey.kind == "ui"))

    def active_keys_named(self, name: str) -> list[ApiKey]:
        """The active API keys with this name."""
        with self._read() as s:
            query = select(ApiKey).where(
                ApiKey.kind == "api", ApiKey.revoked_at.is_(None), ApiKey.name == name
            )
            return list(s.scalars(query))

    def revoke_key(self, id_or_name: str) -> list[ApiKey]:
        """Revoke the key with this id, prefix or name; returns what was revoked. When the
        name (or prefix) matches several active keys, nothing is revoked and
        `AmbiguousKey` names them: revoking one key must never take down another."""
        with self._write() as s:
            found = list(
                s.scalars(
                    select(ApiKey).where(
                        ApiKey.kind == "api",
                        ApiKey.revoked_at.is_(None),
                        (ApiKey.id == id_or_name)
                        | (ApiKey.prefix == id_or_name)
                        | (ApiKey.name == id_or_name),
                    )
                )
            )
            if len(found) > 1:
                raise AmbiguousKey(id_or_name, found)
            for key in found:
                key.revoked_at = utcnow()
                s.add(AuditEvent(event="key.revoked", key_id=key.id, detail={"name": key.name}))
            return found

    def ensure_ui_session_key(self, key: ApiKey) -> bool:
        """Add a UI session's key row unless it exists; False when it was signed out."""
        with self._read() as s:
            existing = s.scalar(select(ApiKey).where(ApiKey.id == key.id))
        if existing is not None:
            return existing.revoked_at is None
        try:
            with self._write() as s:
                s.add(key)
        except IntegrityError:  # another worker added it at the same moment
            with self._read() as s:
                existing = s.scalar(select(ApiKey).where(ApiKey.id == key.id))
            return existing is not None and existing.revoked_at is None
        return True

    def sign_out_ui_session(self, key_id: str) -> None:
        """Mark a UI session's key row signed out (every worker refuses it from then on)."""
        with self._write() as s:
            s.execute(
                update(ApiKey)
                .where(ApiKey.id == key_id, ApiKey.kind != "api", ApiKey.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            s.add(AuditEvent(event="ui.logout", key_id=key_id, detail={}))

    def touch_key(self, key_id: str) -> None:
        with self._write() as s:
            s.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=utcnow()))

    # --- audit ------------------------------------------------------------------------------

    def audit(
        self,
        event: str,
        key_id: str | None = None,
        subject_id: str | None = None,
        **detail: Any,
    ) -> None:
        with self._write() as s:
            s.add(AuditEvent(event=event, key_id=key_id, subject_id=subject_id, detail=detail))

    def audit_events(self, limit: int = 1000, event: str | None = None) -> list[AuditEvent]:
        with self._read() as s:
            query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if event:
                query = query.where(AuditEvent.event == event)
            return list(s.scalars(query))

    # --- conversations ----------------------------------------------------------------------

    def add_conversation(
        self, conversation: Conversation, greeting: TurnRecord, state: StateWrite | None = None
    ) -> None:
        with self._write() as s:
            s.add(conversation)
            s.flush()
            s.add(_message(conversation.id, 0, greeting, conversation.store_text))
            if state is not None:
                s.add(
                    ConversationStateRow(
                        conversation_id=conversation.id,
                        version=1,
                        payload=state.payload,
                        expires_at=state.expires_at,
                    )
                )
            s.add(
                AuditEvent(
                    event="conversation.created",
                    key_id=conversation.key_id,
                    subject_id=conversation.id,
                    detail={
                        "modality": conversation.modality,
                        "model": conversation.model,
                        "locale": conversation.locale,
                        "memory": conversation.user_ref is not None,
                    },
                )
            )

    def _owned(self, table: type[Owned], key_id: str, row_id: str) -> Owned | None:
        """The row of `table` with this id when it belongs to this key (else None: another
        key's conversations and practice sessions do not exist for it)."""
        with self._read() as s:
            return s.scalar(select(table).where(table.id == row_id, table.key_id == key_id))

    def conversation(self, key_id: str, conversation_id: str) -> Conversation | None:
        return self._owned(Conversation, key_id, conversation_id)

    def conversations(
        self,
        key_id: str,
        user_ref: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Conversation], int]:
        with self._read() as s:
            where = [Conversation.key_id == key_id]
            if user_ref is not None:
                where.append(Conversation.user_ref == user_ref)
            if status is not None:
                where.append(Conversation.status == status)
            total = s.scalar(select(func.count()).select_from(Conversation).where(*where)) or 0
            rows = s.scalars(
                select(Conversation)
                .where(*where)
                .order_by(Conversation.created_at.desc(), Conversation.id)
                .limit(limit)
                .offset(offset)
            )
            return list(rows), int(total)

    def messages(self, conversation_id: str) -> list[Message]:
        with self._read() as s:
            return list(
                s.scalars(
                    select(Message)
                    .where(Message.conversation_id == conversation_id)
                    .order_by(Message.seq)
                )
            )

    def state_version(self, conversation_id: str) -> int | None:
        """The version of a conversation's saved state; None when there is none (it ended or
        expired, or was started before states were kept)."""
        with self.engine.connect() as conn:
            return conn.scalar(_STATE_VERSION, {"target": conversation_id})

    def saved_state(self, conversation_id: str) -> SavedState | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    ConversationStateRow.version,
                    ConversationStateRow.payload,
                    ConversationStateRow.expires_at,
                ).where(ConversationStateRow.conversation_id == conversation_id)
            ).first()
        return None if row is None else SavedState(int(row[0]), bytes(row[1]), row[2])

    def expire_states(self, now: datetime | None = None) -> list[str]:
        """End every conversation whose state outlived the retention time; their ids."""
        now = now or utcnow()
        with self._write() as s:
            ids = list(
                s.scalars(
                    select(ConversationStateRow.conversation_id).where(
                        ConversationStateRow.expires_at < now
                    )
                )
            )
            if not ids:
                return []
            s.execute(
                delete(ConversationStateRow).where(ConversationStateRow.conversation_id.in_(ids))
            )
            s.execute(
                update(Conversation)
                .where(Conversation.id.in_(ids), Conversation.status == "active")
                .values(status="ended", ended_at=now)
            )
            s.add_all(
                AuditEvent(event="conversation.expired", subject_id=cid, detail={}) for cid in ids
            )
        return ids

    def record_exchange(
        self,
        conversation: Conversation,
        first_seq: int,
        turns: Sequence[TurnRecord],
        risk_peak: str,
        crisis: bool,
        detail: dict[str, Any],
        state: StateWrite | None = None,
    ) -> None:
        """The client's message and the reply, the conversation's counters, its new state and
        an audit event, in one transaction (Core statements: this runs once per message).
        Raises `StaleState` (writing nothing) when another worker wrote the state first."""
        exchange = Exchange(conversation, first_seq, tuple(turns), risk_peak, crisis, detail)
        with self._write_lock, self.engine.begin() as conn:
            _write_exchanges(conn, [(exchange, state)], utcnow(), strict=True)

    def record_exchanges(self, batch: Sequence[ExchangeWrite]) -> list[BaseException | None]:
        """Several conversations' exchanges (each with a callable that makes its state) in one
        transaction: one commit for all of them (group commit), each exchange written as
        `record_exchange` writes it. The result per exchange: None when written, `StaleState`
        when another worker wrote its state first (nothing of it written), or the error that
        kept it from being written. When the transaction as a whole fails, every exchange is
        written again in a transaction of its own, so one exchange's error fails only it."""
        now = utcnow()
        results: list[BaseException | None] = [None] * len(batch)
        ready: list[tuple[int, Exchange, StateWrite | None]] = []
        for i, (exchange, make_state) in enumerate(batch):
            try:
                ready.append((i, exchange, make_state() if make_state is not None else None))
            except Exception as exc:
                results[i] = exc
        # one lock order for every writer (PostgreSQL: no deadlock between workers' batches)
        ready.sort(key=lambda item: item[1].conversation.id)
        try:
            with self._write_lock, self.engine.begin() as conn:
                stale = _write_exchanges(conn, [(e, s) for _, e, s in ready], now, strict=False)
            for (i, exchange, _), is_stale in zip(ready, stale, strict=True):
                if is_stale:
                    results[i] = StaleState(exchange.conversation.id)
        except Exception as exc:
            if len(ready) == 1:
                results[ready[0][0]] = exc
                return results
            for i, exchange, state in ready:
                try:
                    with self._write_lock, self.engine.begin() as conn:
                        _write_exchanges(conn, [(exchange, state)], now, strict=True)
                except Exception as exc:
                    results[i] = exc
        return results

    def end_conversation(
        self, conversation: Conversation, memory: dict[str, Any] | None
    ) -> datetime:
        ended = utcnow()
        with self._write() as s:
            s.execute(
                delete(ConversationStateRow).where(
                    ConversationStateRow.conversation_id == conversation.id
                )
            )
            s.execute(
                update(Conversation)
                .where(Conversation.id == conversation.id)
                .values(status="ended", ended_at=ended)
            )
            if memory is not None and conversation.user_ref is not None:
                s.add(
                    Memory(
                        key_id=conversation.key_id,
                        user_ref=conversation.user_ref,
                        conversation_id=conversation.id,
                        summary=memory,
                    )
                )
            s.add(
                AuditEvent(
                    event="conversation.ended",
                    key_id=conversation.key_id,
                    subject_id=conversation.id,
                    detail={"memory_saved": memory is not None},
                )
            )
        return ended

    def latest_memory(self, key_id: str, user_ref: str) -> Memory | None:
        with self._read() as s:
            return s.scalar(
                select(Memory)
                .where(Memory.key_id == key_id, Memory.user_ref == user_ref)
                .order_by(Memory.created_at.desc(), Memory.id.desc())
                .limit(1)
            )

    # --- practice ---------------------------------------------------------------------------

    def add_practice(self, practice: PracticeSession) -> None:
        with self._write() as s:
            s.add(practice)
            s.flush()
            s.add(
                AuditEvent(
                    event="practice.created",
                    key_id=practice.key_id,
                    subject_id=practice.id,
                    detail={"profile": practice.profile_id, "client": practice.client_engine},
                )
            )

    def practice(self, key_id: str, practice_id: str) -> PracticeSession | None:
        return self._owned(PracticeSession, key_id, practice_id)

    def record_practice(
        self,
        practice: PracticeSession,
        version: int,
        first_seq: int,
        turns: Sequence[TurnRecord],
        scorecard: dict[str, Any],
    ) -> bool:
        """One practice utterance: its turns and the session's new saved state (`scorecard`)
        in one transaction, only if no other worker saved an utterance since `version` was
        read. False (nothing written) when one did."""
        now = utcnow()
        rows = [
            {
                "practice_id": practice.id,
                "seq": first_seq + i,
                "speaker": turn.speaker,
                "text": turn.text if practice.store_text else None,
                "chars": len(turn.text),
                "codes": list(turn.codes),
                "created_at": now,
            }
            for i, turn in enumerate(turns)
        ]
        with self._write_lock, self.engine.begin() as conn:
            updated = conn.execute(
                update(PracticeSession)
                .where(
                    PracticeSession.id == practice.id,
                    PracticeSession.utterances == version,
                    PracticeSession.status == "active",
                )
                .values(utterances=version + 1, scorecard=scorecard)
            )
            if updated.rowcount != 1:
                return False
            conn.execute(insert(PracticeTurn), rows)
        return True

    def end_practice(self, practice: PracticeSession, scorecard: dict[str, Any]) -> None:
        with self._write() as s:
            s.execute(
                update(PracticeSession)
                .where(PracticeSession.id == practice.id)
                .values(status="ended", ended_at=utcnow(), scorecard=scorecard)
            )
            s.add(
                AuditEvent(
                    event="practice.ended",
                    key_id=practice.key_id,
                    subject_id=practice.id,
                    detail={"utterances": scorecard.get("utterances")},
                )
            )

    # --- counts (health, tests) -------------------------------------------------------------

    def count(self, table: type[Any]) -> int:
        with self._read() as s:
            return int(s.scalar(select(func.count()).select_from(table)) or 0)


@dataclass(frozen=True)
class Exchange:
    """One answered message to store: the turns (client, counselor), the conversation's new
    peak, whether the crisis protocol answered, and the audit event's detail."""

    conversation: Conversation
    first_seq: int
    turns: tuple[TurnRecord, ...]
    risk_peak: str
    crisis: bool
    detail: dict[str, Any]


# The statements run on every message, built once (their compiled form is cached as well).
_STATE_VERSION = select(ConversationStateRow.version).where(
    ConversationStateRow.conversation_id == bindparam("target")
)
_STATE_UPDATE = (
    update(ConversationStateRow)
    .where(
        ConversationStateRow.conversation_id == bindparam("target"),
        ConversationStateRow.version == bindparam("read_version"),
    )
    .values(
        version=bindparam("new_version"),
        payload=bindparam("new_payload"),
        updated_at=bindparam("now"),
        expires_at=bindparam("new_expiry"),
    )
)
_COUNTERS_UPDATE = (
    update(Conversation)
    .where(Conversation.id == bindparam("target"))
    .values(
        client_messages=Conversation.client_messages + 1,
        crisis_turns=Conversation.crisis_turns + bindparam("crisis_turn"),
        risk_peak=bindparam("new_peak"),
    )
)
_INSERT_MESSAGES = insert(Message)
_INSERT_EVENTS = insert(AuditEvent)

# An exchange and what makes the state to write with it (None: the conversation keeps none).
ExchangeWrite = tuple[Exchange, Callable[[], StateWrite] | None]


def _write_exchanges(
    conn: Connection,
    batch: Sequence[tuple[Exchange, StateWrite | None]],
    now: datetime,
    *,
    strict: bool,
) -> list[bool]:
    """Write `batch` on `conn` (inside its transaction); per exchange, whether its state was
    stale (then nothing of it is written; with `strict`, `StaleState` is raised instead)."""
    stale: list[bool] = []
    written: list[Exchange] = []
    for exchange, state in batch:
        conversation = exchange.conversation
        if state is not None:
            updated = conn.execute(
                _STATE_UPDATE,
                {
                    "target": conversation.id,
                    "read_version": state.version,
                    "new_version": state.version + 1,
                    "new_payload": state.payload,
                    "now": now,
                    "new_expiry": state.expires_at,
                },
            )
            if updated.rowcount != 1:
                if strict:
                    raise StaleState(conversation.id)
                stale.append(True)
                continue
        stale.append(False)
        written.append(exchange)
    if not written:
        return stale
    conn.execute(
        _INSERT_MESSAGES,
        [
            {
                "conversation_id": e.conversation.id,
                "seq": e.first_seq + i,
                "speaker": turn.speaker,
                "text": turn.text if e.conversation.store_text else None,
                "chars": len(turn.text),
                "risk": turn.risk,
                "protocol": turn.protocol,
                "guardrail": turn.guardrail,
                "created_at": now,
            }
            for e in written
            for i, turn in enumerate(e.turns)
        ],
    )
    conn.execute(
        _COUNTERS_UPDATE,
        [
            {
                "target": e.conversation.id,
                "crisis_turn": 1 if e.crisis else 0,
                "new_peak": e.risk_peak,
            }
            for e in written
        ],
    )
    events: list[dict[str, Any]] = []
    for e in written:
        c = e.conversation
        events.append(
            {"at": now, "event": "message.processed", "key_id": c.key_id, "subject_id": c.id}
            | {"detail": e.detail}
        )
        if e.crisis:
            events.append(
                {"at": now, "event": "crisis.protocol", "key_id": c.key_id, "subject_id": c.id}
                | {"detail": {"risk": e.detail.get("risk"), "seq": e.first_seq}}
            )
    conn.execute(_INSERT_EVENTS, events)
    return stale


def _message(conversation_id: str, seq: int, turn: TurnRecord, store_text: bool) -> Message:
    return Message(
        conversation_id=conversation_id,
        seq=seq,
        speaker=turn.speaker,
        text=turn.text if store_text else None,
        chars=len(turn.text),
        risk=turn.risk,
        protocol=turn.protocol,
        guardrail=turn.guardrail,
    )


class _NullLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
