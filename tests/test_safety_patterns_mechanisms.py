"""The pattern tier's mechanisms for suicide and self-harm risk (issue 11): contexts scoped to
their own sentence, negation scoped to its own clause, supporters' words kept apart from the
speaker's own, access to means, preparation and postponed attempts, means questions across
turns, and categories (and resources) that are earned.

Every sentence here was written for this test file.
"""

from __future__ import annotations

import pytest

from theralab.safety import PatternTier, RiskAssessment, RiskCategory, RiskLevel, Screener
from theralab.safety.patterns import assess_text
from theralab.safety.protocol import CrisisProtocol

SCREENER = Screener([PatternTier()])
L, C = RiskLevel, RiskCategory


def _level(text: str) -> RiskLevel:
    return assess_text(text).level


# --- 1. context filters need real evidence, in the cue's own sentence ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "The world feels so heavy lately and I want to die.",
        "My boss moved me to a new level of the project and honestly I want to die.",
        "I finally told my story to my therapist. I still think about killing myself most nights.",
        "I'm reading a novel about a lighthouse keeper. Honestly I want to die.",
        "Just died in Minecraft again lol. Anyway. Been thinking about ending my life for real.",
        "The mod deleted my post. Want to kill myself, nobody listens anywhere.",
    ],
)
def test_everyday_words_and_other_sentences_do_not_make_a_game_or_a_story(text: str) -> None:
    found = assess_text(text)
    assert found.level.at_least(L.MODERATE), (found.level, found.signals)
    assert C.SUICIDE in found.categories
    assert not any(s in found.signals for s in ("protective:gaming", "protective:fiction"))


@pytest.mark.parametrize(
    "text",
    [
        "I killed myself in Minecraft by jumping into lava",
        "gonna kill myself on the boss fight again, third time tonight",
        "In my novel the main character wants to die after the war",
        "kms, the server glitch reset my whole raid lobby",
    ],
)
def test_games_and_fiction_still_protect_their_own_sentence(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.NONE, (found.level, found.signals)


def test_a_game_in_a_long_post_does_not_silence_other_tiers() -> None:
    text = (
        "I used to play games with my brother every weekend and we had a whole world built "
        "together. He moved away last spring and since then the days just blur. I wake up, I go "
        "to work, I come home, I lie on the floor. I don't know what the point of any of it is "
        "anymore and I feel like a ghost in my own flat."
    )
    found = assess_text(text)
    assert not any(s.startswith("protective:") for s in found.signals), found.signals


# --- 2. negation scopes to its own clause --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die but I can't stop thinking about killing myself",
        "I didn't sleep, I want to die",
        "I don't know why I want to die so much lately",
        "Therapy helped for a while but I'm not okay, I'm back to wanting to die.",
        "I'm not sure what happened this week but I've been extremely suicidal.",
        "No one would even notice, I want to kill myself",
        "I'm not okay I want to die",
        "didn't eat today and I want to end my life",
    ],
)
def test_a_negation_does_not_cancel_a_statement_in_another_clause(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.MODERATE, (found.level, found.signals)
    assert C.SUICIDE in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die, I just want the noise to stop for a bit",
        "I would never kill myself, my kids need me",
        "I never considered suicide myself, but I want to understand what my uncle went through",
        "I'm not suicidal, just worn out from the night shifts",
        "I'm not really suicidal, more numb than anything",
    ],
)
def test_a_negation_still_cancels_its_own_clause(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.NONE, (found.level, found.signals)


# --- 3. supporters' words are not the speaker's own -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "You said you want to end it all. I hear you, and I'm staying right here with you.",
        "When you say you want to die, I believe you, and I'm glad you posted.",
        "If you ever feel like killing yourself, call 988 or text a friend right away.",
        "If you ever think about ending your life, I'm here and you can message me.",
        "Please don't kill yourself, you matter to so many people here.",
        "Please don't end it all tonight. I'm a stranger but I care what happens to you.",
        "Do you have the pills with you right now? Can you put them in another room?",
        "How many pills did you take? Please call an ambulance, I'll wait here.",
    ],
)
def test_supporters_words_do_not_raise_the_speakers_level(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.NONE, (found.level, found.signals)
    assert C.SUICIDE not in found.categories


def test_quoting_a_poster_back_is_marked_as_a_supporter() -> None:
    found = assess_text("You wrote that you want to die. That took courage to say.")
    assert found.level is L.NONE
    assert "supporter" in found.signals
    asked = assess_text("Do you have the pills with you? I can stay on while you move them.")
    assert "means_question_about_other" in asked.signals and "means_question" not in asked.signals


@pytest.mark.parametrize(
    "text",
    [
        "When I was 19 I wanted to die every single day. Therapy helped and I'm in a good place "
        "now.",
        "Years ago I thought about killing myself a lot. I got help and it got easier, I promise.",
        "I've been there. When I was at uni I wanted to kill myself for a whole year. You're not "
        "alone.",
    ],
)
def test_past_ideation_told_as_recovered_history_is_not_current_risk(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.NONE, (found.level, found.signals)
    assert "history" in found.signals


def test_a_past_attempt_told_as_history_is_a_risk_factor_not_a_crisis() -> None:
    found = assess_text("I attempted years ago, now I'm doing better and I promise it gets easier.")
    assert not found.is_crisis, (found.level, found.signals)


@pytest.mark.parametrize(
    "text",
    [
        "When I was 19 I wanted to die. It came back this winter and I want to die again.",
        "I used to cut myself and last night I did it again.",
        "Years ago I tried to end my life. Lately I keep thinking about killing myself.",
        "I've been there. I want to kill myself most days too.",
    ],
)
def test_history_that_has_come_back_is_current_risk(text: str) -> None:
    assert _level(text).at_least(L.MODERATE)


def test_a_real_disclosure_inside_a_long_supportive_post_still_counts() -> None:
    text = (
        "My friend has been having a hard time and she told me about her exams and her breakup. "
        "I've tried to be there for her and I said she can call me whenever. But honestly I'm "
        "not doing well either. Most nights I lie awake and I want to kill myself, and I haven't "
        "told anyone."
    )
    found = assess_text(text)
    assert found.level.at_least(L.MODERATE), (found.level, found.signals)


# --- 4. access to means, preparation, postponed attempts ------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("There's a gun in the house and I keep thinking about ending it", L.HIGH),
        ("I've saved up a month of my sleeping pills and some days I wish I wasn't here", L.HIGH),
        (
            "I've got needles and a stash of heroin and honestly I just don't want to wake up "
            "anymore",
            L.HIGH,
        ),
        (
            "I want to die. My dad's rifle is in the closet and I know where the key is. Tonight.",
            L.IMMINENT,
        ),
        (
            "If I'm honest I don't want to be here anymore and I have my dad's pills in my room",
            L.HIGH,
        ),
        ("I have this urge to self-harm and the blades are right here next to me", L.HIGH),
    ],
)
def test_access_to_means_with_ideation(text: str, level: RiskLevel) -> None:
    found = assess_text(text)
    assert found.level is level, (found.level, found.signals)
    assert "means_access" in found.signals
    assert {C.SUICIDE, C.SELF_HARM} & set(found.categories)


