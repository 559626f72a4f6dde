"""The five specialised response agents of the scripted MAGneT counselor.

Each agent drafts one candidate for the next reply, from the client's own words (through the
shared `Listener`), the session stage and the CBT plan, with every sentence carrying the MISC
code it is meant as. The merger decides what of it is said. Agents never repeat a sentence
they already used in the session and choose among several phrasings with the counselor's
seeded generator.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from theralab.counselors.listening import (
    Listener,
    echoable,
    reflect_change,
    reflect_content,
    reflect_feeling,
    reflect_meaning,
    reflect_two_sides,
    reflect_with_meaning,
    salient_sentence,
    say_back,
    unverifiable,
)
from theralab.counselors.magnet.perception import Perception
from theralab.counselors.magnet.selector import (
    NORMALISING,
    PSYCHOEDUCATION,
    QUESTIONING,
    REFLECTION,
    SOLUTIONS,
)
from theralab.counselors.techniques import Plan
from theralab.dialogue.codes import QUESTIONS, MiscCode, TalkType
from theralab.dialogue.codes import MiscCode as C
from theralab.text.lexicon import FEELING_NAMES, emotions_in
from theralab.text.perspective import to_second_person, word_count

Part = tuple[str, MiscCode]


@dataclass
class Candidate:
    """One agent's draft: sentences with their codes, most important first."""

    technique: str
    parts: list[Part] = field(default_factory=list)
    topic: str | None = None  # what the draft is about (a question's target, an explanation's)

    @property
    def asks(self) -> bool:
        """Whether the draft asks the client something (a question or a request for leave)."""
        return any(code in QUESTIONS or text.rstrip().endswith("?") for text, code in self.parts)


@dataclass
class Memory:
    """What the agents remember across the session."""

    used: set[str] = field(default_factory=set)
    frames: set[tuple[str, str]] = field(default_factory=set)
    asked: dict[str, int] = field(default_factory=dict)
    technique_questions: int = 0
    last_question: tuple[str, int] | None = None  # its target, and the client turns before it
    topics: list[str] = field(default_factory=list)
    permission_asked: bool = False
    idea_given: bool = False

    def ask_count(self, target: str) -> int:
        return self.asked.get(target, 0)


@dataclass
class TurnContext:
    heard: Listener
    perception: Perception
    stage: str
    plan: Plan
    memory: Memory
    rng: random.Random

    def fresh(self, options: Sequence[str]) -> str:
        """One of the options not yet said this session (any, once all have been said)."""
        unused = [o for o in options if o not in self.memory.used]
        choice = self.rng.choice(unused or list(options))
        self.memory.used.add(choice)
        return choice

    def varied(self, make: Callable[[], Part], tries: int = 4) -> Part:
        """A reflection from `make`, redrawn while its frame (opening and closing words) was
        already used this session, so the same stem does not come back turn after turn."""
        text, code = make()
        for _ in range(tries):
            if _frame(text) not in self.memory.frames:
                break
            text, code = make()
        self.memory.frames.add(_frame(text))
        return text, code

    @property
    def thought(self) -> str:
        heard = self.heard
        source = heard.thought or (heard.client_turns[0] if heard.client_turns else "")
        if not source:
            return "this will go badly"
        return say_back(salient_sentence(source), "something bad is going on")


class ResponseAgent(Protocol):
    technique: str

    def draft(self, ctx: TurnContext) -> Candidate: ...


# --- reflection ------------------------------------------------------------------------------

_REFLECT_MINIMAL = (
    "You're not sure what to say about it just now, and that's okay.",
    "It sounds like it's hard to find the words for this right now.",
    "You're taking your time with it, and there's no rush here.",
)
_REFLECT_BALANCED = (
    "So when you step back from it, part of you can see that {b}.",
    "It sounds like part of you can now see that {b}.",
    "You're noticing that {b}, even though the old thought still pulls at you.",
)
_REFLECT_STEP = (
    "What I'm hearing is that you've settled on something concrete: {s}.",
    "It sounds like you know what you want to try: {s}.",
)
_REFLECT_EXTRA = (
    "So for you, {c}, and that matters a lot to you.",
    "If I've understood you, {c}.",
    "You're saying {c}, and at the same time you're still carrying all of it.",
)


