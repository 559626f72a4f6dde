"""The merger: one reply out of the chosen agents' candidates.

Candidates are said in a natural order (reflection → normalising → psycho-education →
solutions → question), with at most one question and that question last, within a length
limit: when a reply runs long, the least needed sentences go first (a second sentence of
explanation or validation), never the reflection or the question. A sentence the output check
would refuse (a reflection that echoes a stigmatising word the client used, say) is left out
before the reply ever reaches the guardrail; the guardrail still checks the whole reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from theralab.counselors.base import Draft
from theralab.counselors.magnet.agents import Candidate, Part
from theralab.counselors.magnet.selector import MAGNET_TECHNIQUES, QUESTIONING, REFLECTION
from theralab.dialogue.codes import QUESTIONS, MiscCode
from theralab.safety.output_check import check_reply
from theralab.text.perspective import split_sentences, word_count

MAX_SENTENCES = 5
MAX_WORDS = 95
# Said instead of a reflection that had to be left out.
PLAIN_REFLECTION = "It sounds like there's a lot going on for you with this."

# Which sentences go first when a reply is too long (lower = dropped sooner).
_KEEP = {REFLECTION: 5, QUESTIONING: 5, "solutions": 4, "psychoeducation": 2, "normalising": 3}


@dataclass
class Merged:
    draft: Draft
    techniques: tuple[str, ...]
    dropped: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # techniques with a sentence left out


def _asks(part: Part) -> bool:
    text, code = part
    return code in QUESTIONS or text.rstrip().endswith("?")


def merge(candidates: Sequence[Candidate]) -> Merged:
    """Merge candidates into one coded draft; report which techniques made it in."""
    by = {c.technique: c for c in candidates if c.parts}
    ordered = [by[t] for t in MAGNET_TECHNIQUES if t in by]
    dropped: list[str] = []
    # At most one question: a request for permission beats a question, and it goes last.
    askers = [c for c in ordered if c.asks]
    if len(askers) > 1:
        keep = next((c for c in askers if c.technique != QUESTIONING), askers[0])
        for c in askers:
            if c is keep:
                continue
            c.parts = [p for p in c.parts if not _asks(p)]
            if not c.parts:
                dropped.append(c.technique)
        ordered = [c for c in ordered if c.parts]
    asker = next((c for c in ordered if c.asks), None)
    if asker is not None and asker is not ordered[-1]:
        ordered.remove(asker)
        ordered.append(asker)
    # Split into sentences, each with the technique it came from.
    rows: list[tuple[str, Part]] = [
        (c.technique, (sentence, code))
        for c in ordered
        for text, code in c.parts
        for sentence in split_sentences(text)
    ]
    withheld = [t for t, (text, _) in rows if not is_sendable(text)]
    rows = [r for r in rows if is_sendable(r[1][0])]
    if REFLECTION in withheld and not any(t == REFLECTION for t, _ in rows):
        rows.insert(0, (REFLECTION, (PLAIN_REFLECTION, MiscCode.SIMPLE_REFLECTION)))
    while len(rows) > 1 and (
        len(rows) > MAX_SENTENCES or sum(word_count(t) for _, (t, _) in rows) > MAX_WORDS
    ):
        victim = _least_needed(rows)
        if victim is None:
            break
        rows.pop(victim)
    techniques = tuple(t for t in MAGNET_TECHNIQUES if any(r[0] == t for r in rows))
    dropped += [t for t in by if t not in techniques and t not in dropped]
    draft = Draft(strategy="magnet:" + "+".join(techniques))
    for _, (text, code) in rows:
        draft.parts.append((text, code))
    return Merged(draft, techniques, dropped, withheld)


def is_sendable(text: str) -> bool:
    """Whether the output check would let this sentence through."""
    return check_reply(text).allowed


def _least_needed(rows: list[tuple[str, Part]]) -> int | None:
    """The index of the sentence to drop: lowest priority, and never the only sentence of its
    technique when that technique is a reflection or the question."""
    counts: dict[str, int] = {}
    for technique, _ in rows:
        counts[technique] = counts.get(technique, 0) + 1
    best: tuple[int, int] | None = None
    for i, (technique, part) in enumerate(rows):
        if _asks(part):
            continue
        if technique == REFLECTION and counts[technique] == 1:
            continue
        rank = _KEEP.get(technique, 1) * 10 - (1 if counts[technique] > 1 else 0)
        # Among equals, drop the later sentence of a technique (its elaboration).
        key = (rank, -i)
        if best is None or key < best:
            best = (rank, -i)
    return None if best is None else -best[1]
