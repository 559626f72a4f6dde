"""Simulated clients answering standard measures in character.

Scripted clients answer from their latent state with seeded noise (`answer_scripted`).
The mapping, item by item:

1. The client's *symptom state* holds its distress (the latent state's 0–10 distress), a
   loading per symptom domain and its suicide-risk level (`symptom_state`). A domain's level
   is `loading × distress / 10`; the `general` domain's is `distress / 10`.
   - depression: loading 1.0 when the presenting problem is depressive (low_mood, grief,
     self_esteem, loneliness), 0.8 when the profile's situations carry sadness, hurt, guilt,
     shame or disappointment, else 0.55;
   - anxiety: 1.0 for an anxiety problem (generalized_anxiety, health_anxiety, panic,
     social_anxiety), 0.8 when the situations carry anxiety, else 0.55;
   - psychosis, mania: the severity (0–1) of that condition when the client carries it,
     else 0 — a client without the condition answers every item of those checks with the
     lowest option, with no noise, however distressed. Unless passed explicitly, the
     severities are read from the latent state (`LatentState.conditions`), which moves with
     how the counselor meets the condition (`theralab.clients.conditions`);
   - eating disorder, OCD, PTSD, substance use (read from the latent state too) have no check
     of their own: each raises the depression and anxiety loadings to at least
     `base + slope × severity` (`CONDITION_LOADINGS`, hand-set parameters), never lowers them.
2. An item's expected option index is `level × item.weight × (options − 1)`; one Gaussian
   draw N(0, simulation.noise) per item (always drawn, in item order, so one seed gives one
   stream) is added and the sum is rounded half up and clipped to the options. Noise is only
   applied when the domain's loading is above 0.
3. Items with `driver: risk` (PHQ-9 item 9) follow the profile's risk level instead:
   none → the lowest option, no noise; low → 1, moderate → 2, high or imminent → 3 (clipped),
   plus the noise, never below 1.
4. Reverse-worded items are answered mirrored (a well client agrees with a positive item).

Model-backed clients answer item by item (`answer_with_model`): one call per item with a
bounded JSON schema whose only field is an enum of the item's option scores. An answer that
never validates (after the model layer's one repair), a refusal, a failed call or a value
that is not an option is recorded as unscored with its reason and counted — never replaced
by a default.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from theralab.clients.state import LatentState
from theralab.errors import BadValue
from theralab.measures.model import Domain, Instrument, MeasureItem
from theralab.measures.scoring import AnswerStatus, ItemAnswer, MeasureAnswers
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.profiles.model import ClientProfile, Emotion
from theralab.safety.risk import RiskLevel

PROMPT_VERSION = "measure_item v1"
DEPRESSIVE_PROBLEMS = frozenset({"low_mood", "grief", "self_esteem", "loneliness"})
ANXIOUS_PROBLEMS = frozenset({"generalized_anxiety", "health_anxiety", "panic", "social_anxiety"})
DEPRESSIVE_EMOTIONS = frozenset(
    {Emotion.SAD, Emotion.HURT, Emotion.GUILTY, Emotion.ASHAMED, Emotion.DISAPPOINTED}
)
ANXIOUS_EMOTIONS = frozenset({Emotion.ANXIOUS})
PRIMARY_LOADING = 1.0
EMOTION_LOADING = 0.8
BACKGROUND_LOADING = 0.55
# Condition → domain → (base, slope): a carried condition at severity s raises the domain's
# loading to at least min(1, base + slope × s). Parameters, not findings: OCD loads mostly on
# anxiety; PTSD on both (hyperarousal and low mood); an eating disorder on both, a little more
# on low mood; substance use mostly on low mood.
CONDITION_LOADINGS: dict[str, dict[Domain, tuple[float, float]]] = {
    "ocd": {Domain.ANXIETY: (0.6, 0.4), Domain.DEPRESSION: (0.55, 0.1)},
    "ptsd": {Domain.ANXIETY: (0.6, 0.4), Domain.DEPRESSION: (0.55, 0.35)},
    "eating_disorder": {Domain.ANXIETY: (0.55, 0.3), Domain.DEPRESSION: (0.55, 0.4)},
    "substance": {Domain.ANXIETY: (0.55, 0.2), Domain.DEPRESSION: (0.55, 0.35)},
}
_RISK_INDEX = {
    RiskLevel.NONE: 0,
    RiskLevel.LOW: 1,
    RiskLevel.MODERATE: 2,
    RiskLevel.HIGH: 3,
    RiskLevel.IMMINENT: 3,
}
_REFUSAL = re.compile(
    r"\b(I can(?:no|')t|I cannot|I'm (?:not able|unable)|I am (?:not able|unable)|"
    r"I won't|I will not|as an AI)\b",
    re.I,
)


class SymptomState(BaseModel):
    """What a scripted client's answers follow: distress, a loading per domain, risk."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    distress: float = Field(ge=0.0, le=10.0)
    loadings: dict[Domain, float] = Field(default_factory=dict)
    risk: RiskLevel = RiskLevel.NONE

    def loading(self, domain: Domain) -> float:
        if domain is Domain.GENERAL:
            return 1.0
        return max(0.0, min(1.0, self.loadings.get(domain, 0.0)))

    def level(self, domain: Domain) -> float:
        """The domain's symptom level, 0–1."""
        return self.loading(domain) * self.distress / 10.0


