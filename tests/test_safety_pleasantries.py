"""Greetings, thanks and goodbyes: a message made only of them gives a statistical tier nothing
to read risk from, so its raise is capped to a check-in (never below); a farewell with
finality, or anything else in the message, is never capped; and a conversation that reached
risk keeps it whatever pleasantry follows.

Every sentence here was written for this test file.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from theralab.safety import PatternTier, RiskAssessment, RiskCategory, RiskLevel, Screener
from theralab.safety.patterns import assess_text

L = RiskLevel

PLEASANTRIES = [
    "Hi there, how's it going?",
    "hey hows it going",
    "Hello?",
    "Goodbye!",
    "ok thanks so much for your help, bye",
    "Have a lovely weekend :)",
    "merry xmas!! take care",
    "im good thanks, you?",
    "Ok, that's great advice. Talk later.",
    "Amen. God bless you.",
]

NOT_PLEASANTRIES = [
    "Thank you for everything. Goodbye.",  # finality: not in the list
    "goodbye forever",  # the pattern tier's own cue
    "hi, I don't want to be here anymore",
    "Hello. I took all my pills an hour ago.",
    "thanks for listening, I'm going now",
    "bye, this is my last message",
    "bye \U0001f48a\U0001f48a",  # pills: a symbol can carry risk, so only a few emoticons count
]


class AlwaysHigh:
    """A statistical tier that escalates everything, as the learned tier does with a bare
    "Goodbye"."""

    name = "semantic"

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return RiskAssessment(
            level=L.HIGH,
            categories=[RiskCategory.SUICIDE],
            signals=["semantic:high:0.4"],
            detector=self.name,
        )


SCREENER = Screener([PatternTier(), AlwaysHigh()])


@pytest.mark.parametrize("text", PLEASANTRIES)
def test_a_learned_raise_on_pleasantries_alone_is_capped_to_a_check_in(text: str) -> None:
    assert "protective:pleasantry" in assess_text(text).signals
    found = SCREENER.assess(text)
    assert found.level is L.LOW, found.signals  # the check-in, with the crisis line, stays
    assert "capped_by_context:high->low" in found.signals


@pytest.mark.parametrize("text", NOT_PLEASANTRIES)
def test_anything_beyond_pleasantries_is_never_capped(text: str) -> None:
    assert "protective:pleasantry" not in assess_text(text).signals
    assert SCREENER.assess(text).level.at_least(L.HIGH)


def test_a_conversation_that_reached_risk_keeps_it_through_a_goodbye() -> None:
    conv = Screener([PatternTier()]).conversation()
    assert conv.screen("I keep thinking about killing myself").level.at_least(L.MODERATE)
    assert conv.screen("ok. bye").level.at_least(L.MODERATE)