def test_access_to_means_alone_is_noted_but_not_risk() -> None:
    found = assess_text("We keep a shotgun in the garage for the foxes on the farm.")
    assert found.level is L.NONE and "means_access" in found.signals


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (
            "I've arranged for my sister to take the kids and found a new home for the dog. "
            "Tonight I can finally rest.",
            L.IMMINENT,
        ),
        ("Been giving my stuff away to friends, my guitar, my books. Won't need them.", L.HIGH),
        ("Updated my will last week, just in case.", L.HIGH),
        ("I wrote letters to my mum and my brother and put them in my desk drawer", L.HIGH),
        (
            "Spent the weekend saying goodbye to everyone one last time. They didn't notice.",
            L.HIGH,
        ),
        ("Made sure someone will look after my cat. I'm so tired of living.", L.HIGH),
    ],
)
def test_preparation_is_high(text: str, level: RiskLevel) -> None:
    found = assess_text(text)
    assert found.level is level, (found.level, found.signals)
    assert C.SUICIDE in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "My neighbour will look after my cat while I'm away on holiday next week.",
        "We gave away most of our books to charity before the house move.",
    ],
)
def test_ordinary_arrangements_are_not_preparation(text: str) -> None:
    assert _level(text) is L.NONE


@pytest.mark.parametrize(
    "text",
    [
        "I was going to end it last night but my phone rang and I lost my nerve",
        "not tonight, maybe next week. i'm so done with life",
        "I almost jumped yesterday, I was right at the railing",
        "I was going to kill myself on Sunday but then my sister turned up",
    ],
)
def test_a_postponed_attempt_is_high(text: str) -> None:
    found = assess_text(text)
    assert found.level.at_least(L.HIGH), (found.level, found.signals)
    assert C.SUICIDE in found.categories


def test_a_vague_postponement_counts_only_after_the_speakers_own_risk() -> None:
    vague = "I was going to do it last night but I fell asleep on the sofa."
    assert _level(vague) is L.NONE
    conv = SCREENER.conversation()
    conv.screen("Some days I wish I was dead.")
    later = conv.screen(vague)
    assert later.level is L.HIGH, later.signals
    conv = SCREENER.conversation()
    conv.screen("Some days I wish I was dead.")
    assert conv.screen("my uncle has a gun in his house").level is L.HIGH
    arranging = "Asked my neighbour to feed my cats from Friday."
    assert _level(arranging) is L.NONE
    conv = SCREENER.conversation()
    conv.screen("I'm so tired of being alive.")
    later = conv.screen(arranging)
    assert later.level is L.HIGH and "means_or_preparation_after_risk" in later.signals


# --- 5. means questions across turns ---------------------------------------------------------


def test_a_supporters_means_question_after_quoting_a_poster_is_not_high() -> None:
    conv = SCREENER.conversation()
    first = conv.screen("You said you want to die, I'm so sorry you're carrying this.")
    assert first.level is L.NONE
    later = conv.screen("Do you have the pills with you?")
    assert later.level is L.NONE, later.signals
    assert "means_after_risk_or_stressor" not in later.signals


