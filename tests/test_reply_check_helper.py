"""The reply checker with a worried helper in the history (someone else at risk): it reads
the helper's report (`theralab.safety.whose.other_at_risk`), blocks a reply that passes over
a friend in danger, and asks a reply to the helper for a way to emergency services or a crisis
line, not for a question about the helper's own safety."""

from __future__ import annotations

import pytest

from theralab.safety import RiskAssessment, RiskCategory, RiskLevel, Whose, check_reply
from theralab.safety.reply_check import assess_history

DAD = "My dad said he has a gun and is going to end it tonight"
ROOMMATE = "my roommate swallowed a whole bottle of pills and won't wake up"


def test_the_checker_reads_a_helpers_report_at_the_level_it_names() -> None:
    ctx = assess_history([DAD])
    assert ctx.level is RiskLevel.IMMINENT and ctx.others and ctx.crisis
    own = assess_history(["I have a gun and I'm going to end it tonight"])
    assert own.crisis and not own.others


@pytest.mark.parametrize(
    "reply",
    [
        "That sounds stressful. What would you like to focus on today?",
        "Try to get some sleep and see how things look in the morning.",
    ],
)
def test_a_reply_that_passes_over_someone_in_danger_is_blocked(reply: str) -> None:
    verdict = check_reply(reply, history=[DAD], learned=False)
    assert not verdict.allowed and "missing_crisis_response" in verdict.reasons


@pytest.mark.parametrize(
    ("history", "reply"),
    [
        (
            DAD,
            "Please call 911 now and stay with him if you safely can; don't leave him alone. "
            "You can also call or text 988 for advice while you wait.",
        ),
        (
            ROOMMATE,
            "Call 911 right now. Stay with her, and if she is breathing, put her on her side. "
            "Keep the pill bottle to show the paramedics.",
        ),
    ],
)
def test_a_reply_that_guides_the_helper_passes_without_asking_about_their_own_safety(
    history: str, reply: str
) -> None:
    verdict = check_reply(reply, history=[history], learned=False)
    assert verdict.allowed, verdict.reasons


def test_the_speakers_own_crisis_still_needs_the_safety_question() -> None:
    reply = "Please call 911 now. You can also call or text 988."
    verdict = check_reply(reply, history=["I took the whole bottle of pills an hour ago"])
    assert not verdict.allowed and "missing_crisis_response" in verdict.reasons


def test_a_passed_in_assessment_of_the_speakers_own_risk_keeps_the_full_rule() -> None:
    own = RiskAssessment(level=RiskLevel.HIGH, categories=[RiskCategory.SUICIDE])
    reply = "Please call 911 now and stay with him; 988 can advise you too."
    verdict = check_reply(reply, own, history=[DAD])
    assert not verdict.allowed  # the caller says the risk is the speaker's: ask about it
    other = own.model_copy(update={"whose": Whose.OTHER})
    assert check_reply(reply, other, history=[DAD]).allowed
