"""What the exploratory test report found besides H1–H9 (M2, M3, M5–M9, L1, L2, L4–L6): ids
unique within a transcripts file, a client panel never cut without a word, a fallback reply
that says it is one, whole profile ids, one history schema, plain-text posts, an export of
nothing refused, readable help, and one-line errors."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from theralab.cli import app
from theralab.dialogue.records import SCHEMA_VERSION, Outcome, Session
from theralab.dialogue.transcripts import read_lines, session_to_json
from theralab.profiles import builtin_profiles, get_profile

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[1] / "docs"
LORNA = "loneliness-postwoman-lorna"
QUIET = ["--no-progress", "--no-report"]
SESSION = (
    '{"id": "s1", "counselor": {"name": "human", "engine": "human"}, "client": {"name": "v"}, '
    '"turns": [{"speaker": "counselor", "text": "What brings you here today?"}, '
    '{"speaker": "client", "text": "I have been sleeping badly."}]}\n'
)


def flat(result: object) -> str:
    """The command's output on one line (rich wraps long messages)."""
    return " ".join(str(getattr(result, "output", "")).split())


def failing_bot(tmp_path: Path) -> Path:
    """An external bot (a Python function) that raises on every message, named `boom`."""
    module = f"boom_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(
        "def reply(history):\n    raise RuntimeError('bot exploded')\n"
    )
    path = tmp_path / "boom.yaml"
    path.write_text(
        f"kind: python\nname: boom\nfunction: {module}:reply\npath: .\nmax_retries: 0\n"
    )
    return path


# --- M2: session ids unique --------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "simulate"])
def test_a_profile_given_twice_is_refused_before_any_session(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    args = [command, "-c", "cbt", "-p", f"{LORNA},{LORNA}", "--out", str(out), "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"error: --profiles: profile id '{LORNA}' is given twice" in flat(result)
    assert "--repeats" in flat(result)
    assert not out.exists()


def test_two_profile_files_with_one_id_are_refused_naming_both(tmp_path: Path) -> None:
    text = yaml.safe_dump(get_profile(LORNA).model_dump(mode="json"))
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    args = ["run", "-c", "cbt", "-p", f"{tmp_path / 'a.yaml'},{tmp_path / 'b.yaml'}"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "runs"), "--no-progress"])
    assert result.exit_code == 2, result.output
    assert f"({tmp_path / 'a.yaml'} and {tmp_path / 'b.yaml'})" in flat(result)


