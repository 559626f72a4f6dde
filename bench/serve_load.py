"""Load on `theralab serve`: requests/s and p99 latency of the chat endpoint (scripted counselor,
crisis guardrail on, reply streamed as server-sent events, metadata and audit event written to
SQLite per message) at 50 concurrent conversations, beside a bare FastAPI echo endpoint measured
in the same run on the same machine: the physical limit of one uvicorn worker here.

Each server runs alone in its own process (one uvicorn worker, or `--workers N` for both: any
worker continues any conversation from its saved state), on 127.0.0.1, with the load generator
beside it on the same 2 cores.
The load generator is `wrk` with a Lua script when installed (`apt-get install wrk`): 50
connections over 2 threads, each thread cycling through its 25 of the 50 conversations. Without
wrk an httpx async generator runs 50 tasks, one conversation each (it tops out well below wrk,
so its echo figure is the generator's limit, not the server's).

    .venv/bin/python bench/serve_load.py [--seconds 10] [--conversations 50] [--patterns-only]
                                         [--workers N]

Beside requests/s and latency it reports each server's CPU time per request (its processes,
read from /proc around the measured load): on a machine other jobs share, that figure moves far
less than requests/s, so compare before/after changes by it.

`--patterns-only` screens with the pattern tier alone (the semantic tier, when installed, adds
a sentence embedding per message).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import quantiles
from typing import Any

import httpx

MESSAGES = (
    "I've been so stressed at work that I can't sleep",
    "My manager keeps checking everything I do",
    "I just feel tired all the time and I don't know why",
    "Maybe I should talk to my sister about it",
)


# --- the servers (run as child processes of this script) ---------------------------------


def echo_app() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/echo")
    async def echo(body: dict[str, Any]) -> dict[str, Any]:
        return body

    return app


def theralab_settings(db_url: str, workers: int = 1) -> Any:
    from theralab.serve.settings import ServeSettings

    return ServeSettings(
        db_url=db_url,
        ui=False,
        max_client_messages=1_000_000,
        rate_per_minute=60,
        workers=workers,
    )


def theralab_app(db_url: str) -> Any:
    from theralab.serve.app import create_app

    return create_app(theralab_settings(db_url))


def child(kind: str, port: int, db_url: str, workers: int = 1) -> None:
    import uvicorn

    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "log_level": "warning",
        "access_log": False,
    }
    if workers == 1:
        app = echo_app() if kind == "echo" else theralab_app(db_url)
        uvicorn.run(app, **options)
        return
    if kind == "echo":
        target = "serve_load:echo_app"
    else:
        from theralab.serve.app import SETTINGS_ENV

        os.environ[SETTINGS_ENV] = theralab_settings(db_url, workers).model_dump_json()
        target = "theralab.serve.app:create_app_from_env"
    uvicorn.run(target, factory=True, workers=workers, **options)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, kind: str, db_url: str, patterns_only: bool, workers: int = 1) -> None:
        self.port = free_port()
        env = dict(os.environ)
        if patterns_only:
            env["THERALAB_SEMANTIC"] = "0"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                kind,
                "--port",
                str(self.port),
                "--db",
                db_url,
                "--workers",
                str(workers),
            ],
            env=env,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + ("/health" if kind == "theralab" else "/docs"), timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"{kind} server did not start")

    def cpu_seconds(self) -> float | None:
        """CPU time the server has used so far (its process and every worker process under
        it; Linux /proc), or None where that cannot be read."""
        try:
            parents: dict[int, int] = {}
            used: dict[int, float] = {}
            for stat in Path("/proc").glob("[0-9]*/stat"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    pid, rest = stat.read_text().split(" (", 1)
                    fields = rest.rsplit(") ", 1)[1].split()
                    parents[int(pid)] = int(fields[1])
                    used[int(pid)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return None
        if self.proc.pid not in used:
            return None
        mine = {self.proc.pid}
        grew = True
        while grew:
            below = {pid for pid, parent in parents.items() if parent in mine} - mine
            mine |= below
            grew = bool(below)
        return sum(used[pid] for pid in mine)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


# --- load generators --------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local per_thread = %(per_thread)d
local distinct = %(distinct)s
local counter = 0
local next_thread = 0
function setup(thread)
  thread:set("first", next_thread * per_thread)
  next_thread = next_thread + 1
end
function init(args)
  counter = 0
end
function request()
  local i = first + (counter %% per_thread) + 1
  local body = bodies[(counter %% #bodies) + 1]
  if distinct then
    body = string.gsub(body, '"}$', ' (' .. first .. '-' .. counter .. ')"}')
  end
  counter = counter + 1
  return wrk.format("POST", paths[i], {["Content-Type"] = "application/json",
    ["Authorization"] = "%(auth)s"}, body)
end
"""