def _loading(
    problem: str, emotions: set[Emotion], problems: frozenset[str], feel: frozenset[Emotion]
) -> float:
    if problem in problems:
        return PRIMARY_LOADING
    if emotions & feel:
        return EMOTION_LOADING
    return BACKGROUND_LOADING


def symptom_state(
    profile: ClientProfile,
    state: LatentState | float,
    conditions: Mapping[str, float] | Iterable[str] | None = None,
) -> SymptomState:
    """The symptom state of a scripted client now: its latent distress (or a distress value),
    the profile's depressive and anxious loadings, its risk level, and the psychosis or mania
    it carries (`conditions`: names, at severity 1.0, or names with a 0–1 severity).

    Without `conditions`, a latent state's own condition severities are used: psychosis and
    mania as those checks' loadings, the others through `CONDITION_LOADINGS`."""
    distress = state.distress if isinstance(state, LatentState) else float(state)
    carried: dict[str, float] = {}
    if conditions is None:
        carried = dict(state.conditions) if isinstance(state, LatentState) else {}
        conditions = {
            k: max(0.0, min(1.0, v))
            for k, v in carried.items()
            if k in (Domain.PSYCHOSIS.value, Domain.MANIA.value)
        }
    emotions = set(profile.emotions)
    loadings: dict[Domain, float] = {
        Domain.DEPRESSION: _loading(
            profile.presenting_problem, emotions, DEPRESSIVE_PROBLEMS, DEPRESSIVE_EMOTIONS
        ),
        Domain.ANXIETY: _loading(
            profile.presenting_problem, emotions, ANXIOUS_PROBLEMS, ANXIOUS_EMOTIONS
        ),
    }
    severity = (
        dict(conditions) if isinstance(conditions, Mapping) else dict.fromkeys(conditions, 1.0)
    )
    for name, value in severity.items():
        if name not in (Domain.PSYCHOSIS.value, Domain.MANIA.value):
            raise BadValue(f"conditions are psychosis or mania, not {name!r}")
        domain = Domain(name)
        if not 0.0 <= value <= 1.0:
            raise BadValue(f"{name} severity {value} is outside 0–1")
        loadings[domain] = value
    for name, value in carried.items():
        for domain, (base, slope) in CONDITION_LOADINGS.get(name, {}).items():
            raised = min(1.0, base + slope * max(0.0, min(1.0, value)))
            loadings[domain] = max(loadings[domain], raised)
    return SymptomState(distress=distress, loadings=loadings, risk=profile.risk.level)


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _scripted_index(
    instrument: Instrument, item: MeasureItem, state: SymptomState, noise: float
) -> int:
    top = len(instrument.options_of(item)) - 1
    if item.driver == "risk":
        base = _RISK_INDEX[state.risk]
        if base == 0:
            return 0
        return max(1, min(top, _round_half_up(base + noise)))
    domain = instrument.simulation.domain
    if state.loading(domain) <= 0.0:
        return 0
    expected = state.level(domain) * item.weight * top
    return max(0, min(top, _round_half_up(expected + noise)))


def answer_scripted(
    instrument: Instrument, state: SymptomState, rng: random.Random
) -> MeasureAnswers:
    """A scripted client's answers (see the module docstring for the mapping); the same
    state and rng seed give the same answers."""
    answers = []
    for item in instrument.items:
        noise = rng.gauss(0.0, instrument.simulation.noise)
        index = _scripted_index(instrument, item, state, noise)
        scores = instrument.scores_of(item)
        value = scores[len(scores) - 1 - index] if item.reverse else scores[index]
        answers.append(ItemAnswer(item=item.id, status="answered", answer=value))
    return MeasureAnswers(instrument=instrument.tag, respondent="scripted", answers=answers)