def test_evaluate_reports_a_duplicated_session_id_with_both_lines(tmp_path: Path) -> None:
    transcripts = tmp_path / "dupid.jsonl"
    transcripts.write_text(SESSION + "\n" + SESSION)
    result = runner.invoke(app, ["evaluate", str(transcripts), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert f"error: {transcripts}:3, field 'id': duplicate id 's1' (first on line 1)" in flat(
        result
    )
    assert not (tmp_path / "o" / "results.json").exists()


# --- M3: --clients above the library -----------------------------------------------------


def test_run_refuses_more_clients_than_the_library_has(tmp_path: Path) -> None:
    library = len(builtin_profiles())
    args = ["run", "-c", "cbt", "--clients", str(library + 12), "--out", str(tmp_path / "r")]
    result = runner.invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 2, result.output
    out = flat(result)
    assert f"--clients {library + 12}: the built-in library has {library} clients" in out
    assert "--repeats" in out and not (tmp_path / "r").exists()
    assert f"({library};" in " ".join(runner.invoke(app, ["run", "--help"]).output.split())


# --- M5: reply with a failing bot --------------------------------------------------------


def test_reply_says_when_its_reply_is_the_guardrails_fallback(tmp_path: Path) -> None:
    bot = failing_bot(tmp_path)
    args = ["reply", "-c", f"ext:{bot}", "-m", "I can't sleep", "--tiers", "patterns"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout.splitlines()[0])
    assert out["fallback"] is True
    assert out["reasons"] and out["reasons"][0].startswith("counselor_error:")
    assert "bot exploded" in out["reasons"][0]
    assert out["resources"] and all(r.split(":")[0] in out["reply"] for r in out["resources"])
    assert "the guardrail's safe reply was printed in its place" in flat(result)
    unguarded = runner.invoke(app, [*args, "--no-guardrail"])
    assert unguarded.exit_code == 1 and "internal error" not in unguarded.output
    assert "failed: " in flat(unguarded) and "bot exploded" in flat(unguarded)


def test_a_real_reply_is_no_fallback() -> None:
    result = runner.invoke(
        app, ["reply", "-c", "cbt", "-m", "Work has been busy.", "--tiers", "patterns"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["fallback"] is False and out["reasons"] == []


# --- M6: profiles list -------------------------------------------------------------------


def test_profiles_list_never_cuts_an_id_and_lists_json() -> None:
    ids = [p.id for p in builtin_profiles(include_conditions=True)]
    table = runner.invoke(app, ["profiles", "list"])
    assert table.exit_code == 0, table.output
    shown = {line.split("│")[1].strip() for line in table.output.splitlines() if "│" in line}
    assert set(ids) <= shown
    listed = runner.invoke(app, ["profiles", "list", "--json", "--condition", "none"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [r["id"] for r in rows] == [p.id for p in builtin_profiles()]
    assert set(rows[0]) >= {"id", "name", "problem", "style", "stage", "condition"}


# --- M7: one history schema --------------------------------------------------------------


def test_reply_history_takes_speaker_as_transcripts_do(tmp_path: Path) -> None:
    chat = tmp_path / "h.jsonl"
    chat.write_text(
        '{"speaker": "client", "text": "I have been thinking about ending my life"}\n'
        '{"speaker": "counselor", "text": "Thank you for telling me."}\n'
        '{"role": "client", "text": "can we talk about football instead"}\n'
    )
    result = runner.invoke(
        app, ["reply", "-c", "mi", "--history", str(chat), "--tiers", "patterns"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["protocol"] == "crisis"
    both = tmp_path / "both.jsonl"
    both.write_text('{"speaker": "client", "role": "counselor", "text": "hi"}\n')
    err = runner.invoke(app, ["reply", "-c", "mi", "--history", str(both), "-m", "hi"])
    assert err.exit_code == 2 and "speaker and role disagree" in flat(err)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"speaker": "therapist", "text": "hi"}\n')
    err = runner.invoke(app, ["reply", "-c", "mi", "--history", str(bad), "-m", "hi"])
    assert err.exit_code == 2 and f"{bad}:1, field 'speaker'" in flat(err)


# --- M8: a plain text file of posts ------------------------------------------------------


def test_screen_reads_a_plain_text_file_as_one_persons_posts(tmp_path: Path) -> None:
    posts = tmp_path / "posts.txt"
    posts.write_text("I feel fine today\n\nI have the pills ready for tonight\n")
    result = runner.invoke(app, ["screen", str(posts), "--tiers", "patterns"])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["id"] == str(posts) and row["posts"] == 2
    assert row["post_levels"] == ["none", "imminent"]
    piped = runner.invoke(app, ["screen", "-", "--tiers", "patterns"], input="one\ntwo\n")
    assert piped.exit_code == 0 and json.loads(piped.output)["id"] == "-"
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "text": \n')  # JSONL, if broken: still a JSON error
    err = runner.invoke(app, ["screen", str(broken), "--tiers", "patterns"])
    assert err.exit_code == 2 and f"{broken}:1: not valid JSON" in flat(err)


# --- M9: export of nothing ---------------------------------------------------------------


def test_export_of_a_dataset_without_rows_fails_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "dataset.jsonl").write_text("\n")
    target = tmp_path / "x"
    result = runner.invoke(app, ["export", str(tmp_path / "ds"), "--out", str(target)])
    assert result.exit_code == 1, result.output
    assert "error: nothing to export: dataset.jsonl" in flat(result)
    assert not target.exists()


# --- L1, L2: help ------------------------------------------------------------------------


def test_help_shows_whole_option_names_and_placeholders() -> None:
    wanted = {
        ("simulate",): ["--max-connections"],
        ("run",): ["--max-session-tokens", "llm:<name>"],
        ("evaluate",): ["--judge-temperature", f"schema v{SCHEMA_VERSION}"],
        ("synth", "cactus"): ["datasets/<recipe>-<configuration hash>"],
        ("export",): ["DATASET/export-<format>"],
    }
    for command, needles in wanted.items():
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, result.output
        for needle in needles:
            assert needle in result.output, (command, needle)
    assert (
        DOCS.joinpath("transcript-schema.md")
        .read_text()
        .startswith(f"# Transcript schema, version {SCHEMA_VERSION}\n")
    )


def _helps(command: Any, path: str = "theralab") -> list[tuple[str, str]]:
    """(where, help text) of a command, its options and arguments, and its subcommands."""
    found = [(path, command.help or "")]
    found += [(f"{path} {p.name}", getattr(p, "help", None) or "") for p in command.params]
    for name, sub in getattr(command, "commands", {}).items():
        found += _helps(sub, f"{path} {name}")
    return found


def test_no_help_text_has_a_placeholder_markdown_would_eat() -> None:
    """Help is Markdown: a bare `<name>` is an HTML tag, dropped. Placeholders go in backticks."""
    helps = _helps(typer.main.get_command(app))
    assert len(helps) > 200  # every command and option was reached
    bare = []
    for where, text in helps:
        outside_code = re.sub(r"`[^`]*`", "", text)
        bare += [(where, m) for m in re.findall(r"<[A-Za-z][^>]*>", outside_code)]
    assert bare == []


# --- L4: user names are not markup -------------------------------------------------------


def test_a_bot_label_is_printed_as_it_is(tmp_path: Path) -> None:
    bot = failing_bot(tmp_path)
    args = ["run", "-c", f"ext:{bot}", "--clients", "1", "--out", str(tmp_path / "runs")]
    result = runner.invoke(app, [*args, "--no-progress", "--no-report"])
    assert result.exit_code == 1, result.output
    assert "model ext:boom: 0 calls" in result.output and "💥" not in result.output
    missing = runner.invoke(app, ["profiles", "show", ":boom:[bold]x"])
    assert missing.exit_code == 2 and "':boom:[bold]x'" in flat(missing)


# --- L5: outcome as written and as documented --------------------------------------------


def test_outcome_is_written_as_the_schema_document_says() -> None:
    base = json.loads(SESSION)
    ok = Session.model_validate({**base, "outcome": Outcome(turns=2).model_dump()})
    failed = Session.model_validate({**base, "outcome": Outcome(turns=0, error="x").model_dump()})
    assert json.loads(session_to_json(ok))["outcome"] == {"turns": 2}
    assert json.loads(session_to_json(failed))["outcome"] == {"turns": 0, "error": "x"}
    [row] = [
        line
        for line in DOCS.joinpath("transcript-schema.md").read_text().splitlines()
        if line.startswith("| `outcome` |")
    ]
    assert '`{"turns": int}`, plus `"error": str` for a session that failed' in row


# --- L6: one-line errors -----------------------------------------------------------------


def test_a_line_that_is_not_utf8_is_named_by_its_line(tmp_path: Path) -> None:
    messages = tmp_path / "l.jsonl"
    messages.write_bytes(b'{"id": "a", "text": "ok"}\r\n{"id": "b", "text": "caf\xe9"}\n')
    result = runner.invoke(app, ["screen", str(messages), "--tiers", "patterns"])
    assert result.exit_code == 2, result.output
    assert f"error: {messages}:2: not UTF-8 text" in flat(result)
    piped = runner.invoke(app, ["screen", "-", "--tiers", "patterns"], input=messages.read_bytes())
    assert piped.exit_code == 2 and "error: <stdin>:2: not UTF-8 text" in flat(piped)
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes(b'{"id": "a"}\r\n\r\n{"id": "b"}\r\n')
    assert list(read_lines(str(crlf))) == [(1, '{"id": "a"}\n'), (3, '{"id": "b"}\n')]


def test_serve_check_names_a_bad_port_in_one_line() -> None:
    result = runner.invoke(app, ["serve", "--check", "--port", "99999"])
    assert result.exit_code == 2, result.output
    assert "--port" in result.output and "65535" in result.output
    assert "validation error for" not in result.output and "pydantic" not in result.output


def test_corrupt_results_and_synth_configuration_name_the_field(tmp_path: Path) -> None:
    run = runner.invoke(
        app,
        ["run", "-c", "cbt", "--clients", "1", "--out", str(tmp_path), "--run-id", "r", *QUIET],
    )
    assert run.exit_code == 0, run.output
    results = tmp_path / "r" / "results.json"
    payload = json.loads(results.read_text())
    payload["counselors"][0]["sessions"] = "many"
    results.write_text(json.dumps(payload))
    gate = tmp_path / "g.yaml"
    gate.write_text("checks:\n  - metric: run.sessions\n    min: 1\n")
    for args in (["report", str(tmp_path / "r")], ["gate", str(gate), str(tmp_path / "r")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        out = flat(result)
        assert (
            f"error: {results}, field 'counselors.0.sessions': not a TheraLab results file" in out
        )
        assert "errors.pydantic.dev" not in out
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "synth.json").write_text('{"recipe": "cactus", "n": "lots"}\n')
    synth = runner.invoke(
        app, ["synth", "cactus", "--n", "1", "--out", str(folder), "--no-progress"]
    )
    assert synth.exit_code == 2, synth.output
    out = flat(synth)
    assert f"error: {folder / 'synth.json'}, field 'n': not a TheraLab dataset configuration" in out
    assert "errors.pydantic.dev" not in out


def test_screen_refuses_a_repeated_message_id(tmp_path: Path) -> None:
    """Results are matched back to their inputs by id: a repeated one is an input error that
    names its line and the first."""
    messages = tmp_path / "m.jsonl"
    messages.write_text(
        '{"id": "a", "text": "good morning"}\n'
        '{"id": "b", "text": "hi there"}\n'
        '{"id": "a", "text": "me again"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["screen", str(messages), "--tiers", "patterns"])
    assert result.exit_code == 2
    assert "m.jsonl:3" in result.output and "duplicate id 'a' (first on line 1)" in result.output
