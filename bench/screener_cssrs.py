"""The screener on real posts by people at clinically rated suicide risk (C-SSRS-labelled
Reddit users), through what `theralab screen` does with a user's posts: each post screened in
order as one conversation, the user's level the peak.

Needs ../shared/data/cssrs_reddit/cssrs_dev.csv (research data; nothing is copied). One user
in five (by hash) is frozen: the learned tier never trained on those users and no threshold was
chosen with them, so the FROZEN line is the honest figure for the shipped screener. The other
users trained the shipped tier: their line here would be in-sample, so the bench prints the
grouped cross-validation figure recorded at training time instead (DEV, CV BY USER).

The question asked: do users labelled Ideation / Behavior / Attempt reach `moderate` or above,
and do Supportive users (who write to support others) stay below it? Indicator users are shown
but not scored (the label means risk factors without ideation).

    .venv/bin/python bench/screener_cssrs.py [--sensitivity high|balanced]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from theralab.safety import PatternTier, RiskLevel, Screener, default_screener
from theralab.safety.aggregate import screen_posts
from theralab.safety.corpus import CssrsUser, cssrs_default_path, is_frozen, read_cssrs
from theralab.safety.semantic import SemanticTier, Sensitivity, semantic_available

LEVELS = [lv.value for lv in RiskLevel]


def report(name: str, users: Sequence[CssrsUser], screener: Screener) -> None:
    peaks = [(u.label, screen_posts(screener, u.posts).level) for u in users]
    at_risk = [lv for label, lv in peaks if label in ("Ideation", "Behavior", "Attempt")]
    support = [lv for label, lv in peaks if label == "Supportive"]
    recall = sum(lv.at_least(RiskLevel.MODERATE) for lv in at_risk) / max(1, len(at_risk))
    fp = sum(lv.at_least(RiskLevel.MODERATE) for lv in support) / max(1, len(support))
    print(
        f"\n[{name}] at-risk users reaching >= moderate: {recall:.3f} ({len(at_risk)} users); "
        f"Supportive users escalated: {fp:.3f} ({len(support)} users)"
    )
    print(f"  {'label':<11}" + "".join(f"{lv:>10}" for lv in LEVELS))
    for label in ("Supportive", "Indicator", "Ideation", "Behavior", "Attempt"):
        counts = Counter(lv.value for lab, lv in peaks if lab == label)
        print(f"  {label:<11}" + "".join(f"{counts[lv]:>10}" for lv in LEVELS))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=cssrs_default_path())
    parser.add_argument("--sensitivity", choices=[s.value for s in Sensitivity], default="high")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"needs the C-SSRS Reddit data at {args.data}")
    users = read_cssrs(args.data)
    frozen = [u for u in users if is_frozen(f"cssrs:{u.user}")]
    print(
        f"C-SSRS Reddit dev: {len(users)} users, {sum(len(u.posts) for u in users)} posts; "
        f"{len(frozen)} users frozen (never trained or tuned on)"
    )
    report("FROZEN users, patterns only", frozen, Screener([PatternTier()]))
    if not semantic_available():
        print("(learned tier not installed: pip install -e '.[semantic]')")
        return
    screener = default_screener(sensitivity=args.sensitivity)
    report(
        f"FROZEN users, default screener ({screener.name}, {args.sensitivity})", frozen, screener
    )
    tier = SemanticTier(sensitivity=args.sensitivity)
    cv = tier.weights["validation"][args.sensitivity].get("cssrs_dev_cv_users")
    if cv:
        print(
            f"\n[DEV, CV BY USER, recorded at training; {cv['at_risk_users']} at-risk, "
            f"{cv['supportive_users']} Supportive users] at-risk reaching >= moderate: "
            f"{cv['at_risk_reach_moderate_plus']:.3f}; Supportive escalated: "
            f"{cv['supportive_escalated_moderate_plus']:.3f} "
            "(pattern tier of the time + out-of-fold learned tier, per post, peak)"
        )


if __name__ == "__main__":
    main()
