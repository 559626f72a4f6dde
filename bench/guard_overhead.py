"""What `theralab guard` adds to a request: latency through the proxy minus latency calling
the same upstream directly, measured in one run on one machine.

The upstream is a minimal OpenAI-compatible echo (a raw ASGI app under uvicorn, no latency):
a fixed three-sentence reply, as one JSON body or as server-sent events (one delta per word).
The proxy is the real CLI, `theralab guard --upstream URL --no-auth` (default screener: the
pattern tier plus the semantic tier when installed — the default path), with its rate limit
raised out of the way. Each server is a child process on 127.0.0.1; the load generator (httpx,
asyncio) runs here. Every request carries a different ordinary user message, so no cache
answers for the screener or the reply check.

For streaming and non-streaming requests, at 1 and at 50 concurrent requests, it reports p50
and p99 of the direct and the proxied latency (for streams: time to the first content and to
the end), the added milliseconds and the ratio to direct. Screening is timed on its own
(`Screener.assess` on the same messages, in this process) so the overhead can be read with
screening aside.

    .venv/bin/python bench/guard_overhead.py [--requests 250] [--per-worker 8] [--patterns-only]

About a minute on two shared cores. The figures are noisy: read them against the direct
baseline of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from statistics import quantiles
from typing import Any

import httpx

REPLY = (
    "That sounds like a tiring day. What would help you rest a little tonight? I'm here to listen."
)
REPLY_WORDS = tuple(REPLY.split())
USER_LINES = (
    "I had a long day at work and I feel a bit flat",
    "My manager moved the deadline again and I'm annoyed",
    "I keep putting off calling my sister back",
    "The commute wore me out and dinner was late",
)
SYSTEM = "You are a kind, brief helper."

# --- the upstream: a raw ASGI echo (child process) ---------------------------------------------


async def upstream_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """POST …/chat/completions: the fixed reply, whole or streamed; anything else: 404."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    raw = b""
    while True:
        message = await receive()
        raw += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] != "POST" or not scope["path"].endswith("/chat/completions"):
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    body = json.loads(raw)
    model = body.get("model", "echo")
    if not body.get("stream"):
        message = {"role": "assistant", "content": REPLY}
        payload = {
            "id": "echo",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 18, "total_tokens": 38},
        }
        data = json.dumps(payload).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data})
        return
    headers = [(b"content-type", b"text/event-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})

    def event(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        chunk = {"id": "echo", "object": "chat.completion.chunk", "model": model}
        data = json.dumps({**chunk, "choices": [choice]})
        return {
            "type": "http.response.body",
            "body": f"data: {data}\n\n".encode(),
            "more_body": True,
        }

    await send(event({"role": "assistant", "content": ""}))
    for i, word in enumerate(REPLY_WORDS):
        await send(event({"content": word if i == 0 else f" {word}"}))
    await send(event({}, "stop"))
    await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Child:
    """A server in a child process on 127.0.0.1, ready once `ready_path` answers."""

    def __init__(self, command: list[str], url: str, ready_path: str, env: dict[str, str]) -> None:
        self.url = url
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 180  # the guard loads its screener first
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited with {self.proc.returncode}")
            try:
                httpx.get(url + ready_path, timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{url} did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_upstream(env: dict[str, str]) -> Child:
    port = free_port()
    command = [sys.executable, __file__, "--upstream-child", "--port", str(port)]
    return Child(command, f"http://127.0.0.1:{port}", "/", env)


def start_guard(upstream: str, env: dict[str, str]) -> Child:
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from theralab.cli import main; main()",
        "guard",
        "--upstream",
        upstream,
        "--no-auth",
        "--port",
        str(port),
        "--rate-limit",
        "10000000",
        "--burst",
        "100000",
    ]
    return Child(command, f"http://127.0.0.1:{port}", "/health", env)


# --- the load -----------------------------------------------------------------------------------


@dataclass
class Sample:
    total: list[float] = field(default_factory=list)  # ms to the whole answer
    first: list[float] = field(default_factory=list)  # ms to the first content (streams)
    errors: int = 0
    seconds: float = 0.0  # wall time of the blocks

    @property
    def rate(self) -> float:
        return len(self.total) / self.seconds if self.seconds else float("nan")


def body_for(i: int, stream: bool) -> dict[str, Any]:
    line = f"{USER_LINES[i % len(USER_LINES)]}, day {i}."
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": line}]
    return {"model": "echo", "messages": messages, "stream": stream}


async def one(client: httpx.AsyncClient, url: str, i: int, stream: bool, sample: Sample) -> None:
    started = time.perf_counter()
    try:
        if not stream:
            r = await client.post(url, json=body_for(i, False))
            if r.status_code != 200 or not r.json()["choices"][0]["message"]["content"]:
                sample.errors += 1
                return
        else:
            first = None
            async with client.stream("POST", url, json=body_for(i, True)) as r:
                if r.status_code != 200:
                    sample.errors += 1
                    return
                async for line in r.aiter_lines():
                    if first is None and line.startswith("data: {"):
                        choices = json.loads(line[6:]).get("choices") or [{}]
                        if (choices[0].get("delta") or {}).get("content"):
                            first = time.perf_counter()
            if first is None:
                sample.errors += 1
                return
            sample.first.append((first - started) * 1000)
    except httpx.HTTPError:
        sample.errors += 1
        return
    sample.total.append((time.perf_counter() - started) * 1000)


async def load(url: str, stream: bool, concurrency: int, requests: int, offset: int) -> Sample:
    """`requests` requests from `concurrency` workers, each on its own (warm) connection."""
    sample = Sample()
    # a client per five workers: one httpx pool serving 50 connections spends more CPU on its
    # own bookkeeping than on the requests, and the generator would measure itself
    clients = [httpx.AsyncClient(timeout=60) for _ in range(-(-concurrency // 5))]
    try:
        warm = Sample()  # open every connection first: connecting is not what is measured
        await asyncio.gather(
            *(
                one(clients[j % len(clients)], url, offset + j, stream, warm)
                for j in range(concurrency)
            )
        )
        counter = iter(range(offset + concurrency, offset + concurrency + requests))

        async def worker(client: httpx.AsyncClient) -> None:
            for i in counter:
                await one(client, url, i, stream, sample)

        started = time.perf_counter()
        await asyncio.gather(*(worker(clients[j % len(clients)]) for j in range(concurrency)))
        sample.seconds = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    return sample


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return quantiles(values, n=100, method="inclusive")[q - 1]


async def measure(
    direct: str,
    proxied: str,
    stream: bool,
    concurrency: int,
    requests: int,
    rounds: int,
    offset: int,
) -> tuple[Sample, Sample]:
    """Alternate direct and proxied blocks (so drift in the machine's load hits both). Message
    numbers start at `offset`: no message is sent twice in a run (the screener would answer a
    repeat from its cache)."""
    pooled = {"direct": Sample(), "guard": Sample()}
    for _ in range(rounds):
        for name, url in (("direct", direct), ("guard", proxied)):
            got = await load(url, stream, concurrency, requests, offset)
            offset += requests + concurrency
            pooled[name].total += got.total
            pooled[name].first += got.first
            pooled[name].errors += got.errors
            pooled[name].seconds += got.seconds
    return pooled["direct"], pooled["guard"]


def screening_times(n: int) -> tuple[float, float, str]:
    """`Screener.assess` alone on the bench's messages (the default screener, as the guard)."""
    from theralab.safety.screener import default_screener

    screener = default_screener()
    screener.assess("Hello.")  # load any model tier first
    times = []
    for i in range(n):
        text = body_for(-100_000 - i, False)["messages"][1]["content"]
        started = time.perf_counter()
        screener.assess(text)
        times.append((time.perf_counter() - started) * 1000)
    return pct(times, 50), pct(times, 99), screener.name


def report_row(label: str, direct: list[float], guard: list[float], rates: str = "") -> str:
    d50, d99, g50, g99 = pct(direct, 50), pct(direct, 99), pct(guard, 50), pct(guard, 99)
    return (
        f"{label:<24} {d50:7.2f} {d99:7.2f} | {g50:7.2f} {g99:7.2f} | "
        f"{g50 - d50:+7.2f} {g99 - d99:+7.2f} | {g50 / d50:5.2f}x {g99 / d99:5.2f}x {rates}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=250, help="requests per block at c=1")
    parser.add_argument("--per-worker", type=int, default=8, help="requests per stream at c=50")
    parser.add_argument("--rounds", type=int, default=2, help="direct/guard blocks, alternated")
    parser.add_argument("--patterns-only", action="store_true", help="THERALAB_SEMANTIC=0")
    parser.add_argument("--upstream-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.upstream_child:
        import uvicorn

        uvicorn.run(
            upstream_app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False
        )
        return

    env = dict(os.environ)
    if args.patterns_only:
        env["THERALAB_SEMANTIC"] = "0"
        os.environ["THERALAB_SEMANTIC"] = "0"
    upstream = start_upstream(env)
    guard = None
    try:
        guard = start_guard(f"{upstream.url}/v1", env)
        direct_url = f"{upstream.url}/v1/chat/completions"
        guard_url = f"{guard.url}/v1/chat/completions"
        r = httpx.post(guard_url, json=body_for(0, False), timeout=30)
        assert r.headers["x-theralab-action"] == "passed", r.text  # the pass path is measured
        s50, s99, tiers = screening_times(200)

        print(f"guard overhead · upstream echo (no latency) · screener {tiers} · ms")
        print(
            f"{'':<24} {'direct':>15} | {'via guard':>15} | {'added':>15} | {'ratio':>13} "
            f"{'req/s':>11}\n"
            f"{'':<24} {'p50':>7} {'p99':>7} | {'p50':>7} {'p99':>7} | {'p50':>7} {'p99':>7} | "
            f"{'p50':>6} {'p99':>6} {'direct/guard':>12}"
        )
        added_p50: dict[str, float] = {}
        offset = 1
        for stream in (False, True):
            for concurrency in (1, 50):
                requests = args.requests if concurrency == 1 else 50 * args.per_worker
                direct, proxied = asyncio.run(
                    measure(
                        direct_url, guard_url, stream, concurrency, requests, args.rounds, offset
                    )
                )
                offset += 2 * args.rounds * (requests + concurrency)
                kind = "stream" if stream else "non-stream"
                errors = direct.errors + proxied.errors
                label = f"{kind} c={concurrency}" + (f" ({errors} errors)" if errors else "")
                rates = f"{direct.rate:5.0f}/{proxied.rate:<5.0f}"
                print(report_row(label + " total", direct.total, proxied.total, rates))
                if stream:
                    print(report_row(f"{kind} c={concurrency} first", direct.first, proxied.first))
                added_p50[f"{kind} c={concurrency}"] = pct(proxied.total, 50) - pct(
                    direct.total, 50
                )
        print(f"\nscreening alone (Screener.assess, {tiers}): p50 {s50:.2f} ms, p99 {s99:.2f} ms")
        print("added p50 with screening aside (added p50 - screening p50):")
        for name, added in added_p50.items():
            print(f"  {name:<16} {added - s50:+.2f} ms")
    finally:
        if guard is not None:
            guard.stop()
        upstream.stop()


if __name__ == "__main__":
    main()
