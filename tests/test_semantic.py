"""The learned tier (needs the `semantic` extra; skipped without it). Messages are written for
these tests."""

from __future__ import annotations

import pytest

from theralab.safety import PatternTier, RiskLevel, Screener
from theralab.safety.semantic import (
    SemanticTier,
    Sensitivity,
    semantic_available,
    voice,
    windows,
)

pytestmark = pytest.mark.skipif(
    not semantic_available(), reason="needs: pip install -e '.[semantic]'"
)

FILLER = (
    "We spent the weekend sorting out the garage and repainting the fence, which took far "
    "longer than anyone expected because the shed roof started leaking again. "
)


@pytest.fixture(scope="module")
def tier() -> SemanticTier:
    return SemanticTier()


def test_flags_clear_risk_and_leaves_ordinary_talk(tier: SemanticTier) -> None:
    risky = tier.assess("I keep thinking about killing myself, every single night")
    assert risky.level.at_least(RiskLevel.MODERATE) and risky.detector == "semantic"
    calm = tier.assess("I'd like to get better at saying no to extra shifts at work.")
    assert calm.level is RiskLevel.NONE


def test_weights_record_training_thresholds_and_honest_validation(tier: SemanticTier) -> None:
    w = tier.weights
    assert w["version"] == 2 and w["steps"] == ["low", "moderate", "high", "imminent"]
    for sensitivity in ("high", "balanced"):
        t = w["thresholds"][sensitivity]
        assert all(0 < t[s] < 1 for s in w["steps"])
    # the recall-first operating point never needs more confidence than the balanced one
    assert w["thresholds"]["high"]["moderate"] <= w["thresholds"]["balanced"]["moderate"]
    v = w["validation"]["high"]
    assert "dev_cv" in v and "frozen" in v  # both reported, separately
    assert w["trained_on"]["frozen_messages_never_trained"] > 0


def test_weights_report_separation_and_the_learning_curve(tier: SemanticTier) -> None:
    """Out-of-fold figures per corpus batch, threshold-free separation per batch, and the
    learning curve travel with the weights."""
    v = tier.weights["validation"]
    assert "earlier" in v["high_dev_cv_by_corpus_batch"]
    sep = v["separation_dev_cv_by_corpus_batch"]["earlier"]
    assert 0.5 < sep["auc_none_vs_high_imminent"] <= 1.0
    assert 0.0 < sep["high_imminent_recall_at_5pct_none_escalated"] <= 1.0
    assert set(v["learning_curve_dev_cv"]) == {"0.25", "0.50", "1.00"}


def test_batch_matches_single(tier: SemanticTier) -> None:
    texts = ["I want to die", "the weather is nice today", FILLER * 4]
    assert [a.level for a in tier.assess_batch(texts)] == [tier.assess(t).level for t in texts]


def test_risk_in_the_middle_of_a_long_post_is_not_diluted(tier: SemanticTier) -> None:
    buried = FILLER * 5 + "I have decided to end my life this weekend. " + FILLER * 5
    assert len(windows(buried)) > 2
    assert tier.assess(buried).level.at_least(RiskLevel.MODERATE)
    assert tier.assess(FILLER * 10).level is RiskLevel.NONE


