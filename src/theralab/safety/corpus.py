"""Labelled messages for training and validating the screener, and the frozen split.

The screener corpus is original text written for TheraLab (`data/screener/*.yaml` in the
repository, plus the package's older `screener_train.yaml`). Each message belongs to a group
(an author or a template): cross-validation never puts one group on both sides, and every
group whose hash falls in the frozen fifth is kept out of training and tuning altogether and
reported on its own.

The C-SSRS Reddit reader is for benchmarks and training scripts only: that data set is
research-only and never ships with the package.
"""

from __future__ import annotations

import ast
import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from theralab.checkout import checkout_data, shared_data_dir
from theralab.safety.risk import RiskCategory, RiskLevel
from theralab.yamlfiles import parse_yaml_list

FROZEN_MODULUS = 5  # one group in five is frozen


class Owner(StrEnum):
    """Whose risk a message talks about."""

    SELF = "self"  # the speaker's own
    OTHER = "other"  # someone else's: a supporter, a worried friend, a clinician, fiction
    NONE = "none"  # no risk content at all (figurative or ordinary talk)


class LabelledMessage(BaseModel):
    """One labelled message of the screener corpus."""

    model_config = ConfigDict(extra="ignore")

    id: str
    group: str = Field(description="The author or template: the unit of every split.")
    text: str = Field(min_length=1)
    level: RiskLevel = Field(description="The speaker's own current risk.")
    categories: list[RiskCategory] = Field(default_factory=list)
    owner: Owner = Owner.NONE
    style: str = ""
    kind: str = ""
    source: str = ""


def is_frozen(group: str) -> bool:
    """Whether a group belongs to the frozen split (never trained or tuned on)."""
    digest = hashlib.sha1(group.encode("utf-8")).hexdigest()
    return int(digest, 16) % FROZEN_MODULUS == 0


def esconv_train_half(index: int) -> str:
    """ "A" or "B" for the chat at `index` of ESConv's `train.jsonl` (by hash): an experiment
    may train the screener on half A's ordinary talk and decide on half B's takeovers
    (`scripts/train_screener.py --real-negatives`, `bench/screener_frontier.py --esconv-half B`);
    `valid.jsonl` stays a check."""
    digest = hashlib.sha1(f"esconv-half:{index}".encode()).hexdigest()
    return "A" if int(digest, 16) % 2 == 0 else "B"


def corpus_dir() -> Path:
    """`data/screener/` of a source checkout."""
    return checkout_data("screener")


def batch4_dir() -> Path:
    """`data/screener_batch4/`: 2,003 messages written for the corpus's fourth batch, kept out
    of training (training on them was measured and not shipped, docs/safety.md) and so a
    held-out set of their own."""
    return corpus_dir().with_name("screener_batch4")


def conditions_dir() -> Path:
    """`data/screener_conditions/`: 819 messages about psychosis, mania, OCD and eating
    disorders with their hard negatives, by an author who never saw the screener's data. The
    ladder is not trained on them (training on them was measured and not shipped,
    docs/safety.md); the condition heads train on their development groups
    (`scripts/train_conditions.py`), and their frozen groups stay held out."""
    return corpus_dir().with_name("screener_conditions")


def load_corpus_file(path: Path) -> list[LabelledMessage]:
    messages = parse_yaml_list(
        path.read_text(encoding="utf-8"), LabelledMessage, str(path), what="message"
    )
    for m in messages:
        m.source = path.stem
    return messages


def load_legacy() -> list[LabelledMessage]:
    """The 600 messages of the first semantic tier, one group each (written one by one)."""

    class _Legacy(BaseModel):
        text: str
        level: RiskLevel
        categories: list[RiskCategory] = Field(default_factory=list)

    path = resources.files("theralab.safety") / "data" / "screener_train.yaml"
    rows = parse_yaml_list(path.read_text(encoding="utf-8"), _Legacy, str(path))
    out = []
    for i, row in enumerate(rows):
        owner = Owner.SELF if row.level is not RiskLevel.NONE else Owner.NONE
        out.append(
            LabelledMessage(
                id=f"legacy_{i:04d}",
                group=f"legacy_{i:04d}",
                text=row.text,
                level=row.level,
                categories=row.categories,
                owner=owner,
                source="legacy",
            )
        )
    return out


def load_corpus(folder: Path | None = None, legacy: bool = True) -> list[LabelledMessage]:
    """Every labelled message: the corpus files (sorted by name) and the legacy set."""
    folder = folder or corpus_dir()
    messages: list[LabelledMessage] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            messages.extend(load_corpus_file(path))
    if legacy:
        messages.extend(load_legacy())
    seen: set[str] = set()
    for m in messages:
        if m.id in seen:
            raise ValueError(f"duplicate message id {m.id!r} ({m.source})")
        seen.add(m.id)
    return messages


def split_frozen(
    messages: Sequence[LabelledMessage],
) -> tuple[list[LabelledMessage], list[LabelledMessage]]:
    """(development, frozen)."""
    dev = [m for m in messages if not is_frozen(m.group)]
    frozen = [m for m in messages if is_frozen(m.group)]
    return dev, frozen


# --- C-SSRS Reddit users (research data, for benchmarks and training scripts) ---------------

CSSRS_AT_RISK = frozenset({"Ideation", "Behavior", "Attempt"})
CSSRS_LABELS = ("Supportive", "Indicator", "Ideation", "Behavior", "Attempt")


@dataclass(frozen=True)
class CssrsUser:
    user: str
    label: str
    posts: tuple[str, ...]

    @property
    def at_risk(self) -> bool:
        return self.label in CSSRS_AT_RISK


def cssrs_posts(raw: str) -> list[str]:
    """A user's posts: a list stored as a string; a few are cut off mid-list, and those are
    split on the list separators instead."""
    try:
        return [str(p) for p in ast.literal_eval(raw)]
    except (ValueError, SyntaxError):
        body = raw.strip().lstrip("[").rstrip("]")
        return [p.strip("'\" ") for p in body.split("', '") if p.strip("'\" ")]


def read_cssrs(path: Path) -> list[CssrsUser]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            CssrsUser(row["User"], row["Label"], tuple(cssrs_posts(row["Post"])))
            for row in csv.DictReader(fh)
        ]


def cssrs_default_path() -> Path:
    """The C-SSRS development users under the shared data folder (`$THERALAB_SHARED_DATA`, else
    `shared/data` beside the checkout)."""
    return shared_data_dir() / "cssrs_reddit" / "cssrs_dev.csv"


def grouped_folds(groups: Iterable[str], k: int = 5) -> list[int]:
    """A fold number per item, the same for every item of a group (stable across runs)."""
    return [int(hashlib.sha1(f"fold:{g}".encode()).hexdigest(), 16) % k for g in groups]
