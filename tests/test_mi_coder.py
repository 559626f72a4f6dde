"""The MI coders: the rule adapter (always), the trained AnnoMI coder (semantic extra), the
corpus splits and the MITI evaluator on top. Utterances here are written for the tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from theralab.coding import (
    ClientCode,
    CounselorCode,
    MICoder,
    RuleCoder,
    RuleMICoder,
    default_mi_coder,
    mi_coder_available,
)
from theralab.coding.corpora import (
    MIAnnotation,
    MITranscript,
    MIUtterance,
    held_out,
    majority,
    split_annomi,
)
from theralab.coding.features import FORM_FEATURES, form_features, hashed_ngrams
from theralab.coding.scores import macro_f1, per_class_f1
from theralab.dialogue import Behaviour, MiscCode, TalkType
from theralab.evaluate import MitiEvaluator

from .conftest import simulate

QUESTION_OPEN = "What would you like to be different about your evenings?"
QUESTION_CLOSED = "Did you go for a walk after dinner yesterday?"
REFLECTION = "It sounds like you're worn out from carrying all of this on your own."
CHANGE = "I really want to cut down, I'm tired of waking up feeling awful for my kids."
SUSTAIN = "Honestly I don't think my gaming is a problem, I'm not going to stop."


# --- without the trained coder -----------------------------------------------------------


def test_default_coder_is_the_rule_adapter_when_semantic_is_off() -> None:
    # conftest sets THERALAB_SEMANTIC=0 for the suite
    coder = default_mi_coder()
    assert isinstance(coder, RuleMICoder)
    coded = coder.code_counselor_batch([QUESTION_OPEN, REFLECTION])
    assert [c.code for c in coded] == [MiscCode.OPEN_QUESTION, MiscCode.COMPLEX_REFLECTION]
    assert [c.behaviour for c in coded] == [Behaviour.QUESTION, Behaviour.REFLECTION]
    assert all(0 < c.confidence <= 1 for c in coded)
    talk = coder.code_client_batch([CHANGE, "We moved house in the spring."])
    assert [t.talk_type for t in talk] == [TalkType.CHANGE, TalkType.NEUTRAL]


def test_rule_adapter_sentences_match_the_rule_coder_exactly() -> None:
    text = "Would it be okay if I shared an idea? You could try a short walk. How does that sound?"
    context = [("client", "I feel stuck every evening."), ("counselor", "Tell me more.")]
    adapter = RuleMICoder()
    coded = adapter.code_counselor_sentences([text], [context])[0]
    expected = RuleCoder().code_counselor(text, "I feel stuck every evening.").codes
    assert [c.code for c in coded] == expected
    assert coded[0].code is MiscCode.SEEK_COLLABORATION


def test_contexts_are_validated() -> None:
    coder = RuleMICoder()
    with pytest.raises(ValueError, match="unknown speaker"):
        coder.code_counselor_batch(["Okay."], [[("narrator", "hello")]])
    with pytest.raises(ValueError, match="contexts"):
        coder.code_client_batch(["Okay.", "Sure."], [[]])
    assert coder.code_counselor_batch([], []) == []


def test_miti_accepts_a_rule_coder_and_keeps_its_metric_keys() -> None:
    sessions = simulate(["mi"], ["alcohol-use-plasterer-declan"])
    values = MitiEvaluator(RuleCoder()).evaluate(sessions[0]).values
    assert {"r_q", "pct_open_questions", "pct_mi_adherent", "code_agreement"} <= set(values)
    assert values["code_agreement"] is not None and values["code_agreement"] > 50


def test_the_rule_path_needs_no_numpy() -> None:
    code = (
        "import sys, theralab.cli, theralab.evaluate.miti\n"
        "from theralab.coding import default_mi_coder\n"
        "default_mi_coder().code_counselor_batch(['Hello there.'])\n"
        "assert not {'numpy', 'torch', 'sklearn'} & set(sys.modules)\n"
    )
    env = {**os.environ, "THERALAB_SEMANTIC": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_form_features_see_question_form() -> None:
    names = dict(zip(FORM_FEATURES, form_features(QUESTION_OPEN), strict=True))
    assert len(form_features("")) == len(FORM_FEATURES)
    assert names["ends_question"] == 1.0 and names["last_wh_opening"] == 1.0
    closed = dict(zip(FORM_FEATURES, form_features(QUESTION_CLOSED), strict=True))
    assert closed["last_aux_opening"] == 1.0 and closed["last_wh_opening"] == 0.0
    flat = dict(zip(FORM_FEATURES, form_features(REFLECTION), strict=True))
    assert flat["ends_question"] == 0.0 and flat["reflection_stem_first"] == 1.0


def test_hashed_ngrams_are_stable_and_normalised() -> None:
    a = hashed_ngrams("Tell me about your week", 1024)
    assert a == hashed_ngrams("Tell me about your week", 1024)
    assert abs(sum(v * v for v in a.values()) - 1) < 1e-9
    assert all(0 <= k < 1024 for k in a)
    assert a != hashed_ngrams("Tell me about your weekend", 1024)


def test_previous_utterances_are_read_by_their_speakers_encoder() -> None:
    """With an encoder per speaker, each previous utterance goes to its speaker's encoder and
    only there (so a transcript's texts are each encoded once), no previous utterance gives the
    zero vector, and the utterances themselves go to the `encode` given."""
    np = pytest.importorskip("numpy")
    from theralab.coding.vectors import EMBED_DIM, mi_features

    seen: dict[str, list[str]] = {"own": [], "counselor": [], "client": []}

    def fake(name: str, value: float) -> Any:
        def encode(texts: list[str]) -> Any:
            seen[name] += list(texts)
            return np.full((len(texts), EMBED_DIM), value, dtype=np.float32)

        return encode

    texts = ["How was the week?", "You felt let down.", "Welcome."]
    previous = [("client", "It was long."), ("counselor", "Tell me more."), None]
    by_speaker = {"counselor": fake("counselor", 2.0), "client": fake("client", 3.0)}
    x = mi_features(texts, previous, fake("own", 1.0), by_speaker)
    assert seen == {
        "own": texts,
        "counselor": ["Tell me more."],
        "client": ["It was long."],
    }
    start = EMBED_DIM + len(FORM_FEATURES)
    prev = x.dense[:, start : start + EMBED_DIM]
    assert np.all(x.dense[:, :EMBED_DIM] == 1.0)
    assert np.all(prev[0] == 3.0) and np.all(prev[1] == 2.0) and np.all(prev[2] == 0.0)
    assert x.dense[:, -2:].tolist() == [[0, 0], [0, 1], [1, 0]]  # none, counselor
    # one encoder for everything: the utterances and the previous ones in one call
    seen["own"].clear()
    one = mi_features(texts, previous, fake("own", 1.0))
    assert seen["own"] == [*texts, "It was long.", "Tell me more.", ""]
    assert np.all(one.dense[:2, start : start + EMBED_DIM] == 1.0)


def test_scores() -> None:
    gold = ["a", "a", "b", "c"]
    pred = ["a", "b", "b", "b"]
    assert per_class_f1(gold, pred, ["a", "b", "c"]) == {"a": 2 / 3, "b": 0.5, "c": 0.0}
    assert macro_f1(gold, pred, ["a", "b", "c"]) == pytest.approx((2 / 3 + 0.5) / 3)


def _transcript(tid: str, quality: str, n: int) -> MITranscript:
    utts = [
        MIUtterance(
            tid,
            i,
            "counselor" if i % 2 == 0 else "client",
            f"line {i}",
            quality,
            [MIAnnotation(behaviour="other") if i % 2 == 0 else MIAnnotation(talk_type="neutral")],
        )
        for i in range(n)
    ]
    return MITranscript(tid, quality, utts)


def test_split_is_by_transcript_stratified_and_deterministic() -> None:
    transcripts = [_transcript(str(i), "high" if i % 5 else "low", 6) for i in range(50)]
    dev, test = split_annomi(transcripts)
    assert {t.id for t in dev}.isdisjoint({t.id for t in test})
    assert len(dev) + len(test) == 50
    assert sum(t.mi_quality == "high" for t in test) == 8  # 20% of 40
    assert sum(t.mi_quality == "low" for t in test) == 2  # 20% of 10
    again = split_annomi(list(reversed(transcripts)))[1]
    assert {t.id for t in again} == {t.id for t in test}
    assert held_out("abc", "x") == held_out("abc", "x")


def test_majority_breaks_ties_by_label_order() -> None:
    assert majority(["b", "a", "b"], ("a", "b")) == "b"
    assert majority(["b", "a"], ("a", "b")) == "a"
    utt = MIUtterance("1", 0, "client", "x", "high")
    utt.annotations += [MIAnnotation(talk_type="change"), MIAnnotation(talk_type="sustain")]
    assert utt.weighted("talk_type") == [("change", 0.5), ("sustain", 0.5)]


# --- the trained coder -------------------------------------------------------------------

needs_trained = pytest.mark.skipif(
    not mi_coder_available(), reason="needs the semantic extra and the shipped MI heads"
)


@pytest.fixture(scope="module")
def trained() -> Iterator[MICoder]:
    if not mi_coder_available():
        pytest.skip("needs the semantic extra and the shipped MI heads")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("THERALAB_SEMANTIC", raising=False)
        coder = default_mi_coder()
        assert isinstance(coder, MICoder)
        yield coder


@needs_trained
def test_trained_coder_codes_clear_cases(trained: MICoder) -> None:
    coded = trained.code_counselor_batch(
        [QUESTION_OPEN, QUESTION_CLOSED, REFLECTION],
        [[("client", "Evenings are the worst, I just sit and scroll.")]] * 3,
    )
    assert all(isinstance(c, CounselorCode) for c in coded)
    assert [c.behaviour for c in coded] == [
        Behaviour.QUESTION,
        Behaviour.QUESTION,
        Behaviour.REFLECTION,
    ]
    assert coded[0].code is MiscCode.OPEN_QUESTION
    assert coded[1].code is MiscCode.CLOSED_QUESTION
    assert all(0 < c.confidence <= 1 for c in coded)
    talk = trained.code_client_batch(
        [CHANGE, SUSTAIN], [[("counselor", "What do you make of the gaming these days?")]] * 2
    )
    assert all(isinstance(t, ClientCode) for t in talk)
    assert [t.talk_type for t in talk] == [TalkType.CHANGE, TalkType.SUSTAIN]


@needs_trained
def test_trained_batches_match_single_calls_and_context_matters(trained: MICoder) -> None:
    texts = [QUESTION_OPEN, "Mm-hmm.", REFLECTION]
    batch = trained.code_counselor_batch(texts)
    assert batch == [trained.code_counselor_batch([t])[0] for t in texts]
    plain = trained.features(["Okay."], None).dense
    after = trained.features(["Okay."], [[("client", "I drank a lot last weekend.")]]).dense
    assert (plain != after).any()
    per_turn = trained.code_counselor_sentences([f"{REFLECTION} {QUESTION_OPEN}"])
    assert [c.behaviour for c in per_turn[0]] == [Behaviour.REFLECTION, Behaviour.QUESTION]


@needs_trained
def test_miti_uses_the_trained_coder_with_the_same_keys(trained: MICoder) -> None:
    session = simulate(["mi"], ["alcohol-use-plasterer-declan"])[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("THERALAB_SEMANTIC", raising=False)
        evaluator = MitiEvaluator()
    assert evaluator.coder is trained
    values = evaluator.evaluate(session).values
    rules = MitiEvaluator(RuleCoder()).evaluate(session).values
    assert set(values) == set(rules)
    assert values["code_agreement"] is not None and 0 <= values["code_agreement"] <= 100


@needs_trained
def test_heads_metadata_records_training_and_heldout(trained: MICoder) -> None:
    meta = trained.meta
    assert set(meta["heads"]) == {
        "behaviour",
        "question",
        "reflection",
        "therapist_input",
        "other",
        "talk_type",
    }
    held = meta["heldout"]
    assert held["therapist_behaviour"]["n"] > 300 and held["client_talk_type"]["n"] > 300
    sizes = sum(p.stat().st_size for p in Path(trained.heads_file).parent.glob("*_heads.*"))
    assert sizes < 5_000_000


@pytest.mark.shared_data
@needs_trained
def test_shipped_heads_reproduce_the_heldout_figures(shared_data: Path, trained: MICoder) -> None:
    from theralab.coding.corpora import read_annomi
    from theralab.coding.heldout import mi_heldout

    _, test = split_annomi(read_annomi(shared_data / "annomi" / "annomi_dev.csv"))
    result = mi_heldout(trained, test).summary()
    recorded = trained.meta["heldout"]
    for task in ("therapist_behaviour", "client_talk_type"):
        assert result[task]["macro_f1"] == pytest.approx(recorded[task]["macro_f1"], abs=0.01)
    assert result["therapist_behaviour"]["macro_f1"] >= 0.70


@pytest.mark.shared_data
@needs_trained
def test_heads_metadata_holds_no_corpus_text(shared_data: Path, trained: MICoder) -> None:
    from theralab.coding.corpora import read_annomi

    sentences = {
        u.text.lower()
        for t in read_annomi(shared_data / "annomi" / "annomi_dev.csv")
        for u in t.utterances
        if len(u.text.split()) >= 6
    }
    raw = json.dumps(trained.meta).lower()
    assert not [s for s in sentences if s in raw]