# --- model-backed clients ----------------------------------------------------------------


def item_schema(instrument: Instrument, item: MeasureItem) -> dict[str, Any]:
    """The bounded answer schema for one item: only an enum of its option scores (an enum,
    not minimum/maximum: grammar-constrained decoders such as llama.cpp enforce enums)."""
    return {
        "type": "object",
        "properties": {"answer": {"enum": instrument.scores_of(item)}},
        "required": ["answer"],
        "additionalProperties": False,
    }


def persona_context(profile: ClientProfile, notes: str = "") -> str:
    """A short in-character description of the client for answering questionnaires;
    `notes` adds how things stand now (e.g. a summary of the sessions so far)."""
    d = profile.demographics
    lines = [
        f"You are {profile.name}, {d.age}, {d.gender}, {d.occupation}.",
        f"What has been going on: {profile.summary}",
        "In your own words: " + " ".join(profile.complaint),
    ]
    if profile.risk.level is not RiskLevel.NONE:
        lines.append("You also carry this: " + " ".join(profile.risk.disclosures))
    if profile.condition is not None:
        lines.append(
            f"You live with {profile.condition.presentation}: "
            + " ".join(profile.condition.disclosures)
        )
    if notes.strip():
        lines.append(notes.strip())
    return "\n".join(lines)


def item_messages(instrument: Instrument, item: MeasureItem, persona: str) -> list[ChatMessage]:
    n = instrument.items.index(item) + 1
    options = "; ".join(f"{o.score} = {o.label}" for o in instrument.options_of(item))
    points = " | ".join(str(s) for s in instrument.scores_of(item))
    system = (
        f"{persona.strip()}\n\n"
        "You are filling in a questionnaire as this person, honestly and in character: answer "
        "how you have really been, not how you would like to seem. You are not an assistant."
    )
    user = (
        f"{instrument.name}\n{instrument.instructions.strip()}\n"
        f"Timeframe: {instrument.timeframe}\n\n"
        f"Item {n} of {len(instrument.items)}: {item.text}\n"
        f"Options: {options}.\n"
        f'Reply with JSON only: {{"answer": <{points}>}}'
    )
    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


async def _answer_item(
    instrument: Instrument,
    item: MeasureItem,
    model: Model,
    persona: str,
    seed: int,
    temperature: float,
    max_tokens: int,
) -> ItemAnswer:
    config = GenerateConfig(
        temperature=temperature,
        seed=seed,
        max_tokens=max_tokens,
        json_schema=item_schema(instrument, item),
        schema_name="measure_item",
        cache_tag=f"{instrument.tag}/{item.id}/{PROMPT_VERSION}",
    )
    try:
        out = await model.generate(item_messages(instrument, item, persona), config)
    except ModelError as exc:
        if exc.kind is ErrorKind.COST_LIMIT:
            raise
        status: AnswerStatus = "error"
        if exc.kind is ErrorKind.UNPARSEABLE:
            status = "refused" if _REFUSAL.search(exc.raw or "") else "unparseable"
        return ItemAnswer(item=item.id, status=status, reason=str(exc)[:300])
    value = (out.parsed or {}).get("answer")
    # bool is an int in Python: true/false are not option scores
    if type(value) is not int or value not in instrument.scores_of(item):
        return ItemAnswer(
            item=item.id, status="out_of_range", reason=f"not an option: {value!r}"[:300]
        )
    return ItemAnswer(item=item.id, status="answered", answer=value)


async def answer_with_model(
    instrument: Instrument,
    model: Model,
    persona: str,
    *,
    seed: int = 0,
    temperature: float = 0.0,
    max_tokens: int = 24,
    on_answer: Callable[[ItemAnswer], None] | None = None,
) -> MeasureAnswers:
    """A model-backed client's answers: one bounded call per item, asked in order, one at a
    time, as a respondent fills in a form (item n gets seed + n); unscored answers are
    recorded with their reason and counted. Run many clients concurrently, not many items."""
    answers: list[ItemAnswer] = []
    for n, item in enumerate(instrument.items):
        answer = await _answer_item(
            instrument, item, model, persona, seed + n, temperature, max_tokens
        )
        if on_answer is not None:
            on_answer(answer)
        answers.append(answer)
    return MeasureAnswers(
        instrument=instrument.tag,
        respondent="model",
        answers=answers,
        calls=len(instrument.items),
    )
