"""Multi-session memory: a short summary of a user's last conversation, carried into the next.

With it go the counselor's notes on that conversation (`session_notes`, the mechanism of
simulated courses), so the next conversation continues the course: a scripted counselor opens
with a review and follows its course plan, a model-backed one gets the notes in its prompt.
The notes are content-free like the rest of the summary, whatever the operator stores.

The summary holds no sentences of the conversation — only the themes it touched (from a small
topic lexicon), up to three feeling words the user used, the modality, its length and the peak
risk level — so it can be kept even when the operator does not store conversation text. The
next conversation opens by recalling it, and if the last one reached any risk, its screener
starts in the state a disclosed stressor leaves (a later question about means is `high`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from theralab.agents import Utterance
from theralab.counselors.notes import content_free, notes_from_session
from theralab.dialogue.courses import SessionNotes
from theralab.dialogue.records import AgentSpec, Session, Turn
from theralab.safety.risk import RiskLevel
from theralab.safety.screener import ConversationScreener, Screener
from theralab.text.lexicon import feeling_words_in

THEMES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "work": r"\b(?:work|job|boss|manager|colleague|shift|office|career|deadline)s?\b",
        "study": r"\b(?:exam|study|studies|studying|school|college|university|uni|class|grade)s?\b",
        "sleep": r"\b(?:sleep|sleeping|insomnia|awake|nightmares?|tired|exhausted)\b",
        "family": r"\b(?:family|mother|mum|mom|father|dad|parents?|son|daughter|kids?|children|"
        r"brother|sister)\b",
        "relationships": r"\b(?:partner|wife|husband|boyfriend|girlfriend|relationship|marriage|"
        r"divorce|breakup|break-up)\b",
        "loneliness": r"\b(?:friends?|lonely|loneliness|alone|isolated)\b",
        "money": r"\b(?:money|debt|rent|bills?|afford|mortgage|loan|finances?)\b",
        "health": r"\b(?:health|pain|illness|doctor|hospital|diagnos\w*|symptoms?)\b",
        "grief": r"\b(?:grief|grieving|died|passed away|funeral|loss|lost (?:my|her|him))\b",
        "drinking or drug use": r"\b(?:drink|drinking|alcohol|drunk|smok\w*|cannabis|weed|"
        r"drugs?|gambl\w*)\b",
        "worry": r"\b(?:anxious|anxiety|worry|worried|panic|nervous|stress(?:ed)?)\b",
        "low mood": r"\b(?:depressed|depression|sad|hopeless|empty|numb|down)\b",
        "self-worth": r"\b(?:worthless|failure|not good enough|useless|hate myself|confidence)\b",
        "anger": r"\b(?:angry|anger|furious|rage|irritable|snapp\w*)\b",
    }.items()
}


def summarise(
    client_texts: Iterable[str],
    *,
    modality: str,
    risk_peak: RiskLevel,
    client_messages: int,
    ended_at: datetime | None = None,
) -> dict[str, Any]:
    """The content-free summary kept for the user's next conversation."""
    themes: Counter[str] = Counter()
    feelings: Counter[str] = Counter()
    for text in client_texts:
        for name, pattern in THEMES.items():
            themes[name] += len(pattern.findall(text))
        feelings.update(feeling_words_in(text))
    return {
        "version": 1,
        "themes": [t for t, n in themes.most_common(3) if n],
        "feelings": [f for f, _ in feelings.most_common(3)],
        "modality": modality,
        "risk_peak": risk_peak.value,
        "client_messages": client_messages,
        "ended_at": (ended_at or datetime.now(UTC)).isoformat(),
    }


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def recap(summary: dict[str, Any]) -> str:
    """What the counselor says first, recalling the last conversation."""
    parts = ["Welcome back."]
    themes, feelings = summary.get("themes") or [], summary.get("feelings") or []
    if themes and feelings:
        parts.append(
            f"Last time we talked about {_join(themes)}, and you mentioned feeling "
            f"{_join(feelings)}."
        )
    elif themes:
        parts.append(f"Last time we talked about {_join(themes)}.")
    elif feelings:
        parts.append(f"Last time you mentioned feeling {_join(feelings)}.")
    risk = RiskLevel(summary.get("risk_peak", "none"))
    if risk.at_least(RiskLevel.MODERATE):
        parts.append(
            "Last time things got very hard at one point. If you are having thoughts of "
            "harming yourself today, please tell me; you don't have to carry that alone."
        )
    elif risk is RiskLevel.LOW:
        parts.append("I remember things felt heavy for you last time.")
    return " ".join(parts)


def notes_of(summary: dict[str, Any] | None) -> SessionNotes | None:
    """The counselor's notes kept with a summary (None for summaries without them, or
    unreadable ones: memory must never stop a conversation from starting)."""
    raw = (summary or {}).get("notes")
    if not raw:
        return None
    try:
        return SessionNotes.model_validate(raw)
    except ValueError:
        return None


def session_notes(
    history: Sequence[Utterance],
    *,
    index: int,
    phase: str | None,
    risk_peak: RiskLevel,
    previous: SessionNotes | None,
) -> SessionNotes:
    """The counselor's notes on a conversation, by the same mechanism as a simulated
    course's (`counselors.notes`), kept content-free (phase, techniques, whether homework was
    agreed, peak risk) whether or not the operator stores text: the memory outlives the
    conversation and its retention, so it never quotes the user."""
    session = Session(
        id="conversation",
        counselor=AgentSpec(name="counselor"),
        client=AgentSpec(name="user"),
        turns=[Turn(speaker=u.speaker, text=u.text) for u in history if u.text.strip()],
    )
    notes = notes_from_session(session, index, phase, previous)
    notes = notes.model_copy(update={"risk": risk_peak.value, "ended": None})
    return content_free(notes)


def carries_risk(summary: dict[str, Any] | None) -> bool:
    return summary is not None and RiskLevel(summary.get("risk_peak", "none")).at_least(
        RiskLevel.LOW
    )


class CarryOverScreener(Screener):
    """A screener whose conversations start as if a stressor had already been disclosed."""

    def __init__(self, base: Screener) -> None:
        super().__init__(base.tiers)

    def conversation(self) -> ConversationScreener:
        conversation = ConversationScreener(self)
        conversation.stressor_seen = True
        return conversation
