"""Sentence splitting, clean-up and first → second person rewriting for reflections."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_FILLERS = re.compile(
    r"^(?:(?:honestly|look|well|i mean|you know|so|and|but|okay|ok|yeah|yes|um|uh|right|"
    r"anyway|sorry|i guess|i hear you,? but|mostly|honestly\?|though|maybe\.)\s*,?\s+)+",
    re.IGNORECASE,
)

# Contractions and pronouns, first person → second person. Keys are lower case.
_FIRST_TO_SECOND = {
    "i": "you",
    "i'm": "you're",
    "i've": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
    # texting without the apostrophe ("im 17", "ive tried"); "id" and "ill" are words too
    "im": "you're",
    "ive": "you've",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "we're": "you're",
    "our": "your",
    "ours": "yours",
    "us": "you",
    "ourselves": "yourselves",
    "am": "are",
}
# "You" is left alone: in clients' speech it is mostly the generic you ("they always find
# something wrong once you get older"), which must survive the rewrite unchanged.
_PAST_BE = {"was": "were", "wasn't": "weren't"}
_WAS_AFTER = {"i", "you"}
# A word spelt letter by letter with dots, dashes or stars ("s.u.i.c.i.d.e") is one token, so
# its "i"s are not pronouns; then words; then anything else.
_TOKEN = re.compile(r"(?:[A-Za-z][.*\-_]){2,}[A-Za-z]?|[A-Za-z']+|[^A-Za-z']+")
# Words in quotation marks are someone's own ("my boss wrote "I will fire you"", "she asked me
# 'do you even want to be with me?'"): kept as said. A single quotation mark opens before a
# letter and closes after one, so apostrophes inside ("'I'm sorry, I'll do better'") stay in.
_QUOTED = re.compile(
    r'"[^"]*"|\u201c[^\u201d]*\u201d|\u2018[^\u2019]*\u2019'
    r"|(?<!\w)'(?=\w)(?:[^'\n]|'(?=\w))*'(?!\w)"
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (simple punctuation rules, good for conversational text)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip())]
    return [p for p in parts if p]


def strip_fillers(sentence: str) -> str:
    """Remove leading discourse fillers ("Honestly, I mean, ...")."""
    return _FILLERS.sub("", sentence).strip()


def to_second_person(sentence: str) -> str:
    """Rewrite a client's first-person sentence as the counselor would say it back.

    "I'm worried my boss thinks I'm lazy." → "you're worried your boss thinks you're lazy"
    The result has no final punctuation and starts in lower case (unless it starts with "I").
    """
    text = strip_fillers(sentence).rstrip(".!?… ")
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    out: list[str] = []
    prev_word = ""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        low = tok.lower()
        if any(start < m.start() < end for start, end in quoted) or (
            tok[0].isalpha() and len(tok) > 1 and tok[1] in ".*-_"
        ):
            out.append(tok)  # inside quotation marks, or a word spelt letter by letter
            prev_word = low
            continue
        if (not tok[0].isalpha() and tok[0] != "'") or (
            m.start() and text[m.start() - 1].isdigit()
        ):
            out.append(tok)  # not a word, or the end of one that starts with a digit ("3am")
            continue
        if low in _FIRST_TO_SECOND:
            new = _FIRST_TO_SECOND[low]
        elif low in _PAST_BE and prev_word in _WAS_AFTER:
            new = _PAST_BE[low]
        else:
            new = tok
        # Keep proper nouns and the pronoun "I" capitalised, lower-case everything we rewrote.
        if new != tok and new != "I":
            new = new.lower()
        out.append(new)
        prev_word = low
    text = "".join(out).strip()
    if text and not text.startswith("I ") and text[:2] != "I'":
        text = text[0].lower() + text[1:]
    return text


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the text starts with the pronoun I."""
    if not text or text.startswith(("I ", "I'")):
        return text
    return text[0].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def ensure_period(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def word_count(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))
