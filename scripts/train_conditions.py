"""Train the learned tier's condition heads (`theralab.safety.semantic`): psychosis, mania, OCD
and eating disorders found at any risk level, and validate them honestly.

Why: the ladder's category heads are trained on risky messages only and name a category only
when the ladder finds risk, so a condition told without danger ("I haven't needed sleep since
Tuesday", "can you check this email for me again") went unnamed: on 819 messages by an author
who never saw the screener's data (`data/screener_conditions/`), the shipped screener named the
condition in 3–21% of them. The guardrail answers a named condition with the condition
responder (no collusion, no help with the plan, no reassurance ritual, no diet tactics).

One logistic regression per condition over the learned tier's own window features (the int8
sentence vector, voice, hashed n-grams: nothing more to encode), class-balanced, on every
message of the screener corpus (`data/screener/`, the legacy set), the condition set
(`data/screener_conditions/`) and the built-in clients' everyday talk; a message is positive
when its label carries the condition, whatever its level. Groups (authors, templates) never
cross folds; one group in five, by hash, is frozen and never trained or tuned on.

The threshold of each head is chosen on out-of-fold scores (grouped 5-fold CV): the lowest
that names the condition in at most `NONE_BUDGET` of the development messages labelled `none`
and `CALM_BUDGET` of the built-in clients' everyday talk (a named condition replaces the
counselor's reply). The ladder is not touched: risk levels come from the ladder heads as
before, and a condition found in a message the ladder reads as `none` makes it `low`.

    .venv/bin/python scripts/train_conditions.py [--out FILE] [--report FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the screener script, beside this one

import train_screener as ts

from theralab.safety.corpus import (
    LabelledMessage,
    conditions_dir,
    grouped_folds,
    load_corpus,
    load_corpus_file,
    split_frozen,
)
from theralab.safety.semantic import (
    CONDITION_FILE,
    CONDITIONS,
    SCREENER_PRECISION,
    screener_adapter,
)
from theralab.text.encoder import vectors_id

NONE_BUDGET = 0.01  # of development messages labelled `none` (corpus), per condition
# Of the built-in clients' talk (every default profile, whatever its risk; none presents with a
# condition): a condition found once is carried for the rest of the conversation, so none.
CALM_BUDGET = 0.0
C = 0.5
FOLDS = 5


def profile_talk() -> list[LabelledMessage]:
    """Every client turn of scripted sessions with the default profiles (all risk levels, three
    seeds), grouped by profile: talk in which no condition is present, as the guardrail meets
    it most."""
    from theralab.profiles import builtin_profiles

    return ts.profile_messages(
        builtin_profiles(), (0, 1, 2), "profile_talk", lambda _, profile: f"profile:{profile}"
    )


def rows(examples: list[ts.Example]) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """One row per window; `owner`: the example each window belongs to."""
    x = sp.vstack([ex.vectors for ex in examples], format="csr")
    owner = np.concatenate([np.full(ex.vectors.shape[0], i) for i, ex in enumerate(examples)])
    sizes = np.array([ex.vectors.shape[0] for ex in examples])
    return x, owner, sizes


def labels(examples: list[ts.Example], name: str) -> np.ndarray:
    return np.array([name in ex.categories for ex in examples])


def fit(x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(
        x, y, sample_weight=weight
    )


def message_scores(prob: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """A message's score: its highest window."""
    out = np.zeros(n)
    np.maximum.at(out, owner, prob)
    return out


def window_weights(examples: list[ts.Example], owner: np.ndarray) -> np.ndarray:
    """Each message weighs 1 whatever its number of windows (a long post is not many votes)."""
    sizes = np.array([ex.vectors.shape[0] for ex in examples], dtype=float)
    return 1.0 / sizes[owner]


def choose_threshold(score: np.ndarray, none: np.ndarray, calm: np.ndarray) -> float:
    """The lowest threshold within both budgets."""
    for t in np.round(np.arange(0.05, 0.996, 0.01), 2):
        if np.mean(score[none] >= t) <= NONE_BUDGET and np.mean(score[calm] >= t) <= CALM_BUDGET:
            return float(t)
    return 0.995


