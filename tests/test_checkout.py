"""Where a checkout's data lives: one place answers, and every reader of the shared research
data honours `$THERALAB_SHARED_DATA` the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from theralab.checkout import SHARED_DATA_ENV, checkout_data, shared_data_dir, shared_root
from theralab.coding import corpora
from theralab.safety.corpus import cssrs_default_path


def test_without_the_variable_the_shared_folder_is_beside_the_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SHARED_DATA_ENV, raising=False)
    assert shared_data_dir() == shared_root() / "data"
    assert cssrs_default_path() == shared_root() / "data" / "cssrs_reddit" / "cssrs_dev.csv"
    assert checkout_data("screener").parts[-2:] == ("data", "screener")


def test_the_variable_moves_every_reader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SHARED_DATA_ENV, str(tmp_path))
    assert shared_data_dir() == tmp_path
    assert corpora.shared_data_dir() == tmp_path
    assert cssrs_default_path() == tmp_path / "cssrs_reddit" / "cssrs_dev.csv"
