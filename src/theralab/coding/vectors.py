"""Numeric plumbing of the trained coders: cached sentence embeddings, feature rows, and
linear softmax heads stored as `.npz` (weights) + `.json` (what they are and how well they do).

Needs numpy (the `semantic` extra); only the trained path imports this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from theralab.coding.features import form_features, hashed_ngrams
from theralab.coding.trained import heads_adapter
from theralab.text.encoder import (
    CODER_PRECISION,
    Encoder,
    Precision,
    require_vectors,
    vectors_id,
)

EMBED_DIM = 384
NGRAM_BUCKETS = 2**14


class EmbeddingCache:
    """all-MiniLM-L6-v2 vectors from the process's shared `Encoder` of `precision` and
    fine-tuned top layers `adapter`, if any (the encoder caches by text, so a run encodes each
    repeated counselor sentence once); "" is the zero vector.

    With `max_items` (training), the cache also keeps up to that many vectors itself, beyond
    the encoder's bounded cache, so a corpus larger than it is encoded once."""

    def __init__(
        self,
        max_items: int = 0,
        precision: Precision = CODER_PRECISION,
        adapter: Path | None = None,
    ) -> None:
        self.max_items = max_items
        self.precision = precision
        self.adapter = adapter
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order; "" gives the zero vector."""
        out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
        missing = list(dict.fromkeys(t for t in texts if t and t not in self._memo))
        fresh: dict[str, np.ndarray] = {}
        if missing:
            encoder = Encoder.get(self.precision, self.adapter)
            fresh = dict(zip(missing, encoder.encode_array(missing), strict=True))
            if len(self._memo) + len(fresh) <= self.max_items:
                self._memo.update(fresh)
        for i, t in enumerate(texts):
            if t:
                out[i] = self._memo[t] if t in self._memo else fresh[t]
        return out


@dataclass
class Features:
    """Feature rows: a dense block and hashed n-gram buckets (one {bucket: value} per row)."""

    dense: np.ndarray
    sparse: list[dict[int, float]]

    def __len__(self) -> int:
        return len(self.sparse)

    def to_scipy(self) -> Any:
        """One scipy CSR matrix (dense block first), for training with scikit-learn."""
        import scipy.sparse as sp

        rows, cols, vals = [], [], []
        for i, row in enumerate(self.sparse):
            for k, v in row.items():
                rows.append(i)
                cols.append(k)
                vals.append(v)
        hashed = sp.csr_matrix((vals, (rows, cols)), shape=(len(self), NGRAM_BUCKETS))
        return sp.hstack([sp.csr_matrix(self.dense), hashed]).tocsr()

    def take(self, index: Sequence[int] | np.ndarray) -> Features:
        idx = np.asarray(index, dtype=int)
        return Features(self.dense[idx], [self.sparse[i] for i in idx])


def ngram_rows(texts: Sequence[str]) -> list[dict[int, float]]:
    return [hashed_ngrams(t, NGRAM_BUCKETS) for t in texts]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class Head:
    """A linear softmax classifier over `Features`: W is (classes, dense + buckets)."""

    labels: tuple[str, ...]
    W: np.ndarray
    b: np.ndarray

    def proba(self, x: Features) -> np.ndarray:
        n_dense = x.dense.shape[1]
        z = x.dense @ self.W[:, :n_dense].T + self.b
        sparse_w = self.W[:, n_dense:]
        for i, row in enumerate(x.sparse):
            if row:
                keys = np.fromiter(row.keys(), dtype=int, count=len(row))
                vals = np.fromiter(row.values(), dtype=np.float32, count=len(row))
                z[i] += sparse_w[:, keys] @ vals
        return softmax(z)

    @classmethod
    def from_sklearn(cls, clf: Any, labels: Sequence[str]) -> Head:
        """From a fitted LogisticRegression, rows in `labels` order (binary → two rows)."""
        classes = [str(c) for c in clf.classes_]
        coef = np.asarray(clf.coef_, dtype=np.float64)
        intercept = np.asarray(clf.intercept_, dtype=np.float64)
        if len(classes) == 2:  # sklearn keeps one row for the second class
            coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
            intercept = np.array([0.0, intercept[0]])
        order = [classes.index(str(label)) for label in labels]
        return cls(tuple(str(x) for x in labels), coef[order], intercept[order])


def save_heads(
    path: Path,
    heads: Mapping[str, Head],
    meta: dict[str, Any],
    precision: Precision = CODER_PRECISION,
    adapter: Path | None = None,
) -> None:
    """Write `<path>.npz` (float32 weights) and `<path>.json` (labels, training, figures, and
    the vectors they were trained on: `precision`'s, with the fine-tuned top layers `adapter`,
    a file beside the heads, if any)."""
    if adapter is not None and adapter.parent.resolve() != path.parent.resolve():
        raise ValueError(f"{adapter}: the fine-tuned layers must lie beside the heads {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for name, head in heads.items():
        arrays[f"{name}.W"] = head.W.astype(np.float32)
        arrays[f"{name}.b"] = head.b.astype(np.float32)
    np.savez_compressed(path.with_suffix(".npz"), **arrays)  # type: ignore[arg-type]
    meta = {
        **meta,
        "encoder": vectors_id(precision, adapter),
        **({"adapter": adapter.name} if adapter is not None else {}),
        **(
            {"client_encoder": vectors_id(precision), "previous_by_speaker": True}
            if "talk_type" in heads and adapter
            else {}
        ),
        "heads": {name: list(head.labels) for name, head in heads.items()},
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def load_heads(
    path: Path, precision: Precision = CODER_PRECISION
) -> tuple[dict[str, Head], dict[str, Any]]:
    """The heads and their metadata; refused (`VectorsMismatch`) when they were trained on
    other vectors than `precision`'s (with the fine-tuned layers the metadata names), which
    their coder encodes with."""
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    adapter = heads_adapter(path, meta)
    require_vectors(
        meta.get("encoder"),
        vectors_id(precision, adapter),
        path.with_suffix(".json"),
        "theralab coder train mi|empathy",
    )
    if "client_encoder" in meta:  # the client talk head reads the published encoder's vectors
        require_vectors(
            meta["client_encoder"],
            vectors_id(precision),
            path.with_suffix(".json"),
            "theralab coder train mi|empathy",
        )
    with np.load(path.with_suffix(".npz")) as data:
        heads = {
            name: Head(tuple(labels), data[f"{name}.W"], data[f"{name}.b"])
            for name, labels in meta["heads"].items()
        }
    return heads, meta


Encode = Callable[[Sequence[str]], np.ndarray]


def mi_features(
    texts: Sequence[str],
    previous: Sequence[tuple[str, str] | None],
    encode: Encode,
    previous_encode: Mapping[str, Encode] | None = None,
) -> Features:
    """Rows for the MI heads: [embedding | form cues | previous utterance's embedding |
    previous speaker (none, counselor)] dense, hashed n-grams of the utterance sparse.

    `encode` gives the utterances' vectors, and the previous utterances' too unless
    `previous_encode` maps speakers to encoders ("counselor", and "client" for anyone else):
    then each previous utterance is encoded by its speaker's encoder, so with one encoder
    per speaker every text of a transcript is encoded once, whichever head reads it."""
    prev_texts = [p[1] if p else "" for p in previous]
    n = len(texts)
    if previous_encode is None:
        vectors = encode([*texts, *prev_texts])
    else:
        vectors = np.zeros((2 * n, EMBED_DIM), dtype=np.float32)
        vectors[:n] = encode(texts)
        for speaker in ("counselor", "client"):
            rows = [  # no previous utterance: the zero vector, as "" encodes to
                i
                for i, p in enumerate(previous)
                if p is not None and (p[0] == "counselor") == (speaker == "counselor")
            ]
            if rows:
                vectors[[n + i for i in rows]] = previous_encode[speaker](
                    [prev_texts[i] for i in rows]
                )
    form = np.array([form_features(t) for t in texts], dtype=np.float32).reshape(n, -1)
    flags = np.array(
        [[p is None, p is not None and p[0] == "counselor"] for p in previous], dtype=np.float32
    ).reshape(n, 2)
    dense = np.hstack([vectors[:n], form, vectors[n:], flags])
    return Features(dense, ngram_rows(texts))


def empathy_features(seekers: Sequence[str], responses: Sequence[str], encode: Encode) -> Features:
    """Rows for the empathy heads: [response embedding | seeker embedding | form cues of the
    response] dense, hashed n-grams of the response sparse."""
    vectors = encode([*responses, *seekers])
    n = len(responses)
    form = np.array([form_features(t) for t in responses], dtype=np.float32).reshape(n, -1)
    return Features(np.hstack([vectors[:n], vectors[n:], form]), ngram_rows(responses))
