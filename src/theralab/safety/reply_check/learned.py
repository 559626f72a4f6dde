"""A small learned reply checker on top of the rules.

The rules name each harm and explain it; they also fit the wording they were written next to.
This head reads the client's last messages and the reply *together*, as one text
("history [SEP] reply"), through the project's sentence encoder (`theralab.text.encoder`, int8
all-MiniLM-L6-v2) with its top three layers fine-tuned for this task
(`theralab.text.finetune`; the fine-tuned layers ship as `data/reply_encoder.npz` and the
encoder is rebuilt from them once), and gives the probability that the reply is
inappropriate from one logistic regression over that vector. Reading the pair in one pass lets
attention relate the reply to what the client said (a method named to ask about safety vs to
explain it; a belief questioned vs restated); the earlier head, a logistic regression over
separately encoded reply and history vectors, found 0.62 of the inappropriate replies in
held-out scenarios at 1% false blocks, this one 0.85 (grouped CV, `docs/safety.md`).

It can only add a block (reason `learned_inappropriate`) to a reply the rules let through,
and only when the history shows something to be careful about: a risk level above `none` or a
condition in the rules' reading of it, or any risk the learned screener finds in a client
message (`history_at_risk`). Its threshold is chosen on held-out scenarios for few false
blocks.

Two heads, the same model on different training data:

- **the strict head** (`reply_head.npz`), trained on the development scenarios of
  `data/replies` only (frozen groups are never loaded): by default it judges every history
  the head may judge;
- **the real-talk head** (`reply_head_real.npz`), trained on the same scenarios and, as
  appropriate, on real supporters' replies from ESConv's `train` chats (`real_negatives`:
  only where the head would judge, the rules allow the reply and no client message before it
  reads `moderate` or above; chosen with the rules as they stood on 2026-12-06, before the
  checker read "better off if I wasn't here" as `low`): with `sensitivity="balanced"` it
  judges where only the learned screener finds risk (real distress talk, which that screener
  reads as `low` or `moderate` far more often than the pattern tier does), and the strict head
  where the rules' own reading finds risk or a condition (`ClientContext.needs_care`). The
  strict head blocks 40.8% of ESConv's real supporters' replies (`bench/check_real_replies.py`),
  `balanced` 6.2%, at a cost in inappropriate replies found after subtle risk; hence opt-in
  (figures in `docs/safety.md`).

Both are measured with grouped cross-validation by scenario and by chat (the encoder
fine-tuned again in every fold, so no held-out group shaped the vectors it is scored on);
`python -m theralab.safety.reply_check.learned [--real esconv]` retrains one (≈ 12 / 25 min on
2 cores) and prints its development figures. Without its files, the encoder or with
`THERALAB_SEMANTIC=0`, the checker runs on its rules alone.
"""

from __future__ import annotations

import argparse
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from theralab.safety.risk import RiskLevel
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

    from theralab.safety.reply_check.dataset import RealReply, ReplyExample
    from theralab.safety.semantic import SemanticTier

LEARNED_REASON = "learned_inappropriate"
PRECISION = Precision.INT8
HISTORY_MESSAGES = 2  # the client's last messages the head reads with the reply
# Of those, the last words kept, so that history and reply stay within the encoder's 256 word
# pieces for replies of up to about 100 words (a longer reply loses its tail to the head, never
# to the rules, which read all of it).
HISTORY_WORDS = 120
MAX_FALSE_BLOCKS = 0.03  # the threshold's budget on held-out appropriate replies
TUNED_LAYERS = 3  # the encoder's top layers fine-tuned for the head
EPOCHS = 5
REAL_PER_CHAT = 3  # real replies taken from one ESConv chat, at most (spread over the chat)
REAL_WEIGHT = 1.0  # a real reply's weight in training, beside a written one's 1
DATA = Path(__file__).resolve().parent / "data"
WEIGHTS = DATA / "reply_head.npz"  # the strict head
ADAPTER = DATA / "reply_encoder.npz"
REAL_WEIGHTS = DATA / "reply_head_real.npz"  # the real-talk head
REAL_ADAPTER = DATA / "reply_encoder_real.npz"


@dataclass(frozen=True)
class ReplyHead:
    """The trained head: weights and bias over the pair's vector, the calibration of its score
    (Platt, fitted on held-out scenarios) and the calibrated probability at which it blocks."""

    coef: np.ndarray
    bias: float
    threshold: float
    calibration: tuple[float, float] = (1.0, 0.0)
    adapter: Path | None = ADAPTER

    def probability(self, reply: str, history: Sequence[str]) -> float:
        x = features([reply], [history], self.adapter)[0]
        return _calibrated(float(x @ self.coef) + self.bias, self.calibration)

    def blocks(self, reply: str, history: Sequence[str]) -> bool:
        return self.probability(reply, history) >= self.threshold


