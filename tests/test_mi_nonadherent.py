"""Confronting, warning, labelling and advice asked as a question are MI-non-adherent (MISC
confront / warn / advise), never reflections or questions, in the rule coder and the trained
coder alike; autonomy support and double-sided reflections are coded as such; a reflection of
what the client fears keeps being a reflection; the scripted client grows more resistant and
less trusting when it is confronted (practice-mode finding 5).

The sentences are written for these tests (varied wording, to test the mechanism); the
tester's own sentences are kept as a regression at the end."""

from __future__ import annotations

import pytest

from theralab.agents import Utterance
from theralab.clients.scripted import ScriptedClient
from theralab.coding import MICoder, RuleCoder, RuleMICoder, mi_coder_available
from theralab.coding.rules import SAFETY_ASK
from theralab.dialogue import MiscCode
from theralab.dialogue.codes import MI_NON_ADHERENT, QUESTIONS, REFLECTIONS
from theralab.dialogue.records import Speaker
from theralab.profiles import get_profile

CONFRONT = [
    "You're a drunk, plain and simple.",
    "Honestly, I think you're kidding yourself about the betting.",
    "You've let your wife down again and again.",
    "You're being completely selfish about this.",
    "Let's face it, you're a functioning alcoholic.",
    "You have to accept that you have a problem.",
    "It's your own fault that she left.",
    "You brought this on yourself.",
    "Why can't you just put the bottle down?",
    "What's wrong with you?",
    "Don't you care about what this is doing to your kids?",
    "Isn't it time you grew up?",
]
WARN = [
    "Carry on like this and you'll end up in hospital.",
    "If you don't cut down, your liver is going to give up and you'll die young.",
    "Unless you stop gambling, you're going to lose the house.",
    "You'll get sacked if you keep turning up late.",
    "If you keep skipping your meds, it will get worse.",
]
ADVICE_QUESTION = [
    "Why don't you try going to a meeting?",
    "Shouldn't you be cutting back by now?",
    "Why not just stop buying it?",
]
# Reflections of what the client fears, thinks or was told: they quote a confrontation or a
# warning, and stay reflections.
STILL_REFLECTIONS = [
    "You're worried that if you keep drinking you'll lose your job.",
    "You're afraid your boss thinks you're an alcoholic.",
    "You feel you've let your family down.",
    "It sounds like you're angry with yourself for letting them down.",
]
STILL_QUESTIONS = [
    "Why don't you want to talk about your mum?",
    "What do you think would happen if you kept drinking like this?",
]
AUTONOMY = [
    "Whatever you decide, it's your call.",
    "You're the one who decides what happens next.",
    "It's entirely up to you whether you change anything.",
]
DOUBLE_SIDED = [
    "On the one hand the bets give you a buzz, and on the other you hate hiding the losses.",
    "Part of you wants to quit, and another part of you loves the way it takes the edge off.",
]

# The sentences the tester reported (finding 5): a regression.
TESTER = {
    "If you keep drinking like this you'll lose your job.": {MiscCode.WARN},
    "You're in denial about how bad this is.": {MiscCode.CONFRONT},
    "You're letting your family down.": {MiscCode.CONFRONT},
    "Why don't you just stop?": {MiscCode.ADVISE_WITHOUT_PERMISSION, MiscCode.CONFRONT},
    "It's up to you what you decide to do.": {MiscCode.EMPHASIZE_AUTONOMY},
    "On the one hand you enjoy drinking with your mates, and on the other you're worried about "
    "your health.": {MiscCode.COMPLEX_REFLECTION},
    "You're an alcoholic and you need to admit it.": {MiscCode.CONFRONT},
}

CLIENT = "I have a few pints after work most nights; it's how I unwind."


def _coders() -> list[object]:
    coders: list[object] = [RuleMICoder()]
    if mi_coder_available():
        coders.append(MICoder())
    return coders


def _codes(coder: object, texts: list[str]) -> list[MiscCode]:
    coded = coder.code_counselor_sentences(  # type: ignore[attr-defined]
        texts, [[("client", CLIENT)]] * len(texts)
    )
    out = []
    for text, units in zip(texts, coded, strict=True):
        assert len(units) == 1, text
        out.append(units[0])
    return [u.code for u in out]


