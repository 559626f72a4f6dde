"""`theralab gate`: thresholds from a YAML file checked against a run or red-team result.

A gate file is a list of checks. Each names a metric — `run.<key>` for a run's
`results.json` (the per-counselor mean of the metric `<key>`: `run.distress_reduction`,
`run.ctrs.mean` …, plus `run.sessions` (completed sessions: failed ones not counted) and
`run.failed_sessions`) or `redteam.<key>` for a
red-team `redteam.json` (a summary field: `redteam.recall_high_imminent`,
`redteam.appropriate_replies`, `redteam.by_scenario.<scenario>.detected` …) — and a bound:
`min`, `max`, and/or `no_worse_than_baseline`. A check applies to every counselor in the
result unless it names `counselor:`. Checks of the other kind of result are skipped, so one
file can gate both a run and a red-team result.

A metric the result lacks for a counselor (every session failed, no judge was bound …) fails
its check: a gate never passes on a missing number. A metric name no result of that kind
can have, or a counselor the result does not hold, is an input error naming file, line and
field.

`no_worse_than_baseline` fails when the value is worse than the baseline's by more than the
baseline's 95% CI half-width (runs carry bootstrap intervals); a result without an interval
(red-team rates, counts) allows the check's `tolerance` (absolute, default 0). "Worse" follows
the metric's direction; a metric with no direction fails when it moves either way by more.
"""

from __future__ import annotations

import difflib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from theralab.errors import InputError, read_json_input, read_text_input, validation_error
from theralab.evaluate.base import get_evaluators
from theralab.evaluate.results import Results
from theralab.rundir import RunDir
from theralab.yamlfiles import line_of, parse_yaml_model

Kind = Literal["run", "redteam"]
Status = Literal["pass", "fail", "skip"]

# Red-team summary fields: direction (True higher is better, False lower, None neither).
REDTEAM_METRICS: dict[str, bool | None] = {
    "recall_high_imminent": True,
    "recall_moderate": True,
    "recall_low": True,
    "control_false_alarm_rate": False,
    "control_check_in_rate": None,
    "appropriate_replies": True,
    "appropriate_replies_high_imminent": True,
    "judge_appropriate": True,
    "judge_agreement_with_criteria": True,
    "judge_unscored": False,
    "cases": None,
    "risk_cases": None,
    "controls": None,
}
REDTEAM_SCENARIO_FIELDS: dict[str, bool | None] = {
    "detected": True,
    "false_alarms": False,
    "appropriate": True,
    "cases": None,
}
REDTEAM_DESCRIPTIONS = {
    "recall_high_imminent": "Share (0–1) of high/imminent-risk cases screened at their level.",
    "recall_moderate": "Share (0–1) of moderate-risk cases screened at their level.",
    "recall_low": "Share (0–1) of low-risk cases screened at their level.",
    "control_false_alarm_rate": "Share (0–1) of control cases screened moderate or above.",
    "control_check_in_rate": "Share (0–1) of control cases screened low (a check-in).",
    "appropriate_replies": "Share (0–1) of replies meeting every criterion of their case.",
    "appropriate_replies_high_imminent": "The same, over high/imminent-risk cases.",
    "judge_appropriate": "Share (0–1) of judged replies the bound judge called appropriate.",
    "judge_agreement_with_criteria": "Share (0–1) where the judge agrees with the criteria.",
    "judge_unscored": "Replies the judge could not score (count).",
    "cases": "Cases run (count).",
    "risk_cases": "Risk cases run (count).",
    "controls": "Control cases run (count).",
}
# Run metrics derived from the per-counselor summary rather than from an evaluator.
RUN_COUNTS: dict[str, bool | None] = {"sessions": None, "failed_sessions": False}


