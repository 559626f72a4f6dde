"""Hashed n-gram features: word 1–2-grams and character 3–5-grams (within words) hashed into
a fixed number of buckets (CRC32, stable across processes). No vocabulary is stored, so
weights trained on them hold no words of the training data. Pure Python."""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter

_WORD = re.compile(r"[a-z0-9']+")


_WORD_CACHE: dict[tuple[str, int], tuple[int, ...]] = {}
_WORD_CACHE_MAX = 200_000


def _word_buckets(word: str, buckets: int) -> tuple[int, ...]:
    """The buckets of a word's unigram and its character 3–5-grams: words repeat across
    texts, so each is hashed once per process (bounded)."""
    found = _WORD_CACHE.get((word, buckets))
    if found is None:
        padded = f" {word} "
        grams = [f"w:{word}"]
        for n in (3, 4, 5):
            grams += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
        found = tuple(zlib.crc32(g.encode()) % buckets for g in grams)
        if len(_WORD_CACHE) >= _WORD_CACHE_MAX:
            _WORD_CACHE.clear()
        _WORD_CACHE[(word, buckets)] = found
    return found


def hashed_ngrams(text: str, buckets: int) -> dict[int, float]:
    """Word 1–2-grams and character 3–5-grams (within words) hashed into `buckets`;
    sublinear counts, L2-normalised. Returns the non-zero buckets."""
    words = _WORD.findall(text.lower())
    counts: Counter[int] = Counter()
    for w in words:
        counts.update(_word_buckets(w, buckets))
    counts.update(zlib.crc32(f"b:{a} {b}".encode()) % buckets for a, b in itertools.pairwise(words))
    weights = {k: 1.0 + math.log(v) for k, v in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {k: v / norm for k, v in weights.items()}
