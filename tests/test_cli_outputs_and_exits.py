"""Output paths checked before any work, bad input files named, and exit codes that say
whether the job was done (exploratory test report: H1–H7, H9, M1, M4, L3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.cli._common import check_output
from theralab.dialogue.records import Session
from theralab.errors import InputError
from theralab.model.model import Model
from theralab.runs import RunConfig, execute_run
from theralab.synth.filters import filter_fields

runner = CliRunner()
PANEL = ["work-stress-nurse-amara", "grief-postal-worker-ulla", "panic-student-imani"]


def flat(result: object) -> str:
    """The command's output on one line (rich wraps long messages)."""
    return " ".join(str(getattr(result, "output", "")).split())


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    """A folder where a file is expected, and a file where a folder is expected."""
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("x\n")
    (tmp_path / "m.jsonl").write_text('{"id": "a", "text": "hello there"}\n')
    (tmp_path / "u.jsonl").write_text(
        '{"id": "u1", "speaker": "counselor", "text": "How has your week been?"}\n'
    )
    (tmp_path / "r.jsonl").write_text('{"id": "r", "history": [], "reply": "Hello."}\n')
    files = {"adir": "adir", "afile": "afile", "msgs": "m.jsonl", "utts": "u.jsonl"}
    return {key: str(tmp_path / name) for key, name in {**files, "replies": "r.jsonl"}.items()}


# (arguments, where the problem is, what is expected there)
OUTPUTS = [
    (["screen", "{msgs}", "-o", "{adir}"], "adir", "is a directory (expected a file)"),
    (["annotate", "mi", "{utts}", "-o", "{adir}"], "adir", "is a directory (expected a file)"),
    (["check", "{replies}", "-o", "{adir}"], "adir", "is a directory (expected a file)"),
    (["screen", "{msgs}", "-o", "{afile}/x.jsonl"], "afile", "is a file (expected a folder)"),
    (["redteam", "-c", "cbt", "--out", "{afile}"], "afile", "is a file (expected a folder)"),
    (["run", "-c", "cbt", "--clients", "1", "--out", "{afile}"], "afile", "is a file"),
    (["simulate", "-c", "cbt", "--out", "{afile}/t.jsonl"], "afile", "is a file"),
    (["evaluate", "{msgs}", "--out", "{afile}"], "afile", "is a file (expected a folder)"),
    (["synth", "cactus", "--n", "1", "--out", "{afile}"], "afile", "is a file"),
    (["export", "{adir}", "--out", "{afile}"], "afile", "is a file (expected a folder)"),
    (["gate", "{msgs}", "{adir}", "--junit", "{adir}"], "adir", "is a directory"),
    (["compare", "{adir}", "--judge", "mock/x", "--out", "{afile}"], "afile", "is a file"),
]


@pytest.mark.parametrize(("args", "where", "expected"), OUTPUTS, ids=lambda a: str(a))
def test_an_output_of_the_wrong_kind_is_refused_before_any_work(
    places: dict[str, str], args: list[str], where: str, expected: str
) -> None:
    result = runner.invoke(app, [a.format(**places) for a in args])
    assert result.exit_code == 2, result.output
    assert f"error: {places[where]}: {expected}" in flat(result)
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_check_output_accepts_new_paths_and_devices(tmp_path: Path) -> None:
    check_output(tmp_path / "new" / "deeper" / "out.jsonl")  # parents are created
    check_output(tmp_path / "new-folder", folder=True)
    check_output("/dev/null")
    check_output("-")
    check_output(None)
    (tmp_path / "f").write_text("")
    with pytest.raises(InputError, match="is a file"):
        check_output(tmp_path / "f" / "a" / "b.json")


