"""Whose risk a message speaks of: the speaker's own, or someone else's (a worried friend,
parent or teacher asking how to help).

The screener's level says how much risk a message carries; `Whose` says who carries it, so
the crisis protocol can answer a worried helper as a helper, and an integration keyed on the
label can tell "I want to kill myself" from "my friend told me she wants to kill herself".

The reading is deliberately one-sided: a message is someone else's risk only when another
person is named at risk *and* nothing in it shows the speaker's own (a pattern cue, which the
pattern tier keeps only when the speaker owns it; a yes to a safety question; a means
question; a tier error; their own words, "me too"). Anything unclear is the speaker's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from theralab.safety.patterns import normalise
from theralab.safety.risk import Whose

# Signals that say nothing about whose risk it is (a learned tier's level, the conversation's
# persisting peak, a supporter's context): every other signal counts as the speaker's own risk.
_NEUTRAL_SIGNAL = re.compile(
    r"^(?:semantic(?:_about_other|_unsure|_condition)?:|persisting:|capped_by_context|"
    r"protective:|unchanged$|supporter$|minor$)"
)
# Someone else at risk: a third-person reflexive or possessive with a suicide or self-harm word.
_OTHER_AT_RISK = re.compile(
    r"\b(?:kill(?:s|ing|ed)?|hurt(?:s|ing)?|harm(?:s|ing|ed)?|cut(?:s|ting)?|end(?:s|ing)?|"
    r"off(?:ing)?) (?:her|him|them)sel(?:f|ves)\b"
    r"|\b(?:end(?:s|ing)?|take|takes|taking|took) (?:her|his|their) (?:own )?life\b"
    r"|\b(?:she|he|they)(?:'s|'re| is| are| was| were| has| have| had)?(?: \w+){0,3}? "
    r"(?:suicidal|(?:wants?|wanted|wanting|going|planning|plans?|tried|trying) to "
    r"(?:die|end it|kill|not be here))"
    r"|\b(?:her|his|their) (?:suicid|self[- ]?harm)"
)
# The speaker's own risk said in their own words, alongside someone else's.
_OWN_RISK_WORDS = re.compile(
    r"\b(?:kill(?:ing)? myself|hurt(?:ing)? myself|harm(?:ing)? myself|cut(?:ting)? myself|"
    r"end(?:ing)? my (?:own )?life|i(?:'m| am) suicidal|suicidal myself|i (?:want|wanna) to die|"
    r"i wish i (?:was|were) dead|(?:me|i do|i am|i feel|i've felt|i have) (?:that way )?too|"
    r"same here|i feel the same|so do i|i(?:'ve| have) (?:been )?(?:thinking|felt|feeling) "
    r"(?:about )?(?:that|it|the same) (?:too|as well)|myself too)\b"
)
# Still speaking of another person (a helper's later turns).
_THIRD_PERSON = re.compile(
    r"\b(?:she|he|they|her|him|them|their|his|my (?:\w+ )?(?:friend|mate|partner|sister|"
    r"brother|son|daughter|mum|mom|dad|husband|wife|boyfriend|girlfriend|student|cousin))\b"
)


def own_risk_shown(signals: Sequence[str], text: str) -> bool:
    """Whether a message shows the speaker's own risk: a signal that is not neutral about
    whose risk it is, or their own words."""
    if any(not _NEUTRAL_SIGNAL.match(s) for s in signals):
        return True
    return bool(text and _OWN_RISK_WORDS.search(normalise(text)))


def names_other_at_risk(text: str) -> bool:
    """Whether the message names another person at risk ("she wants to kill herself")."""
    return bool(text and _OTHER_AT_RISK.search(normalise(text)))


def speaks_of_other(text: str) -> bool:
    """Whether the message still speaks of another person (she, my friend, their…)."""
    return bool(text and _THIRD_PERSON.search(normalise(text)))


def whose_in_message(signals: Sequence[str], text: str) -> Whose:
    """Whose risk one message speaks of, read on its own."""
    if not own_risk_shown(signals, text) and names_other_at_risk(text):
        return Whose.OTHER
    return Whose.OWN
