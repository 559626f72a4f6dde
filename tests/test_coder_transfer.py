"""The MI coder across corpora: the label mapping, the corpus-balanced training rows, the
low-confidence check on a transcript's code mix, and R:Q counting reflections only.
Utterances here are written for the tests; the corpora are read only where ../shared is."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from theralab.coding.corpora import (
    BEHAVIOURS,
    CHATS_MAP,
    ESCONV_MAP,
    INPUT_TYPES,
    OTHER_TYPES,
    QUESTION_TYPES,
    REFLECTION_TYPES,
    WELIVITA_MAP,
    CodedUnit,
    EmpathyPair,
    epitome_mapped,
    esconv_seeker_turns,
)
from theralab.coding.domain import build_reference, check, distribution, js_divergence
from theralab.coding.mi_coder import (
    Context,
    CounselorCode,
    RuleMICoder,
    main_behaviour,
)
from theralab.dialogue import Behaviour, MiscCode
from theralab.dialogue.codes import REFLECTIONS, behaviour_of
from theralab.evaluate import MitiEvaluator

from .conftest import simulate

SUBTYPES = {
    "question": QUESTION_TYPES,
    "reflection": REFLECTION_TYPES,
    "therapist_input": INPUT_TYPES,
    "other": OTHER_TYPES,
}


# --- the label mapping ---------------------------------------------------------------------


@pytest.mark.parametrize("mapping", [ESCONV_MAP, WELIVITA_MAP, CHATS_MAP])
def test_every_mapped_label_is_a_head_label_and_votes_sum_to_one(mapping: dict) -> None:
    for source, (behaviour, subtypes) in mapping.items():
        assert behaviour in BEHAVIOURS, source
        for head, votes in subtypes.items():
            assert head in SUBTYPES, source
            assert {label for label, _ in votes} <= set(SUBTYPES[head]), source
            assert sum(w for _, w in votes) == pytest.approx(1.0), source
        # a subtype head only learns from units of its own behaviour
        assert set(subtypes) <= {behaviour}, source


def test_affirm_support_and_self_disclosure_are_never_reflections() -> None:
    for mapping in (ESCONV_MAP, WELIVITA_MAP):
        for source, (behaviour, _) in mapping.items():
            if any(k in source for k in ("Affirm", "Support", "Self-")):
                assert behaviour == "other", source
    assert ESCONV_MAP["Reflection of feelings"][0] == "reflection"
    assert ESCONV_MAP["Restatement or Paraphrasing"][0] == "reflection"
    for code in (MiscCode.AFFIRM, MiscCode.SUPPORT, MiscCode.SELF_DISCLOSE):
        assert code not in REFLECTIONS and behaviour_of(code) is Behaviour.OTHER


def test_merged_affirmation_and_reassurance_splits_its_vote() -> None:
    behaviour, subtypes = ESCONV_MAP["Affirmation and Reassurance"]
    unit = CodedUnit(
        "esconv",
        "c1",
        "You did the right thing reaching out.",
        None,
        "Affirmation and Reassurance",
        {"behaviour": [(behaviour, 1.0)], **subtypes},
    )
    assert unit.gold("behaviour", BEHAVIOURS) == "other"
    assert unit.gold("other", OTHER_TYPES) == "affirm"  # tie → first in label order
    assert unit.gold("question", QUESTION_TYPES) == ""  # this head does not learn from it


def test_epitome_mapping_keeps_only_unambiguous_responses() -> None:
    def pair(er: str, ip: str, ex: str) -> EmpathyPair:
        levels = {"emotional_reactions": [er], "interpretations": [ip], "explorations": [ex]}
        return EmpathyPair("s", "r", "seeker", "response", levels)

    assert epitome_mapped(pair("0", "0", "2")) == ("question", {})
    assert epitome_mapped(pair("1", "0", "0")) == ("other", {"other": [("support", 1.0)]})
    assert epitome_mapped(pair("1", "1", "0")) is None
    assert epitome_mapped(pair("0", "2", "1")) is None
    assert epitome_mapped(pair("0", "0", "0")) is None


def test_training_rows_are_corpus_balanced_and_carry_no_corpus_feature() -> None:
    pytest.importorskip("numpy")
    from theralab.coding.train import corpus_factors, unit_task

    units = [
        CodedUnit("big", f"g{i % 7}", f"text {i}", None, "x", {"behaviour": [("question", 1.0)]})
        for i in range(30)
    ] + [
        CodedUnit("small", f"h{i}", f"text s{i}", None, "x", {"behaviour": [("other", 1.0)]})
        for i in range(10)
    ]
    factors = corpus_factors([u.corpus for u in units])
    assert factors["big"] * 30 == pytest.approx(factors["small"] * 10)
    task = unit_task("behaviour", BEHAVIOURS, units)
    big = task.w[[units[i].corpus == "big" for i in task.owner]].sum()
    small = task.w[[units[i].corpus == "small" for i in task.owner]].sum()
    assert big == pytest.approx(small)
    assert len(set(task.groups)) == 17  # grouped by corpus + conversation
    assert task.corpora is not None and set(task.corpora) == {"big", "small"}


# --- low confidence ------------------------------------------------------------------------


def test_divergence_is_zero_for_the_same_mix_and_grows_with_distance() -> None:
    p = distribution(["question", "reflection", "other", "other"])
    assert js_divergence(p, p) == pytest.approx(0.0)
    far = distribution(["therapist_input"] * 20)
    near = distribution(["question", "reflection", "other", "therapist_input"] * 5)
    assert js_divergence(p, far) > js_divergence(p, near)
    assert 0 <= js_divergence(p, far) <= 1


def test_check_flags_a_mix_far_from_every_corpus_with_a_reason() -> None:
    typical = ["question", "reflection", "reflection", "other", "question", "therapist_input"]
    reference = build_reference({"a": [typical * 3, typical * 2, typical[::-1] * 2]})
    assert reference["threshold"] >= 0
    ok = check(typical * 2, reference)
    assert not ok.low_confidence and ok.reason == "" and ok.nearest == "a"
    odd = check(["therapist_input"] * 12, reference)
    assert odd.low_confidence and "far from the coder's training corpora" in odd.reason
    assert odd.divergence is not None and odd.divergence > reference["threshold"]
    assert check(["therapist_input"] * 3, reference).divergence is None  # too short to judge
    assert not check(["therapist_input"] * 12, None).low_confidence


class _FixedCoder(RuleMICoder):
    """Codes every counselor sentence with one code: a stand-in to drive the MITI summary."""

    name = "fixed"

    def __init__(self, codes: Sequence[MiscCode]) -> None:
        super().__init__()
        self.codes = list(codes)

    def code_counselor_sentences(
        self, texts: Sequence[str], contexts: Sequence[Context] | None = None
    ) -> list[list[CounselorCode]]:
        out = []
        for i, _ in enumerate(texts):
            code = self.codes[i % len(self.codes)]
            out.append([CounselorCode(code, behaviour_of(code), 1.0)])
        return out


def test_miti_r_q_counts_only_reflections() -> None:
    session = simulate(["mi"], ["alcohol-use-plasterer-declan"])[0]
    codes = [
        MiscCode.OPEN_QUESTION,
        MiscCode.SIMPLE_REFLECTION,
        MiscCode.AFFIRM,
        MiscCode.SUPPORT,
        MiscCode.SELF_DISCLOSE,
    ]
    values = MitiEvaluator(_FixedCoder(codes)).evaluate(session).values
    n_q = values["n_open_question"]
    assert n_q and values["n_self_disclose"]
    assert values["r_q"] == pytest.approx(round(values["n_simple_reflection"] / n_q, 2), abs=0.01)


@pytest.mark.skipif(
    not Path(__file__)
    .resolve()
    .parents[1]
    .joinpath("src/theralab/coding/data/mi_heads.json")
    .read_text(encoding="utf-8")
    .count('"domain"'),
    reason="shipped heads carry no domain reference",
)
def test_miti_marks_a_session_far_from_the_training_corpora() -> None:
    session = simulate(["mi"], ["alcohol-use-plasterer-declan"])[0]
    odd = MitiEvaluator(_FixedCoder([MiscCode.SELF_DISCLOSE])).evaluate(session)
    assert odd.values["miti_low_confidence"] == 1.0
    assert "far from" in odd.labels["miti_low_confidence_reason"]
    typical = [
        MiscCode.OPEN_QUESTION,
        MiscCode.COMPLEX_REFLECTION,
        MiscCode.OTHER,
        MiscCode.SIMPLE_REFLECTION,
        MiscCode.CLOSED_QUESTION,
        MiscCode.GIVE_INFORMATION,
        MiscCode.AFFIRM,
    ]
    usual = MitiEvaluator(_FixedCoder(typical)).evaluate(session)
    assert usual.values["miti_low_confidence"] == 0.0
    assert "miti_low_confidence_reason" not in usual.labels


def test_main_behaviour_prefers_reflection_then_question() -> None:
    codes = [MiscCode.AFFIRM, MiscCode.OPEN_QUESTION, MiscCode.SIMPLE_REFLECTION]
    assert main_behaviour(codes) == (MiscCode.SIMPLE_REFLECTION, Behaviour.REFLECTION)
    assert main_behaviour([MiscCode.SELF_DISCLOSE, MiscCode.OTHER]) == (
        MiscCode.SELF_DISCLOSE,
        Behaviour.OTHER,
    )


# --- with the corpora ----------------------------------------------------------------------


@pytest.mark.shared_data
def test_esconv_strategies_are_all_mapped_and_splits_are_disjoint(shared_data: Path) -> None:
    import json

    from theralab.coding.corpora import counselor_corpora

    names = json.loads((shared_data / "esconv" / "strategy.json").read_text(encoding="utf-8"))
    assert {n.strip("[]") for n in names} == set(ESCONV_MAP)
    labels = {
        line.rsplit(",", 1)[0]
        for line in (shared_data / "mi_welivita" / "mitil_labels.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    }
    assert labels == set(WELIVITA_MAP)
    corpora = counselor_corpora(shared_data, ("esconv", "welivita"))
    for dev, frozen in corpora.values():
        assert dev and frozen
        assert not {u.group for u in dev} & {u.group for u in frozen}


def test_esconv_seeker_turns_keep_each_chats_seeker_messages_in_order(tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    chats = [
        [("usr", "first"), ("sys", "a reply"), ("usr", "  "), ("usr", "second")],
        [("seeker", "older naming"), ("supporter", "hello")],
        [("sys", "only the supporter spoke")],
    ]
    path.write_text(
        "\n".join(
            json.dumps({"dialog": [{"speaker": s, "text": t} for s, t in chat]}) for chat in chats
        )
        + "\n\n",
        encoding="utf-8",
    )
    assert esconv_seeker_turns(path) == [["first", "second"], ["older naming"], []]
