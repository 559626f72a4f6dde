"""The MAGneT-style multi-agent counselor: selector, response agents, merger, both engines."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
from collections.abc import Sequence

import pytest

from theralab.agents import Utterance
from theralab.coding.rules import RuleCoder
from theralab.counselors import (
    DEFAULT_COUNSELORS,
    DESCRIPTIONS,
    MagnetCounselor,
    is_model_backed,
    make_counselor,
    resolve_counselor,
)
from theralab.counselors.listening import Listener
from theralab.counselors.llm import LLMCounselor
from theralab.counselors.magnet import MAGNET_TECHNIQUES, select
from theralab.counselors.magnet.agents import Candidate
from theralab.counselors.magnet.llm import MagnetLLMCounselor
from theralab.counselors.magnet.merge import MAX_SENTENCES, merge
from theralab.counselors.magnet.perception import Heard, perceive
from theralab.counselors.magnet.selector import SelectorMemory
from theralab.counselors.model_backed import llm_counselor
from theralab.dialogue import MI_NON_ADHERENT, MiscCode, Session, Speaker, StopReason
from theralab.evaluate import evaluate_sessions
from theralab.model import Model
from theralab.model.providers.mock import MockModel
from theralab.model.roles import ModelRoles
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.profiles import builtin_profiles, get_profile
from theralab.prompts import version
from theralab.safety import GuardedCounselor
from theralab.simulate import plan_sessions, run_sessions
from theralab.text.perspective import split_sentences

from .annotation_support import flat
from .conftest import simulate
from .test_safety_guardrail import SCREENER, extra, talk

PROFILES = ["panic-student-imani", "alcohol-use-plasterer-declan", "loneliness-machinist-walter"]
AGENT_TAGS = {
    "reflection": "Reflection agent",
    "questioning": "Questioning agent",
    "solutions": "Solutions agent",
    "normalising": "Normalising agent",
    "psychoeducation": "Psycho-education agent",
}


@pytest.fixture(scope="module")
def magnet_panel() -> list[Session]:
    """MAGneT against every built-in profile (about two seconds)."""
    return simulate(["magnet"])


def _counselor_turns(session: Session) -> list:
    return [t for t in session.turns if t.speaker is Speaker.COUNSELOR]


def _own_turns(session: Session) -> list:
    """Counselor turns the MAGneT counselor wrote (the guardrail passed them through)."""
    return [t for t in _counselor_turns(session) if extra_of(t).get("guardrail") == "passed"]


def extra_of(turn) -> dict:  # type: ignore[no-untyped-def]
    return flat(turn.annotations)


# --- registry --------------------------------------------------------------------------------


def test_magnet_is_registered_in_both_engines_but_not_in_the_default_line_up() -> None:
    assert resolve_counselor("MAGNET") == "magnet"
    assert resolve_counselor("llm:magnet") == "llm:magnet" and is_model_backed("llm:magnet")
    assert isinstance(make_counselor("magnet", 0), MagnetCounselor)
    assert "magnet" in DESCRIPTIONS and "magnet" not in DEFAULT_COUNSELORS
    c = llm_counselor("magnet", Model(MockModel()), seed=0, label="llm:magnet")
    assert isinstance(c, MagnetLLMCounselor) and c.spec.name == "llm:magnet"
    assert type(llm_counselor("pfa", Model(MockModel()), seed=0)) is LLMCounselor
    for name in ("system", "selector", "merge", *MAGNET_TECHNIQUES):
        assert version(f"magnet_{name}") == "1"


# --- scripted engine: sessions ---------------------------------------------------------------


def test_same_seed_same_transcripts_and_another_seed_other_text() -> None:
    def dump(seed: int) -> list[str]:
        return [s.model_dump_json(exclude={"timing"}) for s in simulate(["magnet"], PROFILES, seed)]

    assert dump(5) == dump(5)
    assert dump(5) != dump(6)


def test_every_turn_records_its_acts_codes_and_the_chosen_techniques(
    magnet_panel: list[Session],
) -> None:
    mixes = set()
    for s in magnet_panel:
        turns = _counselor_turns(s)
        assert turns[0].annotations.strategy == "magnet:greeting"
        for t in turns:
            assert t.annotations.codes and t.annotations.strategy and t.annotations.stage
        for t in _own_turns(s):
            # One code per act: every sentence of the reply carries its own.
            assert len(t.annotations.codes) == len(split_sentences(t.text)), t.text
            techniques = extra_of(t).get("techniques")
            if techniques is None:  # greeting, summary and goodbye are protocol turns
                assert t.annotations.strategy in (
                    "magnet:greeting",
                    "magnet:summary",
                    "magnet:close",
                )
                continue
            assert 1 <= len(techniques) <= 3 and set(techniques) <= set(MAGNET_TECHNIQUES)
            assert t.annotations.strategy == "magnet:" + "+".join(techniques)
            assert extra_of(t)["rationale"]
            mixes.add(t.annotations.strategy)
            # At most one question, and it comes last.
            asks = [i for i, c in enumerate(t.annotations.codes) if c.value.endswith("question")]
            assert len(asks) <= 1 and (not asks or asks[0] == len(t.annotations.codes) - 1)
        if s.stop_reason is StopReason.COUNSELOR_CLOSED and _own_turns(s)[-1:]:
            assert turns[-1].annotations.action == "close"
    # The selector does not settle into one habit: many different mixes over the panel.
    assert len(mixes) >= 6 and {t for m in mixes for t in m[7:].split("+")} == set(
        MAGNET_TECHNIQUES
    )


def test_sessions_open_with_an_agenda_close_with_a_summary_and_advise_only_with_leave(
    magnet_panel: list[Session],
) -> None:
    closed = [s for s in magnet_panel if s.stop_reason is StopReason.COUNSELOR_CLOSED]
    assert len(closed) == len(magnet_panel)
    for s in magnet_panel:
        codes = [c for t in _own_turns(s) for c in t.annotations.codes or []]
        assert not set(codes) & MI_NON_ADHERENT, s.id
        if MiscCode.ADVISE_WITH_PERMISSION in codes:  # an idea only after asking for leave
            assert codes.index(MiscCode.SEEK_COLLABORATION) < codes.index(
                MiscCode.ADVISE_WITH_PERMISSION
            )
    normal = [
        s for s in closed if not any(extra_of(t).get("protocol") == "crisis" for t in s.turns)
    ]
    for s in normal:
        # the guardrail's check-in, when it holds a close said on a wish to disappear, is not
        # the counselor's own turn (tests/test_guardrail_low_risk.py)
        turns = [
            t for t in _counselor_turns(s) if t.annotations.strategy != "check_in_before_close"
        ]
        assert MiscCode.STRUCTURE in (turns[0].annotations.codes or [])
        assert [t.annotations.strategy for t in turns[-2:]] == ["magnet:summary", "magnet:close"]
        assert {t.annotations.stage for t in turns} == set(MagnetCounselor.stages)


def test_intended_codes_agree_with_the_offline_coder(magnet_panel: list[Session]) -> None:
    """What the counselor meant is what the evaluation reads (measured: 99%)."""
    coder, agree, total = RuleCoder(), 0, 0
    for s in magnet_panel:
        previous = ""
        for t in s.turns:
            if t.speaker is Speaker.CLIENT:
                previous = t.text
                continue
            if extra_of(t).get("guardrail") != "passed":
                continue
            coded = coder.code_counselor(t.text, previous).codes
            total += len(coded)
            agree += sum(a == b for a, b in zip(coded, t.annotations.codes or [], strict=True))
    assert agree / total >= 0.95


def test_every_canned_line_is_read_by_the_offline_coder_as_the_act_it_is_meant_as() -> None:
    from theralab.counselors.magnet import agents as a

    coder = RuleCoder()
    fill = {
        "thought": "you will fail",
        "focus": "cut down",
        "idea": "keep a record",
        "feeling": "low",
    }
    expected = {
        MiscCode.GIVE_INFORMATION: [
            *(line for topic in a.TOPICS for line in topic.lines),
            *a._COMMON,
            *a._COMMON_PLAIN,
            *a._COMMON_SHAME,
            *a._COMMON_MINIMISING,
        ],
        MiscCode.SUPPORT: [*a._VALIDATE, *a._VALIDATE_SHAME, *a._VALIDATE_MINIMISING],
        MiscCode.SEEK_COLLABORATION: list(a._PERMISSION),
        MiscCode.ADVISE_WITH_PERMISSION: [*a._OFFER, *a._OFFER_CLAUSE],
        MiscCode.EMPHASIZE_AUTONOMY: list(a._AUTONOMY),
        MiscCode.AFFIRM: list(a._AFFIRM_STEP),
        MiscCode.OPEN_QUESTION: [q for qs in a._QUESTIONS.values() for q in qs],
    }
    for code, lines in expected.items():
        for line in lines:
            for sentence in split_sentences(line.format(**fill)):
                assert coder.code_counselor(sentence).codes == [code], sentence


def test_reflections_and_outcomes_over_the_panel(
    magnet_panel: list[Session], full_run: list[Session]
) -> None:
    """Measured with seed 1 (and stable over seeds 2, 3, 7): MAGneT R:Q 1.3–1.4, 66–70 %
    complex reflections, distress reduction 2.2–2.3 against person-centred 1.5 and the
    directive control −1.0; nobody walked out."""
    sessions = magnet_panel + [
        s for s in full_run if s.counselor.name in ("person_centred", "directive")
    ]
    results = evaluate_sessions(sessions, ["miti", "outcome"])

    def mean(name: str, key: str) -> float:
        return results.counselor(name).metrics[key]["mean"]

    def reflection_share(name: str) -> float:
        by_session = []
        for r in results.sessions:
            if r.counselor != name:
                continue
            acts = sum(v or 0 for k, v in r.metrics.items() if k.startswith("n_"))
            refl = (r.metrics["n_simple_reflection"] or 0) + (
                r.metrics["n_complex_reflection"] or 0
            )
            by_session.append(refl / acts if acts else 0.0)
        return statistics.mean(by_session)

    assert reflection_share("magnet") > reflection_share("directive") + 0.25
    assert mean("magnet", "r_q") >= 1.0  # MITI "fair"
    assert mean("magnet", "pct_complex_reflections") >= 50  # MITI "good"
    assert mean("magnet", "pct_mi_adherent") >= 95
    assert mean("magnet", "distress_reduction") >= mean("person_centred", "distress_reduction")
    assert mean("magnet", "distress_reduction") > mean("directive", "distress_reduction") + 2
    assert mean("magnet", "disengaged") == 0


# --- the selector, agent by agent ------------------------------------------------------------


def _selection(
    *client_lines: str, stage: str = "explore", memory: SelectorMemory | None = None
) -> tuple[str, ...]:
    listener = Listener()
    before = Heard()
    for line in client_lines[:-1]:
        listener.hear(line)
    before = Heard(listener.thought, listener.balanced, listener.committed)
    listener.hear(client_lines[-1])
    memory = memory or SelectorMemory()
    p = perceive(listener, before, memory.permission_pending)
    return select(p, stage, memory, random.Random(0)).techniques


def test_the_selector_picks_different_mixes_for_different_situations() -> None:
    # Asking what is happening to them → psycho-education.
    assert "psychoeducation" in _selection(
        "My heart races and I can't breathe. I just don't understand what's happening to me."
    )
    # Shame → normalising.
    assert "normalising" in _selection("I was so ashamed, I felt pathetic in front of everyone.")
    assert "normalising" in _selection(
        "It's not that bad, really. Other people have it much worse."
    )
    # A plain account → reflection and a question, nothing else.
    plain = _selection("On Monday the hall was packed and the doors were closed.")
    assert plain == ("reflection", "questioning")
    # Ready to plan → ask permission to share an idea (the question slot is the request).
    assert _selection("I really want to get back on the bus.", stage="plan") == (
        "reflection",
        "solutions",
    )
    # Permission given → the idea itself, then a question about it.
    memory = SelectorMemory(permission_asked=True, permission_pending=True)
    assert _selection("Yes, that's fine.", stage="plan", memory=memory) == (
        "solutions",
        "questioning",
    )
    # Asking for ideas outright is leave to offer one.
    assert _selection("What should I do about it?", stage="work") == ("solutions", "questioning")
    # Sustain talk in the plan stage → no idea pressed on the client.
    assert "solutions" not in _selection("I'm not sure I'm ready for any of that.", stage="plan")
    # Never more than three, always a known technique.
    for lines in (
        ("I'm ashamed and I don't understand what's happening to me, what should I do?",),
        ("I don't know.",),
    ):
        chosen = _selection(*lines, stage="work")
        assert 1 <= len(chosen) <= 3 and set(chosen) <= set(MAGNET_TECHNIQUES)


def test_scripted_agents_explain_and_normalise_in_their_own_words() -> None:
    async def go(counselor: MagnetCounselor, lines: Sequence[str]) -> list:
        history: list[Utterance] = []
        replies = []
        for line in ("", *lines):
            if line:
                history.append(Utterance(Speaker.CLIENT, line))
            reply = await counselor.respond(tuple(history))
            history.append(Utterance(Speaker.COUNSELOR, reply.text))
            replies.append(reply)
        return replies

    replies = asyncio.run(
        go(
            MagnetCounselor(0),
            ["My heart races and I can't breathe. I don't understand what's happening to me."],
        )
    )
    last = replies[-1]
    assert "psychoeducation" in extra_of_reply(last)["techniques"]
    assert MiscCode.GIVE_INFORMATION in (last.annotations.codes or [])
    assert "heart" in last.text or "alarm" in last.text or "body" in last.text


def extra_of_reply(reply) -> dict:  # type: ignore[no-untyped-def]
    return flat(reply.annotations)


# --- the merger ------------------------------------------------------------------------------


def test_merger_orders_naturally_keeps_one_question_last_and_limits_length() -> None:
    q = MiscCode.OPEN_QUESTION
    merged = merge(
        [
            Candidate("questioning", [("What went through your mind?", q)]),
            Candidate(
                "solutions",
                [("Would it be okay if I shared an idea?", MiscCode.SEEK_COLLABORATION)],
            ),
            Candidate(
                "psychoeducation",
                [
                    (
                        "When we're anxious, the body sounds an alarm. The brain settles it again "
                        "in time. Many people find breathing slowly helps it pass.",
                        MiscCode.GIVE_INFORMATION,
                    )
                ],
            ),
            Candidate("normalising", [("That sounds exhausting.", MiscCode.SUPPORT)]),
            Candidate(
                "reflection",
                [("It sounds like the attacks frighten you.", MiscCode.SIMPLE_REFLECTION)],
            ),
        ]
    )
    codes = merged.draft.codes
    assert codes[0] is MiscCode.SIMPLE_REFLECTION and codes[1] is MiscCode.SUPPORT
    assert codes[-1] is MiscCode.SEEK_COLLABORATION  # the request for leave is the one ask
    assert q not in codes and "questioning" in merged.dropped
    assert len(codes) <= MAX_SENTENCES
    assert merged.draft.strategy == "magnet:" + "+".join(merged.techniques)
    # A reflection the output check would refuse is replaced, never sent.
    safe = merge(
        [Candidate("reflection", [("It sounds like you are crazy.", MiscCode.SIMPLE_REFLECTION)])]
    )
    assert "crazy" not in safe.draft.text and safe.withheld == ["reflection"]


# --- model-backed engine ---------------------------------------------------------------------


def _mock(selection: str | list[str]) -> MockModel:
    """A model that answers each MAGneT call by its kind; `selection` is the technique
    agent's answer (or one per turn)."""
    turns = [selection] if isinstance(selection, str) else list(selection)
    seen = {"selection": 0}

    def respond(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        last = messages[-1].content
        if config.schema_name == "plan":
            return json.dumps({"technique": "decatastrophizing", "plan": "Look at the worry."})
        if config.schema_name == "selection":
            answer = turns[min(seen["selection"], len(turns) - 1)]
            seen["selection"] += 1
            return answer
        for technique, tag in AGENT_TAGS.items():
            if tag in last:
                return {
                    "reflection": "It sounds like the attacks really frighten you.",
                    "questioning": "What goes through your mind when one starts?",
                    "solutions": "Would it be okay if I shared one idea?",
                    "normalising": "Many people feel exactly this way.",
                    "psychoeducation": "When we're frightened, the body sets off an alarm.",
                }[technique]
        if "start of the session" in last:
            return "Hello, I'm glad you came. What would you like to talk about today?"
        if "closing turn" in last:
            return "You came in worried about the attacks. Take care, see you next time."
        return "It sounds like the attacks really frighten you. What goes through your mind?"

    return MockModel(outputs=respond)


def _selection_json(*techniques: str, stage: str = "explore", end: bool = False) -> str:
    return json.dumps(
        {"techniques": list(techniques), "rationale": "why", "stage": stage, "end_session": end}
    )


def _calls_by_kind(mock: MockModel, start: int = 0) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for messages, config in mock.calls[start:]:
        last = messages[-1].content
        kind = (
            config.schema_name
            if config.json_schema
            else next((t for t, tag in AGENT_TAGS.items() if tag in last), "merge")
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _talk(counselor: MagnetLLMCounselor, *lines: str) -> list:
    async def go() -> list:
        history: list[Utterance] = []
        out = []
        for line in ("", *lines):
            if line:
                history.append(Utterance(Speaker.CLIENT, line))
            reply = await counselor.respond(tuple(history))
            history.append(Utterance(Speaker.COUNSELOR, reply.text))
            out.append(reply)
        return out

    return asyncio.run(go())


def test_llm_magnet_selects_then_one_call_per_agent_then_merges() -> None:
    mock = _mock(
        [
            _selection_json("questioning", "psychoeducation", "reflection"),
            _selection_json("normalising", "reflection", stage="work"),
        ]
    )
    c = llm_counselor("magnet", Model(mock), seed=1, label="llm:magnet")
    assert isinstance(c, MagnetLLMCounselor)
    greeting, first, second = _talk(
        c, "I keep having attacks and I don't know what's happening to me.", "I feel so ashamed."
    )
    assert greeting.annotations.strategy == "magnet:greeting" and len(mock.calls) > 0
    # Turn 2: the CBT plan, one structured selection, three agents, one merge.
    assert extra_of_reply(first)["calls"] == 6
    ann = first.annotations
    assert ann.strategy == "magnet:reflection+psychoeducation+questioning"
    assert extra_of_reply(first)["techniques"] == ["reflection", "psychoeducation", "questioning"]
    assert set(extra_of_reply(first)["candidates"]) == {
        "reflection",
        "psychoeducation",
        "questioning",
    }
    assert extra_of_reply(first)["selection"] == "model" and "plan" in extra_of_reply(first)
    assert ann.codes and ann.stage == "explore"
    # Turn 3: no plan call now; selection, two agents, merge; the stage moves on by one only.
    kinds = _calls_by_kind(mock, start=len(mock.calls) - extra_of_reply(second)["calls"])
    assert kinds == {"selection": 1, "normalising": 1, "reflection": 1, "merge": 1}
    assert second.annotations.strategy == "magnet:reflection+normalising"
    assert second.annotations.stage == "work"
    # The selection call is structured: 1–3 techniques from the fixed set and a rationale.
    schema = next(cfg.json_schema for _, cfg in mock.calls if cfg.schema_name == "selection")
    assert schema is not None
    items = schema["properties"]["techniques"]
    assert items["items"]["enum"] == list(MAGNET_TECHNIQUES)
    assert (items["minItems"], items["maxItems"]) == (1, 3)
    assert "rationale" in schema["required"]


def test_llm_magnet_falls_back_to_reflection_and_questioning_on_an_unparseable_selection() -> None:
    mock = _mock("I think reflection would be nice here")  # never valid JSON, even on repair
    c = MagnetLLMCounselor("magnet", Model(mock), seed=2)
    _, reply = _talk(c, "Work has been awful and I can't sleep.")
    notes = extra_of_reply(reply)
    assert notes["selection"] == "fallback" and "unparseable" in notes["selection_error"]
    assert reply.annotations.strategy == "magnet:reflection+questioning"
    kinds = _calls_by_kind(mock, start=len(mock.calls) - notes["calls"])
    assert kinds["reflection"] == 1 and kinds["questioning"] == 1 and kinds["merge"] == 1
    assert kinds["selection"] == 2  # the call and its one repair


def test_llm_magnet_degrades_when_an_agent_or_the_merge_returns_nothing() -> None:
    base = _mock(_selection_json("reflection", "questioning"))
    responder = base.outputs
    assert callable(responder)

    def respond(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        last = messages[-1].content
        if "Questioning agent" in last or "other agents drafted" in last:
            return "   "
        return responder(messages, config)

    c = MagnetLLMCounselor("magnet", Model(MockModel(outputs=respond)), seed=3)
    _, reply = _talk(c, "Everything feels heavy lately.")
    notes = extra_of_reply(reply)
    assert notes["agent_errors"] == {"questioning": "empty draft"}
    assert notes["merge"] == "fallback"
    assert reply.text == "It sounds like the attacks really frighten you."
    assert reply.annotations.strategy == "magnet:reflection"


def test_llm_magnet_runs_a_whole_session_through_the_runner() -> None:
    """`llm:magnet` in a run: built by the runner, guarded, closes at its planned length even
    with a model whose every answer is unusable as a selection (the mock's default)."""
    profiles = [get_profile(PROFILES[0])]
    plans = plan_sessions(["llm:magnet"], profiles, seed=1)
    roles = ModelRoles(specs={"counselor": "mock/m"}, cache_path=None)
    [s] = asyncio.run(run_sessions(plans, profiles, roles=roles))
    assert s.counselor.name == "llm:magnet" and s.counselor.engine == "mock/m"
    assert s.counselor.params["architecture"] == "magnet" and s.counselor.params["guardrail"]
    assert s.stop_reason is StopReason.COUNSELOR_CLOSED
    turns = _counselor_turns(s)
    assert turns[0].annotations.strategy == "magnet:greeting"
    assert turns[-1].annotations.strategy == "magnet:close"
    middle = turns[1:-1]
    assert middle and all(t.annotations.strategy == "magnet:reflection+questioning" for t in middle)
    assert all(extra_of(t)["selection"] == "fallback" for t in middle)
    assert all(t.annotations.codes for t in turns)


# --- safety ----------------------------------------------------------------------------------


def test_crisis_message_to_magnet_gets_the_crisis_protocol() -> None:
    g = GuardedCounselor(make_counselor("magnet", 0), SCREENER, locale="en-GB")
    replies = talk(
        g,
        "work has been rough",
        "honestly I've been thinking about killing myself",
        "forget that, just reflect my feelings like before",
    )
    assert extra(replies[1])["protocol"] == "normal"
    assert replies[1].annotations.strategy.startswith("magnet:")
    for crisis in replies[2:]:
        assert extra(crisis)["protocol"] == "crisis"
        assert "116 123" in crisis.text and "I'm an AI" in crisis.text
    assert "are you thinking about ending your life" in replies[2].text


def test_crisis_message_to_llm_magnet_never_reaches_the_model() -> None:
    mock = _mock(_selection_json("reflection", "questioning"))
    g = GuardedCounselor(MagnetLLMCounselor("magnet", Model(mock), seed=0), SCREENER, "en-US")

    async def go() -> tuple[int, object]:
        history = [Utterance(Speaker.COUNSELOR, (await g.respond(())).text)]
        history.append(Utterance(Speaker.CLIENT, "work has been rough"))
        history.append(Utterance(Speaker.COUNSELOR, (await g.respond(tuple(history))).text))
        before = len(mock.calls)
        history.append(Utterance(Speaker.CLIENT, "I have decided to end my life tonight"))
        crisis = await g.respond(tuple(history))
        return len(mock.calls) - before, crisis

    calls, crisis = asyncio.run(go())
    assert extra(crisis)["protocol"] == "crisis"  # type: ignore[arg-type]
    assert calls == 0  # the protocol answered; no MAGneT agent was asked


def test_risk_profiles_in_a_run_get_the_protocol_from_magnet(magnet_panel: list[Session]) -> None:
    risky = [p.id for p in builtin_profiles() if p.risk.level.value != "none"]
    crisis_sessions = {
        s.profile_id
        for s in magnet_panel
        if any(extra_of(t).get("protocol") == "crisis" for t in s.turns)
    }
    assert crisis_sessions and crisis_sessions <= set(risky)
