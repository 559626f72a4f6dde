"""What a scripted counselor says back of a client's words (black-box finding R18, 2026-12-07).

The reflections said back risk words and self-harm imperatives that someone else had said
("…told you to go unalive yourself"), words hidden by spelling with their letters swapped
("s.u.you.c.you.d.e"), text in another language or half in one, questions as statements
("…what should you do."), and quoted words with their pronouns turned. Every message here is
written for this test.
"""

from __future__ import annotations

import random

import pytest

from theralab.agents import Utterance
from theralab.counselors import make_counselor
from theralab.counselors.listening import (
    echoable,
    reflect_change,
    reflect_content,
    salient_sentence,
    say_back,
)
from theralab.dialogue.codes import MiscCode
from theralab.dialogue.records import Speaker
from theralab.safety.language import reads_as_english
from theralab.text.perspective import to_second_person


def test_quoted_words_and_spelt_words_keep_their_pronouns() -> None:
    assert (
        to_second_person('my landlord texted "I want you out by Friday" and I froze')
        == 'your landlord texted "I want you out by Friday" and you froze'
    )
    assert to_second_person("my dad said “I am not paying for it” again") == (
        "your dad said “I am not paying for it” again"
    )
    assert "s.u.i.c.i.d.e" in to_second_person("i keep typing s.u.i.c.i.d.e into my notes")
    assert "i-n-s-i-d-e" in to_second_person("i feel dead i-n-s-i-d-e")


def test_texting_contractions_without_apostrophes_are_turned_too() -> None:
    assert to_second_person("im 16 and ive never felt this alone") == (
        "you're 16 and you've never felt this alone"
    )
    # plain pronouns as before
    assert to_second_person("I think my boss hates me") == "you think your boss hates you"


@pytest.mark.parametrize(
    "sentence",
    [
        "the group chat keeps telling me to kys every night",
        "my ex said i should go unalive myself and honestly it stuck",
        "someone on the server wrote that i should just die",
        "she keeps saying she will kill herself if i leave her",
        "i was reading about suicide rates for my sociology essay",
        "i looked up s.u.i.c.i.d.e statistics for a project",
    ],
)
def test_risk_words_are_never_said_back(sentence: str) -> None:
    assert echoable(sentence) is None
    said = say_back(sentence, "this has been hard")
    assert said == "this has been hard"
    text, _ = reflect_content(sentence, random.Random(0))
    for word in ("kys", "unalive", "die", "kill", "suicide", "s.u.", "you.c"):
        assert word not in text.lower()


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        (
            "my girlfriend has been ignoring my texts for days, what should i do",
            "my girlfriend has been ignoring my texts for days",
        ),
        (
            "my brother borrowed money again and never paid it back, should i say something",
            "my brother borrowed money again and never paid it back",
        ),
        (
            "i feel like my teammates talk about me behind my back, you know what i mean?",
            "i feel like my teammates talk about me behind my back",
        ),
    ],
)
def test_a_question_is_left_off_what_is_said_back(sentence: str, kept: str) -> None:
    assert echoable(sentence) == kept
    text, code = reflect_content(sentence, random.Random(0))
    assert code is MiscCode.SIMPLE_REFLECTION
    assert "should you" not in text and "what should" not in text
    assert "you know what you mean" not in text


def test_a_sentence_that_only_asks_is_not_said_back() -> None:
    assert echoable("should i tell my mum about the detention?") is None
    assert echoable("is it normal to feel this tired after a move?") is None
    # a turn with a question and a statement: the statement is the one reflected
    turn = "Is it weird that I care this much? My dog has been at the vet since Tuesday."
    assert salient_sentence(turn).startswith("My dog has been at the vet")


@pytest.mark.parametrize(
    "sentence",
    [
        "bas yaar ghar pe sab log daant te rehte hai aur mujhe kuch samajh nahi aata",
        "mi jefe dice que no sirvo para nada y ya no sé qué hacer with my life",
        "я устал от всего этого, honestly",
    ],
)
def test_words_the_counselor_cannot_read_are_not_said_back(sentence: str) -> None:
    assert not reads_as_english(sentence)
    assert echoable(sentence) is None
    text = reflect_change(sentence, random.Random(1))
    assert not any(word in text for word in ("yaar", "jefe", "устал"))


