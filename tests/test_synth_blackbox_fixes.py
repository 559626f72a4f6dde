"""Fixes from the black-box test of `theralab synth` (session s35/e1, findings 3, 4, 11, 12):
rows waiting for their scoring shard are written on Ctrl-C and the block size is documented,
the data card's figures are over dataset.jsonl only, truncated rows are counted and hinted
at, Ctrl-C says what was kept and how to continue, and a torn last row is cut off."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.synth.config import SynthConfig
from theralab.synth.export import export_dataset
from theralab.synth.pipeline import (
    SCORE_SHARD,
    LocalExecutor,
    make_rows,
    scan_rows,
    synthesize,
)
from theralab.synth.rows import RowMaker

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[1] / "docs" / "synthesis.md"


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def config(**kw: Any) -> SynthConfig:
    base: dict[str, Any] = {"n": 8, "counselors": ["cbt", "mi"], "seed": 4, "max_turns": 12}
    return SynthConfig(**(base | kw))


# --- finding 3: rows waiting for their shard -----------------------------------------------


def test_ctrl_c_scores_and_writes_the_rows_waiting_for_their_shard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C (asyncio cancels the main task) after 5 sessions are simulated, with a shard of
    32: the 5 waiting rows are scored and handed over, the same rows as an uninterrupted run
    makes (before the fix they were lost)."""
    cfg = config(n=12)
    full: list[dict[str, Any]] = []
    asyncio.run(make_rows(cfg, range(cfg.n), full.append, concurrency=1))
    simulate = RowMaker.simulate
    simulated = 0

    async def main() -> list[dict[str, Any]]:
        written: list[dict[str, Any]] = []
        task = asyncio.current_task()
        assert task is not None

        async def counting(self: RowMaker, index: int) -> Any:
            nonlocal simulated
            if simulated == 5:
                task.cancel()  # what asyncio.run does on SIGINT
                await asyncio.sleep(0)
            simulated += 1
            return await simulate(self, index)

        monkeypatch.setattr(RowMaker, "simulate", counting)
        with pytest.raises(asyncio.CancelledError):
            await make_rows(cfg, range(cfg.n), written.append, concurrency=1, shard=SCORE_SHARD)
        return written

    async def outer() -> list[dict[str, Any]]:
        return await asyncio.create_task(main_uncancelled())

    async def main_uncancelled() -> list[dict[str, Any]]:
        try:
            return await main()
        finally:
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()

    written = asyncio.run(outer())
    assert [r["index"] for r in written] == [0, 1, 2, 3, 4]
    assert written == full[:5]


def test_help_and_docs_state_when_scripted_rows_are_written() -> None:
    assert SCORE_SHARD == 32
    shown = runner.invoke(app, ["synth", "cactus", "--help"], terminal_width=200)
    text = " ".join(shown.output.replace("│", " ").split())
    assert "blocks of 32" in text and "Ctrl-C" in text
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert "blocks of 32" in docs
    assert "killing it loses only rows in flight" not in docs


# --- finding 4: the card's figures are over dataset.jsonl ----------------------------------


def test_card_figures_are_over_the_dataset_rows_and_at_risk_rows_are_counted_apart(
    tmp_path: Path,
) -> None:
    cfg = config(
        n=8,
        with_risk=True,
        profiles="library",
        quotas=["problem=financial_stress:1"],  # one calm and one at-risk library client
        counselors=["person_centred"],
        max_turns=24,
    )
    folder = tmp_path / "ds"
    synthesize(cfg, folder, LocalExecutor())
    kept, at_risk = lines(folder / "dataset.jsonl"), lines(folder / "at_risk.jsonl")
    assert kept and at_risk
    card = json.loads((folder / "datacard.json").read_text())
    assert card["kept"] == len(kept) and card["at_risk_split"] == len(at_risk)
    for name, counts in card["distributions"].items():
        if counts:
            assert sum(counts.values()) <= len(kept) or name == "core_belief", name
    assert sum(card["distributions"]["counselor"].values()) == len(kept)
    assert card["distributions"]["risk"] == {"none": len(kept)}
    assert sum(card["at_risk_levels"].values()) == len(at_risk)
    assert all(v["n"] == len(kept) for k, v in card["scores"].items() if k == "r_q")
    assert card["turns"]["max"] == max(len(r["session"]["turns"]) for r in kept)
    md = (folder / "DATACARD.md").read_text()
    assert f"the {len(at_risk)} at-risk rows set aside" in md
    assert f"over the {len(kept)} rows of dataset.jsonl only" in md
    assert "| r_q | " in md and f"| {len(kept)} |" in md
    # the exported Hugging Face card carries the same figures
    export_dataset(folder, "hf", tmp_path / "hf", (0.9, 0.05, 0.05))
    readme = (tmp_path / "hf" / "README.md").read_text()
    assert md in readme
    assert f"counselor**: person_centred {len(kept)} (100%)" in readme


