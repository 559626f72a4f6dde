"""A run directory's record (`run.json`): its status says whether the run finished, and a
report of an unfinished run says so at the top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.dialogue.records import Session, StopReason
from theralab.model.stub_server import StubServer
from theralab.rundir import RunDir
from theralab.runs import RunConfig, execute_run

PANEL = ["work-stress-nurse-amara", "grief-postal-worker-ulla", "panic-student-imani"]


def test_a_finished_run_is_complete(tmp_path: Path) -> None:
    cfg = RunConfig(counselors=["cbt", "mi"], profiles=PANEL[:2], cache=False)
    execute_run(cfg, tmp_path / "r")
    record = RunDir(tmp_path / "r").read_record()
    assert record is not None and record.status == "complete"
    assert record.planned == record.finished == 4 and record.failed == 0
    assert record.finished_at is not None and record.message is None
    assert "This run is" not in (tmp_path / "r" / "report.html").read_text()


def test_the_record_describes_the_run_and_the_report_reads_it(tmp_path: Path) -> None:
    """run.json is self-describing (version 2): the configuration, the usage and the files
    beside it; `theralab report` takes the configuration from it; a version-1 record (no
    configuration in it) still reads, and the report then falls back to config.json."""
    cfg = RunConfig(counselors=["cbt"], profiles=PANEL[:2], cache=False, seed=11)
    execute_run(cfg, tmp_path / "r")
    rd = RunDir(tmp_path / "r")
    record = rd.read_record()
    assert record is not None and record.schema_version == 2
    assert record.config == json.loads(rd.config.read_text())
    assert record.config is not None and record.config["seed"] == 11
    assert {"config.json", "transcripts.jsonl", "results.json", "report.html"} <= set(record.files)
    assert record.usage is None  # no model roles: nothing used
    rd.config.unlink()  # the report needs only the record now
    rd.report.unlink()
    rebuilt = CliRunner().invoke(app, ["report", str(tmp_path / "r")])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "<dt>Seed</dt><dd>11</dd>" in rd.report.read_text()
    old = json.loads(rd.record.read_text())
    for key in ("config", "usage", "files"):
        old.pop(key)
    rd.record.write_text(json.dumps({**old, "schema_version": 1}))
    v1 = rd.read_record()
    assert v1 is not None and v1.status == "complete" and v1.config is None


def test_a_run_with_failed_sessions_says_so_in_its_record_and_report(tmp_path: Path) -> None:
    with StubServer(fail_rate=0.3, seed=5) as server:
        cfg = RunConfig(
            counselors=["mi"],
            profiles=PANEL,
            max_turns=8,
            cache=False,
            max_retries=0,
            concurrency=1,
            model_roles={"counselor": "vllm/stub"},
            base_url=server.base_url,
        )
        outcome = execute_run(cfg, tmp_path / "r")
    failed = sum(s.stop_reason is StopReason.ERROR for s in outcome.sessions)
    assert failed > 0
    record = RunDir(tmp_path / "r").read_record()
    assert record is not None and record.status == "failed" and record.failed == failed
    assert record.message and "--resume" in record.message
    html = (tmp_path / "r" / "report.html").read_text()
    assert "This run is failed" in html
    # `theralab report` reads the record too
    (tmp_path / "r" / "report.html").unlink()
    rebuilt = CliRunner().invoke(app, ["report", str(tmp_path / "r")])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "This run is failed" in (tmp_path / "r" / "report.html").read_text()


def test_a_crashed_run_is_recorded_as_interrupted(tmp_path: Path) -> None:
    """Anything that stops the run midway (a crash here; Ctrl-C takes the same path)."""
    cfg = RunConfig(counselors=["cbt"], profiles=PANEL, cache=False, concurrency=1)

    def crash(session: Session) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        execute_run(cfg, tmp_path / "r", on_session=crash)
    record = json.loads((tmp_path / "r" / "run.json").read_text())
    assert record["status"] == "interrupted" and record["message"] == "OSError: disk full"
    assert record["planned"] == 3
