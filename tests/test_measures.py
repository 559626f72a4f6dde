"""Standard measures as data files: the built-in instruments, malformed files named by file,
line and field, scoring with bands and prorating, Jacobson–Truax reliable change, scripted
answers from the latent state, and model answers in a bounded schema (a stub server, a mock
and the real llama.cpp tiny server) with unscored answers counted, never defaulted."""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theralab.cli.measures import app as measures_app
from theralab.clients.state import LatentState
from theralab.errors import InputError
from theralab.measures import (
    Change,
    Instrument,
    MeasureAnswers,
    SymptomState,
    answer_scripted,
    answer_with_model,
    builtin_instruments,
    get_instrument,
    item_schema,
    load_instrument,
    parse_instrument,
    persona_context,
    rci,
    reliable_change,
    reliable_recovery,
    remission,
    resolve_instruments,
    response,
    score,
    symptom_state,
)
from theralab.measures.model import Domain
from theralab.model import ChatMessage, GenerateConfig, Model, ModelOutput, get_model_api
from theralab.model.providers.mock import MockModel
from theralab.model.stub_server import StubServer
from theralab.profiles import get_profile

from . import llama_support

# The shared llama.cpp fixtures (they skip when llama-cpp-python or gguf is missing).
tiny_model = llama_support.tiny_model
llama_server = llama_support.llama_server

MINI = """\
id: mini
version: 1
name: Mini measure
kind: validated
description: A three-item measure for tests.
citation: Test (2026).
licence: Test only.
timeframe: the last week
instructions: How often did this bother you?
options:
  - {score: 0, label: Never}
  - {score: 1, label: Sometimes}
  - {score: 2, label: Often}
items:
  - id: one
    text: First item text
  - id: two
    text: Second item text
  - id: three
    text: Third item, positively worded
    reverse: true
bands:
  - {min: 0, max: 1, label: low}
  - {min: 2, max: 3, label: some}
  - {min: 4, max: 6, label: high}
cutoff: 4
reliable_change:
  reliability: 0.8
  sd: 2.0
  source: Test figures.
"""


def line_of(text: str, needle: str) -> int:
    lines = text.splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert hits, needle
    return hits[-1]


def mini() -> Instrument:
    return parse_instrument(MINI, "mini.yaml")


# --- loading -----------------------------------------------------------------------------


