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
(2,003 messages of the corpus's fourth batch, not trained on by default; docs/safety.md) or
`data/screener_conditions/` (819 messages about psychosis, mania, OCD and eating disorders,
with their hard negatives, by an author who never saw the screener's data) or
`data/screener_medication/` (400 messages about medication: ordinary talk and risk in the same
frames, written 2026-12-05 and not trained on; `--frozen-only` for its frozen groups) or
`data/screener_pairs/` (380 minimal pairs: one person's distress without risk and the same
message with their own risk added; `--dev-only` for the groups a decision may look at).

The last section is what the guardrail does with a condition: per labelled condition
(psychosis, mania, OCD, eating disorder), the share of messages whose assessment carries that
category (the condition responder or the crisis protocol's wording for it), the share taken
over as a crisis without it, and the share of `none` messages given any condition category.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from theralab.safety.corpus import LabelledMessage, is_frozen, load_corpus_file
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel
from theralab.safety.screener import Screener, default_screener
from theralab.safety.semantic import Sensitivity

FOLDER = Path(__file__).resolve().parents[1] / "data" / "screener_challenge"
ORDER = list(RiskLevel)
HIGH = ("high", "imminent")
CONDITIONS = (
    RiskCategory.PSYCHOSIS,
    RiskCategory.MANIA,
    RiskCategory.OCD,
    RiskCategory.EATING_DISORDER,
)


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
    parser.add_argument("--sensitivity", default="high", choices=[s.value for s in Sensitivity])
    parser.add_argument("--folder", type=Path, default=FOLDER, help="a set never trained on")
    parser.add_argument(
        "--frozen-only",
        action="store_true",
        help="only the frozen author groups (for a set whose other groups trained a part, as "
        "data/screener_conditions/ trains the condition heads)",
    )
    parser.add_argument(
        "--dev-only",
        action="store_true",
        help="only the development groups (the part a decision may look at)",
    )
    args = parser.parse_args()
    if args.frozen_only and args.dev_only:
        parser.error("--frozen-only and --dev-only exclude each other")
    messages: list[LabelledMessage] = []
    for path in sorted(args.folder.glob("*.yaml")):
        messages += load_corpus_file(path)
    if args.frozen_only or args.dev_only:
        messages = [m for m in messages if is_frozen(m.group) == args.frozen_only]
    screener = default_screener(sensitivity=args.sensitivity)
    tiers = ", ".join(type(t).__name__ for t in screener.tiers)
    found = screener.assess_batch([m.text for m in messages])
    levels = [r.level for r in found]
    part = (
        "messages of frozen groups"
        if args.frozen_only
        else "messages of development groups"
        if args.dev_only
        else "messages"
    )
    print(f"{args.folder.name}: {len(messages)} {part} never trained on; screener: {tiers}")

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
    conditions(messages, found)


def conditions(messages: list[LabelledMessage], found: list[RiskAssessment]) -> None:
    """Per labelled condition: found (its category in the assessment), a crisis without it,
    or missed; and `none` messages given a condition category."""
    if not any(c in m.categories for m in messages for c in CONDITIONS):
        return
    print("\nconditions: category found / crisis without it / missed (neither)")
    for category in CONDITIONS:
        pairs = [(m, r) for m, r in zip(messages, found, strict=True) if category in m.categories]
        if not pairs:
            continue
        hit = sum(category in r.categories for _, r in pairs)
        crisis = sum(category not in r.categories and r.is_crisis for _, r in pairs)
        n = len(pairs)
        print(
            f"  {category.value:16s} n={n:4d}  found {hit / n:.3f}  crisis only "
            f"{crisis / n:.3f}  missed {(n - hit - crisis) / n:.3f}"
        )
    none = [r for m, r in zip(messages, found, strict=True) if m.level is RiskLevel.NONE]
    false = sum(any(c in r.categories for c in CONDITIONS) for r in none)
    print(
        f"  {'none messages':16s} n={len(none):4d}  given a condition category "
        f"{false / max(1, len(none)):.3f}"
    )


if __name__ == "__main__":
    main()
