"""The labelled reply set (`data/replies/*.yaml`): loading and the frozen split; and real
supporters' replies (ESConv, read from `../shared/data/`, never copied) that the learned head
is trained to let through."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

from theralab.checkout import checkout_data, shared_data_dir
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


@dataclass(frozen=True)
class RealReply:
    """A real supporter's reply with the client's messages before it (oldest first). Not
    labelled: `group` names its conversation ("esconv/train/17"), so that grouped
    cross-validation keeps a conversation on one side."""

    group: str
    history: tuple[str, ...]
    reply: str


def esconv_replies(split: str = "train", folder: Path | None = None) -> list[RealReply]:
    """Every ESConv supporter reply that has a seeker message before it, from
    `../shared/data/esconv/<split>.jsonl` (research data: read, never copied)."""
    path = (folder or shared_data_dir() / "esconv") / f"{split}.jsonl"
    if not path.is_file():
        raise InputError(
            "ESConv is not there (the head's real negatives come from it)", source=str(path)
        )
    out: list[RealReply] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            if not line.strip():
                continue
            try:
                dialog = json.loads(line)["dialog"]
            except (ValueError, KeyError) as exc:
                where = f"{path}:{number + 1}"
                raise InputError(f"not an ESConv chat: {exc}", source=where) from exc
            client: list[str] = []
            for turn in dialog:
                text = str(turn["text"]).strip()
                if not text:
                    continue
                if turn["speaker"] == "sys":
                    if client:
                        out.append(RealReply(f"esconv/{split}/{number}", tuple(client), text))
                else:
                    client.append(text)
    return out
