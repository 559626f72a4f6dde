"""The model tier of the screener: a bound `screener` role (`--model-role screener=…`) rates
each message with a structured answer. An unparseable or failed answer is an error, and the
screener treats errors as risk (fail closed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.prompts import render
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "level": {"enum": [lv.value for lv in RiskLevel]},
        "categories": {"type": "array", "items": {"enum": [c.value for c in RiskCategory]}},
    },
    "required": ["level", "categories"],
}


class ModelTier:
    name = "model"

    def __init__(self, model: Model, context_turns: int = 6) -> None:
        self.model = model
        self.context_turns = context_turns

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        import asyncio

        return asyncio.run(self.assess_async(text, context))

    async def assess_async(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        prompt = render(
            "screener",
            text=text,
            context=list(context)[-self.context_turns :],
            categories=[c.value for c in RiskCategory],
        )
        out = await self.model.generate(
            [ChatMessage(role="user", content=prompt)],
            GenerateConfig(json_schema=SCHEMA, schema_name="risk", temperature=0.0, max_tokens=120),
        )
        assert out.parsed is not None
        level = RiskLevel(out.parsed["level"])
        categories = [RiskCategory(c) for c in out.parsed["categories"]]
        if level is RiskLevel.NONE:
            categories = [c for c in categories if c is RiskCategory.MINOR]
        elif not categories:
            categories = [RiskCategory.SUICIDE]
        return RiskAssessment(
            level=level, categories=categories, signals=[f"model:{level.value}"], detector=self.name
        )
