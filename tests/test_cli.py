"""The `theralab` command, end to end, through Typer's runner and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app

runner = CliRunner()
COMMANDS = [
    ["run"],
    ["simulate"],
    ["evaluate"],
    ["show"],
    ["profiles"],
    ["profiles", "list"],
    ["profiles", "show"],
    ["profiles", "validate"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_run_writes_a_complete_run_directory_and_reruns_identically(tmp_path: Path) -> None:
    args = [
        "run",
        "--clients",
        "3",
        "--counselors",
        "cbt,mi,person_centred",
        "--out",
        str(tmp_path),
        "--no-progress",
    ]
    first = runner.invoke(app, [*args, "--run-id", "a"])
    assert first.exit_code == 0, first.output
    run_dir = tmp_path / "a"
    for name in (
        "config.json",
        "transcripts.jsonl",
        "results.json",
        "timings.jsonl",
        "report.html",
    ):
        assert (run_dir / name).is_file(), name
    assert "Leaderboard" in first.output
    config = json.loads((run_dir / "config.json").read_text())
    assert config["seed"] == 7 and len(config["profiles"]) == 3
    assert set(config["profile_digests"]) == set(config["profiles"])
    results = json.loads((run_dir / "results.json").read_text())
    assert {c["counselor"] for c in results["counselors"]} == {"cbt", "mi", "person_centred"}
    assert len(results["sessions"]) == 9

    again = runner.invoke(
        app,
        [
            "run",
            "--config",
            str(run_dir / "config.json"),
            "--out",
            str(tmp_path),
            "--run-id",
            "b",
            "--no-progress",
        ],
    )
    assert again.exit_code == 0, again.output
    assert (run_dir / "transcripts.jsonl").read_bytes() == (
        tmp_path / "b" / "transcripts.jsonl"
    ).read_bytes()


def test_global_seed_and_out_apply_to_subcommands(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "--seed",
            "3",
            "--out",
            str(tmp_path),
            "run",
            "--clients",
            "2",
            "--counselors",
            "mi",
            "--run-id",
            "g",
            "--no-progress",
            "--no-report",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "g" / "config.json").read_text())["seed"] == 3


def test_run_refuses_to_overwrite_a_run(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "config.json").write_text("{}")
    result = runner.invoke(app, ["run", "--out", str(tmp_path), "--run-id", "x"])
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_unknown_counselor_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--counselors", "freud", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown counselor 'freud'" in result.output


def test_simulate_then_evaluate_then_show(tmp_path: Path) -> None:
    transcripts = tmp_path / "t.jsonl"
    sim = runner.invoke(
        app,
        [
            "simulate",
            "-c",
            "mi",
            "--per-counselor",
            "2",
            "--out",
            str(transcripts),
            "--no-progress",
        ],
    )
    assert sim.exit_code == 0, sim.output
    assert len(transcripts.read_text().splitlines()) == 2
    assert not transcripts.with_name("t.jsonl.partial").exists()
    ev = runner.invoke(
        app, ["evaluate", str(transcripts), "--out", str(tmp_path / "ev"), "--no-report"]
    )
    assert ev.exit_code == 0, ev.output
    assert json.loads((tmp_path / "ev" / "results.json").read_text())["leaderboard"] == ["mi"]
    listing = runner.invoke(app, ["show", str(transcripts), "--list"])
    first_id = listing.output.split()[0]
    shown = runner.invoke(app, ["show", str(transcripts), first_id, "--state"])
    assert shown.exit_code == 0 and "Counselor:" in shown.output and "trust=" in shown.output
    missing = runner.invoke(app, ["show", str(transcripts), "nope"])
    assert missing.exit_code == 2 and "no session nope" in missing.output


def test_simulate_n_counts_sessions_per_counselor(tmp_path: Path) -> None:
    """`--n` is the old name of `--per-counselor` (it counts rows in `synth`): it still works
    and says so."""
    out = tmp_path / "many.jsonl"
    result = runner.invoke(
        app,
        [
            "simulate",
            "-c",
            "cbt,person_centred",
            "--n",
            "45",
            "--out",
            str(out),
            "--no-progress",
            "--max-turns",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(ids) == 90 and len(set(ids)) == 90
    cbt_profiles = [i.split("--")[1] for i in ids if i.startswith("cbt--")]
    assert len(set(cbt_profiles[:42])) == 42  # every client once before any repeat
    assert "--per-counselor" in result.output.replace("\n", "")


def test_evaluate_reports_the_malformed_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "counselor": {"name": "x"}, "client": {"name": "y"}, '
        '"turns": []}\n{"id": "b", "counselor": {"name": "x"}, "client": {}}\n'
    )
    result = runner.invoke(app, ["evaluate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2, field 'client.name'" in result.output.replace("\n", "")


def test_profiles_commands(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["profiles", "list", "--style", "reserved"])
    assert listed.exit_code == 0 and "reserved" in listed.output
    shown = runner.invoke(app, ["profiles", "show", "work-stress-nurse-amara"])
    assert shown.exit_code == 0 and "core_beliefs:" in shown.output
    good = tmp_path / "good.yaml"
    good.write_text(shown.output)
    bad = tmp_path / "bad.yaml"
    bad.write_text(shown.output.replace("receptivity: 4", "receptivity: nine"))
    ok = runner.invoke(app, ["profiles", "validate", str(good)])
    assert ok.exit_code == 0, ok.output
    res = runner.invoke(app, ["profiles", "validate", str(tmp_path)])
    assert res.exit_code == 1
    assert "bad.yaml:" in res.output and "field 'receptivity'" in res.output


def test_installed_entry_point_runs() -> None:
    exe = Path(sys.executable).with_name("theralab")
    if not exe.exists():
        pytest.skip("the theralab script is not installed beside this interpreter")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("theralab ")


def test_ctrl_c_keeps_finished_sessions_and_says_where(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import theralab.cli.run as run_cmd
    from theralab.dialogue import append_session

    from .conftest import simulate

    finished = simulate(["mi"], ["grief-postal-worker-ulla"])[0]

    def interrupted(config, run_dir, **kw):  # type: ignore[no-untyped-def]
        run_dir.mkdir(parents=True, exist_ok=True)
        append_session(run_dir / "transcripts.jsonl", finished)
        raise KeyboardInterrupt

    monkeypatch.setattr(run_cmd, "execute_run", interrupted)
    result = runner.invoke(app, ["run", "--out", str(tmp_path), "--run-id", "k", "--no-progress"])
    assert result.exit_code == 130
    assert "interrupted: 1 finished session(s) kept in" in result.output.replace("\n", "")


def test_debug_shows_the_traceback_of_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only TheraLab's own errors are user errors (exit 2, one line). A bare KeyError or
    ValueError is a bug: exit 1 with one line saying so, or its traceback with --debug."""
    import theralab.cli.measures as measures_cli

    def broken(spec: str) -> None:
        raise ValueError("an injected bug")

    monkeypatch.setattr(measures_cli, "get_instrument", broken)
    quiet = runner.invoke(app, ["measures", "show", "phq9"])
    assert quiet.exit_code == 1 and "an injected bug" in quiet.output
    assert "internal error" in quiet.output and "--debug" in quiet.output
    assert "Traceback" not in quiet.output
    loud = runner.invoke(app, ["--debug", "measures", "show", "phq9"])
    assert isinstance(loud.exception, ValueError) and loud.exit_code == 1
    assert loud.exc_info is not None and loud.exc_info[2] is not None  # the traceback
    monkeypatch.undo()
    unknown = runner.invoke(app, ["--debug", "measures", "show", "no-such-measure"])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output


