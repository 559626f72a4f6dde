"""A whole supply of pills taken, said in German, French or Spanish, is an emergency
(2026-12-07, a black-box test: "Ich habe vor einer Stunde alle meine Schlaftabletten genommen"
in a de-DE deployment was `low` and asked to switch to English, with no emergency number)."""

from __future__ import annotations

import pytest

from theralab.counselors import make_counselor
from theralab.safety import GuardedCounselor, PatternTier, RiskCategory, RiskLevel, Screener
from theralab.safety.language import read_foreign

from .test_safety_guardrail import talk


@pytest.mark.parametrize(
    ("locale", "text", "emergency"),
    [
        ("de-DE", "Ich habe vor einer Stunde alle meine Schlaftabletten genommen", "112"),
        ("fr-FR", "J'ai pris toutes mes pilules il y a une heure, je veux mourir", "112"),
        ("en-US", "Me tomé todas mis pastillas hace una hora", "911"),
    ],
)
def test_a_supply_taken_in_another_language_gets_the_emergency_reply(
    locale: str, text: str, emergency: str
) -> None:
    found = read_foreign(text)
    assert found is not None and found.level is RiskLevel.HIGH
    assert RiskCategory.OVERDOSE in found.categories
    guarded = GuardedCounselor(make_counselor("cbt", 0), Screener([PatternTier()]), locale=locale)
    reply = talk(guarded, text)[-1]
    assert f"Please call {emergency}" in reply.text and "now" in reply.text, reply.text


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe heute meine Tabletten genommen wie immer",
        "J'ai pris mes médicaments ce matin",
        "Me tomé mis pastillas con el desayuno",
    ],
)
def test_taking_ones_medicine_as_usual_is_not(text: str) -> None:
    found = read_foreign(text)
    assert found is None or RiskCategory.OVERDOSE not in found.categories
