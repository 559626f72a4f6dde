"""Near-duplicate detection with MinHash + LSH over word shingles.

Signatures are small (`perms` integers per document) and are all that is kept in memory, so
de-duplicating 10,000 dialogues costs a few megabytes. Candidates from the LSH buckets are
confirmed with the signatures' Jaccard estimate. NumPy is used when installed (the `semantic`
extra brings it); otherwise the same hashes are computed in pure Python, more slowly.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

_PRIME = (1 << 31) - 1  # a·h + b stays below 2^63 for 32-bit h: fits NumPy uint64
_WORD = re.compile(r"[a-z0-9']+")


def shingles(text: str, k: int = 5) -> set[int]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    }


class MinHasher:
    """Universal hashing (a·h + b) mod (2^31 − 1) over 32-bit shingle hashes."""

    def __init__(self, perms: int = 64, seed: int = 1) -> None:
        import random

        rng = random.Random(seed)
        self.perms = perms
        self.a = [rng.randrange(1, _PRIME) for _ in range(perms)]
        self.b = [rng.randrange(0, _PRIME) for _ in range(perms)]

    def signature(self, text: str) -> tuple[int, ...]:
        hashes = [h & 0xFFFFFFFF for h in shingles(text)]
        if not hashes:
            return tuple([_PRIME] * self.perms)
        try:
            import numpy as np
        except ImportError:
            return tuple(
                min((a * h + b) % _PRIME for h in hashes)
                for a, b in zip(self.a, self.b, strict=True)
            )
        h = np.asarray(hashes, dtype=np.uint64)[None, :]
        a = np.asarray(self.a, dtype=np.uint64)[:, None]
        b = np.asarray(self.b, dtype=np.uint64)[:, None]
        return tuple(int(x) for x in ((a * h + b) % np.uint64(_PRIME)).min(axis=1))


def jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


class NearDuplicateIndex:
    """LSH over signatures: `add` returns the key of an earlier near-duplicate, if any."""

    def __init__(self, threshold: float = 0.8, perms: int = 64, bands: int = 16) -> None:
        if perms % bands:
            raise ValueError("perms must be a multiple of bands")
        self.threshold = threshold
        self.bands = bands
        self.rows = perms // bands
        self.buckets: dict[tuple[int, tuple[int, ...]], list[str]] = defaultdict(list)
        self.signatures: dict[str, tuple[int, ...]] = {}

    def query(self, signature: Sequence[int]) -> str | None:
        seen: set[str] = set()
        for band in range(self.bands):
            key = (band, tuple(signature[band * self.rows : (band + 1) * self.rows]))
            for other in self.buckets.get(key, ()):
                if other in seen:
                    continue
                seen.add(other)
                if jaccard(signature, self.signatures[other]) >= self.threshold:
                    return other
        return None

    def add(self, key: str, signature: Sequence[int], *, index: bool = True) -> str | None:
        dup = self.query(signature)
        if dup is None and index:
            self.signatures[key] = tuple(signature)
            for band in range(self.bands):
                bkey = (band, tuple(signature[band * self.rows : (band + 1) * self.rows]))
                self.buckets[bkey].append(key)
        return dup


def dialogue_text(turns: Iterable[dict[str, object]]) -> str:
    return "\n".join(str(t.get("text", "")) for t in turns)