def test_builtin_instruments_load_with_their_published_structure() -> None:
    found = builtin_instruments()
    assert list(found) == ["gad7", "mania_check", "phq9", "psychosis_check"]
    phq9, gad7 = found["phq9"], found["gad7"]
    assert len(phq9.items) == 9 and phq9.total_range == (0, 27)
    assert [(b.min, b.max) for b in phq9.bands] == [(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)]
    assert phq9.cutoff == 10 and phq9.reliable_change.threshold == 6
    assert [o.label for o in phq9.options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert phq9.item("self_harm").driver == "risk"
    assert len(gad7.items) == 7 and gad7.total_range == (0, 21)
    assert [b.min for b in gad7.bands] == [0, 5, 10, 15] and gad7.reliable_change.threshold == 4
    for m in found.values():
        assert m.citation and m.licence and m.tag == f"{m.id}@v1"
    for check in ("psychosis_check", "mania_check"):
        m = found[check]
        assert m.kind == "screening_check" and "not validated" in m.name
        assert m.simulation.domain.value == check.removesuffix("_check")
    # The computed Jacobson–Truax thresholds agree with the stated ones they sit beside.
    assert phq9.reliable_change.computed_threshold == pytest.approx(5.99, abs=0.01)
    assert gad7.reliable_change.computed_threshold == pytest.approx(4.00, abs=0.01)


def test_registry_resolves_ids_and_files(tmp_path: Path) -> None:
    path = tmp_path / "my.yaml"
    path.write_text(MINI, encoding="utf-8")
    found = resolve_instruments([f"phq9,gad7,{path}"])
    assert [m.id for m in found] == ["phq9", "gad7", "mini"]
    assert load_instrument(path) == get_instrument(str(path))
    with pytest.raises(InputError, match="unknown measure 'phq10'"):
        get_instrument("phq10")
    with pytest.raises(InputError, match="no such measure file"):
        get_instrument(str(tmp_path / "missing.yaml"))
    with pytest.raises(InputError, match="given twice: phq9"):
        resolve_instruments(["phq9", "phq9"])


MALFORMED = [
    pytest.param(
        ("  - {min: 2, max: 3, label: some}", "  - {min: 3, max: 3, label: some}"),
        "label: some}",
        "bands.1.min",
        "leaves a gap",
        id="band-gap",
    ),
    pytest.param(
        ("  - {min: 4, max: 6, label: high}", "  - {min: 4, max: 5, label: high}"),
        "label: high}",
        "bands.2.max",
        "the total runs to 6",
        id="bands-short-of-range",
    ),
    pytest.param(
        ("  - id: two", "  - id: one"),
        "  - id: one",
        "items.1.id",
        "duplicate item id 'one'",
        id="duplicate-item",
    ),
    pytest.param(
        ("    reverse: true", "    reversed: true"),
        "reversed: true",
        "items.2.reversed",
        "Extra inputs",
        id="unknown-field",
    ),
    pytest.param(
        ("    text: First item text", "    text: First item text\n    weight: heavy"),
        "weight: heavy",
        "items.0.weight",
        "valid number",
        id="wrong-type",
    ),
    pytest.param(
        ("  - {score: 2, label: Often}", "  - {score: 1, label: Often}"),
        "options:",
        "options",
        "option scores repeat",
        id="repeated-option-score",
    ),
    pytest.param(
        ("  sd: 2.0\n", ""),
        "reliable_change:",
        "reliable_change.sd",
        "needs both reliability and sd",
        id="reliability-without-sd",
    ),
    pytest.param(
        ("cutoff: 4", "cutoff: 9"),
        "cutoff: 9",
        "cutoff",
        "outside 1–6",
        id="cutoff-out-of-range",
    ),
    pytest.param(
        ("kind: validated", "kind: validatd"),
        "kind: validatd",
        "kind",
        "validated",
        id="bad-kind",
    ),
]


@pytest.mark.parametrize(("patch", "needle", "field", "message"), MALFORMED)
def test_a_malformed_file_is_an_error_naming_file_line_and_field(
    tmp_path: Path, patch: tuple[str, str], needle: str, field: str, message: str
) -> None:
    old, new = patch
    assert old in MINI
    text = MINI.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_instrument(path)
    err = caught.value
    assert (err.source, err.line, err.field) == (str(path), line_of(text, needle), field), err
    assert f"{path}:{err.line}, field '{field}'" in str(err)
    assert message in err.message


def test_the_example_in_the_docs_is_a_valid_measure() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "measures.md").read_text("utf-8")
    example = doc.split("```yaml\n")[1].split("```")[0]
    m = parse_instrument(example, "docs/measures.md")
    assert m.id == "sleep_check" and m.item("rested").reverse
    assert m.reliable_change.computed_threshold == pytest.approx(1.96 * 2**0.5 * 1.5 * 0.2**0.5)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    text = MINI.replace("    text: Second item text", "    text: [Second item text")
    with pytest.raises(InputError) as caught:
        parse_instrument(text, "broken.yaml")
    assert caught.value.source == "broken.yaml" and caught.value.line is not None
    assert "not valid YAML" in caught.value.message


# --- scoring -----------------------------------------------------------------------------


def answers_for(instrument: Instrument, total: int) -> dict[str, int | None]:
    """Answers that add up to `total` (no reverse items), filling items in order."""
    out: dict[str, int | None] = {}
    left = total
    for item in instrument.items:
        value = min(left, max(instrument.scores_of(item)))
        out[item.id] = value
        left -= value
    assert left == 0
    return out


