"""A counselor's session notes, written from the session's record.

One mechanism for every counselor — scripted, model-backed or someone else's bot: the notes
are read from what the client said (the same listener the scripted counselors use) and from
the turns' annotations, so no counselor has to keep them itself. `content_free` strips every
field that quotes the client, for deployments that do not store text.
"""

from __future__ import annotations

import re

from theralab.counselors.listening import Listener
from theralab.dialogue.codes import TalkType
from theralab.dialogue.courses import SessionNotes
from theralab.dialogue.records import Session, Speaker, Turn
from theralab.dialogue.risk import max_level
from theralab.text.perspective import to_second_person

_STEP = re.compile(r"\bI(?: think I)? (?:could|will|'ll|can)\b.*", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\s*(?:if|unless|what if)\b", re.IGNORECASE)
_SUGGESTION = re.compile(
    r"\b(?:one option is|you could|you might|how about you|it might help) to ([^.?!]{6,200}?)"
    r"(?: this week| before we next meet| over the next few days)?[.?!]",
    re.IGNORECASE,
)

# Strategies that name the session's housekeeping, not a technique.
_NOT_TECHNIQUES = frozenset(
    {"greeting", "review", "safety_check_in", "engage", "crisis", "guardrail"}
)


def notes_from_session(
    session: Session,
    index: int,
    phase: str | None = None,
    previous: SessionNotes | None = None,
) -> SessionNotes:
    """The notes after session `index` of a course. The focus carries over from `previous`
    when the client did not name a new one (a later session opens with a review, so its
    first turn is about the homework, not the problem)."""
    listener = Listener()
    before = _before_crisis(session)
    for turn in before:
        if turn.speaker is Speaker.CLIENT:
            listener.hear(turn.text)
    focus = listener.focus
    if focus is None and previous is not None and previous.focus:
        focus = previous.focus
    techniques: list[str] = []
    for turn in session.turns:
        strategy = turn.annotations.strategy if turn.speaker is Speaker.COUNSELOR else None
        if strategy and strategy not in _NOT_TECHNIQUES and strategy not in techniques:
            techniques.append(strategy)
    peak = max_level(t.annotations.risk for t in session.turns if t.annotations.risk)
    homework = _homework(before, listener)
    return SessionNotes(
        session=index,
        phase=phase,
        focus=focus,
        thought=listener.thought,
        balanced=listener.balanced,
        homework=homework,
        homework_agreed=homework is not None,
        techniques=techniques[:6],
        risk=peak.value,
        ended=session.stop_reason.value if session.stop_reason else None,
    )


def _before_crisis(session: Session) -> list[Turn]:
    """The session's turns before the crisis protocol first answered: what the client says to
    the protocol (a person to call tonight, a safe place) is a safety plan, not the session's
    focus, thought or homework. The risk itself is kept in the notes' `risk`."""
    for i, turn in enumerate(session.turns):
        guard = turn.annotations.guard
        crisis = (guard is not None and guard.crisis) or turn.annotations.strategy == "crisis"
        if turn.speaker is Speaker.COUNSELOR and crisis:
            return session.turns[:i]
    return list(session.turns)


def _homework(turns: list[Turn], listener: Listener) -> str | None:
    """What the client agreed to try, said back in the second person: a suggestion of the
    counselor's ("One option is to … this week") the client took up, else a step the client
    committed to in its own words."""
    suggestion: str | None = None
    coder = listener.coder
    for turn in turns:
        if turn.speaker is Speaker.COUNSELOR:
            if m := _SUGGESTION.search(turn.text):
                suggestion = m.group(1).strip()
            continue
        if suggestion is not None and coder.code_client(turn.text) is TalkType.CHANGE:
            return f"you would {suggestion}"
        suggestion = None
    if not listener.committed or _CONDITIONAL.match(listener.committed):
        return None  # "If I fail I could lose…" is a fear, not a step
    step = _STEP.search(listener.committed)  # "I suppose I passed, and I could ask…" → the step
    return to_second_person(step.group(0) if step else listener.committed)


def content_free(notes: SessionNotes) -> SessionNotes:
    """The notes without anything the client said: phase, techniques, whether homework was
    agreed, risk and how the session ended."""
    return notes.model_copy(
        update={
            "focus": None,
            "thought": None,
            "balanced": None,
            "homework": None,
        }
    )
