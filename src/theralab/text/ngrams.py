"""Hashed n-gram features: word 1–2-grams and character 3–5-grams (within words) hashed into
a fixed number of buckets (CRC32, stable across processes). No vocabulary is stored, so
weights trained on them hold no words of the training data. Pure Python."""

from __future__ import annotations

import itertools
import math
import re
import zlib

_WORD = re.compile(r"[a-z0-9']+")


def hashed_ngrams(text: str, buckets: int) -> dict[int, float]:
    """Word 1–2-grams and character 3–5-grams (within words) hashed into `buckets`;
    sublinear counts, L2-normalised. Returns the non-zero buckets."""
    low = text.lower()
    words = _WORD.findall(low)
    grams = [f"w:{w}" for w in words]
    grams += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    for w in words:
        padded = f" {w} "
        for n in (3, 4, 5):
            grams += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    counts: dict[int, float] = {}
    for g in grams:
        h = zlib.crc32(g.encode()) % buckets
        counts[h] = counts.get(h, 0.0) + 1.0
    for k, v in counts.items():
        counts[k] = 1.0 + math.log(v)
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}
