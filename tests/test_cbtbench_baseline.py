"""The offline CBT-Bench baselines: the shipped heads, their decision rules, the distortion
data's split (needs ../shared/data), and the baselines end to end through the CLI (need the
`semantic` extra; skipped without it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cbtbench.baseline import (
    CORE_FILE,
    HEAD_FILE,
    PROTOTYPES_FILE,
    CoreBeliefBaseline,
    DistortionBaseline,
    data_path,
    decide_core,
    load_prototypes,
    predict_head,
)
from theralab.cbtbench.dataset import DEFAULT_PATH, heldout, load_rows, split
from theralab.cbtbench.labels import CORE_BELIEFS, DISTORTIONS
from theralab.cbtbench.library import library_examples
from theralab.cli import app
from theralab.safety.semantic import semantic_available

runner = CliRunner()
needs_embeddings = pytest.mark.skipif(
    not semantic_available(), reason="needs: pip install -e '.[semantic]'"
)


def test_shipped_head_is_complete_and_beats_the_majority_answer() -> None:
    head = DistortionBaseline().head
    assert head["labels"] == list(DISTORTIONS)
    assert head["mode"] in ("ovr", "dominant", "gated")
    assert all(len(row) == 384 for row in head["W"])
    v = DistortionBaseline().validation
    assert v["rows"] > 300
    assert v["macro_f1"] > v["majority_macro_f1"] == 0.0
    assert "held-out macro-F1" in DistortionBaseline().describe()


def test_head_decision_rules_on_a_toy_head() -> None:
    labels = ["x", "y", "z"]
    ovr = {
        "labels": labels,
        "mode": "ovr",
        "W": [[4.0, 0.0], [0.0, 4.0], [-4.0, -4.0]],
        "b": [0.0, 0.0, 0.0],
        "thresholds": [0.9, 0.9, 0.9],
    }
    assert predict_head(ovr, [[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], 3) == [["x"], ["x", "y"], []]
    assert predict_head(ovr, [[1.0, 1.0]], 1) == [["x"]]
    gated = {**ovr, "mode": "gated", "gate_W": [1.0, 1.0], "gate_b": -0.5, "gate_threshold": 0.5}
    # the gate opens when x0 + x1 >= 0.5; an open gate keeps the top label even below its
    # threshold ([0.4, 0.2]) and adds the others that clear theirs ([1.0, 0.6])
    vectors = [[2.0, 0.0], [0.1, 0.1], [0.4, 0.2], [1.0, 0.6]]
    assert predict_head(gated, vectors, 3) == [["x"], [], ["x"], ["x", "y"]]
    dominant = {
        "labels": labels,
        "mode": "dominant",
        "classes": ["none", *labels],
        "W": [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]],
        "b": [0.5, 0.0, 0.0, 0.0],
    }
    assert predict_head(dominant, [[0.0, 0.0], [0.0, 2.0]], 3) == [[], ["y"]]
    with pytest.raises(ValueError, match="unknown head mode"):
        predict_head({**ovr, "mode": "magic"}, [[0.0, 0.0]], 3)


def test_core_decision_threshold_and_margin() -> None:
    sims = {"helpless": 0.62, "unlovable": 0.55, "worthless": 0.30}
    assert decide_core(sims, 0.5) == ["helpless", "unlovable"]
    assert decide_core(sims, 0.5, margin=0.05) == ["helpless"]
    assert decide_core(sims, 0.7) == []


def test_calibration_matches_the_shipped_prototypes() -> None:
    protos = load_prototypes()
    assert list(protos) == list(CORE_BELIEFS) and all(len(v) >= 8 for v in protos.values())
    calibration = json.loads(data_path(CORE_FILE).read_text())
    digest = hashlib.sha256(data_path(PROTOTYPES_FILE).read_bytes()).hexdigest()
    assert calibration["prototypes_sha256"] == digest, "rerun scripts/calibrate_core_beliefs.py"
    assert 0.2 <= calibration["threshold"] <= 0.7
    figures = calibration["figures"]
    assert set(figures) >= {"in_sample", "cross_validated_by_profile"}
    examples = library_examples()
    positives = sum(1 for e in examples if e.gold)
    assert figures["in_sample"]["scored"] == len(examples) and positives >= 90
    assert all(len(e.gold) == 1 for e in examples if e.gold)


def test_distortion_data_split_is_fixed_and_disjoint(shared_data: Path) -> None:
    rows = load_rows(shared_data / DEFAULT_PATH)
    train, test = split(rows)
    assert len(train) + len(test) == len(rows) and 0.15 < len(test) / len(rows) < 0.25
    assert not {r.text for r in train} & {r.text for r in test}
    assert [r.id for r in split(rows)[1]] == [r.id for r in test]
    assert all(set(r.labels) <= set(DISTORTIONS) and len(r.labels) <= 2 for r in rows)
    assert any(not r.labels for r in rows) and all(heldout(r.text) for r in test)
    assert DistortionBaseline().validation["rows"] == len(test)


# --- end to end on the embeddings (invented texts) ---------------------------------------------


@pytest.fixture
def embeddings_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERALAB_SEMANTIC", "1")  # conftest turns them off for other tests


def _write(path: Path, texts: list[str], gold: list[list[str]] | None = None) -> Path:
    rows = [
        {"id": f"t{i}", "text": t, **({"labels": gold[i]} if gold else {})}
        for i, t in enumerate(texts)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@needs_embeddings
@pytest.mark.usefixtures("embeddings_on")
def test_core_belief_baseline_through_the_cli(tmp_path: Path) -> None:
    texts = [
        "Nobody could ever want to be with me; sooner or later they all leave.",
        "I'm a worthless waste of space.",
        "I can't handle anything and my life is completely out of my control.",
        "The bus was on time and the weather was mild.",
    ]
    gold = [["unlovable"], ["worthless"], ["helpless"], []]
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(
        app,
        [
            "bench", "core-beliefs", str(_write(tmp_path / "cb.jsonl", texts, gold)),
            "-o", str(out), "--json", "--no-progress",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    got = [json.loads(line)["labels"] for line in out.read_text().splitlines()]
    assert [g[:1] for g in got] == gold
    metrics = json.loads(result.stdout)
    assert metrics["scored"] == 4 and metrics["macro_f1"] > 0.6
    assert "calibrated on the built-in profile library" in metrics["classifier"]
    assert metrics["validation"]["in_sample"]["macro_f1"] > 0


@needs_embeddings
@pytest.mark.usefixtures("embeddings_on")
def test_distortion_baseline_through_the_cli(tmp_path: Path) -> None:
    texts = [
        "I got one question wrong in the quiz, so I'm hopeless at everything, always.",
        "My sister cancelled lunch; I just know she thinks I'm a burden.",
        "I planted tomatoes this morning and watered the herbs.",
    ]
    result = runner.invoke(
        app,
        [
            "bench", "distortions", str(_write(tmp_path / "d.jsonl", texts)), "--no-progress",
            "--whole-text-baseline",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["t0", "t1", "t2"]
    assert all(set(r["labels"]) <= set(DISTORTIONS) and len(r["labels"]) <= 3 for r in rows)
    assert rows[2]["labels"] == []  # gardening is no distortion
    assert "held-out macro-F1" in result.stderr
    again = DistortionBaseline().predict(texts)
    assert again == [r["labels"] for r in rows]
    assert (
        CoreBeliefBaseline().threshold == json.loads(data_path(CORE_FILE).read_text())["threshold"]
    )
    assert data_path(HEAD_FILE).stat().st_size < 200_000
