"""Does another kind of head separate risk better than the shipped linear heads, on the same
vectors? Threshold-free figures, out of fold, development data only.

The learned tier's heads are logistic regressions over each window's sentence vector, voice
features and hashed n-grams (`scripts/train_screener.py`). A linear head cannot express "talks
about suicide" *and* "is at risk now" as an interaction; this bench trains the heads the
training script trains (`linear`, its two passes and its rows) or, on the same rows, a
one-hidden-layer network per ladder step (`mlp`), inside the training script's grouped folds
(no author, template or C-SSRS user on both sides), and prints:

- the development corpus's messages (the built-in clients' talk apart): AUC of the
  P(≥ moderate) logit for `none` against high+imminent and against moderate messages, and
  the recall of high+imminent and moderate messages where 5, 10 and 15% of `none` messages
  are escalated, with the share of the clients' talk flagged there;
- the C-SSRS development users: AUC of each user's riskiest post (the same logit) for the
  at-risk users against the supporters, and the share of supporters above the point where
  90% of at-risk users are.

The frozen messages and users are never read. Needs ../shared/data/cssrs_reddit.

    .venv/bin/python bench/screener_heads.py [--head linear|mlp] [--hidden 128]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import train_screener as T

from theralab.safety.corpus import (
    cssrs_default_path,
    grouped_folds,
    is_frozen,
    load_corpus,
    read_cssrs,
    split_frozen,
)
from theralab.text.encoder import Encoder

AT_RISK = ("Ideation", "Behavior", "Attempt")


class NetworkHeads:
    """One small network per ladder step, its logit per window (what `Heads.logits` gives)."""

    def __init__(self, nets: list[Any]) -> None:
        self.nets = nets

    def logits(self, x: Any) -> np.ndarray:
        out = []
        for net in self.nets:
            p = np.clip(net.predict_proba(x)[:, 1], 1e-7, 1 - 1e-7)
            out.append(np.log(p / (1 - p)))
        return np.stack(out, axis=1)


def _balanced(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The rows' weights times class weights as `class_weight="balanced"` gives them."""
    w = w.astype(np.float64).copy()
    for c in (0, 1):
        w[y == c] *= len(y) / (2 * max(1, int((y == c).sum())))
    return w


def train(examples: list[T.Example], head: str, hidden: int) -> Any:
    if head == "linear":
        return T.train(examples, 1.0, T.CALM_WEIGHT)
    from sklearn.neural_network import MLPClassifier

    # The training script's rows: its first pass chooses long positives' windows.
    first = T.fit_heads(examples, 1.0, steps=2, calm_weight=T.CALM_WEIGHT)
    x, ranks, _, _, w = T.training_rows(examples, first, T.CALM_WEIGHT)
    nets = []
    for step in range(1, 5):
        y = (ranks >= step).astype(int)
        net = MLPClassifier(
            hidden_layer_sizes=(hidden,),
            alpha=1e-2,
            max_iter=40,
            batch_size=128,
            random_state=step,
        )
        net.fit(x, y, sample_weight=_balanced(y, w))
        nets.append(net)
    return NetworkHeads(nets)


def auc(negatives: np.ndarray, positives: np.ndarray) -> float:
    labels = np.r_[np.zeros(len(negatives)), np.ones(len(positives))]
    return float(roc_auc_score(labels, np.r_[negatives, positives]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--head", choices=("linear", "mlp"), default="linear")
    parser.add_argument("--hidden", type=int, default=128, help="mlp: hidden units")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    cssrs = cssrs_default_path()
    if not cssrs.is_file():
        raise SystemExit(f"needs the C-SSRS users at {cssrs}")

    dev_msgs, _ = split_frozen(load_corpus())  # the frozen part is never read
    dev_msgs += T.profile_negatives()
    users = [u for u in read_cssrs(cssrs) if not is_frozen(f"cssrs:{u.user}")]
    groups = [m.group for m in dev_msgs] + [f"cssrs:{u.user}" for u in users for _ in u.posts]
    folds = grouped_folds(groups, args.folds)
    store = T.VectorStore(T.CACHE, Encoder.get(T.SCREENER_PRECISION).encode_array)
    dev = T.examples_from(dev_msgs, store) + T.cssrs_examples(users, store)
    store.save()

    oof: dict[int, np.ndarray] = {}
    started = time.perf_counter()
    for f in range(args.folds):
        heads = train([dev[i] for i, g in enumerate(folds) if g != f], args.head, args.hidden)
        for i, g in enumerate(folds):
            if g == f:
                oof[i] = heads.logits(dev[i].vectors).max(axis=0)
        print(
            f"  fold {f + 1}/{args.folds} ({time.perf_counter() - started:.0f} s)", file=sys.stderr
        )

    corpus = [i for i, ex in enumerate(dev) if ex.kind == "corpus"]
    talk = np.array([dev[i].meta.get("source") == "profiles" for i in corpus])
    ranks = np.array([dev[i].rank for i in corpus])
    score = np.array([oof[i][T.RANK["moderate"] - 1] for i in corpus])  # P(≥ moderate)
    none, moderate, high = (ranks == 0) & ~talk, ranks == 2, ranks >= 3
    figures: dict[str, object] = {
        "head": args.head if args.head == "linear" else f"mlp ({args.hidden} hidden)",
        "messages": {
            "none": int(none.sum()),
            "moderate": int(moderate.sum()),
            "high+": int(high.sum()),
        },
        "auc_none_vs_high_imminent": auc(score[none], score[high]),
        "auc_none_vs_moderate": auc(score[none], score[moderate]),
    }
    for share in (0.05, 0.10, 0.15):
        at = np.quantile(score[none], 1 - share)
        figures[f"at {share:.0%} none escalated"] = {
            "high_imminent_recall": float((score[high] >= at).mean()),
            "moderate_recall": float((score[moderate] >= at).mean()),
            "clients_talk_flagged": float((score[talk] >= at).mean()),
        }
    peak: dict[str, tuple[str, float]] = {}
    for i, ex in enumerate(dev):
        if ex.kind.startswith("cssrs"):
            label, best = peak.get(ex.group, (ex.meta["label"], -np.inf))
            peak[ex.group] = (label, max(best, float(oof[i][T.RANK["moderate"] - 1])))
    risk = np.array([v for label, v in peak.values() if label in AT_RISK])
    support = np.array([v for label, v in peak.values() if label == "Supportive"])
    figures["cssrs_users"] = {
        "at_risk": len(risk),
        "supportive": len(support),
        "auc_riskiest_post": auc(support, risk),
        "supportive_above_90pct_at_risk_recall": float((support >= np.quantile(risk, 0.10)).mean()),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
