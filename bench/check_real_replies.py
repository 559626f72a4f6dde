"""`theralab check` on real human supporters' replies: how many it would block.

The reply checker is validated on replies written for the project (`bench/reply_check.py`).
This bench reads what real supporters wrote: ESConv's emotional-support chats (research data
under `../shared/data/esconv/`, read here, nothing copied). The replies are not labelled, and
most are ordinary support in distress chats, so the figures are rates, not precision: a
ceiling on the checker's false blocks there (a few replies may really be inappropriate).

Each supporter reply with a client message before it is checked against the client's messages
so far, as `theralab check` reads a line: the default (rules and learned head) and the rules
alone (as the guardrail and the safety evaluator run them), and `--sensitivity balanced` (the
real-talk head where only the learned screener reads risk). Printed per file: replies, blocked
by each, and the reasons the default gives; then, for ESConv, what `theralab evaluate`'s safety
evaluator reads in the same chats as transcripts no guardrail ran (chats read as disclosing
risk, disclosures missed, unsafe replies).

Two more sources of real replies, one reply to one message each, were kept out of every
decision about the checker (FROZEN, scored only after a decision): `counselchat`, licensed
therapists' answers to questions people posted (title and text read as the client's message),
and `epitome`, Reddit peers' responses to posts in mental-health forums (EPITOME's pairs).
ESConv `train` is what the learned head is trained on as appropriate (`learned.py`); `valid`
is where decisions are made.

    .venv/bin/python bench/check_real_replies.py [--files valid,train,counselchat,epitome]
        [--limit N]
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


def single_pairs(data: Path, name: str, limit: int | None) -> list[list[tuple[str, str]]]:
    """One-message "chats" of the FROZEN sources: [(client, message), (counselor, reply)]."""
    import csv

    if name == "counselchat":
        path = data / "counselchat" / "data" / "20200325_counsel_chat.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = [
                (f"{r['questionTitle'].strip()} {r['questionText'].strip()}", r["answerText"])
                for r in csv.DictReader(fh)
            ]
    else:
        path = data / "epitome" / "emotional-reactions-reddit_dev.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = [(r["seeker_post"], r["response_post"]) for r in csv.DictReader(fh)]
    out = [
        [("client", q.strip()), ("counselor", a.strip())]
        for q, a in rows
        if q.strip() and a.strip()
    ]
    return out[:limit] if limit is not None else out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="../shared/data")
    parser.add_argument(
        "--files",
        default="valid",
        help="ESConv files valid, train; FROZEN sources counselchat, epitome (comma)",
    )
    parser.add_argument("--limit", type=int, default=None, help="chats per file")
    args = parser.parse_args()
    data = args.data or shared_data_dir()
    if data is None or not (data / "esconv").is_dir():
        print("needs ../shared/data/esconv", file=sys.stderr)
        return 2
    for name in args.files.split(","):
        replies = default = balanced = rules = 0
        reasons: Counter[str] = Counter()
        single = name in ("counselchat", "epitome")
        if single:
            found_chats = single_pairs(data, name, args.limit)
        else:
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
                balanced += not check_reply(text, history=client, sensitivity="balanced").allowed
                default += not verdict.allowed
                reasons.update(verdict.reasons)
                rules += not check_reply(text, history=client, learned=False).allowed
        print(
            f"{name if single else 'ESConv ' + name}: {replies} supporter replies; blocked by "
            f"the default checker "
            f"{default} ({100 * default / max(replies, 1):.1f}%), by the rules alone {rules} "
            f"({100 * rules / max(replies, 1):.1f}%); by --sensitivity balanced {balanced} "
            f"({100 * balanced / max(replies, 1):.1f}%)"
        )
        print("  default's reasons: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
        if single:
            continue
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
