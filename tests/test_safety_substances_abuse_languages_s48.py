"""Crises in plain words, slang and other languages, from two black-box tests of the CLI
(2026-12-07, sixth session): self-injury, substances and domestic abuse; people who do not
write in plain English. Every message is written for this test.

- Someone else not breathing, blue lips, won't wake after taking something: `none`, and the
  counselor reflected it back.
- Drink with a sedative ("drank a lot and took my xanax… is that ok?"): `none` once a question
  followed; strangulation in plain words `none`; a knife held to the throat, a threat to kill
  and leaving an abusive husband read as suicide, with no abuse line.
- A cut showing fat, numb fingers after a cut, self-harm slang ("did sh again") `none`;
  "cut down on my drinking", a shaving cut and an oven burn took over the chat.
- Using again after detox: no word on lost tolerance.
- Pills taken, a plan with a time, or a goodbye in another language `low`; romanised Hindi
  `none`; in a crisis, a message in another language moved the safety plan on; a person in
  Brazil given the US lines.
"""

from __future__ import annotations

import pytest

from theralab.safety.patterns import assess_text
from theralab.safety.protocol import CrisisProtocol
from theralab.safety.resources import stated_country
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, Whose
from theralab.safety.whose import other_at_risk

from .test_protocol_blackbox_s36 import guarded, talk

NONE, LOW, MODERATE, HIGH, IMMINENT = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


# --- someone else collapsed ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my flatmate took something at the party and now he wont wake up and his lips are going "
        "blue, what should i do",
        "i think my girlfriend stopped breathing",
        "my cousin isn't breathing right, what do i do",
        "she did some g with a few drinks and now she's gone all floppy and her breathing is slow",
        "my grandad collapsed after drinking and taking his pain pills and he's barely breathing",
        "my mum has crushing chest pain and can barely breathe",
        "my toddler swallowed bleach, what should i do",
    ],
)
def test_someone_else_not_breathing_is_an_emergency_to_call_for(text: str) -> None:
    found = other_at_risk(text)
    assert found.level is IMMINENT, found.signals
    assert "other_at_risk:act_underway" in found.signals
    assert found.whose is Whose.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "she hasn't responded to my texts since the argument",
        "he won't respond to me on any app",
        "my son won't wake up for school, it's a fight every morning",
        "my dad collapsed on the sofa after work and slept",
        "my boss is finally not breathing down my neck",
        "my sister said she wouldn't mind not waking up some days",  # her words: ideation
        "he passed out for a moment after the ball hit him, he's fine now",
        "the company my mum worked for collapsed last year",
        "my friend is having a panic attack and says she can't breathe",
    ],
)
def test_ordinary_talk_of_others_is_not_a_collapse(text: str) -> None:
    assert "other_at_risk:act_underway" not in other_at_risk(text).signals


def test_a_bystander_gets_the_emergency_call_and_first_aid() -> None:
    (reply,) = talk(
        guarded(), "my mate took something and now he won't wake up, his lips look blue"
    )
    assert "call 911 now" in reply.text
    assert "recovery position" in reply.text


# --- drink and sedatives -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "drank loads tonight and took my xanax, i feel really heavy. is that ok?",
        "had about 7 beers and then 2 of my sleeping pills. that's fine right?",
        "been drinking vodka all evening and took some of my oxy on top",
    ],
)
def test_drink_with_a_sedative_is_an_overdose_whatever_question_follows(text: str) -> None:
    found = assess_text(text)
    assert found.level.at_least(HIGH), found.signals
    assert RiskCategory.OVERDOSE in found.categories
    assert "mixed_depressants" in found.signals


def test_a_glass_of_wine_and_a_usual_sleeping_pill_is_a_check_in_not_an_emergency() -> None:
    found = assess_text("had a glass of wine with dinner then my usual zopiclone, is that ok?")
    assert found.level is LOW
    assert RiskCategory.OVERDOSE not in found.categories


def test_a_bigger_dose_not_caring_about_waking_is_high() -> None:
    found = assess_text(
        "when i use i don't care if i wake up. last night i took way more than usual"
    )
    assert found.level.at_least(HIGH)
    assert "bigger_dose_not_caring" in found.signals


def test_using_again_after_detox_is_told_that_tolerance_is_gone() -> None:
    found = assess_text("three weeks out of rehab. scoring tonight, going to do my usual amount")
    assert "lost_tolerance" in found.signals
    assert found.level.at_least(HIGH)
    (reply,) = talk(
        guarded(), "three weeks out of rehab. scoring tonight, going to do my usual amount"
    )
    assert "tolerance" in reply.text and "naloxone" in reply.text
    # nothing taken yet: not the overdose emergency reply
    assert "If you've taken something" not in reply.text
    assert assess_text("10 days out of detox and today was rough").level is NONE


# --- abuse ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "we argued and he wrapped his hands around my neck until i almost passed out",
        "my boyfriend squeezed my throat last night, he says it was a joke",
        "my husband pulled a knife on me at dinner",
        "he has threatened to kill me if i ever leave",
        "she told me she'll make sure i never wake up if i tell anyone",
    ],
)
def test_strangulation_weapons_and_threats_to_kill_are_abuse_at_high(text: str) -> None:
    found = assess_text(text)
    assert RiskCategory.ABUSE in found.categories, found.signals
    assert found.level.at_least(HIGH)
    assert "abuse_lethal" in found.signals


