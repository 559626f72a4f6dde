"""Helpers for the `theralab serve` tests: a real uvicorn on loopback, in a thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from theralab.serve import missing_dependencies

MISSING = missing_dependencies()
needs_serve = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs the serve extra ({', '.join(MISSING)} missing): pip install -e '.[serve]'",
)


class LiveServer:
    """`with LiveServer(app) as server:` serves `app` on 127.0.0.1 at a free port."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import uvicorn

        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        assert self._thread is not None
        self._thread.join(timeout=10)


def make_app(db: Path | str, **settings: Any) -> Any:
    from theralab.serve.app import create_app
    from theralab.serve.settings import ServeSettings

    url = db if isinstance(db, str) else f"sqlite:///{db}"
    return create_app(ServeSettings(db_url=url, **settings))


def new_key(app: Any, name: str = "test", rate: int | None = None) -> str:
    from theralab.serve.auth import create_key

    return create_key(app.state.store, name, rate)[1]


def sse_events(body: str) -> list[tuple[str, dict[str, Any]]]:
    """Parse a server-sent-event stream into (event, data) pairs."""
    import json

    out = []
    for block in body.strip().split("\n\n"):
        name, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            out.append((name, json.loads("\n".join(data))))
    return out


class ServeProcess:
    """`theralab serve` as a real subprocess on 127.0.0.1 (e.g. with `--workers 2`):
    `start()` waits for /health, `stop()` sends SIGTERM and waits for a graceful exit."""

    def __init__(self, args: list[str], port: int | None = None, env: dict[str, str] | None = None):
        import os
        import socket

        if port is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = int(s.getsockname()[1])
        self.port = port
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self.proc: Any = None
        self.log = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> ServeProcess:
        import subprocess
        import sys
        from pathlib import Path

        import httpx

        cli = Path(sys.executable).with_name("theralab")
        command = [str(cli), "serve", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [*command, *self.args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log = self.proc.stdout.read()
                raise RuntimeError(f"theralab serve exited {self.proc.returncode}:\n{self.log}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"theralab serve did not become healthy:\n{self.log}")

    def stop(self, timeout: float = 60.0) -> int:
        import signal
        import subprocess

        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log = self.proc.stdout.read() if self.proc.stdout else ""
        code = int(self.proc.returncode)
        self.proc = None
        return code

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sensitivities_asked(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[object]:
    """Replace `module.default_screener` with a pattern-tier screener that records the
    operating point it was asked for; returns the record."""
    from theralab.safety import PatternTier, Screener

    asked: list[object] = []

    def fake_default(roles: object = None, sensitivity: object = "high") -> Screener:
        asked.append(sensitivity)
        return Screener([PatternTier()])

    monkeypatch.setattr(module, "default_screener", fake_default)
    return asked
