"""The database tables (SQLAlchemy 2 ORM). Changing one needs a migration in migrations/."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(when: datetime | None) -> datetime | None:
    """Timestamps come back naive from SQLite; they were written in UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; `prefix` identifies it in listings."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16), default="api")  # api | ui
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rate_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_key_created", "key_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    user_ref: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    modality: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(35))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    seed: Mapped[int] = mapped_column(Integer)
    store_text: Mapped[bool] = mapped_column(default=False)
    carried_risk: Mapped[bool] = mapped_column(default=False)
    client_messages: Mapped[int] = mapped_column(Integer, default=0)
    crisis_turns: Mapped[int] = mapped_column(Integer, default=0)
    risk_peak: Mapped[str] = mapped_column(String(16), default="none")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Message(Base):
    """One turn. `text` is NULL unless the operator stores conversation text."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    chars: Mapped[int] = mapped_column(Integer)
    risk: Mapped[str | None] = mapped_column(String(16), nullable=True)
    protocol: Mapped[str | None] = mapped_column(String(16), nullable=True)
    guardrail: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationStateRow(Base):
    """What a conversation needs to continue (`serve.state`), encrypted with the server's state
    keys: written after every turn, read only to rebuild the conversation on a worker that
    does not hold it, deleted when the conversation ends or expires. `version` counts writes,
    so two workers cannot both write turn N (the second write matches no row)."""

    __tablename__ = "conversation_states"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditEvent(Base):
    """What happened, to what, by which key — never what anybody said."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Memory(Base):
    """A content-free summary of one ended conversation, for the user's next one."""

    __tablename__ = "memories"
    __table_args__ = (Index("ix_memories_key_user", "key_id", "user_ref", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    user_ref: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class PracticeSession(Base):
    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    client_engine: Mapped[str] = mapped_column(String(120))
    style: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active")
    seed: Mapped[int] = mapped_column(Integer)
    store_text: Mapped[bool] = mapped_column(default=False)
    utterances: Mapped[int] = mapped_column(Integer, default=0)
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PracticeTurn(Base):
    __tablename__ = "practice_turns"
    __table_args__ = (UniqueConstraint("practice_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    practice_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))  # trainee | client
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    chars: Mapped[int] = mapped_column(Integer)
    codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