def test_the_global_out_reaches_screen_check_and_annotate(
    places: dict[str, str], tmp_path: Path
) -> None:
    for name, args in (
        ("screen", ["screen", places["msgs"], "--tiers", "patterns"]),
        ("check", ["check", places["replies"], "--rules-only"]),
        ("annotate", ["annotate", "mi", places["utts"], "--coder", "rules", "--no-progress"]),
    ):
        target = tmp_path / f"g_{name}.jsonl"
        result = runner.invoke(app, ["--out", str(target), *args])
        assert result.exit_code == 0, result.output
        lines = target.read_text().splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["id"] in ("a", "r", "u1"), name


# --- synth: filters checked up front (H2), exit 1 when rows failed (H3) --------------------


@pytest.mark.parametrize(
    ("extra", "field", "hint"),
    [
        (["--filter", "Turns>=3"], "Turns", ""),
        (["--filter", "nosuch>=3"], "nosuch", ""),
        (["--filter", "ctrs.mean>=4"], "ctrs.mean", "add --rubric ctrs"),
        (["--filter", "r_q>=1", "--score", "outcome"], "r_q", "the miti evaluator scores it"),
    ],
)
def test_a_filter_on_a_field_no_row_has_is_refused_before_any_row(
    tmp_path: Path, extra: list[str], field: str, hint: str
) -> None:
    folder = tmp_path / "ds"
    args = ["synth", "cactus", "--n", "2", "--out", str(folder), "--no-progress", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    out = flat(result)
    assert f"no row has the field '{field}'" in out and hint in out
    assert "the fields are: turns, client_turns" in out
    assert not folder.exists()  # nothing generated


def test_the_valid_filter_fields_come_from_the_configured_scorers() -> None:
    with_miti = filter_fields(["miti", "outcome"], [])
    assert {"turns", "words", "r_q", "n_open_question", "distress_reduction"} <= set(with_miti)
    assert "r_q" not in filter_fields(["outcome"], [])
    assert "ctrs.mean" in filter_fields(["outcome"], ["ctrs"])


def test_synth_exits_1_when_rows_failed(tmp_path: Path) -> None:
    # a model-backed counselor without a model: every row fails at the simulation step
    args = ["synth", "cactus", "-c", "llm:cbt", "--n", "2", "--out", str(tmp_path / "ds")]
    result = runner.invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 1, result.output
    out = flat(result)
    assert "error: every row failed (simulate:" in out and "model-backed" in out
    assert "rerun the same command" in out


# --- evaluate --judge and compare: exit 1 when nothing was judged (H4) ----------------------


@pytest.fixture
def two_counselor_run(tmp_path: Path) -> Path:
    args = ["run", "-c", "cbt,directive", "--clients", "1", "--out", str(tmp_path)]
    result = runner.invoke(app, [*args, "--run-id", "j", "--no-progress", "--no-report"])
    assert result.exit_code == 0, result.output
    return tmp_path / "j"


def test_evaluate_exits_1_when_the_judge_scored_nothing(two_counselor_run: Path) -> None:
    args = ["evaluate", str(two_counselor_run), "--judge", "mock/x", "--rubric", "wai"]
    result = runner.invoke(app, [*args, "--no-progress", "--no-cache", "--no-report"])
    assert result.exit_code == 1, result.output
    out = flat(result)
    assert "error: the judge scored nothing" in out and "unparseable" in out
    assert (two_counselor_run / "results.json").is_file()  # the offline scores are kept


def test_compare_exits_1_and_says_why_when_no_pair_was_scored(
    two_counselor_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Model, "backoff", lambda self, attempt, retry_after: 0.0)
    args = ["compare", str(two_counselor_run), "--judge", "openai/x"]
    args += ["--base-url", "http://127.0.0.1:9/v1", "--max-pairs", "1", "--no-cache"]
    result = runner.invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 1, result.output
    out = flat(result)
    assert "error: the judge scored none of the 1 pair(s)" in out
    assert "cannot reach http://127.0.0.1:9/v1" in out
    assert (two_counselor_run / "compare.json").is_file()


# --- run: timings written as sessions finish and kept on resume (H5); run.json (M4) -------


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]


