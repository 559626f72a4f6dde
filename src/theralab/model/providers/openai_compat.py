"""Any OpenAI-compatible chat endpoint: OpenAI, vLLM, Ollama, llama.cpp server, LM Studio.

`--base-url` / `OPENAI_BASE_URL` and `OPENAI_API_KEY` work as in the OpenAI SDK. One HTTP call
per `generate`; the error is classified (429 → rate limit with Retry-After, 408/409/5xx and
connection failures → transient, other 4xx → fatal) and retrying is left to `Model`.
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Sequence
from typing import Any

import httpx

from theralab.model.errors import ErrorKind, ModelError, context_error, format_refused
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput, Usage

DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "vllm": "http://127.0.0.1:8000/v1",
    "ollama": "http://127.0.0.1:11434/v1",
    "llamacpp-server": "http://127.0.0.1:8080/v1",
    "lmstudio": "http://127.0.0.1:1234/v1",
}
# How each server family accepts a JSON schema (the llama.cpp server rejects OpenAI's
# "json_schema" form with HTTP 500 but honours "json_object" with a schema).
SCHEMA_STYLE = {"llamacpp-server": "json_object", "ollama": "json_schema"}


def pooled_client() -> httpx.AsyncClient:
    """The HTTP client a provider opens on first use: no client-side timeout (the `Model`
    wrapper owns timeouts) and a pool sized for many concurrent sessions."""
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
    return httpx.AsyncClient(timeout=None, limits=limits)


class OpenAICompatible:
    def __init__(
        self,
        provider: str,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        schema_style: str | None = None,
        client: httpx.AsyncClient | None = None,
        **_: object,
    ) -> None:
        self.provider = provider
        self.model_name = model_name
        env_url = os.environ.get("OPENAI_BASE_URL") if provider == "openai" else None
        self.base_url = (base_url or env_url or DEFAULT_BASE_URLS[provider]).rstrip("/")
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
        self.schema_style = schema_style or SCHEMA_STYLE.get(provider, "json_schema")
        self._client = client

    @property
    def connection_key(self) -> str:
        return self.base_url

    @property
    def native_json_schema(self) -> bool:
        return True

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = pooled_client()
        return self._client

    def request_body(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model_name,
            "messages": [m.model_dump() for m in messages],
        }
        for key in ("temperature", "max_tokens", "top_p", "seed", "stop"):
            value = getattr(config, key)
            if value is not None:
                body[key] = value
        if config.json_schema is not None:
            if (config.schema_style or self.schema_style) == "json_object":
                body["response_format"] = {"type": "json_object", "schema": config.json_schema}
            else:
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": config.schema_name, "schema": config.json_schema},
                }
        return body

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        url = f"{self.base_url}/chat/completions"
        headers = {"Authorization": f"Bearer {self.api_key}"}
        body = self.request_body(messages, config)
        try:
            response = await self.client.post(url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise ModelError(f"timed out talking to {self.base_url}", ErrorKind.TRANSIENT) from exc
        except httpx.TransportError as exc:
            raise ModelError(f"cannot reach {self.base_url}: {exc}", ErrorKind.TRANSIENT) from exc
        if response.status_code != 200:
            raise _classify(response, sent_format="response_format" in body)
        try:
            data = response.json()
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelError(
                "malformed response body",
                ErrorKind.TRANSIENT,
                status=response.status_code,
                raw=response.text[:500],
            ) from exc
        usage = data.get("usage") or {}
        return ModelOutput(
            text=text,
            provider=self.provider,
            model=data.get("model") or self.model_name,
            usage=Usage(
                input_tokens=int(usage.get("prompt_tokens") or 0),
                output_tokens=int(usage.get("completion_tokens") or 0),
            ),
            stop_reason=choice.get("finish_reason"),
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _classify(response: httpx.Response, sent_format: bool = False) -> ModelError:
    status = response.status_code
    detail = response.text[:300]
    if status >= 400 and status != 429:
        too_long, window, prompt_tokens = context_error(response.text[:2000])
        if too_long:
            return ModelError(
                f"prompt too long for the context: {detail}",
                ErrorKind.CONTEXT_LENGTH,
                status=status,
                context_window=window,
                prompt_tokens=prompt_tokens,
            )
    if sent_format and status in (400, 415, 422, 500, 501) and format_refused(response.text[:2000]):
        return ModelError(
            f"response_format refused: {detail}", ErrorKind.UNSUPPORTED_FORMAT, status=status
        )
    if status == 429:
        return ModelError(
            f"rate limited: {detail}",
            ErrorKind.RATE_LIMIT,
            status=status,
            retry_after=_retry_after(response),
        )
    if status in (408, 409) or status >= 500:
        return ModelError(
            f"server error: {detail}",
            ErrorKind.TRANSIENT,
            status=status,
            retry_after=_retry_after(response),
        )
    return ModelError(f"request refused: {detail}", ErrorKind.FATAL, status=status)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def create(**kwargs: Any) -> OpenAICompatible:
    return OpenAICompatible(**kwargs)