def figures(score: np.ndarray, y: np.ndarray, none: np.ndarray, t: float) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    flagged = score >= t
    return {
        "positives": int(y.sum()),
        "recall": round(float(flagged[y].mean()), 3) if y.any() else None,
        "precision": round(float(y[flagged].mean()), 3) if flagged.any() else None,
        "none_flagged": round(float(flagged[none].mean()), 4) if none.any() else None,
        "auc": round(float(roc_auc_score(y, score)), 4) if 0 < y.sum() < len(y) else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ts.DATA / f"{CONDITION_FILE}.json")
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args()

    messages = load_corpus()
    for path in sorted(conditions_dir().glob("*.yaml")):
        messages += load_corpus_file(path)
    dev_msgs, frozen_msgs = split_frozen(messages)
    dev_msgs += profile_talk()
    store = ts.VectorStore(ts.CACHE)
    dev = ts.examples_from(dev_msgs, store)
    frozen = ts.examples_from(frozen_msgs, store)
    store.save()
    print(f"development {len(dev)} messages, frozen {len(frozen)}", file=sys.stderr)

    x, owner, _ = rows(dev)
    w = window_weights(dev, owner)
    folds = np.array(grouped_folds([ex.group for ex in dev], FOLDS))
    calm = np.array([ex.meta.get("source") == "profiles" for ex in dev])
    none = np.array([ex.level == "none" for ex in dev]) & ~calm
    fx, fowner, _ = rows(frozen)
    fnone = np.array([ex.level == "none" for ex in frozen])
    from_conditions = np.array([ex.group.startswith("b5_") for ex in frozen])

    weights, biases, thresholds, report = [], [], {}, {}
    for name in CONDITIONS:
        y = labels(dev, name)
        oof = np.zeros(len(dev))
        for k in range(FOLDS):
            train = ~np.isin(owner, np.nonzero(folds == k)[0])
            test = np.nonzero(folds == k)[0]
            clf = fit(x[train], y[owner[train]], w[train])
            keep = np.isin(owner, test)
            oof[test] = message_scores(clf.predict_proba(x[keep])[:, 1], owner[keep], len(dev))[
                test
            ]
        t = choose_threshold(oof, none, calm)
        final = fit(x, y[owner], w)
        fy = labels(frozen, name)
        fscore = message_scores(final.predict_proba(fx)[:, 1], fowner, len(frozen))
        weights.append(final.coef_[0])
        biases.append(final.intercept_[0])
        thresholds[name] = t
        report[name] = {
            "threshold": t,
            "dev_cv": {
                **figures(oof, y, none, t),
                "calm_flagged": round(float((oof[calm] >= t).mean()), 4),
            },
            "frozen": figures(fscore, fy, fnone, t),
            "frozen_condition_set": figures(
                fscore[from_conditions], fy[from_conditions], fnone[from_conditions], t
            ),
        }
        print(f"{name}: {json.dumps(report[name])}", file=sys.stderr)

    meta = {
        "version": 1,
        "encoder": vectors_id(SCREENER_PRECISION, screener_adapter()),
        "model": "one logistic regression per condition over the learned tier's window "
        "features (int8 sentence vector, voice, hashed n-grams); a message scores its "
        "highest window",
        "trained": date.today().isoformat(),
        "conditions": list(CONDITIONS),
        "thresholds": thresholds,
        "threshold_rule": f"lowest threshold naming the condition in at most {NONE_BUDGET:.1%} "
        f"of development `none` messages and {CALM_BUDGET:.1%} of the built-in clients' "
        "everyday talk, out of fold (grouped 5-fold CV)",
        "trained_on": {
            "development_messages": len(dev),
            "frozen_messages_never_trained": len(frozen),
        },
        "validation": report,
    }
    np.savez_compressed(
        args.out.with_suffix(".npz"),
        W=np.array(weights, dtype=np.float32),
        b=np.array(biases, dtype=np.float32),
    )
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.with_suffix('.json')} and .npz", file=sys.stderr)


if __name__ == "__main__":
    main()
