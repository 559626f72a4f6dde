"""Benchmark items in, predictions out: JSONL with one object per line.

Input: `{"id": "a1", "text": "…", "labels": ["mind reading"]}` — `labels` optional (gold; an
empty list means no distortion / no core belief). Output: `{"id": "a1", "labels": [...]}`, or
`{"id": "a1", "labels": null, "unscored": "<why>"}` when a model's answer was unusable.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from theralab.cbtbench.labels import Task
from theralab.dialogue.transcripts import check_unique_id, json_object, read_lines
from theralab.errors import InputError


@dataclass(frozen=True)
class Item:
    id: str | int
    text: str
    gold: tuple[str, ...] | None = None
    line: int = 0


@dataclass(frozen=True)
class Prediction:
    id: str | int
    labels: tuple[str, ...] | None
    unscored: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.labels is None:
            return {"id": self.id, "labels": None, "unscored": self.unscored or "no answer"}
        return {"id": self.id, "labels": list(self.labels)}


def parse_item(line: str, task: Task, source: str, lineno: int) -> Item:
    """One input line → Item; InputError naming the file, line and field otherwise."""
    raw = json_object(line, source=source, lineno=lineno, shape=' like {"id": …, "text": …}')
    item_id = raw.get("id")
    if isinstance(item_id, bool) or not isinstance(item_id, str | int) or item_id == "":
        raise InputError(
            "expected a non-empty string or an integer", source=source, line=lineno, field="id"
        )
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("expected a non-empty string", source=source, line=lineno, field="text")
    gold: tuple[str, ...] | None = None
    labels = raw.get("labels")
    if labels is not None:
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise InputError(
                f"expected a list of label strings (empty for {task.none_name})",
                source=source,
                line=lineno,
                field="labels",
            )
        try:
            gold = tuple(dict.fromkeys(task.normalise(x) for x in labels))
        except ValueError as exc:
            raise InputError(str(exc), source=source, line=lineno, field="labels") from None
    return Item(item_id, text, gold, lineno)


def read_items(path: str, task: Task) -> list[Item]:
    """All items of a JSONL file ("-" for standard input); ids must be unique."""
    return read_unique(
        path,
        lambda line, source, lineno: parse_item(line, task, source, lineno),
        'like {"id": …, "text": …}',
    )


class _HasId(Protocol):
    @property
    def id(self) -> str | int: ...


T = TypeVar("T", bound=_HasId)


def read_unique(path: str, parse: Callable[[str, str, int], T], shape: str) -> list[T]:
    """The items of a JSONL file ("-" for standard input), each line read by
    `parse(line, source, lineno)`; ids must be unique and the file not empty (errors name
    the file and line; `shape` completes "expected JSONL lines …")."""
    source = "<stdin>" if path == "-" else path
    items: list[T] = []
    seen: dict[str | int, int] = {}
    for lineno, line in read_lines(path):
        item = parse(line, source, lineno)
        check_unique_id(item.id, lineno, seen, source)
        items.append(item)
    if not items:
        raise InputError(f"no items: expected JSONL lines {shape.strip()}", source=source)
    return items


def dump_predictions(predictions: Iterable[Prediction]) -> str:
    return "".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in predictions)


In = TypeVar("In")
R = TypeVar("R")


async def each_in_order(
    items: Sequence[In], work: Callable[[In], Awaitable[R]], on_done: Callable[[R], None] | None
) -> list[R]:
    """`work` on every item concurrently (a model's per-server limit applies), the results in
    input order; `on_done` sees each result as it arrives (a progress bar)."""

    async def one(item: In) -> R:
        found = await work(item)
        if on_done is not None:
            on_done(found)
        return found

    return list(await asyncio.gather(*(one(i) for i in items)))
