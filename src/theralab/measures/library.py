"""Built-in instrument files and user instrument files (any YAML in the same format): the one
registry that `--measures phq9,gad7,./my.yaml` resolves against."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from theralab.measures.model import Instrument
from theralab.yamlfiles import YamlLibrary

MEASURES: YamlLibrary[Instrument] = YamlLibrary("theralab.measures", Instrument, "measure")


def parse_instrument(text: str, source: str = "<string>") -> Instrument:
    """Parse one instrument from YAML text; errors name the source, line and field."""
    return MEASURES.parse(text, source)


def load_instrument(path: str | Path) -> Instrument:
    return MEASURES.load(path)


def builtin_instruments() -> dict[str, Instrument]:
    """The instruments shipped in `theralab/measures/data`, by id, in file-name order."""
    return MEASURES.builtin()


def get_instrument(spec: str) -> Instrument:
    """A built-in instrument by id, or an instrument file by path."""
    return MEASURES.get(spec)


def resolve_instruments(specs: Iterable[str]) -> list[Instrument]:
    """Instruments for a list of specs (ids or files, comma-separated lists allowed);
    an id named twice is an error."""
    return MEASURES.resolve(specs)