def test_unknown_names_and_bad_values_are_user_errors() -> None:
    """Names and values the user typed raise TheraLab's own errors (exit 2, one line that
    lists what is known), never a bare KeyError or ValueError that would read as a bug."""
    bad_counselor = runner.invoke(app, ["simulate", "-c", "no-such-counselor", "--n", "1"])
    assert bad_counselor.exit_code == 2, bad_counselor.output
    assert "unknown counselor 'no-such-counselor'" in bad_counselor.output
    assert "internal error" not in bad_counselor.output
    bad_role = runner.invoke(app, ["run", "--model-role", "nonsense", "--no-progress"])
    assert bad_role.exit_code == 2 and "ROLE=SPEC" in bad_role.output
    bad_rank = runner.invoke(app, ["run", "--rank-by", "no.such.metric", "--no-progress"])
    assert bad_rank.exit_code == 2, bad_rank.output


def test_a_run_re_evaluates_to_the_same_results_with_the_default_seed(tmp_path: Path) -> None:
    """One seed default for every command: `theralab evaluate` on a run's transcripts gives
    the run's own results.json (the bootstrap intervals included)."""
    run_args = ["run", "-c", "cbt,mi", "--clients", "6", "--out", str(tmp_path), "--run-id", "r"]
    run = runner.invoke(app, [*run_args, "--no-progress", "--no-report"])
    assert run.exit_code == 0, run.output
    transcripts = str(tmp_path / "r" / "transcripts.jsonl")
    again = runner.invoke(
        app, ["evaluate", transcripts, "--out", str(tmp_path / "e"), "--no-report"]
    )
    assert again.exit_code == 0, again.output
    first = json.loads((tmp_path / "r" / "results.json").read_text())
    second = json.loads((tmp_path / "e" / "results.json").read_text())
    assert first["counselors"] == second["counselors"]
    other = runner.invoke(
        app, ["evaluate", transcripts, "--out", str(tmp_path / "o"), "--no-report", "--seed", "0"]
    )
    assert other.exit_code == 0, other.output
    # the intervals do depend on the seed: the equality above is the default's doing
    assert (
        json.loads((tmp_path / "o" / "results.json").read_text())["counselors"]
        != second["counselors"]
    )


