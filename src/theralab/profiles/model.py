"""The client profile: a CBT cognitive conceptualisation plus what a simulator needs to speak.

Field names follow the cognitive conceptualisation diagram used by Patient-Ψ (history, core
beliefs in three categories, intermediate beliefs, coping strategies, situations with
automatic thoughts → emotions → behaviours) and the Cactus intake (attitude toward
counseling). Text fields marked *client voice* are written in the first person, the way the
client would say them, so a scripted client can speak them and a counselor can reflect them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from theralab.dialogue.risk import RiskLevel

Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=400)]


class Attitude(StrEnum):
    """Attitude toward counseling (Cactus)."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Style(StrEnum):
    """Conversational styles of Patient-Ψ."""

    PLAIN = "plain"
    UPSET = "upset"
    VERBOSE = "verbose"
    RESERVED = "reserved"
    TANGENT = "tangent"
    PLEASING = "pleasing"


class Stage(StrEnum):
    """MI stages of change a simulated client can be in."""

    PRECONTEMPLATION = "precontemplation"
    CONTEMPLATION = "contemplation"
    PREPARATION = "preparation"


class Emotion(StrEnum):
    """Emotion groups of the cognitive model."""

    ANXIOUS = "anxious"
    SAD = "sad"
    ANGRY = "angry"
    ASHAMED = "ashamed"
    DISAPPOINTED = "disappointed"
    JEALOUS = "jealous"
    GUILTY = "guilty"
    HURT = "hurt"
    SUSPICIOUS = "suspicious"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Demographics(_Strict):
    age: int = Field(ge=13, le=100)
    gender: str = Field(min_length=1, max_length=40)
    occupation: str = Field(min_length=2, max_length=80)
    culture: str = Field(min_length=2, max_length=80, description="Cultural background.")
    relationship_status: str = Field(min_length=2, max_length=60)
    living_situation: str = Field(min_length=2, max_length=120)


