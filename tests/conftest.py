"""Shared fixtures. Tests that need ../shared/data skip when it is absent."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from theralab.dialogue import Session
from theralab.profiles import builtin_profiles, get_profile
from theralab.simulate import plan_sessions, run_sessions

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# The guardrail's default screener is the pattern tier here; the semantic tier has tests of
# its own (tests/test_semantic.py), so the rest of the suite does not pay for loading it.
os.environ.setdefault("THERALAB_SEMANTIC", "0")
# Commands that keep sentence vectors on disk (evaluate, annotate) keep them out of the home
# folder in tests; the tests of that store give it a file of their own.
os.environ.setdefault("THERALAB_EMBEDDING_CACHE", "0")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the shared data folder at {SHARED_DATA}")
    return SHARED_DATA


def simulate(
    counselors: list[str],
    profile_ids: list[str] | None = None,
    seed: int = 1,
    guardrail: bool = True,
    **kw: object,
) -> list[Session]:
    profiles = [get_profile(p) for p in profile_ids] if profile_ids else list(builtin_profiles())
    plans = plan_sessions(counselors, profiles, seed, **kw)  # type: ignore[arg-type]
    return asyncio.run(run_sessions(plans, profiles, guardrail=guardrail))


@pytest.fixture(scope="session")
def full_run() -> list[Session]:
    """Every scripted counselor against every built-in profile (about two seconds)."""
    return simulate(["cbt", "mi", "person_centred", "directive"])
