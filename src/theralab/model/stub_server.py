"""A stub OpenAI-compatible server on loopback, for tests, benchmarks and dry runs — or, with
`upstream=`, a fault-injecting proxy in front of a real server (e.g. llama_cpp.server).

It answers `/v1/chat/completions` deterministically (schema-shaped JSON when a schema is
asked for, otherwise a short echo), after an optional latency, and injects faults on a
schedule or at a rate: 429 with Retry-After, 500, a stalled response, a malformed body, or
content that is not the JSON asked for, or an empty reply. Like some real servers it can
refuse OpenAI's `json_schema` response_format with a 500 (as llama-cpp-python's server does)
and refuse prompts longer than a context window with OpenAI's `context_length_exceeded`
error. It counts requests and the peak number in flight.

    python -m theralab.model.stub_server --port 8001 --latency 0.05 --fail-rate 0.2
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHARS_PER_TOKEN = 3.0  # the stub's tokenizer: stricter than TheraLab's estimate on purpose


def sample_for(schema: dict[str, Any]) -> Any:
    """A small value that satisfies a (simple) JSON schema: enums pick their first value."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: sample_for(v) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample_for(schema.get("items", {}))] * int(schema.get("minItems", 0))
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return "Thank you for telling me."


class StubServer:
    """Run with `with StubServer(...) as server:`; `server.base_url` ends in `/v1`."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        fail_rate: float = 0.0,
        faults: Iterable[str] = (),
        stall: float = 30.0,
        seed: int = 0,
        reply: str | None = None,
        upstream: str | None = None,
        reject_json_schema: bool = False,
        context_window: int | None = None,
    ) -> None:
        self.latency = latency
        self.fail_rate = fail_rate
        self.schedule: deque[str] = deque(faults)
        self.stall = stall
        self.reply = reply
        self.upstream = upstream.rstrip("/") if upstream else None
        self.reject_json_schema = reject_json_schema
        self.context_window = context_window
        self.refused: list[str] = []  # why requests were refused: "json_schema", "context"
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.requests = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.faults_sent: list[str] = []
        self.bodies: list[dict[str, Any]] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def next_fault(self) -> str | None:
        with self.lock:
            if self.schedule:
                fault = self.schedule.popleft()
                return None if fault == "ok" else fault
            if self.fail_rate and self.rng.random() < self.fail_rate:
                return self.rng.choice(("429", "500"))
            return None

    def start(self, port: int = 0) -> StubServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms stalls

            def log_message(self, *args: object) -> None:  # quiet
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server.lock:
                    server.requests += 1
                    server.in_flight += 1
                    server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
                    server.bodies.append(body)
                try:
                    server._answer(self, body)
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def _answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if self.latency:
            time.sleep(self.latency)
        refusal = self._refusal(body)
        if refusal is not None:
            return _send(handler, *refusal)
        fault = self.next_fault()
        if fault:
            with self.lock:
                self.faults_sent.append(fault)
        if fault == "429":
            return _send(handler, 429, {"error": "slow down"}, {"Retry-After": "0"})
        if fault == "500":
            return _send(handler, 500, {"error": "boom"})
        if fault == "stall":
            time.sleep(self.stall)
        if fault == "malformed":
            return _send_raw(handler, 200, b'{"choices": [')
        if fault == "empty":
            return _send(handler, 200, _completion(body, "  \n", self.requests))
        if self.upstream is not None:
            return self._forward(handler, body, broken=fault == "not_json")
        content = self._content(body, broken=fault == "not_json")
        _send(handler, 200, _completion(body, content, self.requests))

    def _refusal(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """What a picky or small server says before answering, if anything."""
        fmt = body.get("response_format") or {}
        if self.reject_json_schema and fmt.get("type") == "json_schema":
            with self.lock:
                self.refused.append("json_schema")
            message = (
                "1 validation error: ('body', 'response_format', 'type'): Input should be "
                "'text' or 'json_object'"
            )
            return 500, {"error": {"message": message, "type": "internal_server_error"}}
        if self.context_window is not None:
            chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
            prompt = int(chars / CHARS_PER_TOKEN) + 4 * len(body.get("messages", []))
            wanted = prompt + int(body.get("max_tokens") or 0)
            if wanted > self.context_window:
                with self.lock:
                    self.refused.append("context")
                message = (
                    f"This model's maximum context length is {self.context_window} tokens. "
                    f"However, you requested {wanted} tokens ({prompt} in the messages, "
                    f"{wanted - prompt} in the completion). Please reduce the length of the "
                    "messages or completion."
                )
                return 400, {
                    "error": {
                        "message": message,
                        "type": "invalid_request_error",
                        "param": "messages",
                        "code": "context_length_exceeded",
                    }
                }
        return None

    def _forward(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], broken: bool) -> None:
        """Pass the request to the real server; `broken` swaps its answer for non-JSON text."""
        request = urllib.request.Request(
            f"{self.upstream}/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, data = exc.code, exc.read()
        if broken and status == 200:
            payload = json.loads(data)
            payload["choices"][0]["message"]["content"] = "Sure! Here you go."
            data = json.dumps(payload).encode()
        _send_raw(handler, status, data)

    def _content(self, body: dict[str, Any], broken: bool) -> str:
        fmt = body.get("response_format") or {}
        schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
        if schema is not None:
            return "Sure! Here you go." if broken else json.dumps(sample_for(schema))
        if self.reply is not None:
            return self.reply
        last = next(
            (
                m.get("content", "")
                for m in reversed(body.get("messages", []))
                if m.get("role") == "user"
            ),
            "",
        )
        return f"It sounds like {str(last)[:60].rstrip('.?!')}."

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> StubServer:
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _completion(body: dict[str, Any], content: str, number: int) -> dict[str, Any]:
    words = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    return {
        "id": f"stub-{number}",
        "object": "chat.completion",
        "model": body.get("model", "stub"),
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {
            "prompt_tokens": words,
            "completion_tokens": len(content.split()),
            "total_tokens": words + len(content.split()),
        },
    }


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    _send_raw(handler, status, json.dumps(payload).encode(), headers)


def _send_raw(
    handler: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str] | None = None
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(data)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m theralab.model.stub_server",
        description="A stub OpenAI-compatible server on 127.0.0.1, for tests, benchmarks and "
        "dry runs. It answers /v1/chat/completions deterministically: with a JSON schema, a "
        "small value that fits it (the first option of every enum, so a judge that always "
        "gives the lowest score or 'A'), otherwise a short echo. Its scores are not "
        "judgements: use it to exercise the plumbing, never to rate counselors.",
        epilog="From Python, StubServer(upstream=URL) is instead a fault-injecting proxy in "
        "front of a real server (e.g. llama_cpp.server); see the module docstring.",
    )
    parser.add_argument("--port", type=int, default=8001, help="Port to listen on (default 8001).")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="Seconds to wait before each answer (default 0)."
    )
    parser.add_argument(
        "--fail-rate",
        type=float,
        default=0.0,
        help="Share of requests (0-1) answered with an injected fault: 429, 500, a stall, a "
        "malformed body … (default 0).",
    )
    args = parser.parse_args()
    server = StubServer(latency=args.latency, fail_rate=args.fail_rate).start(args.port)
    print(f"stub OpenAI-compatible server at {server.base_url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
