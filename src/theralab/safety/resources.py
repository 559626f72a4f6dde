"""Localised crisis resources (a data file per country, with a generic fallback)."""

from __future__ import annotations

from functools import cache
from importlib import resources as _files

import yaml
from pydantic import BaseModel, ConfigDict

_ALIASES = {"UK": "GB"}


class Resource(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    contact: str
    kind: str

    def line(self) -> str:
        return f"{self.name}: {self.contact}"


class CountryResources(BaseModel):
    code: str
    name: str
    emergency: str
    resources: list[Resource]

    def of_kind(self, *kinds: str) -> list[Resource]:
        return [r for r in self.resources if r.kind in kinds]

    def crisis_line(self) -> Resource:
        """The line the guardrail's own sentences name: the first crisis line (any first
        resource where the country lists none)."""
        return (self.of_kind("crisis") or self.resources)[0]


@cache
def _table() -> dict[str, CountryResources]:
    raw = yaml.safe_load(
        (_files.files("theralab.safety") / "data" / "resources.yaml").read_text(encoding="utf-8")
    )
    return {code: CountryResources(code=code, **entry) for code, entry in raw["countries"].items()}


def country_of(locale: str | None) -> str:
    """'en-GB' → 'GB', 'UK' → 'GB', 'fr_CA' → 'CA'; unknown or missing → 'GENERIC'."""
    if not locale:
        return "GENERIC"
    code = locale.replace("_", "-").split("-")[-1].upper()
    code = _ALIASES.get(code, code)
    return code if code in _table() else "GENERIC"


def resources_for(locale: str | None) -> CountryResources:
    """The resource table for a locale, or the generic fallback."""
    return _table()[country_of(locale)]


def directory() -> Resource:
    """The international directory of crisis lines (the generic table's first line), for
    someone whose country or language TheraLab does not know."""
    return _table()["GENERIC"].crisis_line()


def supported_countries() -> list[str]:
    return [c for c in _table() if c != "GENERIC"]