@pytest.mark.parametrize(
    "sentence",
    [
        "my computer is on a folding table in the spare room",
        "gym tmrw and then work till late",
        "I found out he was cheating on me",
        "we moved to Leeds in March and I still don't know anyone",
        "Stay safe during this crazy winter",
    ],
)
def test_plain_english_is_still_read(sentence: str) -> None:
    assert reads_as_english(sentence)
    assert echoable(sentence) is not None


@pytest.mark.parametrize("name", ["cbt", "mi", "person_centred"])
def test_every_scripted_counselor_keeps_imperatives_and_foreign_words_out(name: str) -> None:
    for message in (
        "after the match a guy in voice chat told me to go unalive myself and i keep hearing it",
        "mis papas pelean todo el tiempo y yo me siento muy sola en mi cuarto",
        "my ex said i should go unalive myself and honestly it stuck with me all week",
    ):
        counselor = make_counselor(name, 3)
        opener = counselor.reply([]).text
        history = [Utterance(Speaker.COUNSELOR, opener), Utterance(Speaker.CLIENT, message)]
        reply = counselor.reply(history).text.lower()
        for word in ("unalive", "papas", "pelean", "sola"):
            assert word not in reply, (name, message, reply)
    counselor = make_counselor(name, 3)
    opener = counselor.reply([]).text
    message = "my roommate keeps eating my food and leaving dishes everywhere, what should i do"
    history = [Utterance(Speaker.COUNSELOR, opener), Utterance(Speaker.CLIENT, message)]
    reply = counselor.reply(history).text
    assert "your roommate keeps eating your food" in reply
    assert "what should you do" not in reply


# From the multi-turn black-box test (finding 15): truncation, insults, idioms, greetings.


def test_right_at_the_end_of_a_statement_is_kept() -> None:
    said = echoable("my girlfriend says I never listen and honestly she's right")
    assert said is not None and said.endswith("she's right")
    assert echoable("nobody at work gets it, right?") == "nobody at work gets it"


@pytest.mark.parametrize(
    "sentence",
    [
        "my stepdad calls me a useless waste of space when he's been drinking",
        "she screamed that I was pathetic and slammed the door",
    ],
)
def test_names_someone_called_them_are_not_said_back_but_the_hurt_is(sentence: str) -> None:
    assert echoable(sentence) is None
    text, _ = reflect_content(sentence, random.Random(0))
    assert "painful to be spoken to like that" in text or "talked to that way hurts" in text
    for word in ("useless", "waste of space", "pathetic"):
        assert word not in text


def test_self_talk_is_still_said_back() -> None:
    assert echoable("I feel so stupid for trusting him again") is not None
    text, _ = reflect_content("I feel so stupid for trusting him again", random.Random(0))
    assert "stupid for trusting him" in text


def test_profanity_and_death_idioms_are_not_said_back() -> None:
    assert echoable("honestly I feel like shit about the whole thing") is None
    assert echoable("if I fail this module I'm literally going to die lol") is None
    assert echoable("my mum will kill me when she sees the grade") is None
    assert echoable("my grandad died in March and the house feels empty") is not None


def test_greetings_and_thanks_are_not_said_back() -> None:
    assert echoable("thanks, that feels a lot more doable") == "that feels a lot more doable"
    assert echoable("hiii ok so my exams start monday") == "my exams start monday"


def test_single_quoted_words_keep_their_pronouns() -> None:
    assert to_second_person("she asked me 'do you even want to be with me?' and I froze") == (
        "she asked you 'do you even want to be with me?' and you froze"
    )
    assert to_second_person("I texted him 'I'm sorry, I'll do better' last night") == (
        "you texted him 'I'm sorry, I'll do better' last night"
    )
    # apostrophes outside quotations are left to the rewrite
    assert to_second_person("my dogs' bowls are empty and I can't face it") == (
        "your dogs' bowls are empty and you can't face it"
    )


def test_times_written_with_am_keep_their_am() -> None:
    """A time like 3am was turned into "3are" with the pronouns (black-box test, 2026-12-07,
    fifth session)."""
    said = to_second_person("I lie awake until 3am and I am up again at 7am")
    assert said == "you lie awake until 3am and you are up again at 7am"
