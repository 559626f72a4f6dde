"""A client's answer to the counselor's own safety question.

"Are you having any thoughts of ending your life?" — "yeah, sometimes". Read alone, "yeah,
sometimes" holds no risk word, so a screener that reads client messages one at a time lets the
answer pass; the guardrail asked the question itself (its check-in at `low`) and then ignored a
yes. `ConversationScreener.heard` takes the counselor turn before each client message, and
`safety_question` finds whether it asked about suicidal thoughts or self-harm. The next client
message is then read as an answer: a yes, or anything short of a no ("sometimes", "maybe", "I
don't know", "not really, but…"), is active ideation or self-harm now (`moderate`), as a
C-SSRS screen counts it. A message about something else is not an answer, even with a yes word
inside it ("i stay until 8 most nights", "maybe I should find a support group… is that a
thing?"): the yes word must open the answer, the answer be short, or it speak of the thoughts.
An answer that says what it is instead ("some nights I hope I don't
wake up": a wish to be dead, `low`) is read for what it says, unless it opens with a yes.

A question whose yes means safety ("are you safe?") is not read: the polarity of a bare answer
is unclear, and the question usually comes inside the crisis protocol, which is answering
already.
"""

from __future__ import annotations

import re

from theralab.safety.risk import RiskCategory

# The signal a yes leaves on the assessment (`AFFIRMED:suicide`, `AFFIRMED:self_harm` or
# `AFFIRMED:harm_to_others`).
AFFIRMED = "affirmed_safety_question"

_QUESTION = re.compile(r"[^.!?]*\?")

_SUICIDE_Q = re.compile(
    r"\b(?:thoughts?|thinking|thought) (?:of|about) (?:ending (?:your|it)|suicide|killing "
    r"yourself|taking your (?:own )?life|not (?:wanting to )?(?:be(?:ing)? )?(?:here|alive|"
    r"around)|dying|death|ending it all|not waking up)|(?:feeling|been|are you|you) suicidal|"
    r"(?:want|wanted|wish|wished|wanting) (?:to die|to be dead|you were dead|you weren'?t "
    r"(?:here|alive)|to end (?:your life|it))|end your (?:own )?life|kill yourself"
)
_SELF_HARM_Q = re.compile(
    r"\b(?:hurt(?:ing)?|harm(?:ed|ing)?|cut(?:ting)?|burn(?:ed|ing|t)?|injur(?:ed|ing|e)) "
    r"yourself\b|\bself[- ]?harm\w*"
)
# Whether a threat is meant ("do you mean you might really hurt someone?", "are you having
# thoughts of hurting him?"): a yes is harm to others.
_OTHERS_Q = re.compile(
    r"\b(?:really|actually|seriously) (?:hurt|harm|kill|attack) (?:someone|somebody|anyone|him|"
    r"her|them)\b|\b(?:thoughts?|thinking|urges?) (?:of|about|to) (?:hurting|harming|killing|"
    r"attacking|hurt|harm|kill|attack) (?:someone|somebody|anyone|him|her|them|others|other "
    r"people)\b"
)
_SAFE_Q = re.compile(r"\b(?:are you|do you feel|you feel|feeling|keep yourself|stay) safe\b")

_NORMALISE = re.compile(r"\s+")

# A no, said first: "no", "not really", "I'm fine".
_NO = re.compile(
    r"^(?:no+(?! (?:plan|plans|method|intention|intent|date|way|means|idea (?:how|when))\b)|"
    r"nope|nah|naw|not really|not at all|not now|not anymore|not lately|not right now|"
    r"never|no way|god no|hell no|definitely not|absolutely not|of course not|i'?m not|i am not|"
    r"i'?m (?:fine|ok|okay|safe|good|alright|all right)|i don'?t think so|not that i know|"
    r"lol no|haha no)\b"
)
# A no said anywhere, without a yes after it.
_NO_ANYWHERE = re.compile(
    r"\b(?:i guess not|i don'?t think so|not really|nothing like that|no thoughts|i'?m not "
    r"(?:suicidal|thinking|having)|i wouldn'?t|i won'?t|i never)\b"
)
# A yes, or anything short of a no.
_YES = re.compile(
    r"\b(?:yes|yeah|yea|yep|yup|ya|aye|i am|i do|i have|i guess|i think so|sometimes|some "
    r"days|some nights|at times|now and (?:then|again)|on and off|every (?:day|night)|most "
    r"(?:days|nights)|a lot|lately|recently|kind of|kinda|sort of|sorta|a bit|a little|"
    # "maybe", but not a suggestion ("maybe I should find a support group")
    r"maybe(?! (?:i|we|you) (?:should|could|will|'ll|might|can|need)\b)|"
    r"not sure|i don'?t know|idk|dunno|hard to say|more than i'?d like|the thoughts?|"
    r"i'?ve (?:thought|been thinking)|crosse?s? my mind|crossed my mind|been there|honestly yes|"
    r"it'?s there|they'?re there|they come and go|it comes and goes|only when|who doesn'?t|"
    r"doesn'?t everyone|ngl|not gonna lie)\b"
)
# "but", "though", "well": a no that turns into a yes; "just", "only" after a no about a plan
# ("no plan or anything, just the thoughts").
_TURN = re.compile(r"\b(?:but|though|although|except|well|then again|just|only)\b")
# A question back ("why?", "what do you mean?"): the question was not taken as asked.
_CONFUSED = re.compile(r"\b(?:why|what do you mean|wdym|what are you talking about|huh|what)\s*\?")


