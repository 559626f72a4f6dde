"""The default screener on real counseling talk it was never trained or tuned on.

The screener's own sets are written for the project. This bench reads what real clients said:
AnnoMI's client turns (133 motivational-interviewing sessions on alcohol, smoking, diet,
medication and more) and ESConv's help-seekers (1,300 emotional-support chats), from
`../shared/data/` (research data: read here, nothing copied). Neither is labelled for risk,
so the figures are rates, not precision: how often the guardrail would hand a real
conversation to the crisis protocol, or add its check-in — a ceiling on its false alarms
there, since a few of these people may really be at risk.

Each conversation's client turns go through the default screener in order, as the guardrail
screens them (risk persists once reached). Printed per corpus: conversations taken over
(a turn at `moderate` or above), conversations given a check-in (`low` or above), and per
message without context the share at ≥ moderate, and the share of all client turns the crisis
protocol answers (from each takeover to the end of its conversation); then the same for the
messages that name a medication (`theralab.safety.medication`'s list), the talk issue 11's
medication set is about.

ESConv's two files are reported apart: decisions about the screener's training have been made
on `train` since 2026-12-05 (nothing of it is trained on); `valid` and AnnoMI stay checks.

With `data/screener_talk/` present (ordinary conversations written for the project, turn by
turn, labelled per message), its conversations are scored the same way, development and frozen
groups apart: conversations without a risk turn taken over, and the risk turns reached.

    .venv/bin/python bench/screener_real_talk.py [--limit N] [--tiers patterns]
        [--sensitivity balanced|ask]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from theralab.coding.corpora import esconv_seeker_turns, read_annomi, shared_data_dir
from theralab.safety import PatternTier, Screener, default_screener
from theralab.safety.corpus import LabelledMessage, is_frozen, load_corpus
from theralab.safety.medication import names_medication
from theralab.safety.risk import RiskLevel
from theralab.safety.semantic import Sensitivity

TALK = Path(__file__).resolve().parents[1] / "data" / "screener_talk"


@dataclass
class Conversation:
    corpus: str
    id: str
    turns: list[str]


def annomi(folder: Path) -> Iterator[Conversation]:
    for transcript in read_annomi(folder / "annomi" / "annomi_dev.csv"):
        turns = [u.text for u in transcript.utterances if u.speaker == "client" and u.text.strip()]
        yield Conversation("AnnoMI", transcript.id, turns)


def esconv(folder: Path, split: str) -> Iterator[Conversation]:
    for i, turns in enumerate(esconv_seeker_turns(folder / "esconv" / f"{split}.jsonl")):
        yield Conversation(f"ESConv {split}", f"{split}:{i}", turns)


def screen_in_order(screener: Screener, turns: list[str]) -> list[RiskLevel]:
    """Each turn's level as the guardrail screens a conversation: in order, risk persisting."""
    screening = screener.conversation()
    return [screening.screen(t).level for t in turns]


def _floor(level: RiskLevel) -> RiskLevel:
    """What a risk turn must reach to count: its own level, or the crisis threshold for
    moderate and above."""
    return RiskLevel.MODERATE if level.at_least(RiskLevel.MODERATE) else level


def written_talk(screener: Screener, frozen: bool) -> None:
    """The project's own ordinary conversations, labelled per turn: how many conversations
    without a risk turn are taken over, and how many risk turns reach their level's floor."""
    messages = [m for m in load_corpus(TALK, legacy=False) if is_frozen(m.group) == frozen]
    conversations: dict[str, list[LabelledMessage]] = {}
    for m in messages:
        conversations.setdefault(m.group, []).append(m)
    calm = taken = risky = reached = 0
    for turns in conversations.values():
        levels = screen_in_order(screener, [m.text for m in turns])
        if all(m.level is RiskLevel.NONE for m in turns):
            calm += 1
            taken += max(lv.rank for lv in levels) >= RiskLevel.MODERATE.rank
        for m, lv in zip(turns, levels, strict=True):
            if m.level is not RiskLevel.NONE:
                risky += 1
                reached += lv.at_least(_floor(m.level))
    alone = screener.assess_batch([m.text for m in messages])
    none = [a for m, a in zip(messages, alone, strict=True) if m.level is RiskLevel.NONE]
    escalated = sum(a.level.at_least(RiskLevel.MODERATE) for a in none)
    reached_alone = sum(
        a.level.at_least(_floor(m.level))
        for m, a in zip(messages, alone, strict=True)
        if m.level is not RiskLevel.NONE
    )
    print(
        f"written talk ({'FROZEN' if frozen else 'DEV'}): {len(conversations)} conversations, "
        f"{len(messages)} messages\n"
        f"  conversations without a risk turn taken over: {taken} of {calm} "
        f"({taken / max(1, calm):.1%})\n"
        f"  risk turns reaching their level (moderate for moderate and above): in order "
        f"{reached} of {risky} (a takeover earlier in the conversation counts), each alone "
        f"{reached_alone}\n"
        f"  `none` messages at >= moderate, each alone: {escalated} of {len(none)} "
        f"({escalated / max(1, len(none)):.2%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="conversations per corpus (0: all)")
    parser.add_argument("--tiers", choices=("default", "patterns"), default="default")
    parser.add_argument("--sensitivity", choices=[s.value for s in Sensitivity], default="high")
    args = parser.parse_args()
    folder = shared_data_dir()
    if not (folder / "annomi").is_dir() or not (folder / "esconv").is_dir():
        sys.exit(f"error: needs AnnoMI and ESConv under {folder}")
    screener = (
        default_screener(sensitivity=args.sensitivity)
        if args.tiers == "default"
        else Screener([PatternTier()])
    )
    print(f"screener: {screener.name} ({args.sensitivity})")
    corpora = (
        lambda: annomi(folder),
        lambda: esconv(folder, "train"),
        lambda: esconv(folder, "valid"),
    )
    for corpus in corpora:
        convs = [c for c in corpus() if c.turns]
        if args.limit:
            convs = convs[: args.limit]
        taken = checked = answered = 0
        messages = [t for c in convs for t in c.turns]
        for conv in tqdm(convs, desc=convs[0].corpus, unit="conversation", leave=False):
            ranks = [lv.rank for lv in screen_in_order(screener, conv.turns)]
            crisis = [r >= RiskLevel.MODERATE.rank for r in ranks]
            taken += any(crisis)
            checked += max(ranks) >= RiskLevel.LOW.rank
            # the protocol answers from the turn that reached it to the end
            answered += len(crisis) - crisis.index(True) if any(crisis) else 0
        alone = screener.assess_batch(messages)
        escalated = [a.level.at_least(RiskLevel.MODERATE) for a in alone]
        meds = [e for t, e in zip(messages, escalated, strict=True) if names_medication(t)]
        n = len(convs)
        print(
            f"{convs[0].corpus}: {n} conversations, {len(messages)} client messages\n"
            f"  conversations taken over by the crisis protocol: {taken} ({taken / n:.1%}); "
            f"given a check-in or more: {checked} ({checked / n:.1%})\n"
            f"  client turns answered by the crisis protocol (from the takeover on): {answered} "
            f"({answered / len(messages):.1%})\n"
            f"  messages at >= moderate, each alone: {sum(escalated)} "
            f"({sum(escalated) / len(messages):.2%})\n"
            f"  messages naming a medication: {len(meds)}, at >= moderate: {sum(meds)}"
            f" ({sum(meds) / max(1, len(meds)):.1%})"
        )
    if TALK.is_dir():
        for frozen in (False, True):
            written_talk(screener, frozen)


if __name__ == "__main__":
    main()
