"""Validate the screener on real posts (C-SSRS-labelled Reddit users) and measure its speed.

Needs ../shared/data/cssrs_reddit/cssrs_dev.csv (research data; nothing is copied). Each user's
posts are screened as one conversation; the user's predicted level is the conversation's
peak. The question asked: do users labelled Ideation / Behavior / Attempt reach `moderate`
or above, and do Supportive users (who write to support others) stay at `low` or below?
Indicator users are shown but not scored (the label means risk factors without ideation).

Latency: p50 / p99 per message for single calls, and messages per second in batch (the
semantic tier embeds a batch at once), each tier alone and combined.

    .venv/bin/python bench/screener_cssrs.py [--tiers patterns|patterns,semantic]
"""

from __future__ import annotations

import argparse
import ast
import csv
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from theralab.safety import PatternTier, RiskLevel, Screener
from theralab.safety.semantic import SemanticTier, semantic_available

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "cssrs_reddit" / "cssrs_dev.csv"
AT_RISK = {"Ideation", "Behavior", "Attempt"}
LEVELS = [lv.value for lv in RiskLevel]


def posts_of(row: dict[str, str]) -> list[str]:
    """The user's posts: a list stored as a string; a few are cut off mid-list, and those
    are split on the list separators instead."""
    raw = row["Post"]
    try:
        posts = ast.literal_eval(raw)
        return [str(p) for p in posts]
    except (ValueError, SyntaxError):
        body = raw.strip().lstrip("[").rstrip("]")
        return [p.strip("'\" ") for p in body.split("', '") if p.strip("'\" ")]


def screen_users(rows: list[dict[str, str]], screener: Screener) -> list[tuple[str, str]]:
    out = []
    for row in rows:
        posts = posts_of(row)
        conversation = screener.conversation()
        for post in posts:
            conversation.screen(post)
        out.append((row["Label"], conversation.peak.value))
    return out


def report(name: str, pairs: list[tuple[str, str]]) -> None:
    moderate = RiskLevel.MODERATE.rank
    at_risk = [p for label, p in pairs if label in AT_RISK]
    supportive = [p for label, p in pairs if label == "Supportive"]
    recall = sum(RiskLevel(p).rank >= moderate for p in at_risk) / len(at_risk)
    fp = sum(RiskLevel(p).rank >= moderate for p in supportive) / len(supportive)
    print(
        f"\n[{name}] users at risk (Ideation/Behavior/Attempt) reaching >= moderate: "
        f"{recall:.3f} ({len(at_risk)} users); Supportive users above low: {fp:.3f} "
        f"({len(supportive)} users)"
    )
    print(f"  {'label':<11}" + "".join(f"{lv:>10}" for lv in LEVELS))
    for label in ("Supportive", "Indicator", "Ideation", "Behavior", "Attempt"):
        counts = Counter(p for lab, p in pairs if lab == label)
        print(f"  {label:<11}" + "".join(f"{counts[lv]:>10}" for lv in LEVELS))


def latency(name: str, screener: Screener, messages: list[str]) -> None:
    sample = messages[:300]
    for text in sample[:5]:
        screener.assess(text)  # warm up (model load)
    times = []
    for text in sample:
        t0 = time.perf_counter()
        screener.assess(text)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[int(0.99 * (len(times) - 1))]
    t0 = time.perf_counter()
    semantic = [t for t in screener.tiers if isinstance(t, SemanticTier)]
    if semantic:
        semantic[0].assess_batch(sample)
        for text in sample:
            PatternTier().assess(text)
    else:
        for text in sample:
            screener.assess(text)
    rate = len(sample) / (time.perf_counter() - t0)
    print(
        f"  latency [{name}] over {len(sample)} posts: p50 {p50:.2f} ms, p99 {p99:.2f} ms per "
        f"message; batched {rate:.0f} messages/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"needs the C-SSRS Reddit data at {args.data}")
    rows = list(csv.DictReader(args.data.open(encoding="utf-8")))
    messages = [p for row in rows for p in posts_of(row)]
    print(
        f"C-SSRS Reddit dev: {len(rows)} users, {len(messages)} posts "
        f"(mean {statistics.mean(len(m.split()) for m in messages):.0f} words)"
    )
    screeners = {"patterns": Screener([PatternTier()])}
    if semantic_available():
        screeners["patterns+semantic"] = Screener([PatternTier(), SemanticTier()])
    else:
        print("(semantic tier not installed: pip install -e '.[semantic]')")
    for name, screener in screeners.items():
        report(name, screen_users(rows, screener))
        latency(name, screener, messages)


if __name__ == "__main__":
    main()
