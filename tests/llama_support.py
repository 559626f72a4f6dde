"""Real llama.cpp for tests, no download: the tiny random GGUF model (tests/tiny_gguf.py) and a
real `python -m llama_cpp.server` serving it on loopback.

Shared by tests/test_llamacpp.py and tests/test_guard_servers.py. The fixtures skip (not fail)
when llama-cpp-python, its server extras or gguf are not installed (`make local` or
`CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install --no-cache-dir -e '.[llamacpp]'`); a test module
that only ever runs against llama.cpp can call `require_llamacpp()` at import time instead.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def require_llamacpp() -> None:
    """Skip unless llama-cpp-python and gguf are installed."""
    pytest.importorskip(
        "llama_cpp",
        reason="needs llama-cpp-python (pip install -e '.[llamacpp]')",
        exc_type=ImportError,
    )
    pytest.importorskip(
        "gguf", reason="needs the gguf package to write the tiny test model", exc_type=ImportError
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_tiny(model: Path, log: Path, n_ctx: int) -> Iterator[str]:
    """A real `python -m llama_cpp.server` serving the tiny model; yields its /v1 base URL."""
    require_llamacpp()
    try:
        importlib.import_module("llama_cpp.server.app")
    except ImportError as exc:
        pytest.skip(f"llama_cpp.server needs the [server] extras: {exc}")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited ({process.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer in 30 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random GGUF model, written once per test module (well under a second)."""
    require_llamacpp()
    from .tiny_gguf import build_tiny_gguf

    start = time.perf_counter()
    path = build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf", seed=0)
    assert time.perf_counter() - start < 1.0
    return path


@pytest.fixture(scope="module")
def llama_server(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real llama.cpp server with the tiny model, per test module; yields its /v1 base URL."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serve_tiny(tiny_model, log, n_ctx=4096) as base_url:
        yield base_url
