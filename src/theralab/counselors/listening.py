"""What a scripted counselor hears: the client's own words, and how to say them back.

Counselors read client text only. `Listener` keeps track of what the client has said (the
feelings, automatic thought, balanced thought, change and sustain talk, the focus they chose);
the `reflect_*` functions compose reflections out of those words.

A reflection never restates an unverifiable belief as fact ("So for you, you know people have
been stalking you."): when the client's words carry a delusion-like claim (surveillance, plots,
thoughts heard by others, voices, being dead, special powers), the reflection names the feeling
and the experience instead of the claim.

Nor does it say back words a counselor must not repeat or cannot read (`echoable`): risk
words and self-harm imperatives, whoever said them first ("my cousin told me to go unalive
myself" is not answered with "…told you to go unalive yourself"); words hidden by spelling
("s.u.i.c.i.d.e"); text that is not English, wholly or in part ("my abuela dice que soy una
carga…"); and a question, which said back becomes a statement ("…what should you do."): the
question is left off what is said back, and a sentence that is only a question is not said
back at all.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field

from theralab.coding.rules import RuleCoder
from theralab.dialogue.codes import MiscCode, TalkType
from theralab.safety.language import reads_as_english
from theralab.safety.patterns import find_cues, normalise, spelt_out
from theralab.safety.risk import RiskLevel
from theralab.text.lexicon import FEELING_NAMES, emotions_in, feeling_words_in
from theralab.text.perspective import split_sentences, strip_fillers, to_second_person, word_count

_DIGRESSION = re.compile(
    r"\b(?:reminds me|this is random|beside the point|where was i|anyway, sorry|"
    r"good question|you're right|you're onto something|i'm sure other people|"
    r"don't want to go on|so unfair|sick of feeling|nobody seems to get|it's exhausting|"
    r"round in circles|thinking about it pretty much|hard to explain|a lot all at once)\b",
    re.IGNORECASE,
)
_THOUGHT_LEAD = re.compile(
    r"(?:kept thinking|keep thinking|the thought was|in my head it was|i thought|"
    r"i tell myself|i told myself),?\s*(.+)",
    re.IGNORECASE,
)
_BELIEF_LEAD = re.compile(
    r"(?:deep down i feel like|if i'm honest, it's that|underneath it all,)\s*(.+)", re.IGNORECASE
)
_FOCUS_LEAD = re.compile(r"(?:work out|figure out|learn) how to\s+(.+?)[.!]?$", re.IGNORECASE)
_BALANCED_LEAD = re.compile(r"^(?:huh\.\s*)?(?:maybe|i suppose)\s+(.+)", re.IGNORECASE)
_ACCEPTS = re.compile(
    r"\b(?:i could|i think i could|i'll try|i will|i can try|give it a go)\b", re.IGNORECASE
)


# Cues whose content is a claim a counselor cannot verify and must not say back as fact.
_CLAIM_CUES = frozenset(
    {
        "delusion",
        "psychosis",
        "voices",
        "dead_belief",
        "command_hallucination_self",
        "command_hallucination_others",
    }
)
# Certainty about other people's hidden acts or intentions ("I know they're in on it").
_CERTAIN_CLAIM = re.compile(
    r"\b(?:i know|i'm (?:certain|sure|convinced)|i can tell|it's obvious)(?: that)? (?:they|"
    r"people|everyone|he|she|someone|my \w+)(?:'re|'s| are| is| have| has| keep)(?: been)? "
    r"(?:watching|following|stalking|tracking|spying|plotting|poisoning|listening|recording|"
    r"in on it|after me|out to get|controlling|reading|sending)",
    re.IGNORECASE,
)
# Reflections of the experience, not the claim (neutral enough for fear and for grandiosity).
_EXPERIENCE = (
    "It sounds like this has been taking up a lot of your mind.",
    "That sounds like a lot to be carrying, and it sounds really intense.",
    "It sounds like this has been a very intense time for you.",
)
# For names someone called the person (`_CALLED_NAMES`): the hurt, not the words.
_HURT = (
    "It sounds really painful to be spoken to like that.",
    "Being talked to that way hurts, and it sounds like it's stayed with you.",
)
# Reflections that say nothing back, for words that must not be repeated (`echoable`).
_UNSAID = (
    "It sounds like this has been weighing on you.",
    "That sounds like a lot to be dealing with.",
    "It sounds like this matters a great deal to you.",
)


def unverifiable(text: str) -> bool:
    """Whether the text carries a belief a counselor cannot verify (and must not restate)."""
    t = normalise(text)
    if _CERTAIN_CLAIM.search(t):
        return True
    return any(h.cue.name in _CLAIM_CUES for h in find_cues(t))


def shows_risk(text: str) -> bool:
    """Whether the pattern tier finds a risk cue (`low` or above) in the text."""
    return any(h.cue.level is not RiskLevel.NONE for h in find_cues(normalise(text)))


# Words a counselor never says back, whoever said them first: self-harm imperatives and their
# slang, and the names of the acts (the guardrail answers those, not a reflection). Read on
# normalised text, where "kys" and "kms" are already "kill yourself" and "kill myself".
_NOT_ECHOED = re.compile(
    r"\b(?:k y s|unaliv\w*|(?:kill|hang|cut|hurt|off)(?:ing|s)? (?:my|your|ur|him|her|"
    r"them|our)sel(?:f|ves)|suicid\w*|self[- ]?harm\w*|end(?:ing)? (?:my|your|ur|his|her|their) "
    r"(?:own )?life|slit\w*|overdos\w*|(?:go|just|should|better) (?:die|d i e)\b|drink bleach|"
    # death said as an idiom is taken literally when said back ("you're literally going to die")
    r"die|dying|kill(?:s|ed)? (?:you|me|him|her|them))\b",
    re.IGNORECASE,
)
# Profanity and slurs are not said back, whoever used them ("I feel like shit" is reflected
# without the word); names someone called the person ("my dad calls me a worthless piece of
# shit", "she said I'm pathetic") would sound like the counselor's own words: the hurt is
# reflected instead. Self-talk ("I feel so stupid") is said back as before.
_PROFANITY = re.compile(
    r"\b(?:shit|shitty|fuck\w*|bitch\w*|bastard|cunt|dick|prick|asshole|arsehole|twat|slut|"
    r"whore|retard\w*)\b",
    re.IGNORECASE,
)
_CALLED_NAMES = re.compile(
    r"\b(?:calls?|called|calling|said|says|told|tells|telling|yells?|yelled|yelling|screams?|"
    r"screamed|shouts?|shouted|texted|wrote|messaged)\b[^.!?]{0,40}\b(?:idiot|moron|loser|"
    r"worthless|useless|pathetic|stupid|ugly|fat|cow|pig|freak|waste of space|piece of \w+|"
    r"disgusting|failure|disappointment|embarrassment)\b"
    r"|\b(?:he|she|they|my \w+)(?:'s| is| are)(?: \w+)? (?:a |an |such a )?(?:lazy )?(?:cow|pig|"
    r"bitch|idiot|moron|loser)\b",
    re.IGNORECASE,
)
# A greeting or thanks before the words ("thanks, that feels more manageable", "hiii ok so…")
_OPENER = re.compile(
    r"^(?:(?:thanks|thank you|thx|ty|hi+|hey+|hello|heya|yo|ok(?:ay)?(?: so)?|so|well)\b"
    r"[,!.]*\s*)+",
    re.IGNORECASE,
)
# A question said back becomes a statement ("…should you keep the promise."): a question clause
# at the end of a sentence (after a comma, or the whole sentence) is left off.
_QUESTION_START = (
    r"(?:(?:so |but |and |like )?(?:what|why|who|where|how|which) (?:should|do|can|could|would|"
    r"will|am|is|are|did|does|the hell)\b|(?:so |but |and )?(?:should|can|could|would|do|does|"
    r"did|am|is|are|will|shall|was|were|have|has) (?:i|we|you|he|she|they|it|my|this|that|"
    r"there|anyone|someone)\b|any (?:ideas|advice|tips)|idk what)"
)
# … after a tag that asks nothing of the listener ("…behind my back, you know what I mean?")
_TAG = re.compile(
    r"(?:,\s*(?:you know(?: what i mean)?|ya know|y'?know|right|lol|haha|or not|isn'?t it|"
    r"don'?t you think)|\s+(?:you know what i mean|ya know|lol|haha)|,?\s+right\s*\?)"
    r"\s*[?.!]*$",
    re.IGNORECASE,
)
# … but a worry put as "what if…?" is a thought, said back as one
_WHAT_IF = re.compile(r"\bwhat if\b", re.IGNORECASE)
_QUESTION_CLAUSE = re.compile(r"(?:^|[,;:—-]\s*)" + _QUESTION_START + r"[^,;:]*$", re.I)


@functools.lru_cache(maxsize=4096)
def echoable(sentence: str) -> str | None:
    """The part of a client's sentence a counselor may say back, or None when there is none:
    the sentence without a greeting before it or a question at its end, unless it carries a
    risk cue, a self-harm word or a death idiom (`_NOT_ECHOED`), profanity or names someone
    called the person, hides words by spelling, or is not plainly English."""
    text = _OPENER.sub("", _TAG.sub("", strip_fillers(sentence).strip()))
    body = text.rstrip("?.!… ")
    if q := _QUESTION_CLAUSE.search(body):
        text = body[: q.start()].rstrip(" ,;:-\u2014")
    elif text.endswith("?") and not _WHAT_IF.search(body):
        return None  # a question with no clause of its own to leave off: all of it asks
    if word_count(text) == 0:
        return None
    if _NOT_ECHOED.search(normalise(text)) or shows_risk(text):
        return None
    if _PROFANITY.search(text) or _CALLED_NAMES.search(text):
        return None
    if spelt_out(text) != text or not reads_as_english(text):
        return None
    return text


def say_back(text: str, instead: str) -> str:
    """The client's words in second person, or `instead` when they carry a belief that must
    not be said back as fact, or words that must not be said back at all (`echoable`)."""
    part = None if unverifiable(text) else echoable(text)
    return instead if part is None else to_second_person(part)


@dataclass
class Listener:
    """A running record of what the client has said, parsed from their words."""

    coder: RuleCoder = field(default_factory=RuleCoder)
    client_turns: list[str] = field(default_factory=list)
    feelings: list[str] = field(default_factory=list)
    thought: str | None = None
    belief: str | None = None
    balanced: str | None = None
    focus: str | None = None
    change_talk: list[str] = field(default_factory=list)
    sustain_talk: list[str] = field(default_factory=list)
    last_talk: TalkType = TalkType.NEUTRAL
    committed: str | None = None

    @property
    def last(self) -> str:
        return self.client_turns[-1] if self.client_turns else ""

    def hear(self, text: str) -> None:
        self.client_turns.append(text)
        for e in emotions_in(text):
            if e not in self.feelings:
                self.feelings.append(e)
        for sentence in split_sentences(text):
            clean = strip_fillers(sentence)
            if m := _BELIEF_LEAD.search(clean):
                self.belief = m.group(1).rstrip(".")
            elif m := _THOUGHT_LEAD.search(clean):
                self.thought = m.group(1).rstrip(".")
            if m := _BALANCED_LEAD.match(sentence.strip()):
                self.balanced = m.group(1).rstrip(".")
            if self.focus is None and (m := _FOCUS_LEAD.search(clean)):
                self.focus = m.group(1)
        # A wish to die or disappear said as "I wish I could…" reads as change talk and as a
        # step taken on ("I could…"): a message that shows risk is never either, so no
        # counselor affirms it, evokes more of it or names it as the client's plan.
        self.last_talk = TalkType.NEUTRAL if shows_risk(text) else self.coder.code_client(text)
        salient = salient_sentence(text)
        if self.last_talk is TalkType.CHANGE:
            self.change_talk.append(salient)
            if _ACCEPTS.search(text):
                self.committed = salient
        elif self.last_talk is TalkType.SUSTAIN:
            self.sustain_talk.append(salient)

    def focus_phrase(self) -> str:
        return to_second_person(self.focus) if self.focus else "make a change here"


def salient_sentence(text: str) -> str:
    """The sentence of a client turn most worth reflecting: personal, felt, on topic."""
    best, best_score = "", -99
    for i, sentence in enumerate(split_sentences(text)):
        s = strip_fillers(sentence)
        n = word_count(s)
        score = 0
        score += 2 if emotions_in(s) else 0
        score += 2 if re.search(r"\b(?:i|i'm|i've|my|me)\b", s, re.IGNORECASE) else 0
        score += 1 if 5 <= n <= 28 else -1
        score -= 4 if _DIGRESSION.search(s) else 0
        score -= 3 if n < 4 else 0
        score -= 3 if echoable(s) is None else 0  # a question, risk words, unread words
        score -= 0.1 * i  # prefer earlier sentences on ties
        if score > best_score:
            best, best_score = s, score
    return best or text


def reflect_content(text: str, rng: random.Random) -> tuple[str, MiscCode]:
    """A simple reflection: the client's most salient sentence, said back in second person.

    When the client said almost nothing, there is nothing to reflect: invite them to go on.
    """
    salient = salient_sentence(text)
    if unverifiable(salient) or unverifiable(text):
        return rng.choice(_EXPERIENCE), MiscCode.COMPLEX_REFLECTION
    part = echoable(salient)
    if part is None and _CALLED_NAMES.search(salient):
        return rng.choice(_HURT), MiscCode.COMPLEX_REFLECTION
    if part is None and word_count(salient) >= 5:
        return rng.choice(_UNSAID), MiscCode.COMPLEX_REFLECTION
    if part is None or word_count(part) < 5:
        return rng.choice(
            (
                "Tell me more about that.",
                "Tell me more about what that's like.",
                "I'd like to hear more about that.",
            )
        ), MiscCode.OPEN_QUESTION
    content = to_second_person(part)
    template = rng.choice(
        (
            "It sounds like {c}.",
            "You're saying that {c}.",
            "So for you, {c}.",
            "What I'm hearing is that {c}.",
        )
    )
    return template.format(c=content), MiscCode.SIMPLE_REFLECTION


def reflect_feeling(text: str, rng: random.Random, deeper: bool = True) -> str | None:
    """Name the feeling in the client's words; with `deeper`, a name they did not use."""
    groups = emotions_in(text)
    if not groups:
        return None
    said = feeling_words_in(text)
    names = [n for n in FEELING_NAMES[groups[0]] if n not in said] if deeper else []
    name = rng.choice(names) if names else rng.choice(FEELING_NAMES[groups[0]])
    part = echoable(salient_sentence(text))
    if part and word_count(part) >= 7 and not emotions_in(part) and not unverifiable(text):
        template = rng.choice(
            (
                "It sounds like you've been feeling really {f}, especially when {c}.",
                "You're feeling {f}, and that makes sense given that {c}.",
            )
        )
        return template.format(f=name, c=to_second_person(part))
    return rng.choice(
        ("It sounds like you've been feeling really {f}.", "You've been feeling so {f}.")
    ).format(f=name)


