"""A real Dask cluster for tests: a `dask scheduler` and a `dask worker` process on 127.0.0.1,
started with the CLI like an operator would (`scheduler` fixture; import it into a test
module). Skipped without the dask extra."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest

needs_dask = pytest.mark.skipif(
    find_spec("distributed") is None, reason="needs the dask extra: pip install -e '.[dask]'"
)
DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT = 90.0  # the machines are shared and slow to start Python processes at times


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and one worker (2 threads), both CLI processes; yields the address."""
    from distributed import Client

    if not DASK.exists():
        pytest.skip(f"no dask command beside {sys.executable}")
    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    procs: list[subprocess.Popen[bytes]] = []
    logs = []

    def start(name: str, *args: str) -> None:
        log = (folder / f"{name}.log").open("wb")
        logs.append(log)
        procs.append(
            subprocess.Popen([str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, cwd=folder)
        )

    common = ("--host", "127.0.0.1", "--no-dashboard", "--scheduler-file", str(info))
    try:
        # port 0: the scheduler picks a free port and writes its address to the file; it
        # serves HTTP even with --no-dashboard, so that goes to loopback and a free port too
        start(
            "scheduler", "scheduler", "--port", "0", "--dashboard-address", "127.0.0.1:0", *common
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not info.exists() and time.monotonic() < deadline:
            assert procs[0].poll() is None, (folder / "scheduler.log").read_text()
            time.sleep(0.2)
        assert info.exists(), "the scheduler did not start"
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        start("worker", "worker", *common, "--nthreads", "2", "--nworkers", "1")
        with Client(address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(1, timeout=START_TIMEOUT)
            assert all(w.startswith("tcp://127.0.0.1:") for w in client.nthreads())
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()