def test_windows_keep_every_word_and_stay_short() -> None:
    text = FILLER * 12
    parts = windows(text, max_words=80)
    assert all(len(p.split()) <= 80 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_voice_tells_a_supporter_from_the_speaker() -> None:
    own = voice("I can't do this anymore and I think about ending my life")
    theirs = voice("You said you want to end it; you matter and your life is worth it")
    assert own[0] > own[1] and theirs[1] > theirs[0]


def test_balanced_never_flags_more_than_high() -> None:
    high = SemanticTier(sensitivity=Sensitivity.HIGH)
    balanced = SemanticTier(sensitivity=Sensitivity.BALANCED)
    texts = [
        "some days I wish I could just not wake up",
        "been cutting again, it's the only thing that helps",
        "I'm so done with this week, honestly",
        "the pills are counted out on my desk for tonight",
    ]
    for a, b in zip(high.assess_batch(texts), balanced.assess_batch(texts), strict=True):
        assert a.level.rank >= b.level.rank


def test_semantic_cannot_overrule_an_explicit_protective_context(tier: SemanticTier) -> None:
    screener = Screener([PatternTier(), tier])
    found = screener.assess("I killed myself in minecraft like ten times lol")
    assert found.level is RiskLevel.NONE


def test_a_dead_semantic_tier_fails_closed(
    tier: SemanticTier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from theralab.text.encoder import Encoder

    def dead(self, texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("model process killed")

    monkeypatch.setattr(Encoder, "encode_array", dead)
    found = Screener([PatternTier(), tier]).assess("I'm planning to end my life on Friday")
    assert found.level.at_least(RiskLevel.HIGH)
    assert any(s.startswith("tier_error:semantic") for s in found.signals)
    calm = Screener([PatternTier(), tier]).assess("nice weather")
    assert calm.is_crisis  # unknown counts as risk
    batch = Screener([PatternTier(), tier]).assess_batch(["nice weather", "fine thanks"])
    assert all(found.is_crisis for found in batch)


# --- the screener corpus the tier is trained on ---------------------------------------------


def test_corpus_labels_follow_the_scheme() -> None:
    """A `none` message carries no category but `minor`; a risk level is always the speaker's
    own and names at least one category; only negatives say what kind of negative they are."""
    from theralab.safety.corpus import Owner, batch4_dir, load_corpus

    messages = load_corpus(legacy=False) + load_corpus(batch4_dir(), legacy=False)
    assert len(messages) >= 4800  # 2,824 first written + the 2,003 of batch 4
    for m in messages:
        if m.level is RiskLevel.NONE:
            assert {c.value for c in m.categories} <= {"minor"}, m.id
        else:
            assert m.owner is Owner.SELF and m.categories and not m.kind, m.id


def test_batch_four_is_hard_negatives_and_hidden_positives_in_many_author_groups() -> None:
    """The fourth batch: ≥ 150 author groups; negatives talking about risk (history, denial,
    humour, medication, worry, support) beside positives at every level."""
    from collections import Counter

    from theralab.safety.corpus import batch4_dir, load_corpus

    batch = load_corpus(batch4_dir(), legacy=False)
    assert all(m.group.startswith("b4_") for m in batch)
    assert len(batch) >= 2000 and len({m.group for m in batch}) >= 150
    levels = Counter(m.level.value for m in batch)
    assert all(levels[lv] >= 100 for lv in ("low", "moderate", "high", "imminent"))
    kinds = Counter(m.kind for m in batch if m.level is RiskLevel.NONE)
    for kind in ("history", "denial", "humour", "medical", "worried_other", "supporter"):
        assert kinds[kind] >= 90, kind
    # a `minor` category is earned: the speaker states an age under 18 or a school year
    for m in batch:
        if any(c.value == "minor" for c in m.categories):
            text = m.text.lower()
            school = "year " in text or "yr " in text
            assert school or any(str(age) in text for age in range(11, 18)), m.id


def test_batch_four_holds_no_near_copy_of_another_message() -> None:
    """Character n-gram cosine below 0.75 between every batch-4 message and every other one
    (earlier batches included): new wording, not paraphrases."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from theralab.safety.corpus import batch4_dir, load_corpus

    messages = load_corpus() + load_corpus(batch4_dir(), legacy=False)
    new = [i for i, m in enumerate(messages) if m.group.startswith("b4_")]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit([m.text for m in messages])
    x = vec.transform([m.text for m in messages])
    sims = (x[new] @ x.T).toarray()
    for row, i in enumerate(new):
        sims[row, i] = 0.0
    worst = divmod(int(sims.argmax()), sims.shape[1])
    assert sims.max() < 0.75, (messages[new[worst[0]]].id, messages[worst[1]].id)


# Messages for the `ask` operating points: sure risk, a passive wish, ordinary talk, and two the
# shipped heads are unsure of — a plain line about living alone (`moderate`, P ≈ 0.4) and a
# long post ending in despair (`high`, P ≈ 0.2).
LIVES_ALONE = "i live alone now since the divorce"
LONG_UNSURE = FILLER + "I don't know how much longer I can keep doing any of this."
ASK_PROBES = [
    "I keep thinking about killing myself, every single night",
    "the pills are counted out on my desk for tonight",
    "some days I wish I could just not wake up",
    "honestly everything is too much lately and I don't see where it ends",
    "we finally fixed the leak in the shed roof",
    LIVES_ALONE,
    LONG_UNSURE,
]


def test_ask_keeps_what_it_is_sure_of_and_asks_about_the_rest(tier: SemanticTier) -> None:
    """`ask` uses `high`'s thresholds; a raise to `moderate`+ below P 0.5 becomes `low` (the
    guardrail's safety question), a confident one stands, and the pattern floor is untouched."""
    from theralab.safety.semantic import ASK_BELOW

    ask = SemanticTier(sensitivity=Sensitivity.ASK)
    texts = ASK_PROBES
    for text, h, a in zip(texts, tier.assess_batch(texts), ask.assess_batch(texts), strict=True):
        assert a.level.rank <= h.level.rank, text
        unsure = [s for s in a.signals if s.startswith("semantic_unsure:")]
        if unsure:
            assert a.level is RiskLevel.LOW and float(unsure[0].rsplit(":", 1)[1]) < ASK_BELOW
        elif h.level.at_least(RiskLevel.MODERATE):
            assert a.level.at_least(RiskLevel.MODERATE), text
    assert ask.assess(texts[0]).level.at_least(RiskLevel.MODERATE)  # sure: stands
    # the shipped heads are unsure of the long one (P(high) ≈ 0.2): asked about
    assert any(s.startswith("semantic_unsure:") for s in ask.assess(LONG_UNSURE).signals)
    assert Sensitivity.ASK.thresholds == "high" and Sensitivity.BALANCED.thresholds == "balanced"
    floor = Screener([PatternTier(), ask]).assess("I'm going to kill myself tonight")
    assert floor.level.at_least(RiskLevel.HIGH)


def test_ask_moderate_asks_only_where_the_learned_tier_stops_at_moderate(
    tier: SemanticTier,
) -> None:
    """`ask-moderate` uses `high`'s thresholds; a learned `moderate` below P 0.5 becomes `low`
    (the safety question), while every learned `high` or `imminent` keeps the protocol, sure
    or not — the difference from `ask`."""
    from theralab.safety.semantic import ASK_BELOW

    narrow = SemanticTier(sensitivity=Sensitivity.ASK_MODERATE)
    ask = SemanticTier(sensitivity=Sensitivity.ASK)
    texts = ASK_PROBES
    found = zip(texts, tier.assess_batch(texts), narrow.assess_batch(texts), strict=True)
    for text, h, n in found:
        unsure = [s for s in n.signals if s.startswith("semantic_unsure:")]
        if h.level.at_least(RiskLevel.HIGH):
            assert n.level is h.level and not unsure, text  # high and imminent stand
        elif unsure:
            assert h.level is RiskLevel.MODERATE and n.level is RiskLevel.LOW, text
            assert unsure[0].startswith("semantic_unsure:moderate:")
            assert float(unsure[0].rsplit(":", 1)[1]) < ASK_BELOW
        else:
            assert n.level is h.level, text
    assert Sensitivity.ASK_MODERATE.thresholds == "high" and Sensitivity.ASK_MODERATE.asks_first
    assert not Sensitivity.HIGH.asks_first
    # the shipped heads: a plain line about living alone is an unsure `moderate` (asked), the
    # long one an unsure `high` (asked by `ask`, the protocol under `ask-moderate`)
    alone, long = LIVES_ALONE, LONG_UNSURE
    assert tier.assess(alone).level is RiskLevel.MODERATE
    assert narrow.assess(alone).level is RiskLevel.LOW
    assert tier.assess(long).level is RiskLevel.HIGH
    assert ask.assess(long).level is RiskLevel.LOW and narrow.assess(long).level is RiskLevel.HIGH
