"""Work on a Dask cluster: one client (a running scheduler, or a LocalCluster on 127.0.0.1
started and stopped for the job) and shards of work mapped over it.

Used by `theralab synth --executor dask` (rows) and `theralab run/simulate --executor dask`
(sessions). Why Dask: the work is I/O-bound model calls plus some CPU per item, so all an
engine has to do is fan shards out to worker processes and bring results back. On these
2-core machines Dask distributed was the lighter and faster choice (shared/notes/
scale-and-serving.md: ~17 s and 84 MB to install, a LocalCluster up in 0.7 s at ~120 MiB,
2,000 stub requests in 4.8 s), while Ray took 40 s and 629 MB to install, 3-5 s to start,
400-820 MiB, 5.4-7.0 s for the same requests, and needs auth settings to join nodes on one
box. Dask's gotchas are handled here: process workers are started without re-running the
caller's `__main__`, and CLI workers (`dask worker`) only need theralab installed.

At most two shards per worker thread are in flight at once (memory stays flat in the number
of items); results reach the caller as shards finish, so a kill loses only the shards in
flight; the first failed shard stops new submissions and is reported with what it held.
"""

from __future__ import annotations

import sys
import types
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib.util import find_spec
from itertools import islice
from typing import Any, TypeVar

from theralab.errors import BadValue, TheraLabError

INSTALL_HINT = "the dask executor needs Dask: pip install -e '.[dask]'"

S = TypeVar("S")


class ClusterError(TheraLabError):
    """The cluster could not be reached, or a shard failed there (not an item's own failure)."""


def dask_available() -> bool:
    return find_spec("distributed") is not None


@dataclass
class ClusterSpec:
    """Where a job runs: the scheduler at `address`, or a LocalCluster of `n_workers`
    processes on 127.0.0.1 for the job; work goes out in shards of about `shard_size` items,
    and `endpoints` (model servers) are given to shards in turn."""

    address: str | None = None
    endpoints: list[str] | None = None
    shard_size: int = 16
    n_workers: int = 2
    connect_timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.shard_size < 1 or self.n_workers < 1:
            raise BadValue("shard_size and n_workers must be at least 1")
        if self.endpoints is not None and not self.endpoints:
            self.endpoints = None

    def endpoint(self, base_url: str | None, shard_number: int) -> str | None:
        if self.endpoints:
            return self.endpoints[shard_number % len(self.endpoints)]
        return base_url

    def client(self) -> Any:
        """`dask_client` for this spec (a context manager)."""
        return dask_client(
            self.address, n_workers=self.n_workers, connect_timeout=self.connect_timeout
        )


@contextmanager
def dask_client(
    address: str | None, *, n_workers: int = 2, connect_timeout: float = 30.0
) -> Iterator[Any]:
    """A `distributed.Client`: to the scheduler at `address` (which must have a worker within
    `connect_timeout`), or to a LocalCluster of `n_workers` single-threaded processes."""
    if not dask_available():
        raise ClusterError(INSTALL_HINT)
    from distributed import Client, LocalCluster

    if address is not None:
        try:
            client = Client(address, timeout=connect_timeout)
        except OSError as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        try:
            if not client.nthreads():
                client.wait_for_workers(1, timeout=connect_timeout)
        except TimeoutError as exc:
            client.close()
            raise ClusterError(
                f"the Dask scheduler at {address} has no workers (waited {connect_timeout:.0f} s)"
            ) from exc
        try:
            yield client
        finally:
            client.close()
        return
    with main_not_reimported():
        cluster = LocalCluster(
            n_workers=n_workers,
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


def map_shards(
    client: Any,
    task: Callable[..., Any],
    shards: Sequence[S],
    arguments: Callable[[int, S], tuple[Any, ...]],
    on_result: Callable[[int, Any], None],
    *,
    kind: str,
    describe: Callable[[int], str],
    rerun_hint: str,
) -> None:
    """Run `task(*arguments(number, shard))` on the cluster for every shard, a bounded window
    at a time, and hand each result to `on_result(number, result)` as it finishes. The first
    failure stops new submissions; the shards in flight finish, then a ClusterError says which
    shard failed (`describe(number)`: what it held) and how to continue (`rerun_hint`)."""
    from distributed import as_completed

    if not shards:
        return
    threads = sum(client.nthreads().values())
    window = max(2, 2 * threads)
    pending = iter(enumerate(shards))
    failure: BaseException | None = None
    failed_shard = -1

    numbers: dict[str, int] = {}  # task key → shard number

    def submit(number: int, shard: S) -> Any:
        key = f"theralab-{kind}-shard-{number}-{uuid.uuid4().hex[:12]}"
        numbers[key] = number
        return client.submit(task, *arguments(number, shard), key=key)

    queue = as_completed(
        [submit(k, s) for k, s in islice(pending, window)], with_results=True, raise_errors=False
    )
    for future, result in queue:
        if future.status != "finished":
            if failure is None:
                failure = _exception_of(future, result)
                failed_shard = numbers.get(str(future.key), -1)
            continue
        on_result(numbers[str(future.key)], result)
        del result
        if failure is None and (nxt := next(pending, None)) is not None:
            queue.add(submit(*nxt))
    if failure is not None:
        where = f" ({describe(failed_shard)})" if 0 <= failed_shard < len(shards) else ""
        raise ClusterError(_explain(failure, where, rerun_hint)) from failure


@contextmanager
def main_not_reimported() -> Iterator[None]:
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


def _explain(exc: BaseException, where: str, rerun_hint: str) -> str:
    if isinstance(exc, ImportError) and "theralab" in str(exc):
        return (
            f"the Dask workers cannot import theralab{where}: install it in their environment "
            "(pip install -e '.[dask]') and restart them"
        )
    return f"a shard failed on the cluster{where}: {type(exc).__name__}: {exc}; {rerun_hint}"
