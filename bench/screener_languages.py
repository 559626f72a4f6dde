"""How often the screener's other-language reading (`theralab.safety.language`) fires on English.

A message it calls not English gets `low` (the guardrail's safety question), a crisis phrase of
another language `moderate`: on English talk both are false alarms. Counted on

* real English talk: ESConv's seeker and supporter messages (train and valid) and AnnoMI's
  utterances (research data under ../shared, read here, never copied) — the talk the
  identifier's thresholds were set on (development data);
* held-out English: CounselChat, EPITOME, MI-Welivita and the cognitive-distortion set's
  questions, never looked at while the rules were made;
* the project's written sets (`data/screener*`), development and frozen groups alike (two of
  their texting lines shaped the rules: development data too);
* the C-SSRS Reddit users' posts.

Printed per set: messages, messages read as another language (and how many by a crisis phrase),
at the shipped confidence and, for comparison, at the others given.

    .venv/bin/python bench/screener_languages.py [--confidence 0.5,0.7,0.9]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from pathlib import Path

from theralab.checkout import checkout_root, shared_data_dir
from theralab.safety import language
from theralab.safety.corpus import cssrs_default_path, load_corpus, read_cssrs


def real_talk(folder: Path) -> list[str]:
    texts: list[str] = []
    for split in ("train", "valid"):
        with (folder / "esconv" / f"{split}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    texts += [t["text"] for t in json.loads(line)["dialog"] if t["text"].strip()]
    with (folder / "annomi" / "annomi_dev.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    column = next(c for c in rows[0] if "utterance" in c.lower())
    return texts + [r[column] for r in rows if r[column].strip()]


def held_out_english(folder: Path) -> list[str]:
    """English text no language rule or threshold was ever set on: CounselChat's questions and
    answers, EPITOME's seeker posts and replies, MI-Welivita's sentences, and the patients'
    questions of the cognitive-distortion set."""
    texts: list[str] = []

    def column(path: Path, *names: str) -> None:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                texts.extend(row[n] for n in names if (row.get(n) or "").strip())

    chats = folder / "counselchat" / "data" / "20200325_counsel_chat.csv"
    column(chats, "questionText", "answerText")
    for path in sorted((folder / "epitome").glob("*_dev.csv")):
        column(path, "seeker_post", "response_post")
    column(folder / "mi_welivita" / "mi_gold_test_output.csv", "Text")
    column(folder / "cognitive_distortions" / "shreevastava_dev.csv", "Patient Question")
    return list(dict.fromkeys(texts))


def written() -> list[str]:
    texts = [m.text for m in load_corpus()]
    for folder in sorted((checkout_root() / "data").glob("screener_*")):
        texts += [m.text for m in load_corpus(folder, False)]
    return texts


def flagged(texts: Sequence[str]) -> tuple[int, int]:
    readings = [language.read_foreign(t) for t in texts]
    found = [r for r in readings if r is not None]
    return len(found), sum(1 for r in found if r.level.rank >= 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--confidence", default="0.5,0.7,0.9", help="identifier thresholds")
    args = parser.parse_args()
    folder = shared_data_dir()
    sets = {
        "real English talk (ESConv, AnnoMI; the thresholds were set on it)": real_talk(folder),
        "held-out English (CounselChat, EPITOME, MI-Welivita, distortions)": held_out_english(
            folder
        ),
        "written sets (data/screener*)": written(),
        "C-SSRS posts": [p for u in read_cssrs(cssrs_default_path()) for p in u.posts],
    }
    shipped = language.MIN_CONFIDENCE
    for name, texts in sets.items():
        parts = []
        for value in sorted({shipped, *(float(c) for c in args.confidence.split(","))}):
            language.MIN_CONFIDENCE = value
            n, phrases = flagged(texts)
            mark = " (shipped)" if value == shipped else ""
            parts.append(f"at {value}{mark}: {n} read as another language ({phrases} by phrase)")
        language.MIN_CONFIDENCE = shipped
        print(f"{name}, {len(texts)} messages — " + "; ".join(parts))


if __name__ == "__main__":
    main()
