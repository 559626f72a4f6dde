"""Making dataset rows on a Dask cluster: shards of row indices, one task per shard.

Why Dask: the work is I/O-bound model calls plus some CPU per row, so all an engine has to do
is fan shards out to worker processes and bring rows back. On these 2-core machines Dask
distributed was the lighter and faster choice (shared/notes/scale-and-serving.md: ~17 s and
84 MB to install, a LocalCluster up in 0.7 s at ~120 MiB, 2,000 stub requests in 4.8 s),
while Ray took 40 s and 629 MB to install, 3-5 s to start, 400-820 MiB, 5.4-7.0 s for the
same requests, and needs auth settings to join nodes on one box. Dask's gotchas are handled
here: process workers are started without re-running the caller's `__main__`, and CLI
workers (`dask worker`) only need theralab installed in their environment.

Each shard runs `make_rows` on its worker with its own event loop, its own `concurrency` and
its own model connections (optionally its own server: `endpoints` are assigned round-robin
by shard number). Rows come back with their shard and go to `on_row` as shards finish, so
`rows.jsonl` grows as the run goes and a kill loses only the shards in flight; `finalize`
orders the dataset by index, so the result does not depend on completion order. At most two
shards per worker thread are in flight at once, which keeps memory flat in the number of rows.

    theralab synth cactus --n 1000 --executor dask                      # a LocalCluster
    dask scheduler --host 127.0.0.1 --port 8786 --dashboard-address 127.0.0.1:8787 &
    dask worker tcp://127.0.0.1:8786 --host 127.0.0.1 --nthreads 2 &
    theralab synth cactus --n 1000 --executor dask --address tcp://127.0.0.1:8786 \\
        -c llm:cbt --model-role counselor=vllm/qwen \\
        --endpoint http://10.0.0.5:8000/v1 --endpoint http://10.0.0.6:8000/v1
"""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.util import find_spec
from itertools import islice
from typing import Any

from theralab.errors import BadValue, TheraLabError
from theralab.model.roles import ModelRoles
from theralab.synth.config import SynthConfig
from theralab.synth.pipeline import OnRow, make_rows

INSTALL_HINT = "the dask executor needs Dask: pip install -e '.[dask]'"


class ClusterError(TheraLabError):
    """The cluster could not be reached, or a shard failed there (not a row's own failure)."""


def dask_available() -> bool:
    return find_spec("distributed") is not None


@dataclass
class DaskExecutor:
    """Rows made in shards on a Dask cluster: `address` of a running scheduler, or a
    LocalCluster of `n_workers` processes on 127.0.0.1 started (and stopped) for the run."""

    address: str | None = None
    concurrency: int = 8
    shard_size: int = 50
    endpoints: list[str] | None = None
    n_workers: int = 2
    cache: bool = True
    connect_timeout: float = 30.0

    def __post_init__(self) -> None:
        if not dask_available():
            raise ClusterError(INSTALL_HINT)
        if self.concurrency < 1 or self.shard_size < 1 or self.n_workers < 1:
            raise BadValue("concurrency, shard_size and n_workers must be at least 1")
        if self.endpoints is not None and not self.endpoints:
            self.endpoints = None

    def shards(self, indices: list[int]) -> list[list[int]]:
        size = self.shard_size
        return [indices[i : i + size] for i in range(0, len(indices), size)]

    def endpoint(self, config: SynthConfig, shard_number: int) -> str | None:
        if self.endpoints:
            return self.endpoints[shard_number % len(self.endpoints)]
        return config.base_url

    def run(self, config: SynthConfig, indices: list[int], on_row: OnRow) -> None:
        from distributed import as_completed

        shards = self.shards(list(indices))
        if not shards:
            return
        payload = config.model_dump_json()
        with self._client() as client:
            threads = sum(client.nthreads().values())
            window = max(2, 2 * threads)
            pending = iter(enumerate(shards))
            failure: BaseException | None = None
            failed_shard = -1

            def submit(number: int, shard: list[int]) -> Any:
                return client.submit(
                    make_shard,
                    payload,
                    shard,
                    self.concurrency,
                    self.endpoint(config, number),
                    self.cache,
                    key=f"theralab-synth-shard-{number}-{_token()}",
                )

            queue = as_completed(
                [submit(k, s) for k, s in islice(pending, window)],
                with_results=True,
                raise_errors=False,
            )
            for future, result in queue:
                if future.status != "finished":
                    if failure is None:
                        failure = _exception_of(future, result)
                        failed_shard = _shard_number(future.key)
                    continue
                for row in result:
                    on_row(row)
                del result
                if failure is None and (nxt := next(pending, None)) is not None:
                    queue.add(submit(*nxt))
            if failure is not None:
                raise ClusterError(_explain(failure, failed_shard, shards)) from failure

    @contextmanager
    def _client(self) -> Iterator[Any]:
        from distributed import Client, LocalCluster

        if self.address is not None:
            try:
                client = Client(self.address, timeout=self.connect_timeout)
            except OSError as exc:
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {self.address}: {exc}"
                ) from exc
            try:
                if not client.nthreads():
                    client.wait_for_workers(1, timeout=self.connect_timeout)
            except TimeoutError as exc:
                client.close()
                raise ClusterError(
                    f"the Dask scheduler at {self.address} has no workers "
                    f"(waited {self.connect_timeout:.0f} s)"
                ) from exc
            try:
                yield client
            finally:
                client.close()
            return
        with _main_not_reimported():
            cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # the scheduler serves HTTP (health, metrics) even without a dashboard:
                # loopback, any free port, so that two runs never collide on :8787
                dashboard_address="127.0.0.1:0",
                worker_dashboard_address="127.0.0.1:0",
            )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()


