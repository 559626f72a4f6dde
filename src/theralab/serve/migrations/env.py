"""Alembic environment: run by `theralab.serve.db.migrate`, on the connection it passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from theralab.serve.models import Base

config = context.config
target_metadata = Base.metadata


def migrate_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        migrate_on(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        migrate_on(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("TheraLab migrations run online only (theralab serve runs them on start)")
run()
