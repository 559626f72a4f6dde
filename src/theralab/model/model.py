"""`Model`: the one wrapper that owns everything cross-cutting about model calls.

Concurrency per connection (one semaphore per server, shared by every role using it), retries
with capped, jittered exponential backoff that honour `Retry-After`, a per-call timeout, error
classification (a 429 is retried, never turned into a score), structured output (native schema
where the provider has it, client-side validation always, at most one repair attempt, and an
explicit `unparseable` failure after that), the SQLite response cache (errors never cached),
and usage and cost per role with a run-wide cost limit. Providers only make single calls.
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import re
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import jsonschema

from theralab.model.api import ModelAPI, get_model_api
from theralab.model.cache import ResponseCache, cache_key
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput
from theralab.model.usage import UsageTracker

# loop → connection key → (limit, semaphore); a closed loop's entries go with it
_SEMAPHORES: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, tuple[int, asyncio.Semaphore]]
] = weakref.WeakKeyDictionary()
_JSON_BLOCK = re.compile(r"\{.*\}", re.DOTALL)


def _semaphore(key: str, limit: int) -> asyncio.Semaphore:
    """One semaphore per connection key and event loop (asyncio primitives bind to a loop)."""
    per_loop = _SEMAPHORES.setdefault(asyncio.get_running_loop(), {})
    found = per_loop.get(key)
    if found is None or found[0] != limit:
        found = (limit, asyncio.Semaphore(limit))
        per_loop[key] = found
    return found[1]


class Model:
    """A provider plus retries, limits, cache, structured output and usage accounting."""

    def __init__(
        self,
        api: ModelAPI,
        *,
        spec: str | None = None,
        role: str = "model",
        max_connections: int = 8,
        max_retries: int = 6,
        timeout: float = 120.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        cache: ResponseCache | None = None,
        usage: UsageTracker | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.api = api
        self.spec = spec or f"{api.provider}/{api.model_name}"
        self.role = role
        self.max_connections = max(1, max_connections)
        self.max_retries = max_retries
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.cache = cache
        self.usage = usage or UsageTracker()
        self._sleep = sleep
        self._rng = rng or random.Random(0)
        self.retries = 0

    @classmethod
    def from_spec(
        cls, spec: str, *, base_url: str | None = None, api_key: str | None = None, **kwargs: Any
    ) -> Model:
        return cls(get_model_api(spec, base_url=base_url, api_key=api_key), spec=spec, **kwargs)

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff, capped; the server's Retry-After wins when given."""
        if retry_after is not None:
            return min(retry_after, self.backoff_cap * 4)
        ceiling = min(self.backoff_cap, self.backoff_base * (2**attempt))
        return self._rng.uniform(ceiling / 2, ceiling)

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig | None = None
    ) -> ModelOutput:
        config = config or GenerateConfig()
        self.usage.check()
        key = cache_key(
            self.api.provider, self.api.model_name, self.api.connection_key, messages, config
        )
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            self.usage.record(self.role, self.spec, hit.usage, cached=True)
            return hit
        try:
            output = await self._call(messages, config)
            if config.json_schema is not None:
                output = await self._structured(messages, config, output)
        except ModelError:
            self.usage.record_failure(self.role)
            raise
        if self.cache is not None:
            self.cache.put(key, output)
        return output

    async def _call(self, messages: Sequence[ChatMessage], config: GenerateConfig) -> ModelOutput:
        semaphore = _semaphore(self.api.connection_key, self.max_connections)
        last: ModelError | None = None
        for attempt in range(self.max_retries + 1):
            try:
                async with semaphore:
                    output = await asyncio.wait_for(
                        self.api.generate(self._with_schema_prompt(messages, config), config),
                        self.timeout,
                    )
                self.usage.record(self.role, self.spec, output.usage, cached=False)
                return output
            except TimeoutError:
                last = ModelError(f"no answer within {self.timeout:.0f}s", ErrorKind.TRANSIENT)
            except ModelError as exc:
                if not exc.retryable:
                    raise
                last = exc
            if attempt < self.max_retries:
                self.retries += 1
                await self._sleep(self.backoff(attempt, last.retry_after))
        assert last is not None
        raise ModelError(
            f"gave up after {self.max_retries + 1} attempts: {last}", last.kind, status=last.status
        )

    def _with_schema_prompt(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> Sequence[ChatMessage]:
        """Providers that cannot enforce a schema get it spelled out in the prompt instead."""
        if config.json_schema is None or self.api.native_json_schema:
            return messages
        return [*messages, ChatMessage(role="user", content=schema_instruction(config.json_schema))]

    async def _structured(
        self, messages: Sequence[ChatMessage], config: GenerateConfig, output: ModelOutput
    ) -> ModelOutput:
        schema = config.json_schema
        assert schema is not None
        parsed, error = _parse(output.text, schema)
        if parsed is not None:
            return output.model_copy(update={"parsed": parsed})
        repair = [
            *messages,
            ChatMessage(role="assistant", content=output.text),
            ChatMessage(
                role="user",
                content=(
                    f"That answer is not valid: {error}. Reply again with only a JSON object that "
                    f"matches this schema, nothing else:\n{json.dumps(schema)}"
                ),
            ),
        ]
        second = await self._call(repair, config)
        parsed, error = _parse(second.text, schema)
        if parsed is None:
            raise ModelError(
                f"structured output did not validate after one repair: {error}",
                ErrorKind.UNPARSEABLE,
                raw=second.text[:1000],
            )
        return second.model_copy(update={"parsed": parsed, "repaired": True})

    async def aclose(self) -> None:
        await self.api.aclose()


def schema_instruction(schema: dict[str, Any]) -> str:
    """Text that asks for JSON matching a schema (for prompts to any provider)."""
    return (
        "Answer with only a JSON object, no other text, matching this JSON schema:\n"
        + json.dumps(schema)
    )


def _parse(text: str, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    candidate = text.strip()
    if candidate.startswith("```"):
        candidate = candidate.strip("`").removeprefix("json").strip()
    try:
        value = json.loads(candidate)
    except json.JSONDecodeError:
        match = _JSON_BLOCK.search(candidate)
        if not match:
            return None, "no JSON object found"
        try:
            value = json.loads(match.group(0))
        except json.JSONDecodeError as exc:
            return None, f"invalid JSON ({exc.msg})"
    if not isinstance(value, dict):
        return None, "the answer is not a JSON object"
    error = jsonschema.exceptions.best_match(
        _validator(json.dumps(schema, sort_keys=True)).iter_errors(value)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "<root>"
        return None, f"{where}: {error.message}"
    return value, ""


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    """A validator per schema, checked once: checking a schema costs far more than using it."""
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)
