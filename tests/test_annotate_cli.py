"""`theralab annotate mi|empathy` and `theralab coder train|info`: stable I/O, clear errors.

The suite runs with THERALAB_SEMANTIC=0, so `annotate mi` uses the rule coder here; the
trained coders have their own tests (test_mi_coder.py, test_empathy_coder.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.coding import empathy_coder_available

runner = CliRunner()

MI_LINES = [
    {"id": "u1", "speaker": "counselor", "text": "What brings you in this week?"},
    {
        "id": "u2",
        "speaker": "client",
        "text": "I want to stop smoking before the baby arrives.",
        "context": [{"speaker": "counselor", "text": "What brings you in this week?"}],
    },
    {"id": 3, "speaker": "counselor", "text": "You're ready to make a change.", "context": []},
]


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command", [["annotate"], ["annotate", "mi"], ["annotate", "empathy"], ["coder", "train"]]
)
def test_help_explains(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_annotate_mi_writes_one_line_per_input_in_order(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", MI_LINES)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", "mi", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["u1", "u2", 3]
    assert set(rows[0]) == {"id", "code", "behaviour", "confidence"}
    assert rows[0]["code"] == "open_question" and rows[0]["behaviour"] == "question"
    assert set(rows[1]) == {"id", "talk_type", "confidence"}
    assert rows[1]["talk_type"] == "change"
    assert rows[2]["behaviour"] == "reflection"
    assert all(isinstance(r["confidence"], float) for r in rows)


def test_annotate_mi_reads_stdin_and_writes_stdout() -> None:
    result = runner.invoke(
        app,
        ["annotate", "mi", "-", "--coder", "rules", "--no-progress"],
        input=json.dumps(MI_LINES[0]) + "\n\n",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip())["id"] == "u1"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"id": "x", "speaker": "therapist", "text": "Hi."}', "field 'speaker'"),
        ('{"id": "x", "speaker": "client", "text": ""}', "field 'text'"),
        ('{"speaker": "client", "text": "Hi."}', "field 'id'"),
        ('{"id": "x", "speaker": "client", "text": "Hi.", "context": "no"}', "field 'context'"),
        (
            '{"id": "x", "speaker": "client", "text": "Hi.", "context": [{"text": "a"}]}',
            "field 'context[0].speaker'",
        ),
    ],
)
def test_annotate_mi_names_file_line_and_problem(tmp_path: Path, line: str, problem: str) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text(json.dumps(MI_LINES[0]) + "\n" + line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["annotate", "mi", str(src), "--no-progress"])
    assert result.exit_code == 2
    message = result.output.replace("\n", "")
    assert f"{src}:2" in message and problem in message


def test_annotate_reports_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["annotate", "mi", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_annotate_empathy_validates_before_loading_anything(tmp_path: Path) -> None:
    src = tmp_path / "pairs.jsonl"
    src.write_text('{"id": "p1", "seeker": "I feel alone lately."}\n', encoding="utf-8")
    result = runner.invoke(app, ["annotate", "empathy", str(src), "--no-progress"])
    assert result.exit_code == 2
    assert f"{src}:1, field 'response'" in result.output.replace("\n", "")


@pytest.mark.skipif(not empathy_coder_available(), reason="needs the semantic extra and heads")
def test_annotate_empathy_writes_the_three_levels(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "pairs.jsonl",
        [
            {
                "id": "p1",
                "seeker": "My exams went badly and I can't stop thinking I'm a failure.",
                "response": "That sounds so painful. What happened on the day of the exam?",
            }
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", "empathy", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text())
    assert set(row) == {"id", "emotional_reactions", "interpretations", "explorations"}
    assert all(row[k] in (0, 1, 2) for k in row if k != "id")
    assert row["explorations"] >= 1


def test_coder_train_names_a_missing_data_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["coder", "train", "mi", "--data", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.output.replace("\n", "")


def test_coder_train_names_a_missing_corpus_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["coder", "train", "empathy", "--data", str(tmp_path), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "EPITOME not found" in result.output.replace("\n", "")


def test_coder_info_shows_heldout_figures() -> None:
    from theralab.coding.mi_coder import heads_path

    if not heads_path().with_suffix(".json").is_file():
        pytest.skip("no MI heads shipped")
    result = runner.invoke(app, ["coder", "info", "mi"])
    assert result.exit_code == 0, result.output
    assert "therapist_behaviour" in result.output and "macro-F1" in result.output
    assert "vectors: all-MiniLM-L6-v2/" in result.output  # what the heads were trained on
