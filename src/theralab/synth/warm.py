"""The data card's dialogue embeddings, made in the background while rows are being made.

The card's embedding spread embeds the counselor side of up to `SPREAD_DIALOGUES` kept
dialogues (256 word pieces each: a few seconds of encoder work on two cores). For a dataset
small enough that every kept row is in the card's sample, those dialogues are known as their
sessions end (the local executor says so before the session waits for its shard to be scored)
or, at the latest, as their rows are written, so a thread embeds them then, on CPU the
simulation leaves idle:

- at the lowest scheduling priority (Linux: the thread's nice value), so it takes only what
  the run's own work does not;
- on an encoder of its own (the same model file, one text a call: the same vectors as the
  card's), so it never holds, or waits for, the lock of the encoder the guardrail screens with.

`finish()` stops it and hands over what it embedded; the card embeds the rest itself, so a
dataset's card is the same with or without it, whatever the thread got done.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from theralab.dialogue.records import Session
from theralab.synth.card import (
    SAMPLE,
    SPREAD_DIALOGUES,
    counselor_side,
    session_spread_text,
    spread_enabled,
    spread_text,
)
from theralab.synth.config import SynthConfig
from theralab.synth.filters import row_structural_problems, structural_problems
from theralab.synth.rows import screening

if TYPE_CHECKING:
    import numpy as np

LOWEST = 19  # nice value of the thread (Linux)


class SpreadWarmer:
    """Embeds the spread texts of rows offered to it, in a background thread."""

    def __init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        # a spread text (from a session) or a written row; None stops the thread
        self._queue: queue.SimpleQueue[str | Mapping[str, Any] | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="theralab-card", daemon=True)
        self._thread.start()

    def offer(self, row: Mapping[str, Any]) -> None:
        """A written row: queued if the card may keep it (a finished row, not at risk; the
        thread skips one the structural gate drops, or whose dialogue it has embedded)."""
        if row.get("status") != "ok" or row.get("screen", {}).get("at_risk", True):
            return
        self._queue.put(row)

    def offer_session(self, session: Session) -> None:
        """A session just simulated, before its shard is scored: its dialogue queued if its
        row may be kept (not at risk, through the structural gate, which also drops one that
        ended in error). A row whose scoring then fails is not in the card: its vector is
        simply not asked for."""
        if screening(session)["at_risk"] or structural_problems(session):
            return
        self._queue.put(session_spread_text(session))

    def finish(self) -> dict[str, np.ndarray]:
        """Stop (after the text in hand) and return the texts embedded so far."""
        self._stop.set()
        self._queue.put(None)
        self._thread.join()
        return self.vectors

    def _work(self) -> None:
        from theralab.text.encoder import CODER_PRECISION, Encoder

        _lowest_priority()
        encoder = Encoder(CODER_PRECISION)  # its own: made here, so its threads are niced too
        while not self._stop.is_set():
            item = self._queue.get()
            if item is None or self._stop.is_set():
                return
            try:
                row = None if isinstance(item, str) else item
                text = item if row is None else spread_text(counselor_side(row["session"]["turns"]))
                if text in self.vectors or len(self.vectors) >= SPREAD_DIALOGUES:
                    continue
                if row is not None and row_structural_problems(row):
                    continue  # (the gate every dataset applies first; a session passed it)
                self.vectors[text] = encoder.encode_array([text])[0]
            except Exception:  # the card embeds what is missing itself, and reports its error
                return


def spread_warmer(config: SynthConfig) -> SpreadWarmer | None:
    """A warmer when the card will embed dialogues and every kept row can be in its sample
    (at most `SAMPLE` rows); otherwise the sample is known only at the end: None."""
    if config.n > SAMPLE or not spread_enabled():
        return None
    return SpreadWarmer()


def _lowest_priority() -> None:
    """This thread, and the threads it starts, run only on CPU nothing else wants."""
    if sys.platform != "linux":  # elsewhere the call would name a process, not a thread
        return
    with contextlib.suppress(OSError):  # not allowed here: the thread runs as it is
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST)
