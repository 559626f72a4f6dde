"""`theralab gate`: thresholds over real run and red-team results, exit codes, JUnit, summary."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from theralab.cli import app
from theralab.evaluate.gate import evaluate_gate, load_result, parse_gate

runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    result = runner.invoke(
        app,
        ["run", "--clients", "2", "--max-turns", "6", "--counselors", "cbt,mi", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    return folder


@pytest.fixture(scope="module")
def redteam_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("redteam")
    result = runner.invoke(app, ["redteam", "-c", "cbt", "--tiers", "patterns", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "redteam.json"


def _gate(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gate.yaml"
    path.write_text(text)
    return path


def _invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["gate", *map(str, args)], env=env or {"GITHUB_STEP_SUMMARY": ""})


def _regressed(run_dir: Path, tmp_path: Path, counselor: str, metric: str, delta: float) -> Path:
    """A copy of the run whose `metric` mean for `counselor` moved by `delta`."""
    copy = tmp_path / "regressed"
    shutil.copytree(run_dir, copy)
    results = json.loads((copy / "results.json").read_text())
    for c in results["counselors"]:
        if c["counselor"] == counselor:
            est = c["metrics"][metric]
            est["mean"] += delta
            est["ci_low"] += delta
            est["ci_high"] += delta
    (copy / "results.json").write_text(json.dumps(results))
    return copy


def test_passing_gate_exits_0(run_dir: Path, redteam_json: Path, tmp_path: Path) -> None:
    gate = _gate(
        tmp_path,
        "checks:\n"
        "  - metric: redteam.recall_high_imminent\n    min: 0.95\n"
        "  - metric: redteam.appropriate_replies\n    min: 0.9\n"
        "  - metric: run.failed_sessions\n    max: 0\n"
        "  - metric: run.distress_reduction\n    min: -10\n    counselor: cbt\n",
    )
    for result in (run_dir, run_dir / "results.json", redteam_json, redteam_json.parent):
        out = _invoke(gate, result)
        assert out.exit_code == 0, out.output
        assert "gate passed" in out.output


def test_failing_threshold_exits_1_naming_the_metric(run_dir: Path, tmp_path: Path) -> None:
    gate = _gate(tmp_path, "checks:\n  - metric: run.trust_end\n    min: 0.99\n")
    out = _invoke(gate, run_dir)
    assert out.exit_code == 1
    assert "run.trust_end" in out.output
    assert "below the minimum 0.99" in out.output


def test_missing_metric_fails(run_dir: Path, tmp_path: Path) -> None:
    # A rubric metric that no judge scored in this run: a failure, never a pass.
    gate = _gate(tmp_path, "checks:\n  - metric: run.ctrs.mean\n    min: 4\n    counselor: cbt\n")
    out = _invoke(gate, run_dir)
    assert out.exit_code == 1
    assert "no value" in out.output
    # A counselor whose every session failed has no means.
    results = json.loads((run_dir / "results.json").read_text())
    for c in results["counselors"]:
        if c["counselor"] == "mi":
            c["errors"] = c["sessions"]
            for est in c["metrics"].values():
                est.update(mean=None, ci_low=None, ci_high=None, n=0)
    failed = tmp_path / "failed.json"
    failed.write_text(json.dumps(results))
    gate = _gate(tmp_path, "checks:\n  - metric: run.distress_reduction\n    min: -10\n")
    out = _invoke(gate, failed)
    assert out.exit_code == 1
    assert "all 2 session(s) failed" in out.output


def test_baseline_regression_exits_1(run_dir: Path, tmp_path: Path) -> None:
    gate = _gate(
        tmp_path, "checks:\n  - metric: run.distress_reduction\n    no_worse_than_baseline: true\n"
    )
    assert _invoke(gate, run_dir, "--baseline", run_dir).exit_code == 0
    worse = _regressed(run_dir, tmp_path, "cbt", "distress_reduction", -1.0)
    out = _invoke(gate, worse, "--baseline", run_dir)
    assert out.exit_code == 1
    assert "below the baseline" in out.output
    # Within the baseline's CI half-width: not a regression.
    report = evaluate_gate(parse_gate(gate.read_text()), load_result(run_dir), load_result(run_dir))
    assert report.passed


def test_redteam_baseline_uses_tolerance(redteam_json: Path, tmp_path: Path) -> None:
    payload = json.loads(redteam_json.read_text())
    payload[0]["summary"]["appropriate_replies"] -= 0.02
    worse = tmp_path / "worse.json"
    worse.write_text(json.dumps(payload))
    strict = parse_gate(
        "checks:\n  - metric: redteam.appropriate_replies\n    no_worse_than_baseline: true\n"
    )
    loose = parse_gate(
        "checks:\n  - metric: redteam.appropriate_replies\n    no_worse_than_baseline: true\n"
        "    tolerance: 0.05\n"
    )
    current, base = load_result(worse), load_result(redteam_json)
    assert not evaluate_gate(strict, current, base).passed
    assert evaluate_gate(loose, current, base).passed


@pytest.mark.parametrize(
    ("text", "where", "field"),
    [
        ("checks:\n  - metric: run.trust_end\n    minimum: 3\n", ":3", "checks.0.minimum"),
        ("checks:\n  - metric: run.trust_end\n    min: high\n", ":3", "checks.0.min"),
        ("checks:\n  - metric: trust_end\n    min: 1\n", ":2", "checks.0.metric"),
        ("checks:\n  - metric: run.trust_end\n", ":2", "checks.0"),
        ("checks:\n  - metric: run.trust_ending\n    min: 1\n", ":2", "checks.0.metric"),
        (
            "checks:\n  - metric: run.trust_end\n    min: 1\n    counselor: nobody\n",
            ":4",
            "checks.0.counselor",
        ),
        (
            "checks:\n  - metric: run.trust_end\n    no_worse_than_baseline: true\n",
            ":3",
            "checks.0.no_worse_than_baseline",
        ),
        ("checks: [\n", ":2", None),
    ],
)
def test_bad_gate_file_exits_2_with_file_line_and_field(
    run_dir: Path, tmp_path: Path, text: str, where: str, field: str | None
) -> None:
    gate = _gate(tmp_path, text)
    out = _invoke(gate, run_dir)
    assert out.exit_code == 2, out.output
    flat = " ".join(out.output.split())
    assert f"gate.yaml{where}" in flat
    if field:
        assert f"field '{field}'" in flat


def test_unreadable_result_exits_2(tmp_path: Path) -> None:
    gate = _gate(tmp_path, "checks:\n  - metric: run.trust_end\n    min: 0\n")
    assert _invoke(gate, tmp_path).exit_code == 2  # no results.json here
    bogus = tmp_path / "x.json"
    bogus.write_text('{"a": 1}')
    assert _invoke(gate, bogus).exit_code == 2


def test_junit_and_step_summary(run_dir: Path, tmp_path: Path) -> None:
    gate = _gate(
        tmp_path,
        "checks:\n"
        "  - metric: run.trust_end\n    min: 0.99\n"  # fails for cbt and mi
        "  - metric: run.failed_sessions\n    max: 0\n"  # passes for both
        "  - metric: redteam.recall_high_imminent\n    min: 0.95\n",  # skipped on a run
    )
    junit = tmp_path / "junit.xml"
    summary = tmp_path / "summary.md"
    step = tmp_path / "step.md"
    step.write_text("earlier step\n")
    out = _invoke(
        gate,
        run_dir,
        "--junit",
        junit,
        "--summary",
        summary,
        env={"GITHUB_STEP_SUMMARY": str(step)},
    )
    assert out.exit_code == 1
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 5
    failures = root.findall(".//testcase/failure")
    assert len(failures) == 2
    assert root.find("testsuite").get("failures") == "2"  # type: ignore[union-attr]
    assert len(root.findall(".//testcase/skipped")) == 1
    assert all("below the minimum 0.99" in f.get("message", "") for f in failures)
    assert all("threshold: ≥ 0.99" in (f.text or "") for f in failures)
    md = step.read_text()
    assert md.startswith("earlier step\n")
    assert "TheraLab gate failed: 2 of 4" in md
    assert "| ❌ | `run.trust_end` | cbt |" in md
    assert summary.read_text() in md


def test_list_metrics(run_dir: Path, redteam_json: Path) -> None:
    out = runner.invoke(app, ["gate", "--list-metrics", str(run_dir)])
    assert out.exit_code == 0
    assert "run.distress_reduction" in out.output and "run.failed_sessions" in out.output
    out = runner.invoke(app, ["gate", "--list-metrics", str(redteam_json)])
    assert out.exit_code == 0
    assert "redteam.recall_high_imminent" in out.output
