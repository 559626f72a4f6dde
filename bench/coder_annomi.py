"""How well does the offline rule coder agree with AnnoMI's expert annotations?

Needs ../shared/data/annomi/annomi_dev.csv (research data; nothing of it is copied into the
project). Prints, for therapist utterances, agreement on whether the utterance contains a
question / a reflection / therapist input (Cohen's kappa and F1) and on the main behaviour
(accuracy and macro-F1 against a majority-class baseline); for client utterances, talk type.

    .venv/bin/python bench/coder_annomi.py [path/to/annomi_dev.csv]
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from theralab.coding import RuleCoder
from theralab.dialogue import Behaviour, behaviour_of

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "annomi_dev.csv"


def kappa(gold: list[str], pred: list[str]) -> float:
    n = len(gold)
    observed = sum(g == p for g, p in zip(gold, pred, strict=True)) / n
    gc, pc = Counter(gold), Counter(pred)
    expected = sum(gc[k] * pc[k] for k in set(gc) | set(pc)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def macro_f1(gold: list[str], pred: list[str]) -> float:
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def main_behaviour(behaviours: list[Behaviour]) -> str:
    """One label per utterance: the AnnoMI-style main behaviour, by a fixed priority."""
    for b in (Behaviour.REFLECTION, Behaviour.QUESTION, Behaviour.THERAPIST_INPUT):
        if b in behaviours:
            return b.value
    return Behaviour.OTHER.value


def main(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    coder = RuleCoder()
    flags: dict[str, tuple[list[str], list[str]]] = {
        k: ([], []) for k in ("question", "reflection", "therapist_input")
    }
    main_gold: list[str] = []
    main_pred: list[str] = []
    talk_gold: list[str] = []
    talk_pred: list[str] = []
    previous_client = ""
    for row in rows:
        text = row["utterance_text"]
        if row["interlocutor"] == "client":
            previous_client = text
            talk_gold.append(row["client_talk_type"])
            talk_pred.append(coder.code_client(text).value)
            continue
        behaviours = [behaviour_of(c) for c in coder.code_counselor(text, previous_client).codes]
        for key, column in (
            ("question", "question_exists"),
            ("reflection", "reflection_exists"),
            ("therapist_input", "therapist_input_exists"),
        ):
            flags[key][0].append(row[column])
            flags[key][1].append(str(Behaviour(key) in behaviours))
        main_gold.append(row["main_therapist_behaviour"])
        main_pred.append(main_behaviour(behaviours))

    print(f"AnnoMI dev: {len(main_gold)} therapist and {len(talk_gold)} client utterances")
    print(f"coder: {coder.name}")
    print("therapist behaviour present (kappa / F1 of 'True'):")
    for key, (gold, pred) in flags.items():
        tp = sum(g == p == "True" for g, p in zip(gold, pred, strict=True))
        f1 = 2 * tp / (gold.count("True") + pred.count("True"))
        print(f"  {key:<16} kappa {kappa(gold, pred):.3f}   F1 {f1:.3f}")
    majority = Counter(main_gold).most_common(1)[0][0]
    base = [majority] * len(main_gold)
    print(
        f"main behaviour: accuracy {accuracy(main_gold, main_pred):.3f} "
        f"(majority baseline {accuracy(main_gold, base):.3f}), "
        f"macro-F1 {macro_f1(main_gold, main_pred):.3f} "
        f"(baseline {macro_f1(main_gold, base):.3f}), kappa {kappa(main_gold, main_pred):.3f}"
    )
    tmaj = Counter(talk_gold).most_common(1)[0][0]
    tbase = [tmaj] * len(talk_gold)
    print(
        f"client talk type: accuracy {accuracy(talk_gold, talk_pred):.3f} "
        f"(majority baseline {accuracy(talk_gold, tbase):.3f}), "
        f"macro-F1 {macro_f1(talk_gold, talk_pred):.3f} "
        f"(baseline {macro_f1(talk_gold, tbase):.3f}), kappa {kappa(talk_gold, talk_pred):.3f}"
    )


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not target.is_file():
        sys.exit(f"needs AnnoMI at {target}")
    main(target)
