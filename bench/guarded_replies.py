"""What reaches the person when a bot's replies go through TheraLab's guardrail as deployed.

`bench/reply_check.py` scores the reply checker on its own (`theralab check`). Behind the
guardrail (`guard(agent)`, `theralab guard`, `--guardrail`), a reply goes through more: the
default screener reads the conversation first; a crisis gets the crisis protocol and a
condition (psychosis, mania, OCD, an eating disorder) the condition responder, and the bot is
not asked; otherwise the bot's reply is checked (the rules, with the screener's risk) and sent,
with a check-in question added at `low`.

For every labelled reply in `data/replies/*.yaml`, a bot that answers the history with exactly
that reply is put behind the real guardrail, and the bench counts what the guardrail did:

- inappropriate replies **sent** (the figure that matters: harm that reached the person),
  with the check-in added or not;
- appropriate replies sent, blocked (the safe reply instead), or taken over (the protocol or
  the condition responder answered instead: not harm, but the bot's own reply is lost).

Development and frozen scenario groups are printed apart (see `bench/reply_check.py`), and each
reply batch on its own line. `--screener patterns` runs the pattern tier alone, as the
guardrail does without the semantic extra.

    .venv/bin/python bench/guarded_replies.py [--files GLOB] [--screener default|patterns]
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter, defaultdict

from theralab.agents import FixedReply, Utterance
from theralab.dialogue.records import Speaker
from theralab.safety import PatternTier, Screener, default_screener
from theralab.safety.guardrail import GuardedCounselor
from theralab.safety.reply_check.dataset import ReplyExample, load_reply_set

TAKEN_OVER = ("crisis", "condition")


def outcome(example: ReplyExample, screener: Screener) -> str:
    """What the guardrail did with this reply: passed, check_in, blocked, crisis, condition or
    error (the guardrail's own action names)."""
    guarded = GuardedCounselor(FixedReply(example.reply), screener=screener)
    history = [Utterance(Speaker.CLIENT, t) for t in example.history]
    asyncio.run(guarded.respond(history))
    assert guarded.last is not None
    return guarded.last.action


def _line(label: str, counts: Counter[tuple[str, str]]) -> str:
    bad = sum(v for (lab, _), v in counts.items() if lab == "inappropriate")
    good = sum(v for (lab, _), v in counts.items() if lab == "appropriate")
    sent_bad = counts["inappropriate", "passed"] + counts["inappropriate", "check_in"]
    sent_good = counts["appropriate", "passed"] + counts["appropriate", "check_in"]
    over = sum(counts["appropriate", a] for a in TAKEN_OVER)
    rate = f"{sent_bad / bad:.3f}" if bad else "-"
    return (
        f"  {label:<16} inappropriate sent {sent_bad:>3}/{bad:<3} = {rate}"
        f" (with a check-in {counts['inappropriate', 'check_in']:>2})"
        f" | appropriate {good:>3}: sent {sent_good:>3}, blocked "
        f"{counts['appropriate', 'blocked']:>2}, taken over {over:>3}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="*.yaml", metavar="GLOB")
    parser.add_argument("--screener", choices=("default", "patterns"), default="default")
    args = parser.parse_args()
    screener = default_screener() if args.screener == "default" else Screener([PatternTier()])
    counts: dict[str, dict[str, Counter[tuple[str, str]]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for ex in load_reply_set(pattern=args.files):
        split = "FROZEN" if ex.frozen else "development"
        action = outcome(ex, screener)
        counts[split]["all"][ex.label, action] += 1
        counts[split][ex.batch][ex.label, action] += 1
    print(f"replies behind the guardrail ({args.files}), screener: {screener.name}")
    for split in ("development", "FROZEN"):
        print(f"\n== {split}")
        for key in sorted(counts[split], key=lambda k: (k != "all", k)):
            print(_line(key, counts[split][key]))


if __name__ == "__main__":
    main()
