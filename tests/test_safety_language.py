"""Messages in other languages are never screened `none` because nothing in them could be
read (theralab.safety.language): a known crisis phrase is `moderate`, anything else confidently
not English is `low` (the guardrail's safety question), and English chat is never taken for
another language. Every sentence here was written for this test."""

from __future__ import annotations

import pytest

from theralab.safety import PatternTier, check_reply
from theralab.safety import language as lang
from theralab.safety.risk import RiskCategory, RiskLevel

CRISIS = [
    ("Ya no aguanto más, quiero morirme", "es", RiskCategory.SUICIDE),
    ("Anoche pensé en quitarme la vida", "es", RiskCategory.SUICIDE),
    ("Otra vez volví a cortarme los brazos", "es", RiskCategory.SELF_HARM),
    ("Eu não quero mais viver assim", "pt", RiskCategory.SUICIDE),
    ("Depuis des semaines je pense à me suicider", "fr", RiskCategory.SUICIDE),
    ("Manchmal denke ich an Selbstmord", "de", RiskCategory.SUICIDE),
    ("Non voglio più vivere, voglio farla finita", "it", RiskCategory.SUICIDE),
    ("Ik denk steeds aan zelfmoord", "nl", RiskCategory.SUICIDE),
    ("Я больше не хочу жить", "ru", RiskCategory.SUICIDE),
    ("我真的不想活了", "zh", RiskCategory.SUICIDE),
    ("もう死にたい", "ja", RiskCategory.SUICIDE),
    ("मैं अब और जीना नहीं, बस मरना चाहता हूँ", "hi", RiskCategory.SUICIDE),
    ("কাল রাতে আত্মহত্যার কথা ভাবছিলাম", "bn", RiskCategory.SUICIDE),
    ("Bazen intihar etmeyi düşünüyorum", "tr", RiskCategory.SUICIDE),
    ("Coraz częściej myślę o samobójstwie", "pl", RiskCategory.SUICIDE),
    ("Rasanya aku ingin mati saja", "id", RiskCategory.SUICIDE),
    ("Σκέφτομαι συνέχεια την αυτοκτονία", "el", RiskCategory.SUICIDE),
    ("אני כבר רוצה למות", "he", RiskCategory.SUICIDE),
    ("ช่วงนี้อยากตายมาก", "th", RiskCategory.SUICIDE),
]

UNREAD = [
    "Mi pareja me dejó y no sé qué hacer con mi vida",
    "Je n'arrive plus à dormir depuis que j'ai perdu mon travail",
    "Ich habe seit Tagen mit niemandem gesprochen",
    "Sono molto stanca e non ho voglia di fare niente",
    "Ninguém em casa me entende, estou sempre sozinha",
    "Ben çok yalnız hissediyorum",
    "今天工作压力太大了",
]

ENGLISH = [
    "ok",
    "lol same",
    "idk tbh",
    "nah im good",
    "gym tmrw whos coming",
    "brb mum calling",
    "thx so much for listening",
    "my boss yelled at me again today",
    "I can't sleep and everything feels heavy",
    "Honestly? Pretty rough week.",
]


@pytest.mark.parametrize(("text", "code", "category"), CRISIS)
def test_crisis_phrases_of_other_languages_reach_the_crisis_threshold(
    text: str, code: str, category: RiskCategory
) -> None:
    found = PatternTier().assess(text)
    assert found.level is RiskLevel.MODERATE
    assert category in found.categories
    assert f"crisis_phrase:{code}" in found.signals


@pytest.mark.parametrize("text", UNREAD)
def test_other_languages_are_not_screened_none(text: str) -> None:
    found = PatternTier().assess(text)
    assert found.level is RiskLevel.LOW
    assert any(s.startswith("unread_language:") for s in found.signals)


@pytest.mark.parametrize("text", ENGLISH)
def test_english_chat_is_never_taken_for_another_language(text: str) -> None:
    assert lang.read_foreign(text) is None
    assert not any("language" in s for s in PatternTier().assess(text).signals)


def test_english_crisis_is_read_by_the_english_cues() -> None:
    found = PatternTier().assess("I keep thinking about killing myself")
    assert found.level.at_least(RiskLevel.MODERATE)
    assert not any(s.startswith(("crisis_phrase", "unread_language")) for s in found.signals)


def test_plain_english_never_loads_the_identifier() -> None:
    lang._identifier.cache_clear()
    for text in ENGLISH[6:9]:  # two English function words or more each
        lang.read_foreign(text)
    assert lang._identifier.cache_info().currsize == 0


def test_a_reply_that_ignores_a_crisis_in_spanish_is_blocked() -> None:
    verdict = check_reply(
        "Have you tried some yoga before bed?",
        history=["Ya no puedo más, me quiero matar"],
        learned=False,
    )
    assert not verdict.allowed