DOUBLE_REFLECTION_RATE = 0.5


class ReflectionAgent:
    technique = REFLECTION

    def draft(self, ctx: TurnContext) -> Candidate:
        p, rng = ctx.perception, ctx.rng
        first = self._reflect(ctx)
        out = Candidate(self.technique, [first])
        # A felt turn with more to it than the feeling: say back the feeling as well.
        if (
            p.feelings
            and first[1] is not C.COMPLEX_REFLECTION
            and word_count(p.text) >= 12
            and rng.random() < DOUBLE_REFLECTION_RATE
        ):
            feeling = reflect_feeling(p.text, rng, deeper=True)
            if feeling and feeling not in ctx.memory.used:
                ctx.memory.used.add(feeling)
                out.parts.append((feeling, C.COMPLEX_REFLECTION))
        return out

    def _reflect(self, ctx: TurnContext) -> Part:
        p, heard, rng = ctx.perception, ctx.heard, ctx.rng
        salient = salient_sentence(p.text)
        if p.new_commitment and heard.committed:
            return ctx.fresh(_REFLECT_STEP).format(s=_said(heard.committed)), C.SIMPLE_REFLECTION
        if p.balanced:
            return ctx.fresh(_REFLECT_BALANCED).format(b=_said(p.balanced)), C.COMPLEX_REFLECTION
        if p.talk is TalkType.SUSTAIN and heard.change_talk:
            return reflect_two_sides(salient, heard.change_talk[-1]), C.COMPLEX_REFLECTION
        # Change talk, unless the cue was a worry ("I'll fail") rather than a wish.
        if p.talk is TalkType.CHANGE and not emotions_in(salient) and not p.worry_question:
            return ctx.varied(lambda: (reflect_change(salient, rng), C.COMPLEX_REFLECTION))
        if p.new_thought and heard.thought and rng.random() < 0.6:
            thought = heard.thought
            return ctx.varied(lambda: (reflect_meaning(thought, rng), C.COMPLEX_REFLECTION))
        if p.minimal and not p.feelings:
            earlier = _last_substantial(heard.client_turns[:-1])
            if earlier and rng.random() < 0.5:
                text, code = reflect_content(earlier, rng)
                if code is C.SIMPLE_REFLECTION:
                    return "Coming back to what you said before, " + _lower(text), code
            return ctx.fresh(_REFLECT_MINIMAL), C.SIMPLE_REFLECTION
        if p.feelings and rng.random() < 0.85:
            feeling = ctx.varied(lambda: (reflect_feeling(p.text, rng) or "", C.COMPLEX_REFLECTION))
            if feeling[0]:
                return feeling
        part = None if unverifiable(salient) else echoable(salient)
        if part and word_count(part) >= 5 and rng.random() < 0.3:
            text = ctx.fresh(_REFLECT_EXTRA).format(c=to_second_person(part))
            return text, (
                C.SIMPLE_REFLECTION if text.startswith("If I've") else C.COMPLEX_REFLECTION
            )
        text, code = ctx.varied(
            lambda: (reflect_with_meaning if rng.random() < 0.5 else reflect_content)(p.text, rng)
        )
        if code not in (C.SIMPLE_REFLECTION, C.COMPLEX_REFLECTION):  # nothing to say back
            return ctx.fresh(_REFLECT_MINIMAL), C.SIMPLE_REFLECTION
        return text, code


# --- questioning -----------------------------------------------------------------------------

