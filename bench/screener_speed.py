"""How fast the default screener is: per message (p50 / p99 of single calls, as the guardrail
makes them) and batched (`theralab screen` on many messages), on the frozen part of the
screener corpus (chat-length messages written for TheraLab) and, when present, on real
long posts (C-SSRS Reddit, research data read from ../shared).

Goals (issue 11): learned tier p99 <= 20 ms per message, >= 300 messages/s batched on 2 cores.
The p99 is printed over all messages and over chat-length ones (<= 80 words, one window).
The pattern tier alone is measured in the same run as the baseline.

    .venv/bin/python bench/screener_speed.py [--n 400]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence

from theralab.safety import PatternTier, Screener, default_screener
from theralab.safety.corpus import cssrs_default_path, load_corpus, read_cssrs, split_frozen
from theralab.safety.semantic import (
    WINDOW_WORDS,
    SemanticTier,
    screener_encoder,
    semantic_available,
    windows,
)
from theralab.text.encoder import Encoder, Precision


def p99(times: Sequence[float]) -> float:
    ordered = sorted(times)
    return ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("nan")


# Warm-up: model load and first allocations, and a message of two windows, so the int8
# encoder's side-by-side session (made on the first call with several windows, once per
# process) is not charged to whichever long message comes first.
WARM_UP = (
    "warm up",
    "model load and first allocations",
    " ".join(["a warm up sentence of several words."] * 20),
)


def single(screener: Screener, texts: Sequence[str]) -> tuple[float, float, float]:
    """p50 and p99 of single calls, and p99 over chat-length messages (≤ 80 words, one
    encoder window): a long post costs one window per 80 words."""
    for text in WARM_UP:
        screener.assess(text)
    screener_encoder().clear_cache()  # every message is new to the screener
    times, short = [], []
    for text in texts:
        t0 = time.perf_counter()
        screener.assess(text)
        times.append((time.perf_counter() - t0) * 1000)
        if len(text.split()) <= WINDOW_WORDS:
            short.append(times[-1])
    return statistics.median(times), p99(times), p99(short)


def batched(screener: Screener, texts: Sequence[str]) -> float:
    t0 = time.perf_counter()
    for start in range(0, len(texts), 256):
        screener.assess_batch(texts[start : start + 256])
    return len(texts) / (time.perf_counter() - t0)


def run(label: str, texts: Sequence[str]) -> None:
    if semantic_available():
        encoders(texts)
    words = statistics.mean(len(t.split()) for t in texts)
    print(f"\n{label}: {len(texts)} messages, mean {words:.0f} words, load {load()}")
    screeners = {"patterns": Screener([PatternTier()])}
    if semantic_available():
        screeners["learned tier alone"] = Screener([SemanticTier()])
        screeners["default (patterns + learned)"] = default_screener()
    base_rate = None
    for name, screener in screeners.items():
        p50, tail, tail_short = single(screener, texts)
        screener_encoder().clear_cache()  # nor for the batched pass
        rate = batched(screener, texts)
        base_rate = base_rate or rate
        print(
            f"  {name:<30} p50 {p50:6.2f} ms  p99 {tail:6.2f} ms (≤ {WINDOW_WORDS} words "
            f"{tail_short:6.2f} ms)   batched {rate:7.0f} msg/s "
            f"({rate / base_rate:.2f}× patterns)   load {load()}"
        )


def load() -> str:
    """The machine's 1-minute load average: the figures are only comparable at like loads."""
    return f"{os.getloadavg()[0]:.1f}"


def encoders(texts: Sequence[str]) -> None:
    """The encoder alone on the screener's windows: torch (sentence-transformers, the back end
    before ONNX) as the baseline, then the ONNX precisions the package uses."""
    pieces = [w for t in texts for w in windows(t)]
    print(f"  encoder alone on {len(pieces)} windows:")
    rates: dict[str, float] = {}
    try:
        from sentence_transformers import SentenceTransformer

        from theralab.text.encoder import model_source

        model = SentenceTransformer(str(model_source()), device="cpu")
        model.encode(pieces[:8])
        t0 = time.perf_counter()
        model.encode(pieces, batch_size=64, normalize_embeddings=True)
        rates["torch fp32 (sentence-transformers)"] = len(pieces) / (time.perf_counter() - t0)
    except ImportError:
        pass
    for precision in Precision:
        encoder = Encoder(precision)  # a fresh one: nothing cached
        encoder.encode_array(pieces[:8])
        encoder.clear_cache()
        t0 = time.perf_counter()
        encoder.encode_array(pieces)
        rates[f"onnx {precision.value}"] = len(pieces) / (time.perf_counter() - t0)
    base = next(iter(rates.values()))
    for name, rate in rates.items():
        print(f"    {name:<36} {rate:7.0f} windows/s ({rate / base:.2f}×)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {load()}")
    _, frozen = split_frozen(load_corpus())
    run("screener corpus, frozen part", [m.text for m in frozen][: args.n])
    path = cssrs_default_path()
    if path.is_file():
        posts = [p for u in read_cssrs(path) for p in u.posts]
        run("C-SSRS Reddit posts (long)", posts[: args.n])


if __name__ == "__main__":
    main()
