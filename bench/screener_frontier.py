"""Compare learned-tier weights on one frontier: recall on the development messages against
real support chats handed to the crisis protocol, at several operating points.

A retraining usually moves its thresholds as well as its separation, so "fewer false alarms"
and "lower recall" arrive together and a comparison at each model's own thresholds cannot
say which model is better. This bench scales each model's `high` thresholds (moderate, high
and imminent steps; `low` unchanged) by each factor and prints, per point:

- DEV: the development messages' out-of-fold levels (pattern floor and caps included, as the
  screener runs): high+imminent and moderate messages reaching `moderate`, `none` messages
  escalated — the earlier corpus messages apart from sets added with `--with`;
- ESConv train: the share of its 910 support chats whose seeker turns, screened in order as
  the guardrail screens them, reach `moderate` (the decision set for false alarms on real
  talk; `--checks` adds AnnoMI and ESConv valid, which decisions must not look at).

Two weights whose points lie on one curve are the same model at different operating points;
one whose curve lies above (more recall at the same takeover share) separates better.

Each DIR holds `semantic_classifier.json`/`.npz` and `oof.npz`, written by
`scripts/train_screener.py --out DIR/semantic_classifier.json --save-oof DIR/oof.npz`.
Weights trained with `--fine-tune` need their encoder: run the bench from a tree whose
package holds that `screener_encoder.npz` (a weights file names the vectors it was trained on
and is refused on others). The condition heads are not loaded (they name conditions and add
`low`, never `moderate`).

    .venv/bin/python bench/screener_frontier.py DIR [DIR ...] [--factors 0.85,1,1.15]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from theralab.coding.corpora import shared_data_dir
from theralab.safety.corpus import esconv_train_half
from theralab.safety.risk import RiskLevel
from theralab.safety.screener import PatternTier, Screener
from theralab.safety.semantic import SemanticTier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screener_real_talk import Conversation, annomi, esconv, screen_in_order

STEPS = ("low", "moderate", "high", "imminent")
MODERATE = RiskLevel.MODERATE.rank


def dev_levels(oof: np.lib.npyio.NpzFile, thresholds: list[float]) -> np.ndarray:
    reached = oof["probs"] >= np.asarray(thresholds)
    learned = np.zeros(len(reached), dtype=int)
    for step in range(4):
        learned = np.where(reached[:, step], step + 1, learned)
    return np.maximum(oof["floor_rank"], np.minimum(learned, oof["floor_cap"]))


def dev_figures(ranks: np.ndarray, levels: np.ndarray) -> str:
    def share(mask: np.ndarray) -> str:
        return f"{np.mean(levels[mask] >= MODERATE):.3f}" if mask.any() else "  -  "

    return f"hi+imm {share(ranks >= 3)}  mod {share(ranks == 2)}  none {share(ranks == 0)}"


def taken_over(screener: Screener, conversations: list[Conversation]) -> float:
    taken = sum(
        max(lv.rank for lv in screen_in_order(screener, conv.turns)) >= MODERATE
        for conv in conversations
    )
    return taken / max(1, len(conversations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    parser.add_argument("--factors", default="0.85,1,1.15,1.3", help="threshold scale factors")
    parser.add_argument("--checks", action="store_true", help="also AnnoMI and ESConv valid")
    parser.add_argument(
        "--esconv-half",
        choices=("A", "B"),
        default=None,
        help="only this half of ESConv train (theralab.safety.corpus.esconv_train_half): B "
        "when a model was trained with --real-negatives (half A)",
    )
    args = parser.parse_args()
    factors = [float(f) for f in args.factors.split(",")]
    folder = shared_data_dir()
    if not (folder / "esconv").is_dir():
        sys.exit(f"error: needs ESConv under {folder}")
    train = [c for c in esconv(folder, "train") if c.turns]
    if args.esconv_half:
        # `esconv(…)` numbers the chats "train:<index>" in file order
        train = [c for c in train if esconv_train_half(int(c.id.split(":")[1])) == args.esconv_half]
    talk = {f"ESConv train{' ' + args.esconv_half if args.esconv_half else ''}": train}
    if args.checks:
        talk["ESConv valid"] = [c for c in esconv(folder, "valid") if c.turns]
        talk["AnnoMI"] = [c for c in annomi(folder) if c.turns]
    for folder_ in args.dirs:
        weights = folder_ / "semantic_classifier.json"
        for needed in (weights, weights.with_suffix(".npz"), folder_ / "oof.npz"):
            if not needed.is_file():
                sys.exit(f"error: {needed} not found (train with --out and --save-oof)")
        oof = np.load(folder_ / "oof.npz", allow_pickle=True)
        tier = SemanticTier(weights=weights)
        shipped = [float(tier.weights["thresholds"]["high"][s]) for s in STEPS]
        screener = Screener([PatternTier(), tier])
        print(f"{folder_}: `high` thresholds {shipped}")
        batches = sorted(set(oof["batch"].tolist()))
        for k in factors:
            thresholds = [shipped[0], *(min(0.99, t * k) for t in shipped[1:])]
            tier._arrays["thresholds"] = np.asarray(thresholds, dtype=np.float32)
            levels = dev_levels(oof, thresholds)
            ranks, batch = oof["ranks"], oof["batch"]
            parts = [
                f"DEV {b}: {dev_figures(ranks[batch == b], levels[batch == b])}" for b in batches
            ]
            parts += [
                f"{name} taken over {taken_over(screener, c):.3f}" for name, c in talk.items()
            ]
            print(f"  ×{k:<5} " + " | ".join(parts), flush=True)


if __name__ == "__main__":
    main()