_QUESTIONS: dict[str, tuple[str, ...]] = {
    "agenda": (
        "What would you most like to get out of our time today?",
        "Out of everything going on, what would you like to focus on today?",
        "If today went well, what would you like to work on together?",
    ),
    "hardest": (
        "What has been the hardest part of this for you?",
        "What weighs on you most when it's at its worst?",
    ),
    "situation": (
        "Tell me about a recent time when this was especially hard.",
        "Walk me through the last time it really got to you, what happened?",
        "Tell me about a moment recently when it was at its worst.",
    ),
    "feeling": (
        "How did you feel as that was happening?",
        "What feelings came up for you right then?",
        "And in that moment, what did you feel?",
    ),
    "thought": (
        "What was going through your mind just then?",
        "What were you telling yourself in that moment?",
        "When it was happening, what thought popped into your head?",
        "If you imagine yourself back there, what were you saying to yourself?",
    ),
    "behaviour": (
        "What did you do afterwards?",
        "How did you respond when that happened?",
    ),
    "reframe": (
        "What would you say to a friend who told you that {thought}?",
        "What's another way of looking at the thought that {thought}?",
        "What might be a kinder, more balanced way to see it?",
        "What else could explain what happened, apart from that thought?",
    ),
    "step": (
        "What's one small step you could take this week?",
        "What could you do this week that would move things a little?",
        "If you tried something small this week, what might it be?",
    ),
    "after_idea": (
        "How might that work for you this week?",
        "What would help you try that this week?",
        "What could get in the way of trying that this week?",
    ),
    "change": (
        "What would be different for you if you were able to {focus}?",
        "What would make a change like that worth it to you?",
        "What are the good things that could come from being able to {focus}?",
    ),
}


# The client starts to doubt the thought: time to look for another view of it.
_DOUBT = re.compile(
    r"\b(?:but maybe|though i suppose|if i'm honest|not every time|doesn't happen every time|"
    r"i suppose|to be fair)\b",
    re.IGNORECASE,
)


class QuestioningAgent:
    """Open questions that follow the session's arc: focus, a situation, the feelings and
    thoughts in it, the CBT technique's questions, a balanced view, a first step."""

    technique = QUESTIONING

    def draft(self, ctx: TurnContext) -> Candidate:
        target, text = self._next(ctx)
        ctx.memory.asked[target] = ctx.memory.ask_count(target) + 1
        ctx.memory.last_question = (target, len(ctx.heard.client_turns))
        return Candidate(self.technique, [(text, C.OPEN_QUESTION)], topic=target)

    def _next(self, ctx: TurnContext) -> tuple[str, str]:
        heard, memory, p = ctx.heard, ctx.memory, ctx.perception
        fmt = {"thought": ctx.thought, "focus": heard.focus_phrase()}
        if ctx.stage == "engage":
            target = "agenda" if not heard.focus and memory.ask_count("agenda") < 2 else "hardest"
        elif ctx.stage == "explore":
            if memory.ask_count("situation") == 0:
                target = "situation"
            elif (
                memory.ask_count("feeling") == 0
                and not p.feelings
                and self._just_asked(ctx, "situation")
            ):
                target = "feeling"
            elif heard.thought is None:
                target = "thought"
            else:
                target = "behaviour" if memory.ask_count("behaviour") == 0 else "thought"
        elif ctx.stage == "work" and heard.thought is None and memory.ask_count("thought") < 3:
            target = "thought"  # the technique needs the thought: ask for it first
        elif ctx.stage == "work":
            questions = ctx.plan.technique.questions
            doubting = memory.technique_questions > 0 and _DOUBT.search(p.text)
            if memory.technique_questions < min(2, len(questions)) and not doubting:
                i = memory.technique_questions
                memory.technique_questions += 1
                return "technique", questions[i].format(thought=fmt["thought"])
            target = "reframe"
        elif memory.idea_given and memory.ask_count("after_idea") == 0:
            target = "after_idea"
        elif p.talk is TalkType.SUSTAIN or p.declined:
            target = "change"
        else:
            target = "step"
        return target, ctx.fresh(_QUESTIONS[target]).format(**fmt)

    @staticmethod
    def _just_asked(ctx: TurnContext, target: str) -> bool:
        """Whether the client's last turn answered a question about `target`."""
        return ctx.memory.last_question == (target, len(ctx.heard.client_turns) - 1)


# --- solutions -------------------------------------------------------------------------------

