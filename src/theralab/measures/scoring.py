"""Answers, totals and change: scoring an instrument, severity bands, prorating, reliable
change (Jacobson–Truax), response and remission.

Every instrument here is a symptom measure: a higher total is worse, so a reliable fall is an
improvement.

Prorating (TheraLab's rule, the same for every instrument): a total is given when every item
is answered, or when at most `scoring.max_missing` items are unscored; then the total is the
sum of the answered items scaled to the full item count, rounded half up:
floor(sum × items / answered + 0.5). PHQ-9 and GAD-7 allow one missing item; the screening
checks allow none. Otherwise the total is left out (None) — never filled in with a default.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum

from theralab.dialogue.measurements import AnswerStatus, ItemAnswer, MeasureAnswers, MeasureScore
from theralab.errors import BadValue
from theralab.measures.model import Instrument

__all__ = [
    "AnswerStatus",
    "Change",
    "ItemAnswer",
    "MeasureAnswers",
    "MeasureScore",
    "rci",
    "reliable_change",
    "reliable_recovery",
    "remission",
    "response",
    "score",
]


class Change(StrEnum):
    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NO_CHANGE = "no_change"


def score(
    instrument: Instrument, answers: MeasureAnswers | Mapping[str, int | None]
) -> MeasureScore:
    """Total, band and counts. An item is unscored when its answer is missing, None, or not
    one of the item's option scores; see the module docstring for the prorating rule."""
    if isinstance(answers, MeasureAnswers):
        if answers.instrument != instrument.tag:
            raise BadValue(f"answers are for {answers.instrument}, not {instrument.tag}")
        values = answers.values()
    else:
        values = dict(answers)
    known = {i.id for i in instrument.items}
    stray = sorted(set(values) - known)
    if stray:
        raise BadValue(f"{instrument.id} has no item(s) {', '.join(stray)}")
    raw = 0
    unscored: list[str] = []
    for item in instrument.items:
        value = values.get(item.id)
        if type(value) is not int or value not in instrument.scores_of(item):  # bool: no
            unscored.append(item.id)
            continue
        raw += instrument.scored(item, value)
    n = len(instrument.items)
    answered = n - len(unscored)
    total: int | None
    if not unscored:
        total = raw
    elif len(unscored) <= instrument.scoring.max_missing:
        total = math.floor(raw * n / answered + 0.5)
    else:
        total = None
    return MeasureScore(
        instrument=instrument.tag,
        total=total,
        band=instrument.band_of(total).label if total is not None else None,
        clinical=total >= instrument.cutoff if total is not None else None,
        answered=answered,
        unscored=len(unscored),
        unscored_items=unscored,
        prorated=bool(unscored) and total is not None,
        complete=not unscored,
    )


def _total(value: MeasureScore | int | None) -> int | None:
    return value.total if isinstance(value, MeasureScore) else value


def rci(
    instrument: Instrument, before: MeasureScore | int, after: MeasureScore | int
) -> float | None:
    """The Jacobson–Truax reliable change index (after − before) / S_diff, when the instrument
    gives reliability and SD and both totals exist."""
    b, a = _total(before), _total(after)
    s = instrument.reliable_change.s_diff
    if a is None or b is None or s is None:
        return None
    return (a - b) / s


def reliable_change(
    instrument: Instrument, before: MeasureScore | int | None, after: MeasureScore | int | None
) -> Change | None:
    """Improved (a reliable fall), deteriorated (a reliable rise) or no reliable change;
    None when either total is missing."""
    b, a = _total(before), _total(after)
    if a is None or b is None:
        return None
    change = a - b
    if not instrument.reliable_change.is_reliable(change):
        return Change.NO_CHANGE
    return Change.IMPROVED if change < 0 else Change.DETERIORATED


def response(before: MeasureScore | int | None, after: MeasureScore | int | None) -> bool | None:
    """Treatment response: the total fell by at least half of its starting value."""
    b, a = _total(before), _total(after)
    if a is None or b is None or b <= 0:
        return None
    return (b - a) >= 0.5 * b


def remission(instrument: Instrument, after: MeasureScore | int | None) -> bool | None:
    """Remission: the total is below the clinical cut-off."""
    a = _total(after)
    return None if a is None else a < instrument.cutoff


def reliable_recovery(
    instrument: Instrument, before: MeasureScore | int | None, after: MeasureScore | int | None
) -> bool | None:
    """Started at or above the cut-off, ended below it, and improved reliably."""
    b, a = _total(before), _total(after)
    if a is None or b is None:
        return None
    return (
        b >= instrument.cutoff
        and a < instrument.cutoff
        and reliable_change(instrument, b, a) is Change.IMPROVED
    )