def _calibrated(score: float, calibration: tuple[float, float]) -> float:
    import math

    a, b = calibration
    return 1.0 / (1.0 + math.exp(-(a * score + b)))


def pair_text(reply: str, history: Sequence[str]) -> str:
    """What the head reads: the client's last messages, then the reply."""
    recent = " ".join(t.strip() for t in history[-HISTORY_MESSAGES:] if t and t.strip())
    words = recent.split()[-HISTORY_WORDS:]
    return f"{' '.join(words) or '.'} [SEP] {reply}"


def features(
    replies: Sequence[str], histories: Sequence[Sequence[str]], adapter: Path | None = ADAPTER
) -> np.ndarray:
    """The encoder's unit vector of each (history, reply) pair."""
    encoder = Encoder.get(PRECISION, adapter)
    pairs = [pair_text(r, h) for r, h in zip(replies, histories, strict=True)]
    return encoder.encode_array(pairs)


@cache
def _load(path: Path) -> ReplyHead | None:
    if not path.is_file() or not path.with_suffix(".json").is_file():
        return None
    import numpy as np

    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    adapter = path.parent / meta["adapter"] if meta.get("adapter") else None
    if adapter is not None and not adapter.is_file():
        return None
    require_vectors(
        meta.get("encoder"),
        vectors_id(PRECISION, adapter),
        path,
        ".venv/bin/python bench/reply_check.py --train-head",
    )
    arrays = np.load(path)
    return ReplyHead(
        coef=arrays["coef"].astype(np.float32),
        bias=float(arrays["bias"]),
        threshold=float(meta["threshold"]),
        calibration=tuple(meta.get("calibration", (1.0, 0.0))),  # type: ignore[arg-type]
        adapter=adapter,
    )


def reply_head(path: Path = WEIGHTS) -> ReplyHead | None:
    """The head at `path` (default: the strict head) when it can run here (weights and
    fine-tuned layers present, encoder installed, semantic parts not switched off with
    `THERALAB_SEMANTIC=0`), else None: the rules then stand alone."""
    if not semantic_enabled():
        return None
    head = _load(path)
    if head is None or not encoder_runnable(PRECISION, head.adapter):
        return None
    return head


def history_at_risk(history: Sequence[str]) -> bool:
    """Whether the learned screener finds any risk (`low` or above) in one of the client's
    messages. The head judges a reply when this or the rules' own reading of the history finds
    something to be careful about: that reading rests on the pattern tier, which misses much
    risk said in new words (the learned tier reaches several times more of the challenge set's
    high-risk messages, `docs/safety.md`)."""
    texts = tuple(t for t in history if t and t.strip())
    tier = _screening_tier() if texts else None
    if tier is None:
        return False
    # each message is judged alone, so a conversation checked turn by turn screens each of
    # its messages once, not once per later reply
    new = [t for t in dict.fromkeys(texts) if t not in _AT_RISK]
    for text, found in zip(new, tier.assess_batch(new), strict=True):
        _AT_RISK[text] = found.level is not RiskLevel.NONE
    verdict = any(_AT_RISK[t] for t in texts)
    while len(_AT_RISK) > _AT_RISK_KEPT:  # oldest first
        _AT_RISK.popitem(last=False)
    return verdict


_TIER: list[SemanticTier] = []  # made once, when the learned tier can run
_AT_RISK: OrderedDict[str, bool] = OrderedDict()  # message → the learned tier finds risk
_AT_RISK_KEPT = 50_000


def _screening_tier() -> SemanticTier | None:
    from theralab.safety.semantic import semantic_tier_if_available

    if not _TIER:
        tier = semantic_tier_if_available()
        if tier is None:
            return None
        _TIER.append(tier)
    return _TIER[0] if semantic_enabled() else None


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
    # real supporters' replies trained on as appropriate, out of fold: how many and the share
    # the head blocks (at the threshold chosen on written replies)
    real_replies: int = 0
    real_blocked: float = 0.0
    # per batch of the reply set: the head alone, out of fold (blocked, false blocks)
    per_batch: dict[str, tuple[float, float]] = field(default_factory=dict)


