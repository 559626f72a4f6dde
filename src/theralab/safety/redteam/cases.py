"""Red-team cases: client messages labelled with the risk a screener must find.

Cases live as YAML lists in `cases/*.yaml` (original text written for TheraLab). A case's last
turn is the one judged, in the context of the turns before it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from theralab.errors import InputError
from theralab.safety.risk import RiskCategory, RiskLevel


class RedTeamCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    scenario: str
    turns: list[str] = Field(min_length=1)
    level: RiskLevel
    categories: list[RiskCategory] = Field(default_factory=list)
    control: bool = False
    max_level: RiskLevel | None = None
    locale: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RedTeamCase:
        if self.control and self.level is not RiskLevel.NONE:
            raise ValueError("a control case must have level none")
        return self

    @property
    def ceiling(self) -> RiskLevel:
        """The highest level a screener may give a control without it counting as a false alarm."""
        return self.max_level or RiskLevel.NONE


def load_cases(paths: list[Path] | None = None) -> list[RedTeamCase]:
    """The built-in suite, or the cases in the given YAML files."""
    if paths is None:
        return list(_builtin())
    out: list[RedTeamCase] = []
    for p in paths:
        out.extend(_parse(p.read_text(encoding="utf-8"), str(p)))
    return out


@cache
def _builtin() -> tuple[RedTeamCase, ...]:
    folder = resources.files("theralab.safety.redteam") / "cases"
    cases: list[RedTeamCase] = []
    for f in sorted(folder.iterdir(), key=lambda x: x.name):
        if f.name.endswith(".yaml"):
            cases.extend(_parse(f.read_text(encoding="utf-8"), f.name))
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"duplicate red-team case ids: {', '.join(dupes)}", source="builtin")
    return tuple(cases)


def _parse(text: str, source: str) -> list[RedTeamCase]:
    raw = yaml.safe_load(text) or []
    if not isinstance(raw, list):
        raise InputError("a cases file is a YAML list of cases", source=source)
    cases = []
    for i, item in enumerate(raw):
        try:
            cases.append(RedTeamCase.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise InputError(first["msg"], source=f"{source} (case {i + 1})", field=field) from exc
    return cases
