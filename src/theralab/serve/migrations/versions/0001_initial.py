"""Initial schema: keys, conversations, messages, audit log, memories, practice.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("rate_per_minute", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("revoked_at", nullable=True),
        _when("last_used_at", nullable=True),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("key_id", sa.String(32), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("user_ref", sa.String(64), nullable=True),
        sa.Column("modality", sa.String(32), nullable=False),
        sa.Column("model", sa.String(120), nullable=False),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("store_text", sa.Boolean(), nullable=False),
        sa.Column("carried_risk", sa.Boolean(), nullable=False),
        sa.Column("client_messages", sa.Integer(), nullable=False),
        sa.Column("crisis_turns", sa.Integer(), nullable=False),
        sa.Column("risk_peak", sa.String(16), nullable=False),
        _when("created_at"),
        _when("ended_at", nullable=True),
    )
    op.create_index("ix_conversations_user_ref", "conversations", ["user_ref"])
    op.create_index("ix_conversations_key_created", "conversations", ["key_id", "created_at"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(40), sa.ForeignKey("conversations.id"), nullable=False
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("risk", sa.String(16), nullable=True),
        sa.Column("protocol", sa.String(16), nullable=True),
        sa.Column("guardrail", sa.String(16), nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("conversation_id", "seq"),
    )
    op.create_index("ix_messages_conversation_id", "messages", ["conversation_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _when("at"),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("subject_id", sa.String(40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_event", "audit_events", ["event"])
    op.create_table(
        "memories",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key_id", sa.String(32), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("user_ref", sa.String(64), nullable=False),
        sa.Column(
            "conversation_id", sa.String(40), sa.ForeignKey("conversations.id"), nullable=False
        ),
        _when("created_at"),
        sa.Column("summary", sa.JSON(), nullable=False),
    )
    op.create_index("ix_memories_key_user", "memories", ["key_id", "user_ref", "created_at"])
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("key_id", sa.String(32), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("profile_id", sa.String(64), nullable=False),
        sa.Column("client_engine", sa.String(120), nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("store_text", sa.Boolean(), nullable=False),
        sa.Column("utterances", sa.Integer(), nullable=False),
        sa.Column("scorecard", sa.JSON(), nullable=True),
        _when("created_at"),
        _when("ended_at", nullable=True),
    )
    op.create_index("ix_practice_sessions_key_id", "practice_sessions", ["key_id"])
    op.create_table(
        "practice_turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "practice_id", sa.String(40), sa.ForeignKey("practice_sessions.id"), nullable=False
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        _when("created_at"),
        sa.UniqueConstraint("practice_id", "seq"),
    )
    op.create_index("ix_practice_turns_practice_id", "practice_turns", ["practice_id"])


def downgrade() -> None:
    for table in (
        "practice_turns",
        "practice_sessions",
        "memories",
        "audit_events",
        "messages",
        "conversations",
        "api_keys",
    ):
        op.drop_table(table)
