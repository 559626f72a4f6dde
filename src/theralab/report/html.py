"""A self-contained HTML report of one run: leaderboard, MITI profile, judged rubrics,
pairwise ratings, outcomes, transcripts.

The page is a single file with inline CSS, inline SVG charts (`theralab.report.charts`) and
a few lines of vanilla JavaScript that only filter the transcript list. It loads nothing
from the network, so it opens offline and can be archived next to the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from theralab.dialogue.codes import CodeFamily, MiscCode, code_family
from theralab.dialogue.records import Session, Speaker
from theralab.dialogue.transcripts import atomic_write_text
from theralab.evaluate.courses import CourseResults, MeanCI, Rate
from theralab.evaluate.results import CounselorSummary, MetricInfo, Results
from theralab.report.charts import (
    BarRow,
    ClientLine,
    DotGroup,
    administration_labels,
    counselor_colors,
    course_trajectory,
    dot_plot,
    fmt_interval,
    fmt_number,
    fmt_threshold,
    line_chart,
    threshold_bars,
)
from theralab.report.console import leaderboard_keys
from theralab.report.judged import (
    ONE_RATER,
    alliance,
    before_after,
    code_agreement,
    judge_calls,
    judges,
    one_rater,
    pairwise_view,
    rubric_profiles,
)

TEMPLATE = "report.html.j2"

MITI_KEYS: tuple[str, ...] = (
    "r_q",
    "pct_complex_reflections",
    "pct_open_questions",
    "pct_mi_adherent",
    "pct_counselor_talk",
)
# key -> (fixed axis domain or None, reference line value or None)
OUTCOME_PLOTS: tuple[tuple[str, tuple[float, float] | None, float | None], ...] = (
    ("distress_reduction", None, 0.0),
    ("readiness_change", None, 0.0),
    ("trust_end", (0.0, 1.0), None),
)
# series key -> (chart title, y-axis label, fixed y domain)
TRAJECTORIES: tuple[tuple[str, str, str, tuple[float, float]], ...] = (
    ("distress", "Mean client distress by turn", "distress (0–10)", (0.0, 10.0)),
    ("trust", "Mean client trust by turn", "trust (0–1)", (0.0, 1.0)),
    ("readiness", "Mean readiness to change by turn", "readiness (0–1)", (0.0, 1.0)),
)
STOP_ORDER: tuple[str, ...] = (
    "counselor_closed",
    "client_ended",
    "client_disengaged",
    "max_turns",
    "error",
)
STOP_TONE: dict[str, str] = {
    "counselor_closed": "ok",
    "client_ended": "neutral",
    "client_disengaged": "bad",
    "max_turns": "warn",
    "error": "bad",
}
CONFIG_LABELS: dict[str, str] = {
    "counselors": "Counselors",
    "clients": "Clients",
    "n_clients": "Clients",
    "profiles": "Clients",
    "repeats": "Repeats",
    "seed": "Seed",
    "max_turns": "Max turns",
    "concurrency": "Concurrency",
    "rank_by": "Ranked by",
    "theralab_version": "TheraLab",
    "version": "TheraLab",
}

_env: jinja2.Environment | None = None


def _environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.PackageLoader("theralab.report", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
    return _env


# --------------------------------------------------------------------------- view helpers


def _metric_or_none(results: Results, key: str) -> MetricInfo | None:
    try:
        return results.metric(key)
    except KeyError:
        return None


def _header(m: MetricInfo) -> dict[str, str]:
    label = m.label
    if m.unit and m.unit not in label:
        label = f"{label} ({m.unit})"
    if m.higher_is_better is True:
        arrow, direction = "↑", "higher is better"
    elif m.higher_is_better is False:
        arrow, direction = "↓", "lower is better"
    else:
        arrow, direction = "", "descriptive"
    tip = f"{m.description} ({direction})" if m.description else direction.capitalize()
    if m.fair is not None and m.good is not None:
        cmp = "<" if m.higher_is_better is False else "≥"
        tip += f". Fair {cmp} {fmt_threshold(m.fair)}, good {cmp} {fmt_threshold(m.good)}"
    return {"key": m.key, "label": label, "arrow": arrow, "tip": tip}


def _cell(m: MetricInfo, est: Mapping[str, Any] | None) -> dict[str, Any]:
    """One leaderboard cell: formatted mean and interval, band, and a tooltip."""
    est = est or {}
    mean = est.get("mean")
    if mean is None:
        return {"unscored": True, "mean": "—", "ci": "", "band": None, "tip": "unscored"}
    ci = fmt_interval(est, lambda v: fmt_number(v, m.unit))
    band = m.band(mean)
    n, unscored = est.get("n"), est.get("unscored") or 0
    tip = f"mean over {n} sessions" if n is not None else "mean"
    if unscored:
        tip += f"; {unscored} unscored"
    if band:
        tip += f"; {band}"
    return {"unscored": False, "mean": fmt_number(mean, m.unit), "ci": ci, "band": band, "tip": tip}


def _leaderboard(results: Results) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    keys = leaderboard_keys(results)
    metrics = [m for m in (_metric_or_none(results, k) for k in keys) if m is not None]
    headers = [_header(m) for m in metrics]
    rows = []
    controls = results.controls
    ranked = results.ranked
    for rank, name in enumerate(results.leaderboard, start=1):
        try:
            summary = results.counselor(name)
        except KeyError:
            continue
        rows.append(
            {
                "rank": rank if ranked else "—",
                "name": name,
                "sessions": summary.sessions - summary.errors,  # scored
                "errors": summary.errors,  # failed: shown, not scored
                "control": name in controls,
                "external": summary.engine.startswith("external/"),
                "guarded": summary.engine.startswith("external/") and name.endswith("+guardrail"),
                "cells": [_cell(m, summary.metrics.get(m.key)) for m in metrics],
            }
        )
    return headers, rows


def _ordered(results: Results) -> list[CounselorSummary]:
    """Counselor summaries in leaderboard order (any not on the board go last)."""
    by_name = {c.counselor: c for c in results.counselors}
    names = [n for n in results.leaderboard if n in by_name]
    names += [n for n in by_name if n not in names]
    return [by_name[n] for n in names]


def _axis_label(m: MetricInfo) -> str:
    return f"{m.label} ({m.unit})" if m.unit and m.unit not in m.label else m.label


def _miti_charts(results: Results, colors: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    summaries = _ordered(results)
    for key in MITI_KEYS:
        m = _metric_or_none(results, key)
        if m is None:
            continue
        rows = [BarRow.of(s.counselor, s.metrics.get(key) or {}) for s in summaries]
        svg = threshold_bars(
            f"{m.label} by counselor",
            rows,
            fair=m.fair,
            good=m.good,
            higher_is_better=m.higher_is_better,
            unit=m.unit,
            axis_label=_axis_label(m),
            colors=colors,
        )
        cmp = "<" if m.higher_is_better is False else "≥"
        out.append(
            {
                "label": m.label,
                "description": (
                    _adherence_source(results) if key == ADHERENCE_KEY else m.description
                ),
                "svg": Markup(svg),
                "direction": "lower is better"
                if m.higher_is_better is False
                else "higher is better",
                "fair": f"{cmp} {fmt_threshold(m.fair)}" if m.fair is not None else "—",
                "good": f"{cmp} {fmt_threshold(m.good)}" if m.good is not None else "—",
            }
        )
    return out


ADHERENCE_KEY = "pct_mi_adherent"
RULE_CODER = "rules-v1"


def _adherence_source(results: Results) -> str:
    """What the % MI-adherent card says about where its number comes from: which coder
    coded the sessions (their `miti_coder` label), and that adherence is always the rule
    coder's reading (the trained coder has no adherent / non-adherent codes)."""
    coders = sorted(
        {r.labels["miti_coder"] for r in results.sessions if r.labels.get("miti_coder")}
    )
    base = "MI-adherent among adherent + non-adherent behaviours"
    trained = [c for c in coders if not c.startswith("rules")]
    if trained:
        return (
            f"{base}. Coded by the rule coder's reading of each sentence: the trained MI coder "
            f"({', '.join(trained)}), which coded the other MITI figures here, does not "
            "separate these codes (AnnoMI has none)."
        )
    if coders:
        return (
            f"{base}, coded by the rule coder ({', '.join(coders)}), as are the other MITI figures."
        )
    return f"{base} (coded by the rule coder)."


