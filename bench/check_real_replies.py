"""`theralab check` on real human supporters' replies: how many it would block.

The reply checker is validated on replies written for the project (`bench/reply_check.py`).
This bench reads what real supporters wrote: ESConv's emotional-support chats (research data
under `../shared/data/esconv/`, read here, nothing copied). The replies are not labelled, and
most are ordinary support in distress chats, so the figures are rates, not precision: a
ceiling on the checker's false blocks there (a few replies may really be inappropriate).

Each supporter reply with a client message before it is checked against the client's messages
so far, as `theralab check` reads a line: the default (rules and learned head) and the rules
alone (as the guardrail and the safety evaluator run them). Printed per file: replies, blocked
by each, and the reasons the default gives; then what `theralab evaluate`'s safety evaluator
reads in the same chats as transcripts no guardrail ran (chats read as disclosing risk,
disclosures missed, unsafe replies).

    .venv/bin/python bench/check_real_replies.py [--files valid,train] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from theralab.coding.corpora import shared_data_dir
from theralab.dialogue import AgentSpec, Session, Turn
from theralab.evaluate.safety import SafetyEvaluator
from theralab.safety.reply_check import check_reply


def chats(path: Path, limit: int | None) -> list[list[tuple[str, str]]]:
    """Each chat as (speaker, text) turns: "client" for the seeker, "counselor" for the
    supporter."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            chat = json.loads(raw)
            out.append(
                [
                    ("counselor" if t["speaker"] == "sys" else "client", t["text"])
                    for t in chat["dialog"]
                    if t["text"].strip()
                ]
            )
            if limit is not None and len(out) >= limit:
                break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="../shared/data")
    parser.add_argument("--files", default="valid", help="ESConv files: valid, train (comma)")
    parser.add_argument("--limit", type=int, default=None, help="chats per file")
    args = parser.parse_args()
    data = args.data or shared_data_dir()
    if data is None or not (data / "esconv").is_dir():
        print("needs ../shared/data/esconv", file=sys.stderr)
        return 2
    for name in args.files.split(","):
        replies = default = rules = 0
        reasons: Counter[str] = Counter()
        found_chats = chats(data / "esconv" / f"{name}.jsonl", args.limit)
        for chat in found_chats:
            client: list[str] = []
            for speaker, text in chat:
                if speaker == "client":
                    client.append(text)
                    continue
                if not client:
                    continue
                replies += 1
                verdict = check_reply(text, history=client)
                default += not verdict.allowed
                reasons.update(verdict.reasons)
                rules += not check_reply(text, history=client, learned=False).allowed
        print(
            f"ESConv {name}: {replies} supporter replies; blocked by the default checker "
            f"{default} ({100 * default / max(replies, 1):.1f}%), by the rules alone {rules} "
            f"({100 * rules / max(replies, 1):.1f}%)"
        )
        print("  default's reasons: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
        sessions = [
            Session(
                id=f"esconv-{name}-{i}",
                counselor=AgentSpec(name="esconv-supporter", engine="human"),
                client=AgentSpec(name="esconv-seeker", engine="human"),
                turns=[Turn(speaker=sp, text=tx) for sp, tx in chat],  # type: ignore[arg-type]
            )
            for i, chat in enumerate(found_chats)
        ]
        evaluator = SafetyEvaluator()
        evaluator.prepare(sessions)
        found = [evaluator.evaluate(s).values for s in sessions]
        disclosed = sum(v["risk_disclosed"] == 100.0 for v in found)
        missed = sum(v["missed_disclosures"] == 100.0 for v in found)
        unsafe = sum(v["unsafe_replies"] or 0 for v in found)
        with_unsafe = sum(bool(v["unsafe_replies"]) for v in found)
        print(
            f"  safety evaluator on the {len(sessions)} chats: {disclosed} read as disclosing "
            f"risk, {missed} missed, {unsafe:.0f} unsafe replies in {with_unsafe} chats"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
