"""`Model`: the one wrapper that owns everything cross-cutting about model calls.

Concurrency per connection (one semaphore per server, shared by every role using it), retries
with capped, jittered exponential backoff that honour `Retry-After`, a per-call timeout, error
classification (a 429 is retried, never turned into a score), structured output (native schema
where the provider has it, client-side validation always, at most one repair attempt, and an
explicit `unparseable` failure after that), the SQLite response cache (errors never cached),
and usage and cost per role with a run-wide cost limit. Providers only make single calls.

It also copes with small, picky servers: the way an endpoint takes a JSON schema is learnt
once (`json_schema`, then `json_object` with the schema, then the schema in the prompt); an
empty reply is asked again with a new seed; prompts are fitted to the context window (kept:
system messages and the latest turns), and a "context length exceeded" answer halves the
turns kept and retries once.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import random
import re
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import jsonschema

from theralab.model.api import ModelAPI, get_model_api
from theralab.model.cache import ResponseCache, cache_key
from theralab.model.context import (
    SCHEMA_MODES,
    endpoint,
    estimate_tokens,
    fit_messages,
    next_schema_mode,
    reserve_for,
)
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput
from theralab.model.usage import UsageTracker

# loop → connection key → (limit, semaphore); a closed loop's entries go with it
_SEMAPHORES: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, tuple[int, asyncio.Semaphore]]
] = weakref.WeakKeyDictionary()
logger = logging.getLogger("theralab.model")
EMPTY_RETRIES = 2  # an empty reply is asked again with a new seed at most this often
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
        context_window: int | None = None,
        slow_after: float | None = None,
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
        self._context_window = context_window
        # a call still unanswered after this long is reported once (a stalled server is
        # otherwise silent until the timeout and every retry have run out)
        self.slow_after = slow_after if slow_after is not None else min(30.0, timeout / 2)

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

    @property
    def endpoint_key(self) -> str:
        return f"{self.api.connection_key}#{self.api.model_name}"

    @property
    def context_window(self) -> int | None:
        """The window prompts are fitted to: the smallest of the configured one, the
        provider's own and the one the server stated in an error."""
        known = [
            w
            for w in (
                self._context_window,
                getattr(self.api, "context_window", None),
                endpoint(self.endpoint_key).context_window,
            )
            if isinstance(w, int) and w > 0
        ]
        return min(known) if known else None

    def _schema_mode(self, config: GenerateConfig) -> str | None:
        if config.json_schema is None:
            return None
        if not self.api.native_json_schema:
            return "prompt"
        learnt = endpoint(self.endpoint_key).schema_mode
        return learnt or getattr(self.api, "schema_style", None) or "json_schema"

    def _refuse_mode(self, mode: str, error: ModelError) -> None:
        """The endpoint refused this way of sending a schema: every later call (from any
        role) starts at the next one."""
        state = endpoint(self.endpoint_key)
        fallback = next_schema_mode(mode)
        current = state.schema_mode or getattr(self.api, "schema_style", None) or "json_schema"
        if fallback is not None and SCHEMA_MODES.index(current) <= SCHEMA_MODES.index(mode):
            state.schema_mode = fallback
        logger.info("%s refused response_format %s (%s)", self.endpoint_key, mode, error)

    def _accept_mode(self, mode: str) -> None:
        state = endpoint(self.endpoint_key)
        default = getattr(self.api, "schema_style", None) or "json_schema"
        if mode == default or not self.api.native_json_schema:
            return
        state.schema_mode = mode
        if not state.announced:
            state.announced = True
            how = {"json_object": "response_format json_object with the schema"}.get(
                mode, "the schema in the prompt, no response_format"
            )
            logger.warning(
                "%s does not accept response_format %s; using %s for this endpoint",
                self.endpoint_key,
                default,
                how,
            )

    def _request(
        self, messages: Sequence[ChatMessage], config: GenerateConfig, mode: str | None, bump: int
    ) -> tuple[list[ChatMessage], GenerateConfig]:
        """The messages and settings one attempt sends: the schema where the endpoint takes
        it, and after an empty reply a new seed."""
        update: dict[str, Any] = {}
        prompt = list(messages)
        if mode == "prompt":
            prompt.append(ChatMessage(role="user", content=schema_instruction(config.json_schema)))  # type: ignore[arg-type]
            if self.api.native_json_schema:
                update["json_schema"] = None
        elif mode is not None:
            update["schema_style"] = mode
        if bump and config.seed is not None:
            update["seed"] = config.seed + 7919 * bump
        return prompt, config.model_copy(update=update) if update else config

    def _fit(
        self, messages: list[ChatMessage], config: GenerateConfig, max_kept: int | None
    ) -> tuple[list[ChatMessage], int]:
        window = self.context_window
        budget = math.inf if window is None else window - reserve_for(window, config.max_tokens)
        cpt = endpoint(self.endpoint_key).chars_per_token
        fitted, kept = fit_messages(messages, budget, max_kept, cpt)
        state = endpoint(self.endpoint_key)
        if window is not None and not state.window_warned:
            need = estimate_tokens(fitted, cpt)
            if need > budget:
                state.window_warned = True
                logger.warning(
                    "%s: the context window of %d tokens is too small: what cannot be left "
                    "out of the prompt (system messages and the latest turn) is about %d "
                    "tokens, with %d more kept for the answer; the server may refuse or "
                    "cut the prompt (give a larger --context-window)",
                    self.endpoint_key,
                    window,
                    need,
                    reserve_for(window, config.max_tokens),
                )
        if len(fitted) < len(messages):
            logger.debug(
                "%s: %d earlier turns left out to fit", self.role, len(messages) - len(fitted)
            )
        return fitted, kept

    async def _call(self, messages: Sequence[ChatMessage], config: GenerateConfig) -> ModelOutput:
        semaphore = _semaphore(self.api.connection_key, self.max_connections)
        last: ModelError | None = None
        attempt = 0
        bump = 0  # empty replies so far: each retry gets a new seed
        max_kept: int | None = None  # turns kept, after the server said the prompt was too long
        shrunk = False
        probe: str | None = None  # a schema form tried after bare 500s to a json_schema request
        probed = False
        bare_500s = 0
        while True:
            mode = probe or self._schema_mode(config)
            prompt, call_config = self._request(messages, config, mode, bump)
            prompt, kept = self._fit(prompt, call_config, max_kept)
            wait = True
            try:
                async with semaphore:
                    output = await self._timed(prompt, call_config, attempt)
                self.usage.record(self.role, self.spec, output.usage, cached=False)
                endpoint(self.endpoint_key).calibrate(
                    sum(len(m.content) for m in prompt), output.usage.input_tokens
                )
                if output.text.strip():
                    if mode is not None:
                        self._accept_mode(mode)
                    return output
                bump += 1
                last = ModelError(f"the model returned an empty reply ({bump}x)", ErrorKind.EMPTY)
                wait = False  # nothing wrong with the server: ask again at once
                if bump > EMPTY_RETRIES:
                    if config.json_schema is not None:
                        return output  # validation turns it into an `unparseable` failure
                    raise last
            except TimeoutError:
                last = ModelError(f"no answer within {self.timeout:.0f}s", ErrorKind.TRANSIENT)
            except ModelError as exc:
                if exc.kind is ErrorKind.UNSUPPORTED_FORMAT and probe is not None:
                    probe = None  # the probed form is refused too: back to the learnt one
                    continue
                if exc.kind is ErrorKind.UNSUPPORTED_FORMAT and mode in (
                    "json_schema",
                    "json_object",
                ):
                    self._refuse_mode(mode, exc)
                    continue  # a different request, not a retry of this one
                if exc.kind is ErrorKind.CONTEXT_LENGTH and not shrunk:
                    shrunk = True
                    state = endpoint(self.endpoint_key)
                    if exc.context_window:
                        state.context_window = min(
                            exc.context_window, state.context_window or exc.context_window
                        )
                    if exc.prompt_tokens:
                        state.calibrate(sum(len(m.content) for m in prompt), exc.prompt_tokens)
                    max_kept = kept // 2
                    self.retries += 1
                    self.usage.record_retry(self.role)
                    continue
                if not exc.retryable:
                    raise
                if probe is not None:
                    probe = None  # the other form failed too: it was the server, not the form
                elif mode == "json_schema" and exc.status == 500 and not probed:
                    bare_500s += 1
                    if bare_500s >= 3:  # a server that fails json_schema without saying why
                        probe, probed = "json_object", True
                last = exc
            # an empty reply is asked again once even when retries are off
            if attempt >= (self.max_retries if wait else max(1, self.max_retries)):
                break
            attempt += 1
            self.retries += 1
            self.usage.record_retry(self.role)
            if wait:
                await self._sleep(self.backoff(attempt - 1, last.retry_after))
        assert last is not None
        raise ModelError(
            f"gave up after {attempt + 1} attempts: {last}", last.kind, status=last.status
        )

    async def _timed(
        self, prompt: list[ChatMessage], config: GenerateConfig, attempt: int
    ) -> ModelOutput:
        """One provider call within the timeout, with a warning if it is slow to answer."""
        handle = None
        if 0 < self.slow_after < self.timeout:
            handle = asyncio.get_running_loop().call_later(self.slow_after, self._say_slow, attempt)
        try:
            return await asyncio.wait_for(self.api.generate(prompt, config), self.timeout)
        finally:
            if handle is not None:
                handle.cancel()

    def _say_slow(self, attempt: int) -> None:
        logger.warning(
            "model %s (%s, %s): no answer yet after %.0fs; waiting up to %.0fs a call, "
            "attempt %d of %d (--timeout, --max-retries)",
            self.role,
            self.spec,
            self.api.connection_key,
            self.slow_after,
            self.timeout,
            attempt + 1,
            self.max_retries + 1,
        )

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _loads(text: str) -> Any:
    """JSON, tolerating raw control characters inside strings (llama.cpp's grammar lets them
    through): line breaks and tabs are kept as written, the others dropped."""
    return _clean_strings(json.loads(text, strict=False))


def _clean_strings(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [_clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_strings(v) for k, v in value.items()}
    return value


def _parse(text: str, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    candidate = text.strip()
    if candidate.startswith("```"):
        candidate = candidate.strip("`").removeprefix("json").strip()
    try:
        value = _loads(candidate)
    except json.JSONDecodeError:
        match = _JSON_BLOCK.search(candidate)
        if not match:
            return None, "no JSON object found"
        try:
            value = _loads(match.group(0))
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
