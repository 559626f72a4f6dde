"""Did the MI coder lose anything by reading int8 vectors instead of fp32 — or, in general,
what does the shipped MI coder gain or lose against another head set? Paired differences,
with intervals, on every held-out figure (issue 15's bound for speed changes: ±0.01).

The shipped heads read int8 vectors. For the comparison, train the same recipe on fp32
vectors once, in a scratch tree where `theralab.text.encoder.CODER_PRECISION` is
`Precision.FP32` (18 minutes on 2 cores):

    PYTHONPATH=SCRATCH/src theralab coder train mi --out DIR

then

    .venv/bin/python bench/coder_precision.py DIR [--n 1000]

Any other head set works the same way, an earlier version from git for instance (its
vectors are read from its metadata: fp32, or int8 with the fine-tuned layers it names):

    git show REV:src/theralab/coding/data/mi_heads.npz > DIR/mi_heads.npz   # and .json

Both head sets code the same held-out units in one process (each encodes with the vectors it
was trained on). For every figure the bench prints shipped, other, the difference, and a paired
95% bootstrap interval of the difference: the same resample of whole conversations (AnnoMI
transcripts, ESConv conversations, EPITOME seeker posts, written chats; MI-Welivita sentences)
scored with both coders. Needs ../shared/data (research data; nothing is copied).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from theralab.coding.corpora import (
    CodedUnit,
    counselor_corpora,
    read_annomi,
    shared_data_dir,
    split_annomi,
)
from theralab.coding.heldout import Scored, group_resamples, mi_heldout, units_heldout
from theralab.coding.mi_coder import MICoder, heads_path
from theralab.coding.scores import macro_f1
from theralab.text.encoder import Precision

BOUND = 0.01  # issue 15: held-out figures move by no more than this after a speed change


class FP32Coder(MICoder):
    """The MI coder on heads trained on fp32 vectors (it encodes with fp32)."""

    PRECISION = Precision.FP32


@dataclass
class Paired:
    """One held-out figure scored by both coders on the same items."""

    name: str
    shipped: Scored
    other: Scored

    def difference(self) -> float:
        return macro_f1(self.shipped.gold, self.shipped.pred, self.shipped.labels) - macro_f1(
            self.other.gold, self.other.pred, self.other.labels
        )

    def interval(self, n: int, seed: int = 0) -> tuple[float, float]:
        """95% bootstrap interval of shipped − other macro-F1, resampling whole groups, the
        same resample for both."""
        if self.shipped.gold != self.other.gold:
            raise ValueError(f"{self.name}: the two coders were scored on different items")
        groups = self.shipped.groups or [str(i) for i in range(len(self.shipped.gold))]
        stats = [
            _resampled(self.shipped, idx) - _resampled(self.other, idx)
            for idx in group_resamples(groups, n, seed)
        ]
        stats.sort()
        return stats[int(0.025 * n)], stats[int(0.975 * n) - 1]


def _resampled(scored: Scored, idx: Sequence[int]) -> float:
    return macro_f1([scored.gold[i] for i in idx], [scored.pred[i] for i in idx], scored.labels)


def paired_figures(shipped: MICoder, other: MICoder, data: Path) -> list[Paired]:
    _, heldout = split_annomi(read_annomi(data / "annomi" / "annomi_dev.csv"))
    a, b = mi_heldout(shipped, heldout), mi_heldout(other, heldout)
    out = [
        Paired("AnnoMI held-out: therapist behaviour", a.therapist, b.therapist),
        Paired("AnnoMI held-out: client talk", a.client, b.client),
    ]
    for name in a.subtypes:
        out.append(
            Paired(
                f"AnnoMI held-out: {name} subtype (gold behaviour)",
                a.subtypes[name],
                b.subtypes[name],
            )
        )
    frozen: dict[str, list[CodedUnit]] = {c: f for c, (_, f) in counselor_corpora(data).items()}
    for corpus, units in frozen.items():
        if units and corpus != "annomi":  # AnnoMI's frozen units are the held-out transcripts
            out.append(
                Paired(
                    f"{corpus} frozen: behaviour",
                    units_heldout(shipped, units),
                    units_heldout(other, units),
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "other_heads",
        type=Path,
        help="folder holding mi_heads.{npz,json}: trained on fp32, or any other head set",
    )
    parser.add_argument("--data", type=Path, default=None, help="../shared/data by default")
    parser.add_argument("--n", type=int, default=1000, help="bootstrap resamples")
    args = parser.parse_args()
    path = args.other_heads
    other_path = path / heads_path().name if path.is_dir() else path
    if not other_path.with_suffix(".json").is_file():
        parser.error(
            f"{other_path}.json: no heads there; train them first (see this script's docstring)"
        )
    recorded = json.loads(other_path.with_suffix(".json").read_text(encoding="utf-8"))
    fp32 = "/fp32." in str(recorded.get("encoder", ""))
    shipped = MICoder(heads_path())
    other = FP32Coder(other_path) if fp32 else MICoder(other_path)
    print(f"shipped heads: {heads_path()} ({shipped.meta.get('encoder')})")
    print(f"other heads: {other_path} ({other.meta.get('encoder')})")
    rows = paired_figures(shipped, other, args.data or shared_data_dir())
    print(f"\n{'held-out figure':<58} {'shipped':>7} {'other':>7} {'diff':>8}  95% paired interval")
    for row in rows:
        lo, hi = row.interval(args.n)
        a = macro_f1(row.shipped.gold, row.shipped.pred, row.shipped.labels)
        b = macro_f1(row.other.gold, row.other.pred, row.other.labels)
        flag = "  past the bound" if abs(a - b) > BOUND else ""
        print(f"{row.name:<58} {a:7.4f} {b:7.4f} {a - b:+8.4f}  [{lo:+.4f}, {hi:+.4f}]{flag}")
    print(
        f"\nBound for a speed change: |shipped − other| ≤ {BOUND} (issue 15). An interval that "
        "holds 0 means the move is not detectable on these sets."
    )


if __name__ == "__main__":
    main()
