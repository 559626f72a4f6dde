"""Rows per second of the local executor and of the Dask executor (a LocalCluster of 2
worker processes) against the same model server: a StubServer with a fixed latency per
request serving an `llm:cbt` counselor. Same rows, same seed, in one run; the datasets must
come out identical. The server runs in a process of its own, so that it does not share the
local executor's interpreter lock (it would slow the local executor, not the Dask workers).

The cluster is started once, before the timed runs, and its start-up is printed on its own
(`--executor dask` without `--address` pays it on every run). Dask runs twice: with the
local run's concurrency split over the workers (the same number of requests in flight) and
with that concurrency on every worker. The semantic screening tier is off unless
`--semantic` (it dominates the time on these machines, see bench/synth_scale.py).

    .venv/bin/python bench/synth_throughput.py [--n 200] [--concurrency 16] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shlex
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path


def serve(latency: float, conn: Connection) -> None:
    """The stub server's process: sends its base URL, then answers "stats" with (requests,
    peak requests in flight since the last "stats") until "stop"."""
    from theralab.model.stub_server import StubServer

    with StubServer(latency=latency) as server:
        conn.send(server.base_url)
        while (command := conn.recv()) != "stop":
            assert command == "stats"
            with server.lock:
                conn.send((server.requests, server.peak_in_flight))
                server.peak_in_flight = server.in_flight


class ServerProcess:
    def __init__(self, latency: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(latency, child), daemon=True)

    def __enter__(self) -> ServerProcess:
        self.process.start()
        self.base_url: str = self.conn.recv()
        return self

    def stats(self) -> tuple[int, int]:
        self.conn.send("stats")
        requests, peak = self.conn.recv()
        return int(requests), int(peak)

    def __exit__(self, *exc: object) -> None:
        self.conn.send("stop")
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=25)
    parser.add_argument("--max-turns", type=int, default=12)
    parser.add_argument("--semantic", action="store_true")
    args = parser.parse_args()
    os.environ["THERALAB_SEMANTIC"] = "1" if args.semantic else "0"  # workers inherit it

    from distributed import Client, LocalCluster

    from theralab.model.roles import ModelRoles
    from theralab.synth import LocalExecutor, SynthConfig, synthesize
    from theralab.synth.dask_executor import DaskExecutor

    print("command:", shlex.join([sys.executable, *sys.argv]))
    print(f"load average before: {os.getloadavg()}", flush=True)
    with ServerProcess(args.latency) as server, tempfile.TemporaryDirectory() as tmp:
        config = SynthConfig(
            n=args.n,
            counselors=["llm:cbt"],
            model_roles={"counselor": "vllm/stub"},
            base_url=server.base_url,
            max_turns=args.max_turns,
            seed=1,
        )
        results: dict[str, dict[str, float]] = {}

        def timed(name: str, executor: object) -> None:
            before, _ = server.stats()
            started = time.perf_counter()
            result = synthesize(config, Path(tmp) / name, executor)  # type: ignore[arg-type]
            took = time.perf_counter() - started
            after, peak = server.stats()
            requests = after - before
            assert result.made == args.n, result
            results[name] = {
                "seconds": took,
                "rows_per_s": args.n / took,
                "requests": requests,
                "requests_per_s": requests / took,
                "peak_in_flight": peak,
                "failed": result.failed,
            }
            print(
                f"{name:>22}: {args.n} rows in {took:6.1f} s = {args.n / took:6.2f} rows/s; "
                f"server saw {requests} requests = {requests / took:6.1f}/s, peak in flight "
                f"{peak}; failed rows {result.failed}",
                flush=True,
            )

        roles = ModelRoles(
            specs=dict(config.model_roles),
            base_url=server.base_url,
            cache_path=None,
            max_connections=args.concurrency,
        )
        timed("local", LocalExecutor(concurrency=args.concurrency, roles=roles))

        started = time.perf_counter()
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
        client.run(lambda: __import__("theralab.synth.rows"))  # what every first shard pays
        print(f"LocalCluster of {args.workers} workers up in {time.perf_counter() - started:.1f} s")
        try:
            split = max(1, args.concurrency // args.workers)
            for name, per_worker in (
                (f"dask {args.workers}x{split} in flight", split),
                (f"dask {args.workers}x{args.concurrency} in flight", args.concurrency),
            ):
                timed(
                    name,
                    DaskExecutor(
                        address=cluster.scheduler_address,
                        concurrency=per_worker,
                        shard_size=args.shard_size,
                        cache=False,
                    ),
                )
        finally:
            client.close()
            cluster.close()

        datasets = {name: (Path(tmp) / name / "dataset.jsonl").read_bytes() for name in results}
        identical = len(set(datasets.values())) == 1

    local = results["local"]["rows_per_s"]
    print()
    for name, r in results.items():
        if name != "local":
            print(f"ratio {name} / local: {r['rows_per_s'] / local:.2f}x rows/s")
    print(f"identical datasets from every executor: {identical}")
    print(f"load average after: {os.getloadavg()}")
    print("reproduce:", shlex.join([sys.executable, *sys.argv]))


if __name__ == "__main__":
    main()
