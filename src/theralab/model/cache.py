"""A response cache in SQLite: identical requests (provider, model, endpoint, messages,
settings, seed, schema) return the stored output. Errors are never stored."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput

DEFAULT_CACHE = Path.home() / ".cache" / "theralab" / "model-cache.sqlite"


def cache_key(
    provider: str,
    model: str,
    endpoint: str,
    messages: Sequence[ChatMessage],
    config: GenerateConfig,
) -> str:
    payload = {
        "provider": provider,
        "model": model,
        "endpoint": endpoint,
        "messages": [m.model_dump() for m in messages],
        "config": config.model_dump(exclude_none=True),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class ResponseCache:
    def __init__(self, path: str | Path = DEFAULT_CACHE) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, output TEXT NOT NULL,"
            " created REAL DEFAULT (julianday('now')))"
        )
        self._db.commit()

    def get(self, key: str) -> ModelOutput | None:
        with self._lock:
            row = self._db.execute("SELECT output FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return ModelOutput.model_validate_json(row[0]).model_copy(update={"cached": True})

    def put(self, key: str, output: ModelOutput) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, output) VALUES (?, ?)",
                (key, output.model_copy(update={"cached": False}).model_dump_json()),
            )
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
