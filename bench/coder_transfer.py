"""Does the MI coder's therapist-behaviour coding transfer across corpora?

Needs ../shared/data (AnnoMI, ESConv, MI-Welivita, EPITOME; research data, nothing of it is
copied into the project). Each corpus has a fixed split (`theralab.coding.corpora`):
development parts train the heads and choose their settings by grouped cross-validation;
frozen parts (AnnoMI's held-out transcripts, ESConv's valid.jsonl, a sentence hash for
MI-Welivita, a seeker-post hash for EPITOME) are only ever scored.

Prints, per corpus, for the coarse behaviour (question / reflection / therapist_input /
other; each corpus's labels mapped as documented in docs/evaluation.md):

1. DEVELOPMENT figures — what the recipe was chosen on:
   * within: grouped 5-fold CV of the heads on all development parts (recorded by
     `theralab coder train mi` in mi_heads.json), scored per corpus. With the fine-tuned
     encoder (`mi-transfer-minilm-v4`) these are optimistic: the encoder learnt from every
     fold's labels (the honest development figure is in `theralab.coding.train`'s
     FINE_TUNE_EPOCHS note: one grouped fold held out of encoder and heads);
   * leave-one-corpus-out (LOCO): the encoder's top layers fine-tuned and the behaviour head
     fitted on the other training corpora's development parts only (the same recipe; the
     layers are kept in `.cache/coder_transfer/`, keyed by their training data, so a second
     run does not fine-tune again), scored on this corpus's development part. EPITOME is not
     a training corpus (see `theralab.coding.train.EPITOME_LEFT_OUT`): its LOCO figures are
     the shipped coder's.
2. FROZEN figures — scored once, nothing tuned on them:
   * within: the shipped heads (trained on every corpus's development part, this one's
     included) on this corpus's frozen part;
   * LOCO: the encoder and behaviour head of the development LOCO above, on this corpus's
     frozen part.
   Each with macro-F1, per-class precision / recall, the confusion matrix and R:Q of gold vs
   coded (reflections per question, one behaviour per utterance).
3. AnnoMI held-out transcripts through the full coder: therapist behaviour and client talk;
   and client talk on the MI sessions written for TheraLab (`data/client_talk/`, never
   trained on).

    .venv/bin/python bench/coder_transfer.py [path/to/shared/data] [--loco esconv,annomi]

Takes about 45 minutes on 2 cores the first time (four fine-tunings), 10 after. `--loco`
names the corpora whose leave-one-out coder is refitted (default: every training corpus);
the others print no LOCO line.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from theralab.coding.corpora import (
    BEHAVIOURS,
    CodedUnit,
    counselor_corpora,
    read_annomi,
    read_talk_sessions,
    shared_data_dir,
    split_annomi,
    talk_dir,
    talk_transcripts,
)
from theralab.coding.heldout import BehaviourScored, behaviour_scored, mi_heldout
from theralab.coding.mi_coder import MICoder, mi_coder_available

COMMAND = ".venv/bin/python bench/coder_transfer.py"
LAYERS_DIR = Path(__file__).resolve().parents[1] / ".cache" / "coder_transfer"


def _loco_cache(train: list[CodedUnit], held: str, fine_tune: bool) -> Any:
    """The embedding cache the LOCO head of `held` reads: through top layers fine-tuned on
    `train` alone (the shipped recipe, never this corpus), or the published encoder's."""
    from theralab.coding.train import FINE_TUNE_EPOCHS, FINE_TUNE_LAYERS, fine_tune_encoder
    from theralab.coding.vectors import EmbeddingCache

    if not fine_tune:
        return EmbeddingCache(max_items=1_000_000)
    key = hashlib.sha256(f"{FINE_TUNE_LAYERS}:{FINE_TUNE_EPOCHS}".encode())
    for u in train:
        key.update(f"{u.corpus}\0{u.group}\0{u.text}\0{sorted(u.labels.items())}\n".encode())
    layers = LAYERS_DIR / f"without_{held}.{key.hexdigest()[:12]}.npz"
    if not layers.is_file():
        print(f"fine-tuning the encoder without {held} → {layers}", file=sys.stderr)
        fine_tune_encoder(train, layers)
    return EmbeddingCache(max_items=1_000_000, adapter=layers)


# The acceptance figures (ESConv, AnnoMI held-out transcripts).
TARGETS = {"esconv_macro_f1": 0.60, "esconv_reflection_precision": 0.6, "rq_tolerance": 0.20}


def _behaviour(head: Any, units: list[CodedUnit], cache: Any, published: Any = None) -> list[str]:
    """The coarse behaviour `head` codes; with `published`, previous utterances are encoded
    by their speaker's encoder (a client's by the published one), as the coder does."""
    from theralab.coding.vectors import mi_features

    by_speaker = {"counselor": cache.encode, "client": published.encode} if published else None
    x = mi_features([u.text for u in units], [u.previous for u in units], cache.encode, by_speaker)
    return [head.labels[int(p.argmax())] for p in head.proba(x)]


def _scored(units: list[CodedUnit], pred: list[str]) -> BehaviourScored:
    return behaviour_scored(units, pred)


