"""The shipped screener on a challenge set it was never trained or tuned on.

`data/screener_challenge/` holds 688 original messages written after the screener's weights
were trained: hard negatives that talk about suicide or self-harm without present risk
(recovered history, denial, dark humour, medication questions, worry about someone else) and
self-disclosures of present risk written in the same styles and topics. No threshold or
pattern was chosen by looking at them. The default screener (patterns + learned tier at
`high`, what the guardrail runs) is scored as `theralab screen` would score each message.

    .venv/bin/python bench/screener_challenge.py [--sensitivity high|balanced]
    .venv/bin/python bench/screener_challenge.py --folder data/screener_batch4   # batch 4

`--folder` scores another set kept out of training the same way: `data/screener_batch4/`
(2,003 messages of the corpus's fourth batch, not trained on by default; docs/safety.md).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from theralab.safety.corpus import LabelledMessage, load_corpus_file
from theralab.safety.risk import RiskLevel
from theralab.safety.screener import Screener, default_screener

FOLDER = Path(__file__).resolve().parents[1] / "data" / "screener_challenge"
ORDER = list(RiskLevel)
HIGH = ("high", "imminent")


def at_least(level: RiskLevel, floor: RiskLevel) -> bool:
    return ORDER.index(level) >= ORDER.index(floor)


def headline(messages: list[LabelledMessage], levels: list[RiskLevel]) -> str:
    hi = [lv for m, lv in zip(messages, levels, strict=True) if m.level.value in HIGH]
    none = [lv for m, lv in zip(messages, levels, strict=True) if m.level is RiskLevel.NONE]
    hi_rate = sum(at_least(lv, RiskLevel.MODERATE) for lv in hi) / max(1, len(hi))
    none_rate = sum(at_least(lv, RiskLevel.MODERATE) for lv in none) / max(1, len(none))
    return f"{hi_rate:.3f} / {none_rate:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sensitivity", default="high", choices=["high", "balanced"])
    parser.add_argument("--folder", type=Path, default=FOLDER, help="a set never trained on")
    args = parser.parse_args()
    messages: list[LabelledMessage] = []
    for path in sorted(args.folder.glob("*.yaml")):
        messages += load_corpus_file(path)
    screener = default_screener(sensitivity=args.sensitivity)
    tiers = ", ".join(type(t).__name__ for t in screener.tiers)
    levels = [r.level for r in screener.assess_batch([m.text for m in messages])]
    print(f"{args.folder.name}: {len(messages)} messages never trained on; screener: {tiers}")

    negatives: dict[str, list[RiskLevel]] = defaultdict(list)
    positives: dict[str, list[RiskLevel]] = defaultdict(list)
    for m, level in zip(messages, levels, strict=True):
        if m.level is RiskLevel.NONE:
            negatives[m.kind or "other"].append(level)
        else:
            positives[m.level.value].append(level)
    print("\nno present risk (level none): share escalated to moderate+ / given a check-in+")
    every = [lv for lvs in negatives.values() for lv in lvs]
    for kind, lvs in [*sorted(negatives.items()), ("all", every)]:
        esc = sum(at_least(lv, RiskLevel.MODERATE) for lv in lvs)
        low = sum(at_least(lv, RiskLevel.LOW) for lv in lvs)
        share = f"moderate+ {esc / len(lvs):.3f}  low+ {low / len(lvs):.3f}"
        print(f"  {kind:16s} n={len(lvs):4d}  {share}")
    print("\npresent risk: share reaching moderate+ / the true level or above")
    for name in ("low", "moderate", "high", "imminent"):
        lvs = positives.get(name, [])
        if not lvs:
            continue
        mod = sum(at_least(lv, RiskLevel.MODERATE) for lv in lvs)
        own = sum(at_least(lv, RiskLevel(name)) for lv in lvs)
        share = f"moderate+ {mod / len(lvs):.3f}  ≥ own {own / len(lvs):.3f}"
        print(f"  {name:16s} n={len(lvs):4d}  {share}")
    print("\nheadline: high+imminent reaching moderate+ (target 0.95) / none escalated (0.03)")
    print(f"  {'default screener':28s} {headline(messages, levels)}")
    for tier in screener.tiers:  # each tier alone: which one raises the false alarms
        alone = [r.level for r in Screener([tier]).assess_batch([m.text for m in messages])]
        print(f"  {type(tier).__name__ + ' alone':28s} {headline(messages, alone)}")


if __name__ == "__main__":
    main()
