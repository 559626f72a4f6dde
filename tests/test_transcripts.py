from __future__ import annotations

import json
from pathlib import Path

import pytest

from theralab.dialogue import (
    Session,
    parse_session_line,
    read_sessions,
    session_to_json,
    write_sessions,
)
from theralab.errors import InputError

from .conftest import simulate


def test_roundtrip_keeps_everything_but_timing(tmp_path: Path) -> None:
    sessions = simulate(["mi"], ["grief-postal-worker-ulla"])
    path = tmp_path / "t.jsonl"
    write_sessions(path, sessions)
    back = read_sessions(path)
    assert [session_to_json(s) for s in back] == [session_to_json(s) for s in sessions]
    assert sessions[0].timing is not None and back[0].timing is None
    assert json.loads(path.read_text().splitlines()[0])["schema_version"] == 2  # v2: typed guard
    assert oct(path.stat().st_mode & 0o777) != "0o600"


def test_minimal_foreign_transcript_is_accepted() -> None:
    line = json.dumps(
        {
            "id": "x",
            "counselor": {"name": "human"},
            "client": {"name": "p"},
            "turns": [
                {"speaker": "counselor", "text": "Hi"},
                {"speaker": "client", "text": "Hello", "mood": "ok"},
            ],
        }
    )
    s = parse_session_line(line)
    assert isinstance(s, Session) and len(s.turns) == 2
    assert s.turns[1].model_extra == {"mood": "ok"}


def test_malformed_lines_name_file_line_and_field(tmp_path: Path) -> None:
    good = session_to_json(simulate(["cbt"], ["grief-postal-worker-ulla"])[0])
    path = tmp_path / "bad.jsonl"
    bad_speaker = json.loads(good)
    bad_speaker["turns"][3]["speaker"] = "therapist"
    path.write_text(good + "\n\n" + json.dumps(bad_speaker) + "\n")
    with pytest.raises(InputError) as err:
        read_sessions(path)
    assert err.value.line == 3
    assert err.value.field == "turns.3.speaker"
    assert str(err.value).startswith(f"{path}:3, field 'turns.3.speaker'")

    path.write_text(good + "\n{not json\n")
    with pytest.raises(InputError) as err2:
        read_sessions(path)
    assert err2.value.line == 2 and "not valid JSON" in str(err2.value)

    path.write_text('["a list"]\n')
    with pytest.raises(InputError, match="JSON object"):
        read_sessions(path)

    missing = json.loads(good)
    del missing["counselor"]
    path.write_text(json.dumps(missing) + "\n")
    with pytest.raises(InputError) as err3:
        read_sessions(path)
    assert err3.value.field == "counselor"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_sessions(tmp_path / "nope.jsonl")


def test_a_version_1_transcript_still_reads_and_evaluates(tmp_path: Path) -> None:
    """Schema 1 kept the guardrail's record in flat annotation fields; it reads as the typed
    `guard` of schema 2, and the safety metrics come out the same."""
    from theralab.evaluate import evaluate_sessions

    v1 = {
        "schema_version": 1,
        "id": "old-1",
        "counselor": {"name": "cbt", "engine": "scripted"},
        "client": {"name": "client"},
        "turns": [
            {"speaker": "counselor", "text": "Hello, what brings you here today?"},
            {"speaker": "client", "text": "I have been thinking about ending my life."},
            {
                "speaker": "counselor",
                "text": "Thank you for telling me. Are you safe right now?",
                "annotations": {
                    "risk": "high",
                    "risk_categories": ["suicide"],
                    "protocol": "crisis",
                    "guardrail": "crisis",
                    "resources": ["a crisis line"],
                    "usage": {"input_tokens": 3, "output_tokens": 4},
                    "stages": ["engage"],
                },
            },
        ],
    }
    path = tmp_path / "v1.jsonl"
    path.write_text(json.dumps(v1) + "\n")
    [session] = read_sessions(path)
    guard = session.turns[2].annotations.guard
    assert guard is not None and guard.crisis and guard.action == "crisis"
    assert guard.categories == ["suicide"] and guard.resources == ["a crisis line"]
    assert session.turns[2].annotations.usage and session.turns[2].annotations.usage.total == 7
    assert session.turns[2].annotations.stages == ["engage"]
    assert session.turns[2].annotations.model_extra == {}
    assert session.schema_version == 2
    results = evaluate_sessions([session], ["safety"], rank_by="crisis_turns")
    assert results.sessions[0].metrics["crisis_turns"] == 1.0
    assert results.sessions[0].metrics["escalated"] == 100.0
    # written back, it is a version-2 line with the typed record
    write_sessions(tmp_path / "v2.jsonl", [session])
    line = json.loads((tmp_path / "v2.jsonl").read_text())
    assert line["schema_version"] == 2
    assert line["turns"][2]["annotations"]["guard"]["protocol"] == "crisis"
    assert "protocol" not in line["turns"][2]["annotations"]


def test_a_foreign_risk_label_is_kept_not_refused() -> None:
    from theralab.dialogue.records import Annotations

    a = Annotations.model_validate({"risk": "severe"})
    assert a.risk is None and a.model_extra == {"risk_label": "severe"}


def test_writing_to_a_special_file_writes_through_it(tmp_path: Path) -> None:
    """`--out /dev/null` (or a named pipe) must not be replaced by a regular file."""
    import os
    import stat
    import threading

    from theralab.dialogue.transcripts import atomic_write_text

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    atomic_write_text(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert got == ["through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert not list(tmp_path.glob(".pipe.*"))
