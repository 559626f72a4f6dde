"""Micro-batching across the concurrent callers of one process (a server's requests, the
sessions a run simulates side by side).

A synchronous call that serves many items at once (the screener's encoder, a database
transaction) runs in a worker thread, off the event loop; while `parallel` such calls are
running, new items wait and go together in the next call (up to `max_batch`). A lone item goes
at once, so batching adds no latency when nothing else is waiting; under load one call, and one
thread hop, serves many items, and at most `parallel` threads work on them instead of one per
caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import anyio

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    """`await submit(item)` is `run([item])[0]`, with the items of concurrent requests batched.

    `run` returns one result per item, in order; a result that is an exception is raised to
    that item's caller alone, an exception `run` raises to every caller in the batch. With
    `shield`, a caller waits for its item's call to finish even when it is cancelled (as a
    worker thread's call does): what it holds stays held until the item is done."""

    def __init__(
        self,
        run: Callable[[list[T]], Sequence[R | BaseException]],
        *,
        parallel: int = 1,
        max_batch: int = 64,
        limiter: anyio.CapacityLimiter | None = None,
        shield: bool = False,
    ) -> None:
        self.run = run
        self.parallel = parallel
        self.max_batch = max_batch
        self.limiter = limiter
        self.shield = shield
        self.batches = 0  # calls made (tests and the benchmark watch it)
        self.items = 0
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        self._launch()
        if not self.shield:
            return await future
        with anyio.CancelScope(shield=True):
            await asyncio.wait([future])
        return future.result()

    def _launch(self) -> None:
        while self._pending and self._running < self.parallel:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            self._running += 1
            task = asyncio.ensure_future(self._run(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            items = [item for item, _ in batch]
            results = await anyio.to_thread.run_sync(self.run, items, limiter=self.limiter)
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} returned {len(results)} results")
            self.batches += 1
            self.items += len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        except BaseException as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else RuntimeError())
            if not isinstance(exc, Exception):
                raise
        finally:
            self._running -= 1
            self._launch()
