"""Heads trained on encoder vectors record which vectors (model, precision, recipe) and refuse
to run on others: a new quantization recipe cannot silently feed a head trained on the old."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from theralab.safety.reply_check import learned
from theralab.safety.semantic import SemanticTier, classifier_path, encoder_id
from theralab.text.encoder import RECIPE, Precision, vectors_id


def test_the_id_names_model_precision_and_recipe() -> None:
    assert vectors_id(Precision.INT8) == f"all-MiniLM-L6-v2/int8.r{RECIPE}"
    assert vectors_id("fp32") != vectors_id("int8")
    assert encoder_id().startswith(vectors_id(Precision.INT8))


def test_the_shipped_heads_were_trained_on_the_vectors_they_run_on() -> None:
    screener = json.loads(classifier_path().read_text(encoding="utf-8"))
    assert screener["encoder"] == encoder_id()
    reply = json.loads(learned.WEIGHTS.with_suffix(".json").read_text(encoding="utf-8"))
    assert reply["encoder"] == vectors_id(learned.PRECISION, learned.ADAPTER)
    assert reply["adapter"] == learned.ADAPTER.name and learned.ADAPTER.is_file()


def test_a_screener_head_from_another_recipe_is_refused(tmp_path: Path) -> None:
    weights = json.loads(classifier_path().read_text(encoding="utf-8"))
    weights["encoder"] = "all-MiniLM-L6-v2/int8.r0"
    path = tmp_path / "semantic_classifier.json"
    path.write_text(json.dumps(weights), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        _ = SemanticTier(weights=path).weights


def test_a_reply_head_from_another_recipe_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    meta = json.loads(learned.WEIGHTS.with_suffix(".json").read_text(encoding="utf-8"))

    def head_with(encoder: str | None, folder: str, layers: bytes | None = b"") -> Path:
        # one folder a case: `_load` is cached by path
        head = tmp_path / folder / "reply_head.npz"
        head.parent.mkdir()
        shutil.copy(learned.WEIGHTS, head)
        if layers is not None:  # the fine-tuned layers beside it, changed by `layers`
            adapter = head.parent / learned.ADAPTER.name
            adapter.write_bytes(learned.ADAPTER.read_bytes() + layers)
        if encoder is not None:
            text = json.dumps({**meta, "encoder": encoder})
            head.with_suffix(".json").write_text(text, encoding="utf-8")
        return head

    assert meta["adapter"] == learned.ADAPTER.name
    assert learned._load(head_with(None, "bare")) is None  # no metadata beside it: no head
    # without its fine-tuned layers the head cannot run: the rules stand alone
    assert learned._load(head_with(meta["encoder"], "no-layers", layers=None)) is None
    with pytest.raises(ValueError, match="retrain"):
        learned._load(head_with("all-MiniLM-L6-v2/int8.r0", "old"))
    with pytest.raises(ValueError, match="retrain"):  # layers other than the head's
        learned._load(head_with(meta["encoder"], "other-layers", layers=b"\0"))
    loaded = learned._load(head_with(meta["encoder"], "same"))
    assert loaded is not None and loaded.threshold == meta["threshold"]
    assert loaded.adapter == tmp_path / "same" / learned.ADAPTER.name


def test_the_coders_heads_and_the_quality_scorer_record_the_coders_vectors() -> None:
    from theralab.coding.empathy import EmpathyCoder
    from theralab.coding.empathy import heads_path as empathy_heads
    from theralab.coding.mi_coder import MICoder
    from theralab.coding.mi_coder import heads_path as mi_heads
    from theralab.evaluate.quality import card
    from theralab.text.encoder import CODER_PRECISION

    empathy = json.loads(empathy_heads().with_suffix(".json").read_text(encoding="utf-8"))
    assert empathy["encoder"] == vectors_id(EmpathyCoder.PRECISION)
    assert "adapter" not in empathy  # the published encoder's vectors
    # The MI heads read the screener's precision through their own fine-tuned top layers,
    # shipped beside them and named in their metadata
    mi = json.loads(mi_heads().with_suffix(".json").read_text(encoding="utf-8"))
    layers = mi_heads().parent / mi["adapter"]
    assert layers.is_file() and layers.name == "mi_heads_encoder.npz"
    assert mi["encoder"] == vectors_id(MICoder.PRECISION, layers)
    assert MICoder().adapter == layers
    # ...except the client talk head, which reads the published encoder's (the screener's)
    assert mi["client_encoder"] == vectors_id(MICoder.PRECISION)
    assert MICoder.PRECISION == CODER_PRECISION
    assert card()["features"]["vectors"] == vectors_id(CODER_PRECISION)


def test_coder_heads_from_other_vectors_are_refused(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    from theralab.coding.mi_coder import heads_path
    from theralab.coding.vectors import load_heads
    from theralab.text.encoder import VectorsMismatch

    meta = json.loads(heads_path().with_suffix(".json").read_text(encoding="utf-8"))
    shutil.copy(heads_path().with_suffix(".npz"), tmp_path / "mi_heads.npz")
    shutil.copy(heads_path().parent / meta["adapter"], tmp_path / meta["adapter"])
    for encoder in ("all-MiniLM-L6-v2/fp32.r1", None):  # another precision; none recorded
        stale = {k: v for k, v in meta.items() if k != "encoder"}
        if encoder is not None:
            stale["encoder"] = encoder
        (tmp_path / "mi_heads.json").write_text(json.dumps(stale), encoding="utf-8")
        with pytest.raises(VectorsMismatch, match="retrain: theralab coder train"):
            load_heads(tmp_path / "mi_heads")
    (tmp_path / "mi_heads.json").write_text(json.dumps(meta), encoding="utf-8")
    heads, _ = load_heads(tmp_path / "mi_heads")
    assert "behaviour" in heads
    with pytest.raises(VectorsMismatch, match="retrain"):  # read as fp32 heads: refused
        load_heads(tmp_path / "mi_heads", Precision.FP32)


def test_a_quality_scorer_from_other_vectors_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    from theralab.evaluate.quality import QualityModel, card, weights_path

    meta = card()
    meta["features"]["vectors"] = "all-MiniLM-L6-v2/fp32.r1"
    assert card()["features"]["vectors"] != meta["features"]["vectors"]  # a copy each call
    shutil.copy(weights_path().with_suffix(".npz"), tmp_path / "quality.npz")
    (tmp_path / "quality.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match=r"retrain: scripts/train_quality\.py"):
        QualityModel.load(tmp_path / "quality")
    # the right vectors, but features made by other coder heads (the MI coder retrained)
    meta = card()
    meta["features"]["coder_heads"] = "0" * 16
    other = tmp_path / "coders"  # a folder of its own: cards are read once per path
    other.mkdir()
    shutil.copy(weights_path().with_suffix(".npz"), other / "quality.npz")
    (other / "quality.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match=r"other coder heads.*retrain: scripts/train_quality"):
        QualityModel.load(other / "quality")
    assert QualityModel.load().blocks  # the shipped one loads


def test_mi_heads_whose_fine_tuned_layers_are_missing_or_other_are_refused(
    tmp_path: Path,
) -> None:
    pytest.importorskip("numpy")
    from theralab.coding.mi_coder import coder_adapter, heads_path, mi_coder_available
    from theralab.coding.vectors import load_heads
    from theralab.text.encoder import VectorsMismatch

    meta = json.loads(heads_path().with_suffix(".json").read_text(encoding="utf-8"))
    shipped_layers = heads_path().parent / meta["adapter"]
    for suffix in (".npz", ".json"):
        shutil.copy(heads_path().with_suffix(suffix), tmp_path / f"mi_heads{suffix}")
    heads = tmp_path / "mi_heads"
    # the layers the metadata names are not there: an error, and the coder is not available
    with pytest.raises(FileNotFoundError, match="retrain: theralab coder train mi"):
        load_heads(heads)
    assert coder_adapter(heads) is None and not mi_coder_available(heads)
    # other layers under that name: their digest differs from the one the heads recorded
    (tmp_path / meta["adapter"]).write_bytes(shipped_layers.read_bytes() + b"\0")
    with pytest.raises(VectorsMismatch, match="retrain"):
        load_heads(heads)
    # the same layers: loaded, and the coder would encode through them
    (tmp_path / meta["adapter"]).write_bytes(shipped_layers.read_bytes())
    loaded, _ = load_heads(heads)
    assert "behaviour" in loaded and coder_adapter(heads) == tmp_path / meta["adapter"]
