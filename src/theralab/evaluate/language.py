"""Text the coders cannot read: utterances that are not English.

The MI coder and the empathy coder are trained on English corpora only (AnnoMI, ESConv,
MI-Welivita, EPITOME): given Spanish or German they still answer, with confident codes that mean
nothing ("¿Qué te trae hoy por aquí?" coded a closed question). They keep coding such text (a
code is still given, so outputs stay aligned with their inputs), but each utterance is checked
with the screener's language identifier (`theralab.safety.language.not_english`), and callers
mark what the coder could not read:

- `unread_language(text)`: the language of one utterance the coders cannot read, else None;
- `unread_share(texts)`: the share of such utterances (None for no text);
- `language_check(texts)`: that share, the languages found and, at `UNREAD_SHARE` or more, a
  reason to mark figures computed from these codes (e.g. MITI scores) as low-confidence.

Short English replies ("Okay.", "Mm-hmm.", "Tell me more.") are never flagged: the identifier
needs four words or more of Latin-script text with fewer than two English function words
(see `theralab.safety.language`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from theralab.safety.language import not_english

__all__ = [
    "UNREAD_SHARE",
    "LanguageCheck",
    "language_check",
    "unread_language",
    "unread_languages",
    "unread_share",
]

# The share of a session's coded utterances in another language from which figures computed
# from their codes are marked low-confidence: one in five.
UNREAD_SHARE = 0.2


def unread_language(text: str) -> str | None:
    """The language of `text` when the coders cannot read it (confidently not English:
    an ISO 639-1 code such as "es", or "other-script"), else None."""
    if not text or not text.strip():
        return None
    return not_english(text)


def unread_languages(texts: Iterable[str]) -> list[str | None]:
    """`unread_language` of each text, in order."""
    return [unread_language(t) for t in texts]


def unread_share(texts: Iterable[str]) -> float | None:
    """The share (0–1) of `texts` the coders cannot read; None when there is no text."""
    found = unread_languages(texts)
    if not found:
        return None
    return sum(lang is not None for lang in found) / len(found)


@dataclass(frozen=True)
class LanguageCheck:
    """How much of a set of coded utterances is in a language the coders cannot read."""

    n: int  # utterances checked
    unread: int  # of them, not English
    languages: dict[str, int] = field(default_factory=dict)  # language → utterances
    low_confidence: bool = False
    reason: str = ""

    @property
    def share(self) -> float | None:
        return self.unread / self.n if self.n else None


def language_check(texts: Iterable[str], threshold: float = UNREAD_SHARE) -> LanguageCheck:
    """The language check of `texts` (e.g. a session's coded counselor sentences): low
    confidence when at least `threshold` of them are in a language the coders cannot read."""
    found = unread_languages(texts)
    langs = Counter(lang for lang in found if lang is not None)
    unread = sum(langs.values())
    if not found or unread == 0 or unread / len(found) < threshold:
        return LanguageCheck(len(found), unread, dict(langs))
    named = ", ".join(f"{lang} {k}" for lang, k in langs.most_common())
    return LanguageCheck(
        len(found),
        unread,
        dict(langs),
        True,
        f"{unread} of {len(found)} coded utterance(s) are not English ({named}); the coder "
        "reads English only, so its codes of them mean nothing",
    )
