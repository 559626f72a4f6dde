"""The learned tier's fast paths give the same numbers as the plain ones: its n-gram arrays
are `hashed_ngrams` bit for bit, its lazy medication hold judges as the full one, and jobs run
alongside the encoder change no vector (needs the `semantic` extra for all but the first).
Texts: the screener corpus under data/, read at test time, and sentences written here."""

from __future__ import annotations

import functools
import itertools

import pytest

from theralab.safety.corpus import load_corpus
from theralab.safety.semantic import (
    NGRAM_BUCKETS,
    SemanticTier,
    Sensitivity,
    _gram_row,
    _hold_routine_windows,
    semantic_available,
    windows,
)
from theralab.text.ngrams import hashed_ngrams

needs_encoder = pytest.mark.skipif(
    not semantic_available(), reason="needs: pip install -e '.[semantic]'"
)

WRITTEN = [
    "",
    "   ",
    "ok",
    "It's 3am and I can't sleep; I've tried tea, reading, and counting backwards.",
    "no no no no " * 90,  # one bucket counted hundreds of times: past the log table
    "Ünïcode wörds, d'apostrophes and MIXED case Words words WORDS.",
]


def _corpus_windows(limit: int) -> list[str]:
    texts = [m.text for m in load_corpus()][:limit]
    return [w for t in texts for w in windows(t)]


def test_gram_rows_are_hashed_ngrams_bit_for_bit() -> None:
    np = pytest.importorskip("numpy")
    for text in WRITTEN + _corpus_windows(1500):
        row = hashed_ngrams(text, NGRAM_BUCKETS)
        idx, val = _gram_row(text)
        assert idx.tolist() == list(row)  # the same buckets in the same order
        want = np.fromiter(row.values(), dtype=np.float32, count=len(row))
        assert val.dtype == np.float32 and val.tobytes() == want.tobytes()


@needs_encoder
@pytest.mark.parametrize("sensitivity", list(Sensitivity))
def test_the_lazy_medication_hold_judges_as_the_full_one(sensitivity: Sensitivity) -> None:
    tier = SemanticTier(sensitivity=sensitivity)
    long = [t for t in (m.text for m in load_corpus()) if len(windows(t)) > 1][:40]
    routine = "I take my sertraline every morning and the pharmacy refilled it on Monday. "
    long.append(routine * 12 + "Tonight I want to swallow the whole box so it all stops.")
    for text in long:
        [logits] = tier.window_logits([text])
        parts = windows(text)
        lazy = tier._judge(tier._held(parts, logits))
        full = tier._judge(_hold_routine_windows(parts, logits))
        assert lazy == full


@needs_encoder
def test_jobs_alongside_the_encoder_change_no_vector() -> None:
    from theralab.text.encoder import Encoder, Precision

    texts = [w for w in _corpus_windows(40) if w][:30]
    plain = Encoder(Precision.INT8).encode_array(texts)
    for batch in (texts, texts[:1], texts[:3]):
        calls: list[int] = []
        encoder = Encoder(Precision.INT8)
        got = encoder.encode_array(batch, [functools.partial(calls.append, k) for k in range(7)])
        assert (got == plain[: len(batch)]).all()
        assert sorted(calls) == list(range(7))
        assert set(batch) <= set(encoder._cache)  # kept, so the next call encodes nothing
        cached = encoder.encode_array(batch, [functools.partial(calls.append, 99)])
        assert (cached == got).all() and calls.count(99) == 1


@needs_encoder
def test_a_job_that_fails_fails_the_call() -> None:
    from theralab.text.encoder import Encoder, Precision

    def boom() -> None:
        raise RuntimeError("job failed")

    with pytest.raises(RuntimeError, match="job failed"):
        Encoder(Precision.INT8).encode_array(["one text", "and another"], [boom])


@needs_encoder
def test_batched_and_single_assessments_agree() -> None:
    tier = SemanticTier()
    texts = [m.text for m in load_corpus()][::97][:40] + WRITTEN
    assert tier.assess_batch(texts) == [tier.assess(t) for t in texts]
    # and messages split across batches differently
    halves = list(itertools.chain(tier.assess_batch(texts[::2]), tier.assess_batch(texts[1::2])))
    assert sorted(map(repr, halves)) == sorted(map(repr, tier.assess_batch(texts)))
