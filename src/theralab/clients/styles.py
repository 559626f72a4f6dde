"""Surface realisation of a client turn in one of the six Patient-Ψ conversational styles."""

from __future__ import annotations

import random
from collections.abc import Callable

from theralab.errors import BadValue
from theralab.profiles.model import ClientProfile, Style
from theralab.text.perspective import ensure_period, lower_first

_UPSET_OPENERS = ("Honestly, ", "Look, ", "I mean, ", "")
_UPSET_CLOSERS = (
    "It's just so unfair.",
    "I'm sick of feeling like this.",
    "Nobody seems to get it.",
    "It's exhausting.",
)
_PLEASING_OPENERS = (
    "That's a really good question. ",
    "You're right. ",
    "Yes, definitely. ",
    "I think you're onto something. ",
)
_PLEASING_CLOSERS = (
    "But it's not that bad, really.",
    "I'm sure other people have it much worse.",
    "Sorry, I don't want to go on about it.",
)
_VERBOSE_FILLERS = (
    "And I don't know, it's just a lot all at once.",
    "I keep going round in circles about it, to be honest.",
    "I've been thinking about it pretty much all week.",
    "It's hard to explain, but it sits with me all day.",
)
_RESERVED_OPENERS = ("I guess ", "Maybe. ", "", "")
_TANGENT_BRIDGES = (
    ("Oh, that reminds me. ", " Anyway, sorry."),
    ("Sorry, this is random, but ", " Where was I?"),
    ("", " But that's beside the point."),
)


def render(
    style: Style,
    sentences: list[str],
    rng: random.Random,
    profile: ClientProfile,
    extra: Callable[[], str | None],
    tangent: Callable[[], str | None],
) -> str:
    """Join planned content sentences into one utterance in the client's style.

    `extra` yields one more thing the client could volunteer (verbose clients do); `tangent`
    yields the client's next digression (tangential clients drift into them).
    """
    parts = [ensure_period(s) for s in sentences if s]
    if not parts:
        parts = ["I don't know."]
    if style is Style.PLAIN:
        return " ".join(parts)
    if style is Style.VERBOSE:
        more = extra()
        if more:
            parts.append(ensure_period(more))
        if rng.random() < 0.5:
            parts.append(rng.choice(_VERBOSE_FILLERS))
        return " ".join(parts)
    if style is Style.RESERVED:
        opener = rng.choice(_RESERVED_OPENERS)
        first = max(parts, key=len)  # a reserved client says the one thing that matters
        return (
            opener + lower_first(first)
            if opener.endswith(" ") and opener != "Maybe. "
            else opener + first
        )
    if style is Style.UPSET:
        opener = rng.choice(_UPSET_OPENERS)
        parts[0] = opener + lower_first(parts[0]) if opener else parts[0]
        if rng.random() < 0.45:
            parts.append(rng.choice(_UPSET_CLOSERS))
        return " ".join(parts)
    if style is Style.PLEASING:
        parts[0] = rng.choice(_PLEASING_OPENERS) + parts[0]
        if rng.random() < 0.35:
            parts.append(rng.choice(_PLEASING_CLOSERS))
        return " ".join(parts)
    if style is Style.TANGENT:
        if rng.random() < 0.4:
            drift = tangent()
            if drift:
                # Rotate the bridges by tangent so the same phrase never comes twice running.
                i = profile.tangents.index(drift) if drift in profile.tangents else 0
                before, after = _TANGENT_BRIDGES[i % len(_TANGENT_BRIDGES)]
                digression = before + (lower_first(drift) if before.endswith("but ") else drift)
                return " ".join([*parts, ensure_period(digression) + after])
        return " ".join(parts)
    raise BadValue(f"unknown style {style!r}")
