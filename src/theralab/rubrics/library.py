"""Built-in rubric files and user rubric files (any YAML in the same format)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from theralab.errors import InputError, read_text_input
from theralab.rubrics.model import Rubric
from theralab.yamlfiles import parse_yaml_model


def parse_rubric(text: str, source: str = "<string>") -> Rubric:
    """Parse one rubric from YAML text; errors name the source, line and field."""
    return parse_yaml_model(text, Rubric, source, what="rubric")


def load_rubric(path: str | Path) -> Rubric:
    return parse_rubric(read_text_input(path, "rubric"), source=str(Path(path)))


@cache
def builtin_rubrics() -> dict[str, Rubric]:
    folder = resources.files("theralab.rubrics") / "data"
    out: dict[str, Rubric] = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith((".yaml", ".yml")):
            r = parse_rubric(f.read_text(encoding="utf-8"), source=f"builtin:{f.name}")
            if r.id in out:
                raise InputError(f"duplicate built-in rubric id {r.id!r}", source=f.name)
            out[r.id] = r
    return out


def get_rubric(spec: str) -> Rubric:
    """A built-in rubric by id, or a rubric file by path."""
    path = Path(spec)
    if path.suffix in {".yaml", ".yml", ".json"}:
        if not path.exists():
            raise InputError("no such rubric file", source=spec)
        return load_rubric(path)
    rubrics = builtin_rubrics()
    if spec not in rubrics:
        raise InputError(
            f"unknown rubric {spec!r}; built-in: {', '.join(rubrics)} (or give a .yaml file)"
        )
    return rubrics[spec]


def resolve_rubrics(specs: list[str]) -> list[Rubric]:
    out = [get_rubric(s) for s in specs]
    ids = [r.id for r in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"rubric ids given twice: {', '.join(dupes)}")
    return out
