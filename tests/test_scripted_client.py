"""The simulated client's state responds to what the counselor does, through its words."""

from __future__ import annotations

import statistics

from theralab.agents import Utterance
from theralab.clients import ScriptedClient
from theralab.dialogue import Speaker, TalkType
from theralab.profiles import Style, builtin_profiles, get_profile

REFLECTIVE = [
    "What brings you here today?",
    "It sounds like things have been really heavy lately.",
    "You're carrying a lot, and part of you is worn out.",
    "It takes courage to talk about this so openly.",
    "It sounds like you've been feeling really on edge.",
    "So for you, it keeps going round and round.",
]
ADVISING = [
    "What brings you here today?",
    "You should start exercising every morning.",
    "You need to stop worrying about what other people think.",
    "Try to think more positively about it.",
    "Do you sleep at least seven hours?",
    "Is this happening every day?",
]


def converse(
    profile_id: str, counselor_lines: list[str], seed: int = 0
) -> tuple[ScriptedClient, list[str]]:
    """Play counselor lines to a fresh client; return it and what it said (stops if it leaves)."""
    client = ScriptedClient(get_profile(profile_id), seed)
    history: list[Utterance] = []
    said: list[str] = []
    for line in counselor_lines:
        history.append(Utterance(Speaker.COUNSELOR, line))
        reply = client.reply(history)
        history.append(Utterance(Speaker.CLIENT, reply.text))
        said.append(reply.text)
        if reply.ends_session:
            break
    return client, said


def drive(profile_id: str, counselor_lines: list[str], seed: int = 0) -> ScriptedClient:
    return converse(profile_id, counselor_lines, seed)[0]


def test_reflective_turns_build_more_trust_than_advice() -> None:
    for profile in builtin_profiles():
        warm = drive(profile.id, REFLECTIVE).state
        cold = drive(profile.id, ADVISING).state
        assert warm.trust > cold.trust, profile.id
        assert warm.resistance < cold.resistance, profile.id
        assert warm.distress <= cold.distress, profile.id


def test_socratic_question_surfaces_the_thought_only_after_trust() -> None:
    question = "In that moment, what was going through your mind?"
    # Negative attitude: trust starts low, the thought stays hidden.
    cold = drive("alcohol-use-plasterer-declan", ["Hello, what brings you here?", question])
    assert not any(d.startswith("thought:") for d in cold.state.disclosed)
    # After reflective turns the same question lets the automatic thought surface.
    warm = drive(
        "alcohol-use-plasterer-declan",
        ["Hello, what brings you here?", *REFLECTIVE[1:], *REFLECTIVE[1:], question],
    )
    assert any(d.startswith("thought:") for d in warm.state.disclosed)


def test_core_belief_needs_more_trust_than_the_thought() -> None:
    belief_q = "And if that were true, what would that say about you?"
    client = drive(
        "work-stress-nurse-amara",
        ["What brings you here?", "What went through your mind?", belief_q],
    )
    assert any(d.startswith("thought:") for d in client.state.disclosed)
    assert not any(d.startswith("belief:") for d in client.state.disclosed)
    client = drive(
        "work-stress-nurse-amara",
        [
            "What brings you here?",
            *REFLECTIVE[1:],
            "What went through your mind?",
            *REFLECTIVE[1:],
            belief_q,
        ],
    )
    assert any(d.startswith("belief:") for d in client.state.disclosed)


def _reframe_acceptance(profile_id: str, seeds: range) -> float:
    lines = [
        "What brings you here?",
        *REFLECTIVE[1:4],
        "What went through your mind?",
        "What's another way to look at that thought?",
    ]
    accepted = 0
    for seed in seeds:
        client = drive(profile_id, lines, seed)
        accepted += any(d.startswith("balanced:") for d in client.state.disclosed)
    return accepted / len(seeds)


def test_reframes_land_more_with_open_clients() -> None:
    open_client = "grief-postal-worker-ulla"  # positive-ish, receptive
    closed_client = "alcohol-use-plasterer-declan"  # negative, receptivity 1
    assert get_profile(open_client).receptivity > get_profile(closed_client).receptivity
    assert _reframe_acceptance(open_client, range(40)) > _reframe_acceptance(
        closed_client, range(40)
    )


def test_confrontation_drives_disengagement() -> None:
    lines = ["What brings you here?"] + ["You're just making excuses."] * 8
    client, said = converse("anger-line-cook-tiago", lines)
    assert len(said) < len(lines)  # walked out before the counselor ran out of lines
    assert client.state.wants_to_leave
    assert client.state.trust < 0.1


def test_closing_ends_the_session_with_a_goodbye() -> None:
    client = ScriptedClient(get_profile("work-stress-nurse-amara"), 0)
    history = [Utterance(Speaker.COUNSELOR, "Hello, what brings you here?")]
    history.append(Utterance(Speaker.CLIENT, client.reply(history).text))
    history.append(Utterance(Speaker.COUNSELOR, "Take care, and see you next time."))
    reply = client.reply(history)
    assert reply.ends_session and reply.annotations.action == "end"


def test_change_questions_yield_change_talk_more_often_when_ready() -> None:
    q = "How would things be different if you made that change?"

    def change_share(profile_id: str) -> float:
        talks = []
        for seed in range(30):
            client = ScriptedClient(get_profile(profile_id), seed)
            history = [Utterance(Speaker.COUNSELOR, "What brings you here?")]
            history.append(Utterance(Speaker.CLIENT, client.reply(history).text))
            history.append(Utterance(Speaker.COUNSELOR, q))
            talks.append(client.reply(history).annotations.talk_type)
        return sum(t is TalkType.CHANGE for t in talks) / len(talks)

    ready = next(
        p for p in builtin_profiles() if p.stage.value == "preparation" and p.receptivity >= 4
    )
    stuck = next(
        p for p in builtin_profiles() if p.stage.value == "precontemplation" and p.receptivity <= 2
    )
    assert change_share(ready.id) > change_share(stuck.id)


def test_style_shapes_the_surface_text() -> None:
    def mean_words(style: Style) -> float:
        return statistics.mean(
            len(text.split())
            for p in builtin_profiles()
            if p.style is style
            for text in converse(p.id, REFLECTIVE)[1]
        )

    assert mean_words(Style.VERBOSE) > 1.5 * mean_words(Style.RESERVED)


def test_text_varies_with_the_seed_and_is_fixed_by_it() -> None:
    first = converse("panic-student-imani", REFLECTIVE, 3)[1]
    assert first == converse("panic-student-imani", REFLECTIVE, 3)[1]
    texts = {" | ".join(converse("panic-student-imani", REFLECTIVE, seed)[1]) for seed in range(8)}
    assert len(texts) >= 4


def test_client_never_recites_its_whole_profile_at_once() -> None:
    profile = get_profile("work-stress-nurse-amara")
    client = ScriptedClient(profile, 0)
    reply = client.reply([Utterance(Speaker.COUNSELOR, "What brings you here?")])
    for belief in profile.core_beliefs.all():
        assert belief not in reply.text
    for sit in profile.situations:
        assert sit.automatic_thoughts[0] not in reply.text


def test_people_pleasers_sit_through_pressure_longer_than_upset_clients() -> None:
    pressure = ["What brings you here?"] + ["You should just stop worrying about it."] * 12

    def turns_before_leaving(profile_id: str) -> int:
        return len(converse(profile_id, pressure)[1])

    pleasing = next(p.id for p in builtin_profiles() if p.style is Style.PLEASING)
    upset = next(p.id for p in builtin_profiles() if p.style is Style.UPSET)
    assert turns_before_leaving(pleasing) > turns_before_leaving(upset)