def test_a_hug_is_not_strangulation() -> None:
    found = assess_text("she put her hands around my neck and gave me the biggest hug")
    assert "abuse_lethal" not in found.signals


def test_abuse_read_with_its_own_reply_and_the_warning_sign() -> None:
    (reply,) = talk(
        guarded(), "he put his hands round my throat till i blacked out. he's been sweet since"
    )
    assert "National Domestic Violence Hotline" in reply.text
    assert "warning signs" in reply.text
    assert "checked by a doctor" in reply.text


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("my aunt's husband hits her and i'm scared for her", "abuse_of_other"),
        ("my gran's carer keeps taking money from her purse", "abuse_by_carer"),
        ("my dad's carer is rough with him and shouts at him", "abuse_by_carer"),
    ],
)
def test_abuse_of_someone_else_is_abuse(text: str, signal: str) -> None:
    found = assess_text(text)
    assert signal in found.signals
    assert RiskCategory.ABUSE in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "my grandad's carer is lovely, she takes him to the park",
        "my mum's boyfriend hits the gym every morning",
    ],
)
def test_an_ordinary_carer_or_partner_is_not_abuse(text: str) -> None:
    assert assess_text(text).level is NONE


def test_leaving_an_abusive_partner_gets_the_leaving_line() -> None:
    found = assess_text("i'm going to leave my abusive husband on monday while he's at work")
    assert "leaving_abuser" in found.signals and RiskCategory.ABUSE in found.categories
    (reply,) = talk(guarded(), "i'm going to leave my abusive husband on monday while he's at work")
    assert "most dangerous time" in reply.text


def test_leaving_a_partner_with_no_abuse_said_holds_a_learned_raise_to_a_check_in() -> None:
    found = assess_text("i'm leaving him on saturday while he's out. i've packed a bag at my mum's")
    assert found.level is NONE
    assert "protective:relationship" in found.signals


def test_coercive_control_asked_about_is_abuse_not_a_means_question() -> None:
    found = assess_text("he tracks my location and controls all the money. is that normal?")
    assert RiskCategory.ABUSE in found.categories
    assert "means_with_risk" not in found.signals
    assert RiskCategory.SUICIDE not in found.categories


def test_a_child_disclosing_sexual_abuse_is_abuse_and_a_minor() -> None:
    found = assess_text("my stepbrother sexually abuses me and i'm 11")
    assert RiskCategory.ABUSE in found.categories and RiskCategory.MINOR in found.categories


def test_an_abusers_words_are_not_the_speakers_own_thought() -> None:
    found = assess_text("he held a knife to me last night and said nobody would miss me")
    assert "better_off" not in found.signals
    assert RiskCategory.ABUSE in found.categories


# --- self-injury ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "did sh again last night. worse this time",
        "relapsed after 30 days, sh again, i'm such a failure",
        "used the razor again, more than usual",
        "i scratch my thighs till they bleed when exams get bad",
    ],
)
def test_self_harm_slang_is_self_harm(text: str) -> None:
    found = assess_text(text)
    assert found.level.at_least(MODERATE), found.signals
    assert RiskCategory.SELF_HARM in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "there's something white and fatty showing in the cut, i think it needs stitches",
        "not trying to kill myself but i cut my wrist badly and my fingers feel numb",
        "the cuts on my thigh are red and hot with yellow stuff in them, can't tell anyone",
    ],
)
def test_a_self_harm_wound_that_needs_a_doctor_is_said_so(text: str) -> None:
    found = assess_text(text)
    assert "wound_needs_care" in found.signals
    assert found.level.at_least(MODERATE)
    (reply,) = talk(guarded(), text)
    assert "needs a doctor today" in reply.text


def test_an_infected_scratch_from_a_cat_is_not_self_harm() -> None:
    found = assess_text("my cat scratched me and now it's red and swollen and smells a bit")
    assert found.level is NONE


@pytest.mark.parametrize(
    "text",
    [
        "I cut myself shaving this morning, so annoying",
        "burnt myself on the baking tray making tea",
        "trying to cut down on my drinking, weekends only now",
        "cutting toxic people off was the best thing i did this year",
    ],
)
def test_everyday_cuts_and_burns_and_cutting_down_are_not_risk(text: str) -> None:
    found = assess_text(text)
    assert found.level is NONE
    assert "protective:idiom" in found.signals  # a learned raise is held back too


def test_a_burn_on_purpose_stays_self_harm() -> None:
    found = assess_text("I burned myself on the hob on purpose again")
    assert found.level.at_least(MODERATE)


@pytest.mark.parametrize(
    "text", ["need to get my sh together this week", "this is some bad sh lol"]
)
def test_sh_for_something_else_is_not_self_harm(text: str) -> None:
    assert assess_text(text).level is NONE


def test_pus_coming_out_is_not_coming_out() -> None:
    assert "lgbtq" not in assess_text("there's stuff coming out of the cut").signals
    assert "lgbtq" in assess_text("I came out to my parents last month").signals


