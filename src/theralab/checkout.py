"""Where a source checkout keeps what is not packaged: its own `data/` folder (the data sets
written for TheraLab) and the `shared/` folder beside the checkout (research data for tests,
benchmarks and training scripts)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SHARED_DATA_ENV", "checkout_data", "checkout_root", "shared_data_dir", "shared_root"]

SHARED_DATA_ENV = "THERALAB_SHARED_DATA"


def checkout_root() -> Path:
    """The checkout: src/theralab/checkout.py → parents[2]."""
    return Path(__file__).resolve().parents[2]


def checkout_data(name: str) -> Path:
    """`data/<name>/` of the checkout."""
    return checkout_root() / "data" / name


def shared_root() -> Path:
    """The `shared/` folder beside the checkout."""
    return checkout_root().parent / "shared"


def shared_data_dir() -> Path:
    """`$THERALAB_SHARED_DATA`, else the `shared/data` folder beside the checkout."""
    env = os.environ.get(SHARED_DATA_ENV)
    if env:
        return Path(env)
    return shared_root() / "data"
