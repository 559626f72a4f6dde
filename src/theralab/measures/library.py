"""Built-in instrument files and user instrument files (any YAML in the same format): the one
registry that `--measures phq9,gad7,./my.yaml` resolves against."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from theralab.errors import InputError, read_text_input
from theralab.measures.model import Instrument
from theralab.yamlfiles import parse_yaml_model

FILE_SUFFIXES = (".yaml", ".yml", ".json")


def parse_instrument(text: str, source: str = "<string>") -> Instrument:
    """Parse one instrument from YAML text; errors name the source, line and field."""
    return parse_yaml_model(text, Instrument, source, what="measure")


def load_instrument(path: str | Path) -> Instrument:
    return parse_instrument(read_text_input(path, "measure"), source=str(Path(path)))


@cache
def builtin_instruments() -> dict[str, Instrument]:
    """The instruments shipped in `theralab/measures/data`, by id, in file-name order."""
    folder = resources.files("theralab.measures") / "data"
    out: dict[str, Instrument] = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(FILE_SUFFIXES):
            m = parse_instrument(f.read_text(encoding="utf-8"), source=f"builtin:{f.name}")
            if m.id in out:
                raise InputError(f"duplicate built-in measure id {m.id!r}", source=f.name)
            out[m.id] = m
    return out


def get_instrument(spec: str) -> Instrument:
    """A built-in instrument by id, or an instrument file by path."""
    path = Path(spec)
    if path.suffix in FILE_SUFFIXES:
        if not path.exists():
            raise InputError("no such measure file", source=spec)
        return load_instrument(path)
    known = builtin_instruments()
    if spec not in known:
        raise InputError(
            f"unknown measure {spec!r}; built-in: {', '.join(known)} (or give a .yaml file)"
        )
    return known[spec]


def resolve_instruments(specs: Iterable[str]) -> list[Instrument]:
    """Instruments for a list of specs (ids or files, comma-separated lists allowed);
    an id named twice is an error."""
    names = [s.strip() for spec in specs for s in spec.split(",") if s.strip()]
    out = [get_instrument(s) for s in names]
    ids = [m.id for m in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"measure ids given twice: {', '.join(dupes)}")
    return out
