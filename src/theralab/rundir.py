"""A run directory: the one place that knows its file names, and its status record.

`runs/<id>/` holds:

- `run.json` — the run record, the one file that describes the run: its status (`running`,
  `complete`, `failed`, `partial`, `interrupted`), what was planned and what finished, when,
  with which TheraLab, its configuration, its model usage, and which other files it wrote
  (the report reads it);
- `config.json` — everything needed to rerun it (`theralab run --config …`);
- `transcripts.jsonl` — one session per line, in plan order (the journal while it runs);
- `timings.jsonl`, `results.json`, `report.html`, `usage.json` (model roles only),
  `compare.json` (`theralab compare`).

A run that is killed keeps `running` (or, when Python could still say so, `interrupted`) in
its record, so nobody mistakes its results for a finished run's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from theralab.dialogue.transcripts import atomic_write_text
from theralab.version import __version__

RUN_RECORD_VERSION = 2
RunStatus = Literal["running", "complete", "failed", "partial", "interrupted"]


class _File:
    """A file of the run directory, by name: `RunDir(path).results` is `path / "results.json"`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, run: RunDir | None, owner: type | None = None) -> Path:
        if run is None:
            raise AttributeError("a run directory's file needs the run directory")
        return run.path / self.name


class RunDir:
    """The paths of one run directory."""

    RECORD = "run.json"
    CONFIG = "config.json"
    TRANSCRIPTS = "transcripts.jsonl"
    TIMINGS = "timings.jsonl"
    RESULTS = "results.json"
    REPORT = "report.html"
    USAGE = "usage.json"
    COMPARE = "compare.json"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    record = _File(RECORD)
    config = _File(CONFIG)
    transcripts = _File(TRANSCRIPTS)
    timings = _File(TIMINGS)
    results = _File(RESULTS)
    report = _File(REPORT)
    usage = _File(USAGE)
    compare = _File(COMPARE)

    @staticmethod
    def transcripts_of(path: str | Path) -> Path:
        """A transcripts file, given the file itself or a run directory."""
        p = Path(path)
        return p / RunDir.TRANSCRIPTS if p.is_dir() else p

    def files(self) -> list[str]:
        """The run's files that exist now, besides its record, in a fixed order."""
        names = (self.CONFIG, self.TRANSCRIPTS, self.TIMINGS, self.RESULTS, self.REPORT)
        names += (self.USAGE, self.COMPARE)
        return [name for name in names if (self.path / name).is_file()]

    def read_record(self) -> RunRecord | None:
        """The run record, or None for runs made before records (or a garbled one)."""
        if not self.record.is_file():
            return None
        try:
            return RunRecord.model_validate_json(self.record.read_text(encoding="utf-8"))
        except ValueError:
            return None

    def write_record(self, record: RunRecord) -> None:
        atomic_write_text(self.record, record.model_dump_json(indent=1) + "\n")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunRecord(BaseModel):
    """What a run directory holds and whether it is finished."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1, 2] = RUN_RECORD_VERSION
    status: RunStatus
    theralab_version: str = __version__
    config_digest: str
    started_at: str = Field(default_factory=_now)
    finished_at: str | None = None
    planned: int = Field(description="Sessions planned.")
    resumed: int = Field(default=0, description="Finished sessions kept from before.")
    finished: int = Field(default=0, description="Sessions in transcripts.jsonl.")
    failed: int = Field(default=0, description="Sessions that ended in error.")
    dropped: int = Field(default=0, description="Course sessions not held: dropouts.")
    unfinished: int = Field(default=0, description="Planned sessions not run (resume them).")
    message: str | None = Field(default=None, description="Why the run is not complete.")
    config: dict[str, Any] | None = Field(
        default=None, description="The run's configuration, as in config.json (version 2)."
    )
    usage: dict[str, Any] | None = Field(
        default=None, description="Model calls and tokens by role, as in usage.json."
    )
    files: list[str] = Field(
        default_factory=list, description="The files the run wrote beside this record."
    )

    def done(
        self,
        *,
        finished: int,
        failed: int,
        dropped: int,
        unfinished: int,
    ) -> RunRecord:
        """The record of a run that got to its end: complete, failed or partial."""
        status: RunStatus = "complete"
        message = None
        if failed:
            status, message = "failed", f"{failed} session(s) ended in error: --resume redoes them"
        elif unfinished:
            status, message = (
                "partial",
                f"{unfinished} planned session(s) not run (cost limit, or an earlier session "
                "of their course failed): --resume runs them",
            )
        return self.model_copy(
            update={
                "status": status,
                "finished_at": _now(),
                "finished": finished,
                "failed": failed,
                "dropped": dropped,
                "unfinished": unfinished,
                "message": message,
            }
        )

    def interrupted(
        self, why: str, *, finished: int, failed: int, dropped: int, unfinished: int
    ) -> RunRecord:
        """The record of a run stopped before its end, with what its journal kept."""
        return self.model_copy(
            update={
                "status": "interrupted",
                "finished_at": _now(),
                "message": why,
                "finished": finished,
                "failed": failed,
                "dropped": dropped,
                "unfinished": unfinished,
            }
        )