@pytest.mark.parametrize(
    ("total", "band", "clinical"),
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "moderately severe", True),
        (19, "moderately severe", True),
        (20, "severe", True),
        (27, "severe", True),
    ],
)
def test_phq9_totals_fall_in_kroenke_bands(total: int, band: str, clinical: bool) -> None:
    phq9 = get_instrument("phq9")
    s = score(phq9, answers_for(phq9, total))
    assert (s.total, s.band, s.clinical, s.complete, s.prorated) == (
        total,
        band,
        clinical,
        True,
        False,
    )


def test_one_missing_phq9_item_is_prorated_two_are_not() -> None:
    phq9 = get_instrument("phq9")
    values = answers_for(phq9, 13)
    values["self_harm"] = None  # 13 over 8 items: floor(13 × 9 / 8 + 0.5) = floor(15.125) = 15
    s = score(phq9, values)
    assert (s.total, s.band, s.prorated, s.complete) == (15, "moderately severe", True, False)
    assert (s.answered, s.unscored, s.unscored_items) == (8, 1, ["self_harm"])
    values["interest"] = None
    s = score(phq9, values)
    assert (s.total, s.band, s.clinical, s.unscored) == (None, None, None, 2)
    # an answer that is not an option is unscored, like a missing one
    values = answers_for(phq9, 8) | {"down": 7}
    s = score(phq9, values)
    assert s.unscored_items == ["down"] and s.prorated


def test_screening_checks_give_no_total_with_any_item_missing() -> None:
    check = get_instrument("psychosis_check")
    values = answers_for(check, 3) | {"muddled": None}
    assert score(check, values).total is None


def test_reverse_items_are_flipped_and_stray_items_refused() -> None:
    m = mini()
    s = score(m, {"one": 2, "two": 1, "three": 0})  # three is reversed: 0 counts as 2
    assert (s.total, s.band, s.clinical) == (5, "high", True)
    assert score(m, {"one": 0, "two": 0, "three": 2}).total == 0
    with pytest.raises(ValueError, match="no item"):
        score(m, {"one": 0, "four": 1})


def test_jacobson_truax_threshold_and_classification_by_hand() -> None:
    m = mini()
    rc = m.reliable_change
    # S_E = 2.0 × √(1 − 0.8) = 0.894427; S_diff = √2 × S_E = 1.264911; 1.96 × S_diff = 2.479226
    assert rc.s_diff == pytest.approx(1.264911, abs=1e-6)
    assert rc.computed_threshold == pytest.approx(2.479226, abs=1e-6)
    assert rci(m, 5, 3) == pytest.approx(-1.581139, abs=1e-6)  # |RCI| < 1.96
    assert reliable_change(m, 5, 3) is Change.NO_CHANGE
    assert rci(m, 5, 2) == pytest.approx(-2.371708, abs=1e-6)  # |RCI| > 1.96
    assert reliable_change(m, 5, 2) is Change.IMPROVED
    assert reliable_change(m, 1, 4) is Change.DETERIORATED
    assert reliable_change(m, None, 4) is None


def test_stated_thresholds_response_remission_and_recovery() -> None:
    phq9 = get_instrument("phq9")
    assert reliable_change(phq9, 16, 10) is Change.IMPROVED  # exactly 6 points
    assert reliable_change(phq9, 16, 11) is Change.NO_CHANGE
    assert reliable_change(phq9, 10, 16) is Change.DETERIORATED
    assert rci(phq9, 16, 10) == pytest.approx(-6 / (math.sqrt(2) * 5.4 * math.sqrt(0.16)))
    assert response(16, 8) is True and response(16, 9) is False and response(0, 0) is None
    assert remission(phq9, 9) is True and remission(phq9, 10) is False
    assert reliable_recovery(phq9, 16, 9) is True
    assert reliable_recovery(phq9, 12, 9) is False  # below the cut-off, but not reliably
    assert reliable_recovery(phq9, 9, 2) is False  # never a case
    before = score(phq9, answers_for(phq9, 18))
    after = score(phq9, answers_for(phq9, 7))
    assert reliable_change(phq9, before, after) is Change.IMPROVED
    assert response(before, after) and remission(phq9, after)


