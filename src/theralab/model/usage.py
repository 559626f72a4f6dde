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


def dollars_text(amount: float) -> str:
    """Dollars as a person reads them: cents from a cent up, else two significant digits
    (a limit of $0.0002 is not "$0.00")."""
    if amount == 0 or abs(amount) >= 0.01:
        return f"${amount:,.2f}"
    return f"${amount:.2g}"


@dataclass
class UsageTracker:
    """Shared by every model of a run. `cost_limit` (dollars) counts `spent_before` (what
    earlier invocations of the same run spent) as well as this one's spending; with
    `per_call` (judging) it stops new calls once reached, without it (`run`, `simulate`) the
    runner stops starting sessions and the sessions under way finish."""

    cost_limit: float | None = None
    roles: dict[str, RoleUsage] = field(default_factory=dict)
    spent_before: float = 0.0
    per_call: bool = True
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

    @property
    def total_dollars(self) -> float:
        """What the run has spent: earlier invocations' and this one's."""
        return self.spent_before + self.dollars

    def over_limit(self) -> bool:
        return self.cost_limit is not None and self.total_dollars >= self.cost_limit

    def limit_message(self) -> str:
        assert self.cost_limit is not None
        return (
            f"cost limit {dollars_text(self.cost_limit)} reached "
            f"({dollars_text(self.total_dollars)} spent)"
        )

    def check(self) -> None:
        """Before a model call: refuse it once the limit is reached (per-call limits only)."""
        if self.per_call and self.over_limit():
            raise ModelError(self.limit_message(), ErrorKind.COST_LIMIT)

    def summary(self) -> dict[str, dict[str, float | int]]:
        with self._lock:
            return {role: vars(r).copy() for role, r in self.roles.items()}
