"""The pattern tier's `minor` category: a stated school year in the present tense counts, in the
forms young people use ("I'm a year 8", "8th grader here", "my year 10 mocks"); other people's
ages, a school year looked back on, durations and the adults who teach a year group do not."""

from __future__ import annotations

import pytest

from theralab.safety import RiskCategory as C
from theralab.safety.patterns import MINOR, assess_text, normalise

# Sentences written for these tests.
MINORS = [
    "I'm in year 9 and nobody at home listens to me",
    "im in yr 10 and i cant sleep before exams",
    "I'm a year 8 and the older girls keep messaging me at night",
    "i'm year 11, my mocks start monday and i feel sick all the time",
    "8th grader here. my parents are splitting up and i feel like it's my fault",
    "I'm an eighth grader and I haven't eaten lunch all week",
    "im a 9th grader and everyone in my class ignores me",
    "my year 10 mocks are next week and I keep crying in the toilets",
    "my yr 9 options are due friday and i don't care about any of it",
    "Just started year 7 and I already hate it",
    "going into year 10 in september and dreading it",
    "currently in grade 8, and my stepdad scares me",
    "i'm 14 i don't know who else to tell",
    "we're both 15 and she made me promise not to tell anyone",
    "I'm in the 10th grade and I've been cutting",
    "i'm in 7th grade and my brother hits me",
]

ADULTS = [
    # past tense: a school year looked back on
    "When I was in year 9 I was bullied every day, and it still affects me at 40",
    "Back in year 10 my mocks went badly, now I'm retraining as a nurse",
    "I used to be an 8th grader who hid in the library",
    "In year 11 I used to skip lunch; I'm 29 now and it's creeping back",
    # the adults who teach a year group
    "I teach year 9 and one of my pupils said she wants to die",
    "I'm a year 9 form tutor and I'm completely burnt out",
    "I'm a year 10 teacher and the marking is crushing me",
    "As a head of year 8 I'm worried about a student in my year 8 class",
    "my year 11s have their mocks next week and I'm exhausted",
    # other people's school years and ages
    "My daughter is in year 9 and she's stopped eating",
    "my son's an 8th grader and he won't talk to me",
    "my nephew is 15 and I think he's self-harming",
    "my year 7 starts secondary school next week and I'm anxious for him",
    # durations and quantities
    "I'm 15 minutes away from the clinic",
    "I've lost 14 kilos and I'm 32",
    "we're 16 miles from the nearest hospital",
    "I'm in grade 9 of my piano exams and I'm 35",
]


@pytest.mark.parametrize("text", MINORS)
def test_a_present_school_year_or_age_is_minor(text: str) -> None:
    assert MINOR.search(normalise(text)), text
    assert C.MINOR in assess_text(text).categories


@pytest.mark.parametrize("text", ADULTS)
def test_past_years_teachers_other_people_and_durations_are_not_minor(text: str) -> None:
    assert not MINOR.search(normalise(text)), text
    assert C.MINOR not in assess_text(text).categories