# --- finding 11: truncated dialogues --------------------------------------------------------


def test_card_counts_rows_stopped_at_max_turns_and_synth_says_so(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    cmd = ["synth", "cactus", "--n", "6", "-c", "cbt", "--max-turns", "12", "--out", str(out)]
    done = runner.invoke(app, [*cmd, "--no-progress"])
    assert done.exit_code == 0, done.output
    kept = lines(out / "dataset.jsonl")
    cut = sum(r["session"]["stop_reason"] == "max_turns" for r in kept)
    assert cut * 2 > len(kept)  # twelve utterances never close a scripted session
    card = json.loads((out / "datacard.json").read_text())
    assert card["truncated"] == {"max_turns": 12, "rows": cut}
    md = (out / "DATACARD.md").read_text()
    assert f"Stopped at --max-turns 12 (truncated before the session closed): {cut} of " in md
    said = " ".join(done.output.split())
    assert f"{cut} of {len(kept)} kept rows stopped at --max-turns 12; raise it" in said


# --- finding 12: Ctrl-C message, torn tail --------------------------------------------------


def test_ctrl_c_says_what_was_kept_and_how_to_continue(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    cmd = [str(Path(sys.executable).parent / "theralab"), "synth", "cactus", "--n", "2000"]
    cmd += ["--concurrency", "2", "--out", str(out), "--no-progress"]
    env = {**os.environ, "THERALAB_SEMANTIC": "0", "COLUMNS": "300"}
    # Ctrl-C as a terminal sends it: with SIGINT's default action restored in the child, since
    # a test run started in the background (`make test &`) hands every child SIGINT ignored,
    # and Python then never turns it into KeyboardInterrupt.
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not (out / "synth.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # rows are being made
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    text = " ".join(stderr.split())
    done = sum(status == "ok" for status, _ in scan_rows(out / "rows.jsonl").values())
    assert f"interrupted: {done} of 2000 rows finished and kept in {out / 'rows.jsonl'}" in text
    assert "rerun the same command: theralab synth cactus --n 2000 --concurrency 2" in text
    assert str(out) in text
    lines(out / "rows.jsonl")  # every line a whole row


def test_a_torn_last_row_is_cut_off_and_made_again(tmp_path: Path) -> None:
    cfg = config(n=6)
    synthesize(cfg, tmp_path / "ref", LocalExecutor())
    folder = tmp_path / "ds"
    synthesize(cfg, folder, LocalExecutor())
    journal = folder / "rows.jsonl"
    whole = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(whole[:3]) + whole[3][:200])  # killed mid-write of row 4
    again = synthesize(cfg, folder, LocalExecutor())
    assert again.made == 3  # the torn row is made again
    rows = lines(journal)  # no fragment left in the journal
    assert len(rows) == 6 and sorted(r["index"] for r in rows) == list(range(6))
    for name in ("dataset.jsonl", "at_risk.jsonl", "dropped.jsonl", "datacard.json"):
        assert (folder / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name


def test_a_whole_last_row_without_its_newline_is_kept(tmp_path: Path) -> None:
    cfg = config(n=4)
    folder = tmp_path / "ds"
    synthesize(cfg, folder, LocalExecutor())
    journal = folder / "rows.jsonl"
    whole = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(whole[:2]) + whole[2].rstrip(b"\n"))
    again = synthesize(cfg, folder, LocalExecutor())
    assert again.made == 1  # only the fourth row; the third was whole
    assert len(lines(journal)) == 4