def test_a_supporter_naming_a_readers_stressor_does_not_arm_the_means_check() -> None:
    conv = SCREENER.conversation()
    conv.screen("Your girlfriend leaving you must hurt so much.")
    later = conv.screen("Is the bridge near your place?")
    assert later.level is L.NONE and "means_after_risk_or_stressor" not in later.signals


def test_a_supporter_history_does_not_arm_the_means_check() -> None:
    conv = SCREENER.conversation()
    conv.screen("When I was younger I wanted to die too. Therapy helped and I'm doing better now.")
    later = conv.screen("Did you take your meds today? Are they somewhere safe?")
    assert not later.level.at_least(L.MODERATE), later.signals


@pytest.mark.parametrize(
    "turns",
    [
        ["I lost my job and my girlfriend left me.", "nice weather", "how tall is the bridge?"],
        ["I want to die.", "anyway", "how many pills would it take?"],
        ["I keep thinking about ending it", "which floor of a car park is high enough?"],
    ],
)
def test_own_stressor_or_risk_then_a_means_question_is_high(turns: list[str]) -> None:
    conv = SCREENER.conversation()
    for t in turns:
        last = conv.screen(t)
    assert last.level.at_least(L.HIGH), last.signals
    assert "means_after_risk_or_stressor" in last.signals


def test_a_lethality_question_about_a_fall_is_a_means_inquiry() -> None:
    found = assess_text("Lost my flat in March and I'm done. Would a jump from the roof kill me?")
    assert found.level is L.HIGH and "means_inquiry" in found.signals
    assert C.SUICIDE in found.categories


# --- 6. categories and resources are earned ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "When I was in high school I wanted to disappear, but I'm 34 now and doing fine",
        "I'm 15 minutes from the hospital, can I still make my appointment?",
        "My son is 15 years old and he's being bullied at school",
        "My mom won't let me forget my divorce",
    ],
)
def test_minor_needs_a_stated_age_or_school_context(text: str) -> None:
    assert C.MINOR not in assess_text(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "im 15 and i want to die",
        "(16f) can't do this anymore, I want to die",
        "I'm in year 9 and I keep thinking about killing myself",
        "I'm a sophomore in high school and I cut myself last night",
    ],
)
def test_a_stated_age_or_school_context_is_minor(text: str) -> None:
    found = assess_text(text)
    assert C.MINOR in found.categories and found.level.at_least(L.MODERATE)


def test_a_statistical_minor_guess_is_not_kept_in_a_conversation() -> None:
    class GuessingTier:
        name = "guess"

        def assess(self, text: str, context: object = ()) -> RiskAssessment:
            return RiskAssessment(level=L.MODERATE, categories=[C.SUICIDE, C.MINOR], signals=["g"])

    conv = Screener([PatternTier(), GuessingTier()]).conversation()
    found = conv.screen("I can't keep going like this")
    assert C.MINOR not in found.categories and C.SUICIDE in found.categories


def test_resources_follow_the_categories_found() -> None:
    suicide = CrisisProtocol(locale="en-US").respond(
        RiskAssessment(level=L.MODERATE, categories=[C.SUICIDE])
    )
    assert "988" in suicide.text
    assert "Child" not in suicide.text and "Domestic Violence" not in suicide.text
    with_abuse = CrisisProtocol(locale="en-US").respond(
        RiskAssessment(level=L.MODERATE, categories=[C.SUICIDE, C.ABUSE])
    )
    assert "988" in with_abuse.text and "1-800-799-7233" in with_abuse.text
    assert "Childhelp" not in with_abuse.text
    minor = CrisisProtocol(locale="en-GB").respond(
        RiskAssessment(level=L.MODERATE, categories=[C.SUICIDE, C.MINOR])
    )
    assert "Childline" in minor.text and "Samaritans" in minor.text
    adult_gb = CrisisProtocol(locale="en-GB").respond(
        RiskAssessment(level=L.HIGH, categories=[C.SUICIDE])
    )
    assert "Childline" not in adult_gb.text and "Domestic Abuse" not in adult_gb.text


def test_the_crisis_reply_to_an_adult_lists_no_youth_line() -> None:
    conv = SCREENER.conversation()
    risk = conv.screen("My mom won't let me forget it. I'm 34 and I want to kill myself.")
    assert C.MINOR not in risk.categories
    reply = CrisisProtocol(locale="en-US").respond(risk)
    assert "Childhelp" not in reply.text and "988" in reply.text