class CoreBeliefs(_Strict):
    """Core beliefs by category; client voice (e.g. "I'm not good enough")."""

    helpless: list[Sentence] = Field(default_factory=list)
    unlovable: list[Sentence] = Field(default_factory=list)
    worthless: list[Sentence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _at_least_one(self) -> CoreBeliefs:
        if not (self.helpless or self.unlovable or self.worthless):
            raise ValueError("at least one core belief (helpless, unlovable or worthless)")
        return self

    def categories(self) -> list[str]:
        return [c for c in ("helpless", "unlovable", "worthless") if getattr(self, c)]

    def all(self) -> list[str]:
        return [*self.helpless, *self.unlovable, *self.worthless]


class Situation(_Strict):
    """One triggering situation with its thought → emotion → behaviour chain (client voice)."""

    situation: Sentence
    automatic_thoughts: list[Sentence] = Field(min_length=1)
    emotions: list[Emotion] = Field(min_length=1)
    behaviours: list[Sentence] = Field(min_length=1)
    balanced_thought: Sentence = Field(
        description="An alternative, more balanced thought the client can reach (client voice)."
    )


class Motivation(_Strict):
    """What MI works on: a target behaviour and the client's two sides about changing it."""

    target_behaviour: Sentence = Field(
        description="Client voice verb phrase that follows 'I want to', e.g. 'cut down on my "
        "drinking'."
    )
    change_talk: list[Sentence] = Field(min_length=2, description="Client voice: reasons for.")
    sustain_talk: list[Sentence] = Field(min_length=2, description="Client voice: reasons against.")
    first_steps: list[Sentence] = Field(
        min_length=1, description="Client voice: concrete steps the client could commit to."
    )


class RiskProfile(_Strict):
    """Suicide / self-harm risk the client carries and may disclose once trust allows."""

    level: RiskLevel = RiskLevel.NONE
    disclosures: list[Sentence] = Field(
        default_factory=list, description="Client voice: what the client says when disclosing."
    )

    @model_validator(mode="after")
    def _disclosure_matches_level(self) -> RiskProfile:
        if self.level is not RiskLevel.NONE and not self.disclosures:
            raise ValueError(f"risk level {self.level.value!r} needs at least one disclosure")
        return self


class ConditionKind(StrEnum):
    """Clinical conditions a simulated client can present with (beyond the risk ladder)."""

    PSYCHOSIS = "psychosis"
    MANIA = "mania"
    EATING_DISORDER = "eating_disorder"
    OCD = "ocd"
    PTSD = "ptsd"
    SUBSTANCE = "substance"


_Delta = Annotated[float, Field(ge=-0.5, le=0.5)]


class Reaction(_Strict):
    """How the client's state moves, and what it says, when the counselor meets its condition
    one way. The numbers are hand-set parameters of the simulation, not findings: `severity` is
    added to the condition's severity (0–1, clipped), `trust`, `resistance` (0–1) and
    `distress` (0–10) go through `LatentState.shift` once per reply met this way."""

    severity: _Delta = 0.0
    trust: _Delta = 0.0
    resistance: _Delta = 0.0
    distress: float = Field(default=0.0, ge=-3.0, le=3.0)
    lines: list[Sentence] = Field(
        min_length=1, description="Client voice: what the client says when met this way."
    )


class ConditionReactions(_Strict):
    """The client's reactions to the three ways a counselor can meet its condition.

    - `collusion`: the counselor affirms the delusion, helps the manic plan, reassures the
      compulsion, gives diet or purging tactics, encourages avoidance or use. The client feels
      believed or helped, which is the harm: severity must rise (`severity > 0`).
    - `dismissal`: the condition is waved away, argued with or mocked ("that's ridiculous").
      Trust must fall and resistance rise.
    - `care`: gentle exploration, naming the feeling, suggesting a doctor or prescriber,
      asking about safety, never restating the belief as fact (the moves of
      `theralab.safety.conditions`). Severity must fall a little and trust rise.
    """

    collusion: Reaction
    dismissal: Reaction
    care: Reaction

    @model_validator(mode="after")
    def _directions(self) -> ConditionReactions:
        if self.collusion.severity <= 0:
            raise ValueError("collusion must raise severity (collusion.severity > 0)")
        if self.dismissal.trust >= 0 or self.dismissal.resistance <= 0:
            raise ValueError("dismissal must lower trust and raise resistance")
        if self.care.severity >= 0 or self.care.trust <= 0:
            raise ValueError("care must lower severity and raise trust")
        return self


class ClinicalCondition(_Strict):
    """A clinical condition the client presents with: its kind, how it shows, its baseline
    severity, how the client voices it, and how the client reacts to the counselor's reply."""

    kind: ConditionKind
    presentation: str = Field(
        min_length=3, max_length=80, description='E.g. "persecutory delusions".'
    )
    severity: float = Field(ge=0.0, le=1.0, description="Baseline severity, 0–1 (a parameter).")
    disclosures: list[Sentence] = Field(
        min_length=2,
        description="Client voice: how the client voices the condition (the belief, the voices, "
        "the plan, the ritual), shallow before deep.",
    )
    reactions: ConditionReactions


class ClientProfile(_Strict):
    """A simulated client's full profile: demographics, problem, cognitive model, dispositions."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")
    name: str = Field(min_length=1, max_length=40)
    demographics: Demographics
    presenting_problem: str = Field(
        pattern=r"^[a-z][a-z_]{2,40}$", description="Category, e.g. work_stress."
    )
    summary: Sentence = Field(description="Third person, one or two sentences.")
    complaint: list[Sentence] = Field(
        min_length=2, description="Client voice: how the client first describes the problem."
    )
    history: Sentence = Field(description="Relevant history, third person.")
    history_disclosures: list[Sentence] = Field(
        min_length=1, description="Client voice: what the client says about their history."
    )
    core_beliefs: CoreBeliefs
    intermediate_beliefs: list[Sentence] = Field(
        min_length=1, description="Rules, attitudes, assumptions (client voice)."
    )
    coping_strategies: list[Sentence] = Field(
        min_length=1, description="Client voice: what the client does to cope."
    )
    situations: list[Situation] = Field(min_length=1)
    motivation: Motivation
    tangents: list[Sentence] = Field(
        min_length=2, description="Client voice: digressions a tangential client drifts into."
    )
    strengths: list[Sentence] = Field(
        min_length=1, description="Third person: strengths a counselor could affirm."
    )
    attitude: Attitude
    style: Style
    stage: Stage
    receptivity: int = Field(ge=1, le=5, description="1 = closed to change, 5 = very open.")
    baseline_distress: int = Field(ge=0, le=10)
    risk: RiskProfile = Field(default_factory=RiskProfile)
    # Optional and left out of the dump when absent, so a profile without a condition dumps
    # (and digests) exactly as before the field existed; left out of the JSON schema too, so
    # generated profiles (theralab synth) are asked for the same fields as before.
    condition: SkipJsonSchema[ClinicalCondition | None] = Field(
        default=None, exclude_if=lambda v: v is None
    )

    @property
    def emotions(self) -> list[Emotion]:
        seen: dict[Emotion, None] = {}
        for s in self.situations:
            for e in s.emotions:
                seen.setdefault(e)
        return list(seen)
