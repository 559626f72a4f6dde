"""Did the MI coder lose anything by reading int8 vectors instead of fp32? Paired differences,
with intervals, on every held-out figure (issue 15's bound: ±0.01).

The shipped heads read int8 vectors. For the comparison, train the same recipe on fp32
vectors once, in a scratch tree where `theralab.text.encoder.CODER_PRECISION` is
`Precision.FP32` (18 minutes on 2 cores):

    PYTHONPATH=SCRATCH/src theralab coder train mi --out DIR

then

    .venv/bin/python bench/coder_precision.py DIR [--n 1000]

Both head sets code the same held-out units in one process (each encodes with the vectors it
was trained on). For every figure the bench prints int8, fp32, the difference, and a paired
95% bootstrap interval of the difference: the same resample of whole conversations (AnnoMI
transcripts, ESConv conversations, EPITOME seeker posts, written chats; MI-Welivita sentences)
scored with both coders. Needs ../shared/data (research data; nothing is copied).
"""

from __future__ import annotations

import argparse
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
    int8: Scored
    fp32: Scored

    def difference(self) -> float:
        return macro_f1(self.int8.gold, self.int8.pred, self.int8.labels) - macro_f1(
            self.fp32.gold, self.fp32.pred, self.fp32.labels
        )

    def interval(self, n: int, seed: int = 0) -> tuple[float, float]:
        """95% bootstrap interval of int8 − fp32 macro-F1, resampling whole groups, the
        same resample for both."""
        if self.int8.gold != self.fp32.gold:
            raise ValueError(f"{self.name}: the two coders were scored on different items")
        groups = self.int8.groups or [str(i) for i in range(len(self.int8.gold))]
        stats = [
            _resampled(self.int8, idx) - _resampled(self.fp32, idx)
            for idx in group_resamples(groups, n, seed)
        ]
        stats.sort()
        return stats[int(0.025 * n)], stats[int(0.975 * n) - 1]


def _resampled(scored: Scored, idx: Sequence[int]) -> float:
    return macro_f1([scored.gold[i] for i in idx], [scored.pred[i] for i in idx], scored.labels)


def paired_figures(int8: MICoder, fp32: MICoder, data: Path) -> list[Paired]:
    _, heldout = split_annomi(read_annomi(data / "annomi" / "annomi_dev.csv"))
    a, b = mi_heldout(int8, heldout), mi_heldout(fp32, heldout)
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
                    units_heldout(int8, units),
                    units_heldout(fp32, units),
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "fp32_heads", type=Path, help="folder holding mi_heads.{npz,json} trained on fp32"
    )
    parser.add_argument("--data", type=Path, default=None, help="../shared/data by default")
    parser.add_argument("--n", type=int, default=1000, help="bootstrap resamples")
    args = parser.parse_args()
    fp32_path = args.fp32_heads / heads_path().name if args.fp32_heads.is_dir() else args.fp32_heads
    if not fp32_path.with_suffix(".json").is_file():
        parser.error(
            f"{fp32_path}.json: no heads there; train them first (see this script's docstring)"
        )
    int8, fp32 = MICoder(heads_path()), FP32Coder(fp32_path)
    print(f"int8 heads: {heads_path()} ({int8.meta.get('encoder')})")
    print(f"fp32 heads: {fp32_path} ({fp32.meta.get('encoder')})")
    rows = paired_figures(int8, fp32, args.data or shared_data_dir())
    print(f"\n{'held-out figure':<58} {'int8':>7} {'fp32':>7} {'diff':>8}  95% paired interval")
    for row in rows:
        lo, hi = row.interval(args.n)
        a = macro_f1(row.int8.gold, row.int8.pred, row.int8.labels)
        b = macro_f1(row.fp32.gold, row.fp32.pred, row.fp32.labels)
        flag = "  past the bound" if abs(a - b) > BOUND else ""
        print(f"{row.name:<58} {a:7.4f} {b:7.4f} {a - b:+8.4f}  [{lo:+.4f}, {hi:+.4f}]{flag}")
    print(
        f"\nBound: |int8 − fp32| ≤ {BOUND} (issue 15). An interval that holds 0 means the "
        "move is not detectable on these sets."
    )


if __name__ == "__main__":
    main()
