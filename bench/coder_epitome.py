"""How well does the empathy coder agree with EPITOME's annotations, on held-out pairs?

Needs ../shared/data/epitome/*_dev.csv (Reddit part of EPITOME, Sharma et al. EMNLP 2020;
academic / attribution licence; nothing of it is copied into the project). The split is by
seeker post, fixed and deterministic (`theralab.coding.corpora`): a pair is held out when
the sha256 of its seeker post id falls in the first 20% of the range, so every response to a
post is on one side. Pairs annotated twice are scored once, on the majority level (ties: the
lower level).

Prints, per mechanism (emotional reactions, interpretations, explorations; 0 none, 1 weak,
2 strong): accuracy, macro-F1 (with a 95% bootstrap interval over seeker posts) and
per-level F1 of a majority-level baseline and of the trained coder, beside the figures the
EPITOME paper reports (when filled in below).

    .venv/bin/python bench/coder_epitome.py [path/to/shared/data]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from theralab.coding.corpora import MECHANISMS, read_epitome, shared_data_dir, split_epitome
from theralab.coding.empathy import EmpathyCoder, empathy_coder_available
from theralab.coding.heldout import Scored, empathy_heldout

COMMAND = ".venv/bin/python bench/coder_epitome.py"
# Accuracy and macro-F1 per mechanism from Sharma et al. (2020), Table of empathy
# identification results. Left empty: the figures could not be retrieved and checked with
# the tools available when this benchmark was written, and unverified numbers are not
# printed. Fill in as {"emotional_reactions": (accuracy, macro_f1), ...} from the paper.
PAPER_FIGURES: dict[str, tuple[float, float]] = {}
PAPER = (
    "Sharma, Miner, Atkins & Althoff (2020), A Computational Approach to Understanding "
    "Empathy Expressed in Text-Based Mental Health Support, EMNLP (RoBERTa bi-encoder, "
    "10k TalkLife + Reddit pairs, its own 75/5/20 split)"
)


def _row(name: str, scored: Scored) -> str:
    s = scored.summary()
    per = "  ".join(f"{k}: {v:.2f}" for k, v in s["per_class_f1"].items())
    ci = ""
    if scored.groups:
        lo, hi = scored.macro_f1_interval()
        ci = f" [{lo:.2f}, {hi:.2f}]"
    return f"  {name:<26} acc {s['accuracy']:.3f}   macro-F1 {s['macro_f1']:.3f}{ci:<13} F1 {per}"


def main(base: Path) -> None:
    pairs = read_epitome(base / "epitome")
    dev, test = split_epitome(pairs)
    twice = sum(any(len(v) > 1 for v in p.levels.values()) for p in test)
    print(
        f"EPITOME (Reddit): {len(pairs)} (seeker, response) pairs; held out {len(test)} "
        f"({len({p.seeker_id for p in test})} seeker posts; {twice} annotated twice, scored "
        f"on the majority level); development {len(dev)}"
    )
    result = None
    elapsed = 0.0
    if empathy_coder_available():
        coder = EmpathyCoder()
        t0 = time.perf_counter()
        result = empathy_heldout(coder, test)
        elapsed = time.perf_counter() - t0
        print(f"coder: {coder.name}")
    else:
        print("(empathy coder not available: needs the semantic extra and the empathy heads)")
    for m in MECHANISMS:
        gold = [str(p.label(m)) for p in test]
        top = Counter(str(p.label(m)) for p in dev).most_common(1)[0][0]
        print(f"\n{m}, levels {dict(sorted(Counter(gold).items()))}:")
        print(_row(f"majority baseline ({top})", Scored(("0", "1", "2"), gold, [top] * len(gold))))
        if result is not None:
            print(_row("trained coder", result.mechanisms[m]))
        if m in PAPER_FIGURES:
            acc, f1 = PAPER_FIGURES[m]
            print(f"  {'EPITOME paper':<26} acc {acc:.3f}   macro-F1 {f1:.3f}   (published)")
    if not PAPER_FIGURES:
        print(f"\npaper figures: not shown — could not be retrieved and verified here; see {PAPER}")
    if result is not None:
        print(f"\ncoding time: {elapsed:.1f} s for {len(test)} pairs")
    print(f"command: {COMMAND}")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else shared_data_dir()
    if not (folder / "epitome").is_dir():
        sys.exit(f"needs EPITOME at {folder / 'epitome'}")
    main(folder)
