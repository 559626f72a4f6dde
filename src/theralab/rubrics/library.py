"""Built-in rubric files and user rubric files (any YAML in the same format): the one registry
that `--rubric ctrs,./my.yaml` resolves against."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from theralab.rubrics.model import Rubric
from theralab.yamlfiles import YamlLibrary

RUBRICS: YamlLibrary[Rubric] = YamlLibrary("theralab.rubrics", Rubric, "rubric")


def parse_rubric(text: str, source: str = "<string>") -> Rubric:
    """Parse one rubric from YAML text; errors name the source, line and field."""
    return RUBRICS.parse(text, source)


def load_rubric(path: str | Path) -> Rubric:
    return RUBRICS.load(path)


def builtin_rubrics() -> dict[str, Rubric]:
    """The rubrics shipped in `theralab/rubrics/data`, by id, in file-name order."""
    return RUBRICS.builtin()


def get_rubric(spec: str) -> Rubric:
    """A built-in rubric by id, or a rubric file by path."""
    return RUBRICS.get(spec)


def resolve_rubrics(specs: Iterable[str]) -> list[Rubric]:
    """Rubrics for a list of specs (ids or files); an id named twice is an error."""
    return RUBRICS.resolve(specs)