# --- scripted clients --------------------------------------------------------------------


def test_scripted_answers_are_deterministic_for_a_seed() -> None:
    phq9 = get_instrument("phq9")
    profile = get_profile("low-mood-unemployed-ingrid")
    state = symptom_state(profile, LatentState.initial(profile))
    first = answer_scripted(phq9, state, random.Random(7)).model_dump_json()
    again = answer_scripted(phq9, state, random.Random(7)).model_dump_json()
    assert first == again
    others = {answer_scripted(phq9, state, random.Random(s)).model_dump_json() for s in range(8)}
    assert len(others) > 1  # the noise is real
    answers = MeasureAnswers.model_validate_json(first)
    assert answers.unscored == 0 and len(answers.answers) == 9


def mean_total(instrument: Instrument, state: SymptomState, seeds: int = 60) -> float:
    totals = [
        score(instrument, answer_scripted(instrument, state, random.Random(s))).total
        for s in range(seeds)
    ]
    assert all(t is not None for t in totals)
    return sum(t or 0 for t in totals) / len(totals)


def test_phq9_rises_with_distress_on_average() -> None:
    phq9 = get_instrument("phq9")
    profile = get_profile("low-mood-unemployed-ingrid")
    means = [mean_total(phq9, symptom_state(profile, d)) for d in (1.0, 3.0, 5.0, 7.0, 9.0)]
    assert means == sorted(means) and means[-1] - means[0] > 12, means
    # a client who carries no risk never endorses the self-harm item
    state = symptom_state(profile, 9.0)
    assert all(
        answer_scripted(phq9, state, random.Random(s)).values()["self_harm"] == 0 for s in range(30)
    )


def test_risk_and_anxiety_follow_the_profile() -> None:
    phq9, gad7 = get_instrument("phq9"), get_instrument("gad7")
    risky = get_profile("low-mood-risk-store-clerk-bayu")
    assert risky.risk.level.value != "none"
    state = symptom_state(risky, 5.0)
    assert all(
        (answer_scripted(phq9, state, random.Random(s)).values()["self_harm"] or 0) >= 1
        for s in range(30)
    )
    anxious = get_profile("generalized-anxiety-apprentice-bao")
    low_mood = get_profile("low-mood-unemployed-ingrid")
    assert symptom_state(anxious, 6.0).loading(Domain.ANXIETY) == 1.0
    assert mean_total(gad7, symptom_state(anxious, 6.0)) > mean_total(
        gad7, symptom_state(low_mood, 6.0)
    )


@pytest.mark.parametrize("measure", ["phq9", "gad7", "psychosis_check", "mania_check"])
def test_an_unchanged_scripted_client_rarely_shows_reliable_change(measure: str) -> None:
    """The answer noise is calibrated to the 95 % criterion: retests of one state cross the
    reliable-change threshold in about 5 % of pairs or fewer."""
    m = get_instrument(measure)
    profile = get_profile("low-mood-unemployed-ingrid")
    crossed = 0
    pairs = 300
    for distress in (4.0, 7.0):
        state = symptom_state(profile, distress, {"psychosis": 1.0, "mania": 1.0})
        for s in range(pairs):
            a = score(m, answer_scripted(m, state, random.Random(2 * s)))
            b = score(m, answer_scripted(m, state, random.Random(2 * s + 1)))
            crossed += reliable_change(m, a, b) is not Change.NO_CHANGE
    assert crossed / (2 * pairs) <= 0.07, crossed


