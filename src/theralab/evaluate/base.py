"""The evaluator protocol, metric descriptions and the evaluator registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from theralab.dialogue.records import Session
from theralab.errors import UnknownName

Value = float | None


class Metric(BaseModel):
    """What a number means: label, direction, and the fair / good thresholds if any."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    higher_is_better: bool | None = True
    fair: float | None = None
    good: float | None = None
    unit: str = ""
    description: str = ""
    item: bool = False  # a single rubric item: detail behind a group score, not a headline

    def band(self, value: float | None) -> str | None:
        return threshold_band(value, self.fair, self.good, self.higher_is_better)


def threshold_band(
    value: float | None, fair: float | None, good: float | None, higher_is_better: bool | None
) -> str | None:
    """'good', 'fair' or 'below' against fair / good thresholds (None without thresholds)."""
    if value is None or fair is None or good is None:
        return None
    if higher_is_better is False:
        return "good" if value < good else "fair" if value < fair else "below"
    return "good" if value >= good else "fair" if value >= fair else "below"


@dataclass
class SessionScores:
    """One evaluator's output for one session: scalar metrics and per-turn series."""

    values: dict[str, Value] = field(default_factory=dict)
    series: dict[str, list[float]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


class Evaluator(Protocol):
    """Scores one session at a time. Metrics it cannot compute come back as None (unscored)."""

    name: str
    version: str
    metrics: tuple[Metric, ...]

    def evaluate(self, session: Session) -> SessionScores: ...


@runtime_checkable
class Prepares(Protocol):
    """An evaluator that can do, for many sessions at once, work its `evaluate` would do one
    session at a time (the MITI evaluator encodes every counselor sentence in one batch).
    `score_sessions` calls `prepare` in a worker thread while `evaluate` runs on earlier
    sessions, so it must be safe beside `evaluate`: fill thread-safe caches (the encoder's),
    change nothing `evaluate` reads otherwise."""

    def prepare(self, sessions: Sequence[Session]) -> None: ...


PREPARE_SESSIONS = 32  # sessions prepared together (the next block while one is scored)


def prepare_evaluators(evaluators: Sequence[Evaluator], sessions: Sequence[Session]) -> None:
    """Let every evaluator that can prepare for these sessions do so (results unchanged)."""
    for ev in evaluators:
        if isinstance(ev, Prepares):
            ev.prepare(sessions)


EVALUATORS: dict[str, Callable[[], Evaluator]] = {}
# Registered but only run when named (costly, or weights under another licence).
OPT_IN: set[str] = set()


def register_evaluator(
    name: str, default: bool = True
) -> Callable[[Callable[[], Evaluator]], Callable[[], Evaluator]]:
    """Register an evaluator factory under a name (used by `--evaluators`); with
    `default=False` it runs only when named."""

    def deco(factory: Callable[[], Evaluator]) -> Callable[[], Evaluator]:
        EVALUATORS[name] = factory
        if not default:
            OPT_IN.add(name)
        return factory

    return deco


def default_evaluators() -> list[str]:
    return [n for n in EVALUATORS if n not in OPT_IN]


def get_evaluators(names: list[str] | None = None) -> list[Evaluator]:
    """Instantiate evaluators by name (the default ones when none are named)."""
    names = _known(names)
    return [EVALUATORS[n]() for n in names]


def _known(names: list[str] | None) -> list[str]:
    """The evaluator names (the default ones when none are given), all registered."""
    names = names or default_evaluators()
    unknown = [n for n in names if n not in EVALUATORS]
    if unknown:
        raise UnknownName(
            f"unknown evaluator(s) {', '.join(unknown)}; known: {', '.join(EVALUATORS)}"
        )
    return names


def evaluator_keys(names: list[str] | None = None) -> list[str]:
    """The keys of the values these evaluators record (the default ones when none are named):
    their metrics, then any `extra_keys` an evaluator declares (counts and diagnostics it
    records beside its metrics). Read from the registered classes: no coder is loaded."""
    keys: list[str] = []
    for name in _known(names):
        factory = EVALUATORS[name]
        source = factory if hasattr(factory, "metrics") else factory()
        keys += [m.key for m in source.metrics]
        keys += list(getattr(source, "extra_keys", ()))
    return list(dict.fromkeys(keys))


def ratio(num: float, den: float, scale: float = 1.0) -> Value:
    """num/den × scale, or None (unscored) when the denominator is zero."""
    return None if den == 0 else num / den * scale
