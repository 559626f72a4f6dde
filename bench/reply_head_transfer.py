"""How the reply checker's learned head carries over to wording it never saw: train it (as
`python -m theralab.safety.reply_check.learned` does, fine-tuned encoder and all) on the
development scenarios of the earlier reply batches only, then score a later batch, development
and frozen parts apart. The head alone, behind its gate (the rules' reading of the history or
the learned screener), without the rules, which were written on every development batch.

    .venv/bin/python bench/reply_head_transfer.py [--held 'batch4_*.yaml']   # ≈ 12 min

Writes the head it trains to a temporary folder; the shipped one is left alone.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from theralab.safety.reply_check import assess_history, head_may_judge, learned
from theralab.safety.reply_check.dataset import ReplyExample, load_reply_set


def head_alone(head: learned.ReplyHead, rows: list[ReplyExample]) -> tuple[float, float]:
    bad = np.array([e.inappropriate for e in rows])
    blocked = np.array(
        [
            head_may_judge(assess_history(list(e.history)), list(e.history))
            and head.blocks(e.reply, list(e.history))
            for e in rows
        ]
    )
    return float(blocked[bad].mean()), float(blocked[~bad].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--held", default="batch4_*.yaml", help="the later batch's files")
    args = parser.parse_args()
    every = load_reply_set()
    later = {e.id for e in load_reply_set(pattern=args.held)}  # errors when none match
    train = [e for e in every if not e.frozen and e.id not in later]
    held = [e for e in every if e.id in later]
    with tempfile.TemporaryDirectory() as tmp:
        head, figures = learned.train(train, adapter=Path(tmp) / learned.ADAPTER.name)
        print(
            f"head trained on {len(train)} development replies of the other batches "
            f"(grouped CV there: {figures.head_blocked:.3f} / {figures.head_false_blocks:.3f})"
        )
        for part, rows in (
            ("development part", [e for e in held if not e.frozen]),
            ("frozen part", [e for e in held if e.frozen]),
        ):
            blocked, false = head_alone(head, rows)
            print(
                f"{args.held} {part} ({len(rows)} replies), head alone: inappropriate blocked "
                f"{blocked:.3f}, appropriate blocked {false:.3f}"
            )


if __name__ == "__main__":
    main()
