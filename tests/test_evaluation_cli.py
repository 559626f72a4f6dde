"""`theralab evaluate --judge`, `theralab compare` and `theralab report` against a real
OpenAI-compatible server on loopback (the stub server answers every schema with its first
allowed value)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.dialogue.transcripts import write_sessions
from theralab.model.stub_server import StubServer

from .conftest import simulate

runner = CliRunner()
PROFILES = ["work-stress-nurse-amara", "gambling-courier-kofi"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    write_sessions(folder / "transcripts.jsonl", simulate(["cbt", "mi"], PROFILES))
    return folder


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with StubServer() as s:
        yield s


def judge_args(server: StubServer) -> list[str]:
    return ["--judge", "vllm/stub", "--base-url", server.base_url, "--no-cache", "--no-progress"]


def test_evaluate_with_a_judge_writes_scores_agreement_and_judgements(
    run_dir: Path, server: StubServer, tmp_path: Path
) -> None:
    before = server.requests
    result = runner.invoke(
        app,
        [
            *("evaluate", str(run_dir), "--out", str(tmp_path), "--rubric", "wai,miti"),
            *("--repeats", "2", *judge_args(server)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "LLM-judged rubrics" in result.output
    n_sessions = 4
    calls = n_sessions * 2 * (12 + 4)
    assert server.requests - before == calls
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["judge_counts"]["wai"] == {"scored": n_sessions * 2 * 12}
    assert results["judges"][0]["rubrics"] == ["wai@v1", "miti@v1"]
    # the stub always answers the lowest score: reverse-scored WAI items come out at the top
    cbt = next(c for c in results["counselors"] if c["counselor"] == "cbt")
    assert cbt["metrics"]["wai.task_doubt"]["mean"] == 7
    assert cbt["metrics"]["wai.bond"]["mean"] == 1
    assert cbt["metrics"]["miti.mean"]["mean"] == 1
    assert results["agreement"]["wai.bond"]["raters"] == 2
    lines = (tmp_path / "judgements.jsonl").read_text().splitlines()
    assert len(lines) == calls
    assert {json.loads(x)["status"] for x in lines} == {"scored"}


def test_rubrics_without_a_judge_and_broken_rubric_files_are_clear_errors(
    run_dir: Path, tmp_path: Path
) -> None:
    no_judge = runner.invoke(app, ["evaluate", str(run_dir), "--rubric", "ctrs"])
    assert no_judge.exit_code == 2 and "--judge" in no_judge.output
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "id: mine\nversion: 1\nname: Mine\ndescription: d\nsource: s\n"
        "scale: {min: 1, max: 5}\nitems:\n  - id: a\n    name: A\n    question: q\n"
        "    anchors: {9: too high}\n"
    )
    result = runner.invoke(
        app, ["evaluate", str(run_dir), "--rubric", str(bad), "--judge", "vllm/x"]
    )
    assert result.exit_code == 2
    flat = "".join(result.output.split("\n"))
    assert f"{bad}:11, field 'items.0.anchors'" in flat
    assert "anchor points [9]" in flat
    unknown = runner.invoke(app, ["evaluate", str(run_dir), "--rubric", "nope", "-j", "vllm/x"])
    assert unknown.exit_code == 2 and "unknown rubric 'nope'" in unknown.output


def test_user_rubric_file_is_judged_like_a_builtin(
    run_dir: Path, server: StubServer, tmp_path: Path
) -> None:
    mine = tmp_path / "warmth.yaml"
    mine.write_text(
        "id: warmth\nversion: 3\nname: Warmth\ndescription: How warm.\nsource: ours\n"
        "scale: {min: 0, max: 4}\nitems:\n  - id: tone\n    name: Tone\n"
        "    question: Was the tone warm?\n"
    )
    result = runner.invoke(
        app,
        [
            *("evaluate", str(run_dir), "--out", str(tmp_path / "o"), "--rubric", str(mine)),
            *judge_args(server),
        ],
    )
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "o" / "results.json").read_text())
    assert results["judges"][0]["rubrics"] == ["warmth@v3"]
    assert results["agreement"]["warmth.mean"]["note"] == "one rater"


def test_compare_cancels_position_bias_and_report_shows_it(
    run_dir: Path, server: StubServer, tmp_path: Path
) -> None:
    """The stub judge always answers "A": pure position bias. Judged in both orders, every
    pair is a tie, ratings are equal and the judge's position consistency is 0."""
    result = runner.invoke(
        app, ["compare", str(run_dir), "--out", str(tmp_path), *judge_args(server)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "compare.json").read_text())
    assert summary["pairs"] == len(PROFILES)  # cbt vs mi, once per shared client
    assert summary["position_consistency"] == 0.0
    ratings = {r["player"]: r for r in summary["leaderboard"]}
    assert set(ratings) == {"cbt", "mi"}
    assert ratings["cbt"]["rating"] == pytest.approx(ratings["mi"]["rating"])
    assert all(r["ties"] == len(PROFILES) for r in ratings.values())
    (run_dir / "compare.json").write_text((tmp_path / "compare.json").read_text())
    rebuilt = runner.invoke(app, ["report", str(run_dir)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert (run_dir / "report.html").exists()
    assert (run_dir / "results.json").exists()  # offline evaluation redone when missing


def test_compare_needs_two_counselors_with_shared_clients(tmp_path: Path) -> None:
    write_sessions(tmp_path / "transcripts.jsonl", simulate(["cbt"], PROFILES[:1]))
    result = runner.invoke(app, ["compare", str(tmp_path), "-j", "vllm/x", "--no-progress"])
    assert result.exit_code == 2 and "no pairs to compare" in result.output
