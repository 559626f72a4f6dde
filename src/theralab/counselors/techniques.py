"""CBT techniques (Cactus's list) as data, and a keyword planner that picks one.

Each technique has the cognitive distortions it usually targets, cue patterns in a client's
first turn, the Socratic questions that carry it out (with `{thought}` for the automatic
thought in second person), a line of psychoeducation and a homework suggestion.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    name: str
    distortions: tuple[str, ...]
    cues: re.Pattern[str]
    questions: tuple[str, ...]
    psychoeducation: str
    homework: str


def _cues(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "decatastrophizing",
        ("fortune-telling", "magnification"),
        _cues(
            r"\b(?:what if|worst|disaster|terrible|going to (?:lose|fail|get)|ruin|"
            r"one mistake away|something bad)\b"
        ),
        (
            "If the thought that {thought} came true, what is the worst that could realistically "
            "happen?",
            "And if that did happen, how would you cope with it?",
            "What is the most likely outcome, if you're really honest with yourself?",
        ),
        "Many people find that when we're anxious, our minds jump straight to the worst "
        "outcome. This is sometimes called catastrophizing.",
        "write down the worst, the best and the most likely outcome each time the worry comes up",
    ),
    Technique(
        "evidence-based questioning",
        ("mind reading", "overgeneralization", "labeling"),
        _cues(
            r"\b(?:they (?:must )?think|everyone thinks|people think|nobody|everyone|always|"
            r"never|must think)\b"
        ),
        (
            "What evidence do you have that {thought}?",
            "And what evidence doesn't quite fit with that thought?",
            "How would you weigh those two sides now?",
        ),
        "It's common for a thought to feel true simply because it's familiar. In CBT we treat "
        "thoughts as guesses to check against the facts.",
        "keep a short thought record: the situation, the thought, and the evidence for and "
        "against it",
    ),
    Technique(
        "alternative perspective",
        ("mental filter", "personalization"),
        _cues(r"\b(?:my fault|because of me|only|nothing good|just me)\b"),
        (
            "If a close friend told you that {thought}, what would you say to them?",
            "What else could explain what happened, apart from that thought?",
            "How might someone who cares about you see the same situation?",
        ),
        "Our minds often filter out the details that don't fit the story we already believe.",
        "each evening, note one moment that doesn't fit the old story",
    ),
    Technique(
        "reality testing",
        ("emotional reasoning", "fortune-telling"),
        _cues(r"\b(?:feel like|i just know|i'm sure|it feels)\b"),
        (
            "How could we test whether it's true that {thought}?",
            "When has there been a time the facts turned out differently from how it felt?",
            "What would you expect to see if the thought were not true?",
        ),
        "Feelings are real information about us, but they aren't always accurate information "
        "about the world. This is known as emotional reasoning.",
        "pick one prediction this week and check what actually happens",
    ),
    Technique(
        "continuum technique",
        ("all-or-nothing thinking", "labeling"),
        _cues(r"\b(?:failure|useless|stupid|loser|total|completely|worthless|pathetic|perfect)\b"),
        (
            "On a scale from zero to a hundred, where would you put yourself, given that "
            "{thought}?",
            "What would someone at zero actually be like, and someone at a hundred?",
            "Looking at it that way, where do you really fall?",
        ),
        "When we're hurting, we tend to think in all-or-nothing terms. Most of life sits "
        "somewhere in between.",
        "rate yourself on the scale once a day and write down one reason for the number",
    ),
    Technique(
        "changing rules to wishes",
        ("should statements",),
        _cues(r"\b(?:should|must|have to|ought to|supposed to)\b"),
        (
            "Where did the rule behind the thought that {thought} come from?",
            "What happens to you when you fall short of that rule?",
            "How would it feel to turn that rule into a wish, something you'd like rather than "
            "something you must?",
        ),
        "Rigid rules, the shoulds and musts, tend to raise pressure without improving how "
        "we actually do.",
        "each time a should comes up, rewrite it as I would like to, and notice the difference",
    ),
    Technique(
        "pros and cons",
        ("all-or-nothing thinking",),
        _cues(r"\b(?:can't decide|should i|not sure whether|torn)\b"),
        (
            "What are the advantages of holding on to the thought that {thought}?",
            "And what are the disadvantages of it?",
            "Looking at both lists, what stands out to you?",
        ),
        "Weighing the costs and benefits of a way of thinking can loosen its grip.",
        "write a two-column list of the pros and cons of the old thought and a new one",
    ),
    Technique(
        "pie chart",
        ("personalization",),
        _cues(r"\b(?:my fault|to blame|responsible|blame myself|because of me)\b"),
        (
            "Besides you, what else contributed to what happened?",
            "If we drew a pie chart of all the causes, how big a slice would really be yours?",
            "What do you make of the size of that slice?",
        ),
        "When something goes wrong, many people take all of the responsibility onto "
        "themselves. This is known as personalization.",
        "draw a responsibility pie for one situation this week",
    ),
    Technique(
        "behaviour experiment",
        ("fortune-telling", "emotional reasoning"),
        _cues(r"\b(?:avoid|can't face|stay (?:home|in)|skip|put off|cancel|hide)\b"),
        (
            "What do you predict would happen if you did the thing you've been avoiding?",
            "How strongly do you believe that prediction, from zero to a hundred percent?",
            "What small experiment could test that prediction safely?",
        ),
        "Avoiding something brings relief now, but it stops us finding out that our "
        "predictions might be wrong.",
        "run one small experiment: do the avoided thing once and write down what happened",
    ),
    Technique(
        "problem-solving skills training",
        ("magnification",),
        _cues(r"\b(?:bills|money|deadline|too much|can't cope|problem|debt|workload)\b"),
        (
            "If we break this down, what is the most pressing part of the problem?",
            "What are all the options you can think of, even the unlikely ones?",
            "Which option looks most workable for a first try?",
        ),
        "Big problems feel less overwhelming once they are broken into smaller, concrete steps.",
        "choose one option and write down the first small step and when you'll do it",
    ),
    Technique(
        "efficiency evaluation",
        ("should statements",),
        _cues(
            r"\b(?:work so hard|never enough|efficient|productive|double-check|stay late|"
            r"extra shifts|keep busy)\b"
        ),
        (
            "How well does the thought that {thought} actually serve you?",
            "What does holding on to it cost you in time and energy?",
            "What would a more efficient way of thinking about it sound like?",
        ),
        "Some thoughts feel protective, yet they cost far more than they return.",
        "track how much time the old habit takes each day and what it gives back",
    ),
    Technique(
        "systematic exposure",
        ("fortune-telling",),
        _cues(r"\b(?:panic|scared of|terrified|phobia|crowds|can't go)\b"),
        (
            "What situations do you find yourself avoiding because of this fear?",
            "If we ranked them from least to most frightening, which would be at the bottom?",
            "What would it be like to stay in the easiest one a little longer than usual?",
        ),
        "Anxiety rises and then falls if we stay with it, and that is how the brain learns "
        "a situation is safe.",
        "practise the easiest situation on the list three times this week, staying until the "
        "anxiety drops",
    ),
)

TECHNIQUE_NAMES = tuple(t.name for t in TECHNIQUES)


@dataclass(frozen=True)
class Plan:
    technique: Technique
    text: str


def plan_from_first_turn(client_text: str, rng: random.Random) -> Plan:
    """Pick the technique whose cues best match the client's opening (Cactus-style planner)."""
    scores = [(len(t.cues.findall(client_text)), rng.random(), t) for t in TECHNIQUES]
    score, _, best = max(scores, key=lambda x: (x[0], x[1]))
    if score == 0:
        best = next(t for t in TECHNIQUES if t.name == "evidence-based questioning")
    text = (
        f"Technique: {best.name} (targets {', '.join(best.distortions)}). "
        "1) Build rapport and agree the focus. 2) Explore a recent situation. "
        "3) Elicit the automatic thought. "
        f"4) Examine it with {best.name}. 5) Develop a balanced alternative. "
        f"6) Agree homework: {best.homework}. 7) Summarise and close."
    )
    return Plan(best, text)
