"""Multiple-choice knowledge exams (CBT-Bench's CBT-QA, CounselingBench-style items) answered
by any bound model with a bounded schema, scored per topic.

Items are JSONL, one object per line:

    {"id": "q1", "topic": "distortions", "question": "…", "options": {"A": "…", "B": "…"},
     "answer": "B"}

- `id`: a non-empty string or an integer, unique in the file;
- `topic`: optional non-empty string (default "general"); accuracy is reported per topic;
- `question`: a non-empty string;
- `options`: an object whose keys are consecutive capital letters from "A" (2 to 10 of them),
  or a list of 2 to 10 strings, lettered A, B, … in order; every option a non-empty string;
- `answer`: optional, the key's letter (case-insensitive); an item without it is answered but
  not scored.

The model is asked for `{"answer": "<letter>"}` where the letter is an enum of that item's
option letters, so any valid answer is an option. An answer that never validates (after the
`Model` wrapper's one repair), a refusal or a failed call is *unscored*: it is counted and
reported with its reason, never read as a wrong or a default answer. Accuracy is correct /
scored, with a Wilson 95% interval; coverage (scored / keyed) is reported beside it.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from theralab.cbtbench.io import each_in_order, read_unique
from theralab.dialogue.transcripts import json_object
from theralab.errors import InputError
from theralab.evaluate.stats import wilson
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig

LETTERS = string.ascii_uppercase[:10]
MIN_OPTIONS = 2
DEFAULT_TOPIC = "general"
REFUSAL_STOPS = frozenset({"content_filter", "refusal"})
SHAPE = ' like {"id", "topic", "question", "options": {"A": …, "B": …}, "answer"}'

# The prompt, versioned: a change of wording bumps PROMPT_VERSION (it is in every result file).
PROMPT_VERSION = "1"
PROMPT = """\
You are taking a multiple-choice exam on counselling and cognitive behavioural therapy (CBT).
Read the question and choose the single best option.

Question: {question}

Options:
{options}

