"""The models an operator enabled for served counselors and practice clients."""

from __future__ import annotations

from dataclasses import dataclass, field

from theralab.model.model import Model
from theralab.model.usage import UsageTracker


@dataclass
class ModelPool:
    """One `Model` per enabled spec, built on first use. No response cache: cached replies
    would be conversation text on disk, which the server keeps only when told to."""

    counselor_specs: tuple[str, ...] = ()
    client_spec: str | None = None
    base_url: str | None = None
    timeout: float = 60.0  # seconds a call may take (`theralab serve --model-timeout`)
    max_retries: int = 2
    usage: UsageTracker = field(default_factory=UsageTracker)
    _models: dict[tuple[str, str], Model] = field(default_factory=dict)

    def model(self, spec: str, role: str) -> Model:
        key = (role, spec)
        if key not in self._models:
            self._models[key] = Model.from_spec(
                spec,
                base_url=self.base_url,
                role=role,
                max_connections=16,
                cache=None,
                usage=self.usage,
                timeout=self.timeout,
                max_retries=self.max_retries,
            )
        return self._models[key]

    async def aclose(self) -> None:
        for model in self._models.values():
            await model.aclose()
        self._models.clear()
