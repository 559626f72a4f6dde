"""Recipes that rewrite source material into dialogues with a bound model:

- `expand` (SMILE-style): single-turn Q&A → a multi-turn conversation;
   input JSONL `{"id", "question", "answer"}`;
- `from-notes` (CPsyCoun-style): counseling notes or reports → a conversation;
   input JSONL `{"id", "notes"}`.

The writer is the model bound to the `counselor` role. Its answer must be a JSON list of
turns (schema-constrained); an unusable answer fails the row with the raw output kept, and
the same gates as any other row (structure, screening, scores, filters, dedup) apply after.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from theralab.dialogue.records import AgentSpec, Outcome, Session, Speaker, StopReason, Turn
from theralab.dialogue.transcripts import json_object
from theralab.errors import InputError
from theralab.model.errors import ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.prompts import render, version

REQUIRED = {"expand": ("question", "answer"), "from-notes": ("notes",)}
TEMPLATE = {"expand": "synth_expand", "from-notes": "synth_notes"}
MIN_TURNS = 8


def turns_schema(max_turns: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "turns": {
                "type": "array",
                "minItems": MIN_TURNS,
                "maxItems": max_turns,
                "items": {
                    "type": "object",
                    "properties": {
                        "speaker": {"enum": ["client", "counselor"]},
                        "text": {"type": "string", "minLength": 1, "maxLength": 1500},
                    },
                    "required": ["speaker", "text"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["turns"],
        "additionalProperties": False,
    }


@dataclass
class SourceItems:
    """A source JSONL read by index (byte offsets kept, not the items: memory stays small)."""

    path: Path
    recipe: str
    offsets: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        need = REQUIRED[self.recipe]
        with self.path.open("rb") as fh:
            offset = 0
            for lineno, raw in enumerate(fh, start=1):
                if raw.strip():
                    item = json_object(raw, source=str(self.path), lineno=lineno)
                    missing = [k for k in need if not str(item.get(k, "")).strip()]
                    if missing:
                        raise InputError(
                            f"needs {', '.join(need)}",
                            source=str(self.path),
                            line=lineno,
                            field=missing[0],
                        )
                    self.offsets.append(offset)
                offset += len(raw)
        if not self.offsets:
            raise InputError("no items in the source file", source=str(self.path))

    def __len__(self) -> int:
        return len(self.offsets)

    def get(self, index: int) -> dict[str, Any]:
        with self.path.open("rb") as fh:
            fh.seek(self.offsets[index % len(self.offsets)])
            return dict(json.loads(fh.readline()))


async def write_dialogue(
    recipe: str, item: dict[str, Any], writer: Model, seed: int, row_id: str, max_turns: int
) -> tuple[Session | None, str, str]:
    """(session, error, raw output) for one source item."""
    prompt = render(
        TEMPLATE[recipe],
        min_turns=MIN_TURNS,
        max_turns=max_turns,
        question=item.get("question", ""),
        answer=item.get("answer", ""),
        notes=item.get("notes", ""),
    )
    config = GenerateConfig(
        temperature=0.8,
        seed=seed,
        max_tokens=4000,
        json_schema=turns_schema(max_turns),
        schema_name="dialogue",
    )
    try:
        out = await writer.generate([ChatMessage(role="user", content=prompt)], config)
    except ModelError as exc:
        return None, str(exc), exc.raw or ""
    turns = [
        Turn(
            speaker=Speaker.CLIENT if t["speaker"] == "client" else Speaker.COUNSELOR,
            text=t["text"].strip(),
        )
        for t in (out.parsed or {}).get("turns", [])
        if t["text"].strip()
    ]
    session = Session(
        id=row_id,
        counselor=AgentSpec(
            name=f"{recipe}-writer",
            engine=writer.spec,
            params={"prompt_version": version(TEMPLATE[recipe]), "source_id": item.get("id")},
        ),
        client=AgentSpec(name="source", engine="source"),
        profile_id=None,
        seed=seed,
        turns=turns,
        stop_reason=StopReason.COUNSELOR_CLOSED,
        outcome=Outcome(turns=len(turns)),
    )
    return session, "", out.text
