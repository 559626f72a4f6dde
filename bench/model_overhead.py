"""Orchestration overhead of TheraLab's `Model` wrapper against a raw `openai` async loop, and
throughput scaling with connections, both against the same local server in the same run.

The server is TheraLab's stub OpenAI-compatible server on 127.0.0.1 with a fixed latency per
request (it serves requests concurrently, like a batching inference server). The raw loop is
`openai.AsyncOpenAI` with retries off and an `asyncio.Semaphore`; TheraLab's path is
`Model.generate` (semaphore per server, retry bookkeeping, usage accounting; cache off).

    .venv/bin/python bench/model_overhead.py [--requests 400] [--latency 0.05]

Needs the `openai` package for the baseline (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from theralab.model import ChatMessage, GenerateConfig, Model, get_model_api
from theralab.model.stub_server import StubServer


async def raw_loop(base_url: str, n: int, connections: int) -> float:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="stub", max_retries=0)
    semaphore = asyncio.Semaphore(connections)

    async def one(i: int) -> None:
        async with semaphore:
            await client.chat.completions.create(
                model="stub", messages=[{"role": "user", "content": f"message {i}"}], max_tokens=32
            )

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.perf_counter() - t0
    await client.close()
    return n / elapsed


async def theralab_loop(base_url: str, n: int, connections: int) -> float:
    model = Model(get_model_api("vllm/stub", base_url=base_url), max_connections=connections)
    config = GenerateConfig(max_tokens=32)

    async def one(i: int) -> None:
        await model.generate([ChatMessage(role="user", content=f"message {i}")], config)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.perf_counter() - t0
    await model.aclose()
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    try:
        import openai  # noqa: F401
    except ImportError:
        sys.exit("the baseline needs the openai package: pip install -e '.[bench]'")
    with StubServer(latency=args.latency) as server:
        url = server.base_url
        asyncio.run(theralab_loop(url, 20, 4))  # warm up both paths
        asyncio.run(raw_loop(url, 20, 4))
        raw = [asyncio.run(raw_loop(url, args.requests, args.connections)) for _ in range(3)]
        ours = [asyncio.run(theralab_loop(url, args.requests, args.connections)) for _ in range(3)]
        raw_best, ours_best = max(raw), max(ours)
        print(
            f"stub server latency {args.latency * 1000:.0f} ms; {args.requests} requests at "
            f"{args.connections} connections (best of 3)"
        )
        print(f"  raw openai loop:  {raw_best:7.1f} req/s")
        print(
            f"  TheraLab Model:   {ours_best:7.1f} req/s  "
            f"(ratio {ours_best / raw_best:.3f} of the raw loop)"
        )
        print("scaling (TheraLab Model, ideal = connections / latency):")
        for c in (1, 2, 4, 8, 16):
            n = max(40, min(args.requests, int(c / args.latency * 2)))
            rate = asyncio.run(theralab_loop(url, n, c))
            print(f"  {c:2d} connections: {rate:7.1f} req/s (ideal {c / args.latency:.0f})")


if __name__ == "__main__":
    main()
