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


# `1.0 + log(count)` for the counts a text has (a table: the same floats as computing it)
_SUBLINEAR = tuple(1.0 + math.log(v) if v else 0.0 for v in range(256))


def weighted_ngrams(text: str, buckets: int) -> tuple[list[int], list[float]]:
    """Word 1–2-grams and character 3–5-grams (within words) hashed into `buckets`: the
    non-zero buckets in first-seen order and their sublinear counts, L2-normalised. One count
    of a flat list of buckets (fast enough for the screener's per-message path)."""
    words = _WORD.findall(text.lower())
    flat: list[int] = []
    for w in words:
        flat += _word_buckets(w, buckets)
    flat += [zlib.crc32(f"b:{a} {b}".encode()) % buckets for a, b in itertools.pairwise(words)]
    counts = Counter(flat)
    table = _SUBLINEAR
    weights = [table[v] if v < len(table) else 1.0 + math.log(v) for v in counts.values()]
    norm = math.sqrt(sum(v * v for v in weights)) or 1.0
    return list(counts), [v / norm for v in weights]


def hashed_ngrams(text: str, buckets: int) -> dict[int, float]:
    """`weighted_ngrams` as a dict of the non-zero buckets."""
    keys, values = weighted_ngrams(text, buckets)
    return dict(zip(keys, values, strict=True))
