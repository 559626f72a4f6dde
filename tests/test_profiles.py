from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from theralab.errors import InputError
from theralab.profiles import (
    Attitude,
    Stage,
    Style,
    builtin_profiles,
    get_profile,
    load_profile,
    parse_profile,
    sample_panel,
)

REQUIRED_PROBLEMS = {
    "generalized_anxiety",
    "low_mood",
    "grief",
    "work_stress",
    "relationship_conflict",
    "loneliness",
    "insomnia",
    "self_esteem",
    "academic_pressure",
    "alcohol_use",
    "health_anxiety",
    "anger",
}


def test_library_has_at_least_40_valid_profiles() -> None:
    profiles = builtin_profiles()
    assert len(profiles) >= 40
    assert len({p.id for p in profiles}) == len(profiles)
    assert len({p.name for p in profiles}) == len(profiles)


def test_library_spans_problems_styles_attitudes_and_stages() -> None:
    profiles = builtin_profiles()
    assert {p.presenting_problem for p in profiles} >= REQUIRED_PROBLEMS
    assert {p.style for p in profiles} == set(Style)
    assert {p.attitude for p in profiles} == set(Attitude)
    assert {p.stage for p in profiles} == set(Stage)
    for facet in ("style", "attitude", "stage"):
        counts = Counter(getattr(p, facet) for p in profiles)
        assert min(counts.values()) >= 5, (facet, counts)


def test_library_varies_demographics() -> None:
    profiles = builtin_profiles()
    ages = [p.demographics.age for p in profiles]
    assert max(ages) - min(ages) >= 40
    assert len({p.demographics.culture for p in profiles}) >= 15
    assert len({p.demographics.occupation for p in profiles}) >= 30
    assert len({p.demographics.gender for p in profiles}) >= 3


def test_client_voice_target_behaviour_follows_i_want_to() -> None:
    third_person = {"his", "her", "he", "she", "himself", "herself"}
    for p in builtin_profiles():
        words = set(p.motivation.target_behaviour.lower().replace(",", " ").split())
        assert not words & third_person, (p.id, p.motivation.target_behaviour)


def test_profile_files_carry_the_originality_header() -> None:
    folder = Path(__file__).resolve().parents[1] / "src" / "theralab" / "profiles" / "data"
    files = sorted(folder.glob("*.yaml"))
    assert len(files) >= 40
    for f in files:
        assert f.read_text(encoding="utf-8").startswith("# TheraLab built-in profile."), f.name
        assert f.stem == load_profile(f).id


def _amara_yaml() -> str:
    folder = Path(__file__).resolve().parents[1] / "src" / "theralab" / "profiles" / "data"
    return (folder / "work-stress-nurse-amara.yaml").read_text(encoding="utf-8")


def test_invalid_field_error_names_source_line_and_field() -> None:
    text = _amara_yaml().replace("receptivity: 4", "receptivity: 9")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("receptivity"))
    with pytest.raises(InputError) as err:
        parse_profile(text, source="bad.yaml")
    assert err.value.source == "bad.yaml"
    assert err.value.field == "receptivity"
    assert err.value.line == line
    assert str(err.value).startswith(f"bad.yaml:{line}, field 'receptivity'")


def test_nested_error_and_yaml_syntax_error_have_lines() -> None:
    text = _amara_yaml().replace("emotions: [anxious, ashamed]", "emotions: [anxious, bored]")
    with pytest.raises(InputError) as err:
        parse_profile(text, source="x.yaml")
    assert err.value.field is not None and err.value.field.startswith("situations.0.emotions")
    assert err.value.line is not None
    with pytest.raises(InputError) as err2:
        parse_profile("id: [unclosed\nname: x\n", source="y.yaml")
    assert err2.value.line is not None


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(InputError) as err:
        parse_profile(_amara_yaml() + "favourite_colour: blue\n")
    assert err.value.field == "favourite_colour"


def test_get_profile_unknown_id() -> None:
    with pytest.raises(KeyError):
        get_profile("nobody-here")


def test_sample_panel_is_deterministic_and_spread() -> None:
    a = sample_panel(12, seed=3)
    assert [p.id for p in a] == [p.id for p in sample_panel(12, seed=3)]
    assert [p.id for p in a] != [p.id for p in sample_panel(12, seed=4)]
    assert {p.style for p in a} == set(Style)
    assert {p.attitude for p in a} == set(Attitude)
    assert {p.stage for p in a} == set(Stage)
    assert len({p.presenting_problem for p in a}) == 12
    with pytest.raises(ValueError):
        sample_panel(1000, seed=1)
