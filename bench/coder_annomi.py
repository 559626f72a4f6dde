"""How well do the offline MI coders agree with AnnoMI's expert annotations, on held-out
transcripts?

Needs ../shared/data/annomi/annomi_dev.csv (research data; nothing of it is copied into the
project). The split is by transcript, fixed and deterministic (`theralab.coding.corpora`):
within each MI-quality stratum, the first 20% of transcript ids in sha256 order are held out;
the trained heads never saw them and nothing was tuned on them. Utterances coded by several
annotators are scored against their majority label, once.

Prints, for the four therapist behaviours (question / reflection / therapist_input / other)
and the three client talk types (change / neutral / sustain): macro-F1, per-class F1 and
accuracy of a majority-class baseline, the rule coder and the trained coder (with a 95%
bootstrap interval over held-out transcripts), next to the published anchors; then the
trained coder's subtype heads (open / closed question, simple / complex reflection, input
subtypes) on utterances whose gold behaviour has that subtype.

    .venv/bin/python bench/coder_annomi.py [path/to/shared/data]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from theralab.coding.corpora import (
    BEHAVIOURS,
    TALK_TYPES,
    read_annomi,
    shared_data_dir,
    split_annomi,
)
from theralab.coding.heldout import MIHeldout, Scored, mi_heldout
from theralab.coding.mi_coder import MICoder, RuleMICoder, mi_coder_available
from theralab.coding.scores import precision

COMMAND = ".venv/bin/python bench/coder_annomi.py"
# Macro-F1 on AnnoMI reported by Hossain, Alexandersson & Müller (2024), "M3TCM: Multi-modal
# Multi-task Context Model for Utterance Classification in Motivational Interviews"
# (LREC-COLING 2024, arXiv:2404.03312): the previous state of the art, and their RoBERTa +
# audio + context model. Full AnnoMI (133 transcripts) with their own split, so not the same
# test set as here (89 transcripts, 18 held out).
ANCHORS = {
    "previous state of the art (per M3TCM)": (0.72, 0.55),
    "M3TCM: RoBERTa + audio + context": (0.83, 0.66),
}
TARGET = (0.72, 0.55)


def _row(name: str, scored: Scored) -> str:
    s = scored.summary()
    per = "  ".join(f"{k} {v:.2f}" for k, v in s["per_class_f1"].items())
    ci = ""
    if scored.groups:
        lo, hi = scored.macro_f1_interval()
        ci = f" [{lo:.2f}, {hi:.2f}]"
    return f"  {name:<34} macro-F1 {s['macro_f1']:.3f}{ci:<13} acc {s['accuracy']:.3f}   {per}"


def _majority(gold: list[str], train_majority: str, labels: tuple[str, ...]) -> Scored:
    return Scored(labels, gold, [train_majority] * len(gold))


def main(base: Path) -> None:
    transcripts = read_annomi(base / "annomi" / "annomi_dev.csv")
    dev, test = split_annomi(transcripts)
    n_utts = sum(len(t.utterances) for t in test)
    multi = [t.id for t in test if any(len(u.annotations) > 1 for u in t.utterances)]
    print(
        f"AnnoMI: {len(transcripts)} transcripts; held out {len(test)} "
        f"({n_utts} utterances; ids {', '.join(t.id for t in test)}); "
        f"development {len(dev)}"
    )
    print(
        "  repeated annotations: held-out transcripts coded by several annotators "
        f"({', '.join(multi) or 'none'}) are scored once per utterance, on the majority label"
    )
    runs: list[tuple[str, MIHeldout, float]] = []
    t0 = time.perf_counter()
    runs.append(("rule coder (rules-v1)", mi_heldout(RuleMICoder(), test), 0.0))
    runs[-1] = (runs[-1][0], runs[-1][1], time.perf_counter() - t0)
    trained = None
    if mi_coder_available():
        trained = MICoder()
        t0 = time.perf_counter()
        result = mi_heldout(trained, test)
        runs.append((f"trained coder ({trained.name})", result, time.perf_counter() - t0))
    else:
        print("  (trained coder not available: needs the semantic extra and the MI heads)")

    dev_counselor = Counter(
        u.label("behaviour", BEHAVIOURS)
        for t in dev
        for u in t.utterances
        if u.speaker == "counselor"
    )
    dev_client = Counter(
        u.label("talk_type", TALK_TYPES) for t in dev for u in t.utterances if u.speaker == "client"
    )
    first = runs[0][1]
    for title, attr, labels, majority in (
        ("therapist behaviour (4-way)", "therapist", BEHAVIOURS, dev_counselor),
        ("client talk type (3-way)", "client", TALK_TYPES, dev_client),
    ):
        gold = getattr(first, attr).gold
        print(f"\n{title}, {len(gold)} held-out utterances:")
        top = majority.most_common(1)[0][0]
        print(_row(f"majority baseline ({top})", _majority(gold, top, labels)))
        for name, result, _ in runs:
            print(_row(name, getattr(result, attr)))
        idx = 0 if attr == "therapist" else 1
        for name, figures in ANCHORS.items():
            print(f"  {name:<34} macro-F1 {figures[idx]:.2f}  (published, full AnnoMI)")
        print(f"  target for this text-only CPU coder: ≥ {TARGET[idx]:.2f}")

    if trained is not None:
        print("\ntrained coder's subtype heads, on utterances whose gold label has that subtype:")
        for name, scored in runs[-1][1].subtypes.items():
            print(_row(name, scored))
    print("\nrule coder precision per predicted label (its `confidence` in RuleMICoder):")
    rules = runs[0][1]
    for attr, labels in (("therapist", BEHAVIOURS), ("client", TALK_TYPES)):
        s = getattr(rules, attr)
        print("  " + "  ".join(f"{lab} {precision(s.gold, s.pred, lab):.2f}" for lab in labels))
    print("\ncoding time: " + ", ".join(f"{n} {t:.1f} s" for n, t in [(r[0], r[2]) for r in runs]))
    print(f"command: {COMMAND}")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else shared_data_dir()
    if not (folder / "annomi" / "annomi_dev.csv").is_file():
        sys.exit(f"needs AnnoMI at {folder / 'annomi' / 'annomi_dev.csv'}")
    main(folder)