def _line(name: str, d: dict[str, Any]) -> str:
    rq_g, rq_c = d.get("r_q_gold"), d.get("r_q_coded")
    rq = ""
    if rq_g and rq_c is not None:
        rq = f"   R:Q gold {rq_g:.2f} coded {rq_c:.2f} ({(rq_c / rq_g - 1) * 100:+.0f}%)"
    refl = "reflection n/a (not in this corpus's gold)"
    if "reflection" in d["precision"]:
        refl = f"reflection P {d['precision']['reflection']:.2f} R {d['recall']['reflection']:.2f}"
    return f"  {name:<22} n={d['n']:<6} macro-F1 {d['macro_f1']:.3f}   {refl}{rq}"


def _detail(d: dict[str, Any]) -> list[str]:
    labels = list(d["precision"])
    out = ["      per class     " + "  ".join(f"{b[:12]:>12}" for b in labels)]
    for key in ("precision", "recall", "per_class_f1"):
        name = {"per_class_f1": "F1"}.get(key, key)
        out.append(f"      {name:<13} " + "  ".join(f"{d[key][b]:>12.2f}" for b in labels))
    coded = [b for b in BEHAVIOURS if b in next(iter(d["confusion"].values()))]
    out.append("      confusion (rows gold, columns coded: " + " / ".join(coded) + "):")
    for g, row in d["confusion"].items():
        out.append(f"        {g:<16}" + "".join(f"{row[p]:>8}" for p in coded))
    return out


def main(argv: list[str]) -> int:
    if not mi_coder_available():
        print("the trained MI coder is not available (pip install -e '.[semantic]')")
        return 1
    from theralab.coding.train import TRAINING_CORPORA, fit_counselor_head

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=None, help="../shared/data")
    parser.add_argument(
        "--loco", default=None, help="corpora to refit leave-one-out (comma-separated; all)"
    )
    args = parser.parse_args(argv[1:])
    loco_only = set(args.loco.split(",")) if args.loco else None
    base = args.data or shared_data_dir()
    started = time.perf_counter()
    corpora = counselor_corpora(base)
    coder = MICoder()
    meta = coder.meta
    c = float(meta["heads_report"]["behaviour"]["C"])
    cache = coder._cache  # the shipped coder's vectors (its fine-tuned layers, if any)
    fine_tuned = coder.adapter is not None
    # with fine-tuned layers, a client's words are read through the published encoder
    published = coder._published_cache if meta.get("previous_by_speaker") else None
    print(f"MI coder {coder.name}: behaviour head C={c:g}; corpora: " + ", ".join(corpora))
    print(f"encoder: {meta.get('model')}")
    print(f"command: {COMMAND}\n")

    loco_dev: dict[str, dict[str, Any]] = {}
    loco_frozen: dict[str, dict[str, Any]] = {}
    for held in corpora:
        if loco_only is not None and held not in loco_only and held in TRAINING_CORPORA:
            continue  # not refitted this run (a corpus never trained on costs nothing)
        if held not in TRAINING_CORPORA:
            head, held_cache = coder.heads["behaviour"], cache  # never saw this corpus
        else:
            others = [n for n in TRAINING_CORPORA if n != held and n in corpora]
            train = [u for n in others for u in corpora[n][0]]
            held_cache = _loco_cache(train, held, fine_tuned)
            head = fit_counselor_head(train, held_cache, c, published=published)
        dev, frozen = corpora[held]
        loco_dev[held] = _scored(dev, _behaviour(head, dev, held_cache, published)).detail()
        loco_frozen[held] = _scored(
            frozen, _behaviour(head, frozen, held_cache, published)
        ).detail()

    print("=== DEVELOPMENT figures (recipe and settings chosen on these) ===")
    cv = meta["heads_report"]["behaviour"].get("cv_per_corpus", {})
    for name in corpora:
        print(f"{name}:")
        if name in cv:
            tag = "within (CV, optimistic)" if fine_tuned else "within (grouped CV)"
            print(_line(tag, cv[name]))
        if name in loco_dev:
            print(_line("LOCO (dev part)", loco_dev[name]))

    print("\n=== FROZEN figures (scored once; nothing tuned on them) ===")
    for name, (_, frozen) in corpora.items():
        print(f"{name}:")
        if name in TRAINING_CORPORA:
            shipped = coder.heads["behaviour"]
            within = _scored(frozen, _behaviour(shipped, frozen, cache, published))
            print(_line("within (shipped heads)", within.detail()))
            print(*_detail(within.detail()), sep="\n")
        if name not in loco_frozen:
            continue
        print(
            _line(
                "LOCO" + (" = shipped" if name not in TRAINING_CORPORA else ""), loco_frozen[name]
            )
        )
        print(*_detail(loco_frozen[name]), sep="\n")

    _, test = split_annomi(read_annomi(base / "annomi" / "annomi_dev.csv"))
    held = mi_heldout(coder, test)
    print("\nAnnoMI held-out transcripts, full coder (frozen):")
    for name, scored in (("therapist behaviour", held.therapist), ("client talk", held.client)):
        s = scored.summary()
        per = "  ".join(f"{k} {v:.2f}" for k, v in s["per_class_f1"].items())
        print(f"  {name:<22} n={s['n']:<6} macro-F1 {s['macro_f1']:.3f}   {per}")
    if talk_dir().is_dir():
        written = mi_heldout(coder, talk_transcripts(read_talk_sessions())).client.summary()
        per = "  ".join(f"{k} {v:.2f}" for k, v in written["per_class_f1"].items())
        print("\nWritten MI sessions (data/client_talk/, never trained on), full coder:")
        n, f1 = written["n"], written["macro_f1"]
        print(f"  {'client talk':<22} n={n:<6} macro-F1 {f1:.3f}   {per}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