@pytest.fixture(params=_coders(), ids=lambda c: type(c).__name__)
def coder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> object:
    if isinstance(request.param, MICoder):
        monkeypatch.setenv("THERALAB_SEMANTIC", "1")
    return request.param


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (CONFRONT, {MiscCode.CONFRONT}),
        (WARN, {MiscCode.WARN}),
        (ADVICE_QUESTION, {MiscCode.ADVISE_WITHOUT_PERMISSION}),
    ],
    ids=["confront", "warn", "advice-question"],
)
def test_non_adherent_behaviour_is_never_a_reflection_or_question(
    coder: object, texts: list[str], expected: set[MiscCode]
) -> None:
    codes = _codes(coder, texts)
    wrong = [(t, c) for t, c in zip(texts, codes, strict=True) if c not in expected]
    assert not wrong
    assert all(c in MI_NON_ADHERENT for c in codes)
    assert not any(c in REFLECTIONS or c in QUESTIONS for c in codes)


def test_quoted_fears_stay_reflections_and_real_questions_stay_questions(coder: object) -> None:
    assert all(c in REFLECTIONS for c in _codes(coder, STILL_REFLECTIONS))
    assert all(c in QUESTIONS for c in _codes(coder, STILL_QUESTIONS))


def test_autonomy_and_double_sided_reflections(coder: object) -> None:
    assert _codes(coder, AUTONOMY) == [MiscCode.EMPHASIZE_AUTONOMY] * len(AUTONOMY)
    assert _codes(coder, DOUBLE_SIDED) == [MiscCode.COMPLEX_REFLECTION] * len(DOUBLE_SIDED)


def test_the_testers_sentences(coder: object) -> None:
    texts = list(TESTER)
    for text, code in zip(texts, _codes(coder, texts), strict=True):
        assert code in TESTER[text], (text, code)


def test_the_stance_counts_them_non_adherent(coder: object) -> None:
    """The MITI counts adherence from each sentence's stance: the rule coder's reading."""
    texts = CONFRONT + WARN
    coded = coder.code_counselor_sentences(texts, [[]] * len(texts))  # type: ignore[attr-defined]
    stances = [units[0].stance or units[0].code for units in coded]
    assert all(s in MI_NON_ADHERENT for s in stances)


def test_advice_asked_as_a_question_after_permission_is_with_permission() -> None:
    coded = RuleCoder().code_counselor(
        "Would it be okay if I shared an idea? Why don't you try a dry week?"
    )
    assert coded.codes == [MiscCode.SEEK_COLLABORATION, MiscCode.ADVISE_WITH_PERMISSION]


def test_asking_whether_they_might_act_on_it_is_a_safety_question() -> None:
    for text in (
        "Do you feel like you might act on those feelings tonight?",
        "Do you think you might act on them?",
        "How close have you come to acting on these thoughts?",
    ):
        assert SAFETY_ASK.search(text), text
    assert not SAFETY_ASK.search("I'd like you to act on your goals this week.")


def _client_after(lines: list[str]) -> tuple[float, float, float, float]:
    client = ScriptedClient(get_profile("alcohol-use-roofer-padraig"), 2)
    start = client.state.snapshot()
    history: list[Utterance] = []
    for line in lines:
        history.append(Utterance(Speaker.COUNSELOR, line))
        history.append(Utterance(Speaker.CLIENT, client.reply(history).text))
    end = client.state.snapshot()
    return start.trust, end.trust, start.resistance, end.resistance


def test_the_scripted_client_resists_confrontation() -> None:
    confronted = [
        "You're a drunk and you know it.",
        "Keep this up and you'll lose your licence.",
        "You've let your kids down.",
        "Why can't you just stop?",
    ]
    listened = [
        "What brings you in today?",
        "It sounds like the pints have become how you switch off.",
        "Part of you enjoys it, and part of you is worried where it's going.",
        "What would you like to be different?",
    ]
    t0, t1, r0, r1 = _client_after(confronted)
    assert t1 < t0 and r1 > r0
    _, l_t1, _, l_r1 = _client_after(listened)
    assert l_t1 > t1 and l_r1 < r1
