"""The semantic tier (needs the `semantic` extra; skipped without it)."""

from __future__ import annotations

import pytest

from theralab.safety import PatternTier, RiskLevel, Screener
from theralab.safety.semantic import SemanticTier, semantic_available

pytestmark = pytest.mark.skipif(
    not semantic_available(), reason="needs: pip install -e '.[semantic]'"
)


@pytest.fixture(scope="module")
def tier() -> SemanticTier:
    return SemanticTier()


def test_semantic_tier_flags_clear_risk_and_leaves_ordinary_talk(tier: SemanticTier) -> None:
    risky = tier.assess("I keep thinking about killing myself, every single night")
    assert risky.level.at_least(RiskLevel.LOW) and risky.detector == "semantic"
    calm = tier.assess("I'd like to get better at saying no to extra shifts at work.")
    assert calm.level is RiskLevel.NONE


def test_weights_record_their_training_and_threshold(tier: SemanticTier) -> None:
    w = tier.weights
    assert len(w["level_W"]) == 5 and len(w["level_W"][0]) == 384
    assert 0 < w["threshold"] < 1 and "cross_validation" in w


def test_batch_matches_single(tier: SemanticTier) -> None:
    texts = ["I want to die", "the weather is nice today"]
    assert [a.level for a in tier.assess_batch(texts)] == [tier.assess(t).level for t in texts]


def test_semantic_cannot_overrule_an_explicit_protective_context(tier: SemanticTier) -> None:
    screener = Screener([PatternTier(), tier])
    found = screener.assess("I killed myself in minecraft like ten times lol")
    assert found.level is RiskLevel.NONE


def test_a_dead_semantic_tier_fails_closed(
    tier: SemanticTier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from theralab.safety import semantic

    def dead(texts, batch_size=64):  # type: ignore[no-untyped-def]
        raise RuntimeError("model process killed")

    monkeypatch.setattr(semantic.Embedder, "encode", staticmethod(dead))
    found = Screener([PatternTier(), tier]).assess("I'm planning to end my life on Friday")
    assert found.level.at_least(RiskLevel.HIGH)
    assert any(s.startswith("tier_error:semantic") for s in found.signals)
    calm = Screener([PatternTier(), tier]).assess("nice weather")
    assert calm.is_crisis  # unknown counts as risk
