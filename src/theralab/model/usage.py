"""Token and cost accounting per role, and the run's cost limit."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from theralab.model.errors import ErrorKind, ModelError
from theralab.model.types import Usage


@cache
def price_table() -> dict[str, tuple[float, float]]:
    raw = yaml.safe_load((resources.files("theralab.model") / "prices.yaml").read_text())
    return {spec: (float(p["input"]), float(p["output"])) for spec, p in raw["models"].items()}


def cost_of(spec: str, usage: Usage) -> float:
    price_in, price_out = price_table().get(spec, (0.0, 0.0))
    return (usage.input_tokens * price_in + usage.output_tokens * price_out) / 1_000_000


@dataclass
class RoleUsage:
    calls: int = 0
    cached_calls: int = 0
    failed_calls: int = 0
    retries: int = 0  # calls sent again: server errors, timeouts, empty replies, context
    input_tokens: int = 0
    output_tokens: int = 0
    dollars: float = 0.0


@dataclass
class UsageTracker:
    """Shared by every model of a run; `cost_limit` (dollars) stops new calls once reached."""

    cost_limit: float | None = None
    roles: dict[str, RoleUsage] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, role: str, spec: str, usage: Usage, cached: bool) -> None:
        with self._lock:
            r = self.roles.setdefault(role, RoleUsage())
            r.calls += 1
            if cached:
                r.cached_calls += 1
                return
            r.input_tokens += usage.input_tokens
            r.output_tokens += usage.output_tokens
            r.dollars += cost_of(spec, usage)

    def record_failure(self, role: str) -> None:
        with self._lock:
            self.roles.setdefault(role, RoleUsage()).failed_calls += 1

    def record_retry(self, role: str) -> None:
        with self._lock:
            self.roles.setdefault(role, RoleUsage()).retries += 1

    @property
    def dollars(self) -> float:
        return sum(r.dollars for r in self.roles.values())

    def check(self) -> None:
        if self.cost_limit is not None and self.dollars >= self.cost_limit:
            raise ModelError(
                f"cost limit ${self.cost_limit:.2f} reached (${self.dollars:.4f} spent)",
                ErrorKind.COST_LIMIT,
            )

    def summary(self) -> dict[str, dict[str, float | int]]:
        with self._lock:
            return {role: vars(r).copy() for role, r in self.roles.items()}