def test_timings_survive_an_interrupt_and_resumes_and_the_record_counts_what_was_kept(
    tmp_path: Path,
) -> None:
    cfg = RunConfig(counselors=["cbt", "mi"], profiles=PANEL, cache=False, concurrency=1)
    seen: list[str] = []

    def interrupt_after_two(session: Session) -> None:
        seen.append(session.id)
        if len(seen) == 2:
            raise KeyboardInterrupt

    run_dir = tmp_path / "r"
    with pytest.raises(KeyboardInterrupt):
        execute_run(cfg, run_dir, on_session=interrupt_after_two, report=False)
    kept = _ids(run_dir / "transcripts.jsonl")
    assert len(kept) == 2
    assert _ids(run_dir / "timings.jsonl") == kept  # written as each session finished
    record = json.loads((run_dir / "run.json").read_text())
    assert record["status"] == "interrupted"
    assert (record["planned"], record["finished"], record["unfinished"]) == (6, 2, 4)

    execute_run(cfg, run_dir, resume=True, report=False)
    transcripts = _ids(run_dir / "transcripts.jsonl")
    assert len(transcripts) == 6 and _ids(run_dir / "timings.jsonl") == transcripts
    before = (run_dir / "timings.jsonl").read_text()

    again = execute_run(cfg, run_dir, resume=True, report=False)  # nothing left to run
    assert again.resumed == 6
    assert (run_dir / "timings.jsonl").read_text() == before


# --- bad input files named (H6, H7, H9); redteam --no-progress (L3) -------------------------


def test_redteam_cases_files_are_checked_before_the_suite_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  turns: [\n")
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    for path, message in (
        (bad, f"{bad}:3: not valid YAML"),
        (tmp_path / "missing.yaml", "cannot read red-team cases: No such file"),
        (empty, f"{empty}: no red-team cases in the file"),
    ):
        out = tmp_path / "rt"
        result = runner.invoke(
            app, ["redteam", "-c", "cbt", "--cases", str(path), "--out", str(out)]
        )
        assert result.exit_code == 2, result.output
        assert message in flat(result) and "internal error" not in result.output
        assert not out.exists()


def test_redteam_takes_no_progress(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- id: calm\n  scenario: control\n  level: none\n  control: true\n"
        "  turns:\n    - I had a quiet week at the allotment.\n"
    )
    args = ["redteam", "-c", "cbt", "--cases", str(cases), "--tiers", "patterns"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "rt"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rt" / "redteam.json").is_file()


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b'{"broken": \n', ":3: not valid JSON"),
        (b'{"id": "zz"}\n', ":3, field 'session': required"),
        (
            b'{"id": "zz", "session": {"turns": [{"speaker": "bot", "text": "hi"}]}}\n',
            ":3, field 'session.turns.0.speaker'",
        ),
        (b"\xff\xfe\n", ":3: not UTF-8 text"),
    ],
)
def test_export_names_the_file_and_line_of_a_bad_dataset_row(
    tmp_path: Path, tail: bytes, message: str
) -> None:
    folder = tmp_path / "ds"
    made = runner.invoke(
        app, ["synth", "cactus", "--n", "2", "--out", str(folder), "--no-progress"]
    )
    assert made.exit_code == 0, made.output
    dataset = folder / "dataset.jsonl"
    assert len(dataset.read_text().splitlines()) == 2
    with dataset.open("ab") as fh:
        fh.write(tail)
    result = runner.invoke(app, ["export", str(folder), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert f"error: {dataset}{message}" in flat(result)
    assert "internal error" not in result.output


def test_profiles_validate_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe")
    result = runner.invoke(app, ["profiles", "validate", str(binary)])
    assert result.exit_code == 1, result.output
    out = flat(result)
    assert f"✗ {binary}: not UTF-8 text" in out and "1 of 1 profile(s) invalid" in out
