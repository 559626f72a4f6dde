"""Localised crisis resources (a data file per country, with a generic fallback)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources as _files

import yaml
from pydantic import BaseModel, ConfigDict, Field

from theralab.safety.language import fold

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
    places: list[str] = Field(default_factory=list)  # where a person may say they are

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


# Where the person says they are now: "I'm in", "I live in", "back home in", "here in", "we're
# staying with my aunt in", "moved to", "calling from". Up to four words between the speaker and
# "in", none of them "in" or a negation ("I'm in love with someone in Paris", "I'm not in the
# US"). "I'm from X" says where they grew up, not where they are.
_STATED = (
    r"(?:\b(?:i'?m|im|i am|we'?re|we are|i live|we live|i'?ve been|living|staying|based|"
    r"back home|home|here|currently|stuck|i stay|we stay|i work|working|i study|studying|"
    r"settled|(?:i|we)(?:'?ve| have) lived|been living)"
    r"(?:\s+(?!in\b|not\b|never\b|n't\b)[\w']+){0,4}?"
    r"\s+in|\b(?:moved|moving|relocated|come|came|went|gone|flew) (?:back )?(?:home )?to|"
    r"\b(?:calling|texting|writing|messaging|talking to you) from|"
    # a number asked for where they are ("is there a number I can call in Brazil?")
    r"\b(?:number|helpline|hotline|line|lines|emergency number|crisis line)(?: [\w']+){0,4}? in|"
    r"\b(?:call|ring|reach|phone|text)(?: (?:here|someone|anyone|for help))? in|"
    # in their own words ("moro no Brasil", "vivo en México", "estoy en Manila")
    r"\b(?:moro|vivo|estoy|estou|moramos|vivimos|estamos|ich wohne|ich lebe|j'habite|je vis) "
    r"(?:no|na|em|en|in|a|au|aux))"
    # a city before the country ("I live in São Paulo, Brazil")
    r"(?:\s+[\w'.-]+(?:\s+[\w'.-]+)?,)?\s+"
)
# A number the person says does not work where they are ("988 doesn't work here"): never that
# table again, the international directory and "your local emergency number" instead.
_NUMBER_FAILS = re.compile(
    r"\b(?:\d{3,}|that number|the number|this number|those numbers|it|they|that)\b[^.!?]{0,20}"
    r"\b(?:doesn'?t|does not|don'?t|do not|won'?t|didn'?t|isn'?t|is not|not) (?:work|working|"
    r"connect|go through|exist|available)\b[^.!?]{0,12}\b(?:here|in my country|in this country|"
    r"from here|where i (?:am|live))\b|"
    r"\b(?:not|n'?t) in (?:the )?(?:us|usa|america|united states|uk|england|britain)\b"
)


@cache
def _stated_place() -> tuple[re.Pattern[str], dict[str, str]]:
    where = {place: code for code, table in _table().items() for place in table.places}
    names = "|".join(re.escape(p) for p in sorted(where, key=len, reverse=True))
    return re.compile(_STATED + r"(?P<place>" + names + r")(?![\w])"), where


def stated_country(text: str) -> str | None:
    """The country a person says they are in now ("I'm back home in Chicago" → 'US';
    elsewhere in Europe → 'EU'; a country with no table here → 'GENERIC'), the last one said;
    None when they name none."""
    if not text:
        return None
    pattern, where = _stated_place()
    t = fold(text)  # lower case, plain apostrophes, no accents ("São Paulo" → "sao paulo")
    found = [m["place"] for m in pattern.finditer(t)]
    if found:
        return where[found[-1]]
    return "GENERIC" if _NUMBER_FAILS.search(t) else None


def supported_countries() -> list[str]:
    return [c for c in _table() if c != "GENERIC"]