QUALITY_KEY = "session_quality"


def _quality_card(results: Results, colors: Mapping[str, str]) -> dict[str, Any] | None:
    """The session quality estimator beside the MITI profile, when it was run: the bars,
    the sessions it left unscored, and its own validation figures (DEV and FROZEN) from its
    card — how far to trust it."""
    m = _metric_or_none(results, QUALITY_KEY)
    if m is None:
        return None
    from theralab.evaluate.quality import card

    summaries = _ordered(results)
    rows = [BarRow.of(s.counselor, s.metrics.get(QUALITY_KEY) or {}) for s in summaries]
    svg = threshold_bars(
        "Estimated session quality by counselor",
        rows,
        fair=None,
        good=None,
        higher_is_better=True,
        axis_label="estimated quality (0–1)",
        colors=colors,
        domain=(0.0, 1.0),
    )
    unscored = {
        s.counselor: int((s.metrics.get(QUALITY_KEY) or {}).get("unscored") or 0) for s in summaries
    }
    figures = card().get("figures") or {}

    def fig(split: str, key: str) -> str:
        value = (figures.get(split) or {}).get(key)
        return f"{value:.2f}" if isinstance(value, int | float) else "—"

    return {
        "svg": Markup(svg),
        "description": m.description,
        "unscored": {k: v for k, v in unscored.items() if v},
        "validation": [
            (
                "AnnoMI high vs low quality, AUC",
                fig("dev", "annomi_auc"),
                fig("frozen", "annomi_auc"),
            ),
            (
                "ESConv seekers' own ratings, Spearman ρ",
                fig("dev", "esconv_rating_spearman"),
                fig("frozen", "esconv_rating_spearman"),
            ),
        ],
    }