def test_a_panic_attack_is_a_check_in_but_a_farewell_stays_imminent() -> None:
    from theralab.safety.patterns import assess_text
    from theralab.safety.risk import RiskLevel

    panic = assess_text("my heart is racing and I can't breathe, this is it, I'm going to faint")
    assert panic.level is RiskLevel.LOW and panic.signals == ["panic_symptoms"]
    farewell = assess_text("This is it. Goodbye everyone, my chest is tight writing this")
    assert farewell.level is RiskLevel.IMMINENT
    assert assess_text("this is it, I've taken all my pills").level is RiskLevel.IMMINENT


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a self-harm act told with its time and no object
        ("I said no before, but I did cut about an hour ago. It's not deep.", "moderate"),
        ("i just cut earlier, its fine", "moderate"),
        ("I cut last night and it still stings", "moderate"),
        ("I cut the grass tonight", "none"),
        ("I cut today's meeting short", "none"),
        ("I cut earlier sections of the essay", "none"),
        # a hand held to something hot, on purpose or as a habit
        ("I've been pressing my hand on the stove ring since the funeral.", "moderate"),
        ("I put my hand on the hob by accident, ouch", "none"),
        # whether there is any point in going on: passive ideation, asked or doubted
        ("Lately I wonder whether there is much point in going on.", "low"),
        ("I honestly don't see any point in carrying on.", "low"),
        ("is there any point in going on with the course?", "none"),
        ("there's not much point in going on about it", "none"),
        # someone close would be freer without me: a burden belief
        ("my daughter would be freer without me to look after", "low"),
        ("you'd be happier without me, let's just break up", "none"),
        # taking all of one's pills thought of as a way out, not adherence talk
        ("honestly I could just take all my tablets and be done", "moderate"),
        ("I might as well swallow the whole bottle of painkillers", "moderate"),
        ("I should take all my meds with food, the doctor said", "none"),
        ("I would never take all my pills, I promise", "none"),
        ("Years ago I thought about taking all my pills, but I'm in a good place now.", "none"),
    ],
)
def test_acts_told_with_a_time_hot_surfaces_doubted_going_on_burden_and_pills(
    text: str, level: str
) -> None:
    assert assess_text(text).level.value == level, text


def test_a_future_in_which_nothing_matters_after_suicidal_talk_is_high() -> None:
    talk = SCREENER.conversation()
    talk.screen("Some nights I lie there hoping I won't wake up.")
    talk.screen("No, I wouldn't actually do anything.")
    later = talk.screen("Once the move is done on Saturday it won't matter anyway.")
    assert later.level is RiskLevel.HIGH and "nothing_matters_after_risk" in later.signals
    calm = SCREENER.conversation()
    calm.screen("Work has been a lot this month.")
    assert calm.screen("Once the move is done on Saturday it won't matter anyway.").level is (
        RiskLevel.NONE
    )


# --- ordinary conversation (data/screener_talk/, 2026-12-05) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "When I was seventeen I swallowed a handful of pills after a breakup. That was over "
        "twenty years ago and I got a lot of help.",
        "Nine years ago. The overdose. I can say it now.",
        "I took a load of my mum's tablets once. That was, what, fifteen years ago now.",
        # an anniversary names the day of the telling, not a recent one
        "Twenty years ago this week I swallowed all the pills in the bathroom cupboard. I am 41 "
        "now and a nurse.",
        "Eight years ago today I took an overdose of my dad's tablets, so I'm celebrating being "
        "here with cake.",
        "Three years ago this month I overdosed in my student flat. I wanted to mark it somehow.",
    ],
)
def test_an_act_years_back_in_a_life_story_is_a_past_attempt_not_an_act_under_way(
    text: str,
) -> None:
    found = assess_text(text)
    assert found.level is L.LOW and "past_attempt" in found.signals, found


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself. Inside I'm already gone.",
        "I want to die. At work nobody even notices me anymore.",
        "I want to die. Running is the only thing that still gets me out of bed.",
        "I want to die. Of embarrassment, of everything, I just want it over.",
    ],
)
def test_a_sentence_after_the_cue_does_not_make_it_an_idiom(text: str) -> None:
    """ "…die of embarrassment", "…killed myself skiing" are idioms in one sentence; after a
    full stop the next sentence is a statement of its own."""
    assert _level(text).at_least(L.MODERATE)


@pytest.mark.parametrize(
    "text",
    [
        "i want to die of embarrassment",
        "i want to die… of embarrassment",
        "I nearly killed myself skiing yesterday",
        "i want to die lol",
        "I want to die!! 😂😂",
    ],
)
def test_idioms_in_one_sentence_and_a_laugh_after_stay_idioms(text: str) -> None:
    assert _level(text) is L.NONE


@pytest.mark.parametrize(
    "text",
    [
        "I took a handful of my tablets twenty minutes ago. Years ago I did the same.",
        "I've just taken a bunch of pills, I tried years ago too.",
        "I swallowed a handful of pills. When I was nineteen I did it as well.",
        "I took an overdose when I was 19 and again a few weeks ago.",
        # an anniversary beside a present act, or on the night itself
        "Twenty years ago tonight I swallowed all the pills in the bathroom cupboard.",
        "Five years ago today I took an overdose, and today I took the same pills again.",
        "Two years ago this week I overdosed on my sleeping pills. This week I bought a new box.",
        "Ten years ago today I swallowed a bottle of pills, and I just did it again an hour ago.",
    ],
)
def test_a_recent_or_present_act_beside_an_old_one_keeps_its_level(text: str) -> None:
    assert _level(text).at_least(L.HIGH)


