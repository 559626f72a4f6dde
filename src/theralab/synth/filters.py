"""Row filters (`--filter "turns>=16" --filter "ctrs.mean>=4"`) and the structural gate."""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from theralab.dialogue.records import Session, Speaker
from theralab.dialogue.transcripts import parse_session_line
from theralab.errors import BadValue, UnknownName

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_EXPR = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
ALIASES = {"min_turns": "turns"}
# What `row_values` counts in every row, whatever scores it has.
STRUCTURAL_FIELDS = ("turns", "client_turns", "counselor_turns", "words")


@dataclass(frozen=True)
class Filter:
    text: str
    field: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Filter:
        m = _EXPR.match(text)
        if not m:
            raise BadValue(
                f"a filter is FIELD OP NUMBER with OP one of >= <= == != > <, e.g. "
                f"'turns>=16' or 'ctrs.mean>=4'; got {text!r}"
            )
        field, op, value = m.groups()
        return cls(text.strip(), ALIASES.get(field, field), op, float(value))

    def passes(self, values: Mapping[str, Any]) -> bool | None:
        """True / False, or None when the row has no such value (counted as dropped)."""
        v = values.get(self.field)
        if v is None:
            return None
        return _OPS[self.op](float(v), self.value)


def filter_fields(score: Iterable[str], rubrics: Iterable[str]) -> list[str]:
    """The fields a row of this configuration has for filters to test: the structural counts,
    the metrics of the offline evaluators in `score`, and the keys of the judged rubrics."""
    from theralab.evaluate.base import evaluator_keys
    from theralab.rubrics import resolve_rubrics

    fields = [*STRUCTURAL_FIELDS, *evaluator_keys(list(score))]
    for rubric in resolve_rubrics(list(rubrics)):
        fields += rubric.metric_keys()
    return list(dict.fromkeys(fields))


def check_filters(filters: Iterable[Filter], score: Iterable[str], rubrics: Iterable[str]) -> None:
    """Refuse, before any row is made, a filter on a field no row will have (a typo, or a
    score that no configured evaluator or rubric produces): such a filter drops every row."""
    valid = filter_fields(score, rubrics)
    for f in filters:
        if f.field not in valid:
            raise UnknownName(
                f"--filter {f.text!r}: no row has the field {f.field!r}{_source_hint(f.field)}; "
                f"the fields are: {', '.join(valid)}"
            )


def _source_hint(field: str) -> str:
    """Where a field not configured would come from: an evaluator or a rubric to add."""
    from theralab.evaluate.base import EVALUATORS, evaluator_keys
    from theralab.rubrics import builtin_rubrics

    for name in EVALUATORS:
        if field in evaluator_keys([name]):
            return f" (the {name} evaluator scores it: add it to --score)"
    rubric_id = field.partition(".")[0]
    if "." in field and rubric_id in builtin_rubrics():
        return f" (a judged field: add --rubric {rubric_id} and a judge)"
    return ""


def structural_problems(session: Session, min_turns: int = 4) -> list[str]:
    """What makes a dialogue unusable as training data, whatever its quality."""
    problems = []
    turns = session.turns
    if len(turns) < min_turns:
        problems.append(f"only {len(turns)} turns")
    if not any(t.speaker is Speaker.CLIENT for t in turns):
        problems.append("no client turn")
    if not any(t.speaker is Speaker.COUNSELOR for t in turns):
        problems.append("no counselor turn")
    for a, b in itertools.pairwise(turns):
        if a.speaker is b.speaker:
            problems.append("two turns in a row by the same speaker")
            break
    if any(not t.text.strip() for t in turns):
        problems.append("empty turn")
    seen: dict[tuple[str, str], int] = {}
    for t in turns:
        key = (t.speaker.value, " ".join(t.text.lower().split()))
        seen[key] = seen.get(key, 0) + 1
    if any(n > 1 for (_, text), n in seen.items() if len(text) > 20):
        problems.append("a turn repeated verbatim")
    if session.stop_reason is not None and session.stop_reason.value == "error":
        problems.append("session ended in error")
    return problems


def row_structural_problems(row: Mapping[str, Any]) -> list[str]:
    """`structural_problems` of a row's session, as the row holds it (JSON)."""
    return structural_problems(parse_session_line(json.dumps(row["session"])))


def row_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """The fields filters can test: structural counts, screening and every score."""
    session = row.get("session") or {}
    turns = session.get("turns", [])
    values: dict[str, Any] = {
        "turns": len(turns),
        "client_turns": sum(t.get("speaker") == "client" for t in turns),
        "counselor_turns": sum(t.get("speaker") == "counselor" for t in turns),
        "words": sum(len(t.get("text", "").split()) for t in turns),
    }
    values.update(row.get("scores") or {})
    return values