class Check(BaseModel):
    """One line of the gate: a metric and its bounds."""

    model_config = ConfigDict(extra="forbid")
    metric: str = Field(description="`run.<metric>` or `redteam.<field>`.")
    counselor: list[str] | None = Field(
        None, description="Counselor(s) to check (a name or a list); default: every one."
    )
    min: float | None = None
    max: float | None = None
    no_worse_than_baseline: bool = False
    tolerance: float | None = Field(
        None,
        ge=0,
        description="Allowed absolute drop from the baseline when the result carries no CI.",
    )
    name: str | None = Field(None, description="A label for reports (default: the metric).")

    @field_validator("metric")
    @classmethod
    def _prefixed(cls, v: str) -> str:
        kind, _, key = v.partition(".")
        if kind not in ("run", "redteam") or not key:
            raise ValueError(
                f"metric {v!r} must start with 'run.' or 'redteam.' "
                "(see `theralab gate --list-metrics RESULT`)"
            )
        return v

    @field_validator("counselor", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _bounded(self) -> Check:
        if self.min is None and self.max is None and not self.no_worse_than_baseline:
            raise ValueError("a check needs min, max or no_worse_than_baseline: true")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        if self.tolerance is not None and not self.no_worse_than_baseline:
            raise ValueError("tolerance applies only with no_worse_than_baseline: true")
        return self

    @property
    def kind(self) -> Kind:
        return "run" if self.metric.startswith("run.") else "redteam"

    @property
    def key(self) -> str:
        return self.metric.partition(".")[2]

    @property
    def label(self) -> str:
        return self.name or self.metric


class GateFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checks: list[Check] = Field(min_length=1)


@dataclass(frozen=True)
class Gate:
    """A validated gate file, with its text kept to point errors at lines."""

    checks: list[Check]
    source: str
    text: str

    def error(self, message: str, index: int, field_name: str) -> InputError:
        loc = ("checks", index, field_name)
        return InputError(
            message,
            source=self.source,
            line=line_of(self.text, loc),
            field=f"checks.{index}.{field_name}",
        )


def parse_gate(text: str, source: str = "<string>") -> Gate:
    return Gate(parse_yaml_model(text, GateFile, source, what="gate file").checks, source, text)


def load_gate(path: str | Path) -> Gate:
    return parse_gate(read_text_input(path, "the gate file"), str(Path(path)))


@dataclass(frozen=True)
class Value:
    """One metric of one counselor: its mean and, when the result carries one, its 95% CI."""

    mean: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    note: str = ""  # why the mean is missing, when it is

    @property
    def half_width(self) -> float | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_high - self.ci_low) / 2


@dataclass
class GateResult:
    """A run or red-team result seen as metric values per counselor."""

    kind: Kind
    source: str
    counselors: list[str]
    values: dict[str, dict[str, Value]]  # counselor → metric (without the kind prefix) → value
    directions: dict[str, bool | None]  # every metric this result could have → direction
    descriptions: dict[str, str] = field(default_factory=dict)

    def metric_names(self) -> list[str]:
        """Metrics present in this result (prefixed), in a stable order."""
        present = {k for per in self.values.values() for k in per}
        return [f"{self.kind}.{k}" for k in self.directions if k in present] + [
            f"{self.kind}.{k}" for k in sorted(present - set(self.directions))
        ]

    def value(self, counselor: str, key: str) -> Value | None:
        return self.values.get(counselor, {}).get(key)

    def known(self, key: str) -> bool:
        if key in self.directions or any(key in per for per in self.values.values()):
            return True
        if self.kind == "redteam":
            parts = key.split(".")
            return len(parts) == 3 and parts[0] == "by_scenario"
        return False

    def direction(self, key: str) -> bool | None:
        if key in self.directions:
            return self.directions[key]
        if self.kind == "redteam" and key.startswith("by_scenario."):
            return REDTEAM_SCENARIO_FIELDS.get(key.rsplit(".", 1)[-1])
        return None


def _run_catalogue() -> dict[str, bool | None]:
    """Every metric key a run can have: built-in evaluators and built-in rubrics' judge keys."""
    from theralab.rubrics.library import builtin_rubrics

    out: dict[str, bool | None] = {}
    for ev in get_evaluators():
        for m in ev.metrics:
            out[m.key] = m.higher_is_better
    for rubric in builtin_rubrics().values():
        for key in rubric.metric_keys():
            out.setdefault(key, None)
    return out | RUN_COUNTS


def _from_run(results: Results, source: str) -> GateResult:
    directions = _run_catalogue()
    descriptions: dict[str, str] = {
        "sessions": "Sessions completed (failed ones are run.failed_sessions, not counted).",
        "failed_sessions": "Sessions that ended in error (not scored).",
    }
    for m in results.metrics:
        directions[m.key] = m.higher_is_better
        descriptions[m.key] = m.description
    values: dict[str, dict[str, Value]] = {}
    for c in results.counselors:
        note = f"all {c.sessions} session(s) failed" if c.errors and c.errors == c.sessions else ""
        per: dict[str, Value] = {}
        for key, est in c.metrics.items():
            mean = est.get("mean")
            per[key] = Value(
                mean,
                est.get("ci_low"),
                est.get("ci_high"),
                note=note or ("unscored in every session" if mean is None else ""),
            )
        per["sessions"] = Value(float(c.sessions - c.errors))  # completed: a gate's "n"
        per["failed_sessions"] = Value(float(c.errors))
        values[c.counselor] = per
    return GateResult(
        "run", source, [c.counselor for c in results.counselors], values, directions, descriptions
    )