@pytest.mark.parametrize(
    "text",
    [
        "Honestly some nights if I just didn't wake up, that'd be fine by me.",
        "I keep wishing I could stop existing for a bit.",
        "sometimes i think it better if i am not here anymore",
        "I wouldn't mind much if I didn't make it home some night.",
    ],
)
def test_passive_wishes_as_people_say_them_reach_low(text: str) -> None:
    assert _level(text) is L.LOW


@pytest.mark.parametrize(
    "text",
    [
        "If I didn't wake up on time I'd miss the bus again.",
        "I didn't wake up till eleven on Sunday.",
    ],
)
def test_ordinary_talk_about_waking_up_is_not_a_wish(text: str) -> None:
    assert _level(text) is L.NONE


def test_i_could_hurt_them_stays_a_harm_thought_even_beside_idioms() -> None:
    """ "I could kill him" is often an idiom, but "I'm scared I could hurt my baby" and "I could
    kill him, I've got a knife" are not: the cue stays, and "lol" after it is the idiom filter's."""
    assert _level("I'm scared I could hurt my baby").at_least(L.MODERATE)
    assert _level("I swear I could kill him if he comes back, I've got a knife").at_least(
        L.MODERATE
    )
    assert _level("I want to kill him, I keep picturing it").at_least(L.MODERATE)


def test_hitting_a_vape_is_not_being_hit() -> None:
    assert _level("I'm hitting the vape in bed now, even in the night") is L.NONE
    assert assess_text("I'm being hit at home by my stepdad").level.at_least(L.MODERATE)


def test_the_inner_critics_voice_is_not_a_voice_heard() -> None:
    assert _level("There's this other voice saying I failed her, and that voice is loud") is L.NONE
    assert _level("the voices are telling me I have to jump").at_least(L.HIGH)


@pytest.mark.parametrize(
    "text",
    [
        "if i went off the multistorey would you survive that",
        "are sertraline and my sleeping tablets deadly together",
        "how do people make sure they don't survive it",
    ],
)
def test_lethality_asked_in_plain_words_is_a_means_inquiry(text: str) -> None:
    assert "means_inquiry" in assess_text(text).signals


def test_climbing_over_now_is_under_way_but_climbing_a_fence_is_not() -> None:
    assert _level("im climbing over now. sorry everyone") is L.IMMINENT
    assert _level("on the ledge. bye") is L.IMMINENT
    assert _level("climbing over the fence to get the football back") is L.NONE
    assert _level("On the roof, fixing the gutter with dad") is L.NONE


# --- everyday phrasings that share words with a cue (ordinary support chats) --------------


@pytest.mark.parametrize(
    "text",
    [
        "Two jobs and a night class this term, honestly I've burned myself out.",
        "Our shifts got cut again this month and rent is due Friday.",
        "Their overtime was cut again, so my partner is stressed too.",
        "I need to find a way to take the pressure off myself before the exams.",
        "Some weeks I drown myself in work so I don't have to think about the divorce.",
        "After the funeral I kind of drowned myself in booze for a while, I know.",
        "I'm going to end things with him tonight, I can't keep being lied to.",
        "We sat down on Sunday and agreed to end things between us.",
        "Honestly I'm thinking about ending things with my girlfriend.",
        "My cousins always leave me out of planned outings and it stings.",
        "I'm applying for a summer job at a suicide hotline, which feels meaningful.",
        "My sleep is so bad I fall asleep at my desk. Which doctor should I ask?",
    ],
)
def test_everyday_phrasings_that_share_a_cues_words_are_not_risk(text: str) -> None:
    assert _level(text) is L.NONE, assess_text(text).signals


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("Some days I just want to off myself and be done.", L.MODERATE),
        ("I keep thinking I could drown myself in the river by the mill.", L.MODERATE),
        ("I burned myself with a lighter again last night.", L.MODERATE),
        ("I've been cutting again since the weekend.", L.MODERATE),
        ("I'm going to end things tonight, I'm done.", L.HIGH),
        ("I'm going to end my life with them all watching.", L.HIGH),
        ("I'm going to end it with the pills in the drawer tonight.", L.IMMINENT),
        ("I've already planned out how and when.", L.HIGH),
        ("I'm thinking about ending things with the rope in the garage.", L.MODERATE),
    ],
)
def test_the_same_words_about_ones_own_death_stay_risk(text: str, floor: RiskLevel) -> None:
    assert _level(text).at_least(floor), assess_text(text).signals


def test_a_fall_is_still_a_means_though_falling_asleep_is_not() -> None:
    assert (
        "means_question" in assess_text("How far would I have to fall from the car park?").signals
    )
    assert (
        "means_question"
        not in assess_text("Which doctor do I see if I fall asleep at work?").signals
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ten years building up the practice and now I don't know who I'd be without it?",
        "Is it mad that I've been building the shed all summer instead of studying?",
        "Do you think I'm too much for people? Everyone says I'm intense.",
        "Is it too much to ask for one quiet weekend?",
    ],
)
def test_building_a_career_or_being_too_much_is_no_means_question(text: str) -> None:
    """Read on an outside benchmark's ordinary conversations: a career being built and a person
    who worries they are "too much" were means questions, and after a stressor `high`."""
    assert "means_question" not in assess_text(text).signals
    conv = SCREENER.conversation()
    conv.screen("I lost my job on Friday and I'm scared about the rent.")
    assert conv.screen(text).level is L.NONE


