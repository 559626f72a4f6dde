"""The top-layer fine-tuner (`theralab.text.finetune`): the MI coder's softmax objective learns
the classes it is given, deterministically, and what it saves loads into the model."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
np = pytest.importorskip("numpy")

from theralab.text.finetune import TopLayerTuner  # noqa: E402

QUESTIONS = [
    "What brings you here today?",
    "How has the week been for you?",
    "When did you first notice it?",
    "What would you like to be different?",
    "How did your sister take the news?",
    "Where do you usually go after work?",
    "What helps when it gets this bad?",
    "How long has the drinking been like this?",
]
REFLECTIONS = [
    "You're worn out by all of it.",
    "It sounds like the move hit you hard.",
    "You feel nobody at home listens.",
    "So the evenings are the hardest part.",
    "You've been carrying this on your own.",
    "Part of you wants to stop, and part of you doesn't.",
    "You're angry that he never asked.",
    "It's been lonely since the job ended.",
]


def _separation(vectors: np.ndarray, labels: np.ndarray) -> float:
    """Mean cosine within a class minus mean cosine across classes (unit vectors)."""
    sims = vectors @ vectors.T
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(len(labels), dtype=bool)
    return float(sims[same & off].mean() - sims[~same].mean())


@pytest.fixture(scope="module")
def tuned() -> tuple[TopLayerTuner, dict[str, torch.Tensor], list[str], np.ndarray]:
    texts = QUESTIONS + REFLECTIONS
    labels = np.array([0] * len(QUESTIONS) + [1] * len(REFLECTIONS))
    tuner = TopLayerTuner(layers=1, epochs=40)
    state = tuner.fit_classes(texts, labels.tolist(), [1.0] * len(texts), n_classes=2)
    return tuner, state, texts, labels


def test_fit_classes_pulls_the_classes_apart(
    tuned: tuple[TopLayerTuner, dict[str, torch.Tensor], list[str], np.ndarray],
) -> None:
    tuner, state, texts, labels = tuned
    before = tuner.embed(texts, tuner.base)
    after = tuner.embed(texts, state)
    assert np.allclose(np.linalg.norm(after, axis=1), 1.0, atol=1e-5)
    assert _separation(after, labels) > _separation(before, labels) + 0.02
    # the model itself is left as published
    for name, value in tuner.top.state_dict().items():
        assert torch.equal(value, tuner.base[name]), name


def test_fit_classes_is_deterministic(
    tuned: tuple[TopLayerTuner, dict[str, torch.Tensor], list[str], np.ndarray],
) -> None:
    tuner, state, texts, labels = tuned
    again = tuner.fit_classes(texts, labels.tolist(), [1.0] * len(texts), n_classes=2)
    assert state.keys() == again.keys()
    assert all(torch.equal(state[k], again[k]) for k in state)


def test_saved_layers_load_into_the_model_under_its_own_names(
    tuned: tuple[TopLayerTuner, dict[str, torch.Tensor], list[str], np.ndarray], tmp_path: Path
) -> None:
    from transformers import AutoModel

    from theralab.text.encoder import load_adapter, model_source

    tuner, state, _, _ = tuned
    path = tmp_path / "layers.npz"
    tuner.save_adapter(state, path)
    with np.load(path) as arrays:
        names = set(arrays.files)
    assert names and all(n.startswith("encoder.layer.5.") for n in names)  # the top layer
    model = AutoModel.from_pretrained(str(model_source())).eval()
    load_adapter(model, path)
    loaded = model.state_dict()
    for key, value in state.items():
        name = f"encoder.layer.5.{key.split('.', 1)[1]}"
        assert torch.allclose(loaded[name], value.half().float()), name


def test_saving_killed_midway_leaves_no_file(
    tuned: tuple[TopLayerTuner, dict[str, torch.Tensor], list[str], np.ndarray],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tuner, state, _, _ = tuned
    path = tmp_path / "layers.npz"

    def dies(fh: object, **arrays: object) -> None:
        fh.write(b"PK\x03\x04 half an archive")  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", dies)
    with pytest.raises(KeyboardInterrupt):
        tuner.save_adapter(state, path)
    assert list(tmp_path.iterdir()) == []  # neither the file nor a part of it