def _from_redteam(payload: list[Any], source: str) -> GateResult:
    values: dict[str, dict[str, Value]] = {}
    for i, report in enumerate(payload):
        summary = report.get("summary") if isinstance(report, dict) else None
        if not isinstance(summary, dict) or "counselor" not in summary:
            raise InputError(f"entry {i + 1} has no red-team summary", source=source)
        per: dict[str, Value] = {}
        for key, v in summary.items():
            if key in REDTEAM_METRICS:
                per[key] = Value(_number(v), note="" if v is not None else "no such cases")
        for scenario, fields in (summary.get("by_scenario") or {}).items():
            for name, v in fields.items():
                per[f"by_scenario.{scenario}.{name}"] = Value(
                    _number(v), note="" if v is not None else "no such cases"
                )
        values[str(summary["counselor"])] = per
    return GateResult(
        "redteam", source, list(values), values, dict(REDTEAM_METRICS), REDTEAM_DESCRIPTIONS
    )


def _number(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def load_result(path: str | Path) -> GateResult:
    """A run directory (or its results.json), or a red-team JSON file (or its folder)."""
    p = Path(path)
    if p.is_dir():
        for name in (RunDir.RESULTS, "redteam.json"):
            if (p / name).is_file():
                p = p / name
                break
        else:
            raise InputError(
                "neither results.json (a run) nor redteam.json (a red-team result) is here",
                source=str(path),
            )
    payload = read_json_input(p, "the result")
    if isinstance(payload, list):
        return _from_redteam(payload, str(p))
    if isinstance(payload, dict) and "counselors" in payload and "metrics" in payload:
        try:
            return _from_run(Results.model_validate(payload), str(p))
        except ValidationError as exc:
            raise validation_error(exc, str(p), prefix="not a TheraLab results file: ") from exc
    raise InputError(
        "not a run's results.json nor a red-team redteam.json (from `theralab run` / "
        "`theralab redteam`)",
        source=str(p),
    )


@dataclass(frozen=True)
class Outcome:
    """One check for one counselor."""

    index: int  # position of the check in the gate file (0-based)
    check: Check
    counselor: str
    status: Status
    value: float | None = None
    baseline: float | None = None
    reasons: tuple[str, ...] = ()  # why it failed (or was skipped)

    @property
    def threshold(self) -> str:
        c = self.check
        parts = []
        if c.min is not None:
            parts.append(f"≥ {_fmt(c.min)}")
        if c.max is not None:
            parts.append(f"≤ {_fmt(c.max)}")
        if c.no_worse_than_baseline:
            parts.append("no worse than baseline")
        return ", ".join(parts)


@dataclass
class GateReport:
    gate: Gate
    result: GateResult
    baseline: GateResult | None
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "fail"]

    @property
    def passed(self) -> bool:
        return not self.failed


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.4g}"


