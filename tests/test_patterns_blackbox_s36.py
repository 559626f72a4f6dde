"""Screener defects found by a black-box test (session 36): wordings written for these tests.

- a wish not to exist with fillers ("if I just wasn't here any more") is a passive wish (`low`);
- a message that is only a safety step (ok for now, reaching out, means put out of reach) is
  not an attempt: a statistical raise on it is capped to a check-in, and never an overdose;
- common ways to say thinking about suicide / wanting to die in the languages the screener
  already reads are crisis phrases (`moderate`, as the English equivalent).
"""

from __future__ import annotations

import pytest

from theralab.safety.patterns import assess_text
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel
from theralab.safety.screener import PatternTier, Screener

L = RiskLevel


# --- 1. burdensomeness and a wish not to exist, with fillers --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "to be honest I keep thinking my kids would be better off if I really wasn't around any "
        "more",
        "they'd all be better off if I simply didn't exist",
        "it would be easier for everybody if I just wasn't here anymore",
        "my parents would be better off if I was gone",
        "it'd be a relief for my family if I just disappeared",
        "some nights I wish I just wasn't here any more",
        "everyone would be better off if I wasn't around to mess things up",
        "it would be easier if I just didn't wake up in the morning",
        "tbh I'm ok with dying tonight",  # was read as the idiom "dying to"
        "honestly I'd be fine with being dead",
    ],
)
def test_wish_not_to_exist_with_fillers_is_low(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.LOW, found.signals
    assert RiskCategory.SUICIDE in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "the rota would be easier if I wasn't here on Mondays",
        "I'd be better off if I just wasn't so hard on myself",
        "it'd be simpler if I just disappeared for a weekend to the coast",
        "honestly the meeting went better when I wasn't there",
        "I'm dying to see the new film tonight",
    ],
)
def test_time_or_place_away_is_not_a_wish(text: str) -> None:
    assert assess_text(text).level is L.NONE


# --- 2. safety steps: protective, never an attempt or an overdose ----------------------------


class _Alarmed:
    """A statistical tier that reads every message as an overdose under way."""

    name = "semantic"

    def assess(self, text: str, context=()) -> RiskAssessment:
        return RiskAssessment(
            level=L.IMMINENT,
            categories=[RiskCategory.SUICIDE, RiskCategory.OVERDOSE],
            signals=["semantic:imminent:0.5"],
            detector="semantic",
        )


SAFETY_STEPS = [
    "cheers. I reckon I'm alright tonight, I'll ring my brother",
    "I'm going to stay over at my mate's flat tonight",
    "I'm safe for now, my partner is home",
    "I handed the tablets to my flatmate",
    "my dad has the meds now",
    "I locked the razors in a drawer and my mum has the key",
    "I put the painkillers in the car so they're out of reach",
    "I flushed the spare pills down the toilet",
]


@pytest.mark.parametrize("text", SAFETY_STEPS)
def test_safety_step_caps_a_statistical_raise(text: str) -> None:
    alone = assess_text(text)
    assert alone.level is L.NONE
    assert "protective:safety_step" in alone.signals
    assert "means_access" not in alone.signals
    found = Screener([PatternTier(), _Alarmed()]).assess(text)
    assert found.level is L.LOW  # a check-in with the crisis line, never less
    assert RiskCategory.OVERDOSE not in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "I took the tablets",
        "I swallowed the pills I moved to my room",
        "I'm ok, I took all my meds an hour ago",
        "I'm going to ring my sister tonight to say goodbye",
        "I'm ok tonight but I don't know about tomorrow",
        "I'm not safe tonight",
        "I moved the pills to my room",
        "I'm going to call my sister and then take the pills",
    ],
)
def test_not_a_safety_step(text: str) -> None:
    assert "protective:safety_step" not in assess_text(text).signals
    found = Screener([PatternTier(), _Alarmed()]).assess(text)
    assert found.level is L.IMMINENT


def test_safety_step_after_a_passive_wish_is_not_an_emergency() -> None:
    class _AlarmedByTime(_Alarmed):
        def assess(self, text: str, context=()) -> RiskAssessment:
            return super().assess(text) if "now" in text else RiskAssessment(detector="semantic")

    conversation = Screener([PatternTier(), _AlarmedByTime()]).conversation()
    first = conversation.screen(
        "I keep thinking my family would be better off if I just wasn't here"
    )
    assert first.level is L.LOW
    conversation.heard("Thank you for telling me. Is there someone you could talk to tonight?")
    found = conversation.screen("thanks, I think I'm ok now, I'm going to text my friend")
    assert found.level is L.LOW
    assert RiskCategory.OVERDOSE not in found.categories


def test_means_put_away_is_not_access_after_risk() -> None:
    conversation = Screener([PatternTier()]).conversation()
    conversation.screen("I don't want to be alive anymore")
    found = conversation.screen("I put the paracetamol in the car so it's not near me")
    assert "means_or_preparation_after_risk" not in found.signals
    assert conversation.last_own_level is L.NONE


# --- 3. crisis phrases of other languages ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Je pense souvent au suicide.", "fr"),
        ("J'ai tellement envie de mourir ce soir.", "fr"),
        ("J’ai envie d’en finir.", "fr"),
        ("Ça fait des semaines que j'ai des pensées suicidaires.", "fr"),
        ("A veces tengo ganas de morir.", "es"),
        ("Tenho vontade de morrer todos os dias.", "pt"),
        ("Ich wäre lieber tot.", "de"),
        ("Ho voglia di morire.", "it"),
        ("Ik wil gewoon sterven.", "nl"),
        ("Я часто думаю о самоубийстве.", "ru"),
        ("Chciałabym umrzeć.", "pl"),
    ],
)
def test_other_language_crisis_phrase_is_moderate(text: str, lang: str) -> None:
    found = assess_text(text)
    # with a time said beside it ("ce soir"), a plan: high, as in English
    timed = "crisis_phrase_with_time" in found.signals
    assert found.level is (L.HIGH if timed else L.MODERATE), found.signals
    assert timed is ("ce soir" in text)
    assert f"crisis_phrase:{lang}" in found.signals


@pytest.mark.parametrize(
    "text",
    [
        "Je veux en finir avec ce dossier avant vendredi.",
        "J'ai envie de dormir, je suis fatigué.",
        "Ich möchte lieber Tee trinken.",
        "I'd rather be at the beach",
    ],
)
def test_ordinary_other_language_is_no_crisis_phrase(text: str) -> None:
    assert not any(s.startswith("crisis_phrase") for s in assess_text(text).signals)
