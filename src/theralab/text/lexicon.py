"""Small hand-written lexicons: feeling words, emotion groups and change-talk cues."""

from __future__ import annotations

import functools
import re

# Words a client may use for each emotion group, and how a counselor names the feeling.
EMOTION_WORDS: dict[str, tuple[str, ...]] = {
    "anxious": (
        "anxious",
        "worried",
        "nervous",
        "scared",
        "on edge",
        "tense",
        "panicky",
        "afraid",
        "dread",
        "stressed",
        "overwhelmed",
        "uneasy",
    ),
    "sad": (
        "sad",
        "down",
        "low",
        "empty",
        "hopeless",
        "miserable",
        "lonely",
        "flat",
        "heartbroken",
        "numb",
        "tired",
    ),
    "angry": (
        "angry",
        "furious",
        "annoyed",
        "irritated",
        "frustrated",
        "mad",
        "fed up",
        "resentful",
    ),
    "ashamed": ("ashamed", "embarrassed", "humiliated", "small", "stupid", "pathetic"),
    "disappointed": ("disappointed", "let down", "discouraged", "defeated"),
    "jealous": ("jealous", "envious"),
    "guilty": ("guilty", "bad about", "my fault", "to blame"),
    "hurt": ("hurt", "rejected", "unwanted", "left out", "abandoned", "betrayed"),
    "suspicious": ("suspicious", "distrustful", "wary", "don't trust"),
}

# A counselor's name for a feeling in a group, a little deeper than the plain word.
FEELING_NAMES: dict[str, tuple[str, ...]] = {
    "anxious": ("anxious", "on edge", "worried", "uneasy"),
    "sad": ("low", "sad", "weighed down", "discouraged"),
    "angry": ("frustrated", "angry", "fed up", "resentful"),
    "ashamed": ("ashamed", "embarrassed", "exposed"),
    "disappointed": ("disappointed", "let down", "deflated"),
    "jealous": ("jealous", "left behind", "envious"),
    "guilty": ("guilty", "responsible", "bad about yourself"),
    "hurt": ("hurt", "rejected", "pushed aside"),
    "suspicious": ("wary", "suspicious", "on guard"),
}

# Words that are feelings only after a feeling verb or intensifier ("slammed the plate down",
# "my bread came out flat" are not sadness).
_AMBIGUOUS = frozenset({"down", "low", "flat", "empty", "tired", "small", "stupid"})
_FEELING_LEAD = r"(?:feel|feels|feeling|felt|so|really|very|pretty|quite|i'm|i am|been|and) "


def _word_pattern(word: str) -> str:
    escaped = re.escape(word)
    return _FEELING_LEAD + r"(?:really |so |very )?" + escaped if word in _AMBIGUOUS else escaped


_EMOTION_PATTERNS = {
    group: re.compile(r"\b(?:" + "|".join(_word_pattern(w) for w in words) + r")\b", re.IGNORECASE)
    for group, words in EMOTION_WORDS.items()
}
ALL_FEELING_WORDS = frozenset(
    w for words in (*EMOTION_WORDS.values(), *FEELING_NAMES.values()) for w in words
)


def emotions_in(text: str) -> list[str]:
    """Emotion groups whose words appear in the text, in lexicon order."""
    return list(_emotions(text))


@functools.lru_cache(maxsize=20_000)  # scripted counselors hear the same sentences again
def _emotions(text: str) -> tuple[str, ...]:
    return tuple(g for g, pat in _EMOTION_PATTERNS.items() if pat.search(text))


# One pass over the text; the lookahead lets overlapping words ("let down", "down") all match.
_FEELING_WORD = re.compile(
    r"\b(?=("
    + "|".join(re.escape(w) for w in sorted(ALL_FEELING_WORDS, key=len, reverse=True))
    + r")\b)",
    re.IGNORECASE,
)


def feeling_words_in(text: str) -> set[str]:
    """Every feeling word (from both lexicons) that occurs in the text, lower case."""
    return {m.lower() for m in _FEELING_WORD.findall(text)}


CHANGE_TALK = re.compile(
    r"\b(?:i (?:really )?(?:want|would like|'d like|need|have) to (?!keep)|i could|"
    r"(?<!if )i can(?!'t)|"
    r"i will|i'm going to|i am going to|i'll|i(?:'m| am) (?:tired|sick) of|"
    r"i can't keep|can't go on like this|(?:i know|maybe) i should|i'm ready|i'd be willing|"
    r"i'd love to|it would be (?:good|nice|better)|i miss|it's costing me|"
    r"i don't want to (?:keep|end up|be)|i'm worried (?:about|that) (?:my|what)|"
    r"has to change|need(?:s)? to change|i think i could|i might try|i'm willing)\b",
    re.IGNORECASE,
)
SUSTAIN_TALK = re.compile(
    r"\b(?:i don't (?:really )?(?:need|want|think i need|see why)|it's not (?:that|a) (?:bad|big)|"
    r"it's not a problem|what's the point|i can't (?!keep)|i'm fine|it helps me|"
    r"everyone (?:does|else)|it's just how i am|i don't have time|i'm not ready|"
    r"that won't work|i've tried (?:that|everything)|who (?:else )?will|"
    r"(?:i'm|i am) not sure (?:i|it)|easier said than done|i doubt|"
    r"i like (?:it|how)|it's the only thing|no one (?:else )?will|would just make|"
    r"(?:don't|do not) know if i (?:can|could)|not that simple|it's fine as it is)\b",
    re.IGNORECASE,
)
