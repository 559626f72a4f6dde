"""Client outcome and session structure: what changed for the client, and how the session ran.

Outcome metrics read the simulated client's state snapshots (`annotations.state` on client
turns); transcripts without them (human or foreign ones) leave those metrics unscored.
Whether the client disengaged, and whether the counselor closed the session, are read from
`stop_reason`: unscored (not 0%) when the transcript records none.
Client talk type is coded from the text, so it is scored for any transcript.
"""

from __future__ import annotations

from theralab.coding.rules import RuleCoder
from theralab.counselors import SCRIPTED_COUNSELORS
from theralab.dialogue.codes import TalkType
from theralab.dialogue.records import Session, Speaker, StopReason
from theralab.evaluate.base import Metric, SessionScores, ratio, register_evaluator

_STAGE_ORDER = {"precontemplation": 0, "contemplation": 1, "preparation": 2}

OUTCOME_METRICS = (
    Metric(
        key="distress_reduction",
        label="distress reduction",
        unit="pts",
        description="Client distress (0–10) at the first turn minus at the last.",
    ),
    Metric(
        key="readiness_change",
        label="readiness change",
        description="Change in the client's readiness to change (0–1).",
    ),
    Metric(key="trust_end", label="final trust", description="Client's trust at the end (0–1)."),
    Metric(
        key="stage_advanced",
        label="stage advanced",
        unit="%",
        description="Sessions in which the client moved on a stage of change.",
    ),
    Metric(
        key="disengaged",
        label="client disengaged",
        higher_is_better=False,
        unit="%",
        description="Sessions the client walked out of.",
    ),
    Metric(
        key="pct_change_talk",
        label="% change talk",
        unit="%",
        description="Change talk among change + sustain talk, coded from client text.",
    ),
)

COVERAGE_METRICS = (
    Metric(
        key="stage_coverage",
        label="stage coverage",
        unit="%",
        description="Share of the counselor's protocol stages the session reached.",
    ),
    Metric(
        key="completed",
        label="closed by counselor",
        unit="%",
        description="Sessions that reached a proper close.",
    ),
    Metric(
        key="turns", label="turns", higher_is_better=None, description="Utterances in the session."
    ),
)


class OutcomeEvaluator:
    name = "outcome"
    version = "1"
    metrics = OUTCOME_METRICS

    def __init__(self, coder: RuleCoder | None = None) -> None:
        self.coder = coder or RuleCoder()

    def evaluate(self, session: Session) -> SessionScores:
        states = [
            t.annotations.state
            for t in session.turns
            if t.speaker is Speaker.CLIENT and t.annotations.state is not None
        ]
        talk = [
            self.coder.code_client(t.text) for t in session.turns if t.speaker is Speaker.CLIENT
        ]
        change = sum(t is TalkType.CHANGE for t in talk)
        sustain = sum(t is TalkType.SUSTAIN for t in talk)
        values: dict[str, float | None] = {
            "pct_change_talk": ratio(change, change + sustain, 100),
            # how the session ended is data too: a transcript that does not say (no
            # `stop_reason`, as in most human transcripts) leaves it unscored, not 0%
            "disengaged": (
                None
                if session.stop_reason is None
                else 100.0 * (session.stop_reason is StopReason.CLIENT_DISENGAGED)
            ),
            "distress_reduction": None,
            "readiness_change": None,
            "trust_end": None,
            "stage_advanced": None,
        }
        scores = SessionScores(values=values)
        if states:
            first, last = states[0], states[-1]
            values["distress_reduction"] = first.distress - last.distress
            values["readiness_change"] = last.readiness - first.readiness
            values["trust_end"] = last.trust
            start, end = _STAGE_ORDER.get(first.stage), _STAGE_ORDER.get(last.stage)
            if start is not None and end is not None:
                values["stage_advanced"] = 100.0 * (end > start)
            scores.labels = {"stage_start": first.stage, "stage_end": last.stage}
            scores.series = {
                "distress": [s.distress for s in states],
                "trust": [s.trust for s in states],
                "readiness": [s.readiness for s in states],
            }
        return scores


class CoverageEvaluator:
    name = "coverage"
    version = "1"
    metrics = COVERAGE_METRICS

    def evaluate(self, session: Session) -> SessionScores:
        visited: set[str] = set()
        for turn in session.turns:
            if turn.speaker is not Speaker.COUNSELOR:
                continue
            visited.update(turn.annotations.stages or [])
            if turn.annotations.stage:
                visited.add(turn.annotations.stage)
        expected = session.counselor.params.get("stages")
        if expected is None and session.counselor.engine == "scripted":
            # transcripts written before the stages were recorded on the counselor's spec
            agent = SCRIPTED_COUNSELORS.get(session.counselor.name)
            expected = getattr(agent, "stages", None)
        coverage = ratio(len(visited & set(expected)), len(expected), 100) if expected else None
        return SessionScores(
            values={
                "stage_coverage": coverage,
                "completed": (
                    None
                    if session.stop_reason is None
                    else 100.0 * (session.stop_reason is StopReason.COUNSELOR_CLOSED)
                ),
                "turns": float(len(session.turns)),
            }
        )


register_evaluator("outcome")(OutcomeEvaluator)
register_evaluator("coverage")(CoverageEvaluator)
