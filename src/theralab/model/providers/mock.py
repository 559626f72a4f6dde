"""A provider that answers from a list or a function: for tests and dry runs, no network."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput, Usage

Responder = Callable[[Sequence[ChatMessage], GenerateConfig], str]


class MockModel:
    def __init__(
        self,
        provider: str = "mock",
        model_name: str = "mock",
        outputs: Sequence[str | Exception] | Responder | None = None,
        **_: object,
    ) -> None:
        self.provider = provider
        self.model_name = model_name or "mock"
        self.outputs = outputs
        self.calls: list[tuple[list[ChatMessage], GenerateConfig]] = []

    @property
    def connection_key(self) -> str:
        return f"mock:{id(self)}"

    @property
    def native_json_schema(self) -> bool:
        return False

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        self.calls.append((list(messages), config))
        if callable(self.outputs):
            text = self.outputs(messages, config)
        elif self.outputs:
            item = self.outputs[min(len(self.calls) - 1, len(self.outputs) - 1)]
            if isinstance(item, Exception):
                raise item
            text = item
        else:
            text = "I hear you."
        words = sum(len(m.content.split()) for m in messages)
        return ModelOutput(
            text=text,
            provider=self.provider,
            model=self.model_name,
            usage=Usage(input_tokens=words, output_tokens=len(text.split())),
        )

    async def aclose(self) -> None:
        return None


def create(**kwargs: Any) -> MockModel:
    return MockModel(**kwargs)