def safety_question(counselor_text: str) -> RiskCategory | None:
    """What a counselor turn asked about: suicidal thoughts (`SUICIDE`), self-harm
    (`SELF_HARM`), hurting someone (`HARM_TO_OTHERS`), or nothing a yes would answer (None)."""
    questions = [q.lower() for q in _QUESTION.findall(counselor_text)]
    for q in questions:
        if _SAFE_Q.search(q):
            return None
    if any(_SUICIDE_Q.search(q) for q in questions):
        return RiskCategory.SUICIDE
    if any(_SELF_HARM_Q.search(q) for q in questions):
        return RiskCategory.SELF_HARM
    if any(_OTHERS_Q.search(q) for q in questions):
        return RiskCategory.HARM_TO_OTHERS
    return None


# Words that only lead into an answer ("honestly, yes", "I mean, sometimes, yes").
_LEAD_IN = r"honestly|truthfully|well|um+|uh+|i mean|to be honest|tbh|if i'?m honest"
_EXPLICIT = re.compile(
    rf"^(?:(?:{_LEAD_IN}),? )?"
    r"(?:yes|yeah|yea|yep|yup|ya|aye|i am|i do|i have|i'?ve had|i guess so|i think so)\b"
)
# … stripped before an answer is read, with a few more lead-in words ("look", "so", "ok"): the
# answer opens after them.
_FILLER = re.compile(rf"^(?:(?:{_LEAD_IN}|look|so|ok|okay)[,.]? )+")


def _clean(answer: str) -> str:
    return _NORMALISE.sub(" ", answer.lower()).strip(" \"'")


def says_yes(answer: str) -> bool:
    """Whether the answer opens with a yes ("yes", "yeah", "I do"): then it answers the question
    as asked, whatever else it says."""
    t = _clean(answer)
    return bool(_EXPLICIT.search(t)) and not _CONFUSED.search(t)


# What the answer is about, when a yes word stands inside it: the thoughts themselves.
_ABOUT_IT = re.compile(
    r"\b(?:thoughts?|think(?:ing)? (?:about|of) (?:it|that|dying|death|suicide|ending|killing)|"
    r"it'?s there|they'?re there|comes? and goes?|crosse?s? my mind|crossed my mind|(?:want|"
    r"wanted|wanting) to (?:die|end it|be dead)|end(?:ing)? it|(?:wish|wishing) i (?:was|were)"
    r"(?:n'?t| not) here|not (?:be )?(?:here|alive)|hurt(?:ing)? myself|kill(?:ing)? myself)\b"
)
_SHORT_ANSWER = 4  # words: "sometimes", "a little, yeah", "honestly most days now"


def affirms(answer: str) -> bool:
    """Whether a client's message, read as the answer to a safety question, says yes or
    anything short of no. A yes word must open the answer, or the answer be short, or speak of
    the thoughts: "i stay until 8 most nights" or "maybe I should find a support group" talk
    about something else and are not answers."""
    t = _FILLER.sub("", _clean(answer))
    if not t or _CONFUSED.search(t):
        return False
    if _NO.search(t):
        turn = _TURN.search(t)
        return bool(turn and _YES.search(t[turn.end() :]))
    words = t.split()
    head = " ".join(words[:12])
    if _NO_ANYWHERE.search(head) and not _TURN.search(t):
        return False
    m = _YES.search(head)
    if m is None:
        return False
    opens = m.start() <= len(" ".join(words[:2]))
    return opens or len(words) <= _SHORT_ANSWER or bool(_ABOUT_IT.search(t))
