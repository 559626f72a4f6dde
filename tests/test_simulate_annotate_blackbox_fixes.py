"""Fixes from black-box test s35/e1 for `simulate`, `annotate` and `screen`.

- Finding 2: `simulate --resume` refuses sessions made with other options (guardrail, max
  turns, course length …), naming the option, exit 2, nothing written.
- Finding 12: `simulate` without --resume refuses to overwrite a file that holds sessions
  (--force overwrites).
- Finding 7: the coders' non-English input is marked `unread_language` with a warning.
- Finding 13: `annotate` lists every input problem (up to 20) in line order; a transcripts
  file gets a hint.
- Finding 14: empty input exits 2 for `annotate` and `screen`; `screen` says what it wrote.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.evaluate.language import language_check, unread_language, unread_share

runner = CliRunner()

# two counselors, two clients, short sessions: a few seconds at most
SIM = ["simulate", "-c", "cbt,mi", "--per-counselor", "2", "--max-turns", "10", "--no-progress"]


def flat(result: object) -> str:
    return " ".join(result.output.split())  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("ref") / "t.jsonl"
    made = runner.invoke(app, [*SIM, "--out", str(out)])
    assert made.exit_code == 0, made.output
    return out.read_bytes()


def _interrupted(tmp_path: Path, reference: bytes, keep: int = 2) -> Path:
    """A transcripts file cut after `keep` sessions, as a failed run leaves it."""
    out = tmp_path / "t.jsonl"
    out.write_bytes(b"".join(reference.splitlines(keepends=True)[:keep]))
    return out


# --- finding 2: resume refuses other options ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "option"),
    [
        (["--no-guardrail"], "--no-guardrail"),
        (["--max-turns", "6"], "--max-turns"),
        (["--locale", "en-GB"], "--locale"),
    ],
)
def test_resume_with_another_setting_is_refused_naming_it(
    tmp_path: Path, reference: bytes, change: list[str], option: str
) -> None:
    out = _interrupted(tmp_path, reference)
    before = out.read_bytes()
    result = runner.invoke(app, [*SIM, *change, "--out", str(out), "--resume"])
    assert result.exit_code == 2, result.output
    assert option in flat(result) and "made with other options" in flat(result)
    assert out.read_bytes() == before  # nothing written
    assert not out.with_name("t.jsonl.partial").exists()


def test_resume_of_unguarded_sessions_with_the_guardrail_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    made = runner.invoke(app, [*SIM, "--no-guardrail", "--out", str(out)])
    assert made.exit_code == 0, made.output
    out.write_bytes(b"".join(out.read_bytes().splitlines(keepends=True)[:2]))
    result = runner.invoke(app, [*SIM, "--out", str(out), "--resume"])
    assert result.exit_code == 2, result.output
    assert "--no-guardrail" in flat(result) and "made without the crisis guardrail" in flat(result)


def test_resume_with_a_longer_max_turns_is_refused(tmp_path: Path, reference: bytes) -> None:
    """Sessions cut at 10 utterances would have gone on under --max-turns 40."""
    out = _interrupted(tmp_path, reference, keep=3)
    result = runner.invoke(app, [*SIM, "--max-turns", "40", "--out", str(out), "--resume"])
    assert result.exit_code == 2, result.output
    assert "--max-turns" in flat(result)


def test_resume_of_a_course_with_another_length_is_refused(tmp_path: Path) -> None:
    args = ["simulate", "-c", "cbt", "--per-counselor", "1", "--max-turns", "8", "--no-progress"]
    out = tmp_path / "t.jsonl"
    made = runner.invoke(app, [*args, "--sessions", "2", "--out", str(out)])
    assert made.exit_code == 0, made.output
    out.write_bytes(out.read_bytes().splitlines(keepends=True)[0])
    result = runner.invoke(app, [*args, "--sessions", "3", "--out", str(out), "--resume"])
    assert result.exit_code == 2, result.output
    assert "--sessions" in flat(result) and "course of 2 session(s)" in flat(result)


def test_resume_with_the_same_options_is_the_uninterrupted_file(
    tmp_path: Path, reference: bytes
) -> None:
    out = _interrupted(tmp_path, reference, keep=3)
    result = runner.invoke(app, [*SIM, "--out", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert "3 kept from before" in result.output
    assert out.read_bytes() == reference


def test_resume_keeps_scripted_counselors_scripted_beside_a_model_one(tmp_path: Path) -> None:
    """With `llm:cbt,mi` only llm:cbt is model-backed; a resume whose remaining sessions are
    all mi's must keep them scripted (the whole line-up decides), so the file is the same."""
    args = [
        *("simulate", "-c", "llm:cbt,mi", "--model-role", "counselor=mock/x"),
        *("--per-counselor", "2", "--max-turns", "4", "--no-progress", "--no-cache"),
    ]
    whole = tmp_path / "whole.jsonl"
    made = runner.invoke(app, [*args, "--out", str(whole)])
    assert made.exit_code == 0, made.output
    out = _interrupted(tmp_path, whole.read_bytes(), keep=2)  # both llm:cbt sessions
    resumed = runner.invoke(app, [*args, "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert out.read_bytes() == whole.read_bytes()


# --- finding 12: no silent overwrite -------------------------------------------------------


def test_simulate_refuses_to_overwrite_sessions_without_force(
    tmp_path: Path, reference: bytes
) -> None:
    out = tmp_path / "t.jsonl"
    out.write_bytes(reference)
    result = runner.invoke(app, [*SIM, "--per-counselor", "1", "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = flat(result)
    assert "already holds 4 session(s)" in text and "--resume" in text and "--force" in text
    assert out.read_bytes() == reference
    forced = runner.invoke(app, [*SIM, "--per-counselor", "1", "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(out.read_text().splitlines()) == 2


def test_simulate_writes_over_an_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    out.write_text("\n")
    result = runner.invoke(app, [*SIM, "--per-counselor", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output


# --- finding 7: text the coders cannot read ------------------------------------------------

FOREIGN = [
    {"id": "s1", "speaker": "counselor", "text": "¿Qué te trae hoy por aquí?"},
    {"id": "s2", "speaker": "counselor", "text": "Tell me more."},
    {"id": "s3", "speaker": "counselor", "text": "Was führt Sie heute zu mir?"},
    {"id": "s4", "speaker": "client", "text": "Okay."},
]


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_annotate_mi_marks_text_in_another_language(tmp_path: Path) -> None:
    src = _write(tmp_path / "u.jsonl", FOREIGN)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", "mi", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["s1", "s2", "s3", "s4"]
    assert rows[0]["language"] == "es" and rows[0]["unread_language"] is True
    assert rows[2]["language"] == "de" and rows[2]["unread_language"] is True
    assert "code" in rows[0]  # the code is kept
    assert "unread_language" not in rows[1] and "unread_language" not in rows[3]
    assert "2 of 4 utterance(s) are not English" in flat(result)


def test_annotate_empathy_marks_text_in_another_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from theralab.cli import annotate
    from theralab.coding.empathy import EmpathyScores

    class Fake:
        name = "fake"

        def score_batch(self, pairs: list[tuple[str, str]]) -> list[EmpathyScores]:
            return [EmpathyScores(0, 0, 0, (1.0, 1.0, 1.0)) for _ in pairs]

    monkeypatch.setattr(annotate, "semantic_available", lambda: True)
    monkeypatch.setattr(annotate, "empathy_coder_available", lambda: True)
    monkeypatch.setattr(annotate, "EmpathyCoder", Fake)
    monkeypatch.setattr(annotate, "disk_cache", lambda on: contextlib.nullcontext())
    src = _write(
        tmp_path / "p.jsonl",
        [
            {
                "id": "p1",
                "seeker": "Me siento muy solo.",
                "response": "Lo siento mucho, debe ser muy difícil.",
            },
            {"id": "p2", "seeker": "I feel alone.", "response": "That sounds so lonely."},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", "empathy", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert rows[0]["unread_language"] is True and rows[0]["language"] == "es"
    assert "unread_language" not in rows[1]
    assert "1 of 2 response(s) are not English" in flat(result)


SHORT_ENGLISH = [
    "Okay.",
    "Mm-hmm.",
    "Tell me more.",
    "Right.",
    "I see.",
    "Go on.",
    "Uh-huh.",
    "So you feel stuck.",
    "That sounds hard.",
    "Take your time.",
    "What else?",
    "Say more about that.",
]


def test_short_english_is_never_unread() -> None:
    assert [t for t in SHORT_ENGLISH if unread_language(t)] == []
    assert unread_share(SHORT_ENGLISH) == 0.0
    assert unread_share([]) is None


def test_language_check_for_the_miti_summary() -> None:
    texts = ["¿Qué te trae hoy por aquí?", "¿Cómo te sientes con eso hoy?", *SHORT_ENGLISH[:3]]
    found = language_check(texts)
    assert found.n == 5 and found.unread == 2 and found.languages == {"es": 2}
    assert found.low_confidence and "2 of 5" in found.reason
    assert not language_check(SHORT_ENGLISH).low_confidence
    assert found.share == pytest.approx(0.4)


# --- finding 13: every problem, in line order ----------------------------------------------


def test_annotate_lists_every_problem_in_line_order(tmp_path: Path) -> None:
    src = tmp_path / "utt.jsonl"
    good = json.dumps({"id": "u1", "speaker": "counselor", "text": "How are you?"})
    src.write_text(
        "\n".join(
            [
                good,
                json.dumps({"id": "u2", "speaker": "counselor", "text": ""}),
                json.dumps({"id": "u3", "speaker": "therapist", "text": "Hi."}),
                "{not json",
            ]
        )
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", "mi", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 2
    text = result.output
    at = [text.find(f"{src}:{n}") for n in (2, 3, 4)]
    assert all(i >= 0 for i in at) and at == sorted(at), text
    assert "3 problem(s)" in flat(result) and "not valid JSON" in text
    assert not out.exists()


def test_annotate_stops_listing_at_twenty(tmp_path: Path) -> None:
    src = tmp_path / "utt.jsonl"
    src.write_text("".join("{bad\n" for _ in range(30)))
    result = runner.invoke(app, ["annotate", "mi", str(src), "--no-progress"])
    assert result.exit_code == 2
    assert result.output.count("not valid JSON") == 20
    assert "the first 20 problems" in flat(result)


def test_annotate_mi_on_a_transcripts_file_says_so(tmp_path: Path, reference: bytes) -> None:
    src = tmp_path / "t.jsonl"
    src.write_bytes(reference)
    result = runner.invoke(app, ["annotate", "mi", str(src), "--no-progress"])
    assert result.exit_code == 2
    text = flat(result)
    assert "looks like a transcripts file" in text and "utterance lines" in text
    assert "theralab evaluate" in text


# --- finding 14: empty input, and what screen wrote ---------------------------------------


@pytest.mark.parametrize(
    "command",
    [["annotate", "mi"], ["annotate", "empathy"], ["screen"]],
    ids=" ".join,
)
def test_empty_input_exits_2(tmp_path: Path, command: list[str]) -> None:
    src = tmp_path / "empty.jsonl"
    src.write_text("\n\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, [*command, str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 2, result.output
    assert "the input is empty" in flat(result)
    assert not out.exists()


def test_screen_counts_the_lines_it_wrote(tmp_path: Path, reference: bytes) -> None:
    src = tmp_path / "t.jsonl"
    src.write_bytes(b"".join(reference.splitlines(keepends=True)[:2]))
    out = tmp_path / "risk.jsonl"
    result = runner.invoke(app, ["screen", str(src), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    written = len(out.read_text().splitlines())
    assert written > 2  # one line per client turn
    assert f"{written} line(s) written (2 transcript(s): {written} client turn(s))" in flat(result)


def test_screen_help_says_what_each_input_gives() -> None:
    result = runner.invoke(app, ["screen", "--help"])
    assert result.exit_code == 0
    text = flat(result)
    assert "one JSON line out per input line" not in text
    assert "one line per client turn" in text and "one line for the whole file" in text


def test_starting_afresh_over_an_interrupted_journal_is_refused(tmp_path: Path) -> None:
    """The journal of an interrupted simulate (OUT.partial) used to be deleted without a word
    by a rerun without --resume, losing every session it kept."""
    out = tmp_path / "t.jsonl"
    args = ["simulate", "-c", "cbt", "--per-counselor", "2", "--no-progress"]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "whole.jsonl")])
    assert first.exit_code == 0, first.output
    journal = tmp_path / "t.jsonl.partial"
    journal.write_text((tmp_path / "whole.jsonl").read_text().splitlines()[0] + "\n")
    refused = runner.invoke(app, [*args, "--out", str(out)])
    assert refused.exit_code == 2
    assert "interrupted simulate" in refused.output and "--resume" in refused.output
    assert journal.is_file() and not out.exists()
    forced = runner.invoke(app, [*args, "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert not journal.exists() and len(out.read_text().splitlines()) == 2


def test_screen_lists_every_bad_line_in_order(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "hi"}\nnot json\n{"id": 3, "text": "x"}\n{"id": "b"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "risk.jsonl"
    result = runner.invoke(app, ["screen", str(bad), "--out", str(out), "--no-progress"])
    assert result.exit_code == 2
    text = result.output
    assert "3 problem(s)" in text
    assert text.index("bad.jsonl:2") < text.index("bad.jsonl:3") < text.index("bad.jsonl:4")
    assert not out.exists()
