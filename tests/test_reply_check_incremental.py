"""The reply checker reads a conversation checked reply by reply once, not again per reply
(`reply_check.context._in_any`, issue 15): its readings equal those of a checker that reads
every history from scratch, and the cue tests it runs grow with the messages, not with their
square."""

from __future__ import annotations

import re

import pytest

from theralab.safety.reply_check import context
from theralab.safety.reply_check.context import (
    _in_any,
    assess_history,
    clear_caches,
    detect_conditions,
)

# Written for this test: ordinary talk, then cues that arrive late, some negated, some two
# messages in a row (the client writes twice before the next reply).
CONVERSATION = [
    "Work has been a lot lately and I am tired.",
    "My sister says I should take a break.",
    "I haven't been sleeping, maybe two hours a night, and I feel amazing.",
    "I don't want to kill myself, I just want the noise to stop.",
    "I started a company yesterday and put all my savings into it.",
    "The voices tell me the neighbours are reading my thoughts.",
    "Honestly I have been thinking about ending my life.",
    "I check the stove thirty times before I can leave.",
    "I am in year 9 at school.",
    "I have been eating 300 calories a day.",
    "I have the pills saved up in a drawer.",
]


def readings(histories: list[list[str]]) -> list[object]:
    return [
        (detect_conditions(h), assess_history(h).conditions, assess_history(h).belief_words)
        for h in histories
    ]


@pytest.mark.parametrize("step", [1, 2, 3])
def test_readings_reply_by_reply_equal_readings_from_scratch(step: int) -> None:
    histories = [CONVERSATION[:n] for n in range(1, len(CONVERSATION) + 1, step)]
    clear_caches()
    in_turn = readings(histories)  # each history extends the one before it
    fresh = []
    for h in histories:
        clear_caches()
        fresh.extend(readings([h]))
    assert in_turn == fresh
    # and the cues did fire: the test reads something
    conditions, level = detect_conditions(CONVERSATION)
    assert level.rank >= 3 and len(conditions) >= 5


def test_a_cue_is_tested_once_per_message_however_many_replies_follow() -> None:
    clear_caches()
    calls: list[str] = []

    def test(rx: re.Pattern[str], text: str) -> bool:
        calls.append(text)
        return rx.search(text) is not None

    cue = re.compile(r"\bnever\b")
    messages = [f"message number {i}" for i in range(40)]
    answers = [_in_any(cue, tuple(messages[:n]), test) for n in range(1, 41)]
    assert answers == [False] * 40
    assert len(calls) == 40  # from scratch each time: 820
    # two messages between replies, then a history that is not an extension of any before
    calls.clear()
    assert _in_any(cue, (*messages, "one", "I never"), test)
    assert calls == ["one", "I never"]
    calls.clear()
    assert not _in_any(cue, ("a", "b", "c"), test)
    assert calls == ["a", "b", "c"]


def test_the_memory_of_answers_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_caches()
    monkeypatch.setattr(context, "_PREFIX_ANSWERS_MAX", 10)
    cue = re.compile("x")
    for i in range(50):
        assert _in_any(cue, (f"text {i}", "x"), context._found)
    assert len(context._PREFIX_ANSWERS) <= 10
