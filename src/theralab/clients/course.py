"""Between sessions of a course: how a simulated client's week goes, and what it remembers.

Hand-set parameters (not findings), in the spirit of what psychotherapy research reports:
homework completion predicts outcome in CBT (Kazantzis et al. 2010 meta-analysis), so done
homework lowers distress and nudges readiness; gains partly fade between sessions (drift back
toward the client's baseline); the alliance mostly holds from one session to the next while
in-session resistance mostly resets; life events now and then (seeded) move distress either way.
Every draw comes from the one generator passed in, in a fixed order, so a course is a pure
function of its seed.
"""

from __future__ import annotations

import random

from theralab.clients.state import LatentState, clip
from theralab.dialogue.courses import Between, Homework, LifeEvent, MemoryEntry
from theralab.profiles.model import Attitude, ClientProfile

# Drift toward the client's starting point over the week between sessions (share of the gap).
DISTRESS_DRIFT = 0.3
TRUST_DRIFT = 0.1
RESISTANCE_RESET = 0.6
READINESS_DRIFT = 0.1
CONDITION_DRIFT = 0.2
# Homework: chance of doing it = base + weight × readiness + attitude + receptivity.
HOMEWORK_BASE = 0.15
HOMEWORK_READINESS = 0.6
HOMEWORK_ATTITUDE = {Attitude.POSITIVE: 0.1, Attitude.NEUTRAL: 0.0, Attitude.NEGATIVE: -0.15}
HOMEWORK_RECEPTIVITY = 0.05
PARTLY_SHARE = 0.35  # of those who engage with it at all, this share only partly do it
HOMEWORK_EFFECT = {  # (distress, readiness)
    "done": (-1.0, 0.06),
    "partly": (-0.4, 0.02),
    "not_done": (0.3, -0.02),
    "none_set": (0.0, 0.0),
}
SETBACK_CHANCE = 0.12
LIFT_CHANCE = 0.08
_SETBACKS = (
    "It's been a rough week. There was a big argument at home and I haven't felt settled since.",
    "I had some bad news this week and it knocked me back a bit.",
    "I barely slept a couple of nights this week, and everything felt heavier.",
    "There was a row with someone close to me, and I'm still shaken by it.",
)
_LIFTS = (
    "Something good happened this week, actually. I had a really nice day out.",
    "A friend I hadn't seen in ages got in touch, and that lifted me a bit.",
    "Work was calmer this week, which helped.",
)


def homework_chance(profile: ClientProfile, readiness: float) -> float:
    """The chance a client does (at least part of) the agreed homework."""
    return clip(
        HOMEWORK_BASE
        + HOMEWORK_READINESS * readiness
        + HOMEWORK_ATTITUDE[profile.attitude]
        + HOMEWORK_RECEPTIVITY * (profile.receptivity - 3)
    )


def draw_homework(
    profile: ClientProfile, readiness: float, homework: str | None, rng: random.Random
) -> Homework:
    """Whether the agreed homework got done (one draw, always taken, so the stream of draws
    does not depend on whether homework was set)."""
    u = rng.random()
    if homework is None:
        return "none_set"
    chance = homework_chance(profile, readiness)
    if u < chance * (1 - PARTLY_SHARE):
        return "done"
    if u < chance:
        return "partly"
    return "not_done"


def draw_life_event(rng: random.Random) -> LifeEvent | None:
    """Now and then something happens between sessions (two draws, always taken)."""
    u, size = rng.random(), rng.random()
    if u < SETBACK_CHANCE:
        return LifeEvent(
            kind="setback",
            text=_SETBACKS[int(size * len(_SETBACKS))],
            distress=round(0.8 + 1.0 * size, 3),
        )
    if u < SETBACK_CHANCE + LIFT_CHANCE:
        return LifeEvent(
            kind="lift", text=_LIFTS[int(size * len(_LIFTS))], distress=round(-0.4 - 0.5 * size, 3)
        )
    return None


def draw_week(
    profile: ClientProfile, readiness: float, homework: str | None, rng: random.Random
) -> tuple[Homework, LifeEvent | None]:
    """The week's draws, in their fixed order: whether the homework got done (at this
    readiness), then a life event. A client without a latent state (model-backed) gets the
    same week from its profile's starting readiness."""
    return draw_homework(profile, readiness, homework, rng), draw_life_event(rng)


def between_sessions(
    profile: ClientProfile,
    state: LatentState,
    homework: str | None,
    rng: random.Random,
) -> tuple[LatentState, Between]:
    """The client's state at the start of the next session, and what happened in between.

    Order: drift toward the starting point, then the homework's effect, then a life event.
    The in-session counters (closed-question chains, turns of high resistance) reset; what
    was disclosed is kept in memory, not in the state.
    """
    start = LatentState.initial(profile)
    before = state.distress
    nxt = LatentState.from_carry(state.to_carry())
    nxt.distress = clip(nxt.distress + DISTRESS_DRIFT * (start.distress - nxt.distress), 0.0, 10.0)
    nxt.trust = clip(nxt.trust - TRUST_DRIFT * (nxt.trust - start.trust))
    nxt.resistance = clip(nxt.resistance + RESISTANCE_RESET * (start.resistance - nxt.resistance))
    nxt.readiness = clip(nxt.readiness - READINESS_DRIFT * (nxt.readiness - start.readiness))
    for name, severity in nxt.conditions.items():
        base = start.conditions.get(name, severity)
        nxt.conditions[name] = clip(severity + CONDITION_DRIFT * (base - severity))
    done, event = draw_week(profile, nxt.readiness, homework, rng)
    d_distress, d_readiness = HOMEWORK_EFFECT[done]
    nxt.distress = clip(nxt.distress + d_distress, 0.0, 10.0)
    nxt.readiness = clip(nxt.readiness + d_readiness)
    if event is not None:
        nxt.distress = clip(nxt.distress + event.distress, 0.0, 10.0)
    nxt.disclosed = []
    nxt.closed_chain = 0
    nxt.high_resistance_turns = 0
    return nxt, Between(
        homework=done,
        homework_text=homework,
        life_event=event,
        distress_before=round(before, 4),
        distress_after=round(nxt.distress, 4),
    )


def scripted_memory(profile: ClientProfile, state: LatentState, session: int) -> MemoryEntry:
    """What a scripted client remembers of a session: the main things it said (its first
    complaint, a balanced thought it reached, a belief it named) and the step it agreed to."""
    topics: list[str] = []
    agreed: str | None = None
    for key in state.disclosed:
        kind, _, rest = key.partition(":")
        if kind == "complaint" and rest.isdigit() and not topics:
            topics.append(profile.complaint[int(rest)])
        elif kind == "balanced" and rest.isdigit():
            topics.append(profile.situations[int(rest)].balanced_thought)
        elif kind == "belief":
            category, _, i = rest.partition(":")
            if i.isdigit():
                topics.append(getattr(profile.core_beliefs, category)[int(i)])
        elif kind == "step" and rest.isdigit() and agreed is None:
            agreed = profile.motivation.first_steps[int(rest)]
    return MemoryEntry(session=session, topics=topics[:3], agreed=agreed)
