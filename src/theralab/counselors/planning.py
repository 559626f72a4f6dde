"""The CBT planner call of the model-backed CBT counselors (`llm:cbt` and MAGneT): a technique
and a plan from the client's first words, asked for once per session.

A model too small to write the plan as JSON still counsels, without one: the turn records
`plan_failed` (why), and the plan is not asked for again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from theralab.counselors.techniques import TECHNIQUE_NAMES
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput
from theralab.prompts import render

Generate = Callable[[list[ChatMessage], GenerateConfig], Awaitable[ModelOutput]]

PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "technique": {"enum": list(TECHNIQUE_NAMES)},
        "plan": {"type": "string", "minLength": 1, "maxLength": 800},
    },
    "required": ["technique", "plan"],
}


@dataclass(frozen=True)
class CbtPlan:
    """The planner's answer: one of the CBT techniques and a short plan."""

    technique: str
    plan: str

    @property
    def text(self) -> str:
        return f"Technique: {self.technique}. {self.plan}"


async def write_cbt_plan(
    generate: Generate, first_turn: str, seed: int | None, notes: dict[str, Any]
) -> CbtPlan | None:
    """Ask the model for the session's plan. None when it could not write one as JSON
    (`notes["plan_failed"]` says why); any other model error propagates."""
    try:
        planned = await generate(
            [
                ChatMessage(
                    role="user",
                    content=render(
                        "cbt_planner", first_turn=first_turn, techniques=TECHNIQUE_NAMES
                    ),
                )
            ],
            GenerateConfig(
                json_schema=PLAN_SCHEMA,
                schema_name="plan",
                seed=seed,
                temperature=0.2,
                max_tokens=300,
            ),
        )
    except ModelError as exc:
        if exc.kind is not ErrorKind.UNPARSEABLE:
            raise
        notes["plan_failed"] = str(exc)[:200]
        return None
    assert planned.parsed is not None
    return CbtPlan(technique=planned.parsed["technique"], plan=planned.parsed["plan"])
