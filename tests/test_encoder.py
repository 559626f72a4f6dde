"""The shared ONNX sentence encoder (needs the `semantic` extra; skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from theralab.text import encoder as enc
from theralab.text.encoder import Encoder, Precision, encoder_available

pytestmark = pytest.mark.skipif(
    not encoder_available(), reason="needs: pip install -e '.[semantic]'"
)

SENTENCES = [
    "I haven't slept properly in weeks and work is piling up.",
    "We watched the match at my brother's place on Sunday.",
    "Everything feels pointless lately and I can't explain why.",
    "",
]


def test_vectors_are_unit_length_and_in_order() -> None:
    np = pytest.importorskip("numpy")
    vectors = Encoder.get().encode_array(SENTENCES)
    assert vectors.shape == (4, enc.DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # each row is its own sentence's vector, whatever order the batch ran in
    alone = [Encoder.get().encode_array([s])[0] for s in SENTENCES]
    assert all(np.allclose(a, v, atol=1e-5) for a, v in zip(alone, vectors, strict=True))
    assert Encoder.get().encode_array([]).shape == (0, enc.DIM)


def test_int8_keeps_the_geometry_of_fp32() -> None:
    np = pytest.importorskip("numpy")
    fp32 = Encoder.get(Precision.FP32).encode_array(SENTENCES[:3])
    int8 = Encoder.get(Precision.INT8).encode_array(SENTENCES[:3])
    assert np.all((fp32 * int8).sum(axis=1) > 0.97)
    # the two related sentences stay closer to each other than to the unrelated one
    sims = int8 @ int8.T
    assert sims[0, 2] > sims[1, 2] - 0.05 and Encoder.get(Precision.INT8) is not Encoder.get()


def test_long_text_is_truncated_not_rejected() -> None:
    vector = Encoder.get().encode_array(["word " * 2000])
    assert vector.shape == (1, enc.DIM)


def test_cache_encodes_each_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = Encoder(Precision.FP32)
    calls: list[int] = []
    run = encoder._run

    def counting(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return run(texts)

    monkeypatch.setattr(encoder, "_run", counting)
    encoder.encode_array(["a cat", "a dog", "a cat"])
    encoder.encode_array(["a dog", "a bird"])
    assert calls == [2, 1]


def test_a_failed_build_leaves_no_model_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(tmp_path))

    def crash(path: str, adapter: Path | None = None) -> None:
        Path(path).write_bytes(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(enc, "_export_fp32", crash)
    with pytest.raises(KeyboardInterrupt):
        enc.build(Precision.FP32, quiet=True)
    assert list(tmp_path.iterdir()) == []  # neither the model nor a partial file


def test_model_files_are_keyed_by_recipe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(tmp_path))
    assert enc.onnx_path("int8").parent == tmp_path
    assert f".r{enc.RECIPE}.int8." in enc.onnx_path(Precision.INT8).name
    with pytest.raises(ValueError):
        enc.onnx_path("fp16")


def test_fine_tuned_layers_build_their_own_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("torch")
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(tmp_path / "models"))
    adapter = tmp_path / "top.npz"
    # a changed last layer: the model built from it must encode differently
    np.savez(adapter, **{"encoder.layer.5.output.dense.bias": np.full(384, 0.5, np.float32)})
    path = enc.build(Precision.FP32, adapter, quiet=True)
    assert path == enc.onnx_path(Precision.FP32, adapter) != enc.onnx_path(Precision.FP32)
    tuned = Encoder(Precision.FP32, adapter).encode_array(SENTENCES[:2])
    plain = Encoder.get().encode_array(SENTENCES[:2])
    assert np.all((tuned * plain).sum(axis=1) < 0.999)
    # a file for another model is refused, not half-loaded
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, **{"encoder.layer.9.output.dense.bias": np.zeros(384, np.float32)})
    with pytest.raises(ValueError, match="does not fit"):
        enc.build(Precision.FP32, wrong, quiet=True)
    assert not enc.onnx_path(Precision.FP32, wrong).exists()


def test_more_texts_than_the_cache_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = Encoder(Precision.FP32)
    monkeypatch.setattr(encoder, "MAX_CACHED", 3)
    texts = [f"sentence number {i}" for i in range(8)]
    vectors = encoder.encode_array(texts)
    assert vectors.shape == (8, enc.DIM) and len(encoder._cache) == 3
    assert (vectors[7] == encoder.encode_array([texts[7]])[0]).all()
