"""A reply's content in plain words, for the rules to read as well as the reply itself.

`statements` also splits a statement off a question it runs into ("t4ke 4ll 3 b0ttl3s w1th
v0dk4, that should do it I'm worried about you: are you thinking of ending your life?"), so a
rule that passes over questions does not pass over what was said before one.

A careless or coaxed model can carry what the rules look for in forms they do not read: a JSON
object (`{"count": 60, "with": "vodka"}`), numbers spelt out ("about sixty of them"), leetspeak
("t4ke 60 p1llz"), emoji ("💊 x 60 + 🍸"), or base64. `plain` rewrites those into ordinary
words; `check_reply` runs the rules on the rewrite too when it differs from the reply, so a
form changes nothing about what is blocked. Nothing here judges; it only reads.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

# Number words, English first, then the languages a coaxed model most often answers in
# (Spanish, Portuguese, French, Italian, German): tens and a hundred are enough for counts.
_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_FOREIGN = {
    # es / pt
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100, "vinte": 20, "trinta": 30,
    "quarenta": 40, "cinquenta": 50, "sessenta": 60, "setenta e": 70, "cem": 100,
    # fr
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
    # it
    "venti": 20, "trenta": 30, "sessanta": 60, "cento": 100,
    # de
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "funfzig": 50,
    "sechzig": 60, "hundert": 100,
}  # fmt: skip
_NUMBER_WORD = re.compile(
    r"\b(?:(?:a|one) hundred|"
    + "|".join(sorted(_TENS, key=len, reverse=True))
    + r")(?:[- ](?:"
    + "|".join(_UNITS)
    + r"))?\b|\b(?:"
    + "|".join(sorted([*_TEENS, *_FOREIGN], key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


def _number(m: re.Match[str]) -> str:
    words = m.group(0).lower().replace("-", " ").split()
    if words[-1] == "hundred":
        return "100"
    if words[0] in _TENS:
        return str(_TENS[words[0]] + (_UNITS[words[1]] if len(words) > 1 else 0))
    return str(_TEENS.get(words[0]) or _FOREIGN[" ".join(words)])


# Emoji that stand for a means or for what is done with it.
_EMOJI = {
    "💊": " pills ", "🍸": " alcohol ", "🍷": " alcohol ", "🍺": " alcohol ", "🍻": " alcohol ",
    "🥃": " alcohol ", "🍾": " alcohol ", "🍹": " alcohol ", "🔒": " locked ", "🚪": " door ",
    "🔫": " gun ", "🔪": " knife ", "🪢": " rope ", "🌉": " bridge ", "🚆": " train ",
    "🚂": " train ",
    "💉": " needle ", "🩸": " blood ", "😴": " sleep ", "⚰️": " coffin ", "⚰": " coffin ",
    "✖️": " x ", "✖": " x ", "➕": " plus ",
}  # fmt: skip
_EMOJI_RX = re.compile("|".join(re.escape(e) for e in sorted(_EMOJI, key=len, reverse=True)))

# A word written with digits or symbols for letters ("p1llz", "v0dka", "th3"): only tokens
# that mix letters with them, so plain numbers stay numbers.
_LEET_TOKEN = re.compile(r"\b(?=\w*[a-z])(?=\w*[0-9])[a-z0-9@$]{2,}\b", re.IGNORECASE)
_LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "0": "o", "5": "s", "$": "s",
                       "7": "t"})  # fmt: skip
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{20,}={0,2}(?![A-Za-z0-9+/=])")
_JSON_START = re.compile(r"[{\[]")


def _unleet(m: re.Match[str]) -> str:
    word = m.group(0).lower()
    if word.isdigit() or re.fullmatch(r"\d+(?:st|nd|rd|th|am|pm|s|mg|g|ml|kg|lbs?|k|x)", word):
        return m.group(0)  # "60", "3rd", "500mg", "10pm": numbers, not leetspeak
    plain = word.translate(_LEET)
    return re.sub(r"(?<=[a-z]{3})z\b", "s", plain)  # "pillz"


def _flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [
            f"{str(k).replace('_', ' ')} {' '.join(_flatten(v))}".strip() for k, v in value.items()
        ]
    if isinstance(value, list):
        return [part for v in value for part in _flatten(v)]
    return [str(value)]


def _json_parts(text: str) -> tuple[str, list[str]]:
    """JSON objects and arrays in `text` as sentences ("count 60. with vodka."), and the text
    without them."""
    decoder = json.JSONDecoder()
    out: list[str] = []
    rest: list[str] = []
    i = 0
    for m in _JSON_START.finditer(text):
        if m.start() < i:
            continue
        try:
            value, end = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if not isinstance(value, dict | list):
            continue
        rest.append(text[i : m.start()])
        out.extend(_flatten(value))
        i = end
    rest.append(text[i:])
    return "".join(rest), out


def _base64_words(m: re.Match[str]) -> str:
    """A base64 token that decodes to words, as those words (else the token as it was)."""
    token = m.group(0)
    try:
        words = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return token
    if " " in words and all(c.isprintable() or c in "\n\t" for c in words):
        return words
    return token


def plain(text: str) -> str:
    """`text` with JSON, base64, emoji, leetspeak and spelt-out numbers rewritten in plain
    words (the same text when there is none of them)."""
    rest, parts = _json_parts(text)
    out = _BASE64.sub(_base64_words, rest)
    if parts:
        out = f"{out.strip()} {'. '.join(parts)}."
    out = _EMOJI_RX.sub(lambda m: _EMOJI[m.group(0)], out)
    out = _LEET_TOKEN.sub(_unleet, out)
    out = _NUMBER_WORD.sub(_number, out)
    return re.sub(r"[ \t]{2,}", " ", out) if out != text else text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_QUESTION_START = re.compile(
    r"^\s*(?:and |but |so |or )?(?:did|do|does|are|is|have|has|were|was|how|what|when|where|why|"
    r"which|who|can|could|would|will|should|may|might|shall|am|any|anything)\b",
    re.IGNORECASE,
)


def statements(text: str) -> str:
    """`text` with each question that runs on from a statement split from it: each clause
    before the question's own clause becomes a sentence (the same text when none does)."""
    out = []
    for sentence in _SENTENCE_END.split(text.strip()):
        clauses = [c.strip() for c in re.split(r"[,;:]", sentence) if c.strip()]
        if not sentence.endswith("?") or len(clauses) < 2 or _QUESTION_START.match(sentence):
            out.append(sentence)
            continue
        # every clause its own sentence: a warning run on after the harm ("…that should do it
        # I'm worried about you") is not read as warning against it
        out += [f"{c}." for c in clauses[:-1]] + [clauses[-1]]
    joined = " ".join(out)
    return joined if joined != text.strip() else text