def make_shard(
    config_json: str,
    shard: list[int],
    concurrency: int,
    base_url: str | None,
    cache: bool,
) -> list[dict[str, Any]]:
    """Run on a worker: the rows of one shard, made on a fresh event loop (in any order)."""
    config = SynthConfig.model_validate_json(config_json)
    roles = None
    if config.model_roles:
        roles = ModelRoles.from_options(
            config.model_roles,
            base_url=base_url,
            cache=cache,
            # every row of the shard may be waiting on the model at once: a lower limit
            # would only queue them (and the limit's semaphore is per event loop anyway)
            max_connections=max(8, concurrency),
        )
    rows: list[dict[str, Any]] = []
    asyncio.run(make_rows(config, shard, rows.append, concurrency, roles))
    return rows


@contextmanager
def _main_not_reimported() -> Iterator[None]:
    """Start worker processes without re-running the caller's script.

    Worker processes are spawned, and spawning re-imports the parent's `__main__` (a script
    without an `if __name__ == "__main__":` guard would start a cluster of its own in every
    worker). Nothing from `__main__` is sent to the workers, so while they start `__main__`
    is a bare module that gives spawn nothing to re-import."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _exception_of(future: Any, result: Any) -> BaseException:
    if isinstance(result, BaseException):
        return result
    if isinstance(result, tuple) and len(result) > 1 and isinstance(result[1], BaseException):
        return result[1]  # (type, exception, traceback)
    with suppress(Exception):
        exc = future.exception(timeout=5)
        if isinstance(exc, BaseException):
            return exc
    return RuntimeError(f"shard task ended as {future.status}")


def _token() -> str:
    import uuid

    return uuid.uuid4().hex[:12]


def _shard_number(key: Any) -> int:
    with suppress(ValueError, IndexError, AttributeError):
        return int(str(key).split("-")[3])
    return -1


def _explain(exc: BaseException, number: int, shards: list[list[int]]) -> str:
    where = ""
    if 0 <= number < len(shards):
        where = f" (shard {number}: rows {shards[number][0]}-{shards[number][-1]})"
    if isinstance(exc, ImportError) and "theralab" in str(exc):
        return (
            f"the Dask workers cannot import theralab{where}: install it in their environment "
            "(pip install -e '.[dask]') and restart them"
        )
    return (
        f"a shard failed on the cluster{where}: {type(exc).__name__}: {exc}; the rows made so "
        "far are kept, rerun the same command to continue"
    )
