"""Resources for what was found and where the person is (2026-12-07, black-box tests of crisis
conversations).

Found: a 16-year-old's overdose was given the US child-abuse hotline first, and it was the one
"real person" line on later turns, though no abuse was said; a German or French deployment had
no table, so an overdose got "your local emergency number" and a website; a message in a
language the screener cannot read got no emergency number at all.
"""

from __future__ import annotations

from theralab.counselors import make_counselor
from theralab.safety import (
    CrisisProtocol,
    GuardedCounselor,
    PatternTier,
    RiskAssessment,
    RiskCategory,
    RiskLevel,
    Screener,
    resources_for,
)

from .test_safety_guardrail import talk

C = RiskCategory


def test_a_minors_overdose_gets_the_poison_line_not_a_child_abuse_line() -> None:
    risk = RiskAssessment(
        level=RiskLevel.IMMINENT, categories=[C.SUICIDE, C.OVERDOSE, C.MINOR], signals=["x"]
    )
    reply = CrisisProtocol(locale="en-US").respond(risk, "I'm 16 and took 15 ibuprofen")
    assert reply.resources[0].startswith("Poison Help")
    assert not any("Childhelp" in r for r in reply.resources)
    assert "Childhelp" not in reply.text


def test_a_minor_who_names_abuse_gets_the_child_abuse_line_first() -> None:
    risk = RiskAssessment(
        level=RiskLevel.HIGH, categories=[C.ABUSE, C.MINOR], signals=["abuse", "minor"]
    )
    reply = CrisisProtocol(locale="en-US").respond(risk, "I'm 13 and my dad hits me")
    assert reply.resources[0].startswith("Childhelp")


def test_germany_and_france_have_their_emergency_number_and_lines() -> None:
    de, fr = resources_for("de-DE"), resources_for("fr-FR")
    assert de.emergency == "112" and fr.emergency.startswith("112")
    assert "TelefonSeelsorge" in de.crisis_line().name
    assert "3114" in fr.crisis_line().name
    risk = RiskAssessment(level=RiskLevel.IMMINENT, categories=[C.SUICIDE], signals=["x"])
    assert "call 112 now" in CrisisProtocol(locale="de-DE").respond(risk).text


def test_a_message_the_screener_cannot_read_still_gets_the_emergency_number() -> None:
    for locale, number in (("de-DE", "112"), ("en-US", "911"), ("ja-JP", "local emergency")):
        guarded = GuardedCounselor(
            make_counselor("cbt", 0), Screener([PatternTier()]), locale=locale
        )
        reply = talk(guarded, "Ich weiss nicht, was ich heute machen soll, alles ist so schwer")[-1]
        assert "I can only read English well" in reply.text
        assert "If you are in danger right now, please call" in reply.text, reply.text
        assert number in reply.text, reply.text
