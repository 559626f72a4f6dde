"""Near-duplicate detection with MinHash + LSH over word shingles.

Signatures are small (`perms` integers per document) and are all that is kept in memory, so
de-duplicating 10,000 dialogues costs about 20 MB. Candidates from the LSH buckets are
confirmed with the signatures' Jaccard estimate. NumPy is used when installed (the `semantic`
extra brings it); otherwise the same hashes are computed in pure Python, more slowly.
"""

from __future__ import annotations

import hashlib
import re
from array import array
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
    """LSH over signatures: `add` returns the key of an earlier near-duplicate, if any.

    Signatures live in one flat array of 32-bit values; each band's bucket key is the band's
    values packed into one integer (exact), mapping to the first row's position, or to a list
    of positions on collisions — about 2 KB per indexed row.
    """

    def __init__(self, threshold: float = 0.8, perms: int = 64, bands: int = 16) -> None:
        if perms % bands:
            raise ValueError("perms must be a multiple of bands")
        self.threshold = threshold
        self.perms = perms
        self.bands = bands
        self.rows = perms // bands
        self.keys: list[str] = []
        self.values = array("I")
        self.buckets: list[dict[int, int | list[int]]] = [{} for _ in range(bands)]

    def _band_key(self, signature: Sequence[int], band: int) -> int:
        key = 0
        for v in signature[band * self.rows : (band + 1) * self.rows]:
            key = (key << 32) | v
        return key

    def query(self, signature: Sequence[int]) -> str | None:
        seen: set[int] = set()
        for band in range(self.bands):
            found = self.buckets[band].get(self._band_key(signature, band))
            if found is None:
                continue
            for other in (found,) if isinstance(found, int) else found:
                if other in seen:
                    continue
                seen.add(other)
                stored = self.values[other * self.perms : (other + 1) * self.perms]
                if jaccard(signature, stored) >= self.threshold:
                    return self.keys[other]
        return None

    def add(self, key: str, signature: Sequence[int], *, index: bool = True) -> str | None:
        dup = self.query(signature)
        if dup is None and index:
            position = len(self.keys)
            self.keys.append(key)
            self.values.extend(signature)
            for band in range(self.bands):
                bucket = self.buckets[band]
                bkey = self._band_key(signature, band)
                found = bucket.get(bkey)
                if found is None:
                    bucket[bkey] = position
                elif isinstance(found, int):
                    bucket[bkey] = [found, position]
                else:
                    found.append(position)
        return dup


def dialogue_text(turns: Iterable[dict[str, object]]) -> str:
    return "\n".join(str(t.get("text", "")) for t in turns)
