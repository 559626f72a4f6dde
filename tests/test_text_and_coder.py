from __future__ import annotations

import pytest

from theralab.coding import RuleCoder
from theralab.dialogue import MiscCode as C
from theralab.dialogue import TalkType
from theralab.text import emotions_in, split_sentences, to_second_person


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("I'm worried my boss thinks I'm lazy.", "you're worried your boss thinks you're lazy"),
        (
            "Honestly, I was so tired that I stayed in bed.",
            "you were so tired that you stayed in bed",
        ),
        ("I wasn't really thinking anything.", "you weren't really thinking anything"),
        (
            "They always find something wrong once you get older.",
            "they always find something wrong once you get older",
        ),
        ("I told myself I am a failure.", "you told yourself you are a failure"),
    ],
)
def test_to_second_person(first: str, second: str) -> None:
    assert to_second_person(first) == second


def test_split_sentences_and_emotions() -> None:
    assert split_sentences("I feel low. Work is hard! Is it me?") == [
        "I feel low.",
        "Work is hard!",
        "Is it me?",
    ]
    assert emotions_in("I was so anxious and a bit angry") == ["anxious", "angry"]
    assert emotions_in("The bus was late") == []


def test_cached_readings_are_not_shared_between_callers() -> None:
    """`emotions_in` and the coder's targets are cached by text: a caller changing what it
    got back never changes what the next caller gets."""
    first = emotions_in("I was so anxious and a bit angry")
    first.append("joy")
    assert emotions_in("I was so anxious and a bit angry") == ["anxious", "angry"]
    [sentence] = CODER.code_counselor("What are you thinking about your drinking?").sentences
    assert isinstance(sentence.targets, frozenset)
    [again] = CODER.code_counselor("What are you thinking about your drinking?").sentences
    assert again.targets == sentence.targets and again.targets


CODER = RuleCoder()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("What brings you here today?", C.OPEN_QUESTION),
        ("If that happened, how would you cope?", C.OPEN_QUESTION),
        ("Tell me more about that.", C.OPEN_QUESTION),
        ("Do you sleep well?", C.CLOSED_QUESTION),
        ("Would it be okay if I shared an idea?", C.SEEK_COLLABORATION),
        ("It sounds like work has been relentless.", C.SIMPLE_REFLECTION),
        ("You're saying that your GP said you need to cut back.", C.SIMPLE_REFLECTION),
        (
            "Part of you wants to rest, and part of you worries what people think.",
            C.COMPLEX_REFLECTION,
        ),
        ("You should just talk to your manager.", C.ADVISE_WITHOUT_PERMISSION),
        ("One option is to leave on time twice this week.", C.ADVISE_WITH_PERMISSION),
        ("It's your decision in the end.", C.EMPHASIZE_AUTONOMY),
        ("You've worked really hard to keep things going.", C.AFFIRM),
        ("That sounds really hard.", C.SUPPORT),
        ("Many people notice that thoughts and feelings are linked.", C.GIVE_INFORMATION),
        ("You're just making excuses.", C.CONFRONT),
        ("If you don't stop now, you'll end up in hospital.", C.WARN),
        ("Don't you think you'd feel better if you stopped?", C.PERSUADE),
        ("Let me summarize what we covered today.", C.STRUCTURE),
        ("Take care, and see you next time.", C.OTHER),
    ],
)
def test_rule_coder_codes(text: str, code: C) -> None:
    assert CODER.code_counselor(text).codes == [code]


def test_advice_after_permission_in_same_turn_is_with_permission() -> None:
    coded = CODER.code_counselor("May I share an idea? You should try a sleep diary.")
    assert coded.codes == [C.SEEK_COLLABORATION, C.ADVISE_WITH_PERMISSION]


def test_feeling_the_client_did_not_name_makes_a_reflection_complex() -> None:
    client = "My manager moved the deadline again."
    assert CODER.code_counselor("You're feeling anxious about the deadline.", client).codes == [
        C.COMPLEX_REFLECTION
    ]
    assert CODER.code_counselor(
        "You're feeling anxious about the deadline.", "I'm anxious about the deadline."
    ).codes == [C.SIMPLE_REFLECTION]


def test_question_targets_come_from_the_question() -> None:
    coded = CODER.code_counselor(
        "So the thought was that you'll fail. What evidence supports that?"
    )
    assert "evidence" in coded.question_targets
    assert "thought" not in coded.question_targets
    assert "thought" in coded.targets


@pytest.mark.parametrize(
    ("text", "talk"),
    [
        ("I know I can't keep going like this.", TalkType.CHANGE),
        ("I want to cut down before the baby comes.", TalkType.CHANGE),
        ("If I don't check things myself, who will?", TalkType.SUSTAIN),
        ("I just don't know if I can.", TalkType.SUSTAIN),
        ("It's not that bad, everyone drinks.", TalkType.SUSTAIN),
        ("The bus was late on Tuesday.", TalkType.NEUTRAL),
    ],
)
def test_client_talk_types(text: str, talk: TalkType) -> None:
    assert CODER.code_client(text) is talk
