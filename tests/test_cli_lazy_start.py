"""`theralab <command>` imports only that command's module: a screen does not load the
simulator, the counselors, the guardrail or the report (start-up was a third of a short
screening run), and the whole command is still there for `--help`, unknown words and tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from theralab.cli import _COMMANDS, make_app, subcommand_named

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["screen", "x.jsonl"], "screen"),
        (["--seed", "3", "run"], "run"),
        (["--seed=3", "--debug", "reply", "-c", "cbt"], "reply"),
        (["--out", "runs/x", "evaluate", "t.jsonl"], "evaluate"),
        (["--out", "screen", "run"], "run"),  # an option's value is not the command
        (["keys", "create"], "keys"),
        (["export", "d.jsonl"], "export"),
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["scren", "x"], None),  # unknown: the whole command, to suggest and list
    ],
)
def test_the_subcommand_is_read_past_the_root_options(
    args: list[str], expected: str | None
) -> None:
    assert subcommand_named(args) == expected


def _names(app: typer.Typer) -> list[str]:
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    return list(command.commands)


def test_one_command_is_all_that_is_registered_for_it() -> None:
    assert _names(make_app(only="screen")) == ["screen"]
    assert _names(make_app(only="keys")) == ["keys"]


def test_the_whole_command_keeps_every_subcommand() -> None:
    assert sorted(_names(make_app())) == sorted(_COMMANDS)


def _loaded_after(args: list[str], tmp_path: Path) -> set[str]:
    """The theralab modules loaded by the end of `theralab ARGS`, run in a fresh process."""
    probe = tmp_path / "modules.json"
    code = (
        "import atexit, json, sys\n"
        f"atexit.register(lambda: open({str(probe)!r}, 'w').write(json.dumps("
        "[m for m in sys.modules if m.startswith('theralab')])))\n"
        "from theralab.cli import main\n"
        f"sys.argv = ['theralab', *{args!r}]\n"
        "main()\n"
    )
    env = {"PYTHONPATH": str(SRC), "THERALAB_SEMANTIC": "0", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(probe.read_text()))


def test_a_screen_loads_neither_the_simulator_nor_the_guardrail(tmp_path: Path) -> None:
    messages = tmp_path / "m.jsonl"
    messages.write_text(json.dumps({"id": "1", "text": "I want to die tonight"}) + "\n")
    out = tmp_path / "out.jsonl"
    loaded = _loaded_after(
        ["screen", str(messages), "--tiers", "patterns", "--out", str(out)], tmp_path
    )
    assert json.loads(out.read_text())["level"] in {"high", "imminent"}
    assert "theralab.safety.patterns" in loaded
    for heavy in (
        "theralab.runs",
        "theralab.simulate",
        "theralab.counselors",
        "theralab.clients",
        "theralab.report",
        "theralab.safety.guardrail",
        "theralab.safety.reply_check",
        "theralab.serve",
    ):
        assert heavy not in loaded, heavy


def test_a_reply_still_loads_what_it_needs(tmp_path: Path) -> None:
    loaded = _loaded_after(
        ["reply", "-c", "cbt", "-m", "work has been rough lately", "--tiers", "patterns"],
        tmp_path,
    )
    assert {"theralab.safety.guardrail", "theralab.counselors"} <= loaded


def test_the_package_names_still_resolve() -> None:
    import theralab
    import theralab.safety as safety

    assert theralab.RunConfig.__name__ == "RunConfig"
    assert callable(theralab.default_screener)
    assert safety.GuardedCounselor.__name__ == "GuardedCounselor"
    assert set(theralab.__all__) <= set(dir(theralab))
    with pytest.raises(AttributeError):
        _ = theralab.no_such_name  # type: ignore[attr-defined]