def run_wrk(
    url: str, paths: list[str], bodies: list[str], auth: str, seconds: int, distinct: bool = False
) -> dict:
    threads = 2
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "bodies": ", ".join("[[" + b + "]]" for b in bodies),
        "per_thread": max(1, len(paths) // threads),
        "auth": auth,
        "distinct": "true" if distinct else "false",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{len(paths)}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            fh.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(fh.name)
    return parse_wrk(out)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "requests": total,
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


async def run_httpx(
    url: str, paths: list[str], bodies: list[str], auth: str, seconds: int, distinct: bool = False
) -> dict:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=len(paths))
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        end = time.perf_counter() + seconds

        async def worker(path: str) -> None:
            nonlocal errors
            i = 0
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                r = await client.post(
                    path,
                    content=(
                        bodies[i % len(bodies)][:-2] + f' ({path[-8:]}-{i})"}}'
                        if distinct
                        else bodies[i % len(bodies)]
                    ),
                    headers={"content-type": "application/json", "authorization": auth},
                )
                latencies.append(1000 * (time.perf_counter() - t0))
                errors += r.status_code >= 300
                i += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(p) for p in paths))
        elapsed = time.perf_counter() - t0
    cuts = quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49],
        "p99_ms": cuts[98],
        "errors": errors,
        "socket_errors": "",
    }