@pytest.mark.parametrize(
    "text",
    [
        "How tall is the building by the station?",
        "Which building has roof access at night?",
        "If I took too many of these would it be over?",
        "Would too much of my insulin do it?",
        "Is the office building high enough?",
    ],
)
def test_a_building_as_a_place_and_too_much_of_a_drug_stay_means_questions(text: str) -> None:
    assert "means_question" in assess_text(text).signals
    conv = SCREENER.conversation()
    conv.screen("I lost my job on Friday and I'm scared about the rent.")
    assert conv.screen(text).level.at_least(L.HIGH)


@pytest.mark.parametrize(
    "text",
    [
        "it's not like I want to die or anything, I'm just knackered",
        "not like i want to hurt myself, i'm just fed up with the commute",
    ],
)
def test_not_like_i_want_to_is_a_denial(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.NONE and "protective:negated" in found.signals


@pytest.mark.parametrize(
    "text",
    [
        "It's not like I want to be here anyway. I want to die.",
        "Not like anyone would care. I want to die.",
        "I'm not okay, it feels like I want to die every morning",
    ],
)
def test_a_wish_said_after_a_denial_of_something_else_stays(text: str) -> None:
    assert _level(text).at_least(L.MODERATE), assess_text(text).signals


def test_a_grandparents_wish_is_not_the_speakers() -> None:
    found = assess_text("My grandma told the nurse she was ready to die at home, with us there.")
    assert found.level is L.NONE
    assert _level("My grandma died last year and now I'm ready to die too.").at_least(L.MODERATE)


# --- a whole supply taken, said as done (2026-12-07) ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "took everything in the medicine drawer, washed em down with rum. feel numb",
        "I've swallowed the entire strip and half a bottle of gin",
        "just necked a big handful of my sleeping pills",
        "Taken the lot with cider. Room won't stop moving, heart going mad",
        "had two glasses of wine and took everything from my bathroom cupboard",
        "I took the whole box of my antidepressants an hour ago",
        "swallowed the whole strip for my back pain and now I feel sick",
    ],
)
def test_a_whole_supply_taken_is_an_overdose_under_way(text: str) -> None:
    found = assess_text(text)
    assert found.level is L.IMMINENT, found.signals
    assert C.OVERDOSE in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "I took the whole packet of crisps to the party and felt sick on the bus",
        "took the whole bottle of water on my run, legs feel numb now",
        "I took a handful of sweets and a beer from the fridge",
        "I took them all back to the chemist so the meds aren't in the house",
        "my sister took the lot with vodka last night and she's in hospital",
        "He swallowed a handful of her pills and is dizzy, what do I do",
        "I never took all of them, only my usual dose of tablets",
    ],
)
def test_a_supply_of_something_else_or_someone_elses_act_is_no_own_overdose(text: str) -> None:
    found = assess_text(text)
    assert "supply_taken" not in found.signals
    assert not found.level.at_least(L.IMMINENT), found.signals


# --- a negation of the manner is no denial ----------------------------------------------------


def test_a_negated_manner_neither_counts_nor_frames_a_denial() -> None:
    found = assess_text("I don't want to die alone in this flat.")
    assert found.level is L.NONE
    assert "protective:negated" not in found.signals
    # beside an act, the act stands
    act = assess_text("just took a fistful of my meds, chest is tight, don't want to die alone")
    assert act.level is L.IMMINENT
    # a plain denial is still a denial
    plain = assess_text("I don't want to die, I just want the arguments at home to stop.")
    assert plain.level is L.NONE and "protective:negated" in plain.signals


def test_a_negated_manner_no_longer_holds_a_learned_raise_to_a_check_in() -> None:
    class Learned:
        name = "semantic"

        def assess(self, text: str, context: object = ()) -> RiskAssessment:
            return RiskAssessment(level=L.HIGH, categories=[C.SUICIDE], detector="semantic")

    screener = Screener([PatternTier(), Learned()])
    assert screener.assess("I don't want to die alone.").level is L.HIGH
    assert screener.assess("I don't want to die.").level is L.LOW


# --- a day named with the act -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "im ending it saturday. sorry everyone",
        "ending it all on friday, night shift won't miss me",
        "attempted last night. didn't tell anyone",
        "I attempted again on Tuesday and woke up in my car",
    ],
)
def test_ending_it_or_an_attempt_given_a_day_is_high(text: str) -> None:
    assert _level(text).at_least(L.HIGH), assess_text(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "I'm ending it with him on friday, I've had enough of his lies",
        "ending it tomorrow with my landlord, moving out at last",
        "I attempted the driving test on Sunday and failed the parking",
        "I'm not ending it tonight, I promised my sister",
    ],
)
def test_a_break_up_an_exam_or_a_denial_with_a_day_is_not(text: str) -> None:
    assert not _level(text).at_least(L.HIGH), assess_text(text).signals


