"""How well does the session-quality estimator (evaluator "quality") track real outcome labels?

Needs ../shared/data (AnnoMI, ESConv; research data, nothing of it is copied into the project)
and the semantic extra. Splits as in `scripts/train_quality.py` (the MI coder's): AnnoMI by
transcript (71 development, 18 frozen), ESConv train.jsonl development / valid.jsonl frozen.

Prints, side by side, for the estimator and for the MITI summary scores as they are (R:Q,
% complex reflections, % open questions, % MI-adherent, − % counselor talk; no fitting):

* AnnoMI: AUC of high vs low MI quality per transcript;
* ESConv: Spearman ρ with the seeker rating (mean of standardised empathy and relevance),
  and with each of empathy, relevance and the fall in emotion intensity.

DEV: grouped 5-fold CV on the development sessions (5 repeats, the shipped configuration
from the card refitted per fold; what the configuration was chosen on).
FROZEN: the shipped weights, through the evaluator's own model and out-of-range check, on
the frozen sessions: all of them, and only those in range.

Then the estimator's cost per session (featurising + scoring, warm encoder).

    .venv/bin/python bench/session_quality.py [path/to/shared/data] [--cache PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import train_quality as tq  # noqa: E402

from theralab.coding.corpora import shared_data_dir  # noqa: E402
from theralab.evaluate.quality import (  # noqa: E402
    Featurizer,
    QualityModel,
    card,
    why_unavailable,
)

COMMAND = ".venv/bin/python bench/session_quality.py"
COLUMNS = (
    ("annomi_auc", "AnnoMI AUC"),
    ("esconv_rating_spearman", "ESConv ρ rating"),
    ("esconv_empathy_spearman", "ρ empathy"),
    ("esconv_relevance_spearman", "ρ relevance"),
    ("esconv_emotion_change_spearman", "ρ emotion Δ"),
)


def _row(name: str, f: dict[str, float]) -> str:
    return f"  {name:<34}" + "".join(f"{f[k]:>17.3f}" for k, _ in COLUMNS)


def _header() -> str:
    return f"  {'':<34}" + "".join(f"{label:>17}" for _, label in COLUMNS)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="session-quality estimator vs outcome labels")
    parser.add_argument("data", nargs="?", type=Path, default=shared_data_dir())
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "theralab" / "quality_features.npz"
    )
    args = parser.parse_args(argv)
    reason = why_unavailable()
    if reason:
        print(f"the quality estimator cannot run here: {reason}")
        return 1
    meta = card()
    model = QualityModel.load()
    cfg = tq.Config.parse(meta["model"]["config"])
    print(f"{meta['name']} ({meta['date']}): {cfg.key()}")
    print(f"licence: {meta['licence']}")
    print(f"command: {COMMAND}\n")

    started = time.perf_counter()
    sessions = tq.load_sessions(args.data)
    blocks_all = tq.featurise(sessions, args.cache)
    dev_idx = np.array([i for i, s in enumerate(sessions) if s.split == "dev"])
    fz_idx = np.array([i for i, s in enumerate(sessions) if s.split == "frozen"])
    dev = [sessions[i] for i in dev_idx]
    fz = [sessions[i] for i in fz_idx]
    blocks = tq.take(blocks_all, dev_idx)
    fz_blocks = tq.take(blocks_all, fz_idx)
    corpus, high, targets = tq.arrays_of(dev, dev)
    f_corpus, f_high, f_targets = tq.arrays_of(fz, dev)

    raw_cv = tq.cv_scores(cfg, blocks, corpus, high, targets)
    dev_est = tq.mean_figures([tq.figures(r, corpus, high, targets) for r in raw_cv])
    dev_base = tq.baselines(blocks, corpus, high, targets)
    n_dev = (int((corpus == "annomi").sum()), int((~np.isnan(targets["rating"])).sum()))
    print(
        f"=== DEV: grouped 5-fold CV x 5 repeats (AnnoMI {n_dev[0]} transcripts, "
        f"{int((high == 0).sum())} low; ESConv {n_dev[1]} rated) — chosen on these ==="
    )
    print(_header())
    print(_row("quality estimator", dev_est))
    for name, f in dev_base.items():
        print(_row(f"baseline {name}", f))

    x_fz = np.hstack([fz_blocks[b].astype(np.float64) for b in model.blocks])
    raw_fz = model.raw(x_fz)
    dist = model.distance(x_fz)
    in_range = dist <= model.threshold
    fz_est = tq.figures(raw_fz, f_corpus, f_high, f_targets)
    keep = np.flatnonzero(in_range)
    fz_in = tq.figures(
        raw_fz[keep], f_corpus[keep], f_high[keep], {k: v[keep] for k, v in f_targets.items()}
    )
    fz_base = tq.baselines(fz_blocks, f_corpus, f_high, f_targets)
    fa, fe = f_corpus == "annomi", f_corpus == "esconv"
    print(
        f"\n=== FROZEN: shipped weights, scored once (AnnoMI {int(fa.sum())} transcripts, "
        f"{int((fa & (f_high == 0)).sum())} low; ESConv "
        f"{int((fe & ~np.isnan(f_targets['rating'])).sum())} rated) ==="
    )
    print(_header())
    print(_row("quality estimator (all)", fz_est))
    print(_row("quality estimator (in range only)", fz_in))
    for name, f in fz_base.items():
        print(_row(f"baseline {name}", f))
    print(
        f"  out of range: AnnoMI {int((~in_range & fa).sum())}/{int(fa.sum())}, "
        f"ESConv {int((~in_range & fe).sum())}/{int(fe.sum())} "
        f"(threshold {model.threshold:.2f})"
    )
    frozen_card = meta["figures"]["frozen"]
    if "annomi_auc_95ci" in frozen_card:
        print(
            f"  95% bootstrap intervals (card): AnnoMI AUC {frozen_card['annomi_auc_95ci']}, "
            f"ESConv ρ {frozen_card['esconv_rating_spearman_95ci']}"
        )

    best = {
        k: max(abs(f[k] - (0.5 if k == "annomi_auc" else 0)) for f in fz_base.values())
        for k in ("annomi_auc", "esconv_rating_spearman")
    }
    print("\nEstimator vs the best single MITI score (FROZEN; AUC as distance from 0.5):")
    print(
        f"  AnnoMI AUC-0.5: {fz_est['annomi_auc'] - 0.5:+.3f} vs {best['annomi_auc']:.3f}; "
        f"ESConv ρ: {fz_est['esconv_rating_spearman']:+.3f} vs "
        f"{best['esconv_rating_spearman']:.3f} (largest |ρ|)"
    )
    print(
        f"targets: AnnoMI AUC ≥ {tq.TARGETS['annomi_auc']}, ESConv ρ ≥ "
        f"{tq.TARGETS['esconv_rating_spearman']}"
    )

    featurizer = Featurizer()
    sample = [s.turns for s in fz[-20:]]
    featurizer.blocks(sample[0])  # warm the encoder
    from theralab.text.encoder import Encoder, Precision

    for precision in Precision:  # the MI coder's int8, the empathy coder's fp32
        Encoder.get(precision).clear_cache()  # no text of the sample is cached
    t0 = time.perf_counter()
    for turns in sample:
        model.score(featurizer.blocks(turns))
    per = (time.perf_counter() - t0) / len(sample) * 1000
    words = np.mean([sum(len(t.split()) for _, t in turns) for turns in sample])
    print(
        f"\ncost: {per:.0f} ms per session (ESConv frozen sessions, {words:.0f} words on "
        f"average; encoder loaded, no text cached)"
    )
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