def _validate(gate: Gate, result: GateResult, baseline: GateResult | None) -> None:
    applicable = [(i, c) for i, c in enumerate(gate.checks) if c.kind == result.kind]
    if not applicable:
        raise InputError(
            f"none of its {len(gate.checks)} check(s) applies to a {result.kind} result "
            f"({result.source}); its metrics start with '{result.kind}.'",
            source=gate.source,
        )
    if baseline is not None and baseline.kind != result.kind:
        raise InputError(
            f"the baseline is a {baseline.kind} result, the result a {result.kind} one",
            source=baseline.source,
        )
    for i, c in applicable:
        if not result.known(c.key):
            close = difflib.get_close_matches(c.metric, result.metric_names(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise gate.error(
                f"unknown metric {c.metric!r} for a {result.kind} result{hint} "
                "(`theralab gate --list-metrics RESULT` lists them)",
                i,
                "metric",
            )
        for name in c.counselor or []:
            if name not in result.counselors:
                raise gate.error(
                    f"counselor {name!r} is not in {result.source} "
                    f"(it has: {', '.join(result.counselors)})",
                    i,
                    "counselor",
                )
        if c.no_worse_than_baseline and baseline is None:
            raise gate.error(
                "no_worse_than_baseline needs --baseline RESULT", i, "no_worse_than_baseline"
            )


def _evaluate_one(
    i: int, c: Check, counselor: str, result: GateResult, baseline: GateResult | None
) -> Outcome:
    got = result.value(counselor, c.key)
    if got is None or got.mean is None:
        why = got.note if got is not None and got.note else "not in this result"
        return Outcome(i, c, counselor, "fail", reasons=(f"{c.metric}: no value ({why})",))
    v = got.mean
    reasons: list[str] = []
    if c.min is not None and v < c.min:
        reasons.append(f"{c.metric} = {_fmt(v)}, below the minimum {_fmt(c.min)}")
    if c.max is not None and v > c.max:
        reasons.append(f"{c.metric} = {_fmt(v)}, above the maximum {_fmt(c.max)}")
    base_mean: float | None = None
    if c.no_worse_than_baseline and baseline is not None:
        base = baseline.value(counselor, c.key)
        if base is None or base.mean is None:
            why = base.note if base is not None and base.note else "not in the baseline"
            reasons.append(f"{c.metric}: no baseline value ({why})")
        else:
            base_mean = base.mean
            half = base.half_width
            allowed = half if half is not None else (c.tolerance or 0.0)
            allowance = (
                f"its 95% CI half-width {_fmt(allowed)}"
                if half is not None
                else f"tolerance {_fmt(allowed)}"
            )
            direction = result.direction(c.key)
            delta = v - base_mean
            worse = {True: -delta, False: delta, None: abs(delta)}[direction]
            if worse > allowed + 1e-9:
                verb = {True: "below", False: "above", None: "away from"}[direction]
                reasons.append(
                    f"{c.metric} = {_fmt(v)}, {_fmt(abs(delta))} {verb} the baseline "
                    f"{_fmt(base_mean)} (more than {allowance})"
                )
    return Outcome(i, c, counselor, "fail" if reasons else "pass", v, base_mean, tuple(reasons))


def evaluate_gate(gate: Gate, result: GateResult, baseline: GateResult | None = None) -> GateReport:
    """Every check × counselor. Raises InputError for checks that cannot apply (exit 2)."""
    _validate(gate, result, baseline)
    outcomes: list[Outcome] = []
    for i, c in enumerate(gate.checks):
        if c.kind != result.kind:
            outcomes.append(Outcome(i, c, "*", "skip", reasons=(f"applies to a {c.kind} result",)))
            continue
        for counselor in c.counselor or result.counselors:
            outcomes.append(_evaluate_one(i, c, counselor, result, baseline))
    return GateReport(gate, result, baseline, outcomes)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: GateReport) -> str:
    """A Markdown summary, e.g. for a GitHub Actions job summary."""
    ran = [o for o in report.outcomes if o.status != "skip"]
    failed = report.failed
    head = (
        f"## ✅ TheraLab gate passed: {len(ran)} check(s)"
        if report.passed
        else f"## ❌ TheraLab gate failed: {len(failed)} of {len(ran)} check(s)"
    )
    lines = [
        head,
        "",
        f"Gate `{report.gate.source}` on {report.result.kind} result `{report.result.source}`"
        + (f", baseline `{report.baseline.source}`" if report.baseline else "")
        + ".",
        "",
        "| | check | counselor | value | threshold | baseline | detail |",
        "|---|---|---|---:|---|---:|---|",
    ]
    icon = {"pass": "✅", "fail": "❌", "skip": "⏭️"}
    for o in sorted(report.outcomes, key=lambda o: ("fail", "pass", "skip").index(o.status)):
        lines.append(
            "| "
            + " | ".join(
                _md_cell(x)
                for x in (
                    icon[o.status],
                    f"`{o.check.label}`",
                    o.counselor,
                    _fmt(o.value),
                    o.threshold,
                    _fmt(o.baseline) if o.check.no_worse_than_baseline else "",
                    "; ".join(o.reasons),
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def junit(report: GateReport) -> str:
    """JUnit XML: one testcase per check × counselor; failures carry value and threshold."""
    outcomes = report.outcomes
    suite = ET.Element(
        "testsuite",
        name="theralab gate",
        tests=str(len(outcomes)),
        failures=str(len(report.failed)),
        errors="0",
        skipped=str(sum(o.status == "skip" for o in outcomes)),
    )
    for o in outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"theralab.gate.{report.result.kind}",
            name=f"{o.index + 1}. {o.check.label} [{o.counselor}]",
            file=report.gate.source,
        )
        if o.status == "fail":
            failure = ET.SubElement(
                case,
                "failure",
                message="; ".join(o.reasons),
                type="threshold",
            )
            failure.text = (
                f"metric: {o.check.metric}\ncounselor: {o.counselor}\n"
                f"value: {_fmt(o.value)}\nthreshold: {o.threshold}\n"
                + (f"baseline: {_fmt(o.baseline)}\n" if o.check.no_worse_than_baseline else "")
            )
        elif o.status == "skip":
            ET.SubElement(case, "skipped", message="; ".join(o.reasons))
    root = ET.Element("testsuites", name="theralab gate")
    root.set("tests", suite.get("tests", "0"))
    root.set("failures", suite.get("failures", "0"))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
