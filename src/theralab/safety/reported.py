"""What an app's own instructions report about the person, in the person's words.

Apps that keep long conversations often compress them into a summary in the system prompt
("Earlier conversation summary: the user said they have pills ready and plan to end their life
tonight") and send only the last few turns. The guardrail screens the person's turns; a crisis
told only in that summary would otherwise be invisible to it. `reported_by_app` finds the
sentences of an app message that report the person's state or words and rewrites them in the
first person ("I have pills ready and plan to end my life tonight"), for the screener to read
as something the person said before. Instructions ("If the user says they want to die, …",
"You are a supportive assistant") are not reports and are left alone.
"""

from __future__ import annotations

import re

_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_PERSON = r"(?:the )?(?:user|client|patient|person|caller|member|customer|student|human)"
# The person named as the subject of a report ("the user said", "the client has", "user is").
_REPORT = re.compile(
    rf"\b{_PERSON}(?:'s)?\s+(?:(?:has|had|have) )?(?:(?:said|says|told (?:us|me|you|the \w+)|"
    r"mentioned|disclosed|reported|shared|wrote|stated|admitted|expressed|revealed|explained|"
    r"confided|indicated)(?:\s+(?:last night|yesterday|today|earlier|this morning|this week|"
    r"recently|before|in (?:the )?(?:last|previous) (?:session|chat)))?(?: that)?\s+|(?=(?:is|was|"
    r"has|had|feels|felt|plans|planned|wants|"
    r"wanted|took|has taken|attempted|intends|intended|keeps|kept|thinks|thought|hears|heard|"
    r"believes|believed|sounds|seems|appears|hasn'?t|doesn'?t|can'?t|won'?t)\b))",
    re.IGNORECASE,
)
# After a report, a pronoun carries it on ("…; she mentioned she keeps her late husband's pills").
_PRONOUN_REPORT = re.compile(
    r"\b(?:she|he|they)\s+(?:(?:has|had|have) )?(?:said|says|told (?:us|me|you|the \w+)|"
    r"mentioned|disclosed|reported|shared|wrote|stated|admitted|expressed|revealed|explained|"
    r"confided|indicated)(?: that)?\s+",
    re.IGNORECASE,
)
# Sentences that tell the assistant what to do are instructions, not reports: they open with an
# order, say what to do if or when the person says something, or speak to the assistant.
_INSTRUCTION = re.compile(
    r"^\W*(?:if|when|whenever|in case|never|always|do not|don'?t|avoid|respond|reply|answer|"
    r"refer|redirect|encourage|remind|please|make sure|be)\b|\b(?:if|when|whenever|in case|unless) "
    rf"{_PERSON}\b|\b(?:if|when|whenever|in case|unless) (?:they|he|she)\b|\byou (?:are|should|"
    r"must|will|need to|may|can)\b|\byou'?re\b|\byour role\b|\bas an ai\b|\bassistant\b|"
    r"\bguidelines?\b|\bpolicy\b",
    re.IGNORECASE,
)
_SWAPS = (
    (re.compile(r"\b(?:themselves|himself|herself|themself)\b", re.IGNORECASE), "myself"),
    (re.compile(r"\b(?:their|his)\b", re.IGNORECASE), "my"),
    (
        re.compile(
            r"\bher(?=\s+(?:own |late |\w+ )?(?:life|pills|tablets|meds|medication|plan|note|"
            r"family|kids|children|partner|husband'?s?|wife|job|mum|mom|dad|friends?|body|wrists?|"
            r"room|car|house|gun|divorce|breakup|ex|boyfriend|girlfriend|son|daughter|baby|mother|"
            r"father|sister|brother|boss|work|school|exams?|health|diagnosis|antidepressants|"
            r"sleeping pills|insulin|parents|stash|supply|things|plans?)\b)",
            re.IGNORECASE,
        ),
        "my",
    ),
    (re.compile(r"\b(?:they|he|she)(?:'re| are| is)\b", re.IGNORECASE), "I am"),
    (re.compile(r"\b(?:they|he|she)(?:'ve| have| has)\b", re.IGNORECASE), "I have"),
    (re.compile(r"\b(?:they|he|she)(?:'ll| will)\b", re.IGNORECASE), "I will"),
    (re.compile(r"\b(?:they|he|she)\b", re.IGNORECASE), "I"),
    (re.compile(r"\bhim\b", re.IGNORECASE), "me"),
)
_VERB_AFTER_I = (
    (re.compile(r"^(?:is|'s)\b", re.IGNORECASE), "am"),
    (re.compile(r"^has\b", re.IGNORECASE), "have"),
    (re.compile(r"^(feel|plan|want|intend|keep|think|hear|believe|seem|appear)s\b", re.I), r"\1"),
    (re.compile(r"^doesn'?t\b", re.IGNORECASE), "don't"),
    (re.compile(r"^hasn'?t\b", re.IGNORECASE), "haven't"),
)


_AGREE = (
    (re.compile(r"\bI is\b"), "I am"),
    (re.compile(r"\bI has\b"), "I have"),
    (re.compile(r"\bI doesn'?t\b"), "I don't"),
    (re.compile(r"\bI hasn'?t\b"), "I haven't"),
    # "I keeps" → "I keep"
    (
        re.compile(
            r"\bI (keep|feel|plan|want|think|hear|believe|seem|appear|take|need|say|get|hate|"
            r"cut|use|drink|hide|wish|own|live|work|cr[iy]|stor|sav|hoard)(e?s)\b"
        ),
        r"I \1",
    ),
)


def _first_person(clause: str) -> str:
    for rx, repl in _VERB_AFTER_I:
        clause = rx.sub(repl, clause, count=1)
    for rx, repl in _SWAPS:
        clause = rx.sub(repl, clause)
    for rx, repl in _AGREE:
        clause = rx.sub(repl, clause)
    return clause


def reported_by_app(text: str) -> list[str]:
    """The reports about the person in an app's message, each rewritten as the person's own
    words (first person); [] when it holds none."""
    out: list[str] = []
    for sentence in _SENTENCES.split(text):
        m = _REPORT.search(sentence) or (_PRONOUN_REPORT.search(sentence) if out else None)
        if m is None or _INSTRUCTION.search(sentence):
            continue
        clause = sentence[m.end() :].strip()
        if not clause:
            continue
        said = _first_person(clause)
        out.append(said if said.lower().startswith("i ") else f"I {said}")
    return out
