"""Making dataset rows on a Dask cluster: shards of row indices, one task per shard.

The cluster plumbing (a LocalCluster or a running scheduler, the bounded window of shards,
failures) is `theralab.cluster`'s, shared with `theralab run --executor dask`.

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
from dataclasses import dataclass
from typing import Any

from theralab.cluster import (
    INSTALL_HINT,
    ClusterError,
    dask_available,
    dask_client,
    main_not_reimported,
    map_shards,
)
from theralab.errors import BadValue
from theralab.model.roles import ModelRoles
from theralab.synth.config import SynthConfig
from theralab.synth.pipeline import OnRow, OnSession, make_rows

# the names this module had before `theralab.cluster` held them
_main_not_reimported = main_not_reimported
__all__ = ["INSTALL_HINT", "ClusterError", "DaskExecutor", "dask_available", "make_shard"]


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

    def run(
        self,
        config: SynthConfig,
        indices: list[int],
        on_row: OnRow,
        *,
        on_session: OnSession | None = None,
    ) -> None:
        """`on_session` is not called: sessions are simulated in the workers' processes, and
        only finished rows come back."""
        shards = self.shards(list(indices))
        payload = config.model_dump_json()

        def rows(number: int, result: list[dict[str, Any]]) -> None:
            for row in result:
                on_row(row)

        with dask_client(
            self.address, n_workers=self.n_workers, connect_timeout=self.connect_timeout
        ) as client:
            map_shards(
                client,
                make_shard,
                shards,
                lambda number, shard: (
                    payload,
                    shard,
                    self.concurrency,
                    self.endpoint(config, number),
                    self.cache,
                ),
                rows,
                kind="synth",
                describe=lambda n: f"shard {n}: rows {shards[n][0]}-{shards[n][-1]}",
                rerun_hint="the rows made so far are kept, rerun the same command to continue",
            )


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
