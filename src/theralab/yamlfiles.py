"""YAML data files validated against pydantic models, with errors that name file, line, field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from theralab.errors import InputError, read_text_input

M = TypeVar("M", bound=BaseModel)


L = TypeVar("L", bound=BaseModel)


class LocatedError(ValueError):
    """Raised by a model validator to point at the field at fault (e.g. ("items", 2, "anchors"))
    rather than at the whole document."""

    def __init__(self, message: str, loc: Sequence[int | str]) -> None:
        super().__init__(message)
        self.loc = tuple(loc)


_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """A YAML loader that remembers the line each mapping key starts on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
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
            if isinstance(node, dict):  # a list item: where its first key is
                line = min(node.get("__lines__", {}).values(), default=line)
        else:
            break
    return line


def yaml_error(exc: yaml.YAMLError, source: str) -> InputError:
    """A YAML syntax error as an InputError naming the source and the line."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    return InputError(f"not valid YAML: {exc}", source=source, line=line)


def _load(text: str, source: str) -> object:
    """YAML text with each mapping's key lines; a syntax error names the source and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, source) from exc


def parse_yaml_model(text: str, model: type[M], source: str = "<string>", what: str = "file") -> M:
    """Parse YAML (or JSON) text into `model`; errors name the source, line and field."""
    raw = _load(text, source)
    if not isinstance(raw, dict):
        raise InputError(f"a {what} must be a mapping of fields", source=source, line=1)
    try:
        return model.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        errors = exc.errors()
        # An unknown key first: it is where the typo is, and a field it misspells is then
        # reported missing at the file's first line ("modle: stub" → "model" missing).
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = first["loc"]
        message = first["msg"]
        if first["type"] == "extra_forbidden" and loc:
            guess = _did_you_mean(str(loc[-1]), errors, loc)
            message = f"{message}: unknown field {str(loc[-1])!r}{guess}"
        cause = (first.get("ctx") or {}).get("error")
        if isinstance(cause, LocatedError):
            loc = (*loc, *cause.loc)
            message = str(cause)
        field = ".".join(str(p) for p in loc) or "<root>"
        more = f" (and {exc.error_count() - 1} more errors)" if exc.error_count() > 1 else ""
        raise InputError(
            f"{message}{more}", source=source, line=_line_of(raw, loc), field=field
        ) from exc


def _did_you_mean(key: str, errors: list[Any], loc: tuple[Any, ...]) -> str:
    """ " (did you mean 'model'?)" when a field missing beside the unknown `key` is spelt like
    it."""
    import difflib

    missing = [
        str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == loc[:-1]
    ]
    close = difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_yaml_list(
    text: str, model: type[M], source: str = "<string>", what: str = "entry"
) -> list[M]:
    """Parse a YAML list of mappings into `model` records; errors name source, line, field."""
    raw = _load(text, source)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError(f"expected a list of {what} mappings", source=source, line=1)
    out: list[M] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputError(f"each {what} must be a mapping", source=source)
        try:
            out.append(model.model_validate(_strip_lines(item)))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = first["loc"]
            field = ".".join(str(p) for p in loc) or "<root>"
            line = _line_of(item, loc) or min(item.get("__lines__", {}).values(), default=None)
            raise InputError(
                f"{what} {i + 1}: {first['msg']}", source=source, line=line, field=field
            ) from exc
    return out


class IdRecord(BaseModel):
    """A record of a data set kept as YAML files: a unique `id`, no unknown fields."""

    model_config = ConfigDict(extra="forbid")

    id: str


R = TypeVar("R", bound=IdRecord)


def parse_yaml_folder(folder: Path, model: type[R], what: str = "entry") -> list[R]:
    """Every record of the `*.yaml` files of `folder` (files sorted by name); an id used twice
    is an error naming the file."""
    records: list[R] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        for record in parse_yaml_list(path.read_text(encoding="utf-8"), model, str(path), what):
            if record.id in seen:
                raise InputError(f"duplicate {what} id {record.id!r}", source=str(path))
            seen.add(record.id)
            records.append(record)
    return records


def line_of(text: str, loc: Sequence[int | str]) -> int | None:
    """The line of the field at `loc` (e.g. ("checks", 2, "metric")) in YAML text already
    parsed once: for errors found after validation, against data the file refers to."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError:
        return None
    return _line_of(raw, loc)


class Versioned:
    """What a YAML-defined document (a measure, a rubric) shows of itself in tables, results
    and cache keys; mixed into its pydantic model, which declares the fields."""

    if TYPE_CHECKING:
        id: str
        version: int
        short: str

    @property
    def label(self) -> str:
        return self.short or self.id

    @property
    def tag(self) -> str:
        """Identity for results and cache keys: id and version."""
        return f"{self.id}@v{self.version}"


class YamlLibrary(Generic[L]):
    """The one registry of a kind of YAML-defined thing (measures, rubrics): built-in files
    shipped in `<package>/data`, by id, and the user's own files by path.

    `what` names the kind in messages ("unknown measure 'x'; built-in: …").
    """

    SUFFIXES = (".yaml", ".yml", ".json")

    def __init__(self, package: str, model: type[L], what: str) -> None:
        self.package = package
        self.model = model
        self.what = what
        self._builtin: dict[str, L] | None = None

    def parse(self, text: str, source: str = "<string>") -> L:
        """One item from YAML text; errors name the source, line and field."""
        return parse_yaml_model(text, self.model, source, what=self.what)

    def load(self, path: str | Path) -> L:
        return self.parse(read_text_input(path, self.what), source=str(Path(path)))

    def builtin(self) -> dict[str, L]:
        """The shipped items by id, in file-name order (read once)."""
        if self._builtin is None:
            folder = resources.files(self.package) / "data"
            out: dict[str, L] = {}
            for f in sorted(folder.iterdir(), key=lambda f: f.name):
                if f.name.endswith(self.SUFFIXES):
                    item = self.parse(f.read_text(encoding="utf-8"), source=f"builtin:{f.name}")
                    if item.id in out:
                        raise InputError(
                            f"duplicate built-in {self.what} id {item.id!r}", source=f.name
                        )
                    out[item.id] = item
            self._builtin = out
        return self._builtin

    def get(self, spec: str) -> L:
        """A built-in item by id, or an item file by path."""
        path = Path(spec)
        if path.suffix in self.SUFFIXES:
            if not path.exists():
                raise InputError(f"no such {self.what} file", source=spec)
            return self.load(path)
        known = self.builtin()
        if spec not in known:
            raise InputError(
                f"unknown {self.what} {spec!r}; built-in: {', '.join(known)} (or give a .yaml file)"
            )
        return known[spec]

    def resolve(self, specs: Iterable[str]) -> list[L]:
        """Items for a list of specs (ids or files; comma-separated lists allowed); an id
        named twice is an error."""
        names = [s.strip() for spec in specs for s in spec.split(",") if s.strip()]
        out = [self.get(s) for s in names]
        ids = [item.id for item in out]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InputError(f"{self.what} ids given twice: {', '.join(dupes)}")
        return out