Answer with a JSON object naming the letter of the best option: {{"answer": "{first}"}} \
(one of {letters})."""


@dataclass(frozen=True)
class MCQItem:
    id: str | int
    topic: str
    question: str
    options: dict[str, str]
    answer: str | None = None
    line: int = 0

    @property
    def letters(self) -> list[str]:
        return list(self.options)


def _options(raw: Any, source: str, lineno: int) -> dict[str, str]:
    def bad(message: str) -> InputError:
        return InputError(message, source=source, line=lineno, field="options")

    if isinstance(raw, list):
        values = raw
        keys = list(LETTERS[: len(raw)])
    elif isinstance(raw, dict):
        keys = [str(k).strip().upper() for k in raw]
        values = list(raw.values())
        if len(set(keys)) != len(keys):
            raise bad("option letters repeat (keys are case-insensitive)")
        want = list(LETTERS[: len(keys)])
        if sorted(keys) != want:
            raise bad(
                f"keys must be consecutive capital letters from A ({', '.join(want) or 'A, B'}); "
                f"got {', '.join(map(repr, raw))}"
            )
    else:
        raise bad('expected an object like {"A": "…", "B": "…"} or a list of option texts')
    if not MIN_OPTIONS <= len(values) <= len(LETTERS):
        raise bad(f"expected {MIN_OPTIONS} to {len(LETTERS)} options, got {len(values)}")
    for key, value in zip(keys, values, strict=True):
        if not isinstance(value, str) or not value.strip():
            raise bad(f"option {key}: expected a non-empty string")
    return {k: v.strip() for k, v in sorted(zip(keys, values, strict=True))}


def parse_mcq_item(line: str, source: str, lineno: int) -> MCQItem:
    """One JSONL line → MCQItem; InputError naming the file, line and field otherwise."""
    raw = json_object(line, source=source, lineno=lineno, shape=SHAPE)
    item_id = raw.get("id")
    if isinstance(item_id, bool) or not isinstance(item_id, str | int) or item_id == "":
        raise InputError(
            "expected a non-empty string or an integer", source=source, line=lineno, field="id"
        )
    topic = raw.get("topic", DEFAULT_TOPIC)
    if not isinstance(topic, str) or not topic.strip():
        raise InputError("expected a non-empty string", source=source, line=lineno, field="topic")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError(
            "expected a non-empty string", source=source, line=lineno, field="question"
        )
    options = _options(raw.get("options"), source, lineno)
    answer = raw.get("answer")
    if answer is not None:
        if not isinstance(answer, str) or answer.strip().upper() not in options:
            raise InputError(
                f"expected one of the option letters {', '.join(options)}; got {answer!r}",
                source=source,
                line=lineno,
                field="answer",
            )
        answer = answer.strip().upper()
    unknown = set(raw) - {"id", "topic", "question", "options", "answer"}
    if unknown:
        raise InputError(
            f"unknown field(s): {', '.join(sorted(unknown))} (expected id, topic, question, "
            "options, answer)",
            source=source,
            line=lineno,
        )
    return MCQItem(item_id, topic.strip(), question.strip(), options, answer, lineno)


def read_mcq_items(path: str) -> list[MCQItem]:
    """Every item of a JSONL file ("-" for standard input); ids must be unique."""
    return read_unique(path, parse_mcq_item, SHAPE)


def answer_schema(letters: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"answer": {"type": "string", "enum": list(letters)}},
        "required": ["answer"],
        "additionalProperties": False,
    }


def render_prompt(item: MCQItem) -> str:
    return PROMPT.format(
        question=item.question,
        options="\n".join(f"{k}. {v}" for k, v in item.options.items()),
        first=item.letters[0],
        letters=", ".join(item.letters),
    )


@dataclass(frozen=True)
class MCQAnswer:
    """One item's outcome: `status` is "answered" or "unscored" (then `reason` says why:
    "unparseable: …", "refused: …" or "error: …")."""

    id: str | int
    topic: str
    gold: str | None
    answer: str | None
    status: str
    reason: str | None = None

    @property
    def correct(self) -> bool | None:
        if self.status != "answered" or self.gold is None:
            return None
        return self.answer == self.gold

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "answer": self.answer,
            "gold": self.gold,
            "correct": self.correct,
            "status": self.status,
            **({"reason": self.reason} if self.reason else {}),
        }


class MCQAnswerer:
    """Answers items with a bound model, one structured call per item."""

    def __init__(self, model: Model, *, temperature: float = 0.0, max_tokens: int = 60) -> None:
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens

    @property
    def name(self) -> str:
        return f"model {self.model.spec} (mcq prompt v{PROMPT_VERSION})"

    def config(self, item: MCQItem) -> GenerateConfig:
        return GenerateConfig(
            json_schema=answer_schema(item.letters),
            schema_name="mcq_answer",
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )

    async def answer(self, item: MCQItem) -> MCQAnswer:
        def unscored(reason: str) -> MCQAnswer:
            return MCQAnswer(item.id, item.topic, item.answer, None, "unscored", reason)

        messages = [ChatMessage(role="user", content=render_prompt(item))]
        try:
            out = await self.model.generate(messages, self.config(item))
        except ModelError as exc:
            if exc.kind is ErrorKind.UNPARSEABLE:
                return unscored(str(exc))  # "unparseable: …"
            return unscored(f"error: {exc}")
        if out.stop_reason in REFUSAL_STOPS:
            return unscored(f"refused: finish reason {out.stop_reason}")
        parsed = out.parsed
        letter = parsed.get("answer") if isinstance(parsed, dict) else None
        if not isinstance(letter, str) or letter not in item.options:
            # the wrapper validates against the schema; this guards providers that do not
            return unscored("unparseable: no answer among the options")
        return MCQAnswer(item.id, item.topic, item.answer, letter, "answered")

    async def answer_all(
        self, items: Sequence[MCQItem], on_done: Callable[[MCQAnswer], None] | None = None
    ) -> list[MCQAnswer]:
        """Every item, concurrently (the model's per-server limit applies), in input order."""
        return await each_in_order(items, self.answer, on_done)


@dataclass
class TopicScore:
    topic: str
    items: int = 0
    keyed: int = 0
    scored: int = 0
    correct: int = 0
    unscored: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.scored if self.scored else None

    @property
    def ci95(self) -> tuple[float, float] | None:
        return wilson(self.correct, self.scored)

    @property
    def coverage(self) -> float | None:
        return self.scored / self.keyed if self.keyed else None

    def add(self, a: MCQAnswer) -> None:
        self.items += 1
        self.keyed += a.gold is not None
        if a.status != "answered":
            self.unscored += 1
            kind = (a.reason or "unscored").split(":", 1)[0]
            self.reasons[kind] = self.reasons.get(kind, 0) + 1
        elif a.gold is not None:
            self.scored += 1
            self.correct += a.answer == a.gold

    def to_dict(self) -> dict[str, Any]:
        ci = self.ci95
        return {
            "items": self.items,
            "keyed": self.keyed,
            "scored": self.scored,
            "correct": self.correct,
            "unscored": self.unscored,
            "unscored_reasons": dict(sorted(self.reasons.items())),
            "accuracy": self.accuracy,
            "ci95": list(ci) if ci else None,
            "coverage": self.coverage,
        }


@dataclass
class MCQScore:
    overall: TopicScore
    topics: dict[str, TopicScore]
    chance: float | None  # expected accuracy of a uniform guess over the scored items

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "chance_accuracy": self.chance,
            "topics": {t: s.to_dict() for t, s in self.topics.items()},
        }


def score_mcq(items: Sequence[MCQItem], answers: Sequence[MCQAnswer]) -> MCQScore:
    """Per-topic and overall accuracy; topics in order of first appearance."""
    if len(items) != len(answers):
        raise ValueError(f"{len(items)} items but {len(answers)} answers")
    overall = TopicScore("all")
    topics: dict[str, TopicScore] = {}
    chance: list[float] = []
    for item, a in zip(items, answers, strict=True):
        if a.id != item.id:
            raise ValueError(f"answer {a.id!r} out of order (item {item.id!r})")
        overall.add(a)
        topics.setdefault(item.topic, TopicScore(item.topic)).add(a)
        if a.status == "answered" and item.answer is not None:
            chance.append(1 / len(item.options))
    return MCQScore(overall, topics, sum(chance) / len(chance) if chance else None)
