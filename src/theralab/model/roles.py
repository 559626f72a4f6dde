"""Binding run roles (`counselor`, `client`, `judge`, `screener`) to model specs.

`--model-role counselor=openai/gpt-4o-mini --model-role client=vllm/Qwen2.5-7B-Instruct`:
each bound role gets its own `Model` (sharing the run's cache, usage tracker and per-server
concurrency limits); a role left unbound uses the scripted engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from theralab.errors import BadValue
from theralab.model.api import parse_spec
from theralab.model.cache import DEFAULT_CACHE, ResponseCache
from theralab.model.model import Model
from theralab.model.usage import UsageTracker

ROLES = ("counselor", "client", "judge", "screener")
IN_PROCESS = frozenset({"llamacpp", "local"})
DEFAULT_TIMEOUT = 120.0  # seconds a model call may take (`--timeout`)


def split_binding(item: str, example_role: str = "counselor") -> tuple[str, str]:
    """One `--model-role` value, 'ROLE=SPEC' → (role, spec); the caller checks both."""
    role, sep, spec = item.partition("=")
    role, spec = role.strip(), spec.strip()
    if not sep or not role or not spec:
        raise BadValue(
            f"--model-role takes ROLE=SPEC, e.g. {example_role}=openai/gpt-4o-mini; got {item!r}"
        )
    return role, spec


def parse_role_bindings(items: list[str] | None) -> dict[str, str]:
    """['counselor=openai/m', 'client=local'] → {'counselor': 'openai/m', 'client': 'local'}."""
    out: dict[str, str] = {}
    for role, spec in map(split_binding, items or []):
        if role not in ROLES:
            raise BadValue(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        parse_spec(spec)  # fail early on a bad spec
        out[role] = spec
    return out


@dataclass
class ModelRoles:
    """The models of one run, built lazily, one per role."""

    specs: dict[str, str] = field(default_factory=dict)
    base_url: str | None = None
    api_key: str | None = None
    max_connections: int = 8
    cache_path: Path | None = DEFAULT_CACHE
    usage: UsageTracker = field(default_factory=UsageTracker)
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = 6
    context_window: int | None = None  # tokens; None: learnt from the server's errors
    _models: dict[str, Model] = field(default_factory=dict)
    _cache: ResponseCache | None = None

    @classmethod
    def from_options(
        cls,
        specs: dict[str, str],
        *,
        base_url: str | None = None,
        max_connections: int = 8,
        cache: bool = True,
        cost_limit: float | None = None,
        max_retries: int = 6,
        context_window: int | None = None,
        timeout: float | None = None,
        spent_before: float = 0.0,
        per_call_limit: bool = True,
    ) -> ModelRoles:
        """The roles as the command line and run configs give them: role bindings, the
        endpoint, connections, whether to use the response cache, a cost limit (counting
        `spent_before`, what earlier invocations of the run spent; `per_call_limit=False`
        leaves the limit to the session runner: no session starts past it, the ones under
        way finish), per-call timeout (seconds; None: the default) and retries."""
        return cls(
            specs=dict(specs),
            base_url=base_url,
            max_connections=max_connections,
            cache_path=DEFAULT_CACHE if cache else None,
            usage=UsageTracker(
                cost_limit=cost_limit, spent_before=spent_before, per_call=per_call_limit
            ),
            max_retries=max_retries,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            context_window=context_window,
        )

    def bound(self, role: str) -> bool:
        return role in self.specs

    def in_process(self) -> bool:
        """Whether a bound session role (counselor or client) runs a model in this process."""
        return any(
            parse_spec(self.specs[r])[0] in IN_PROCESS
            for r in ("counselor", "client")
            if r in self.specs
        )

    def over_budget(self) -> bool:
        return self.usage.over_limit()

    def model(self, role: str) -> Model:
        if role not in self._models:
            if self.cache_path is not None and self._cache is None:
                self._cache = ResponseCache(self.cache_path)
            self._models[role] = Model.from_spec(
                self.specs[role],
                base_url=self.base_url,
                api_key=self.api_key,
                role=role,
                max_connections=self.max_connections,
                cache=self._cache,
                usage=self.usage,
                timeout=self.timeout,
                max_retries=self.max_retries,
                context_window=self.context_window,
            )
        return self._models[role]

    def wrap(self, role: str, factory: Callable[..., Model], cached: bool = False) -> Model:
        """A model this run owns beside its roles (an external bot's endpoint), made once by
        `factory(usage=, cache=, max_connections=, max_retries=, timeout=)` so it shares the
        run's usage tracker, limits and (when `cached`) response cache, and is closed with
        the rest."""
        if role not in self._models:
            if cached and self.cache_path is not None and self._cache is None:
                self._cache = ResponseCache(self.cache_path)
            self._models[role] = factory(
                usage=self.usage,
                cache=self._cache if cached else None,
                max_connections=self.max_connections,
                max_retries=self.max_retries,
                timeout=self.timeout,
            )
        return self._models[role]

    async def release(self) -> None:
        """Close the models' connections but keep the models, cache and usage: a command that
        runs several event loops one after the other calls this before each loop ends (an
        HTTP connection belongs to the loop that opened it; the next call opens another)."""
        for model in self._models.values():
            await model.aclose()

    async def aclose(self) -> None:
        for model in self._models.values():
            await model.aclose()
        self._models.clear()
        if self._cache is not None:
            self._cache.close()
            self._cache = None
