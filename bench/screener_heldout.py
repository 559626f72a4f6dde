"""The pattern tier on the package's 600 older screener messages (original text, labelled by
level). They were not used to write or tune patterns until 2026-12-06; on 2026-12-07 the
development messages' out-of-fold misses, these among them, were read to find the mechanisms
added then (docs/safety.md), so since then this is a development figure, not a held-out one.

Prints, per gold level, how often the pattern tier reaches `moderate` or above (the crisis
threshold), and how often `none` messages are escalated.

    .venv/bin/python bench/screener_heldout.py
"""

from __future__ import annotations

from collections import Counter
from importlib import resources

import yaml

from theralab.safety import PatternTier, RiskLevel


def main() -> None:
    path = resources.files("theralab.safety") / "data" / "screener_train.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    tier = PatternTier()
    got: dict[str, Counter[str]] = {lv.value: Counter() for lv in RiskLevel}
    for row in rows:
        got[row["level"]][tier.assess(row["text"]).level.value] += 1
    print(f"held-out messages: {len(rows)}")
    print(f"  {'gold':<9}" + "".join(f"{lv.value:>10}" for lv in RiskLevel) + "   >= moderate")
    for gold, counts in got.items():
        total = sum(counts.values())
        crisis = sum(n for lv, n in counts.items() if RiskLevel(lv).at_least(RiskLevel.MODERATE))
        print(
            f"  {gold:<9}"
            + "".join(f"{counts[lv.value]:>10}" for lv in RiskLevel)
            + f"   {crisis / total:.3f}"
        )


if __name__ == "__main__":
    main()
