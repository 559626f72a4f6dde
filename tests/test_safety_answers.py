"""A yes to the guardrail's own safety question is risk (`theralab.safety.answers`).

Until 2026-12-05 the guardrail asked "are you having any thoughts of ending your life?" at
`low` and let "yeah, sometimes" pass: the screener read the answer alone, and it holds no risk
word. Every sentence here was written for this test file.
"""

from __future__ import annotations

import asyncio

import pytest

from theralab.agents import FixedReply, Utterance
from theralab.dialogue.records import Speaker
from theralab.safety import PatternTier, RiskCategory, RiskLevel, Screener
from theralab.safety.answers import affirms, safety_question, says_yes
from theralab.safety.guardrail import GuardedCounselor
from theralab.safety.protocol import check_in

L = RiskLevel
WISH = "honestly I just wish I could disappear for a while"


def _guarded() -> GuardedCounselor:
    return GuardedCounselor(
        FixedReply("Tell me more about your week."), screener=Screener([PatternTier()])
    )


def _after_check_in(answer: str) -> tuple[GuardedCounselor, str]:
    guard = _guarded()
    history = [Utterance(Speaker.CLIENT, WISH)]
    first = asyncio.run(guard.respond(history))
    assert guard.last is not None and guard.last.action == "check_in"
    history += [Utterance(Speaker.COUNSELOR, first.text), Utterance(Speaker.CLIENT, answer)]
    reply = asyncio.run(guard.respond(history))
    return guard, reply.text


@pytest.mark.parametrize(
    "answer",
    [
        "yeah, sometimes",
        "yes",
        "I do, yeah",
        "maybe. I don't know",
        "not really, but late at night it crosses my mind",
        "every night lately",
        "Yes. Some nights I hope I don't wake up.",
    ],
)
def test_a_yes_to_the_check_in_hands_the_conversation_to_the_crisis_protocol(
    answer: str,
) -> None:
    guard, text = _after_check_in(answer)
    assert guard.last is not None and guard.last.action == "crisis"
    assert guard.last.risk.level.at_least(L.MODERATE)
    assert "affirmed_safety_question:suicide" in guard.last.risk.signals
    # it answered the question already: the protocol moves on to plan and means
    assert "are you thinking about ending your life" not in text.lower()
    assert "do you have a plan" in text.lower()


@pytest.mark.parametrize(
    "answer",
    [
        "no",
        "No, nothing like that. Work has just been relentless.",
        "nah im good, just tired",
        "I'm fine honestly",
        "what? why would you ask that?",
        # a wish said again, not a yes: the level stays where the words put it
        "Not really. I just wish I could disappear for a while.",
        "Some nights I hope I don't wake up.",
    ],
)
def test_a_no_or_an_answer_that_says_what_it_is_is_read_for_what_it_says(answer: str) -> None:
    guard, _ = _after_check_in(answer)
    assert guard.last is not None and guard.last.action != "crisis"
    assert guard.last.risk.level is L.LOW


def test_yes_to_a_counselor_question_that_is_not_a_safety_question_is_not_risk() -> None:
    guard = _guarded()
    history = [
        Utterance(Speaker.CLIENT, "work has been rough"),
        Utterance(Speaker.COUNSELOR, "Would you like to talk about work today?"),
        Utterance(Speaker.CLIENT, "yeah, sometimes it gets to me"),
    ]
    asyncio.run(guard.respond(history))
    assert guard.last is not None and guard.last.risk.level is L.NONE


def test_what_a_counselor_turn_asked() -> None:
    assert safety_question(check_in(None)) is RiskCategory.SUICIDE
    assert safety_question("Have you hurt yourself since we last talked?") is (
        RiskCategory.SELF_HARM
    )
    assert safety_question("Have you been feeling suicidal this week?") is RiskCategory.SUICIDE
    # a yes to "are you safe?" means the opposite: not read
    assert (
        safety_question("Are you safe right now, and are you thinking of hurting yourself?") is None
    )
    # a statement is not a question
    assert safety_question("Some people have thoughts of ending their life.") is None
    assert safety_question("How did the interview go?") is None


def test_a_yes_to_a_self_harm_question_is_self_harm() -> None:
    conversation = Screener([PatternTier()]).conversation()
    conversation.heard("That sounds hard. Have you hurt yourself since we last spoke?")
    found = conversation.screen("yeah, twice")
    assert found.level.at_least(L.MODERATE) and RiskCategory.SELF_HARM in found.categories


def test_the_question_is_forgotten_after_one_answer() -> None:
    conversation = Screener([PatternTier()]).conversation()
    conversation.heard("Are you having any thoughts of ending your life?")
    assert conversation.screen("no, not at all").level is L.NONE
    assert conversation.screen("yeah it was a good weekend").level is L.NONE


@pytest.mark.parametrize(
    ("answer", "yes", "explicit"),
    [
        ("Yeah, sometimes.", True, True),
        ("Honestly, yes.", True, True),
        ("sometimes", True, False),
        ("idk", True, False),
        ("No.", False, False),
        ("no but sometimes at night", True, False),
        ("I guess not", False, False),
        ("huh? what?", False, False),
    ],
)
def test_reading_an_answer(answer: str, yes: bool, explicit: bool) -> None:
    assert affirms(answer) is yes
    assert says_yes(answer) is explicit