def test_psychosis_and_mania_checks_move_only_with_the_condition() -> None:
    psychosis, mania = get_instrument("psychosis_check"), get_instrument("mania_check")
    profile = get_profile("low-mood-unemployed-ingrid")
    without = symptom_state(profile, 9.5)
    for m in (psychosis, mania):
        assert {
            score(m, answer_scripted(m, without, random.Random(s))).total for s in range(20)
        } == {0}
    means = [mean_total(psychosis, symptom_state(profile, d, ["psychosis"])) for d in (2.0, 8.0)]
    assert means[1] > means[0] + 4, means
    assert mean_total(mania, symptom_state(profile, 8.0, {"mania": 0.5})) > 1.0
    assert mean_total(mania, symptom_state(profile, 8.0, ["psychosis"])) == 0.0
    for wrong in (["depression"], ["ocd"]):
        with pytest.raises(ValueError, match="psychosis or mania"):
            symptom_state(profile, 5.0, wrong)


def test_reverse_items_are_answered_mirrored() -> None:
    m = mini()
    exact = m.model_copy(update={"simulation": m.simulation.model_copy(update={"noise": 0.0})})
    calm = answer_scripted(exact, SymptomState(distress=0.0), random.Random(0))
    assert calm.values() == {"one": 0, "two": 0, "three": 2}  # agrees with the positive item
    assert score(exact, calm).total == 0
    worst = answer_scripted(exact, SymptomState(distress=10.0), random.Random(0))
    assert worst.values() == {"one": 2, "two": 2, "three": 0}
    assert score(exact, worst).total == 6


# --- model-backed clients ----------------------------------------------------------------


def ask(model: Model, instrument: Instrument, seed: int = 3) -> MeasureAnswers:
    async def go() -> MeasureAnswers:
        try:
            return await answer_with_model(
                instrument, model, "You are Ingrid, 52, out of work and low.", seed=seed
            )
        finally:
            await model.aclose()

    return asyncio.run(go())


def test_item_schema_is_an_enum_of_the_option_scores() -> None:
    phq9 = get_instrument("phq9")
    schema = item_schema(phq9, phq9.items[0])
    assert schema["properties"] == {"answer": {"enum": [0, 1, 2, 3]}}
    assert schema["required"] == ["answer"] and schema["additionalProperties"] is False


def test_a_mock_model_answers_item_by_item_and_bad_answers_are_unscored() -> None:
    phq9 = get_instrument("phq9")

    def responder(messages: Sequence[ChatMessage], config: GenerateConfig) -> str:
        user = messages[1].content
        assert "Options: 0 = Not at all; 1 = Several days" in user
        assert config.json_schema == item_schema(phq9, phq9.items[(config.seed or 0) - 3])
        if "Item 2 of 9" in user:
            return '{"answer": 7}'  # not an option, twice (answer and repair)
        if "Item 5 of 9" in user:
            return "I can't answer that."
        return json.dumps({"answer": 2})

    api = MockModel(outputs=responder)
    answers = ask(Model(api, spec="mock/client", max_retries=0), phq9)
    statuses = [a.status for a in answers.answers]
    assert statuses.count("answered") == 7 and answers.unscored == 2
    assert answers.answers[1].status == "unparseable" and answers.answers[1].answer is None
    assert answers.answers[4].status == "refused"
    assert answers.calls == 9 and len(api.calls) == 9 + 2  # two repairs
    s = score(phq9, answers)
    assert (s.total, s.unscored) == (None, 2)  # two missing: no total, never a default
    assert "Ingrid" in api.calls[0][0][0].content


class _Parsed:
    """A model whose parsed answers bypass schema validation (a boolean is not a score)."""

    spec = "fake/bool"

    async def generate(
        self, messages: Sequence[ChatMessage], config: GenerateConfig
    ) -> ModelOutput:
        return ModelOutput(text="true", provider="fake", model="bool", parsed={"answer": True})

    async def aclose(self) -> None:
        return None


def test_a_value_that_is_not_an_option_is_out_of_range() -> None:
    gad7 = get_instrument("gad7")
    answers = ask(_Parsed(), gad7)  # type: ignore[arg-type]
    assert {a.status for a in answers.answers} == {"out_of_range"}
    assert answers.unscored == 7 and score(gad7, answers).total is None