def test_looking_up_how_to_die_is_method_thoughts_but_ways_to_go_on_is_not() -> None:
    assert "method_thoughts" in assess_text("been looking up how to die without it hurting").signals
    assert _level("looking for ways to go back to college in spring") is L.NONE
    assert _level("looking at how to end my phone contract early") is L.NONE


def test_the_word_suicide_is_not_an_idiom_for_where_the_thought_comes() -> None:
    assert _level("Suicide keeps crossing my mind at work.").at_least(L.MODERATE)
    assert _level("I keep having suicidal thoughts at the gym").at_least(L.MODERATE)
    # a killing idiom at work is still an idiom
    assert _level("I nearly killed myself at work lifting those boxes") is L.NONE


# --- an unguarded drop and where people buy means, after a stressor ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "My visa was refused and I can't stay. Which bridges round here have no railings?",
        "I've been bullied for months. Which tube stations don't have those barrier doors?",
        "He said he never loved me. Where do people even buy a rope like that?",
    ],
)
def test_an_unguarded_drop_or_where_to_buy_means_after_a_stressor_is_high(text: str) -> None:
    assert _level(text).at_least(L.HIGH), assess_text(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "Which stations don't have barrier doors? I need step-free access for my chair.",
        "Where do people even buy rope for sailing? Just starting lessons.",
    ],
)
def test_the_same_questions_without_a_stressor_are_not_high(text: str) -> None:
    assert not _level(text).at_least(L.HIGH), assess_text(text).signals


def test_a_whole_supply_taken_years_back_is_a_story_not_an_act() -> None:
    found = assess_text("Eleven years ago I took the whole box of my tablets with gin. Fine now.")
    assert not found.level.at_least(L.MODERATE), found.signals
    assert "supply_taken" not in found.signals


# --- acts in plain words, second round (2026-12-07) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("Set it to post at noon. If you're reading this, I went through with it.", L.IMMINENT),
        ("so much blood from my wrist and it's still coming. not phoning anyone", L.IMMINENT),
        ("the cuts are getting deeper. kinda hoping the next one goes too far", L.HIGH),
        ("Last spring I walked into the river meaning not to come back.", L.HIGH),
        ("My exams ruined my life. Can I make it look like an accident?", L.HIGH),
    ],
)
def test_acts_and_intent_in_plain_words(text: str, floor: RiskLevel) -> None:
    assert _level(text).at_least(floor), assess_text(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "a lot of blood and it won't stop, my period is awful this month",
        "If you're reading this, I hope your week is going well!",
        "We walked into the sea at sunset, it was freezing",
    ],
)
def test_the_same_words_in_ordinary_life_are_not_crisis(text: str) -> None:
    assert not _level(text).at_least(L.MODERATE), assess_text(text).signals


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("bought a bat. going to wait for him when he comes out of the gym friday", L.HIGH),
        ("im parked outside her flat. knife's in my bag. dont try and stop me", L.IMMINENT),
        ("taking my uncle's knife to school tomorrow, they'll be sorry", L.HIGH),
    ],
)
def test_a_weapon_at_hand_and_a_person_waited_for_is_harm_to_others(
    text: str, level: RiskLevel
) -> None:
    found = assess_text(text)
    assert found.level.at_least(level), found.signals
    assert C.HARM_TO_OTHERS in found.categories


@pytest.mark.parametrize(
    "text",
    [
        "grabbed my bat, waiting for him to text so we can go to cricket practice",
        "I got a new knife for my cooking class, can't wait for her to taste the curry",
    ],
)
def test_a_bat_or_a_knife_in_ordinary_plans_is_not(text: str) -> None:
    assert "weapon_and_waiting" not in assess_text(text).signals


def test_a_first_person_cue_beside_someone_else_is_the_speakers_own() -> None:
    # "he is" in the sentence made the whole sentence someone else's
    assert _level("The man upstairs is loud again. If he is loud once more I will do it.").at_least(
        L.HIGH
    )
    # someone else's words reported without quotation marks stay theirs
    assert not _level("My dad keeps saying I will do it tonight when he is drunk").at_least(L.HIGH)


# --- found, then in care; about to go over; a note read after (2026-12-07) --------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("my brother found me. we're in A&E now. i'm ok", L.HIGH),
        ("a security guard grabbed me at the edge, now I'm in a room with a paramedic", L.HIGH),
        ("im about to step off. sorry mum", L.IMMINENT),
        ("About to let go. Don't try to stop me.", L.IMMINENT),
        ("Timed to send at eight. If you are reading it, I went through with it.", L.IMMINENT),
    ],
)
def test_found_then_in_care_or_about_to_go_over(text: str, level: RiskLevel) -> None:
    assert _level(text).at_least(level), assess_text(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "the police found me when I got lost hiking and the ambulance checked me over",
        "I found me a new hospital job, starting Monday!",
        "When I was sixteen my mum found me and I was in hospital for a week.",
        "My brother found me in bed with flu and drove me to the hospital",
        "I'm about to jump, wish me luck, first skydive!",
        "about to jump in the pool lol",
    ],
)
def test_care_after_an_accident_or_long_ago_and_a_jump_for_fun_are_not(text: str) -> None:
    assert not _level(text).at_least(L.HIGH), assess_text(text).signals


