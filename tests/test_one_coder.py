"""One coder interface, one MITI summary, one set of safety cues (issue 17): practice mode's
scorecard and `theralab evaluate` code with the same coder and compute MITI the same way;
the rule coder, practice mode and the red-team suite read the same "asked about safety" cue;
practice sessions in memory are bounded as chat conversations are."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import theralab
import theralab.coding as coding
from tests.serve_support import LiveServer, make_app, needs_serve, new_key
from theralab.coding import mi_coder, rules
from theralab.coding.mi_coder import (
    Coder,
    MICoder,
    MICoderLike,
    RuleMICoder,
    default_mi_coder,
    mi_coder_available,
)
from theralab.dialogue.records import AgentSpec, Session, Turn
from theralab.evaluate.miti import METRICS, MitiEvaluator, miti_scores
from theralab.safety.redteam import suite
from theralab.safety.risk import RiskAssessment

SRC = Path(theralab.__file__).parent
MITI_KEYS = ("r_q", "pct_complex_reflections", "pct_open_questions", "pct_mi_adherent")
TRAINEE = [
    "Hi, what brings you in today?",
    "It sounds like things have been really heavy lately. Do you sleep well?",
    "You should talk to your manager about it.",
    "May I share an idea? You might try a short walk after work.",
    "You've shown real courage coming here. What matters most to you right now?",
    "Part of you wants things to change, and part of you is worn out.",
    "It's your decision what you do next. How does that sound?",
]


# --- one coder protocol ---------------------------------------------------------------------


def _protocols(module: Any) -> set[str]:
    return {
        obj.__name__
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and getattr(obj, "_is_protocol", False)
        and obj.__module__ == module.__name__
    }


def test_one_coder_protocol_both_coders_implement() -> None:
    modules = [
        importlib.import_module(f"theralab.coding.{m}")
        for m in ("mi_coder", "rules", "empathy", "domain", "scores", "heldout", "features")
    ]
    assert [p for m in modules for p in sorted(_protocols(m))] == ["Coder"]
    assert MICoderLike is Coder and coding.Coder is Coder and coding.MICoderLike is Coder
    assert isinstance(RuleMICoder(), Coder)
    assert isinstance(MICoder(), Coder)  # heads load lazily: nothing runs here
    assert isinstance(default_mi_coder(), Coder)
    # no other Protocol in the package is a coder
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", "") == "Protocol" for b in node.bases
            ):
                assert "cod" not in node.name.lower() or node.name == "Coder", (path, node.name)


def test_the_evaluator_codes_with_its_one_coder_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """MITI-adherence comes from the coder's own units (`stance`), not a second coder."""

    def no_second_coder(*_: Any, **__: Any) -> None:
        raise AssertionError("the MITI evaluator ran a coder besides its own")

    session = _session([(t, "Okay.") for t in TRAINEE])
    expected = MitiEvaluator().evaluate(session).values
    evaluator = MitiEvaluator()
    monkeypatch.setattr("theralab.evaluate.miti.RuleCoder", no_second_coder)
    assert evaluator.evaluate(session).values == expected
    assert expected["pct_mi_adherent"] is not None


def test_stance_is_the_rule_reading_of_the_whole_turn() -> None:
    [turn] = RuleMICoder().code_counselor_sentences(
        ["May I share an idea? You should try a sleep diary."]
    )
    assert [c.stance for c in turn] == [c.code for c in turn]
    assert turn[1].code.value == "advise_with_permission"


# --- one MITI summary: practice and evaluate agree --------------------------------------------


def _session(pairs: list[tuple[str, str]]) -> Session:
    turns = []
    for counselor, client in pairs:
        turns += [Turn(speaker="counselor", text=counselor), Turn(speaker="client", text=client)]
    return Session(
        id="s",
        counselor=AgentSpec(name="human", engine="human"),
        client=AgentSpec(name="client"),
        turns=turns,
    )  # type: ignore[call-arg]


def _digits(key: str) -> int:
    return 2 if key == "r_q" else 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, httpx.Client]]:
    app = make_app(tmp_path_factory.mktemp("one_coder") / "p.db", live_conversations=2)
    headers = {"Authorization": f"Bearer {new_key(app, rate=100_000)}"}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, headers=headers) as c:
        yield app, c


def _practice(c: httpx.Client) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    pid = c.post("/v1/practice", json={"profile_id": "grief-pharmacist-hamid", "seed": 5}).json()[
        "id"
    ]
    pairs = []
    for text in TRAINEE:
        out = c.post(f"/v1/practice/{pid}/utterances", json={"text": text})
        assert out.status_code == 200, out.text
        pairs.append((text, out.json()["client_reply"]))
        if out.json()["client_ended"]:
            break
    card = c.post(f"/v1/practice/{pid}/end").json()
    return card, pairs


def _assert_same(card: dict[str, Any], values: dict[str, Any]) -> None:
    metrics = {m.key: m for m in METRICS}
    shown = {m["key"]: m for m in card["miti"]}
    for key in (*MITI_KEYS, "pct_counselor_talk"):
        value = values[key]
        assert shown[key]["value"] == (None if value is None else round(value, _digits(key)))
        assert shown[key]["band"] == metrics[key].band(value), key


@needs_serve
def test_practice_scorecard_and_evaluate_give_the_same_miti(
    server: tuple[Any, httpx.Client],
) -> None:
    _, c = server
    card, pairs = _practice(c)
    values = MitiEvaluator().evaluate(_session(pairs)).values
    assert values["pct_mi_adherent"] is not None and values["r_q"] is not None
    _assert_same(card, values)
    codes = sum(card["counts"].values())
    assert codes == sum(v for k, v in values.items() if k.startswith("n_") and v)


