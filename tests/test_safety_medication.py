"""Ordinary medication talk (`theralab.safety.medication`): a learned raise on it is capped to a
check-in, never below, and never where anything in the message points at risk; taking all of
one's tablets "with breakfast, like the doctor said" is not an overdose.

Every sentence here was written for this test file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from theralab.safety import PatternTier, RiskAssessment, RiskCategory, RiskLevel, Screener
from theralab.safety.medication import MEDICATION_WORDS, routine_medication
from theralab.safety.patterns import assess_text, normalise

L = RiskLevel

ROUTINE = [
    "My psychiatrist upped my sertraline and I've been taking it every morning.",
    "The new antidepressant makes me sleepy so I take it at night.",
    "I keep forgetting my evening tablets, so I set an alarm.",
    "I should take all my meds with food.",
    "is it ok to take ibuprofen with my citalopram? my back has been sore all week",
    "gp switched me to a new antidepressant and the side effects are way milder",
    "ran out of my lithium and the pharmacy cant get it til thursday, is that bad",
]

# The same frames with something in them that points at risk: never medication talk.
NOT_ROUTINE = [
    "My psychiatrist upped my sertraline but I've been saving them instead of taking them.",
    "I take my tablets every morning and every morning I hope I don't wake up tomorrow.",
    "gp changed my meds again. I've worked out how many it would take.",
    "the pharmacy gave me my refill and I'm going to take them all tonight.",
    "I go to two doctors for my sleeping pills so I get double, I keep them in a box.",
    "I take my meds every night but honestly I'm tired of everything.",
    # a frame without any medication in its sentence says nothing about medication
    "I've been cutting every night this week.",
    "My doctor said I'm underweight and I still can't eat.",
]


@pytest.mark.parametrize("text", ROUTINE)
def test_routine_medication_talk_is_recognised(text: str) -> None:
    assert routine_medication(normalise(text))
    assert "protective:medication" in assess_text(text).signals


@pytest.mark.parametrize("text", NOT_ROUTINE)
def test_anything_pointing_at_risk_keeps_it_from_being_routine(text: str) -> None:
    assert not routine_medication(normalise(text))
    assert "protective:medication" not in assess_text(text).signals


def test_a_long_post_is_never_framed_as_a_whole_by_its_medication_talk() -> None:
    filler = " ".join(["Work has been busy and the weather is grey."] * 8)
    text = f"My GP upped my sertraline and the side effects are mild. {filler}"
    assert len(text.split()) > MEDICATION_WORDS
    assert not routine_medication(normalise(text))


class AlwaysHigh:
    """A statistical tier that escalates everything, as the learned tier does with pills."""

    name = "semantic"

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return RiskAssessment(
            level=L.HIGH,
            categories=[RiskCategory.SUICIDE, RiskCategory.OVERDOSE],
            signals=["semantic:high:0.9"],
            detector=self.name,
        )


SCREENER = Screener([PatternTier(), AlwaysHigh()])


@pytest.mark.parametrize("text", ROUTINE)
def test_a_learned_raise_on_medication_talk_is_capped_to_a_check_in(text: str) -> None:
    found = SCREENER.assess(text)
    # a check-in (with the crisis line) stays: the cap never silences the learned tier
    assert found.level is L.LOW, found.signals
    assert "capped_by_context:high->low" in found.signals


@pytest.mark.parametrize("text", NOT_ROUTINE)
def test_a_learned_raise_on_risk_in_a_medication_frame_stands(text: str) -> None:
    assert SCREENER.assess(text).level.at_least(L.HIGH)


def test_a_means_question_about_ordinary_use_still_counts_in_the_conversation() -> None:
    """Alone, "can I take it with my sertraline?" is medication talk; after a stressor the
    conversation still reads the means question as risk."""
    question = "is it ok to take paracetamol with my sertraline?"
    alone = assess_text(question)
    assert "means_question" in alone.signals and "protective:medication" in alone.signals
    conv = Screener([PatternTier()]).conversation()
    conv.screen("I lost my job today and I can't see a way forward")
    assert conv.screen(question).level.at_least(L.HIGH)


@pytest.mark.parametrize(
    "text",
    [
        "I took all my tablets this morning with breakfast like the doctor said.",
        "took all my meds with food today, still tired by lunch",
        "I've taken all my pills as prescribed and I still feel flat.",
    ],
)
def test_all_of_ones_tablets_as_prescribed_is_not_an_act_under_way(text: str) -> None:
    found = assess_text(text)
    assert "act_underway" not in found.signals
    assert found.level is L.NONE


@pytest.mark.parametrize(
    "text",
    [
        "I took all my tablets this morning.",
        "I've just taken all my pills.",
        "I took all my tablets with vodka",
    ],
)
def test_all_of_ones_tablets_without_a_routine_is_still_imminent(text: str) -> None:
    assert assess_text(text).level is L.IMMINENT


MEDS = Path(__file__).resolve().parents[1] / "data" / "screener_medication"


@pytest.mark.skipif(not MEDS.is_dir(), reason="the medication set is not in this checkout")
def test_the_medication_set_follows_the_corpus_scheme() -> None:
    """400 messages about medication in 239 author groups, kept out of training: ordinary talk
    (level none) and risk in the same frames at every level."""
    from collections import Counter

    from theralab.safety.corpus import Owner, load_corpus

    messages = load_corpus(MEDS, legacy=False)
    assert len(messages) >= 400 and len({m.group for m in messages}) >= 200
    assert all(m.group.startswith("meds_") for m in messages)
    levels = Counter(m.level.value for m in messages)
    assert levels["none"] >= 250 and all(levels[lv] >= 20 for lv in ("low", "high", "imminent"))
    for m in messages:
        if m.level is L.NONE:
            assert not m.categories, m.id
        else:
            assert m.owner is Owner.SELF and m.categories and not m.kind, m.id


# --- a long message: the learned tier's windows ---------------------------------------------

ROUTINE_PART = (
    "Quick update on the meds. My psychiatrist upped my sertraline to 100mg last month and the "
    "side effects are milder than I feared, a bit of nausea in the mornings, so I take it with "
    "breakfast now and that helps."
)
OTHER_PART = (
    "Work has been chaotic with the restructure and my manager keeps moving deadlines, but my "
    "neighbour and I have started walking her dog on Sundays and the park by the river is "
    "lovely at this time of year, with the leaves turning and the cafe open again."
)


def test_a_routine_window_of_a_long_message_is_held_to_low_and_no_other() -> None:
    import numpy as np

    from theralab.safety.semantic import WINDOW_WORDS, _hold_routine_windows, windows

    text = f"{ROUTINE_PART} {OTHER_PART} {OTHER_PART}"
    parts = windows(text)
    assert len(parts) >= 2 and len(text.split()) > WINDOW_WORDS
    logits = np.full((len(parts), 8), 5.0, dtype=np.float32)
    held = _hold_routine_windows(parts, logits)
    assert held[0, 0] == 5.0 and (held[0, 1:4] < -10).all()  # `low` stays possible
    assert (held[1:] == 5.0).all()  # the other windows count in full
    assert (logits == 5.0).all()  # the caller's array is not changed
    # one window: the pattern tier's context decides, not this
    short = np.full((1, 8), 5.0, dtype=np.float32)
    assert (_hold_routine_windows(windows(ROUTINE_PART), short) == 5.0).all()


def test_a_plan_in_another_window_of_a_long_post_about_medication_still_counts() -> None:
    from theralab.safety.semantic import SemanticTier, semantic_available

    if not semantic_available():
        pytest.skip("needs: pip install -e '.[semantic]'")
    plan = (
        "I have kept the old boxes with the new ones in a bag in the car and I have decided to "
        "take them all on Saturday when the house is empty."
    )
    found = SemanticTier().assess(f"{ROUTINE_PART} {OTHER_PART} {plan}")
    assert found.level.at_least(L.MODERATE)


# --- the pattern tier's own cues on medication talk -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I've got a plan with my GP to come off citalopram slowly over the winter.",
        "I gave my tablets to my housemate so she can hand me a week at a time.",
        "I took all my meds to my appointment in a carrier bag and the pharmacist went through "
        "them.",
        "Two years ago I took an overdose and ended up in hospital. I'm in a much better place "
        "now.",
    ],
)
def test_care_means_restriction_and_history_are_not_present_risk(text: str) -> None:
    assert assess_text(text).level.rank <= L.LOW.rank


@pytest.mark.parametrize(
    "text",
    [
        "I've got a plan for tonight.",
        "I've got a plan.",
        "I took all my meds to the bathroom and swallowed them.",
        "Last month I took an overdose. I'm doing better now.",
        "I overdosed two years ago and I still think about doing it again.",
        "I gave away my guitar and my books to my brother and wrote a note.",
    ],
)
def test_the_same_words_with_present_risk_still_escalate(text: str) -> None:
    assert assess_text(text).level.at_least(L.MODERATE)


@pytest.mark.parametrize(
    "text",
    [
        "going through a rough patch every night lately",  # not a nicotine patch
        "I have to take all my pills",  # "have to take" is a frame, "all" of them is not
    ],
)
def test_ordinary_words_and_all_of_them_do_not_make_medication_talk(text: str) -> None:
    assert not routine_medication(normalise(text))
