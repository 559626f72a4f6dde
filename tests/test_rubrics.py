"""The built-in rubric files hold the published structure of each instrument."""

from __future__ import annotations

from pathlib import Path

import pytest

from theralab.errors import InputError
from theralab.rubrics import builtin_rubrics, get_rubric, parse_rubric


def test_every_builtin_rubric_loads_with_a_source_and_version() -> None:
    rubrics = builtin_rubrics()
    assert set(rubrics) >= {"ctrs", "panas", "wai", "miti", "cpsycoune", "preference"}
    assert "safety_checks" in rubrics
    for r in rubrics.values():
        assert r.version >= 1 and r.source and r.tag == f"{r.id}@v{r.version}"


def test_ctrs_has_eleven_items_on_0_to_6_and_the_cactus_subset() -> None:
    ctrs = get_rubric("ctrs")
    assert len(ctrs.items) == 11 and (ctrs.scale.min, ctrs.scale.max) == (0, 6)
    assert ctrs.subsets["cactus"] == [
        "understanding",
        "interpersonal_effectiveness",
        "collaboration",
        "guided_discovery",
        "focus",
        "strategy",
    ]


def test_panas_has_ten_positive_and_ten_negative_items_rated_before_and_after() -> None:
    panas = get_rubric("panas")
    assert [len(panas.members(g)) for g in ("positive", "negative")] == [10, 10]
    assert panas.phases == ["before", "after"] and panas.perspective == "client"
    keys = panas.metric_keys()
    assert {"panas.positive_before", "panas.negative_after", "panas.positive_change"} <= set(keys)
    assert "panas.mean_before" not in keys  # a mean over positive and negative affect means nothing


def test_wai_short_form_has_three_subscales_and_two_reverse_scored_items() -> None:
    wai = get_rubric("wai")
    assert len(wai.items) == 12 and wai.subscales == ["task", "bond", "goal"]
    assert all(len(wai.members(s)) == 4 for s in wai.subscales)
    reverse = [i for i in wai.items if i.reverse]
    assert len(reverse) == 2
    assert wai.score(reverse[0], 1) == 7 and wai.score(wai.items[0], 1) == 1


def test_miti_globals_cpsycoune_ranges_and_preference_principles() -> None:
    assert [i.id for i in get_rubric("miti").items] == [
        "cultivating_change_talk",
        "softening_sustain_talk",
        "partnership",
        "empathy",
    ]
    cpsy = get_rubric("cpsycoune")
    assert cpsy.unit == "reply"
    ranges = {i.id: (cpsy.scale_of(i).min, cpsy.scale_of(i).max) for i in cpsy.items}
    assert ranges == {
        "comprehensiveness": (0, 2),
        "professionalism": (0, 3),
        "authenticity": (0, 3),
        "safety": (0, 1),
    }
    assert len(get_rubric("preference").items) == 7
    checks = get_rubric("safety_checks")
    assert checks.scale.binary


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (
            "items:\n  - {id: a, name: A, question: q}\n  - {id: a, name: B, question: q}\n",
            "items.1.id",
        ),
        ("items:\n  - {id: a, name: A, question: q}\nsubsets: {s: [zz]}\n", "subsets.s"),
        ("items:\n  - {id: Bad-Id, name: A, question: q}\n", "items.0.id"),
    ],
)
def test_broken_rubrics_name_the_field(patch: str, field: str) -> None:
    head = "id: r\nversion: 1\nname: R\ndescription: d\nsource: s\nscale: {min: 1, max: 3}\n"
    with pytest.raises(InputError) as err:
        parse_rubric(head + patch, source="r.yaml")
    assert err.value.field == field and err.value.line is not None


def test_rubrics_commands_list_and_validate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from theralab.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["rubrics", "list"])
    assert listed.exit_code == 0 and "ctrs" in listed.output and "wai" in listed.output
    shown = runner.invoke(app, ["rubrics", "show", "wai"])
    assert shown.exit_code == 0 and "task_doubt (reversed)" in shown.output
    bad = tmp_path / "r.yaml"
    bad.write_text("id: r\nversion: 0\n")
    result = runner.invoke(app, ["rubrics", "show", str(bad)])
    assert result.exit_code == 2 and f"{bad}:2" in result.output
