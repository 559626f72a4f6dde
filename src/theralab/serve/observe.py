"""Operations: Prometheus-style `/metrics` and structured logs, both without content.

Metrics are counters and latency histograms kept per worker process. With several workers
(`theralab serve --workers N`) each worker writes a snapshot of its own to a shared folder
(THERALAB_METRICS_DIR, made fresh by the command at start) every few seconds, and `/metrics`
on any worker adds up every worker's latest snapshot, so a scrape sees the whole server.

Logs are one JSON object a line with `--log-format json`: event names, routes (with ids, never
bodies), statuses, timings, risk levels and guardrail actions — never what anybody said.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRICS_DIR_ENV = "THERALAB_METRICS_DIR"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
HELP = {
    "theralab_requests_total": ("counter", "HTTP requests by method, route and status."),
    "theralab_request_seconds": ("histogram", "HTTP request latency by route (seconds)."),
    "theralab_guardrail_actions_total": (
        "counter",
        "Guardrail decisions on counselor replies by action and risk level.",
    ),
    "theralab_model_errors_total": (
        "counter",
        "Counselor model failures the guardrail answered with its safe reply.",
    ),
    "theralab_conversations_restored_total": (
        "counter",
        "Conversations rebuilt from saved state (another worker answered last, or a restart).",
    ),
    "theralab_conversation_conflicts_total": (
        "counter",
        "Messages refused because another worker wrote the same turn first.",
    ),
}
log = logging.getLogger("theralab.serve")

Labels = tuple[tuple[str, str], ...]


class Metrics:
    """This process's counters and histograms (thread-safe; cheap enough per request)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: dict[str, dict[Labels, float]] = defaultdict(dict)
        self.histograms: dict[str, dict[Labels, list[float]]] = defaultdict(dict)

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self.counters[name]
            series[key] = series.get(key, 0.0) + amount

    def observe(self, name: str, value: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self.histograms[name]
            row = series.get(key)
            if row is None:  # one count per bucket, then +Inf count, then sum
                row = series[key] = [0.0] * (len(BUCKETS) + 2)
            for i, bound in enumerate(BUCKETS):
                if value <= bound:
                    row[i] += 1
            row[len(BUCKETS)] += 1
            row[len(BUCKETS) + 1] += value

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "counters": {
                    n: [[list(map(list, k)), v] for k, v in s.items()]
                    for n, s in self.counters.items()
                },
                "histograms": {
                    n: [[list(map(list, k)), list(v)] for k, v in s.items()]
                    for n, s in self.histograms.items()
                },
            }


def _merge(snapshots: list[dict[str, Any]]) -> Metrics:
    total = Metrics()
    for snap in snapshots:
        for name, series in snap.get("counters", {}).items():
            for labels, value in series:
                key = tuple((str(a), str(b)) for a, b in labels)
                total.counters[name][key] = total.counters[name].get(key, 0.0) + float(value)
        for name, series in snap.get("histograms", {}).items():
            for labels, row in series:
                key = tuple((str(a), str(b)) for a, b in labels)
                have = total.histograms[name].get(key)
                if have is None:
                    total.histograms[name][key] = [float(x) for x in row]
                else:
                    total.histograms[name][key] = [
                        a + float(b) for a, b in zip(have, row, strict=False)
                    ]
    return total


def _labels(key: Labels, extra: tuple[str, str] | None = None) -> str:
    items = [*key, *([extra] if extra else [])]
    if not items:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in items)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def exposition(metrics: Metrics) -> str:
    """The Prometheus text format (version 0.0.4)."""
    lines: list[str] = []
    names = sorted(set(metrics.counters) | set(metrics.histograms) | set(HELP))
    for name in names:
        kind, text = HELP.get(name, ("counter" if name in metrics.counters else "histogram", ""))
        lines.append(f"# HELP {name} {text}")
        lines.append(f"# TYPE {name} {kind}")
        for key, value in sorted(metrics.counters.get(name, {}).items()):
            lines.append(f"{name}{_labels(key)} {value:g}")
        for key, row in sorted(metrics.histograms.get(name, {}).items()):
            for bound, count in zip(BUCKETS, row, strict=False):
                lines.append(f"{name}_bucket{_labels(key, ('le', f'{bound:g}'))} {count:g}")
            lines.append(f"{name}_bucket{_labels(key, ('le', '+Inf'))} {row[len(BUCKETS)]:g}")
            lines.append(f"{name}_count{_labels(key)} {row[len(BUCKETS)]:g}")
            lines.append(f"{name}_sum{_labels(key)} {row[len(BUCKETS) + 1]:.6f}")
    return "\n".join(lines) + "\n"


def metrics_dir() -> Path | None:
    chosen = os.environ.get(METRICS_DIR_ENV)
    return Path(chosen) if chosen else None


def reset_metrics_dir() -> Path:
    """A fresh folder for this server's worker snapshots (the command calls it at start)."""
    folder = Path(tempfile.mkdtemp(prefix="theralab-metrics-"))
    os.environ[METRICS_DIR_ENV] = str(folder)
    return folder


def write_snapshot(metrics: Metrics) -> None:
    folder = metrics_dir()
    if folder is None:
        return
    path = folder / f"{os.getpid()}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(metrics.snapshot()), encoding="utf-8")
    tmp.replace(path)


def collect(metrics: Metrics) -> Metrics:
    """Every worker's latest snapshot added up (this worker's own, fresh)."""
    folder = metrics_dir()
    if folder is None or not folder.is_dir():
        return metrics
    write_snapshot(metrics)
    snapshots = []
    for path in folder.glob("*.json"):
        try:
            snapshots.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a worker is writing it; its next snapshot counts
    return _merge(snapshots)


def route_of(scope: Scope) -> str:
    """The route template when routing reached one (ids stay out of the labels), else
    "unmatched" (requests the gate refused, unknown paths): labels never grow with input."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class ObserveMiddleware:
    """Counts and times every HTTP request; logs one content-free line each in JSON mode."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, log_requests: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            took = time.perf_counter() - started
            route = route_of(scope)
            method = str(scope.get("method", ""))
            self.metrics.inc(
                "theralab_requests_total", method=method, route=route, status=str(status)
            )
            self.metrics.observe("theralab_request_seconds", took, route=route)
            if self.log_requests:
                log.info(
                    "request",
                    extra={
                        "event": "request",
                        "method": method,
                        "route": route,
                        "status": status,
                        "ms": round(took * 1000, 1),
                    },
                )


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "worker": os.getpid(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__  # the type only: messages may quote input
        return json.dumps(out, default=str)


def configure_logging(log_format: str) -> None:
    """The server's and uvicorn's loggers to stderr: JSON lines, or short text lines."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
        level = logging.INFO
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        level = logging.WARNING
    for name in ("theralab.serve", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # paths and client addresses: off
