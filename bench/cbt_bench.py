"""CBT-Bench-style classification: the offline baselines' figures, measured afresh.

Distortions: the shipped head (scripts/train_distortions.py) on the fixed held-out part of the
Shreevastava & Foltz (2021) data in ../shared/data (research data; nothing is copied), next to
the majority answer ("no distortion" for everything). Core beliefs: the zero-shot prototype
baseline on TheraLab's built-in profile library — which is also its calibration set, so the
figures are optimistic; the by-profile cross-validated figures recorded at calibration are
printed beside them.

    .venv/bin/python bench/cbt_bench.py [--data PATH] [--write-heldout FILE]

`--write-heldout FILE` also writes the held-out items as benchmark JSONL, so the CLI gives the
same distortion figures: `theralab bench distortions FILE`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from theralab.cbtbench.baseline import (
    CoreBeliefBaseline,
    DistortionBaseline,
    embed,
    embeddings_available,
)
from theralab.cbtbench.dataset import DEFAULT_PATH, load_rows, split
from theralab.cbtbench.labels import CORE_BELIEF_TASK, DISTORTION_TASK
from theralab.cbtbench.library import library_examples
from theralab.cbtbench.metrics import Metrics, score

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

# Published context. CBT-Bench scores models with support-weighted F1 on its own test sets
# (CBT-CD: 146 items, ten distortions; CBT-PC: 184 items, three core-belief categories); the
# figures themselves could not be retrieved when this script was written, so none are printed.
CONTEXT = (
    "Context (different data and metrics, not comparable one to one):\n"
    "  CBT-Bench (Zhang et al., NAACL 2025, arXiv:2410.13218) scores LLMs by weighted F1 on\n"
    "    CBT-CD (146 items, the same ten distortions) and CBT-PC (184 items, helpless /\n"
    "    unlovable / worthless); its per-model figures were not available to this script and\n"
    "    are not printed — see the paper's Level II results.\n"
    "  Shreevastava & Foltz (CLPsych 2021), who released the distortion data used here, report\n"
    "    F1 0.79 in their abstract for their best setup (Sentence-BERT + SVM); see the paper\n"
    "    for which of their subtasks and splits that figure is."
)


def line(name: str, m: Metrics) -> str:
    def f(v: float | None) -> str:
        return "  —  " if v is None else f"{v:.3f}"

    return (
        f"  {name:<38} macro-F1 {f(m.macro_f1)}  exact match {f(m.exact_match)}  "
        f"weighted F1 {f(m.weighted_f1)}  '{m.none.label}' F1 {f(m.none.f1)}"
    )


def distortions(data: Path, write_heldout: Path | None) -> None:
    rows = load_rows(data)
    _, test = split(rows)
    print(f"Distortions — held-out part of {data.name}: {len(test)} of {len(rows)} texts")
    if write_heldout is not None:
        write_heldout.write_text(
            "".join(
                json.dumps({"id": r.id, "text": r.text, "labels": list(r.labels)}) + "\n"
                for r in test
            ),
            encoding="utf-8",
        )
        print(f"  held-out items → {write_heldout}")
    gold = [set(r.labels) for r in test]
    t0 = time.perf_counter()
    baseline = DistortionBaseline()
    pred = [set(p) for p in baseline.predict([r.text for r in test])]
    elapsed = time.perf_counter() - t0
    chosen = baseline.head["selection"]["chosen"]
    print(
        line(
            f"embedding baseline ({chosen['mode']}, C={chosen['C']})",
            score(gold, pred, DISTORTION_TASK),
        )
    )
    print(
        line(
            "always 'no distortion' (majority)", score(gold, [set() for _ in test], DISTORTION_TASK)
        )
    )
    recorded = baseline.validation
    print(
        f"  recorded at training: macro-F1 {recorded['macro_f1']:.3f}, exact match "
        f"{recorded['exact_match']:.3f}; {len(test) / elapsed:.1f} texts/s here"
    )


def core_beliefs() -> None:
    examples = library_examples()
    positives = sum(1 for e in examples if e.gold)
    print(
        f"\nCore beliefs — built-in profile library: {positives} core beliefs + "
        f"{len(examples) - positives} balanced thoughts (negatives)"
    )
    baseline = CoreBeliefBaseline()
    vectors = embed([e.text for e in examples])
    pred = [set(p) for p in baseline.predict_vectors(vectors)]
    m = score([set(e.gold) for e in examples], pred, CORE_BELIEF_TASK)
    print(line(f"zero-shot prototypes (threshold {baseline.threshold:.2f})", m))
    print(
        "  per label F1: "
        + ", ".join(f"{s.label} {s.f1 or 0.0:.3f}" for s in m.per_label)
        + "   (in-sample: the library is also the calibration set)"
    )
    cv = baseline.validation.get("cross_validated_by_profile", {})
    if cv:
        print(
            f"  threshold chosen on 4/5 of the profiles, scored on the rest: macro-F1 "
            f"{cv['macro_f1']:.3f}, exact match {cv['exact_match']:.3f}"
        )
    never = score([set(e.gold) for e in examples], [set() for _ in examples], CORE_BELIEF_TASK)
    print(line("always 'no core belief'", never))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED / DEFAULT_PATH)
    parser.add_argument("--write-heldout", type=Path, help="also write the held-out JSONL here")
    args = parser.parse_args()
    if not embeddings_available():
        sys.exit("needs the semantic extra: pip install -e '.[semantic]'")
    print(
        "reproduce: .venv/bin/python bench/cbt_bench.py"
        + (f" --data {args.data}" if args.data != SHARED / DEFAULT_PATH else "")
    )
    if args.data.is_file():
        distortions(args.data, args.write_heldout)
    else:
        print(f"Distortions: skipped, no data at {args.data}")
    core_beliefs()
    print("\n" + CONTEXT)
    print(
        "\nSame figures through the CLI: python bench/cbt_bench.py --write-heldout "
        "/tmp/cd_heldout.jsonl, then theralab bench distortions /tmp/cd_heldout.jsonl"
    )


if __name__ == "__main__":
    main()
