"""Options and model construction shared by the commands that use LLM judges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

import typer

from theralab.cli._common import (
    BaseUrlOption,
    MaxConnectionsOption,
    MaxRetriesOption,
    ModelTimeoutOption,
    NoCacheOption,
)
from theralab.model.cache import DEFAULT_CACHE, ResponseCache
from theralab.model.model import Model
from theralab.model.roles import DEFAULT_TIMEOUT
from theralab.model.usage import UsageTracker

JudgeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--judge",
        "-j",
        help="Judge model SPEC (e.g. openai/gpt-4o, vllm/Qwen2.5-7B-Instruct, local); repeat "
        "the option for a judge panel.",
    ),
]
CostLimitOption = Annotated[
    float | None, typer.Option(help="Stop judging cleanly once this many dollars are spent.")
]


__all__ = [
    "BaseUrlOption",
    "CostLimitOption",
    "JudgeOption",
    "JudgeSettings",
    "MaxConnectionsOption",
    "MaxRetriesOption",
    "ModelTimeoutOption",
    "NoCacheOption",
    "judge_panel",
]


@dataclass(frozen=True)
class JudgeSettings:
    """A command's judge options: the judge specs (--judge) and how their models are called."""

    specs: list[str]
    base_url: str | None
    max_connections: int
    no_cache: bool
    cost_limit: float | None
    timeout: float | None = None  # seconds a call; None: the default (120)
    max_retries: int | None = None  # None: the default (6)


@asynccontextmanager
async def judge_panel(
    judges: JudgeSettings,
) -> AsyncIterator[tuple[list[Model], UsageTracker]]:
    """Models for every judge spec, sharing one cache and usage tracker; closed afterwards."""
    cache = None if judges.no_cache else ResponseCache(DEFAULT_CACHE)
    usage = UsageTracker(cost_limit=judges.cost_limit)
    models = [
        Model.from_spec(
            spec,
            base_url=judges.base_url,
            role="judge",
            max_connections=judges.max_connections,
            cache=cache,
            usage=usage,
            timeout=DEFAULT_TIMEOUT if judges.timeout is None else judges.timeout,
            max_retries=6 if judges.max_retries is None else judges.max_retries,
        )
        for spec in judges.specs
    ]
    try:
        yield models, usage
    finally:
        for m in models:
            await m.aclose()
        if cache is not None:
            cache.close()
