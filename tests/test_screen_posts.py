"""Several posts by one person screened as a whole, the screener corpus and its frozen split.
Every message here is written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theralab.cli import app
from theralab.errors import InputError
from theralab.safety import PatternTier, RiskAssessment, RiskLevel, Screener
from theralab.safety.aggregate import aggregate, screen_posts, split_posts
from theralab.safety.corpus import (
    grouped_folds,
    is_frozen,
    load_corpus,
    load_corpus_file,
    split_frozen,
)

runner = CliRunner()

CALM = "Went for a long walk with the dog, the park was lovely this morning."
MODERATE = "Honestly I keep thinking about killing myself when I'm alone at night."


def test_peak_is_kept_however_many_ordinary_posts_follow() -> None:
    levels = [RiskLevel.NONE, RiskLevel.MODERATE, *[RiskLevel.NONE] * 20, RiskLevel.LOW]
    found = aggregate([RiskAssessment(level=lv) for lv in levels])
    assert found.level is RiskLevel.MODERATE
    assert found.posts == 23 and found.risk_posts == 1 and found.concern_posts == 2
    assert found.peak_post == 1 and found.last_risk_post == 22


def test_nothing_found_has_no_peak_post() -> None:
    found = aggregate([RiskAssessment(), RiskAssessment()])
    assert found.level is RiskLevel.NONE and found.peak_post is None
    assert found.last_risk_post is None and found.risk_posts == 0


def test_screen_posts_counts_each_post_on_its_own() -> None:
    screener = Screener([PatternTier()])
    found = screen_posts(screener, [CALM, MODERATE, CALM, MODERATE, CALM])
    assert found.level.at_least(RiskLevel.MODERATE)
    assert found.risk_posts == 2  # the persisting peak is not counted as a risky post
    assert found.post_levels[2] is RiskLevel.NONE
    assert found.last_risk_post == 3


def test_split_posts_takes_non_empty_lines() -> None:
    assert split_posts("first\n\n  second  \nthird") == ["first", "second", "third"]


def test_screen_cli_takes_a_list_of_posts_or_a_text_of_lines(tmp_path: Path) -> None:
    src = tmp_path / "users.jsonl"
    src.write_text(
        json.dumps({"id": "u1", "posts": [CALM, MODERATE, CALM], "team": 3})
        + "\n"
        + json.dumps({"id": "u2", "text": f"{CALM}\n{CALM}"})
        + "\n"
        + json.dumps({"id": "m1", "text": CALM})
        + "\n"
    )
    result = runner.invoke(app, ["screen", str(src), "--tiers", "patterns"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["u1", "u2", "m1"]
    assert rows[0]["level"] == "moderate" and rows[0]["risk_posts"] == 1
    assert rows[0]["post_levels"] == ["none", "moderate", "none"] and rows[0]["team"] == 3
    assert rows[1]["posts"] == 2 and rows[1]["level"] == "none"
    assert "posts" not in rows[2]


def test_screen_cli_rejects_posts_that_are_not_strings(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "u1", "posts": ["fine", 3]}\n')
    result = runner.invoke(app, ["screen", str(src), "--tiers", "patterns"])
    assert result.exit_code == 2
    assert f"{src}:1, field 'posts'" in result.output.replace("\n", "")


def test_screen_cli_explains_sensitivity() -> None:
    result = runner.invoke(app, ["screen", "--help"])
    assert result.exit_code == 0 and "--sensitivity" in result.output
    bad = runner.invoke(app, ["screen", "-", "--sensitivity", "reckless"], input="")
    assert bad.exit_code == 2


# --- the corpus ---------------------------------------------------------------------------


def test_frozen_split_is_stable_and_about_a_fifth() -> None:
    groups = [f"author_{i}" for i in range(2000)]
    frozen = [g for g in groups if is_frozen(g)]
    assert frozen == [g for g in groups if is_frozen(g)]
    assert 0.15 < len(frozen) / len(groups) < 0.25


def test_grouped_folds_keep_a_group_together() -> None:
    folds = grouped_folds(["a", "b", "a", "c", "b"], 5)
    assert folds[0] == folds[2] and folds[1] == folds[4]
    assert all(0 <= f < 5 for f in folds)


def test_a_malformed_corpus_file_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- id: a1\n  group: g1\n  text: fine\n  level: none\n"
        "- id: a2\n  group: g1\n  text: hmm\n  level: severe\n"
    )
    with pytest.raises(InputError) as err:
        load_corpus_file(path)
    assert err.value.line == 8 and err.value.field == "level" and str(path) in str(err.value)


def test_the_shipped_corpus_loads_with_groups_on_one_side_only() -> None:
    messages = load_corpus()
    assert len(messages) >= 600  # the legacy set at least; the corpus adds thousands
    dev, frozen = split_frozen(messages)
    assert {m.group for m in dev}.isdisjoint({m.group for m in frozen})
    assert len({m.id for m in messages}) == len(messages)
