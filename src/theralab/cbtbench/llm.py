"""The model-backed classifier: one structured call per item over any bound model.

The answer schema is bounded — an object whose `labels` is an array of the task's enum labels,
unique, at most `task.max_labels` long — so a valid answer is always a usable label set. An
answer that never validates (after the `Model` wrapper's one repair), a refusal, or a failed
call is *unscored*: it keeps `labels=None` and a reason, and is never read as "no label".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import jinja2

from theralab.cbtbench.io import Item, Prediction, each_in_order
from theralab.cbtbench.labels import FINE_CORE_BELIEFS_BY_CATEGORY, Task
from theralab.model.errors import ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.prompts import render, version

REFUSAL_STOPS = frozenset({"content_filter", "refusal"})
LOCAL_PROMPTS = "data"  # templates of this package (theralab.cbtbench/data/NAME.j2)


def _local_template(name: str) -> str | None:
    path = resources.files("theralab.cbtbench") / LOCAL_PROMPTS / f"{name}.j2"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def render_task_prompt(task: Task, text: str) -> str:
    """The task's prompt: a template of this package if it has one, else theralab.prompts."""
    context: dict[str, Any] = {
        "text": text,
        "max_labels": task.max_labels,
        "categories": FINE_CORE_BELIEFS_BY_CATEGORY,
    }
    local = _local_template(task.prompt)
    if local is None:
        return render(task.prompt, **context)
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
    )
    return env.from_string(local).render(**context).strip()


def task_prompt_version(task: Task) -> str:
    local = _local_template(task.prompt)
    if local is None:
        return version(task.prompt)
    first = local.splitlines()[0]
    return first.split("version:")[1].strip(" #}") if "version:" in first else "0"


def answer_schema(task: Task) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "labels": {
                "type": "array",
                "items": {"type": "string", "enum": list(task.labels)},
                "uniqueItems": True,
                "maxItems": task.max_labels,
            }
        },
        "required": ["labels"],
        "additionalProperties": False,
    }


class LLMClassifier:
    """Labels texts with a bound model (`--model-role classifier=SPEC`)."""

    def __init__(
        self, model: Model, task: Task, *, temperature: float = 0.0, max_tokens: int = 120
    ) -> None:
        self.model = model
        self.task = task
        self.config = GenerateConfig(
            json_schema=answer_schema(task),
            schema_name=task.name.replace("-", "_"),
            temperature=temperature,
            max_tokens=max_tokens,
        )

    @property
    def prompt_version(self) -> str:
        return task_prompt_version(self.task)

    @property
    def name(self) -> str:
        return f"model {self.model.spec} (prompt {self.task.prompt} v{self.prompt_version})"

    def describe(self) -> str:
        return self.name

    def messages(self, text: str) -> list[ChatMessage]:
        prompt = render_task_prompt(self.task, text)
        return [ChatMessage(role="user", content=prompt)]

    async def classify(self, item: Item) -> Prediction:
        try:
            out = await self.model.generate(self.messages(item.text), self.config)
        except ModelError as exc:
            return Prediction(item.id, None, str(exc))
        if out.stop_reason in REFUSAL_STOPS:
            return Prediction(item.id, None, f"refused (finish reason {out.stop_reason})")
        if out.parsed is None:  # the wrapper validates; this guards providers that do not
            return Prediction(item.id, None, "unparseable: no structured answer")
        return Prediction(item.id, tuple(dict.fromkeys(out.parsed["labels"])))

    async def classify_all(
        self, items: Sequence[Item], on_done: Callable[[Prediction], None] | None = None
    ) -> list[Prediction]:
        """Every item, concurrently (the model's per-server limit applies), in input order."""
        return await each_in_order(items, self.classify, on_done)
