"""Issue 15's speed levers: the on-disk embedding store (exact vectors back, safe with several
writers and after a crash, never fatal), the coder's priming, and synthesis scoring per shard
of rows — each giving the same results as the plain path."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from theralab.synth.config import SynthConfig
from theralab.synth.pipeline import make_rows
from theralab.text.embedding_store import ENV, EmbeddingStore, default_path
from theralab.text.encoder import CODER_PRECISION, Encoder

np = pytest.importorskip("numpy")  # the store holds numpy vectors (the semantic extra)
DIM = 8


def vectors(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_store_gives_back_the_exact_bits(tmp_path: Path) -> None:
    store = EmbeddingStore(tmp_path / "e.sqlite", DIM)
    texts = [f"sentence {i}" for i in range(1200)]  # more than one lookup chunk
    v = vectors(len(texts))
    store.put_many("model-a", zip(texts, v, strict=True))
    got = store.get_many("model-a", [*texts, "never stored"])
    assert set(got) == set(texts)
    assert all(np.array_equal(got[t], v[i]) for i, t in enumerate(texts))
    assert store.get_many("model-b", texts) == {}  # another encoder's vectors are not these
    assert len(store) == len(texts)


def test_first_writer_wins(tmp_path: Path) -> None:
    store = EmbeddingStore(tmp_path / "e.sqlite", DIM)
    first, second = vectors(1, 1)[0], vectors(1, 2)[0]
    store.put_many("m", [("text", first)])
    store.put_many("m", [("text", second)])
    assert np.array_equal(store.get_many("m", ["text"])["text"], first)


def _writer(path: str, worker: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = EmbeddingStore(Path(path), DIM)
    texts = [f"shared {i}" for i in range(300)] + [f"own {worker} {i}" for i in range(300)]
    for start in range(0, len(texts), 50):
        chunk = texts[start : start + 50]
        store.put_many("m", zip(chunk, vectors(len(chunk), start), strict=True))
    queue.put(worker)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(path), w, queue)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert sorted(queue.get(timeout=5) for _ in procs) == [0, 1, 2]
    store = EmbeddingStore(path, DIM)
    assert len(store) == 300 + 3 * 300
    got = store.get_many("m", [f"shared {i}" for i in range(300)])
    assert np.array_equal(got["shared 7"], vectors(50, 0)[7])


def vector_of(i: int) -> np.ndarray:
    return np.full(DIM, float(i), dtype=np.float32)


def _endless_writer(path: str) -> None:
    store = EmbeddingStore(Path(path), DIM)
    i = 0
    while True:
        store.put_many("m", [(f"t{j}", vector_of(j)) for j in range(i, i + 200)])
        i += 200


def test_a_writer_killed_mid_write_leaves_only_whole_vectors(tmp_path: Path) -> None:
    """kill -9 during writes: every vector found afterwards is whole and the one written."""
    import time

    path = tmp_path / "e.sqlite"
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_endless_writer, args=(str(path),))
    proc.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until it has written a few batches
        time.sleep(0.2)
        if path.exists() and len(EmbeddingStore(path, DIM)) >= 1000:
            break
    proc.kill()
    proc.join(timeout=10)
    store = EmbeddingStore(path, DIM)
    count = len(store)
    assert count >= 1000 and count % 200 == 0  # whole transactions only
    got = store.get_many("m", [f"t{j}" for j in range(count + 400)])
    assert set(got) == {f"t{j}" for j in range(count)}
    assert all(np.array_equal(v, vector_of(int(t[1:]))) for t, v in got.items())
    store.put_many("m", [("after", vector_of(1))])  # and it is still writable
    assert "after" in store.get_many("m", ["after"])


def test_wrong_sized_vectors_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    EmbeddingStore(path, DIM).put_many("m", [("a", vectors(1)[0])])
    assert EmbeddingStore(path, DIM * 2).get_many("m", ["a"]) == {}


def test_a_damaged_file_switches_the_store_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "e.sqlite"
    path.write_bytes(b"this is not a database, it is a damaged file" * 100)
    store = EmbeddingStore(path, DIM)
    assert store.get_many("m", ["a"]) == {}
    store.put_many("m", [("a", vectors(1)[0])])  # no exception
    assert len(store) == 0
    err = capsys.readouterr().err
    assert "unusable" in err and str(path) in err
    assert err.count("unusable") == 1  # one warning, not one per call


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, "0")
    assert default_path() is None
    monkeypatch.setenv(ENV, str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv(ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "theralab" / "embeddings.sqlite"


# --- with the real encoder -----------------------------------------------------------------


@pytest.fixture
def fp32() -> Iterator[Encoder]:
    from theralab.text.encoder import Precision, encoder_runnable

    if not encoder_runnable(Precision.FP32):
        pytest.skip("needs the semantic extra")
    encoder = Encoder(Precision.FP32)  # a private instance: the process's shared one untouched
    yield encoder
    encoder.use_store(None)


def test_encoder_reads_what_it_stored(fp32: Encoder, tmp_path: Path) -> None:
    texts = ["I keep putting it off.", "What would help you start?", "I keep putting it off."]
    store = EmbeddingStore(tmp_path / "e.sqlite", 384)
    fp32.use_store(store)
    first = fp32.encode_array(texts)
    assert len(store) == 2  # each distinct text once
    fp32.clear_cache()
    calls = []
    real_run = fp32._run
    fp32._run = lambda t: calls.append(list(t)) or real_run(t)  # type: ignore[method-assign]
    again = fp32.encode_array(texts)
    assert calls == []  # nothing encoded: all from disk
    assert np.array_equal(first, again)
    fp32.encode_array([*texts, "Something new."])
    assert calls == [["Something new."]]


def test_priming_changes_no_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Coding turns after `prime_sentences` gives exactly what coding them cold gives, and the
    priming call encodes every text the coding needs (nothing is left to encode after)."""
    from theralab.coding.mi_coder import MICoder, mi_coder_available, sentence_inputs

    if not mi_coder_available():
        pytest.skip("needs the semantic extra and the MI heads")
    texts = [
        "It sounds like work has been draining you. What would you like to change first?",
        "You could try a short walk after dinner. How does that sound?",
        "Thank you for sharing that.",
    ]
    contexts = [
        [("client", "I am so tired of my job.")],
        [("client", "I want to sleep better."), ("counselor", "Okay.")],
        [],
    ]
    coder = MICoder()
    own = Encoder.get(CODER_PRECISION, coder.adapter)  # its fine-tuned layers, if any
    published = Encoder.get(CODER_PRECISION)  # a client's words, with heads read by speaker
    by_speaker = bool(coder.meta.get("previous_by_speaker"))
    encoders = {"counselor": own, "client": published if by_speaker else own}
    for encoder in encoders.values():
        encoder.clear_cache()
    cold = coder.code_counselor_sentences(texts, contexts)
    for encoder in encoders.values():
        encoder.clear_cache()
    coder.prime_sentences(texts, contexts)
    needed = [(speaker, t) for speaker, t in sentence_inputs(texts, contexts) if t]
    assert {speaker for speaker, _ in needed} == {"counselor", "client"}
    assert all(t in encoders[speaker]._cache for speaker, t in needed)
    if by_speaker:  # each text encoded by its speaker's encoder only
        assert "I am so tired of my job." not in own._cache
    calls: list[list[str]] = []
    for encoder in dict.fromkeys(encoders.values()):
        real_run = encoder._run
        monkeypatch.setattr(
            encoder, "_run", lambda t, run=real_run: calls.append(list(t)) or run(t)
        )
    warm = coder.code_counselor_sentences(texts, contexts)
    assert calls == []
    assert [[c.code for c in turn] for turn in warm] == [[c.code for c in turn] for turn in cold]


