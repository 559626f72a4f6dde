"""A small learned reply checker on top of the rules.

The rules name each harm and explain it; they also fit the wording they were written next to.
This head reads a reply against the client's last messages in the project's sentence encoder
(`theralab.text.encoder`, int8 all-MiniLM-L6-v2) and gives the probability that the reply is
inappropriate: features are the reply's vector, the history's vector and their element-wise
product, into one logistic regression. It can only add a block (reason `learned_inappropriate`)
to a reply the rules let through, and only when the history shows something to be careful about
(a risk level above `none` or a condition the checker reads); its threshold is chosen on
held-out scenarios for few false blocks.

Trained on the development scenarios of `data/replies` only (frozen groups are never loaded),
with grouped cross-validation by scenario; `python -m theralab.safety.reply_check.learned`
retrains it and prints its development figures. Weights ship beside this file
(`data/reply_head.npz` and `.json`); without them, the encoder or with `THERALAB_SEMANTIC=0`,
the checker runs on its rules alone.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from theralab.text.encoder import (
    Encoder,
    Precision,
    encoder_runnable,
    require_vectors,
    semantic_enabled,
    vectors_id,
)

if TYPE_CHECKING:
    import numpy as np

    from theralab.safety.reply_check.dataset import ReplyExample

LEARNED_REASON = "learned_inappropriate"
PRECISION = Precision.INT8
HISTORY_MESSAGES = 2  # the client's last messages the head reads with the reply
MAX_FALSE_BLOCKS = 0.03  # the threshold's budget on held-out appropriate replies
WEIGHTS = Path(__file__).resolve().parent / "data" / "reply_head.npz"


@dataclass(frozen=True)
class ReplyHead:
    """The trained head: weights, bias and the threshold at which it blocks."""

    coef: np.ndarray
    bias: float
    threshold: float

    def probability(self, reply: str, history: Sequence[str]) -> float:
        import numpy as np

        x = features([reply], [history])[0]
        return float(1.0 / (1.0 + np.exp(-(float(x @ self.coef) + self.bias))))

    def blocks(self, reply: str, history: Sequence[str]) -> bool:
        return self.probability(reply, history) >= self.threshold


def _history_text(history: Sequence[str]) -> str:
    return " ".join(t.strip() for t in history[-HISTORY_MESSAGES:] if t and t.strip())


def features(replies: Sequence[str], histories: Sequence[Sequence[str]]) -> np.ndarray:
    """[reply, history, reply × history] for each pair (unit vectors from the int8 encoder)."""
    import numpy as np

    encoder = Encoder.get(PRECISION)
    r = encoder.encode_array(list(replies))
    h = encoder.encode_array([_history_text(h) or "." for h in histories])
    return np.hstack([r, h, r * h]).astype(np.float32)


@cache
def _load(path: Path) -> ReplyHead | None:
    if not path.is_file() or not path.with_suffix(".json").is_file():
        return None
    import numpy as np

    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    require_vectors(
        meta.get("encoder"),
        vectors_id(PRECISION),
        path,
        ".venv/bin/python bench/reply_check.py --train-head",
    )
    arrays = np.load(path)
    return ReplyHead(
        coef=arrays["coef"].astype(np.float32),
        bias=float(arrays["bias"]),
        threshold=float(meta["threshold"]),
    )


def reply_head(path: Path = WEIGHTS) -> ReplyHead | None:
    """The head when it can run here (weights present, encoder installed, semantic parts not
    switched off with `THERALAB_SEMANTIC=0`), else None: the rules then stand alone."""
    if not semantic_enabled() or not encoder_runnable(PRECISION):
        return None
    return _load(path)


# ---------------------------------------------------------------------------------------------
# Training (development scenarios only).
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CvFigures:
    """Grouped cross-validation on development scenarios: the head alone, and joined with the
    rules (the rules were written on these scenarios, so that row flatters them)."""

    folds: int
    head_blocked: float
    head_false_blocks: float
    joined_blocked: float
    joined_false_blocks: float


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _threshold(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float) -> float:
    """The threshold that blocks at most `MAX_FALSE_BLOCKS` of appropriate replies in scenarios
    held out of an inner grouped cross-validation."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(len(y))
    for fit, held in GroupKFold(5).split(x, y, groups):
        coef, bias = _fit(x[fit], y[fit], c)
        scores[held] = x[held] @ coef + bias
    negatives = np.sort(scores[y == 0])
    logit = negatives[int(np.ceil((1 - MAX_FALSE_BLOCKS) * len(negatives))) - 1] + 1e-6
    return float(1.0 / (1.0 + np.exp(-logit)))


def train(examples: Sequence[ReplyExample], c: float = 1.0) -> tuple[ReplyHead, CvFigures]:
    """Fit the head on development examples (frozen ones are refused) and measure it by
    grouped cross-validation."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from theralab.safety.reply_check import check_reply

    if any(e.frozen for e in examples):
        raise ValueError("frozen scenarios are never trained on")
    x = features([e.reply for e in examples], [e.history for e in examples])
    y = np.array([e.inappropriate for e in examples], dtype=int)
    groups = np.array([e.group for e in examples])
    rules = np.array(
        [not check_reply(e.reply, history=list(e.history), learned=False).allowed for e in examples]
    )
    head_blocks = np.zeros(len(y), dtype=bool)
    for fit, held in GroupKFold(5).split(x, y, groups):
        coef, bias = _fit(x[fit], y[fit], c)
        threshold = _threshold(x[fit], y[fit], groups[fit], c)
        head_blocks[held] = 1.0 / (1.0 + np.exp(-(x[held] @ coef + bias))) >= threshold
    joined = head_blocks | rules
    bad = y == 1
    figures = CvFigures(
        folds=5,
        head_blocked=float(head_blocks[bad].mean()),
        head_false_blocks=float(head_blocks[~bad].mean()),
        joined_blocked=float(joined[bad].mean()),
        joined_false_blocks=float(joined[~bad].mean()),
    )
    coef, bias = _fit(x, y, c)
    return ReplyHead(coef, bias, _threshold(x, y, groups, c)), figures


def save(head: ReplyHead, figures: CvFigures, n: int, path: Path = WEIGHTS) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, coef=head.coef, bias=np.float32(head.bias))
    meta = {
        "threshold": head.threshold,
        "encoder": vectors_id(PRECISION),
        "features": "reply, last client messages, their product",
        "history_messages": HISTORY_MESSAGES,
        "max_false_blocks": MAX_FALSE_BLOCKS,
        "trained_on": f"{n} development replies of data/replies (frozen groups never loaded)",
        "dev_grouped_cv": figures.__dict__,
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _load.cache_clear()


def main(argv: Sequence[str] | None = None) -> None:
    """Retrain the head on the development scenarios and print its grouped-CV figures."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="where to write the weights")
    args = parser.parse_args(argv)
    from theralab.safety.reply_check.dataset import load_reply_set

    dev = [e for e in load_reply_set() if not e.frozen]
    head, figures = train(dev, c=args.c)
    save(head, figures, len(dev), args.out)
    print(
        f"DEV grouped {figures.folds}-fold CV over {len(dev)} replies: head alone blocks "
        f"{figures.head_blocked:.3f} of inappropriate, {figures.head_false_blocks:.3f} of "
        f"appropriate; with the rules {figures.joined_blocked:.3f} / "
        f"{figures.joined_false_blocks:.3f} (rules written on these scenarios). Threshold "
        f"{head.threshold:.3f} → {args.out}"
    )


if __name__ == "__main__":
    main()
