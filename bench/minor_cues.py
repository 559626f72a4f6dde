"""How often the pattern tier names a minor (`RiskCategory.MINOR`), message by message, on the
labelled screener sets: messages labelled `minor` it finds, and messages not so labelled that it
calls a minor anyway.

The sets label whole conversations, so a message of a minor's conversation that says nothing
about age counts as missed: recall here is a floor. The development corpus is what the `MINOR`
cues were written against; its FROZEN groups, the challenge set and batch 4 were never tuned on.

    .venv/bin/python bench/minor_cues.py
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from theralab.safety.corpus import (
    LabelledMessage,
    batch4_dir,
    load_corpus,
    load_corpus_file,
    split_frozen,
)
from theralab.safety.risk import RiskCategory
from theralab.safety.screener import PatternTier

CHALLENGE = Path(__file__).resolve().parents[1] / "data" / "screener_challenge"


def figures(name: str, messages: Sequence[LabelledMessage], tier: PatternTier) -> str:
    minors = [m for m in messages if RiskCategory.MINOR in m.categories]
    others = [m for m in messages if RiskCategory.MINOR not in m.categories]

    def named(m: LabelledMessage) -> bool:
        return RiskCategory.MINOR in tier.assess(m.text).categories

    found = sum(named(m) for m in minors)
    false = sum(named(m) for m in others)
    return f"  {name:<34} found {found:>3} / {len(minors):<4} false {false:>2} / {len(others)}"


def main() -> None:
    tier = PatternTier()
    dev, frozen = split_frozen(load_corpus())
    print("pattern tier `minor`, one message at a time (minor-labelled: found; others: false)")
    print(figures("corpus DEV (cues written against)", dev, tier))
    print(figures("corpus FROZEN (never tuned on)", frozen, tier))
    for name, folder in (("challenge set (never tuned on)", CHALLENGE), ("batch 4", batch4_dir())):
        messages = [m for p in sorted(folder.glob("*.yaml")) for m in load_corpus_file(p)]
        print(figures(name, messages, tier))


if __name__ == "__main__":
    main()
