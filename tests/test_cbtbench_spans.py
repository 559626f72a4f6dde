"""The span-trained distortion classifier (its shipped head and card, its decision rule, the
grouped FROZEN split) and CBT-Bench's 19 fine-grained core beliefs (labels, prompt, the
model-backed and the zero-shot offline classifier). Texts are invented for these tests;
tests needing ../shared/data or the `semantic` extra skip without them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theralab.cbtbench.baseline import (
    FINE_PROTOTYPES_FILE,
    FineCoreBeliefBaseline,
    categories_of,
    data_path,
    load_fine_prototypes,
)
from theralab.cbtbench.dataset import DEFAULT_PATH, Row, frozen, groups, load_rows, split
from theralab.cbtbench.io import Item, read_items
from theralab.cbtbench.labels import (
    CORE_BELIEF_FINE_TASK,
    DISTORTIONS,
    FINE_CORE_BELIEFS,
    FINE_TO_CATEGORY,
)
from theralab.cbtbench.llm import LLMClassifier, answer_schema, render_task_prompt
from theralab.cbtbench.spans import (
    SPANS_CARD_FILE,
    SPANS_HEAD_FILE,
    SpanDistortionClassifier,
    combine,
    decide,
    sentences_of,
)
from theralab.cli import app
from theralab.model import Model, get_model_api
from theralab.model.stub_server import StubServer
from theralab.safety.semantic import semantic_available

runner = CliRunner()
needs_embeddings = pytest.mark.skipif(
    not semantic_available(), reason="needs: pip install -e '.[semantic]'"
)


@pytest.fixture
def embeddings_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERALAB_SEMANTIC", "1")  # conftest turns them off for other tests


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- the shipped head and its card ---------------------------------------------------------


def test_span_head_is_complete_and_small() -> None:
    head = SpanDistortionClassifier().head
    assert head["labels"] == list(DISTORTIONS)
    assert 0.0 <= head["alpha"] <= 1.0 and 1 <= head["max_labels"] <= 3
    assert len(head["thresholds"]) == len(DISTORTIONS)
    assert all(len(row) == 2 * 384 for row in head["text"]["W"])
    width = 384 + head["sentence"]["ngram_buckets"]  # embedding, then hashed n-grams
    assert all(len(row) == width for row in head["sentence"]["W"])
    assert len(head["text"]["gate_W"]) == 768 and len(head["sentence"]["gate_W"]) == width
    assert data_path(SPANS_HEAD_FILE).stat().st_size < 600_000


def test_card_has_data_licence_and_labelled_dev_and_frozen_figures() -> None:
    card = SpanDistortionClassifier().card
    assert card["head_file"] == SPANS_HEAD_FILE
    assert "Shreevastava" in card["data"]["source"] and card["data"]["rows"] > 2000
    assert "research data" in card["licence"] and "no text" in card["licence"]
    figures = card["figures"]
    for key, kind in [
        ("dev", "DEV"),
        ("frozen", "FROZEN"),
        ("old_recipe_dev", "DEV"),
        ("old_baseline_frozen", "FROZEN"),
    ]:
        assert figures[key]["kind"].startswith(kind), key
        assert set(figures[key]["per_label_f1"]) == set(DISTORTIONS)
        assert 0.0 < figures[key]["macro_f1"] < 1.0
    assert figures["dev"]["rows"] + figures["frozen"]["rows"] == card["data"]["rows"]
    assert figures["frozen"]["rows"] >= 428  # the fixed held-out part, grouped
    knobs = {"C", "spans", "outside", "ngrams", "alpha", "max_labels"}
    assert set(card["selection"]["chosen"]) == knobs
    text = SpanDistortionClassifier().describe()
    assert "DEV" in text and "FROZEN" in text
    assert not (data_path(SPANS_CARD_FILE).read_text().count("Patient Question"))


def test_decision_rule_on_a_toy_head() -> None:
    head = {
        "labels": ["x", "y", "z"],
        "alpha": 0.5,
        "max_labels": 2,
        "gate_threshold": 0.5,
        "thresholds": [0.6, 0.6, 0.6],
        "text": {
            "W": [[4.0, 0.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0], [-4.0, -4.0, 0.0, 0.0]],
            "b": [0.0, 0.0, 0.0],
            "gate_W": [2.0, 2.0, 0.0, 0.0],
            "gate_b": -1.0,
        },
        "sentence": {
            "W": [[4.0, 0.0], [0.0, 4.0], [-4.0, -4.0]],
            "b": [0.0, 0.0, 0.0],
            "gate_W": [2.0, 2.0],
            "gate_b": -1.0,
        },
    }
    # one sentence: text features = [whole, mean of sentences] = [1, 0, 1, 0]
    probs, gate = combine(head, [1.0, 0.0], [[1.0, 0.0]])
    assert probs[0] > 0.9 and probs[1] == pytest.approx(0.5) and gate > 0.5
    assert decide(head, probs, gate, 3) == [0]
    # the sentence maximum finds "y" in the second sentence
    probs, gate = combine(head, [1.0, 1.0], [[1.0, 0.0], [0.0, 1.0]])
    assert decide(head, probs, gate, 3) == [0, 1] or decide(head, probs, gate, 3) == [1, 0]
    assert len(decide(head, probs, gate, 1)) == 1  # the caller's limit applies too
    probs, gate = combine(head, [0.0, 0.0], [[0.0, 0.0]])
    assert gate < 0.5 and decide(head, probs, gate, 3) == []


def test_sentence_ngrams_add_to_the_sentence_score() -> None:
    from theralab.text.ngrams import hashed_ngrams

    buckets = 4096  # few collisions between the two texts below
    should = hashed_ngrams("should", buckets)
    row = [0.0, 0.0] + [8.0 if g in should else 0.0 for g in range(buckets)]
    zero = [0.0] * (2 + buckets)
    head = {
        "labels": ["x", "y"],
        "alpha": 0.0,
        "max_labels": 3,
        "gate_threshold": 0.5,
        "thresholds": [0.9, 0.9],
        "text": {"W": [[0.0] * 4] * 2, "b": [0.0, 0.0], "gate_W": [0.0] * 4, "gate_b": 0.0},
        "sentence": {
            "ngram_buckets": buckets,
            "W": [row, zero],
            "b": [-2.0, -2.0],
            "gate_W": row,
            "gate_b": -2.0,
        },
    }
    vec = [[0.5, 0.5]]
    probs, gate = combine(head, [0.5, 0.5], vec, ["I should"])
    assert probs[0] > 0.9 and gate > 0.5 and decide(head, probs, gate, 3) == [0]
    probs, gate = combine(head, [0.5, 0.5], vec, ["We went home"])
    assert gate < 0.5 and decide(head, probs, gate, 3) == []
    with pytest.raises(ValueError, match="sentence_texts"):
        combine(head, [0.5, 0.5], vec)


def test_sentences_of_splits_and_falls_back() -> None:
    assert sentences_of("I failed. Everyone saw it! Why me?") == [
        "I failed.",
        "Everyone saw it!",
        "Why me?",
    ]
    assert sentences_of("...") == ["..."]
    assert len(sentences_of("Word. " * 100)) == 40


def test_groups_join_equal_and_near_duplicate_texts_and_frozen_keeps_them_whole() -> None:
    rows = [Row(str(i), t, ()) for i, t in enumerate(["a b", "A  b", "c", "d", "e"])]
    vectors = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.6, 0.8]]
    ids = groups(rows, vectors)
    assert ids[0] == ids[1] and ids[2] == ids[3] and len(set(ids)) == 3
    held = frozen(rows, ids)
    assert held[0] == held[1] and held[2] == held[3]


def test_frozen_part_contains_the_fixed_heldout_part(shared_data: Path) -> None:
    rows = load_rows(shared_data / DEFAULT_PATH)
    assert sum(1 for r in rows if r.span) > 1000
    assert all(not r.span for r in rows if not r.labels)  # spans only on distorted rows
    _, test = split(rows)
    card = SpanDistortionClassifier().card
    assert card["figures"]["frozen"]["rows"] >= len(test)
    assert card["data"]["rows"] == len(rows)


# --- the classifier end to end on invented texts -------------------------------------------

SHORT_THOUGHTS = [
    "I ruined dinner, so I always ruin everything and I never get anything right.",
    "I should be perfect at my job and I must never make a mistake.",
    "She hasn't texted back, so she must think I'm annoying.",
]
NEUTRAL = ["We planted tomatoes and then made soup for lunch."]


@needs_embeddings
@pytest.mark.usefixtures("embeddings_on")
def test_span_classifier_reads_short_thoughts_and_is_the_cli_default(tmp_path: Path) -> None:
    clf = SpanDistortionClassifier()
    got = clf.predict(SHORT_THOUGHTS + NEUTRAL)
    assert all(set(g) <= set(DISTORTIONS) and len(g) <= 3 for g in got)
    assert sum(bool(g) for g in got[:3]) >= 2  # short distorted thoughts get labels
    assert got[3] == []
    assert "should statements" in got[1]
    items = [{"id": f"s{i}", "text": t} for i, t in enumerate(SHORT_THOUGHTS + NEUTRAL)]
    result = runner.invoke(
        app, ["bench", "distortions", str(_write(tmp_path / "d.jsonl", items)), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line)["labels"] for line in result.stdout.splitlines()]
    assert rows == got
    assert "span-trained" in result.stderr and "DEV" in result.stderr


# --- fine-grained core beliefs -------------------------------------------------------------


def test_nineteen_fine_beliefs_map_to_the_three_categories() -> None:
    assert len(FINE_CORE_BELIEFS) == 19 == len(set(FINE_CORE_BELIEFS))
    counts = {
        c: sum(1 for v in FINE_TO_CATEGORY.values() if v == c) for c in FINE_TO_CATEGORY.values()
    }
    assert counts == {"helpless": 9, "unlovable": 6, "worthless": 4}
    assert categories_of(["I am trapped", "I am needy", "I am immoral"]) == [
        "helpless",
        "worthless",
    ]
    assert CORE_BELIEF_FINE_TASK.normalise("i am trapped.") == "I am trapped"
    assert (
        CORE_BELIEF_FINE_TASK.normalise("I don\u2019t deserve to live") == "I don't deserve to live"
    )
    with pytest.raises(ValueError, match="choose from"):
        CORE_BELIEF_FINE_TASK.normalise("I am tired")
    protos = load_fine_prototypes()
    assert list(protos) == list(FINE_CORE_BELIEFS) and all(len(v) >= 3 for v in protos.values())
    assert data_path(FINE_PROTOTYPES_FILE).is_file()


def test_fine_prompt_and_schema_list_every_belief(tmp_path: Path) -> None:
    prompt = render_task_prompt(CORE_BELIEF_FINE_TASK, "SAMPLE")
    assert "SAMPLE" in prompt and all(f"- {b}\n" in prompt + "\n" for b in FINE_CORE_BELIEFS)
    schema = answer_schema(CORE_BELIEF_FINE_TASK)["properties"]["labels"]
    assert schema["items"]["enum"] == list(FINE_CORE_BELIEFS)
    src = _write(tmp_path / "f.jsonl", [{"id": 1, "text": "x", "labels": ["I am a victim."]}])
    assert read_items(str(src), CORE_BELIEF_FINE_TASK)[0].gold == ("I am a victim",)


async def _no_sleep(_: float) -> None:
    return None


def test_fine_beliefs_with_a_model_through_the_cli(tmp_path: Path) -> None:
    """The stub answers the first enum value ("I am incompetent") for every item."""
    rows = [
        {"id": "a", "text": "I can't do anything right at work.", "labels": ["I am incompetent"]},
        {"id": "b", "text": "Everyone leaves me.", "labels": ["I am bound to be abandoned"]},
    ]
    src = _write(tmp_path / "f.jsonl", rows)
    with StubServer() as server:
        api = get_model_api("vllm/stub", base_url=server.base_url)
        model = Model(api, spec="vllm/stub", sleep=_no_sleep)
        clf = LLMClassifier(model, CORE_BELIEF_FINE_TASK)
        assert clf.prompt_version == "1"
        got = asyncio.run(clf.classify_all([Item("x", "text")]))
        result = runner.invoke(
            app,
            ["bench", "core-beliefs-fine", str(src), "--json", "--no-cache", "--no-progress",
             "--model-role", "classifier=vllm/stub", "--base-url", server.base_url],
        )  # fmt: skip
    assert got[0].labels == ()  # the stub's sample of an array without minItems is empty
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["task"] == "core-beliefs-fine" and metrics["scored"] == 2
    assert set(metrics["per_label"]) == set(FINE_CORE_BELIEFS)


@needs_embeddings
@pytest.mark.usefixtures("embeddings_on")
def test_fine_zero_shot_baseline_offline(tmp_path: Path) -> None:
    texts = [
        "Sooner or later everyone I love walks out on me.",
        "I'm a waste of space and my life is worth nothing.",
        "I took the bus to the library and borrowed two novels.",
    ]
    got = FineCoreBeliefBaseline().predict(texts)
    assert categories_of(got[0])[:1] == ["unlovable"]
    assert categories_of(got[1])[:1] == ["worthless"]
    assert got[2] == []
    src = _write(tmp_path / "f.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    result = runner.invoke(app, ["bench", "core-beliefs-fine", str(src), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["labels"] for line in result.stdout.splitlines()] == got
    assert "unmeasured" in result.stderr