CODER_CORPORA = {
    "annomi": "AnnoMI (MI sessions)",
    "esconv": "ESConv (emotional-support chats)",
    "welivita": "MI-Welivita (peer support, MI codes)",
    "epitome": "EPITOME (peer support; never trained on)",
    "chats": "support chats written for TheraLab (volunteers to chatbots)",
}


def _coder_trust(results: Results) -> dict[str, Any] | None:
    """How far to trust the MITI numbers: the trained MI coder's own validation on transcripts
    it never saw (FROZEN, per corpus), and the share of each counselor's sessions whose coded
    behaviour mix lies outside what it was validated on. None when the trained coder did not
    score this run (sessions name their coder in the `miti_coder` label; the rule coder has
    no such card, see docs/evaluation.md)."""
    key = "miti_low_confidence"
    if _metric_or_none(results, key) is None:
        return None
    low = {
        s.counselor: (s.metrics.get(key) or {}).get("mean")
        for s in _ordered(results)
        if (s.metrics.get(key) or {}).get("mean") is not None
    }
    if not low:
        return None
    import json

    from theralab.coding.mi_coder import heads_path

    card = json.loads(heads_path().with_suffix(".json").read_text(encoding="utf-8"))
    if card.get("name") not in {s.labels.get("miti_coder") for s in results.sessions}:
        return None  # scored by another coder (the rule coder): these figures are not its own
    frozen = card.get("frozen_behaviour") or {}

    def f1(figures: Mapping[str, Any], cls: str) -> str:
        value = (figures.get("per_class_f1") or {}).get(cls)
        return f"{value:.2f}" if isinstance(value, int | float) else "—"

    rows = []
    for corpus, label in CODER_CORPORA.items():
        figures = frozen.get(corpus)
        if not figures:
            continue
        gold, coded = figures.get("r_q_gold"), figures.get("r_q_coded")
        rows.append(
            {
                "corpus": label,
                "n": str(figures.get("n", "—")),
                "macro_f1": f"{figures['macro_f1']:.2f}" if "macro_f1" in figures else "—",
                "question": f1(figures, "question"),
                "reflection": f1(figures, "reflection"),
                "input": f1(figures, "therapist_input"),
                "r_q": f"{coded:.2f} vs {gold:.2f}" if gold and coded is not None else "—",
            }
        )
    talk = (card.get("heldout") or {}).get("client_talk_type") or {}
    return {
        "rows": rows,
        "client_talk_f1": f"{talk['macro_f1']:.2f}" if "macro_f1" in talk else None,
        "low_confidence": [(name, f"{100 * share:.0f}%") for name, share in low.items()],
    }