def _rows(config: SynthConfig, shard: int, concurrency: int) -> list[str]:
    out: list[dict[str, object]] = []
    asyncio.run(make_rows(config, range(config.n), out.append, concurrency, shard=shard))
    return [json.dumps(r, sort_keys=True) for r in sorted(out, key=lambda r: int(r["index"]))]


@pytest.mark.parametrize("semantic", ["0", "1"])
def test_shard_scoring_gives_the_rows_of_row_by_row_scoring(
    semantic: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Scoring per shard (one encoder batch for many sessions) makes byte-identical rows to
    scoring each row as its session ends, with any shard size and concurrency."""
    from theralab.coding import mi_coder
    from theralab.coding.mi_coder import mi_coder_available

    if semantic == "1" and not mi_coder_available():
        pytest.skip("needs the semantic extra and the MI heads")
    monkeypatch.setenv("THERALAB_SEMANTIC", semantic)
    mi_coder._INSTANCES.clear()
    config = SynthConfig(n=7, counselors=["cbt", "mi", "person_centred"], seed=3, max_turns=12)
    made = {}
    for shard, concurrency in ((1, 1), (32, 4), (3, 2)):
        for encoder in Encoder._instances.values():
            encoder.clear_cache()
        made[(shard, concurrency)] = _rows(config, shard, concurrency)
    reference = made[(1, 1)]
    assert len(reference) == 7
    assert all(json.loads(r)["status"] in ("ok", "failed") for r in reference)
    assert any(json.loads(r)["status"] == "ok" for r in reference)
    for key, rows in made.items():
        assert rows == reference, key


def test_rows_waiting_on_a_model_are_scored_as_they_end() -> None:
    """Shards are for CPU-bound scripted rows; a model-backed row is journaled (and counted
    by the progress bar) as soon as it is done, as before."""
    from theralab.synth.pipeline import SCORE_SHARD, score_shard

    assert score_shard(SynthConfig(n=5, counselors=["cbt"])) == SCORE_SHARD > 1
    bound = SynthConfig(n=5, counselors=["llm:cbt"], model_roles={"counselor": "openai/m"})
    assert score_shard(bound) == 1


def test_the_store_is_detached_after_the_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`disk_cache` attaches the store for its block only: later work in the same process
    (other commands, tests) does not write into it."""
    from theralab.text.embedding_store import disk_cache

    monkeypatch.setenv(ENV, str(tmp_path / "e.sqlite"))
    encoder = Encoder.get(CODER_PRECISION)
    before = Encoder._process_store
    with disk_cache() as store:
        # every encoder without a store of its own files into it, one made in the block too
        assert store is not None and Encoder._process_store is store
        later = Encoder(CODER_PRECISION)
        assert later.store is None  # none of its own: it uses the process's
    assert Encoder._process_store is before
    assert encoder.store is None  # nothing was attached to the encoder itself
    with disk_cache(enabled=False) as store:
        assert store is None and Encoder._process_store is None
    monkeypatch.setenv(ENV, "0")
    with disk_cache() as store:
        assert store is None


def test_a_store_locked_while_others_open_it_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several processes opening a new store at once: switching it to WAL can answer
    "database is locked" without waiting, and the store had switched itself off for good
    (seen in `make test` on 2026-12-07: 300 vectors of one writer lost)."""
    import sqlite3

    real_open = EmbeddingStore._open
    calls = {"n": 0}

    def locked_twice(self: EmbeddingStore) -> sqlite3.Connection:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise sqlite3.OperationalError("database is locked")
        return real_open(self)

    monkeypatch.setattr(EmbeddingStore, "_open", locked_twice)
    store = EmbeddingStore(tmp_path / "e.sqlite", DIM)
    store.put_many("m", [("text", vectors(1)[0])])
    assert calls["n"] == 3 and not store._broken
    assert "text" in store.get_many("m", ["text"])


def test_a_store_that_cannot_be_opened_switches_off_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    calls = {"n": 0}

    def corrupt(self: EmbeddingStore) -> sqlite3.Connection:
        calls["n"] += 1
        raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(EmbeddingStore, "_open", corrupt)
    store = EmbeddingStore(tmp_path / "e.sqlite", DIM)
    store.put_many("m", [("text", vectors(1)[0])])
    assert calls["n"] == 1 and store._broken
    assert store.get_many("m", ["text"]) == {}