# --- other languages and non-native English ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at_least"),
    [
        ("maine saari goliyan kha li hain abhi", IMMINENT),
        ("main aaj raat suicide kar lunga", HIGH),
        ("khud ko khatam kar dunga yaar", HIGH),
        ("maine zeher pi liya hai", IMMINENT),
        ("I want to kill me, nothing is working", MODERATE),
        ("I ate the sleeping tablets of my father, all of them", IMMINENT),
        ("I don swallow all the tablets for my room", IMMINENT),
        ("I have drunk the weed killer from the shed", IMMINENT),
        ("I don't want to live anymore, tonight I jump from my building", IMMINENT),
    ],
)
def test_romanised_hindi_and_non_native_english(text: str, at_least: RiskLevel) -> None:
    found = assess_text(text)
    assert found.level.at_least(at_least), found.signals


@pytest.mark.parametrize(
    "text",
    [
        "me tomé unas 20 pastillas hace un rato",
        "engoli todos os comprimidos da minha avó",
        "ho preso tutte le pillole della mamma",
        "ik heb te veel slaappillen ingenomen",
        "выпила все таблетки из аптечки",
        "我把一整瓶药都吃了",
        "薬を全部飲んだ",
        "수면제를 한 통 다 먹었어",
        "tôi uống hết lọ thuốc rồi",
    ],
)
def test_pills_taken_in_other_languages_are_an_overdose(text: str) -> None:
    found = assess_text(text)
    assert found.level.at_least(HIGH), found.signals
    assert RiskCategory.OVERDOSE in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "quiero matarme esta noche",
        "ich will mich heute umbringen",
        "stanotte la faccio finita",
        "mi voglio ammazzare domani",
    ],
)
def test_a_crisis_phrase_with_a_time_in_another_language_is_high(text: str) -> None:
    found = assess_text(text)
    assert found.level.at_least(HIGH), found.signals


def test_ordinary_talk_in_another_language_stays_unread_low() -> None:
    found = assess_text("hoy fue un día pesado en la oficina, mi jefe estaba de mal humor")
    assert found.level is LOW
    assert any(s.startswith("unread_language:") for s in found.signals)


def test_a_message_in_another_language_during_a_crisis_gets_the_emergency_step_again() -> None:
    protocol = CrisisProtocol(locale="en-US")
    first = RiskAssessment(level=HIGH, categories=[RiskCategory.SUICIDE], signals=["kill_self"])
    protocol.respond(first, "i want to kill myself tonight")
    later = RiskAssessment(
        level=HIGH, categories=[RiskCategory.SUICIDE], signals=["unread_language:vi"]
    )
    out = protocol.respond(later, "tôi tới cầu rồi. tạm biệt")
    assert "call 911 now" in out.text
    assert "can't read that language" in out.text
    assert "safety plan" not in out.text


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("I live in Recife, Brazil. Which number can I call?", "GENERIC"),
        ("is there a helpline I can call in the Philippines?", "GENERIC"),
        ("988 doesn't work here", "GENERIC"),
        ("moro no Brasil, preciso de ajuda", "GENERIC"),
        ("I'm in Lucknow right now", "IN"),
        ("the line was busy, it's not working right now", None),
        ("I want to call my sister in Chicago tonight", None),
    ],
)
def test_where_the_person_is_or_that_the_number_fails_there(message: str, country: str) -> None:
    assert stated_country(message) == country


def test_refusing_to_call_is_not_read_as_help_on_its_way() -> None:
    protocol = CrisisProtocol(locale="en-US")
    risk = RiskAssessment(level=IMMINENT, categories=[RiskCategory.SUICIDE], signals=["x"])
    protocol.respond(risk, "I'm going to end it tonight")
    out = protocol.respond(risk, "why would i call 911, nothing is happening right now")
    assert "Are they with you now" not in out.text


def test_recovery_talk_with_no_use_planned_holds_a_learned_raise_to_a_check_in() -> None:
    found = assess_text("two weeks out of rehab and today has been really hard")
    assert found.level is NONE
    assert "protective:recovery" in found.signals


def test_abuse_said_again_answers_the_question_and_keeps_the_lines() -> None:
    replies = talk(
        guarded(),
        "he grabbed me by the throat last week and i nearly passed out",
        "i'm leaving tonight and i'm going to tell him face to face when he gets home",
        "is telling him in person a bad idea? he gets home in an hour",
        "what do i do with this chat before he gets home",
    )
    assert "most dangerous time" in replies[1].text
    assert "in person, on your own, is risky" in replies[2].text
    assert "delete this conversation" in replies[3].text
    assert replies[2].text != replies[3].text
    for reply in replies:
        assert "National Domestic Violence Hotline" in reply.text


@pytest.mark.parametrize(
    "text", ["I drank a bottle of insecticide", "I have drunk the weed killer from the shed"]
)
def test_every_poison_drunk_is_an_overdose_for_poison_help(text: str) -> None:
    found = assess_text(text)
    assert found.level is IMMINENT
    assert RiskCategory.OVERDOSE in found.categories
