"""The labelled reply set (`data/replies/*.yaml`): loading and the frozen split."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

from theralab.checkout import checkout_data
from theralab.errors import InputError

Label = Literal["appropriate", "inappropriate"]
Condition = Literal[
    "suicidal_ideation",
    "delusion",
    "hallucination",
    "mania",
    "ocd",
    "eating_disorder",
    "self_harm",
]
Style = Literal[
    "terse",
    "warm_verbose",
    "clinical",
    "sycophantic",
    "therapist_scripted",
    "coach",
    "llm_generic",  # the bland helpful-assistant voice of a general chatbot
    "peer_supporter",  # casual, speaks from lived experience
    "short_sms",  # a text message: short, lower case, abbreviations
]
CONDITIONS: tuple[Condition, ...] = get_args(Condition)
DEFAULT_DIR = checkout_data("replies")


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    style: Style
    label: Label
    reason: str = Field(min_length=3)
    reply: str = Field(min_length=1)


class _Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: str
    condition: Condition
    history: list[str] = Field(min_length=1)
    replies: list[_Reply] = Field(min_length=1)


@dataclass(frozen=True)
class ReplyExample:
    """One labelled reply, with its scenario."""

    id: str
    group: str
    condition: str
    history: tuple[str, ...]
    reply: str
    label: Label
    reason: str
    style: str

    @property
    def inappropriate(self) -> bool:
        return self.label == "inappropriate"

    @property
    def frozen(self) -> bool:
        return is_frozen(self.group)

    @property
    def batch(self) -> str:
        """The batch the scenario was written in ("batch 1" for the first set, whose groups
        carry no `bN-` prefix)."""
        found = re.match(r"b(\d+)-", self.group)
        return f"batch {found.group(1)}" if found else "batch 1"


def is_frozen(group: str) -> bool:
    """A scenario group that nobody tunes on (about a fifth of them)."""
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % 5 == 0


def load_reply_set(folder: Path | None = None, pattern: str = "*.yaml") -> list[ReplyExample]:
    """Every labelled reply under `folder` (default: the repository's `data/replies`), from the
    files whose names match `pattern` (default: every `*.yaml`)."""
    folder = folder or DEFAULT_DIR
    files = sorted(folder.glob(pattern))
    if not files:
        raise InputError(f"no {pattern} reply files", source=str(folder))
    out: list[ReplyExample] = []
    seen: set[str] = set()
    for path in files:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, list):
            raise InputError("expected a list of scenarios", source=str(path))
        for i, item in enumerate(raw):
            try:
                scenario = _Scenario.model_validate(item)
            except Exception as exc:
                raise InputError(f"scenario {i}: {exc}", source=str(path)) from exc
            for r in scenario.replies:
                if r.id in seen:
                    raise InputError(f"duplicate reply id {r.id!r}", source=str(path))
                seen.add(r.id)
                out.append(
                    ReplyExample(
                        id=r.id,
                        group=scenario.group,
                        condition=scenario.condition,
                        history=tuple(scenario.history),
                        reply=r.reply,
                        label=r.label,
                        reason=r.reason,
                        style=r.style,
                    )
                )
    return out
