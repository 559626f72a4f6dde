"""The session-quality estimator (evaluator "quality"): unscored paths, the model's arithmetic
and out-of-range check, the shipped card, and (with the semantic extra) real sessions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from theralab.dialogue import AgentSpec, Annotations, Session, Speaker, Turn
from theralab.evaluate.base import EVALUATORS, default_evaluators, get_evaluators
from theralab.evaluate.quality import (
    BLOCK_SIZES,
    MIN_COUNSELOR_TURNS,
    UNSCORED_LABEL,
    QualityEvaluator,
    QualityModel,
    card,
    coder_heads_digest,
    merge_turns,
    session_turns,
    weights_path,
    why_unavailable,
)
from theralab.text.encoder import CODER_PRECISION, vectors_id

from .conftest import simulate

LOREM = (
    "Lorem ipsum dolor sit amet consectetur adipiscing elit",
    "Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
    "Ut enim ad minim veniam quis nostrud exercitation ullamco laboris",
    "Duis aute irure dolor in reprehenderit in voluptate velit esse",
)


def make_session(pairs: list[tuple[str, str]], sid: str = "s1") -> Session:
    return Session(
        id=sid,
        counselor=AgentSpec(name="c"),
        client=AgentSpec(name="k"),
        turns=[
            Turn(speaker=Speaker.COUNSELOR if who == "counselor" else Speaker.CLIENT, text=t)
            for who, t in pairs
        ],
    )


def alternating(texts: list[str]) -> Session:
    return make_session([("counselor" if i % 2 == 0 else "client", t) for i, t in enumerate(texts)])


# --- without the semantic extra (the suite runs with THERALAB_SEMANTIC=0) ------------------


def test_registered_under_its_name_but_only_run_when_asked_for() -> None:
    assert EVALUATORS["quality"] is QualityEvaluator
    assert "quality" not in default_evaluators()
    assert "quality" not in [e.name for e in get_evaluators()]
    (evaluator,) = get_evaluators(["quality"])
    assert evaluator.name == "quality"
    assert [m.key for m in evaluator.metrics] == ["session_quality"]
    assert evaluator.metrics[0].higher_is_better is True


def test_switched_off_is_unscored_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERALAB_SEMANTIC", "0")
    session = alternating(
        [
            f"Shall we look at how your week has gone, step {i}?" if i % 2 == 0 else "Busy."
            for i in range(10)
        ]
    )
    scores = QualityEvaluator().evaluate(session)
    assert scores.values == {"session_quality": None}
    assert "THERALAB_SEMANTIC" in scores.labels[UNSCORED_LABEL]


def test_too_short_is_unscored_before_anything_loads() -> None:
    session = alternating(["Hello, what brings you here?", "Busy.", "Tell me more."])
    scores = QualityEvaluator(weights=Path("/nonexistent/quality")).evaluate(session)
    assert scores.values["session_quality"] is None
    assert scores.labels[UNSCORED_LABEL].startswith("too short")


def test_one_word_turns_are_unscored_before_anything_loads() -> None:
    session = alternating(["Okay." if i % 2 == 0 else "Yes." for i in range(12)])
    scores = QualityEvaluator(weights=Path("/nonexistent/quality")).evaluate(session)
    assert scores.values["session_quality"] is None
    assert scores.labels[UNSCORED_LABEL].startswith("too little counselor text")


def test_turns_skip_the_crisis_protocol_and_merge_split_messages() -> None:
    session = make_session(
        [("counselor", "Hi."), ("client", "I feel low."), ("client", "Very low.")]
    )
    session.turns.append(
        Turn(
            speaker=Speaker.COUNSELOR,
            text="If you are in danger, call your local emergency number.",
            annotations=Annotations(protocol="crisis"),  # type: ignore[call-arg]
        )
    )
    turns = merge_turns(session_turns(session))
    assert turns == [("counselor", "Hi."), ("client", "I feel low. Very low.")]


# --- the model's arithmetic (numpy only) -------------------------------------------------------


def tiny_model(tmp_path: Path) -> Path:
    """A model over the `form` block alone, written as the training script writes one."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    d = BLOCK_SIZES["form"]
    path = tmp_path / "quality"
    np.savez_compressed(
        path.with_suffix(".npz"),
        mean=np.zeros(d, dtype=np.float32),
        scale=np.ones(d, dtype=np.float32),
        w=np.linspace(-1, 1, d).astype(np.float32),
        components=np.eye(2, d, dtype=np.float32),
        pca_mean=np.zeros(d, dtype=np.float32),
        pca_scale=np.ones(2, dtype=np.float32),
        train_points=rng.normal(size=(60, 3)).astype(np.float32),  # 2 PCs + residual
    )
    meta = {
        "features": {
            "blocks": ["form"],
            "vectors": vectors_id(CODER_PRECISION),
            "coder_heads": coder_heads_digest(),
        },
        "calibration": {"a": 1.0, "c": 0.0},
        "applicability": {"k": 5, "threshold": 1.5, "residual_scale": 1.0},
    }
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_model_scores_in_range_and_refuses_far_sessions(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    model = QualityModel.load(tiny_model(tmp_path))
    near = model.score({"form": np.zeros(BLOCK_SIZES["form"])})
    assert near.value is not None and 0 <= near.value <= 1 and near.reason is None
    assert near.value == pytest.approx(0.5)  # raw 0 → the calibrated midpoint
    far = model.score({"form": np.full(BLOCK_SIZES["form"], 40.0)})
    assert far.value is None and far.reason is not None and "out of range" in far.reason
    assert far.distance is not None and far.distance > model.threshold
    higher = model.score({"form": np.eye(BLOCK_SIZES["form"])[-1] * 0.5})
    assert higher.value is not None and higher.value > 0.5  # positive weight on the last one


def test_evaluator_path_with_injected_features(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")

    class Fixed:
        def __init__(self, value: float) -> None:
            self.value = value

        def blocks(self, turns: object) -> dict[str, object]:
            return {"form": np.full(BLOCK_SIZES["form"], self.value)}

    session = alternating([f"Turn {i} of the talk." for i in range(2 * MIN_COUNSELOR_TURNS)])
    evaluator = QualityEvaluator(weights=tiny_model(tmp_path))
    evaluator.unavailable = None  # as if the semantic extra were here
    evaluator.featurizer = Fixed(0.0)  # type: ignore[assignment]
    scores = evaluator.evaluate(session)
    value = scores.values["session_quality"]
    assert value is not None and 0 <= value <= 1 and not scores.labels
    evaluator.featurizer = Fixed(50.0)  # type: ignore[assignment]
    scores = evaluator.evaluate(session)
    assert scores.values["session_quality"] is None
    assert "out of range" in scores.labels[UNSCORED_LABEL]


# --- the shipped weights and card --------------------------------------------------------------


def test_card_holds_labelled_dev_and_frozen_figures_and_the_licence() -> None:
    meta = card()
    assert meta, f"no card at {weights_path()}.json"
    figures = meta["figures"]
    assert figures["dev"]["label"].startswith("DEV")
    assert figures["frozen"]["label"].startswith("FROZEN")
    for split in ("dev", "frozen"):
        assert 0.0 <= figures[split]["annomi_auc"] <= 1.0
        assert -1.0 <= figures[split]["esconv_rating_spearman"] <= 1.0
    assert "NON-COMMERCIAL" in meta["licence"] and "CC BY-NC 4.0" in meta["licence"]
    assert meta["date"] and meta["training_data"]["esconv"]["frozen"].endswith("valid.jsonl")
    assert set(meta["features"]["blocks"]) <= set(BLOCK_SIZES)
    for suffix in (".npz", ".json"):
        assert weights_path().with_suffix(suffix).stat().st_size < 2_000_000
    description = QualityEvaluator.metrics[0].description
    assert "DEV" in description and "FROZEN" in description and "AUC" in description


# --- with the semantic extra: real sessions ---------------------------------------------------


@pytest.fixture(scope="module")
def live() -> Iterator[QualityEvaluator]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("THERALAB_SEMANTIC", raising=False)
        reason = why_unavailable()
        if reason:
            pytest.skip(reason)
        evaluator = QualityEvaluator()
        yield evaluator


def test_scores_a_theralab_session_or_says_why(live: QualityEvaluator) -> None:
    for session in simulate(["mi", "directive"], ["alcohol-use-plasterer-declan"]):
        scores = live.evaluate(session)
        value = scores.values["session_quality"]
        if value is None:
            assert scores.labels[UNSCORED_LABEL]
        else:
            assert 0 <= value <= 1 and UNSCORED_LABEL not in scores.labels


def test_foreign_text_is_out_of_range(live: QualityEvaluator) -> None:
    lorem = alternating([LOREM[i % len(LOREM)] for i in range(12)])
    scores = live.evaluate(lorem)
    assert scores.values["session_quality"] is None
    assert "out of range" in scores.labels[UNSCORED_LABEL]
    # counselor turns long enough to pass the word rule, but a list of fruit, not a session
    fruit = alternating(
        ["Apple banana cherry grape melon." if i % 2 == 0 else "Pear plum kiwi." for i in range(12)]
    )
    scores = live.evaluate(fruit)
    assert scores.values["session_quality"] is None
    assert "out of range" in scores.labels[UNSCORED_LABEL]


def test_training_conversations_are_in_range(live: QualityEvaluator, shared_data: Path) -> None:
    """A few ESConv development conversations (training data) score, all in [0, 1]."""
    lines = (shared_data / "esconv" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    scored = 0
    for i, line in enumerate(lines[:6]):
        dialog = json.loads(line)["dialog"]
        session = make_session(
            [("counselor" if m["speaker"] == "sys" else "client", m["text"]) for m in dialog],
            sid=f"esconv-{i}",
        )
        value = live.evaluate(session).values["session_quality"]
        if value is not None:
            assert 0 <= value <= 1
            scored += 1
    assert scored >= 5


def test_the_report_shows_the_estimate_beside_the_miti_profile_with_its_validation() -> None:
    from theralab.evaluate import evaluate_sessions
    from theralab.report import render_report

    sessions = simulate(["cbt"], ["work-stress-nurse-amara", "panic-student-imani"])
    chosen = ["miti", "outcome", "coverage", "safety", "quality"]
    page = render_report(evaluate_sessions(sessions, chosen), sessions)
    section = page.split('id="session-quality"', 1)[1].split("</section>", 1)[0]
    assert "How far to trust it" in section and "non-commercial" in section
    figures = card()["figures"]
    assert f"{figures['frozen']['annomi_auc']:.2f}" in section
    assert f"{figures['dev']['esconv_rating_spearman']:.2f}" in section
    plain = render_report(evaluate_sessions(sessions), sessions)
    assert 'id="session-quality"' not in plain
