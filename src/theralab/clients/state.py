"""The scripted client's latent state and how counselor behaviour moves it.

The numbers are a hand-set model of well-replicated findings in MI and CBT process research:
reflections and affirmations build the alliance; unsolicited advice, confrontation and chains
of closed questions provoke resistance ("righting reflex" → sustain talk); autonomy support
lowers it; Socratic questioning only surfaces automatic thoughts and beliefs once trust exists;
a reframe is taken up according to the client's openness. They are parameters, not findings
of their own, and are recorded in the transcripts' annotations so their effects can be audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from theralab.coding.rules import CodedUtterance
from theralab.dialogue.codes import MiscCode
from theralab.dialogue.records import ClientState
from theralab.profiles.model import Attitude, ClientProfile, Stage, Style

_INITIAL_TRUST = {Attitude.POSITIVE: 0.45, Attitude.NEUTRAL: 0.32, Attitude.NEGATIVE: 0.2}
_INITIAL_RESISTANCE = {Attitude.POSITIVE: 0.1, Attitude.NEUTRAL: 0.2, Attitude.NEGATIVE: 0.35}
_INITIAL_READINESS = {
    Stage.PRECONTEMPLATION: 0.15,
    Stage.CONTEMPLATION: 0.45,
    Stage.PREPARATION: 0.7,
}
CONTEMPLATION_AT = 0.35
PREPARATION_AT = 0.65
THOUGHT_TRUST = 0.42
BELIEF_TRUST = 0.58
DISENGAGE_RESISTANCE = 0.8
# Turns of high resistance a client sits through before walking out: people-pleasers stay
# longest, upset clients leave soonest.
_PATIENCE = {Style.PLEASING: 7, Style.UPSET: 2}
DEFAULT_PATIENCE = 3


def clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


@dataclass
class LatentState:
    """Trust, distress (0–10), readiness for change, resistance, and what has been disclosed."""

    trust: float
    distress: float
    readiness: float
    resistance: float
    receptivity: int
    patience: int = DEFAULT_PATIENCE
    disclosed: list[str] = field(default_factory=list)
    closed_chain: int = 0
    high_resistance_turns: int = 0
    # Severity (0–1) of each clinical condition the client carries (psychosis, mania…), as
    # it moves with how the counselor meets it; the symptom checks read it.
    conditions: dict[str, float] = field(default_factory=dict)

    @classmethod
    def initial(cls, profile: ClientProfile) -> LatentState:
        return cls(
            trust=_INITIAL_TRUST[profile.attitude],
            distress=float(profile.baseline_distress),
            readiness=_INITIAL_READINESS[profile.stage],
            resistance=_INITIAL_RESISTANCE[profile.attitude],
            receptivity=profile.receptivity,
            patience=_PATIENCE.get(profile.style, DEFAULT_PATIENCE),
            conditions=(
                {profile.condition.kind.value: profile.condition.severity}
                if profile.condition is not None
                else {}
            ),
        )

    def to_carry(self) -> dict[str, Any]:
        """The exact state as JSON-ready data (floats unrounded), for the next session."""
        return asdict(self)

    @classmethod
    def from_carry(cls, data: dict[str, Any]) -> LatentState:
        """The state `to_carry` wrote (unknown keys are an error: a record from another
        version must not be half-read)."""
        names = {f.name for f in fields(cls)}
        stray = sorted(set(data) - names)
        if stray:
            raise ValueError(f"unknown client state field(s): {', '.join(stray)}")
        values = dict(data)
        values["disclosed"] = list(values.get("disclosed", []))
        values["conditions"] = dict(values.get("conditions", {}))
        return cls(**values)

    @property
    def stage(self) -> Stage:
        if self.readiness >= PREPARATION_AT:
            return Stage.PREPARATION
        if self.readiness >= CONTEMPLATION_AT:
            return Stage.CONTEMPLATION
        return Stage.PRECONTEMPLATION

    @property
    def openness(self) -> float:
        """How much an invitation to change lands: receptivity scaled to 0.4–1.2."""
        return 0.2 + 0.2 * self.receptivity

    def disclose(self, item: str) -> None:
        if item not in self.disclosed:
            self.disclosed.append(item)

    def has(self, item: str) -> bool:
        return item in self.disclosed

    def has_prefix(self, prefix: str) -> bool:
        return any(d.startswith(prefix) for d in self.disclosed)

    def snapshot(self) -> ClientState:
        return ClientState(
            trust=round(self.trust, 3),
            distress=round(self.distress, 2),
            readiness=round(self.readiness, 3),
            resistance=round(self.resistance, 3),
            stage=self.stage.value,
            disclosed=list(self.disclosed),
        )

    # --- dynamics -------------------------------------------------------------------------

    def perceive(self, act: CodedUtterance) -> None:
        """Update the state for what the counselor just did (before the client answers)."""
        gain = self.openness
        premature = self.trust < 0.5 or self.readiness < CONTEMPLATION_AT
        for code in act.codes:
            if code is MiscCode.COMPLEX_REFLECTION:
                self.shift(trust=0.075, resistance=-0.06, distress=-0.25)
            elif code is MiscCode.SIMPLE_REFLECTION:
                self.shift(trust=0.05, resistance=-0.04, distress=-0.15)
            elif code is MiscCode.AFFIRM:
                self.shift(trust=0.05, resistance=-0.02, readiness=0.02 * gain)
            elif code is MiscCode.SUPPORT:
                self.shift(trust=0.04, distress=-0.2)
            elif code is MiscCode.EMPHASIZE_AUTONOMY:
                self.shift(resistance=-0.08, readiness=0.03 * gain)
            elif code is MiscCode.SEEK_COLLABORATION:
                self.shift(trust=0.03, resistance=-0.02)
            elif code is MiscCode.ADVISE_WITH_PERMISSION:
                if premature:
                    self.shift(resistance=0.04)
                else:
                    self.shift(readiness=0.05 * gain)
            elif code in (
                MiscCode.ADVISE_WITHOUT_PERMISSION,
                MiscCode.DIRECT,
                MiscCode.PERSUADE,
                MiscCode.WARN,
            ):
                if premature:
                    self.shift(trust=-0.07, resistance=0.13, distress=0.2)
                else:
                    self.shift(trust=-0.02, resistance=0.05)
            elif code is MiscCode.CONFRONT:
                self.shift(trust=-0.12, resistance=0.22, distress=0.6)
            elif code is MiscCode.GIVE_INFORMATION:
                self.shift(
                    resistance=0.03 if self.resistance > 0.5 else -0.01, readiness=0.01 * gain
                )
            elif code is MiscCode.RAISE_CONCERN:
                self.shift(resistance=0.04, readiness=0.02 * gain)
        if act.primary is MiscCode.CLOSED_QUESTION:
            self.closed_chain += 1
            if self.closed_chain >= 2:
                self.shift(trust=-0.03, resistance=0.07)
        elif act.has(
            MiscCode.OPEN_QUESTION, MiscCode.SIMPLE_REFLECTION, MiscCode.COMPLEX_REFLECTION
        ):
            self.closed_chain = 0
        self.high_resistance_turns = self.high_resistance_turns + 1 if self.resistance > 0.65 else 0

    def shift(
        self,
        trust: float = 0.0,
        resistance: float = 0.0,
        distress: float = 0.0,
        readiness: float = 0.0,
    ) -> None:
        if trust > 0:  # the alliance grows with diminishing returns near its ceiling
            trust *= 1.6 * (1.0 - self.trust)
        if distress < 0:  # relief is proportional: the calmer the client, the less is left
            distress *= 1.2 * self.distress / 10.0
        self.trust = clip(self.trust + trust)
        self.resistance = clip(self.resistance + resistance)
        self.distress = clip(self.distress + distress, 0.0, 10.0)
        self.readiness = clip(self.readiness + readiness)

    def after_change_talk(self) -> None:
        """Hearing oneself argue for change nudges readiness (self-perception)."""
        self.shift(readiness=0.05 * self.openness, distress=-0.1)

    def after_sustain_talk(self) -> None:
        self.shift(readiness=-0.01)

    def after_reframe(self, accepted: bool) -> None:
        if accepted:
            self.shift(distress=-1.0, readiness=0.07 * self.openness, trust=0.03)
        else:
            self.shift(resistance=0.05, distress=0.1)

    def after_commitment(self) -> None:
        self.shift(distress=-0.4, readiness=0.08 * self.openness)

    def after_deep_disclosure(self) -> None:
        """Naming a painful belief is activating at first, then relieving once it is heard."""
        self.shift(distress=0.4, trust=0.02)

    @property
    def wants_to_leave(self) -> bool:
        return (
            (self.resistance >= DISENGAGE_RESISTANCE or self.trust <= 0.03) and self.patience < 5
        ) or self.high_resistance_turns >= self.patience
