"""The language identifier loaded from its unpacked copy answers exactly as py3langid's own
loader does, and anything wrong with the copy falls back to that loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from theralab.text import langid

TEXTS = [
    "je ne sais plus quoi faire de ma vie, tout va mal",
    "ich habe heute keine Kraft mehr für irgendwas",
    "no puedo dormir desde hace una semana",
    "мне очень плохо и я не знаю что делать",
    "我今天很难过，不想说话",
    "work was rough today but the dog cheered me up",
    "",
]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(tmp_path))
    langid.identifier.cache_clear()
    yield tmp_path
    langid.identifier.cache_clear()


@pytest.fixture(scope="module")
def own() -> LanguageIdentifier:  # py3langid's own loader
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_the_unpacked_copy_answers_as_the_package_does(cache: Path, own) -> None:
    first = langid.identifier()
    folder = langid.unpacked_dir()
    assert folder.parent == cache and (folder / "rest.npz").is_file()
    langid.identifier.cache_clear()
    again = langid.identifier()  # read from the copy this time
    for text in TEXTS:
        expected = own.classify(text)
        assert first.classify(text) == expected
        assert again.classify(text) == expected
    assert not [p for p in cache.iterdir() if p.name.startswith(".langid-")]  # no leftovers


def test_a_damaged_copy_falls_back_to_the_package(cache: Path, own) -> None:
    folder = langid.unpacked_dir()
    folder.mkdir(parents=True)
    (folder / "rest.npz").write_bytes(b"not an archive")
    found = langid.identifier()
    assert found.classify(TEXTS[0]) == own.classify(TEXTS[0])


def test_an_unwritable_cache_falls_back_to_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("THERALAB_MODEL_DIR", str(blocker / "below"))
    langid.identifier.cache_clear()
    try:
        assert langid.identifier().classify(TEXTS[1]) == own.classify(TEXTS[1])
    finally:
        langid.identifier.cache_clear()