def load(
    server: Server,
    url: str,
    paths: list[str],
    bodies: list[str],
    auth: str,
    seconds: int,
    gen: str,
    warmup: int,
    distinct: bool = False,
) -> dict:
    if warmup:
        if gen == "wrk":
            run_wrk(url, paths, bodies, auth, warmup, distinct)
        else:
            asyncio.run(run_httpx(url, paths, bodies, auth, warmup, distinct))
    before = server.cpu_seconds()
    if gen == "wrk":
        result = run_wrk(url, paths, bodies, auth, seconds, distinct)
    else:
        result = asyncio.run(run_httpx(url, paths, bodies, auth, seconds, distinct))
    after = server.cpu_seconds()
    # the server's CPU per request: steadier than requests/s on a machine other jobs share
    result["cpu_ms_per_request"] = (
        1000 * (after - before) / result["requests"]
        if before is not None and after is not None and result["requests"]
        else None
    )
    return result


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of load before measuring.")
    parser.add_argument("--patterns-only", action="store_true")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    parser.add_argument("--generator", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server.")
    parser.add_argument(
        "--distinct-messages",
        action="store_true",
        help="Make every message's text unique (a counter appended), so no cache in the "
        "screener's sentence encoder answers for it: what real traffic looks like.",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.port, args.db, args.workers)
        return

    gen = args.generator
    if gen == "auto":
        gen = "wrk" if shutil.which("wrk") else "httpx"
    folder = Path(tempfile.mkdtemp(prefix="theralab-bench-"))
    db_url = f"sqlite:///{folder / 'bench.db'}"
    n = args.conversations

    from theralab.serve.auth import create_key
    from theralab.serve.db import make_engine, migrate
    from theralab.serve.store import Store

    engine = make_engine(db_url)
    migrate(engine)
    key = create_key(Store(engine), "bench", rate_per_minute=10_000_000)[1]
    engine.dispose()
    auth = f"Bearer {key}"

    results: dict[str, dict] = {}
    echo = Server("echo", db_url, args.patterns_only, args.workers)
    try:
        body = json.dumps({"text": MESSAGES[0]})
        results["echo"] = load(
            echo,
            echo.url,
            ["/echo"] * n,
            [body],
            auth,
            args.seconds,
            gen,
            args.warmup,
            args.distinct_messages,
        )
    finally:
        echo.stop()

    chat = Server("theralab", db_url, args.patterns_only, args.workers)
    try:
        screener = httpx.get(chat.url + "/health").json()["screener"]
        paths = []
        with httpx.Client(base_url=chat.url, headers={"authorization": auth}, timeout=60) as c:
            for i in range(n):
                made = c.post(
                    "/v1/conversations", json={"modality": ("cbt", "mi", "person_centred")[i % 3]}
                )
                made.raise_for_status()
                paths.append(f"/v1/conversations/{made.json()['conversation']['id']}/messages")
            probe = c.post(paths[0], json={"text": "I want to end my life tonight"})
            assert "crisis" in probe.text and '"crisis": true' in probe.text, "guardrail is off?"
        # a fresh set: the probe conversation is now in crisis
        with httpx.Client(base_url=chat.url, headers={"authorization": auth}) as c:
            made = c.post("/v1/conversations", json={"modality": "cbt"})
            paths[0] = f"/v1/conversations/{made.json()['conversation']['id']}/messages"
        bodies = [json.dumps({"text": m}) for m in MESSAGES]
        results["chat"] = load(
            chat,
            chat.url,
            paths,
            bodies,
            auth,
            args.seconds,
            gen,
            args.warmup,
            args.distinct_messages,
        )
    finally:
        chat.stop()
    shutil.rmtree(folder, ignore_errors=True)

    load1, load5, _ = os.getloadavg()
    print(
        f"load generator: {gen}, {n} concurrent connections/conversations, {args.seconds} s "
        f"after a {args.warmup} s warm-up; {args.workers} uvicorn worker(s) per server; "
        f"screener: {screener}; "
        f"{'distinct' if args.distinct_messages else 'four repeated'} message texts; "
        f"{os.cpu_count()} cores, load average {load1:.1f} / {load5:.1f}"
    )
    print(
        f"{'endpoint':58} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
        f"{'CPU ms/req':>10}"
    )
    labels = {
        "echo": "bare FastAPI echo (POST JSON → JSON)",
        "chat": "TheraLab chat (scripted counselor, guardrail on, SSE)",
    }
    for name in ("echo", "chat"):
        r = results[name]
        cpu = r["cpu_ms_per_request"]
        print(
            f"{labels[name]:58} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{r['errors']:8d} {f'{cpu:10.3f}' if cpu is not None else '         -'} "
            f"{r['socket_errors']}"
        )
    ratio = results["chat"]["rps"] / results["echo"]["rps"]
    if args.json:
        payload = {
            "generator": gen,
            "conversations": n,
            "seconds": args.seconds,
            "screener": screener,
            "workers": args.workers,
            "distinct_messages": args.distinct_messages,
            "load_average": [load1, load5],
            "results": results,
            "ratio": ratio,
        }
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(
        f"chat / echo throughput: {ratio:.2f}  (p99 {results['chat']['p99_ms']:.1f} ms "
        f"vs {results['echo']['p99_ms']:.1f} ms)"
    )
    chat_cpu, echo_cpu = (results[n]["cpu_ms_per_request"] for n in ("chat", "echo"))
    if chat_cpu and echo_cpu:
        print(
            f"server CPU per request: chat {chat_cpu:.2f} ms, echo {echo_cpu:.3f} ms "
            f"(echo / chat: {echo_cpu / chat_cpu:.2f})"
        )


if __name__ == "__main__":
    main()