def test_stub_server_answers_in_the_bounded_schema_and_broken_replies_are_counted() -> None:
    phq9 = get_instrument("phq9")
    with StubServer() as server:
        model = Model(get_model_api("openai/stub", base_url=server.base_url, api_key="x"))
        clean = ask(model, phq9)
        assert server.requests == 9
        body = server.bodies[0]
        schema = body["response_format"].get("json_schema", {}).get("schema") or body[
            "response_format"
        ].get("schema")
        assert schema["properties"]["answer"] == {"enum": [0, 1, 2, 3]}
    assert [a.answer for a in clean.answers] == [0] * 9 and clean.unscored == 0
    assert score(phq9, clean).total == 0
    # the first item's reply and its repair are both not JSON: unscored and counted
    with StubServer(faults=["not_json", "not_json"]) as server:
        model = Model(get_model_api("openai/stub", base_url=server.base_url, api_key="x"))
        broken = ask(model, phq9)
        assert server.requests == 9 + 1
    assert broken.answers[0].status == "unparseable" and broken.unscored == 1
    s = score(phq9, broken)
    assert (s.total, s.prorated, s.unscored_items) == (0, True, ["interest"])
    # same seed, byte-identical results
    with StubServer() as server:
        model = Model(get_model_api("openai/stub", base_url=server.base_url, api_key="x"))
        assert ask(model, phq9).model_dump_json() == clean.model_dump_json()


def test_persona_context_speaks_as_the_client() -> None:
    profile = get_profile("low-mood-risk-store-clerk-bayu")
    text = persona_context(profile, notes="After two sessions you feel a little lighter.")
    assert text.startswith(f"You are {profile.name}") and "a little lighter" in text
    assert profile.risk.disclosures[0] in text


def test_the_real_llamacpp_server_answers_phq9_in_the_bounded_schema(llama_server: str) -> None:
    """Random weights can answer anything: every answer must be an option or counted as
    unscored, with one call per item; the same seed gives the same answers."""
    phq9 = get_instrument("phq9")

    def fresh() -> tuple[Model, list[int]]:
        model = Model(
            get_model_api("llamacpp-server/tiny", base_url=llama_server),
            max_retries=0,
            timeout=60,
        )
        calls: list[int] = []
        generate = model.generate

        async def counted(
            messages: Sequence[ChatMessage], config: GenerateConfig | None = None
        ) -> Any:
            calls.append(1)
            return await generate(messages, config)

        model.generate = counted  # type: ignore[method-assign]
        return model, calls

    model, calls = fresh()
    answers = ask(model, phq9, seed=11)
    assert len(calls) == len(phq9.items) == answers.calls == len(answers.answers)
    for a in answers.answers:
        if a.status == "answered":
            assert a.answer in (0, 1, 2, 3)
        else:
            assert a.answer is None and a.reason
    s = score(phq9, answers)
    assert s.unscored == answers.unscored
    model, _ = fresh()
    assert ask(model, phq9, seed=11).model_dump_json() == answers.model_dump_json()


# --- CLI ---------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_lists_and_shows_measures(tmp_path: Path) -> None:
    listed = runner.invoke(measures_app, ["list"])
    assert listed.exit_code == 0, listed.output
    for mid in ("phq9", "gad7", "psychosis_check", "mania_check"):
        assert mid in listed.output
    shown = runner.invoke(measures_app, ["show", "phq9"])
    assert shown.exit_code == 0, shown.output
    assert "15–19 moderately severe" in shown.output and "≥ 6 points" in shown.output
    good = tmp_path / "mini.yaml"
    good.write_text(MINI, encoding="utf-8")
    shown = runner.invoke(measures_app, ["show", str(good)])
    assert shown.exit_code == 0 and "(reversed)" in shown.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.replace("cutoff: 4", "cutoff: 9"), encoding="utf-8")
    failed = runner.invoke(measures_app, ["show", str(bad)])
    assert failed.exit_code == 2
    assert f"{bad}:{line_of(MINI, 'cutoff: 4')}" in failed.output.replace("\n", "")
