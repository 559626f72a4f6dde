"""What the MAGneT selector knows about the client's last turn.

It reads the client's words only, through the same `Listener` (and so the same `RuleCoder`)
the other scripted counselors use, plus a few cue patterns of its own: a request for
information, a worry question, shame, acute distress, playing things down, and how the client
answered an offer of an idea.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from theralab.counselors.listening import Listener
from theralab.dialogue.codes import TalkType
from theralab.text.lexicon import emotions_in
from theralab.text.perspective import split_sentences, word_count


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# The client wants to understand what is going on with them.
INFO_REQUEST = _rx(
    r"\b(?:what(?:'s| is) (?:happening|going on|wrong) (?:to|with) me|"
    r"(?:don't|do not|can't) (?:understand|work out|figure out) (?:what|why|how)|"
    r"why (?:do|does|am|can't|is|would) (?:i|my|this|it|everything)|"
    r"is (?:this|that|it) (?:normal|common|usual)|is something wrong with me|"
    r"(?:am i|i'm) (?:losing it|going mad|broken)|no idea why)"
)
# The client asks what to do about it (an opening for the solutions agent).
ADVICE_REQUEST = _rx(
    r"\b(?:what (?:should|can|do) i do|how (?:do|can) i (?:stop|fix|get|make|deal)|"
    r"what would you (?:do|suggest)|any (?:tips|ideas|advice)|tell me what to do)\b"
)
WORRY_QUESTION = _rx(r"\bwhat if\b|\bwhat will (?:people|they|everyone)\b")
SHAME = _rx(
    r"\b(?:ashamed|embarrass\w*|humiliat\w*|pathetic|stupid|idiot|failure|useless|loser|"
    r"weak(?:er)?|worthless|a joke|what kind of (?:\w+ )?(?:wife|husband|mother|father|mum|dad|"
    r"son|daughter|friend|person|man|woman)|something wrong with me|my fault|to blame|"
    r"(?:stare|laugh|judg\w*) (?:at )?me|let (?:everyone|them|her|him) down|disgrace)\b"
)
DISTRESS = _rx(
    r"\b(?:can't (?:breathe|cope|take|stop|sleep|do this|go on|face)|too much|falling apart|"
    r"exhaust\w*|so unfair|sick of|nobody (?:seems to )?gets?|hopeless|overwhelm\w*|"
    r"at the end of my|dying|panic\w*|terrified|breaking down|in tears|crying|"
    r"ruining everything|going round in circles|no way out|drowning)\b"
)
MINIMISING = _rx(
    r"\b(?:not that bad|(?:other|some) people have it (?:much |so |far )?worse|"
    r"don't want to go on about|i'm (?:probably )?(?:overreacting|being silly|making a fuss)|"
    r"no big deal|it's fine as it is|shouldn't complain)\b"
)
_OPENER = _rx(r"^(?:(?:honestly|look|i mean|well|um|so|oh|mm|hmm|i guess|maybe)[,.?!]?\s+)+")
CONSENT = _rx(
    r"^(?:sure|okay|ok|yes|yeah|go ahead|please|that's fine|i suppose so|if you want|"
    r"i'm listening|alright|fine)\b"
)
# "Maybe in theory, but not when I'm in it" starts like a new view and is the opposite.
NOT_A_NEW_VIEW = _rx(r"\b(?:in theory|but not|doesn't feel true|not when|i still think)\b")
# Cues the shared coder can read as change talk ("I'm not sure I'm ready") that say the opposite.
NOT_READY = _rx(r"\b(?:not (?:sure )?(?:i'm |i am )?ready|not ready|don't think i can)\b")
DECLINE = _rx(r"^(?:no\b|not really|i'd rather not|please don't|i don't want)")


@dataclass(frozen=True)
class Perception:
    """Cues in the client's last turn, and what changed in what the counselor has heard."""

    text: str
    feelings: tuple[str, ...] = ()
    talk: TalkType = TalkType.NEUTRAL
    asks_information: bool = False
    asks_advice: bool = False
    worry_question: bool = False
    shame: bool = False
    distress: bool = False
    minimising: bool = False
    minimal: bool = False
    new_thought: bool = False
    balanced: str | None = None  # a more balanced view the client just voiced
    new_commitment: bool = False
    consented: bool = False
    declined: bool = False

    def cues(self) -> list[str]:
        """The names of the cues present, for the turn's record."""
        names = [
            "asks_information",
            "asks_advice",
            "worry_question",
            "shame",
            "distress",
            "minimising",
            "minimal",
            "new_thought",
            "balanced",
            "new_commitment",
            "consented",
            "declined",
        ]
        out = [n for n in names if getattr(self, n)]
        if self.talk is not TalkType.NEUTRAL:
            out.append(f"{self.talk.value}_talk")
        if self.feelings:
            out.append("feelings:" + ",".join(self.feelings))
        return out


@dataclass
class Heard:
    """What the listener knew before the latest turn, to tell what is new."""

    thought: str | None = None
    balanced: str | None = None
    committed: str | None = None


def perceive(listener: Listener, before: Heard, offered_idea: bool) -> Perception:
    """Read the client's last turn. `offered_idea`: the counselor's last turn asked permission
    to share an idea, so a yes or no in it answers that."""
    text = listener.last
    emotions = emotions_in(text)
    answers = [_OPENER.sub("", s.strip()) for s in split_sentences(text)]
    talk = listener.last_talk
    if talk is TalkType.CHANGE and NOT_READY.search(text):
        talk = TalkType.SUSTAIN
    declined = offered_idea and any(DECLINE.search(a) for a in answers)
    return Perception(
        text=text,
        feelings=tuple(emotions),
        talk=talk,
        asks_information=bool(INFO_REQUEST.search(text)),
        asks_advice=bool(ADVICE_REQUEST.search(text)),
        worry_question=bool(WORRY_QUESTION.search(text)),
        shame=bool(SHAME.search(text)) or "ashamed" in emotions,
        distress=bool(DISTRESS.search(text)),
        minimising=bool(MINIMISING.search(text)),
        minimal=word_count(text) < 5,
        new_thought=listener.thought is not None and listener.thought != before.thought,
        balanced=_new_view(listener.balanced, before.balanced),
        new_commitment=listener.committed is not None and listener.committed != before.committed,
        consented=offered_idea and not declined and any(CONSENT.search(a) for a in answers),
        declined=declined,
    )


def _new_view(balanced: str | None, before: str | None) -> str | None:
    if balanced is None or balanced == before:
        return None
    if word_count(balanced) < 6 or NOT_A_NEW_VIEW.search(balanced):
        return None
    return balanced
