"""An empathy coder: EPITOME's three communication mechanisms of a support response.

For a (seeker post, response) pair it scores emotional reactions, interpretations and
explorations, each 0 (none), 1 (weak) or 2 (strong), as in Sharma et al. (EMNLP 2020). One
logistic-regression head per mechanism over all-MiniLM-L6-v2 embeddings of the response and
the seeker post, cues of form of the response and hashed n-grams; trained by
`theralab coder train empathy` on EPITOME's Reddit annotations.

Needs the `semantic` extra. The heads are derived from EPITOME, which is licensed for
non-commercial academic research with attribution (see `theralab/coding/data/README.md`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from theralab.coding.corpora import MECHANISMS
from theralab.coding.trained import TrainedHeads, shipped_heads
from theralab.text.encoder import Precision, encoder_runnable

EMPATHY_HEADS = "empathy_heads"
# The empathy heads read fp32 vectors: retrained on the MI coder's int8 ones (2026-12-05, same
# recipe), held-out explorations fell 0.685 -> 0.661 macro-F1 (paired 95% interval -0.047 to
# -0.008), past issue 15's +-0.01, and the empathy coder is on no default path that int8 speeds.
EMPATHY_PRECISION = Precision.FP32


def heads_path() -> Path:
    return shipped_heads(EMPATHY_HEADS)


def empathy_coder_available(heads: Path | None = None) -> bool:
    path = heads or heads_path()
    return encoder_runnable(EMPATHY_PRECISION) and path.with_suffix(".npz").is_file()


@dataclass(frozen=True)
class EmpathyScores:
    """EPITOME levels (0 none, 1 weak, 2 strong) and the probability of each level chosen."""

    emotional_reactions: int
    interpretations: int
    explorations: int
    confidence: tuple[float, float, float]

    def levels(self) -> dict[str, int]:
        return {m: getattr(self, m) for m in MECHANISMS}


class EmpathyCoder(TrainedHeads):
    """Scores (seeker post, response) pairs on EPITOME's three mechanisms."""

    DEFAULT_NAME = "epitome-minilm"
    PRECISION = EMPATHY_PRECISION

    def __init__(self, heads: Path | None = None) -> None:
        super().__init__(heads or heads_path())

    def score_batch(self, pairs: Sequence[tuple[str, str]]) -> list[EmpathyScores]:
        """Score (seeker, response) pairs, all in one batch."""
        if not pairs:
            return []
        from theralab.coding.vectors import empathy_features

        x = empathy_features([s for s, _ in pairs], [r for _, r in pairs], self._cache.encode)
        heads = self.heads
        probs = {m: heads[m].proba(x) for m in MECHANISMS}
        out = []
        for i in range(len(pairs)):
            picks = [int(probs[m][i].argmax()) for m in MECHANISMS]
            levels = [int(heads[m].labels[k]) for m, k in zip(MECHANISMS, picks, strict=True)]
            conf = tuple(
                round(float(probs[m][i, k]), 4) for m, k in zip(MECHANISMS, picks, strict=True)
            )
            out.append(EmpathyScores(*levels, confidence=conf))  # type: ignore[arg-type]
        return out

    def score(self, seeker: str, response: str) -> EmpathyScores:
        return self.score_batch([(seeker, response)])[0]