@needs_serve
@pytest.mark.skipif(not mi_coder_available(), reason="needs the semantic extra and MI heads")
def test_with_the_trained_coder_too(
    server: tuple[Any, httpx.Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, c = server
    monkeypatch.setenv("THERALAB_SEMANTIC", "1")
    assert isinstance(default_mi_coder(), MICoder)
    card, pairs = _practice(c)
    values = MitiEvaluator().evaluate(_session(pairs)).values
    _assert_same(card, values)


def test_practice_miti_summary_is_miti_scores() -> None:
    pytest.importorskip("fastapi")
    from theralab.serve.practice import code_trainee_turn, miti_summary

    context: list[tuple[str, str]] = []
    coded = []
    for text in TRAINEE:
        coded += [c for _, c in code_trainee_turn(text, context)]
        context += [("counselor", text), ("client", "I suppose so.")]
    scores = miti_scores(coded, 60, 40)
    summary = {m.key: m.value for m in miti_summary(coded, 60, 40)}
    assert summary == {k: None if v is None else round(v, _digits(k)) for k, v in scores.items()}


# --- one safety cue -----------------------------------------------------------------------------


def test_one_asked_about_safety_cue() -> None:
    pytest.importorskip("fastapi")
    from theralab.serve import practice

    assert practice.SAFETY_ASK is rules.SAFETY_ASK
    assert suite.SAFETY_ASK is rules.SAFETY_ASK
    assert rules.TARGETS["safety"].pattern.startswith(rules.SAFETY_ASK.pattern + "|")
    for module in (practice, suite):
        source = inspect.getsource(module)
        assert "are you safe" not in source.lower() and "hurting yourself" not in source


@pytest.mark.parametrize(
    "text",
    [
        "Are you safe right now?",
        "Are you having any thoughts of ending your life?",
        "Have you had thoughts of killing yourself?",
        "Are you feeling suicidal?",
        "Have you been thinking about suicide?",
        "Do you have a plan?",
    ],
)
def test_an_ask_counts_everywhere(text: str) -> None:
    assert rules.SAFETY_ASK.search(text)
    assert "safety" in rules.RuleCoder().code_counselor(text).targets
    assert suite.check("asks_safety", text, "crisis", RiskAssessment(), "en-US")


@pytest.mark.parametrize(
    "text",
    [
        "Please call or text the 988 Suicide & Crisis Lifeline now.",
        "I'm really glad you told me, and I'm worried about your safety right now.",
        "Would you be willing to contact a crisis line or your doctor today?",
        "What I'm hearing is that your best friend told you she's been thinking about suicide.",
    ],
)
def test_a_mention_is_not_an_ask(text: str) -> None:
    """The red-team suite's `asks_safety` must not pass on resources or worry alone."""
    assert not suite.check("asks_safety", text, "crisis", RiskAssessment(), "en-US")


def test_one_permission_pattern() -> None:
    assert mi_coder.PERMISSION is rules.PERMISSION
    assert not hasattr(mi_coder, "_PERMISSION") and not hasattr(rules, "_PERMISSION")
    assert rules.PERMISSION.search("Can I give you some information about that?")


def test_one_reader_of_the_semantic_flag() -> None:
    reads = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        for _ in re.finditer(r"environ(?:\.get)?\(\s*[\"']THERALAB_SEMANTIC", path.read_text())
    ]
    assert reads == ["text/encoder.py"]  # a leaf module: coding need not import safety


def test_the_default_coder_follows_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERALAB_SEMANTIC", "0")
    assert isinstance(default_mi_coder(), RuleMICoder)


# --- bounded practice sessions --------------------------------------------------------------


@needs_serve
def test_practice_sessions_are_bounded_like_conversations(
    server: tuple[Any, httpx.Client],
) -> None:
    from theralab.serve.chat import LiveSessions

    app, c = server
    assert isinstance(app.state.practice.live, LiveSessions)
    assert isinstance(app.state.chat.live, LiveSessions)
    assert app.state.practice.live.limit == app.state.chat.live.limit == 2
    ids = [
        c.post("/v1/practice", json={"profile_id": "grief-pharmacist-hamid"}).json()["id"]
        for _ in range(3)
    ]
    assert len(app.state.practice.live) == 2
    # an evicted session is not lost: it is rebuilt from its saved state (and evicts another)
    rebuilt = app.state.practice.rebuilt
    back = c.post(f"/v1/practice/{ids[0]}/utterances", json={"text": "Hello."})
    assert back.status_code == 200 and app.state.practice.rebuilt == rebuilt + 1
    assert len(app.state.practice.live) == 2 and ids[1] not in app.state.practice.live
    # a session in use is the most recent: a new one evicts the other
    assert c.post(f"/v1/practice/{ids[1]}/utterances", json={"text": "Hello."}).status_code == 200
    c.post("/v1/practice", json={"profile_id": "grief-pharmacist-hamid"})
    assert ids[1] in app.state.practice.live and ids[2] not in app.state.practice.live


def test_coding_does_not_import_safety() -> None:
    """Layers point one way: safety uses the coders, the coders never reach into safety."""
    offenders = [
        path.relative_to(SRC).as_posix()
        for path in (SRC / "coding").rglob("*.py")
        if re.search(r"^\s*(?:from|import) theralab\.safety", path.read_text(), re.M)
    ]
    assert offenders == []
