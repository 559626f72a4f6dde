"""PII redaction before text leaves for a third-party model.

Emails, phone numbers and street addresses are found by pattern. Names have no reliable
pattern, so a name is redacted where the text marks it as one — an introduction ("my name is
…", "call me …"), a title ("Dr …"), or a relationship ("my sister Ana") — and from then on
wherever that name recurs in the same conversation. It is a heuristic: it lowers what reaches a
provider, it does not guarantee nothing does (see docs/serve.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from theralab.agents import Agent, Reply, Utterance
from theralab.dialogue.records import AgentSpec

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,5}){1,5}(?![\w])"
)
_STREET_SUFFIX = (
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|close|way|"
    r"place|pl|terrace|crescent|square|sq|highway|hwy|parkway|row|gardens|grove|mews)"
)
ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}" + _STREET_SUFFIX + r"\b\.?"
    r"(?:,?\s+(?:apt|apartment|flat|unit|suite)\.?\s*\w+)?",
)
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]{2}\s+\d{5}(?:-\d{4})?)\b")
_NAME = r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?"
_INTRO = re.compile(
    r"\b(?i:my name is|my name's|i am called|i'm called|call me|they call me|i'm|i am|"
    r"this is)\s+(" + _NAME + r")"
)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(" + _NAME + r")")
_RELATION = re.compile(
    r"\b(?i:my|our|his|her|their)\s+(?i:wife|husband|partner|boyfriend|girlfriend|son|"
    r"daughter|mother|mom|mum|father|dad|brother|sister|friend|best friend|boss|manager|"
    r"colleague|coworker|co-worker|teacher|doctor|therapist|neighbour|neighbor|ex|fiance|"
    r"fiancee|cousin|aunt|uncle|grandma|grandmother|grandpa|grandfather|child|kid|baby|"
    r"flatmate|roommate|housemate|landlord|supervisor),?\s+(" + _NAME + r")"
)
# Capitalised words after "I'm" that are feelings or states, not names.
_NOT_NAMES = frozenset(
    {
        "Fine", "Okay", "Ok", "Sorry", "Not", "So", "Just", "Really", "Tired", "Sad", "Here",
        "Scared", "Afraid", "Angry", "Done", "Good", "Bad", "Worried", "Anxious", "Going",
        "Trying", "Still", "Very", "Always", "Never", "The", "A", "An", "In", "On", "At",
    }
)  # fmt: skip


_YEARS_OR_DATE = re.compile(
    r"^(?:(?:19|20)\d\d\s?[-.]\s?(?:19|20)\d\d|\d{1,4}[-.]\d{1,2}[-.]\d{1,4})$"
)


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _PHONE_CANDIDATE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group())
        if 7 <= digits <= 15 and not _YEARS_OR_DATE.match(m.group()):
            spans.append(m.span())
    return spans


@dataclass
class Redactor:
    """Redacts one conversation's messages; names it learns are redacted in later ones too."""

    names: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)

    def learn_names(self, text: str) -> None:
        for pattern in (_INTRO, _TITLE, _RELATION):
            for m in pattern.finditer(text):
                full = m.group(1)
                first = full.split()[0]
                if first in _NOT_NAMES:
                    continue
                self.names.add(full)
                self.names.update(full.split())

    def redact(self, text: str) -> str:
        self.learn_names(text)
        spans: list[tuple[int, int, str]] = []
        for pattern, label in ((EMAIL, "EMAIL"), (ADDRESS, "ADDRESS"), (POSTCODE, "ADDRESS")):
            spans.extend((*m.span(), label) for m in pattern.finditer(text))
        spans.extend((a, b, "PHONE") for a, b in _phone_spans(text))
        for name in sorted(self.names, key=len, reverse=True):
            for m in re.finditer(r"\b" + re.escape(name) + r"\b", text):
                spans.append((*m.span(), "NAME"))
        return self._apply(text, spans)

    def _apply(self, text: str, spans: list[tuple[int, int, str]]) -> str:
        out: list[str] = []
        pos = 0
        for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            if start < pos:
                continue  # overlaps a span already replaced
            out.append(text[pos:start])
            out.append(f"[{label}]")
            self.counts[label] += 1
            pos = end
        out.append(text[pos:])
        return "".join(out)


def redact_pii(text: str) -> str:
    """Redact one text on its own (no names learned from earlier messages)."""
    return Redactor().redact(text)


class RedactingAgent:
    """Passes the conversation to `inner` with PII redacted from every utterance.

    Placed inside the guardrail, so crisis screening still reads what the person wrote.
    """

    def __init__(self, inner: Agent) -> None:
        self.inner = inner
        self.redactor = Redactor()

    @property
    def spec(self) -> AgentSpec:
        inner = self.inner.spec
        return AgentSpec(
            name=inner.name, engine=inner.engine, params={**inner.params, "redact_pii": True}
        )

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        for u in history:  # learn names anywhere first, so earlier mentions are caught too
            self.redactor.learn_names(u.text)
        cleaned = tuple(Utterance(u.speaker, self.redactor.redact(u.text)) for u in history)
        return await self.inner.respond(cleaned)
