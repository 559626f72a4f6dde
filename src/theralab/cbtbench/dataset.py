"""The Shreevastava & Foltz (2021) cognitive-distortion data (research data, read in place —
nothing from it ships) and its fixed, deterministic held-out split.

Each row's text is the whole "Patient Question"; its gold labels are the dominant distortion
plus the optional secondary one, mapped to TheraLab's names ("No Distortion" → no label); its
`span` is the annotated "Distorted part" (whitespace-normalised; empty without a distortion).
The held-out part is every row whose normalised text hashes to 0 modulo 5 (about 20%): the
split depends on the text alone, not on row order, and duplicated texts land on one side.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import model_validator

from theralab.cbtbench.labels import DISTORTIONS, map_shreevastava
from theralab.checkout import checkout_data
from theralab.errors import InputError
from theralab.yamlfiles import IdRecord, parse_yaml_folder

DEFAULT_PATH = Path("cognitive_distortions") / "shreevastava_dev.csv"
HELDOUT_MODULUS = 5
COLUMNS = ("Id_Number", "Patient Question", "Dominant Distortion")


SPAN_COLUMN = "Distorted part"


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    labels: tuple[str, ...]
    span: str = ""  # the annotated distorted part ("" when none: always so without a distortion)


def heldout(text: str) -> bool:
    """Whether a text belongs to the fixed held-out part (about one in five)."""
    key = " ".join(text.lower().split()).encode("utf-8")
    return int(hashlib.sha256(key).hexdigest()[:12], 16) % HELDOUT_MODULUS == 0


def load_rows(path: str | Path) -> list[Row]:
    """Read the CSV; labels are mapped, unknown label names are an error naming the line."""
    path = Path(path)
    rows: list[Row] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s): {', '.join(missing)}", source=str(path))
        secondary_col = next(
            (c for c in reader.fieldnames or [] if c.startswith("Secondary Distortion")), None
        )
        for lineno, raw in enumerate(reader, start=2):
            names = [raw["Dominant Distortion"]]
            if secondary_col and (raw.get(secondary_col) or "").strip():
                names.append(raw[secondary_col])
            try:
                mapped = [map_shreevastava(n) for n in names]
            except KeyError as exc:
                raise InputError(str(exc.args[0]), source=str(path), line=lineno) from None
            labels = tuple(dict.fromkeys(m for m in mapped if m is not None))
            span = " ".join((raw.get(SPAN_COLUMN) or "").split())
            rows.append(Row(raw["Id_Number"], raw["Patient Question"].strip(), labels, span))
    return rows


def split(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """(training part, held-out part), each in file order."""
    train = [r for r in rows if not heldout(r.text)]
    test = [r for r in rows if heldout(r.text)]
    return train, test


NEAR_DUPLICATE = 0.95  # whole-text cosine at or above which two questions are one group


def groups(rows: Sequence[Row], vectors: Sequence[Sequence[float]]) -> list[int]:
    """A group id per row: rows with equal normalised texts, or whole-text embeddings (unit
    vectors) at cosine >= NEAR_DUPLICATE, share one. The data has no patient or thread ids,
    so these are its only groups. Needs numpy."""
    import numpy as np

    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, r in enumerate(rows):
        j = first.setdefault(" ".join(r.text.lower().split()), i)
        parent[find(i)] = find(j)
    x = np.asarray(vectors, dtype=np.float64)
    sims = np.triu(x @ x.T, 1)
    for i, j in zip(*np.nonzero(sims >= NEAR_DUPLICATE), strict=True):
        parent[find(int(i))] = find(int(j))
    return [find(i) for i in range(len(rows))]


def frozen(rows: Sequence[Row], group_ids: Sequence[int]) -> list[bool]:
    """The FROZEN part: the fixed held-out rule (`heldout`), extended to whole groups — a group
    with one held-out row is held out whole. Everything else is DEV."""
    held = {g for r, g in zip(rows, group_ids, strict=True) if heldout(r.text)}
    return [g in held for g in group_ids]


# --- messages written for TheraLab (data/distortions/): a check set ----------------------

NO_DISTORTION = "no distortion"


class WrittenItem(IdRecord):
    """One written message with its dominant (and optional secondary) distortion and the
    exact words that carry the dominant one."""

    text: str
    dominant: str
    secondary: str | None = None
    span: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> WrittenItem:
        names = (*DISTORTIONS, NO_DISTORTION)
        if self.dominant not in names:
            raise ValueError(f"dominant must be one of {', '.join(names)}")
        if self.secondary is not None and (
            self.secondary not in DISTORTIONS or self.secondary == self.dominant
        ):
            raise ValueError("secondary must be another of the ten distortions, or null")
        if self.dominant == NO_DISTORTION and (self.secondary or self.span):
            raise ValueError("a message without a distortion has no secondary and no span")
        if self.dominant != NO_DISTORTION and (not self.span or self.span not in self.text):
            raise ValueError("span must be words copied exactly from text")
        return self

    def row(self) -> Row:
        if self.dominant == NO_DISTORTION:
            return Row(self.id, self.text, (), "")
        labels = (self.dominant, *([self.secondary] if self.secondary else []))
        return Row(self.id, self.text, labels, " ".join((self.span or "").split()))


def written_dir() -> Path:
    """`data/distortions/` of a source checkout."""
    return checkout_data("distortions")


def load_written(folder: Path | None = None) -> list[Row]:
    """The written messages of `folder` (files sorted by name) as rows; ids must be unique."""
    items = parse_yaml_folder(folder or written_dir(), WrittenItem, "message")
    return [item.row() for item in items]