_PERMISSION = (
    "Would it be okay if I shared an idea that has helped other people with this?",
    "Would you be open to hearing one idea that might help?",
    "Can I offer a suggestion, and you can see whether it fits?",
)
_OFFER = (  # for ideas that start with a verb ("keep a record ...")
    "One option could be to {idea}.",
    "Something you could try is to {idea}.",
    "Some people find it helps to {idea}.",
)
_OFFER_CLAUSE = (  # for ideas that start otherwise ("each evening, note ...")
    "One option could be this: {idea}.",
    "Something you could try: {idea}.",
    "Some people find this helps: {idea}.",
)
_FIRST_STEP = (
    "You might try one small step towards being able to {focus}, something you could do in a "
    "single afternoon.",
    "You could experiment with the smallest version of it you can imagine, just to see what "
    "happens.",
)
_AUTONOMY = (
    "It's entirely your call whether it fits your life.",
    "You're the expert on your own life, so take what's useful and leave the rest.",
    "It's up to you whether and how you try it.",
)
_AFFIRM_STEP = (
    "You've found a step that is small enough to actually do.",
    "You've thought this through carefully.",
    "You've worked hard today to get to this point.",
)


class SolutionsAgent:
    """Ideas and next steps, only with the client's leave: ask, then offer, then affirm."""

    technique = SOLUTIONS

    def draft(self, ctx: TurnContext) -> Candidate:
        memory, p = ctx.memory, ctx.perception
        out = Candidate(self.technique)
        if p.new_commitment:
            out.parts.append((ctx.fresh(_AFFIRM_STEP), C.AFFIRM))
            out.parts.append((ctx.fresh(_AUTONOMY), C.EMPHASIZE_AUTONOMY))
            out.topic = "affirm"
            return out
        if (p.consented or p.asks_advice) and not memory.idea_given:
            memory.idea_given = True
            idea = ctx.plan.technique.homework
            offers = _OFFER_CLAUSE if idea.startswith(("each", "every", "when")) else _OFFER
            out.parts.append((ctx.fresh(offers).format(idea=idea), C.ADVISE_WITH_PERMISSION))
            if ctx.heard.focus and ctx.rng.random() < 0.4:
                text = ctx.fresh(_FIRST_STEP).format(focus=ctx.heard.focus_phrase())
                out.parts.append((text, C.ADVISE_WITH_PERMISSION))
            out.parts.append((ctx.fresh(_AUTONOMY), C.EMPHASIZE_AUTONOMY))
            out.topic = "idea"
            return out
        if not memory.permission_asked:
            memory.permission_asked = True
            out.parts.append((ctx.fresh(_PERMISSION), C.SEEK_COLLABORATION))
            out.topic = "permission"
            return out
        out.parts.append((ctx.fresh(_AUTONOMY), C.EMPHASIZE_AUTONOMY))
        out.topic = "autonomy"
        return out


# --- normalising -----------------------------------------------------------------------------

_VALIDATE = (
    "That is a lot to carry on your own.",
    "That sounds exhausting.",
    "I can see why this has been wearing you down.",
    "That sounds really hard.",
    "I can hear how much this has taken out of you.",
)
_VALIDATE_SHAME = (
    "It's hard to say something like that out loud.",
    "It's so hard to be kind to yourself when you feel this way.",
    "I can see how much courage it takes to talk about this.",
)
_VALIDATE_MINIMISING = (
    "It's hard to take your own struggles seriously when others seem worse off.",
    "It's hard to give yourself permission to find this difficult.",
)
_COMMON = (
    "Many people in your position would feel just as {feeling}.",
    "Many people feel {feeling} when life puts them in a spot like this.",
)
_COMMON_PLAIN = (
    "Many people in your position would find this hard going.",
    "Many people who go through something like this feel knocked off balance by it.",
)
_COMMON_SHAME = (
    "Many people carry that kind of shame quietly, and it rarely means what it feels like it "
    "means.",
    "Many people are far harsher with themselves than they would ever be with a friend.",
)
_COMMON_MINIMISING = (
    "Many people play down their own pain, and it still deserves attention.",
    "Many people feel they should cope without help, yet struggling says nothing bad about them.",
)


