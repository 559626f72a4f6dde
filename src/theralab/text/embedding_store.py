"""Sentence vectors kept on disk between runs, by a hash of the text and of the encoder file
that made them, so that evaluating or annotating the same texts again encodes nothing.

The vectors are stored as the encoder returned them (float32 bytes): a text read back is the
vector first computed for it, exactly as the in-memory cache would give it. SQLite in WAL mode
makes it safe for several processes writing at once and for a process killed mid-write (an
unfinished transaction is rolled back; nothing half-written is ever read). A store that cannot
be opened or read (a read-only folder, a damaged file) switches itself off with one warning:
the command goes on encoding, never fails because of its cache.

`$THERALAB_EMBEDDING_CACHE`: "0" switches the store off; any other value is the file to use.
Default: `$XDG_CACHE_HOME/theralab/embeddings.sqlite` (or `~/.cache/...`). The file is kept
under `MAX_VECTORS` vectors (≈ 1.6 KB each): the oldest are dropped first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ENV = "THERALAB_EMBEDDING_CACHE"
MAX_VECTORS = 250_000  # ≈ 400 MB at 384 float32 per vector
_CHUNK = 500  # keys per lookup query (SQLite's variable limit is far above)
_OPEN_ATTEMPTS = 20  # a new store opened by several processes at once (`_connect`)


def default_path() -> Path | None:
    """The store's file, or None when `$THERALAB_EMBEDDING_CACHE` is "0"."""
    value = os.environ.get(ENV, "")
    if value == "0":
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "theralab" / "embeddings.sqlite"


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


class EmbeddingStore:
    """Vectors by (encoder tag, text hash) in one SQLite file. Thread-safe."""

    def __init__(self, path: Path, dim: int, max_vectors: int = MAX_VECTORS) -> None:
        self.path = path
        self.dim = dim
        self.max_vectors = max_vectors
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            for attempt in range(_OPEN_ATTEMPTS):
                try:
                    self._db = self._open()
                    break
                except sqlite3.OperationalError as exc:
                    # Several processes opening a new store at once: switching the journal to
                    # WAL can answer "database is locked" at once, without waiting for the busy
                    # timeout. Try again shortly; anything else, or still locked, switches off.
                    if "locked" not in str(exc) or attempt == _OPEN_ATTEMPTS - 1:
                        self._switch_off(exc)
                        break
                    time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
                except (sqlite3.Error, OSError) as exc:
                    self._switch_off(exc)
                    break
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (encoder TEXT NOT NULL, "
                "key BLOB NOT NULL, vector BLOB NOT NULL, UNIQUE (encoder, key))"
            )
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _switch_off(self, exc: BaseException) -> None:
        if not self._broken:
            print(
                f"theralab: embedding cache {self.path} unusable ({exc}); going on without it",
                file=sys.stderr,
            )
        self._broken = True
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def get_many(self, encoder: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those `texts` that have one (text → float32 row)."""
        import numpy as np

        keys = {text_key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        with self._lock:
            db = self._connect()
            if db is None:
                return found
            try:
                wanted = list(keys)
                for start in range(0, len(wanted), _CHUNK):
                    chunk = wanted[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = db.execute(
                        f"SELECT key, vector FROM vectors WHERE encoder = ? AND key IN ({marks})",
                        (encoder, *chunk),
                    ).fetchall()
                    for key, blob in rows:
                        if len(blob) == self.dim * 4:  # anything else is not ours: ignore it
                            found[keys[bytes(key)]] = np.frombuffer(blob, dtype=np.float32)
            except sqlite3.Error as exc:
                self._switch_off(exc)
                return {}
        return found

    def put_many(self, encoder: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (first writer wins: a text's vector is never replaced)."""
        import numpy as np

        rows = [
            (encoder, text_key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in items
        ]
        if not rows:
            return
        with self._lock:
            db = self._connect()
            if db is None:
                return
            try:
                with db:  # one transaction: all of them or, after a crash, none
                    db.executemany(
                        "INSERT OR IGNORE INTO vectors (encoder, key, vector) VALUES (?, ?, ?)",
                        rows,
                    )
                    self._prune(db)
            except sqlite3.Error as exc:
                self._switch_off(exc)

    def _prune(self, db: sqlite3.Connection) -> None:
        low, high = db.execute("SELECT min(rowid), max(rowid) FROM vectors").fetchone()
        if low is None or high - low + 1 <= self.max_vectors:
            return
        (count,) = db.execute("SELECT count(*) FROM vectors").fetchone()
        excess = count - self.max_vectors
        if excess > 0:  # the oldest first, with a margin so pruning is rare
            drop = excess + self.max_vectors // 10
            db.execute(
                "DELETE FROM vectors WHERE rowid IN "
                "(SELECT rowid FROM vectors ORDER BY rowid LIMIT ?)",
                (drop,),
            )

    def __len__(self) -> int:
        with self._lock:
            db = self._connect()
            if db is None:
                return 0
            return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@contextlib.contextmanager
def disk_cache(enabled: bool = True) -> Iterator[EmbeddingStore | None]:
    """Within the block, the sentence vectors of every encoder of the process (int8 and fp32,
    with or without fine-tuned layers, made before the block or in it; each file's vectors
    filed under its own identity) are also kept on disk, in `default_path()`, unless an
    encoder has a store of its own (`Encoder.use_store`); `enabled=False` (or
    `$THERALAB_EMBEDDING_CACHE=0`): memory only. `theralab evaluate` and `theralab annotate`
    run inside one."""
    from theralab.text.encoder import DIM, Encoder

    path = default_path() if enabled else None
    store = EmbeddingStore(path, DIM) if path is not None else None
    previous = Encoder.process_store(store)
    try:
        yield store
    finally:
        Encoder.process_store(previous)
        if store is not None:
            store.close()
