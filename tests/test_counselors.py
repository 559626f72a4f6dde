"""Scripted counselors follow their protocols and differ because of what they do."""

from __future__ import annotations

import statistics

import pytest

from theralab.counselors import (
    SCRIPTED_COUNSELORS,
    TECHNIQUE_NAMES,
    make_counselor,
    resolve_counselor,
)
from theralab.counselors.techniques import plan_from_first_turn
from theralab.dialogue import MI_NON_ADHERENT, MiscCode, Session, Speaker, StopReason
from theralab.evaluate import MitiEvaluator

from .annotation_support import flat
from .conftest import simulate


def _counselor_codes(sessions: list[Session]) -> list[MiscCode]:
    return [
        c
        for s in sessions
        for t in s.turns
        if t.speaker is Speaker.COUNSELOR
        for c in (t.annotations.codes or [])
    ]


def test_every_counselor_visits_all_its_stages_with_cooperative_clients() -> None:
    sessions = simulate(
        ["cbt", "mi", "person_centred"], ["work-stress-nurse-amara", "grief-postal-worker-ulla"]
    )
    for s in sessions:
        expected = set(SCRIPTED_COUNSELORS[s.counselor.name].stages)  # type: ignore[attr-defined]
        seen = set()
        for t in s.turns:
            if t.speaker is Speaker.COUNSELOR:
                seen.add(t.annotations.stage)
                seen.update(flat(t.annotations).get("stages", []))
        assert expected <= seen, (s.id, expected - seen)
        assert s.stop_reason is StopReason.COUNSELOR_CLOSED


def test_every_counselor_turn_is_annotated_with_codes_and_stage(full_run: list[Session]) -> None:
    for s in full_run:
        for t in s.turns:
            if t.speaker is Speaker.COUNSELOR:
                assert t.annotations.codes, (s.id, t.text)
                assert t.annotations.stage
                assert t.annotations.strategy


def test_cbt_planner_picks_a_technique_from_the_first_turn() -> None:
    import random

    plan = plan_from_first_turn("What if I lose my job and it's a disaster?", random.Random(0))
    assert plan.technique.name == "decatastrophizing"
    assert plan.technique.name in plan.text
    plan = plan_from_first_turn("I should be able to do it all, I must not fail.", random.Random(0))
    assert plan.technique.name == "changing rules to wishes"
    sessions = simulate(["cbt"], ["work-stress-nurse-amara"])
    plans = [flat(t.annotations).get("plan") for t in sessions[0].turns]
    assert any(p and any(n in p for n in TECHNIQUE_NAMES) for p in plans)


def test_counselors_differ_measurably_because_of_what_they_say(full_run: list[Session]) -> None:
    miti = MitiEvaluator()  # codes from text, ignoring the counselors' own annotations
    by = {
        name: [miti.evaluate(s).values for s in full_run if s.counselor.name == name]
        for name in ("cbt", "mi", "person_centred", "directive")
    }

    def mean(name: str, key: str) -> float:
        return statistics.mean(v[key] for v in by[name] if v[key] is not None)

    assert mean("mi", "r_q") > mean("cbt", "r_q")
    assert mean("person_centred", "r_q") > mean("cbt", "r_q")
    assert mean("mi", "pct_complex_reflections") > mean("cbt", "pct_complex_reflections")
    assert mean("cbt", "n_give_information") > mean("person_centred", "n_give_information")
    assert mean("directive", "pct_mi_adherent") < 50 < mean("mi", "pct_mi_adherent")


def test_person_centred_and_mi_never_advise_without_permission(full_run: list[Session]) -> None:
    for name in ("person_centred", "mi", "cbt"):
        codes = _counselor_codes([s for s in full_run if s.counselor.name == name])
        assert not set(codes) & MI_NON_ADHERENT, name
    assert MiscCode.ADVISE_WITH_PERMISSION not in _counselor_codes(
        [s for s in full_run if s.counselor.name == "person_centred"]
    )


def test_counselor_reflections_use_the_clients_own_words() -> None:
    session = simulate(["person_centred"], ["work-stress-nurse-amara"])[0]
    client_words = " ".join(session.text_of(Speaker.CLIENT)).lower()
    reflections = [
        t.text
        for t in session.turns
        if t.speaker is Speaker.COUNSELOR
        and MiscCode.SIMPLE_REFLECTION in (t.annotations.codes or [])
    ]
    assert reflections
    shared = [
        r for r in reflections if len(set(r.lower().split()) & set(client_words.split())) >= 5
    ]
    assert len(shared) == len(reflections)


def test_resolve_aliases_and_unknown_names() -> None:
    assert resolve_counselor("person-centred") == "person_centred"
    assert resolve_counselor("PC") == "person_centred"
    with pytest.raises(KeyError):
        resolve_counselor("freud")
    assert make_counselor("mi", 1).spec.name == "mi"
