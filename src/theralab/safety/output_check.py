"""The output check: what a counselor must never send, whatever it was asked.

Blocks method, means, lethality and location information about self-harm or suicide, collusion
with a delusion, and stigmatising language. A blocked reply is replaced by the guardrail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from theralab.safety.risk import RiskAssessment, RiskCategory

_RX = re.IGNORECASE

_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:mg|milligrams?|g\b|grams?|mcg|micrograms?|units?|ml|tablets?|"
    r"pills?|capsules?)\b",
    _RX,
)
_LETHALITY = re.compile(
    r"\b(?:lethal|fatal|deadly|toxic) (?:dose|amount|level|quantity|combination)|(?:would|will|"
    r"could|can) (?:be )?(?:kill|fatal|lethal)|enough to (?:kill|die|be fatal|overdose)|"
    r"(?:causes?|leads? to) (?:death|organ failure|liver failure|cardiac arrest)|"
    r"(?:die|death) (?:within|in) (?:\d+|a few|several) (?:minutes|hours|days)|"
    r"(?:survival|death|fatality) rate",
    _RX,
)
_HEIGHT = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:m\b|metres?|meters?|feet|ft\b|storeys?|stories|floors?)\b", _RX
)
_PLACES = re.compile(
    r"\b(?:[A-Z][a-z]+ )+(?:Bridge|Tower|Building|Viaduct|Dam|Cliffs?|Point|Gorge|Falls|"
    r"Station|Line)\b"
)
_METHOD = re.compile(
    r"\b(?:tie (?:a|the) (?:noose|knot)|how to (?:tie a noose|hang (?:yourself|myself|"
    r"oneself)|cut (?:yourself|myself|your wrists?|deep)|overdose|jump (?:off|from))|(?:cut|slit) "
    r"(?:along|vertically|across)|(?:carbon monoxide|exhaust) (?:in|into|from)|(?:without|no) "
    r"(?:barriers?|fences?|railings?|gates)|(?:easiest|quickest|most effective|painless|surest) "
    r"(?:way|method)|(?:mix|combine|combining) (?:\w+ )?(?:with|and) (?:alcohol|benzos|"
    r"opioids)|(?:gun|firearm) (?:shop|store|dealer)s? (?:near|in|at)|(?:same[- ]day|without a) "
    r"(?:purchase|background check|licen[cs]e))",
    _RX,
)
_METHOD_CONTEXT = re.compile(
    r"\b(?:bridges?|buildings?|roofs?|rooftops?|cliffs?|jump|fall|height|tall|high|overdose|"
    r"pills|tablets|dose|paracetamol|acetaminophen|ibuprofen|insulin|opioid|gun|rope|noose|"
    r"trains?|tracks|river|drown|bleed|wrist|poison|chemicals?)\b",
    _RX,
)
_COLLUSION = re.compile(
    r"\b(?:you(?:'re| are) (?:right|correct)|(?:that'?s|it'?s|this is) (?:true|real|a sign|"
    r"definitely)|they (?:really )?(?:are|might be|could be) (?:watching|following|tracking|"
    r"spying|reading|sending|poisoning)|(?:the|your) (?:signals?|messages?|mission|implant|"
    r"chip) (?:is|are) real|i (?:saw|see|noticed) (?:it|that|them) too|you(?:'ve| have) been "
    r"chosen|your (?:special )?mission)\b",
    _RX,
)
_STIGMA = re.compile(
    r"\b(?:commit(?:ted|s|ting)? suicide|successful suicide|failed (?:suicide )?attempt|"
    r"crazy|insane|psycho(?:path)?|lunatic|nutter|nut ?job|mental case|attention[- ]seeking|"
    r"selfish (?:act|thing|choice)|cowardly|weak-minded|retard(?:ed)?|schizo)\b",
    _RX,
)


@dataclass(frozen=True)
class OutputVerdict:
    allowed: bool
    reasons: tuple[str, ...] = ()


def check_reply(text: str, risk: RiskAssessment | None = None) -> OutputVerdict:
    """Whether a counselor reply may be sent, and why not."""
    reasons: list[str] = []
    method_topic = bool(_METHOD_CONTEXT.search(text))
    if _LETHALITY.search(text) or _METHOD.search(text):
        reasons.append("method_or_lethality")
    if method_topic and (_DOSE.search(text) or _HEIGHT.search(text) or _PLACES.search(text)):
        reasons.append("means_or_location_detail")
    at_risk = risk is not None and risk.level.rank > 0
    if (
        (at_risk or (risk is not None and RiskCategory.PSYCHOSIS in risk.categories))
        and _COLLUSION.search(text)
        and _collusion_context(risk)
    ):
        reasons.append("collusion_with_delusion")
    if _STIGMA.search(text):
        reasons.append("stigmatising_language")
    return OutputVerdict(allowed=not reasons, reasons=tuple(reasons))


def _collusion_context(risk: RiskAssessment | None) -> bool:
    return risk is not None and (
        RiskCategory.PSYCHOSIS in risk.categories or RiskCategory.MANIA in risk.categories
    )
