"""Loading, validating and sampling client profiles (the built-in library and user files)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from theralab.errors import InputError
from theralab.profiles.model import ClientProfile

_DATA_PACKAGE = "theralab.profiles"


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line each mapping key starts on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    mapping["__lines__"] = lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__lines__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _line_of(raw: object, loc: Sequence[int | str]) -> int | None:
    """The deepest known line for a pydantic error location inside the raw YAML tree."""
    line = None
    node = raw
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            line = node.get("__lines__", {}).get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
    return line


def parse_profile(text: str, source: str = "<string>") -> ClientProfile:
    """Parse one profile from YAML (or JSON) text; errors name the source, line and field."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError(f"not valid YAML: {exc}", source=source, line=line) from exc
    if not isinstance(raw, dict):
        raise InputError("a profile must be a mapping of fields", source=source, line=1)
    try:
        return ClientProfile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        field = ".".join(str(p) for p in loc) or "<root>"
        more = f" (and {exc.error_count() - 1} more errors)" if exc.error_count() > 1 else ""
        raise InputError(
            f"{first['msg']}{more}", source=source, line=_line_of(raw, loc), field=field
        ) from exc


def load_profile(path: str | Path) -> ClientProfile:
    """Load one profile file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read profile: {exc.strerror}", source=str(p)) from exc
    return parse_profile(text, source=str(p))


@cache
def builtin_profiles() -> tuple[ClientProfile, ...]:
    """All built-in profiles, sorted by id."""
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
    for p in builtin_profiles():
        if p.id == profile_id:
            return p
    raise KeyError(f"no built-in profile {profile_id!r}; see `theralab profiles list`")


def load_profiles(specs: Iterable[str]) -> list[ClientProfile]:
    """Resolve profile ids, profile files or folders of profile files."""
    out: list[ClientProfile] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            out.extend(load_profile(f) for f in sorted(path.glob("*.y*ml")))
        elif path.suffix in {".yaml", ".yml", ".json"} and path.exists():
            out.append(load_profile(path))
        else:
            out.append(get_profile(spec))
    return out


def sample_panel(
    n: int, seed: int, pool: Sequence[ClientProfile] | None = None
) -> list[ClientProfile]:
    """A panel of `n` distinct profiles that spreads over problems, styles, attitudes, stages.

    Greedy: each pick maximises the number of not-yet-covered attribute values, ties broken by
    a seeded shuffle, so the same seed always gives the same panel.
    """
    candidates = list(pool if pool is not None else builtin_profiles())
    if n > len(candidates):
        raise ValueError(f"asked for {n} profiles but only {len(candidates)} are available")
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