def test_run_config_refuses_options_it_would_ignore(tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"counselors": ["cbt"], "clients": 1}))
    refused = runner.invoke(
        app, ["run", "--config", str(cfg), "--seed", "3", "--clients", "4", "--out", str(tmp_path)]
    )
    assert refused.exit_code == 2
    assert "--seed" in refused.output and "--clients" in refused.output
    assert not any(tmp_path.glob("*/transcripts.jsonl"))
    ran = runner.invoke(
        app, ["run", "--config", str(cfg), "--out", str(tmp_path), "--run-id", "x", "--no-report"]
    )
    assert ran.exit_code == 0, ran.output


def test_simulate_resumes_like_run(tmp_path: Path) -> None:
    """An interrupted simulate (its journal cut mid-line) continues with --resume into the
    same bytes; a journal made by other options is refused, naming the file."""
    out = tmp_path / "t.jsonl"
    args = ["simulate", "-c", "cbt,mi", "--n", "3", "--sessions", "2", "--no-progress"]
    whole = runner.invoke(app, [*args, "--out", str(out)])
    assert whole.exit_code == 0, whole.output
    reference = out.read_text()
    lines = reference.splitlines(keepends=True)
    journal = tmp_path / "t.jsonl.partial"
    journal.write_text("".join(lines[:5]) + lines[5][:40])
    out.unlink()
    resumed = runner.invoke(app, [*args, "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "5 kept from before" in resumed.output
    assert out.read_text() == reference and not journal.exists()
    journal.write_text("".join(lines[:3]))
    other = runner.invoke(app, [*args, "--out", str(out), "--resume", "--seed", "8"])
    assert other.exit_code == 2 and "t.jsonl.partial" in other.output


def test_the_global_out_reaches_report_and_export(tmp_path: Path) -> None:
    run = runner.invoke(
        app, ["run", "-c", "cbt", "--clients", "2", "--out", str(tmp_path), "--run-id", "r"]
    )
    assert run.exit_code == 0, run.output
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    rebuilt = runner.invoke(app, ["--out", str(folder), "report", str(tmp_path / "r")])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert (folder / "report.html").is_file()
    made = runner.invoke(
        app,
        ["synth", "cactus", "--n", "2", "--out", str(tmp_path / "ds"), "--no-progress"],
    )
    assert made.exit_code == 0, made.output
    exported = runner.invoke(app, ["--out", str(tmp_path / "ex"), "export", str(tmp_path / "ds")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "ex" / "train.jsonl").is_file()


def test_the_progress_bar_ends_full_when_clients_drop_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A dropout's unheld sessions count as done on the bar: it does not stop short."""
    from theralab.cli import _common

    steps: list[int] = []
    totals: list[int] = []

    class Recorder:
        def __init__(self, *args: object, **kwargs: object) -> None: ...

        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *exc: object) -> None: ...

        def add_task(self, unit: str, total: int) -> int:
            totals.append(total)
            return 0

        def advance(self, task: int, n: int) -> None:
            steps.append(n)

    monkeypatch.setattr(_common, "progress_bar", lambda *a, **k: Recorder())
    result = runner.invoke(
        app,
        ["simulate", "-c", "directive", "--n", "3", "--sessions", "3", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert totals == [9] and sum(steps) == 9 and any(n > 1 for n in steps)
