"""At `low` (a passive wish to die or disappear), the guardrail's own words: the check-in is asked,
not repeated after every message; a session never closes on the wish with a goodbye alone; and
the scripted counselors never take the wish for change talk or a plan."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from theralab.agents import Reply, Utterance
from theralab.counselors import make_counselor
from theralab.counselors.listening import Listener, reflect_with_meaning, shows_risk
from theralab.dialogue import AgentSpec, Annotations, Speaker, TalkType
from theralab.safety import GuardedCounselor, PatternTier, Screener, check_in
from theralab.safety.guardrail import CHECK_IN_RECENT
from theralab.safety.protocol import check_in_again
from theralab.simulate.session import SessionPlan, run_session

from .annotation_support import flat

SCREENER = Screener([PatternTier()])
WISH = "Not really. I just wish I could disappear for a while."
CALM = "Work was busy again this week, nothing new."
GOODBYE = "Thank you for your work today. Take care, and see you next time."


@dataclass
class Closer:
    """A counselor that chats, then closes from turn `close_from` on (as the scripted ones do)."""

    close_from: int
    turns: int = 0

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(name="closer", engine="fixed")

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.turns += 1
        if self.turns > self.close_from:
            return Reply(text=GOODBYE, annotations=Annotations(action="close"))
        return Reply(text="Tell me more about that.")


def talk(guard: GuardedCounselor, *lines: str) -> list[Reply]:
    async def go() -> list[Reply]:
        history: list[Utterance] = [Utterance(Speaker.COUNSELOR, "Hello, what brings you here?")]
        out = []
        for line in lines:
            history.append(Utterance(Speaker.CLIENT, line))
            reply = await guard.respond(tuple(history))
            history.append(Utterance(Speaker.COUNSELOR, reply.text))
            out.append(reply)
        return out

    return asyncio.run(go())


def test_the_pattern_tier_reads_the_wish_as_low_risk() -> None:
    assert SCREENER.assess(WISH).level.value == "low"
    assert shows_risk(WISH) and not shows_risk(CALM)


def test_a_close_on_the_wish_is_held_for_the_check_in_and_the_session_goes_on() -> None:
    guard = GuardedCounselor(Closer(close_from=0), SCREENER, "en-US")
    reply = talk(guard, WISH)[0]
    assert reply.text == check_in("en-US")  # the question alone: no goodbye before it
    assert reply.annotations.action != "close" and not reply.ends_session
    assert flat(reply.annotations)["guardrail"] == "check_in"
    assert "close_held_for_check_in" in reply.annotations.guard.reasons


def test_the_wish_again_after_the_check_in_closes_with_the_crisis_line_added() -> None:
    guard = GuardedCounselor(Closer(close_from=0), SCREENER, "en-US")
    held, closing = talk(guard, WISH, WISH)
    assert held.text == check_in("en-US")
    assert closing.text.startswith(GOODBYE) and closing.text.endswith(check_in_again("en-US", 2))
    assert "988" in closing.text and closing.annotations.action == "close"


def test_a_close_once_the_message_shows_no_risk_goes_as_written() -> None:
    guard = GuardedCounselor(Closer(close_from=1), SCREENER, "en-US")
    asked, closing = talk(guard, WISH, "No, I'm safe, it has just been a hard few weeks.")
    assert check_in("en-US") in asked.text
    assert closing.text == GOODBYE and closing.annotations.action == "close"


def test_the_check_in_is_not_repeated_after_every_message() -> None:
    guard = GuardedCounselor(Closer(close_from=99), SCREENER, "en-US")
    replies = talk(guard, *[WISH] * (CHECK_IN_RECENT + 2))
    question = check_in("en-US")
    asked = [i for i, r in enumerate(replies) if question in r.text]
    assert asked == [0, CHECK_IN_RECENT + 1]  # asked, then asked again once it is no longer recent
    for i, r in enumerate(replies):
        again = check_in_again("en-US", i + 1)  # the opening turn is the counselor's first
        assert (question in r.text) != (again in r.text), i  # every turn has one of the two
        assert "988" in r.text
    # the crisis line again, not the same sentence after every message
    assert replies[1].text != replies[2].text


def test_a_scripted_session_never_ends_on_the_wish_with_a_goodbye_alone() -> None:
    @dataclass
    class Wisher:
        @property
        def spec(self) -> AgentSpec:
            return AgentSpec(name="wisher", engine="fixed")

        async def respond(self, history: Sequence[Utterance]) -> Reply:
            return Reply(text=WISH)

    for name in ("cbt", "mi", "person_centred"):
        guard = GuardedCounselor(make_counselor(name, 0), SCREENER, "en-US")
        plan = SessionPlan(f"s-{name}", name, "wisher", 0, 0, 0, max_turns=60)
        session = asyncio.run(run_session(plan, guard, Wisher()))
        said = [t for t in session.turns if t.speaker is Speaker.COUNSELOR]
        assert session.stop_reason.value == "counselor_closed", name  # it did close, in the end
        assert "988" in said[-1].text, (name, said[-1].text)


@pytest.mark.parametrize("seed", range(8))
def test_the_listener_never_takes_the_wish_for_change_talk_or_a_step(seed: int) -> None:
    heard = Listener()
    heard.hear(WISH)
    assert heard.last_talk is TalkType.NEUTRAL
    assert heard.committed is None and not heard.change_talk
    text, _ = reflect_with_meaning(WISH, random.Random(seed))
    assert "matters to you" not in text and "wants something different" not in text
    calm = Listener()
    calm.hear("I think I could ask my sister to help me with the kids.")
    assert calm.last_talk is TalkType.CHANGE and calm.committed