_MEANING = (
    "It's as if part of you believes {x}.",
    "Underneath all of it, there's a worry that {x}.",
    "And deep down, part of you is saying {x}.",
)
_CHANGE = (
    "Part of you is really saying {x}.",
    "So this matters to you: {x}.",
    "It sounds like you've had enough, and {x}.",
)


def _reflect_with(templates: tuple[str, ...], said: str, rng: random.Random) -> str:
    """One of `templates` around what the client said, in the second person (or a plain
    acknowledgement when it cannot be reflected back as fact)."""
    if unverifiable(said):
        return rng.choice(_EXPERIENCE)
    part = echoable(said)
    if part is None:
        return rng.choice(_UNSAID)
    return rng.choice(templates).format(x=to_second_person(part))


def reflect_meaning(thought: str, rng: random.Random) -> str:
    """A complex reflection of the meaning under what the client said."""
    return _reflect_with(_MEANING, thought, rng)


def reflect_change(change: str, rng: random.Random) -> str:
    return _reflect_with(_CHANGE, change, rng)


def reflect_two_sides(sustain: str, change: str) -> str:
    return (
        f"On one hand, {say_back(sustain, 'part of you feels stuck')}, and on the other hand, "
        f"{say_back(change, 'part of you wants things to feel different')}."
    )


def reflect_with_meaning(text: str, rng: random.Random) -> tuple[str, MiscCode]:
    """A content reflection that adds the meaning behind it (a complex reflection)."""
    reflection, code = reflect_content(text, rng)
    if code is not MiscCode.SIMPLE_REFLECTION:
        return reflection, code
    meaning = rng.choice(
        (", and it's been weighing on you.", ", and underneath it you're worn out.")
        if shows_risk(text)  # never "that really matters to you" about a wish to disappear
        else (
            ", and that really matters to you.",
            ", and part of you wants something different.",
            ", and underneath it you're worn out.",
        )
    )
    return reflection.rstrip(".") + meaning, MiscCode.COMPLEX_REFLECTION


def reflect_feeling_or_content(text: str, rng: random.Random) -> tuple[str, MiscCode]:
    """Name the feeling if the client voiced one, else reflect the content."""
    feeling = reflect_feeling(text, rng)
    return (feeling, MiscCode.COMPLEX_REFLECTION) if feeling else reflect_content(text, rng)
