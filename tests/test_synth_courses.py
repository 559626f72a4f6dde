"""Datasets of courses: `theralab synth cactus --sessions K` writes each course as K consecutive
rows with one client, in order, resumably; dropouts' later sessions are skipped, not failed;
an export keeps a course in one split and gives later sessions the counselor's notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from theralab.synth import LocalExecutor, SynthConfig, synthesize
from theralab.synth.export import export_dataset, split_key
from theralab.synth.pipeline import scan_rows


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def config(**kw: Any) -> SynthConfig:
    base: dict[str, Any] = {
        "n": 9,
        "counselors": ["cbt", "mi"],
        "seed": 4,
        "max_turns": 16,
        "sessions": 3,
    }
    return SynthConfig(**(base | kw))


def test_a_course_is_consecutive_rows_with_one_client_in_order(tmp_path: Path) -> None:
    result = synthesize(config(), tmp_path / "ds", LocalExecutor(concurrency=4))
    assert result.failed == 0
    made = sorted(rows(tmp_path / "ds" / "rows.jsonl"), key=lambda r: r["index"])
    assert [r["course"] for r in made[:3]] == [
        {"course": 0, "session": k, "of": 3} for k in (1, 2, 3)
    ]
    for c in range(3):
        course = made[3 * c : 3 * c + 3]
        assert len({json.dumps(r["profile"], sort_keys=True) for r in course}) == 1
        assert len({r["counselor"] for r in course}) == 1
        ok = [r for r in course if r["status"] == "ok"]
        assert [r["session"]["course"]["index"] for r in ok] == list(range(1, len(ok) + 1))
    assert {made[0]["counselor"], made[3]["counselor"]} == {"cbt", "mi"}
    # the folder name of a one-session dataset does not change with courses
    assert (
        config(sessions=1).digest()
        == SynthConfig(n=9, counselors=["cbt", "mi"], seed=4, max_turns=16).digest()
    )
    assert config().digest() != config(sessions=1).digest()


def test_course_rows_are_the_same_whatever_the_concurrency(tmp_path: Path) -> None:
    synthesize(config(), tmp_path / "a", LocalExecutor(concurrency=4))
    synthesize(config(), tmp_path / "b", LocalExecutor(concurrency=1))
    a = rows(tmp_path / "a" / "dataset.jsonl")
    b = rows(tmp_path / "b" / "dataset.jsonl")
    assert a == b and a


def test_a_dropout_skips_the_rest_of_the_course_and_is_not_redone(tmp_path: Path) -> None:
    cfg = config(counselors=["directive"], n=6)
    first = synthesize(cfg, tmp_path / "ds", LocalExecutor())
    statuses = {i: s for i, (s, _) in scan_rows(tmp_path / "ds" / "rows.jsonl").items()}
    assert "skipped" in statuses.values()
    assert first.failed == 0
    again = synthesize(cfg, tmp_path / "ds", LocalExecutor())
    assert again.made == 0  # skipped rows are final
    card = json.loads((tmp_path / "ds" / "datacard.json").read_text())
    assert card["dropped"].get("client dropped out of the course", 0) == list(
        statuses.values()
    ).count("skipped")


def test_a_resumed_course_dataset_matches_an_uninterrupted_one(tmp_path: Path) -> None:
    cfg = config()
    folder = tmp_path / "ds"
    synthesize(cfg, folder, LocalExecutor())
    lines = (folder / "rows.jsonl").read_text().splitlines(keepends=True)
    (folder / "rows.jsonl").write_text("".join(lines[:4]))  # a crash after four rows
    resumed = synthesize(cfg, folder, LocalExecutor(concurrency=2))
    assert resumed.made == 9 - 4
    reference = tmp_path / "ref"
    synthesize(cfg, reference, LocalExecutor())
    assert rows(reference / "dataset.jsonl") == rows(folder / "dataset.jsonl")


def test_export_keeps_a_course_in_one_split_and_passes_the_notes_on(tmp_path: Path) -> None:
    synthesize(config(n=18), tmp_path / "ds", LocalExecutor())
    export_dataset(tmp_path / "ds", "openai", tmp_path / "out", fractions=(0.5, 0.5))
    later_prompts = []
    for split in ("train", "validation"):
        path = tmp_path / "out" / f"{split}.jsonl"
        for line in path.read_text().splitlines():
            system = json.loads(line)["messages"][0]["content"]
            if "Your notes from earlier sessions" in system:
                later_prompts.append(system)
    assert later_prompts and all("Session 1" in p for p in later_prompts)
    data = rows(tmp_path / "ds" / "dataset.jsonl")
    keys = {split_key(r) for r in data}
    assert len(keys) < len(data)  # rows share their course's key
    assert all(k.startswith("course:") for k in keys)
