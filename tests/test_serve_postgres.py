"""`theralab serve` on PostgreSQL: a throwaway cluster started by the tests (initdb as the
`postgres` user in a fresh temporary folder), migrations, the API, and concurrent writes."""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.serve_support import LiveServer, make_app, needs_serve, new_key, sse_events

pytestmark = [needs_serve, pytest.mark.postgres]
INITDB_OPTIONS = ("-U", "test", "-A", "trust", "-E", "UTF8", "--no-sync")


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL server binaries: apt-get install postgresql")
    if importlib_missing("psycopg"):
        pytest.skip("needs psycopg: pip install -e '.[serve]'")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root needs the postgres user (apt-get install postgresql)")
    folder = tempfile.mkdtemp(prefix="theralab-pg-")
    if os.geteuid() == 0:
        os.chown(folder, user.pw_uid, user.pw_gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = f"{folder}/data"
    try:
        subprocess.run(
            _as_postgres([str(bin_dir / "initdb"), "-D", data, *INITDB_OPTIONS]),
            check=True,
            capture_output=True,
            timeout=60,
        )
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    data,
                    "-l",
                    f"{folder}/log",
                    "-w",
                    "start",
                    "-o",
                    options,
                ]
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield f"postgresql://test@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


def importlib_missing(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is None


def _fresh_database(pg_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return pg_url.rsplit("/", 1)[0] + f"/{name}"


def test_migrations_on_postgres_match_the_models(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from theralab.serve.db import make_engine, migrate
    from theralab.serve.models import Base

    engine = make_engine(_fresh_database(pg_url, "migrations"))
    assert migrate(engine) == "0002"
    assert migrate(engine) == "0002"
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_keys_cli_on_postgres(pg_url: str) -> None:
    from theralab.cli import app as cli

    url = _fresh_database(pg_url, "keys")
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--name", "pg-pilot", "--db", url])
    assert created.exit_code == 0, created.output
    assert "pg-pilot" in runner.invoke(cli, ["keys", "list", "--db", url]).output


def test_chat_api_on_postgres(pg_url: str) -> None:
    url = _fresh_database(pg_url, "chat")
    app = make_app(url, store_text=True)
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        assert c.get("/health").json()["database"] == "postgresql"
        created = c.post(
            "/v1/conversations", json={"modality": "cbt", "locale": "en-IE", "user_id": "pg-user"}
        ).json()
        cid = created["conversation"]["id"]
        events = sse_events(
            c.post(
                f"/v1/conversations/{cid}/messages", json={"text": "I want to end my life tonight"}
            ).text
        )
        done = events[-1][1]
        assert done["crisis"] is True and any("Samaritans" in r for r in done["resources"])
        payload = "'); DROP TABLE messages; --"
        c.post(f"/v1/conversations/{cid}/messages", json={"text": payload, "stream": False})
        detail = c.get(f"/v1/conversations/{cid}").json()
        assert payload in [m["text"] for m in detail["messages"]]
        assert c.post(f"/v1/conversations/{cid}/end").json()["memory_saved"] is True
        again = c.post("/v1/conversations", json={"modality": "mi", "user_id": "pg-user"}).json()
        assert again["memory_recap"].startswith("Welcome back")

        async def converse(i: int) -> int:
            async with httpx.AsyncClient(base_url=live.url, headers=headers, timeout=30) as ac:
                made = await ac.post("/v1/conversations", json={"modality": "person_centred"})
                conv = made.json()["conversation"]["id"]
                for n in range(3):
                    r = await ac.post(
                        f"/v1/conversations/{conv}/messages",
                        json={"text": f"message {n} from conversation {i}", "stream": False},
                    )
                    assert r.status_code == 200, r.text
                return (await ac.get(f"/v1/conversations/{conv}")).json()["conversation"][
                    "client_messages"
                ]

        async def all_of_them() -> list[int]:
            return await asyncio.gather(*(converse(i) for i in range(20)))

        assert asyncio.run(all_of_them()) == [3] * 20
    from theralab.serve.models import AuditEvent, Message

    assert app.state.store.count(Message) >= 20 * 7
    assert app.state.store.count(AuditEvent) > 60
