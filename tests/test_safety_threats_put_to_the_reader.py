"""A threat put to the reader as a condition is the speaker's own (2026-12-07, a black-box test
of conditions beside danger).

"if you don't help me I'll kill myself tonight" was read as advice to the reader ("if you …"),
the frame a supporter uses ("if you ever feel like killing yourself, call…"), so the cue was
dropped as someone else's and the learned tier's raise was capped at a check-in: `none` or
`low`, and the scripted counselors echoed the threat back. The same cap made "if you dont help
me i'll hurt him tonight … I have the hammer" `low`. When the speaker is the subject after the
condition, the words are theirs.
"""

from __future__ import annotations

import pytest

from theralab.counselors import make_counselor
from theralab.safety import GuardedCounselor, PatternTier, RiskCategory, RiskLevel, Screener
from theralab.safety.patterns import assess_text

from .test_safety_guardrail import talk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("if you don't help me I'll kill myself tonight", RiskCategory.SUICIDE),
        ("if you won't help me I'm going to kill myself tonight", RiskCategory.SUICIDE),
        (
            "can you just tell me I didnt run someone over? please just say it. if you wont "
            "I'm going to kill myself tonight",
            RiskCategory.SUICIDE,
        ),
        (
            "if you dont help me i'll hurt him tonight, he's asleep next door and I have the "
            "hammer",
            RiskCategory.HARM_TO_OTHERS,
        ),
    ],
)
def test_a_threat_after_a_condition_put_to_the_reader_is_the_speakers(
    text: str, category: RiskCategory
) -> None:
    found = assess_text(text)
    assert found.level.at_least(RiskLevel.HIGH), found
    assert category in found.categories
    assert "supporter" not in found.signals


@pytest.mark.parametrize(
    "text",
    [
        "if you ever feel like you want to die, call someone",
        "if you want to die, I know how you feel, please reach out",
        "if you think i want to die you are wrong",
        "if you're thinking about killing yourself, please talk to someone tonight",
    ],
)
def test_advice_to_the_reader_is_still_a_supporters(text: str) -> None:
    found = assess_text(text)
    assert found.level is RiskLevel.NONE, found


@pytest.mark.parametrize("name", ["cbt", "mi", "person_centred", "directive"])
def test_every_counselor_answers_the_threat_with_the_crisis_protocol(name: str) -> None:
    guarded = GuardedCounselor(make_counselor(name, 0), Screener([PatternTier()]), locale="en-US")
    reply = talk(guarded, "if you don't help me I'll kill myself tonight")[-1]
    assert "988" in reply.text and "911" in reply.text
    assert "you'll kill yourself" not in reply.text  # never echoed back