def test_a_command_from_a_heard_source_and_a_secret_goodbye() -> None:
    found = assess_text(
        "The signal is clear tonight. It keeps telling me I should walk into the canal."
    )
    assert found.level.at_least(L.HIGH) and C.PSYCHOSIS in found.categories, found.signals
    assert _level("The wifi signal is weak, it says I should restart the router") is L.NONE
    assert _level("the voices say I should walk into the sea").at_least(L.HIGH)
    assert _level("I hugged my dad without him knowing it was goodbye. Said my goodbyes.").at_least(
        L.HIGH
    )


def test_the_protocol_answers_the_new_signals_as_their_danger_not_as_suicide() -> None:
    """A weapon and a person waited for is answered as a danger to others, and a command
    heard from a source as a command hallucination, even when a learned tier adds a suicide
    category beside them."""
    protocol = CrisisProtocol(locale="en-US")
    weapon = assess_text("bought a bat. going to wait for him when he comes out of the gym friday")
    weapon = weapon.merge(RiskAssessment(level=L.HIGH, categories=[C.SUICIDE], detector="x"))
    reply = protocol.respond(weapon).text
    assert "stay away from the person" in reply, reply
    heard = assess_text("The signal is clear. It keeps telling me I should walk into the canal.")
    heard = heard.merge(RiskAssessment(level=L.HIGH, categories=[C.SUICIDE], detector="x"))
    reply = protocol.respond(heard).text
    assert "voices" in reply and "act on them" in reply, reply


# --- denials after the cue, and someone else's quoted words (2026-12-07) ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Angry about the rent, yes. Wanting to hurt myself, no.",
        "Am I suicidal? No. Am I fed up with my landlord? Very.",
        "the GP asked about self-harm and I said no, it's never been me",
    ],
)
def test_a_denial_after_the_cue_or_a_no_to_a_question_is_a_denial(text: str) -> None:
    assert _level(text) is L.NONE, assess_text(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "Do I want to die? Yes. Most days.",
        "I want to kill myself, no one would notice",
        "the GP asked about self-harm and I said yes, I cut last week",
    ],
)
def test_a_yes_or_a_no_that_is_not_a_denial_stays_risk(text: str) -> None:
    assert _level(text).at_least(L.MODERATE), assess_text(text).signals


@pytest.mark.parametrize(
    "text",
    [
        'our support then typed "gg i want to die" in team chat',
        'you keep saying "i wanna kms" and you never laugh when you say it',
        'Tell your GP "I have been planning to kill myself" and they will listen.',
    ],
)
def test_someone_elses_quoted_words_are_not_the_speakers_risk(text: str) -> None:
    found = assess_text(text)
    assert not found.level.at_least(L.MODERATE), found.signals
    # and they are no reason to hold a learned tier's raise
    assert not any(s.startswith("protective:") for s in found.signals), found.signals


@pytest.mark.parametrize(
    "text",
    [
        'I told my counsellor "I want to die" and she went quiet',
        '"I want to die" is the only thought I have left',
        'She said "just kill yourself" and now I want to die',
    ],
)
def test_the_speakers_own_quoted_words_or_words_after_the_quote_stay_risk(text: str) -> None:
    assert _level(text).at_least(L.MODERATE), assess_text(text).signals


def test_a_misspelt_embarrassment_is_still_an_idiom_and_clean_from_is_recovery() -> None:
    assert _level("i want to die of embarassment, he wore socks with sandals") is L.NONE
    found = assess_text("Eight years clean from self-harm this spring. Proud of it.")
    assert not found.level.at_least(L.MODERATE), found.signals


def test_a_no_the_speaker_takes_back_is_no_denial() -> None:
    class Learned:
        name = "semantic"

        def assess(self, text: str, context: object = ()) -> RiskAssessment:
            return RiskAssessment(level=L.HIGH, categories=[C.SUICIDE], detector="semantic")

    screener = Screener([PatternTier(), Learned()])
    taken_back = "the nurse asked about self-harm and I said no but honestly I still do it"
    assert screener.assess(taken_back).level is L.HIGH
    assert "protective:negated" not in assess_text(taken_back).signals
    plain = "the nurse asked about self-harm and I said no, it has never been me"
    assert "protective:negated" in assess_text(plain).signals


def test_review_mends_the_speakers_supply_and_a_spot_picked_at_a_sentences_end() -> None:
    # "I took the lot" names the speaker, whoever the sentence named before
    found = assess_text("My flatmate went out at ten and I took the lot with vodka")
    assert found.level is L.IMMINENT, found.signals
    assert _level("picked the spot.").at_least(L.HIGH)
    assert not _level("We picked the spot.").at_least(L.MODERATE)


@pytest.mark.parametrize(
    "text",
    [
        "I took them all to the pharmacy to get rid of them, they were making me sick",
        "took them all back to the chemist, my meds are out of the house now",
    ],
)
def test_meds_taken_back_to_the_pharmacy_are_a_safety_step_not_an_overdose(text: str) -> None:
    assert not _level(text).at_least(L.MODERATE), assess_text(text).signals