class NormalisingAgent:
    """Validation that the client's reaction makes sense and is widely shared."""

    technique = NORMALISING

    def draft(self, ctx: TurnContext) -> Candidate:
        p, rng = ctx.perception, ctx.rng
        out = Candidate(self.technique)
        if p.shame:
            validate, common = _VALIDATE_SHAME, _COMMON_SHAME
            out.topic = "shame"
        elif p.minimising:
            validate, common = _VALIDATE_MINIMISING, _COMMON_MINIMISING
            out.topic = "minimising"
        else:
            validate, common = _VALIDATE, _COMMON
            out.topic = "distress"
        lead_with_support = rng.random() < 0.6
        if lead_with_support:
            out.parts.append((ctx.fresh(validate), C.SUPPORT))
        if not lead_with_support or rng.random() < 0.4:
            if common is _COMMON and not p.feelings:
                common = _COMMON_PLAIN
            group = p.feelings[0] if p.feelings else ""
            feeling = rng.choice(FEELING_NAMES.get(group, ("unsettled",)))
            out.parts.append((ctx.fresh(common).format(feeling=feeling), C.GIVE_INFORMATION))
        return out


# --- psycho-education ------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    name: str
    cues: re.Pattern[str]
    lines: tuple[str, ...]


def _cues(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TOPICS: tuple[Topic, ...] = (
    Topic(
        "body_alarm",
        _cues(r"\b(?:heart|breath\w*|panic\w*|attack|shak\w*|dizzy|faint|sweat\w*|chest)\b"),
        (
            "When we're frightened, the body switches on an alarm that speeds up the heart and "
            "the breathing. The brain can set that alarm off even when nothing dangerous is "
            "happening, and the feelings settle again on their own.",
            "Anxiety is the body getting ready for danger, which is why the heart pounds and the "
            "breath gets short. Those sensations are unpleasant, but the brain's alarm switches "
            "itself off if we give it a little time.",
        ),
    ),
    Topic(
        "worry",
        _cues(r"\b(?:what if|worst|disaster|fail\w*|ruin\w*|never|terrible|going to)\b"),
        (
            "When we're worried, our minds race ahead to the worst ending and treat it as "
            "certain. This is sometimes called catastrophizing, and it can make an outcome "
            "that will probably be fine feel doomed.",
            "Worry tends to ask what if, over and over, without ever reaching an answer. Our "
            "minds do this to feel prepared, but it mostly keeps the alarm switched on.",
        ),
    ),
    Topic(
        "low_mood",
        _cues(r"\b(?:low|down|sad|empty|hopeless|bed|stay(?:ed)? in|no energy|pointless)\b"),
        (
            "When we're low, we tend to pull back from the things that used to lift us, and "
            "that makes the low feeling stronger. Many people find mood follows action more "
            "than the other way round.",
            "When we're low, a quiet cycle tends to set in: we do less, so less feels good, so "
            "we feel even less like doing anything. Many people find small steps break that "
            "cycle before motivation comes back.",
        ),
    ),
    Topic(
        "shame",
        _cues(r"\b(?:ashamed|embarrass\w*|stupid|failure|useless|weak|pathetic|my fault)\b"),
        (
            "When we're ashamed, our minds replay the moment again and again, which keeps the "
            "feeling alive. Many people are far kinder to others than to themselves.",
            "Many people find shame grows in silence and shrinks once it is spoken about. It's "
            "common to feel it most strongly about the things that matter most to us.",
        ),
    ),
    Topic(
        "anger",
        _cues(r"\b(?:angry|anger|furious|snap\w*|shout\w*|temper|rage|irritab\w*)\b"),
        (
            "Many people find anger is a sign that something important to them feels "
            "threatened or unfair. When we're running on little rest and a lot of pressure, "
            "the fuse tends to get shorter for anyone.",
            "Anger often rises fastest when we're tired, hurt or stretched thin. The brain "
            "reacts before we have had a chance to think, which is why a pause can help so "
            "much.",
        ),
    ),
    Topic(
        "grief",
        _cues(
            r"\b(?:died|death|passed|funeral|lost (?:my|her|him)|grief|grieving|miss (?:her|him))\b"
        ),
        (
            "It's common for grief to come in waves, long after other people expect it to "
            "settle. The brain needs time to take in that someone is gone.",
            "It's common for grief to feel less like a set of stages and more like weather "
            "that changes from day to day. Many people notice the waves soften with time, even "
            "if they never vanish.",
        ),
    ),
    Topic(
        "sleep",
        _cues(r"\b(?:sleep\w*|awake|insomnia|night|3 ?am|tired)\b"),
        (
            "When we're lying awake worrying about sleep, the brain starts to link the bed with "
            "being alert. It's common for the effort to sleep to be the very thing that keeps "
            "us awake.",
            "Many people find sleep comes when they stop chasing it. The brain settles best "
            "with a steady wake-up time, more than with going to bed early.",
        ),
    ),
    Topic(
        "habit",
        _cues(
            r"\b(?:drink\w*|pint|beer|wine|smok\w*|cigarette|vape|gambl\w*|bet\w*|gaming|"
            r"games|cannabis|weed|scroll\w*)\b"
        ),
        (
            "Many people lean on a habit like that because it brings quick relief. The brain "
            "learns to reach for that relief first, even while the longer-term cost keeps "
            "growing.",
            "Habits that soothe us tend to be strongest exactly when we're stressed or bored. "
            "Many people find it easier to change once they know what the habit does for them.",
        ),
    ),
    Topic(
        "avoidance",
        _cues(
            r"\b(?:avoid\w*|escape|excuse|cancel\w*|stay(?:ed)? home|can't face|put(?:ting)? off)\b"
        ),
        (
            "Avoiding something brings quick relief, but it also stops us finding out that we "
            "could cope. Over time the brain takes the relief as proof that the danger was "
            "real.",
            "When we're anxious, we tend to steer around whatever sets it off. Our minds take "
            "the relief as a sign of danger, so the fear grows the longer it goes untested.",
        ),
    ),
    Topic(
        "cbt_model",
        _cues(r"\b(?:kept thinking|keep thinking|the thought was|in my head|i thought)\b"),
        (
            "In CBT we look at how thoughts, feelings and actions feed each other. Our thoughts "
            "shape how a situation feels, often before we even notice them.",
            "Our thoughts affect how we feel and what we do next, even when they arrive in a "
            "split second. This is called an automatic thought, and it can be looked at like "
            "any other guess.",
        ),
    ),
)


class PsychoeducationAgent:
    """A short, plain explanation of what may be going on, matched to the client's words."""

    technique = PSYCHOEDUCATION

    def draft(self, ctx: TurnContext) -> Candidate:
        memory = ctx.memory
        topic = self._topic(ctx)
        if topic is None:  # every topic has been covered: the CBT plan's own explanation
            memory.topics.append(ctx.plan.technique.name)
            line = ctx.plan.technique.psychoeducation
            return Candidate(self.technique, [(line, C.GIVE_INFORMATION)], topic="plan")
        memory.topics.append(topic.name)
        line = ctx.rng.choice(topic.lines)
        return Candidate(self.technique, [(line, C.GIVE_INFORMATION)], topic=topic.name)

    @staticmethod
    def _topic(ctx: TurnContext) -> Topic | None:
        given = set(ctx.memory.topics)
        fresh = [t for t in TOPICS if t.name not in given]
        if ctx.perception.new_thought and any(t.name == "cbt_model" for t in fresh):
            return next(t for t in fresh if t.name == "cbt_model")
        # The turn at hand first, then the whole conversation, most recent first.
        for text in [ctx.perception.text, *reversed(ctx.heard.client_turns)]:
            scored = [(len(t.cues.findall(text)), t) for t in fresh]
            best = max(scored, key=lambda x: x[0], default=(0, None))
            if best[0] > 0:
                return best[1]
        return None


AGENTS: dict[str, ResponseAgent] = {
    a.technique: a
    for a in (
        ReflectionAgent(),
        QuestioningAgent(),
        SolutionsAgent(),
        NormalisingAgent(),
        PsychoeducationAgent(),
    )
}


def _frame(text: str) -> tuple[str, str]:
    words = text.lower().split()
    return " ".join(words[:3]), " ".join(words[-3:])


def _said(text: str) -> str:
    return say_back(salient_sentence(text), "this has been hard")


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] not in ("I ", "I'") else text


def _last_substantial(turns: Sequence[str]) -> str | None:
    for text in reversed(turns):
        if word_count(salient_sentence(text)) >= 6:
            return text
    return None