def _outcome_charts(results: Results, colors: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    summaries = _ordered(results)
    for key, domain, reference in OUTCOME_PLOTS:
        m = _metric_or_none(results, key)
        if m is None:
            continue
        groups = []
        for s in summaries:
            mine = [r for r in results.sessions if r.counselor == s.counselor]
            est = s.metrics.get(key) or {}
            groups.append(
                DotGroup(
                    s.counselor,
                    [r.metrics.get(key) for r in mine],
                    [r.profile_id or r.id for r in mine],
                    est.get("ci_low"),
                    est.get("ci_high"),
                )
            )
        svg = dot_plot(
            f"{m.label}: one dot per session",
            groups,
            axis_label=_axis_label(m),
            unit=m.unit,
            colors=colors,
            domain=domain,
            reference=reference,
        )
        out.append({"label": m.label, "description": m.description, "svg": Markup(svg)})
    return out


def _stop_table(results: Results) -> tuple[list[str], list[dict[str, Any]]]:
    seen = {r for s in results.counselors for r in s.stop_reasons}
    reasons = [r for r in STOP_ORDER if r in seen] + sorted(seen - set(STOP_ORDER))
    rows = []
    for s in _ordered(results):
        total = sum(s.stop_reasons.values()) or 1
        rows.append(
            {
                "name": s.counselor,
                "cells": [
                    {
                        "count": s.stop_reasons.get(r, 0),
                        "pct": round(100 * s.stop_reasons.get(r, 0) / total),
                        "tone": STOP_TONE.get(r, "neutral"),
                    }
                    for r in reasons
                ],
                "total": sum(s.stop_reasons.values()),
            }
        )
    return reasons, rows


def _support(results: Results, counselor: str, key: str) -> list[int]:
    """How many of a counselor's sessions reach each client-turn index of a series."""
    lengths = [len(r.series.get(key, [])) for r in results.sessions if r.counselor == counselor]
    longest = max(lengths, default=0)
    return [sum(n > i for n in lengths) for i in range(longest)]


def _trajectory_charts(results: Results, colors: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    summaries = _ordered(results)
    for key, title, y_label, domain in TRAJECTORIES:
        series = {s.counselor: s.trajectories.get(key, []) for s in summaries}
        if not any(v is not None for vs in series.values() for v in vs):
            continue
        support = {s.counselor: _support(results, s.counselor, key) for s in summaries}
        svg = line_chart(
            title,
            series,
            x_label="client turn",
            y_label=y_label,
            colors=colors,
            y_domain=domain,
            support=support,
        )
        out.append({"label": title, "svg": Markup(svg)})
    return out


def _rate_cell(rate: Rate | None, *, harm: bool = False) -> dict[str, Any]:
    """A course rate as a table cell: percent, count/n and the Wilson interval."""
    if rate is None or rate.pct is None:
        return {"unscored": True, "text": "—", "ci": "", "count": "", "tone": "", "tip": "none"}
    ci = f"[{fmt_number(rate.ci_low, '%')}, {fmt_number(rate.ci_high, '%')}]"
    return {
        "unscored": False,
        "text": f"{fmt_number(rate.pct, '%')}%",
        "ci": ci,
        "count": f"{rate.count}/{rate.n}",
        "tone": "bad" if harm and rate.count else "",
        "tip": f"{rate.count} of {rate.n} complete courses; 95% Wilson interval {ci}",
    }


def _mean_cell(est: MeanCI) -> dict[str, Any]:
    if est.mean is None:
        return {"unscored": True, "text": "—", "ci": "", "count": "", "tone": "", "tip": "none"}
    ci = f"[{fmt_number(est.ci_low)}, {fmt_number(est.ci_high)}]" if est.ci_low is not None else ""
    return {
        "unscored": False,
        "text": fmt_number(est.mean),
        "ci": ci,
        "count": f"n {est.n}",
        "tone": "",
        "tip": f"mean over {est.n} complete courses; 95% bootstrap interval {ci}",
    }


def _courses_view(
    courses: CourseResults | None, results: Results, colors: Mapping[str, str]
) -> dict[str, Any] | None:
    """The Courses section: harms and outcomes per counselor up front, then per instrument a
    spaghetti chart per counselor (one line per client, the mean with its 95% band)."""
    if courses is None:
        return None
    known = [c.counselor for c in courses.counselors]
    names = [n for n in results.leaderboard if n in known] + [
        n for n in known if n not in results.leaderboard
    ]
    by_name = {c.counselor: c for c in courses.counselors}
    infos = courses.instruments
    columns = ["Deterioration", "Improvement"]
    columns += [f"Response {i.label}" for i in infos] + [f"Remission {i.label}" for i in infos]
    columns += ["Dropout", "Crisis"]
    rows = []
    for name in names:
        c = by_name[name]
        per = [c.instruments.get(i.instrument) for i in infos]
        cells = [_rate_cell(c.deterioration, harm=True), _rate_cell(c.improvement)]
        cells += [_rate_cell(s.response if s else None) for s in per]
        cells += [_rate_cell(s.remission if s else None) for s in per]
        cells += [_rate_cell(c.dropout), _rate_cell(c.crisis, harm=True)]
        rows.append(
            {
                "name": name,
                "courses": c.courses,
                "complete": c.complete,
                "incomplete": c.incomplete,
                "sessions": fmt_number(c.mean_sessions, digits=1),
                "cells": cells,
            }
        )
    bars = threshold_bars(
        "Deterioration rate by counselor",
        [
            BarRow(
                n,
                by_name[n].deterioration.pct,
                by_name[n].deterioration.ci_low,
                by_name[n].deterioration.ci_high,
            )
            for n in names
        ],
        fair=None,
        good=None,
        higher_is_better=False,
        unit="%",
        axis_label="complete courses with reliable deterioration on any measure (%)",
        colors=colors,
    )
    instruments = []
    for info in infos:
        tag = info.instrument
        charts = []
        table = []
        for name in names:
            mine = [c for c in courses.courses if c.counselor == name and tag in c.instruments]
            if not mine:
                continue
            summary = by_name[name].instruments.get(tag)
            traj = summary.trajectory if summary else []
            points = max([len(traj), *(len(c.instruments[tag].totals) for c in mine)])
            svg = course_trajectory(
                f"{info.label} — {name}",
                [
                    ClientLine(
                        f"{c.profile_id} · {c.course_id}" if c.profile_id else c.course_id,
                        c.instruments[tag].totals,
                        complete=c.complete,
                        dropped_out=c.dropped_out,
                    )
                    for c in mine
                ],
                [p.mean for p in traj],
                [p.ci_low for p in traj],
                [p.ci_high for p in traj],
                color=colors.get(name, "#0072B2"),
                y_domain=(
                    (float(info.total_range[0]), float(info.total_range[1]))
                    if info.total_range
                    else None
                ),
                y_label=f"{info.label} total",
                x_labels=administration_labels(points),
                x_label=(
                    "administration (before session 1 … after the last)"
                    if points <= 7
                    else "sessions completed (0 = before session 1)"
                ),
                reference=info.cutoff,
                reference_label=f"cut-off {info.cutoff}" if info.cutoff is not None else "",
            )
            complete = sum(c.complete for c in mine)
            charts.append(
                {
                    "name": name,
                    "svg": Markup(svg),
                    "clients": len(mine),
                    "complete": complete,
                }
            )
            if summary is not None:
                table.append(
                    {
                        "name": name,
                        "cells": [
                            _mean_cell(summary.first),
                            _mean_cell(summary.last),
                            _mean_cell(summary.change),
                            _rate_cell(summary.improved),
                            _rate_cell(summary.deteriorated, harm=True),
                            _rate_cell(summary.response),
                            _rate_cell(summary.remission),
                            _rate_cell(summary.reliable_recovery),
                        ],
                    }
                )
        if charts:
            instruments.append(
                {
                    "tag": tag,
                    "label": info.label,
                    "name": info.name or tag,
                    "cutoff": info.cutoff,
                    "threshold": info.threshold,
                    "known": info.known,
                    "charts": charts,
                    "table": table,
                }
            )
    return {
        "columns": columns,
        "rows": rows,
        "bars": Markup(bars),
        "instruments": instruments,
        "total": len(courses.courses),
        "complete": sum(c.complete for c in courses.courses),
        "incomplete": sum(not c.complete for c in courses.courses),
        "dropouts": sum(c.dropped_out for c in courses.courses if c.complete),
        "change_columns": [
            "First",
            "Last",
            "Change",
            "Improved",
            "Deteriorated",
            "Response",
            "Remission",
            "Reliable recovery",
        ],
    }


_BADGE = {
    CodeFamily.QUESTION: "q",
    CodeFamily.REFLECTION: "r",
    CodeFamily.ADHERENT: "a",
    CodeFamily.NON_ADHERENT: "n",
}


def _code_group(code: MiscCode) -> str:
    """Badge family for a MISC code: question, reflection, MI-adherent, non-adherent, other."""
    return _BADGE.get(code_family(code), "o")


def _lengths(results: Results) -> list[dict[str, Any]]:
    """Per counselor: how many client turns its sessions had (shortest, median, longest)."""
    out = []
    for s in _ordered(results):
        n = sorted(
            len(r.series.get("distress", []))
            for r in results.sessions
            if r.counselor == s.counselor
        )
        n = [x for x in n if x]
        if not n:
            continue
        mid = len(n) // 2
        median = n[mid] if len(n) % 2 else (n[mid - 1] + n[mid]) / 2
        out.append(
            {
                "name": s.counselor,
                "min": n[0],
                "median": f"{median:g}",
                "max": n[-1],
                "sessions": len(n),
            }
        )
    return out


def _pretty_stop(reason: str | None) -> str:
    return reason.replace("_", " ") if reason else "—"


def _session_view(session: Session) -> dict[str, Any]:
    turns = []
    distress = []
    for t in session.turns:
        a = t.annotations
        view: dict[str, Any] = {"speaker": t.speaker.value, "text": t.text, "n": len(turns) + 1}
        if t.speaker is Speaker.COUNSELOR:
            view["codes"] = [(c.value.replace("_", " "), _code_group(c)) for c in a.codes or []]
            view["stage"] = (a.stage or "").replace("_", " ")
            view["strategy"] = a.strategy or ""
        else:
            view["talk"] = a.talk_type.value if a.talk_type else ""
            view["action"] = a.action or ""
            if a.state is not None:
                view["trust"] = f"{a.state.trust:.2f}"
                view["distress"] = f"{a.state.distress:.1f}"
                distress.append(a.state.distress)
        turns.append(view)
    start = end = None
    trend = ""
    if distress:
        start, end = f"{distress[0]:.1f}", f"{distress[-1]:.1f}"
        delta = distress[-1] - distress[0]
        trend = "down" if delta < -0.05 else "up" if delta > 0.05 else "flat"
    reason = session.stop_reason.value if session.stop_reason else None
    return {
        "id": session.id,
        "counselor": session.counselor.name,
        "profile": session.profile_id or "",
        "stop": reason or "",
        "stop_label": _pretty_stop(reason),
        "stop_tone": STOP_TONE.get(reason or "", "neutral"),
        "turns": turns,
        "n_turns": len(session.turns),
        "distress_start": start,
        "distress_end": end,
        "trend": trend,
        "error": session.outcome.error if session.outcome else None,
    }


def _config_items(config: Mapping[str, Any] | None, results: Results) -> list[dict[str, str]]:
    """The run's key settings as label/value pairs, known keys first in a fixed order."""
    if config is None:
        return []
    items: list[dict[str, str]] = []
    done: set[str] = set()

    def show(value: Any) -> str | None:
        if isinstance(value, bool):  # a switch: on / off, not Python's True / False
            return "on" if value else "off"
        if isinstance(value, int | float | str):
            return str(value)
        if isinstance(value, Sequence):
            return ", ".join(str(v) for v in value if isinstance(v, str | int | float))
        return None

    for key, label in CONFIG_LABELS.items():
        if key not in config or label in done:
            continue
        value = config[key]
        if label == "Clients" and isinstance(value, Sequence) and not isinstance(value, str):
            text: str | None = str(len(value))
        else:
            text = show(value)
        if text:
            items.append({"label": label, "value": text})
            done.add(label)
    if "TheraLab" not in done:
        items.append({"label": "TheraLab", "value": results.theralab_version})
    for key, value in config.items():
        if key in CONFIG_LABELS:
            continue
        text = show(value)
        if text:
            items.append({"label": key.replace("_", " ").capitalize(), "value": text})
    return items


# --------------------------------------------------------------------------- public API


def render_report(
    results: Results,
    sessions: Sequence[Session],
    *,
    title: str = "TheraLab run report",
    config: dict[str, Any] | None = None,
    pairwise: dict[str, Any] | None = None,
    status: tuple[str, str | None] | None = None,
) -> str:
    """Render the whole report as one self-contained HTML document.

    `status` is the run record's (status, message): a run that is not `complete` says so
    at the top, so its figures are not read as a finished run's.

    `pairwise` is the content of a `compare.json` (`theralab compare`), shown when given.
    Rubric scores from LLM judges (`Results.judges`, `agreement`, `judge_counts`) get their
    own sections; a section without data is left out.
    """
    left_out = {e.get("id") for e in results.left_out}
    sessions = [s for s in sessions if s.id not in left_out]  # empty: not in any figure
    summaries = _ordered(results)
    names = [s.counselor for s in summaries]
    names += sorted({s.counselor.name for s in sessions} - set(names))
    colors = counselor_colors(names)
    headers, rows = _leaderboard(results)
    rank_metric = _metric_or_none(results, results.rank_by)
    stop_reasons, stop_rows = _stop_table(results)
    session_views = [_session_view(s) for s in sessions]
    # Nobody scored on the ranking metric: the order is not a ranking, so no top counselor.
    top = results.leaderboard[0] if results.leaderboard and results.ranked else None
    top_value = None
    if top is not None and rank_metric is not None:
        est = results.counselor(top).metrics.get(results.rank_by) or {}
        top_value = fmt_number(est.get("mean"), rank_metric.unit)
    profiles = len({r.profile_id for r in results.sessions if r.profile_id})
    simulated = profiles > 0  # simulated clients play a profile; recorded transcripts do not
    stats = {
        "sessions": len(results.sessions),
        "counselors": len(results.counselors),
        "profiles": profiles,
        "simulated": simulated,
        "clients": profiles if simulated else len({s.client.name for s in sessions}),
        "clients_label": "client profiles" if simulated else "clients",
        "kind": "simulated counseling evaluation"
        if simulated
        else "counseling transcript evaluation",
        "errors": sum(c.errors for c in results.counselors),
        "turns": sum(v["n_turns"] for v in session_views),
        "left_out": list(results.left_out),
    }
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            title=title,
            results=results,
            run_status=status if status is not None and status[0] != "complete" else None,
            config_items=_config_items(config, results),
            colors=colors,
            names=names,
            stats=stats,
            top=top,
            top_value=top_value,
            ranked=results.ranked,
            judge_warnings=results.constant_judges(),
            rank_metric=rank_metric,
            rank_label=rank_metric.label if rank_metric else results.rank_by,
            rank_direction=(
                "lower is better"
                if rank_metric is not None and rank_metric.higher_is_better is False
                else "higher is better"
            ),
            headers=headers,
            rows=rows,
            miti_charts=_miti_charts(results, colors),
            quality=_quality_card(results, colors),
            coder_trust=_coder_trust(results),
            outcome_charts=_outcome_charts(results, colors),
            stop_reasons=[
                {"key": r, "label": _pretty_stop(r), "tone": STOP_TONE.get(r, "neutral")}
                for r in stop_reasons
            ],
            stop_rows=stop_rows,
            trajectory_charts=_trajectory_charts(results, colors),
            lengths=_lengths(results),
            sessions=session_views,
            evaluators=", ".join(
                f"{e.get('name')} v{e.get('version')}" for e in results.evaluators
            ),
            negative_controls=sorted(results.controls & set(names)),
            pairwise=pairwise_view(pairwise, colors),
            code_check=code_agreement(results, summaries, colors),
            rubric_cards=rubric_profiles(results, summaries, colors),
            judge_calls=judge_calls(results),
            judges=judges(results),
            one_rater=one_rater(results),
            one_rater_text=ONE_RATER,
            before_after=before_after(results, summaries, colors),
            alliance=alliance(results, summaries, colors),
            courses=_courses_view(results.courses, results, colors),
        )
    )


def write_report(
    path: str | Path,
    results: Results,
    sessions: Sequence[Session],
    **kw: Any,
) -> Path:
    """Render the report and write it atomically; returns the path written."""
    p = Path(path)
    atomic_write_text(p, render_report(results, sessions, **kw))
    return p
