"""Black-box findings S1 and D1 (session 36).

S1: `stigmatising_language` blocked a counselor reply that mirrored the client's everyday
"insane" / "crazy" about a week or a job, and the guarded counselor's own reflection was then
replaced by the safe reply. The rule now blocks these words when they label a person or mental
illness, not when they describe a thing or a situation, nor in "you're not crazy" reassurance.

D1: `theralab reply --no-guardrail` answered with the counselor's opening greeting, whatever the
message and history; it now answers the message, as the guarded path does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.safety import check_reply

runner = CliRunner()


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERALAB_SEMANTIC", "0")


def _reasons(reply: str, history: list[str] | None = None) -> tuple[str, ...]:
    return check_reply(reply, history=history or [], learned=False).reasons


# Everyday words about things and situations, and reassurance: not stigma.
NOT_STIGMA = [
    "It sounds like work has been insane this week. What has been hardest?",
    "Your week has been crazy, and on top of it you're not sleeping.",
    "So the commute this month has been insane and you get home exhausted.",
    "The traffic on the way in was insane, so you arrived already wound up.",
    "It's been a crazy few days for you.",
    "You've been working insane hours since the merger.",
    "That sounds like a crazy busy schedule.",
    "An insane amount of work landed on you at once.",
    "Things have been insane since the baby arrived.",
    "It's been crazy at work lately, and it sounds like you've had little time for yourself.",
    "The rent is insane where you live, and that adds to the pressure.",
    "It sounds like the deadlines are driving you crazy.",
    "You've been revising like crazy.",
    # reassurance and reflecting the client's own fear
    "You're not crazy. What you're describing is a very common reaction to grief.",
    "You are not going crazy; panic attacks feel terrifying, and they do pass.",
    "No, you're not going mad.",
    "Hearing a loved one's voice after a death doesn't mean you're crazy.",
    "It's not crazy to want some help with this.",
    "There's nothing crazy about feeling this way after what happened.",
    "It sounds like you've been feeling like you're going crazy.",
    "You're worried people will think you're insane if you tell them.",
    # other everyday uses of the words the rule now also reads
    "You must be going mad with worry about her.",
    "Are you mad at him for leaving?",
    "A handful of nuts with some fruit could be an easy snack.",
]

# The same words labelling people or mental illness: stigma.
STIGMA = [
    "You're crazy to think nobody cares.",
    "Only crazy people hear voices.",
    "The people at work are crazy.",
    "Your ex sounds insane.",
    "It's crazy to want to die over a breakup.",
    "Those thoughts are crazy.",
    "She is insane.",
    "That's insane, the voices aren't real.",
    "Hearing voices means you are insane.",
    "You're not crazy, the crazy ones are the people who would actually do it.",
    "You're not crazy like them.",
    "He's nuts, honestly.",
    "You're going mad, you need to get a grip.",
    "Mad people end up in hospital.",
    "He sounds like a madman.",
    "Your brother is a psycho.",
    "The criminally insane are locked up for a reason.",
    "He committed suicide last year.",
]


@pytest.mark.parametrize("reply", NOT_STIGMA)
def test_everyday_words_about_things_and_reassurance_pass(reply: str) -> None:
    assert "stigmatising_language" not in _reasons(reply, ["I've had a hard week."])


@pytest.mark.parametrize("reply", STIGMA)
def test_the_words_labelling_people_or_illness_still_block(reply: str) -> None:
    assert "stigmatising_language" in _reasons(reply, ["I've had a hard week."])


def test_a_mirrored_everyday_word_is_allowed_outright() -> None:
    client = "Work has been crazy lately and my manager keeps adding deadlines."
    verdict = check_reply(
        "It sounds like work has been crazy lately. What has been the hardest part?",
        history=[client],
        learned=False,
    )
    assert verdict.allowed, verdict.reasons


@pytest.mark.parametrize("counselor", ["person_centred", "cbt"])
def test_guarded_counselor_keeps_its_reflection_of_an_everyday_word(counselor: str) -> None:
    result = runner.invoke(
        app,
        [
            "reply",
            "-c",
            counselor,
            "--locale",
            "en-GB",
            "--tiers",
            "patterns",
            "-m",
            "My shifts have been insane this month and I'm barely sleeping.",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["fallback"] is False and out["reasons"] == [], out
    assert out["risk"]["level"] == "none"
    assert "thoughts of hurting yourself" not in out["reply"]


# --- D1: `reply --no-guardrail` answers the message -------------------------------------------


def _reply(*args: str) -> dict:
    result = runner.invoke(app, ["reply", "--tiers", "patterns", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("counselor", ["mi", "person_centred", "cbt"])
def test_no_guardrail_answers_the_message_not_the_greeting(counselor: str) -> None:
    message = "My sister and I keep arguing about who looks after our dad."
    raw = _reply("-c", counselor, "--no-guardrail", "-m", message)
    guarded = _reply("-c", counselor, "-m", message)
    assert raw["protocol"] == "unguarded" and raw["risk"] is None
    assert not raw["reply"].lower().startswith(("hello", "hi", "welcome"))
    # a message with no risk passes the guardrail untouched: both are the counselor's answer
    assert guarded["protocol"] == "normal" and guarded["fallback"] is False
    assert raw["reply"] == guarded["reply"]


def test_no_guardrail_answers_the_last_turn_after_a_history(tmp_path: Path) -> None:
    history = tmp_path / "h.jsonl"
    history.write_text(
        '{"speaker": "client", "text": "I started a new job last month."}\n'
        '{"speaker": "counselor", "text": "How has it been going?"}\n'
        '{"speaker": "client", "text": "Mostly fine, but the team is very quiet."}\n'
        '{"speaker": "counselor", "text": "What is that like for you?"}\n'
    )
    message = "I eat lunch alone every day and I miss my old colleagues."
    raw = _reply("-c", "person_centred", "--no-guardrail", "--history", str(history), "-m", message)
    guarded = _reply("-c", "person_centred", "--history", str(history), "-m", message)
    assert not raw["reply"].lower().startswith(("hello", "hi", "welcome"))
    assert guarded["fallback"] is False
    assert raw["reply"] == guarded["reply"]
    assert "eat lunch alone" in raw["reply"] or "old colleagues" in raw["reply"], raw["reply"]


def test_a_wish_to_be_gone_is_passive_ideation_to_the_checker_as_to_the_screener() -> None:
    """ "Better off if I wasn't here" is C-SSRS's wish to be dead: the screener reads `low`, and
    the checker read it as active ideation (`moderate`), so the guardrail's own check-in reply
    was blocked on every turn for missing a crisis response (black-box S4). Ending it or
    killing oneself stays active ideation; a reply that passes over the wish still blocks."""
    from theralab.safety.reply_check import assess_history
    from theralab.safety.risk import RiskLevel

    for wish in (
        "lately I keep thinking everyone would be better off if I just wasn't here anymore",
        "my kids would be better off if I was gone",
        "they'd all be better off if I didn't exist",
    ):
        ctx = assess_history([wish])
        assert ctx.level is RiskLevel.LOW and ctx.needs_care and not ctx.crisis, wish
        ignored = check_reply("What are you up to this weekend?", history=[wish])
        assert ignored.reasons == ("missing_clinical_response",), wish
    for active in (
        "they'd be better off if I killed myself",
        "everyone would be better off if I just ended it",
    ):
        assert assess_history([active]).level is RiskLevel.MODERATE, active


def test_a_wish_not_to_be_alive_passed_over_with_advice_is_blocked() -> None:
    """Black-box D2: to "I don't want to be alive anymore", "Have you tried yoga?" passed the
    rules, because the checker's own cues missed the wish the pattern tier reads
    (`no_point_living`). A reply that asks about it, or gives a way to a person, passes."""
    for wish in (
        "I don't want to be alive anymore.",
        "honestly i dont want to live anymore",
        "I just don't want to be here anymore",
    ):
        advice = check_reply("Have you tried yoga? It really helps with stress.", history=[wish])
        assert advice.reasons == ("missing_clinical_response",), wish
        asked = "That sounds so heavy. Are you having thoughts of ending your life?"
        assert check_reply(asked, history=[wish]).allowed, wish
    # the guardrail adds its own check-in, so its counselor's reply is not held to this
    from theralab.safety.risk import RiskAssessment, RiskLevel

    guarded = check_reply(
        "Have you tried yoga? It really helps with stress.",
        history=["I don't want to be alive anymore."],
        risk=RiskAssessment(level=RiskLevel.LOW),
    )
    assert guarded.allowed
