"""Every encoder session of a process runs on one word-embedding table (issue 15: memory):
the same vectors as sessions that load their own, one table for every model file of the
recipe, read from a model file once and never from the record of a model it replaced (needs
the `semantic` extra)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from theralab.text import encoder as enc
from theralab.text.encoder import DIM, EMBEDDINGS, Encoder, Precision, encoder_available

pytestmark = pytest.mark.skipif(
    not encoder_available(), reason="needs: pip install -e '.[semantic]'"
)

TEXTS = [
    "ok",
    "I keep thinking about the argument with my sister and it won't leave my head.",
    "Work was fine.",
    " ".join(["Some days the whole week already feels too heavy to carry."] * 12),
    "Thanks, that helps a bit.",
]


def tiny_model(path: Path, rows: int = 12, seed: int = 0) -> Path:
    """A small ONNX graph that looks up the table the way the encoder's does."""
    np = pytest.importorskip("numpy")
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    table = np.random.default_rng(seed).normal(size=(rows, DIM)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", [EMBEDDINGS, "input_ids"], ["embedding"])],
        "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [None])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [None, DIM])],
        [numpy_helper.from_array(table, EMBEDDINGS)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


@pytest.fixture(autouse=True)
def own_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables added by a test are forgotten after it (the process's own stay: sessions made
    elsewhere run on them)."""
    monkeypatch.setattr(enc, "_TABLES", dict(enc._TABLES))


def test_sessions_on_the_shared_table_give_the_same_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    np = pytest.importorskip("numpy")
    shared = {}
    for precision in Precision:
        e = Encoder(precision)
        shared[precision] = (np.stack([e.encode_array([t])[0] for t in TEXTS]), e)
        if precision is Precision.INT8:  # one-text calls side by side, on the narrow session
            e.clear_cache()
            assert (e.encode_array(TEXTS) == shared[precision][0]).all()
    assert all(e.shares_table for _, e in shared.values())
    assert len(enc._TABLES) == 1  # one table for both precisions' sessions
    monkeypatch.setattr(enc, "shared_embeddings", lambda model: None)
    for precision in Precision:
        own = Encoder(precision)
        alone = np.stack([own.encode_array([t])[0] for t in TEXTS])
        assert (alone == shared[precision][0]).all()  # bit for bit


def test_one_table_for_every_model_file_with_the_same_one(tmp_path: Path) -> None:
    a = tiny_model(tmp_path / "a.onnx")
    b = tiny_model(tmp_path / "b.onnx")  # another file, the same table
    c = tiny_model(tmp_path / "c.onnx", seed=1)
    table_a = enc.shared_embeddings(a)
    assert table_a is not None
    assert enc.shared_embeddings(b) is table_a
    assert enc.shared_embeddings(a) is table_a
    assert enc.shared_embeddings(c) is not table_a
    assert len(list(tmp_path.glob("word-embeddings.*.npy"))) == 2  # kept once per table


def test_the_shared_table_is_what_the_model_holds(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    ort = pytest.importorskip("onnxruntime")
    model = tiny_model(tmp_path / "m.onnx")
    ids = np.array([3, 0, 11], dtype=np.int64)
    plain = ort.InferenceSession(str(model)).run(None, {"input_ids": ids})[0]
    options = ort.SessionOptions()
    options.add_initializer(EMBEDDINGS, enc.shared_embeddings(model))
    shared = ort.InferenceSession(str(model), options).run(None, {"input_ids": ids})[0]
    assert (shared == plain).all()


def test_a_rebuilt_model_is_read_again_not_matched_to_the_old_record(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    model = tiny_model(tmp_path / "m.onnx", seed=2)
    first = enc.shared_embeddings(model)
    assert first is not None
    before = first.numpy().copy()
    tiny_model(model, seed=3)  # rebuilt in place: other values
    os.utime(model, ns=(1, 1))  # (a time of its own, whatever the clock's resolution)
    second = enc.shared_embeddings(model)
    assert second is not None and second is not first
    assert not np.array_equal(before, second.numpy())
    expected = np.random.default_rng(3).normal(size=(12, DIM)).astype(np.float32)
    assert np.array_equal(second.numpy(), expected)


def test_without_the_onnx_package_sessions_keep_their_own_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tiny_model(tmp_path / "m.onnx")
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` fails
    assert enc.shared_embeddings(model) is None
    assert not list(tmp_path.glob("*.npy"))


def test_a_table_that_does_not_fit_leaves_the_session_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shared table is a saving, never a failure (a failed encoder would fail the
    guardrail closed): a session that cannot take it loads its own, with the same vectors."""
    np = pytest.importorskip("numpy")
    ort = pytest.importorskip("onnxruntime")
    wrong = ort.OrtValue.ortvalue_from_numpy(np.zeros((5, DIM), dtype=np.float32))
    monkeypatch.setattr(enc, "shared_embeddings", lambda model: wrong)
    encoder = Encoder(Precision.INT8)
    fallen_back = encoder.encode_array(TEXTS)
    assert not encoder.shares_table
    monkeypatch.setattr(enc, "shared_embeddings", lambda model: None)
    assert (Encoder(Precision.INT8).encode_array(TEXTS) == fallen_back).all()
    assert np.abs(fallen_back).sum() > 0
