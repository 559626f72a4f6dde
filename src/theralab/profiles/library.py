"""Loading, validating and sampling client profiles (the built-in library and user files)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from theralab.errors import BadValue, InputError, UnknownName, read_text_input
from theralab.profiles.model import ClientProfile
from theralab.yamlfiles import parse_yaml_model

_DATA_PACKAGE = "theralab.profiles"


def parse_profile(text: str, source: str = "<string>") -> ClientProfile:
    """Parse one profile from YAML (or JSON) text; errors name the source, line and field."""
    return parse_yaml_model(text, ClientProfile, source, what="profile")


def load_profile(path: str | Path) -> ClientProfile:
    """Load one profile file."""
    return parse_profile(read_text_input(path, "profile"), source=str(Path(path)))


def builtin_profiles(include_conditions: bool = False) -> tuple[ClientProfile, ...]:
    """The built-in profiles, sorted by id.

    By default the general library only: profiles that present with a clinical condition
    (`ClientProfile.condition`: psychosis, mania, an eating disorder, OCD, PTSD, substance use)
    are opt-in with `include_conditions=True`, so default panels, synthetic datasets and every
    other consumer of the library see exactly the profiles they saw before those were added.
    `get_profile` and `theralab profiles list` see them all.
    """
    everything = _all_builtin_profiles()
    if include_conditions:
        return everything
    return tuple(p for p in everything if p.condition is None)


def condition_profiles() -> tuple[ClientProfile, ...]:
    """The built-in profiles that present with a clinical condition, sorted by id."""
    return tuple(p for p in _all_builtin_profiles() if p.condition is not None)


@cache
def _all_builtin_profiles() -> tuple[ClientProfile, ...]:
    folder = resources.files(_DATA_PACKAGE) / "data"
    profiles = [
        parse_profile(f.read_text(encoding="utf-8"), source=f"builtin:{f.name}")
        for f in folder.iterdir()
        if f.name.endswith((".yaml", ".yml"))
    ]
    ids = [p.id for p in profiles]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"duplicate built-in profile ids: {', '.join(dupes)}", source="builtin")
    return tuple(sorted(profiles, key=lambda p: p.id))


def get_profile(profile_id: str) -> ClientProfile:
    """A built-in profile by id."""
    for p in builtin_profiles(include_conditions=True):
        if p.id == profile_id:
            return p
    raise UnknownName(f"no built-in profile {profile_id!r}; see `theralab profiles list`")


def load_profiles(specs: Iterable[str]) -> list[ClientProfile]:
    """Resolve profile ids, profile files or folders of profile files: a panel of different
    clients. A profile id met twice (the same id given twice, or two files with one `id:`) is
    an input error naming both: session ids are `counselor--profile--repeat`, so a repeated
    client would give two sessions one id (`--repeats` gives more sessions with one client)."""
    out: list[ClientProfile] = []
    first: dict[str, str] = {}  # profile id -> where it came from
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = [(load_profile(f), str(f)) for f in sorted(path.glob("*.y*ml"))]
        elif path.suffix in {".yaml", ".yml", ".json"} and path.exists():
            found = [(load_profile(path), str(path))]
        else:
            found = [(get_profile(spec), "built-in")]
        for profile, where in found:
            if profile.id in first:
                both = "" if first[profile.id] == where else f" ({first[profile.id]} and {where})"
                raise InputError(
                    f"profile id {profile.id!r} is given twice{both}: a panel's clients must "
                    "differ; for more sessions with one client use --repeats",
                    source="--profiles",
                )
            first[profile.id] = where
            out.append(profile)
    return out


def sample_panel(
    n: int,
    seed: int,
    pool: Sequence[ClientProfile] | None = None,
    include_conditions: bool = False,
) -> list[ClientProfile]:
    """A panel of `n` distinct profiles that spreads over problems, styles, attitudes, stages.

    Greedy: each pick maximises the number of not-yet-covered attribute values, ties broken by
    a seeded shuffle, so the same seed always gives the same panel. Without a `pool` it samples
    the general library; `include_conditions=True` samples the condition profiles too (a
    different panel for the same seed).
    """
    candidates = list(
        pool if pool is not None else builtin_profiles(include_conditions=include_conditions)
    )
    if n > len(candidates):
        raise BadValue(f"asked for {n} profiles but only {len(candidates)} are available")
    random.Random(seed).shuffle(candidates)
    covered: set[tuple[str, str]] = set()
    panel: list[ClientProfile] = []
    for _ in range(n):
        best = max(candidates, key=lambda p, seen=frozenset(covered): len(_facets(p) - seen))
        candidates.remove(best)
        panel.append(best)
        covered |= _facets(best)
    return panel


def _facets(p: ClientProfile) -> set[tuple[str, str]]:
    return {
        ("problem", p.presenting_problem),
        ("style", p.style.value),
        ("attitude", p.attitude.value),
        ("stage", p.stage.value),
    }
