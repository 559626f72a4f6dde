"""`theralab synth` and `theralab export`: the CLI, and exports that load where they should."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from theralab.cli import app

runner = CliRunner()
SYNTH = [
    *("synth", "cactus", "--n", "20", "-c", "cbt", "-c", "mi", "--quota", "attitude=even"),
    *("--filter", "turns>=8", "--max-turns", "16", "--no-progress"),
]

# The chat fine-tuning format: a list of role/content messages, at least one from the
# assistant (the part the model learns).
OPENAI_CHAT_SCHEMA = {
    "type": "object",
    "required": ["messages"],
    "additionalProperties": False,
    "properties": {
        "messages": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "required": ["role", "content"],
                "additionalProperties": False,
                "properties": {
                    "role": {"enum": ["system", "user", "assistant"]},
                    "content": {"type": "string", "minLength": 1},
                },
            },
            "contains": {"properties": {"role": {"const": "assistant"}}},
        }
    },
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ds") / "cbt"
    result = runner.invoke(
        app,
        [*SYNTH, "--out", str(folder)],
    )
    assert result.exit_code == 0, result.output
    assert "20 rows made" in result.output
    return folder


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_rerunning_the_same_command_continues_instead_of_redoing(dataset: Path) -> None:
    again = runner.invoke(
        app,
        [*SYNTH, "--out", str(dataset)],
    )
    assert again.exit_code == 0, again.output
    assert "0 rows made" in again.output


def test_openai_export_passes_the_chat_format_schema(dataset: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "export",
            str(dataset),
            "--format",
            "openai",
            "--split",
            "0.8,0.2",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    train, valid = lines(tmp_path / "train.jsonl"), lines(tmp_path / "validation.jsonl")
    kept = len(lines(dataset / "dataset.jsonl"))
    assert len(train) + len(valid) == kept and train and valid
    for record in train + valid:
        jsonschema.validate(record, OPENAI_CHAT_SCHEMA)
        roles = [m["role"] for m in record["messages"]]
        assert roles[0] == "system" and roles[-1] == "assistant"


def test_sharegpt_export_alternates_roles(dataset: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(dataset), "-f", "sharegpt", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for record in lines(tmp_path / "train.jsonl"):
        speakers = [m["from"] for m in record["conversations"]]
        assert speakers[0] == "system"
        body = speakers[1:]
        assert all(a != b for a, b in itertools.pairwise(body)), speakers
        assert set(body) == {"gpt", "human"}


def test_splits_are_stable_by_row_id(dataset: Path, tmp_path: Path) -> None:
    for out in ("a", "b"):
        runner.invoke(app, ["export", str(dataset), "--out", str(tmp_path / out)])
    assert (tmp_path / "a" / "test.jsonl").read_text() == (
        tmp_path / "b" / "test.jsonl"
    ).read_text()
    bad = runner.invoke(app, ["export", str(dataset), "--split", "0.5,0.6"])
    assert bad.exit_code == 2 and "sum" in bad.output


def test_hf_and_parquet_exports_load_with_the_datasets_library(
    dataset: Path, tmp_path: Path
) -> None:
    datasets = pytest.importorskip("datasets", reason="needs the synth extra")
    for fmt in ("hf", "parquet"):
        out = tmp_path / fmt
        result = runner.invoke(app, ["export", str(dataset), "-f", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        loaded = datasets.load_dataset(str(out))
        assert set(loaded) <= {"train", "validation", "test"} and "train" in loaded
        total = sum(len(loaded[s]) for s in loaded)
        assert total == len(lines(dataset / "dataset.jsonl"))
        row = loaded["train"][0]
        assert row["messages"][0]["role"] == "system" and row["problem"]


def test_dry_run_estimates_without_writing(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = runner.invoke(
        app,
        [
            *("synth", "cactus", "--n", "1000", "--model-role", "counselor=openai/gpt-4o-mini"),
            *("-c", "llm:cbt", "--dry-run", "--out", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "counselor cost" in result.output and "$" in result.output
    assert not out.exists()


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["synth", "cactus", "--quota", "colour=even", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "unknown quota dimension" in bad.output
    bad = runner.invoke(app, ["synth", "cactus", "--filter", "turns>>3", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "FIELD OP NUMBER" in bad.output
    missing = runner.invoke(app, ["export", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "theralab synth" in missing.output