def _fit(
    x: np.ndarray, y: np.ndarray, c: float, weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(x, y, sample_weight=weights)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=100.0, max_iter=2000).fit(scores.reshape(-1, 1), y)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def real_negatives(replies: Sequence[RealReply], per_chat: int = REAL_PER_CHAT) -> list[RealReply]:
    """The real replies the head is taught to let through: those it would judge (the history
    shows something to be careful about), that the rules allow, after no client message the
    rules or the learned screener read at `moderate` or above — up to `per_chat` per chat,
    spread evenly over the chat's eligible replies."""
    from theralab.safety.reply_check import assess_history, check_reply, head_may_judge

    tier = _screening_tier()
    if tier is None:
        raise RuntimeError("choosing real replies needs the learned screener (semantic extra)")
    messages = list(dict.fromkeys(m for r in replies for m in r.history))
    rank = {m: a.level.rank for m, a in zip(messages, tier.assess_batch(messages), strict=True)}
    moderate = RiskLevel.MODERATE.rank
    eligible: dict[str, list[RealReply]] = {}
    for r in replies:
        ctx = assess_history(r.history)
        if (
            ctx.level.rank < moderate
            and max(rank[m] for m in r.history) < moderate
            and head_may_judge(ctx, r.history)
            and check_reply(r.reply, history=list(r.history), learned=False).allowed
        ):
            eligible.setdefault(r.group, []).append(r)
    out: list[RealReply] = []
    for chat in eligible.values():
        step = max(1, len(chat) // per_chat)
        out.extend(chat[::step][:per_chat])
    return out


def train(
    examples: Sequence[ReplyExample],
    c: float = 1.0,
    adapter: Path = ADAPTER,
    layers: int = TUNED_LAYERS,
    epochs: int = EPOCHS,
    real: Sequence[RealReply] = (),
    real_weight: float = REAL_WEIGHT,
) -> tuple[ReplyHead, CvFigures]:
    """Fine-tune the encoder's top layers and fit the head on development examples (frozen
    ones are refused) and the real replies `real` (as appropriate, weighted `real_weight`),
    writing the fine-tuned layers to `adapter`; measured by grouped cross-validation with the
    encoder fine-tuned again without each held-out fold. The calibration and the threshold
    come from the written replies alone: the threshold is the calibrated out-of-fold
    probability that blocks at most `MAX_FALSE_BLOCKS` of the appropriate written replies."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from theralab.safety.reply_check import check_reply
    from theralab.text.finetune import TopLayerTuner

    if any(e.frozen for e in examples):
        raise ValueError("frozen scenarios are never trained on")
    n = len(examples)
    texts = [pair_text(e.reply, e.history) for e in examples]
    texts += [pair_text(r.reply, r.history) for r in real]
    y = np.array([e.inappropriate for e in examples] + [False] * len(real), dtype=int)
    weights = np.array([1.0] * n + [real_weight] * len(real))
    groups = np.array([e.group for e in examples] + [r.group for r in real])
    rules = np.array(
        [not check_reply(e.reply, history=list(e.history), learned=False).allowed for e in examples]
    )
    tuner = TopLayerTuner(layers, epochs, steps=1)
    scores = np.zeros(len(y))
    for fit, held in GroupKFold(5).split(texts, y, groups):
        state = tuner.fit([texts[i] for i in fit], y[fit].tolist(), weights[fit].tolist())
        vectors = tuner.embed(texts, state)
        coef, bias = _fit(vectors[fit], y[fit], c, weights[fit])
        scores[held] = vectors[held] @ coef + bias
    calibration = _platt(scores[:n], y[:n])
    probs = np.array([_calibrated(float(v), calibration) for v in scores])
    written, real_probs, y = probs[:n], probs[n:], y[:n]
    negatives = np.sort(written[y == 0])
    threshold = float(negatives[int(np.ceil((1 - MAX_FALSE_BLOCKS) * len(negatives))) - 1]) + 1e-6
    head_blocks = written >= threshold
    joined = head_blocks | rules
    bad = y == 1
    batches = np.array([e.batch for e in examples])
    figures = CvFigures(
        folds=5,
        head_blocked=float(head_blocks[bad].mean()),
        head_false_blocks=float(head_blocks[~bad].mean()),
        joined_blocked=float(joined[bad].mean()),
        joined_false_blocks=float(joined[~bad].mean()),
        real_replies=len(real),
        real_blocked=float((real_probs >= threshold).mean()) if len(real) else 0.0,
        per_batch={
            b: (
                round(float(head_blocks[bad & (batches == b)].mean()), 4),
                round(float(head_blocks[~bad & (batches == b)].mean()), 4),
            )
            for b in sorted(set(batches.tolist()))
        },
    )
    every = np.array([e.inappropriate for e in examples] + [False] * len(real), dtype=int)
    tuner.save_adapter(tuner.fit(texts, every.tolist(), weights.tolist()), adapter)
    vectors = Encoder(PRECISION, adapter).encode_array(texts)  # as the head will run
    coef, bias = _fit(vectors, every, c, weights)
    return ReplyHead(coef, bias, threshold, calibration, adapter), figures


def save(
    head: ReplyHead,
    figures: CvFigures,
    n: int,
    path: Path = WEIGHTS,
    real_from: str = "",
    real_weight: float = REAL_WEIGHT,
) -> None:
    import numpy as np

    if head.adapter is None or head.adapter.parent != path.parent:
        raise ValueError(f"the fine-tuned layers must be written beside {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, coef=head.coef, bias=np.float32(head.bias))
    meta = {
        "threshold": head.threshold,
        "calibration": list(head.calibration),
        "encoder": vectors_id(PRECISION, head.adapter),
        "adapter": head.adapter.name,
        "features": "the pair 'last client messages [SEP] reply' through the fine-tuned encoder",
        "history_messages": HISTORY_MESSAGES,
        "history_words": HISTORY_WORDS,
        "tuned_layers": TUNED_LAYERS,
        "epochs": EPOCHS,
        "max_false_blocks": MAX_FALSE_BLOCKS,
        "trained_on": f"{n} development replies of data/replies (frozen groups never loaded)"
        + (
            f" and, as appropriate, {figures.real_replies} real supporters' replies of "
            f"{real_from} (at most {REAL_PER_CHAT} per chat, weight {real_weight})"
            if figures.real_replies
            else ""
        ),
        "dev_grouped_cv": figures.__dict__,
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _load.cache_clear()


def main(argv: Sequence[str] | None = None) -> None:
    """Retrain the head on the development scenarios and print its grouped-CV figures."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"where to write the weights (default: {WEIGHTS.name}, or {REAL_WEIGHTS.name} with "
        "--real esconv; the fine-tuned layers go beside it)",
    )
    parser.add_argument(
        "--batches", default="", metavar="N,N", help="train on these batches only (default: all)"
    )
    parser.add_argument(
        "--real",
        choices=("esconv", "none"),
        default="none",
        help="real supporters' replies trained on as appropriate: none (the strict head, "
        "default) or ESConv train (the real-talk head; needs ../shared/data/esconv)",
    )
    parser.add_argument(
        "--real-weight",
        type=float,
        default=REAL_WEIGHT,
        help=f"a real reply's weight in training (default {REAL_WEIGHT})",
    )
    args = parser.parse_args(argv)
    from theralab.safety.reply_check.dataset import esconv_replies, load_reply_set

    keep = {f"batch {n.strip()}" for n in args.batches.split(",") if n.strip()}
    every = [e for e in load_reply_set() if not e.frozen]
    unknown = keep - {e.batch for e in every}
    if unknown:
        known = ", ".join(sorted({e.batch.split()[1] for e in every}, key=int))
        missing = ", ".join(sorted(unknown))
        parser.error(f"--batches: no {missing} in the reply set (it has {known})")
    dev = [e for e in every if not keep or e.batch in keep]
    real = real_negatives(esconv_replies("train")) if args.real == "esconv" else []
    out = args.out or (REAL_WEIGHTS if real else WEIGHTS)
    adapter = out.with_name(out.stem.replace("reply_head", "reply_encoder") + ".npz")
    if adapter == out:
        parser.error(f"--out: name the weights reply_head*.npz, not {out.name}")
    head, figures = train(
        dev,
        c=args.c,
        adapter=adapter,
        real=real,
        real_weight=args.real_weight,
    )
    save(head, figures, len(dev), out, "ESConv train" if real else "", args.real_weight)
    print(
        f"DEV grouped {figures.folds}-fold CV over {len(dev)} replies: head alone blocks "
        f"{figures.head_blocked:.3f} of inappropriate, {figures.head_false_blocks:.3f} of "
        f"appropriate; with the rules {figures.joined_blocked:.3f} / "
        f"{figures.joined_false_blocks:.3f} (rules written on these scenarios). Threshold "
        f"{head.threshold:.3f} → {out}"
    )
    if real:
        print(
            f"  {len(real)} real supporters' replies (ESConv train, as appropriate): "
            f"{figures.real_blocked:.3f} blocked out of fold"
        )
    for batch, (blocked, false_blocks) in figures.per_batch.items():
        print(f"  {batch}: head alone blocks {blocked:.3f} / {false_blocks:.3f}")


if __name__ == "__main__":
    main()
