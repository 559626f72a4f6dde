"""View data for the report's evaluation-suite sections: rubric profiles judged by LLMs with
their inter-rater agreement and unscored counts, PANAS before/after, the working alliance,
the coder-vs-agent check and the pairwise leaderboard.

Every function returns plain dicts (and SVG markup) for the template, or nothing when the
results hold no such data, so a section only appears when there is something to show.
Rubric structure (item names, subsets, scale) comes from the built-in rubric when its
version matches the one judged, and otherwise from the metric descriptions in the results,
so reports of custom rubrics still render.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from theralab.evaluate.compare import pairwise_warnings
from theralab.evaluate.results import CounselorSummary, MetricInfo, Results
from theralab.report.charts import (
    BarRow,
    Dumbbell,
    IntervalGroup,
    IntervalRow,
    RadarAxis,
    counselor_colors,
    dumbbell_chart,
    fmt_interval,
    fmt_number,
    interval_plot,
    radar_chart,
    threshold_bars,
)
from theralab.rubrics import builtin_rubrics
from theralab.rubrics.model import Rubric

ONE_RATER = "1 rater — run with --repeats 2+ for agreement"
UNSCORED_STATUSES: tuple[str, ...] = ("unparseable", "refused", "error")
ALLIANCE_RUBRIC = "wai"
# Krippendorff's (2004) rules of thumb: α ≥ .800 reliable, ≥ .667 for tentative conclusions.
ALPHA_GOOD, ALPHA_FAIR = 0.8, 0.667
_PHASES = ("before", "after")


@dataclass
class RubricView:
    """What the report needs to know about one judged rubric."""

    id: str
    label: str
    name: str
    version: str
    lo: float
    hi: float
    phases: list[str]
    items: list[tuple[str, str]]  # (item id, item name)
    groups: list[str]
    members: dict[str, list[str]] = field(default_factory=dict)  # group -> item ids
    unit: str = "session"

    def suffixes(self) -> list[str]:
        return [""] if self.phases == ["session"] else [f"_{p}" for p in self.phases]

    @property
    def scale(self) -> str:
        return f"{fmt_number(self.lo, digits=0)}–{fmt_number(self.hi, digits=0)}"

    def heading(self) -> dict[str, str]:
        """What every card about the rubric starts with: its id, names, version and scale."""
        return {
            "id": self.id,
            "label": self.label,
            "name": self.name,
            "version": self.version,
            "scale": self.scale,
        }

    def group_label(self, group: str) -> str:
        if group == "mean":
            return "Mean of all items"
        size = len(self.members.get(group, []))
        label = group.replace("_", " ").capitalize()
        return f"{label} ({size} items)" if size else label


# --------------------------------------------------------------------------- rubric structure


def _judge_metrics(results: Results) -> list[MetricInfo]:
    return [m for m in results.metrics if m.evaluator == "judge"]


def _rubric_ids(results: Results) -> list[str]:
    ids = list(results.judge_counts)
    for m in _judge_metrics(results):
        rid = m.key.split(".", 1)[0]
        if rid not in ids:
            ids.append(rid)
    return ids


def _judged_tags(results: Results) -> dict[str, str]:
    tags: dict[str, str] = {}
    for judge in results.judges:
        for tag in judge.get("rubrics") or []:
            rid, _, _ = str(tag).partition("@")
            tags[rid] = str(tag)
    return tags


def _from_results(results: Results, rid: str, tag: str | None) -> RubricView | None:
    """The rubric as recorded in the results (`Results.rubrics`: the rubrics judged, in
    full, user files included)."""
    for raw in results.rubrics:
        if raw.get("id") != rid:
            continue
        try:
            rubric = Rubric.model_validate(raw)
        except ValueError:
            continue
        if tag is None or tag == rubric.tag:
            return _view(rubric)
    return None


def _from_builtin(rid: str, tag: str | None) -> RubricView | None:
    rubric = builtin_rubrics().get(rid)
    if rubric is None or (tag is not None and tag != rubric.tag):
        return None
    return _view(rubric)


def _view(rubric: Rubric) -> RubricView:
    return RubricView(
        id=rubric.id,
        label=rubric.label,
        name=rubric.name,
        version=str(rubric.version),
        lo=float(rubric.scale.min),
        hi=float(rubric.scale.max),
        phases=list(rubric.phases),
        items=[(i.id, i.name) for i in rubric.items],
        groups=list(rubric.groups),
        members={g: [i.id for i in rubric.members(g)] for g in rubric.groups if g != "mean"},
        unit=rubric.unit,
    )


def _from_metrics(results: Results, rid: str, tag: str | None) -> RubricView | None:
    mine = [m for m in _judge_metrics(results) if m.key.startswith(f"{rid}.")]
    if not mine:
        return None
    phases = [p for p in _PHASES if any(m.key.endswith(f"_{p}") for m in mine)] or ["session"]
    suffix = "" if phases == ["session"] else f"_{phases[0]}"
    first = [m for m in mine if m.key.endswith(suffix)] if suffix else mine

    def bare(m: MetricInfo) -> str:
        return m.key[len(rid) + 1 : len(m.key) - len(suffix)]

    items = [m for m in first if m.item]
    groups = [bare(m) for m in first if not m.item and not m.key.endswith("_change")]
    labels = [m.label for m in items]
    prefix = _common_words(labels) if len(labels) > 1 else rid
    # results without the rubric itself (older files): the scale is the observed range
    values = [
        v
        for c in results.counselors
        for m in items
        for v in [(c.metrics.get(m.key) or {}).get("mean")]
        if v is not None
    ]
    lo, hi = (min(values, default=0.0), max(values, default=1.0))
    strip = f" ({phases[0]})" if suffix else ""
    return RubricView(
        id=rid,
        label=prefix or rid,
        name=prefix or rid,
        version=(tag or "").partition("@v")[2] or "?",
        lo=lo,
        hi=hi if hi > lo else lo + 1,
        phases=phases,
        items=[
            (bare(m), m.label.removeprefix(prefix).strip().removesuffix(strip) or bare(m))
            for m in items
        ],
        groups=groups,
    )


def _common_words(labels: Sequence[str]) -> str:
    words = [label.split() for label in labels]
    out: list[str] = []
    for column in zip(*words, strict=False):
        if len(set(column)) != 1:
            break
        out.append(column[0])
    return " ".join(out)


def judged_rubrics(results: Results) -> list[RubricView]:
    """The rubrics an LLM judge scored in these results, in the order they were judged."""
    tags = _judged_tags(results)
    out = []
    for rid in _rubric_ids(results):
        tag = tags.get(rid)
        view = (
            _from_results(results, rid, tag)
            or _from_builtin(rid, tag)
            or _from_metrics(results, rid, tag)
        )
        if view is not None:
            out.append(view)
    return out


# --------------------------------------------------------------------------- agreement


def agreement_cell(entry: Mapping[str, Any] | None) -> dict[str, Any]:
    """Krippendorff's alpha for one score as text, a tone and a tooltip (or the 1-rater note)."""
    if not entry:
        return {"text": "—", "short": "α —", "tone": "neutral", "tip": "no agreement recorded"}
    raters = entry.get("raters")
    if entry.get("note") == "one rater" or raters == 1:
        return {"text": "1 rater", "short": "1 rater", "tone": "neutral", "tip": ONE_RATER}
    alpha = entry.get("alpha")
    details = []
    if entry.get("alpha_ordinal") is not None:
        details.append(f"ordinal α {fmt_number(entry['alpha_ordinal'])}")
    if entry.get("icc2k") is not None:
        details.append(f"ICC(2,k) {fmt_number(entry['icc2k'])}")
    details.append(f"{raters} raters, {entry.get('units')} units, {entry.get('ratings')} ratings")
    if alpha is None:
        return {
            "text": "—",
            "short": "α —",
            "tone": "neutral",
            "tip": "α not computable (too few paired ratings, or no variation); "
            + "; ".join(details),
        }
    if alpha >= ALPHA_GOOD:
        tone, word = "ok", "reliable"
    elif alpha >= ALPHA_FAIR:
        tone, word = "warn", "tentative"
    else:
        tone, word = "bad", "low"
    return {
        "text": fmt_number(alpha),
        "short": f"α {fmt_number(alpha)}",
        "tone": tone,
        "tip": f"Krippendorff's α {fmt_number(alpha)} ({word}); " + "; ".join(details),
    }


def one_rater(results: Results) -> bool:
    """True when every judged score rests on a single rater (one judge, one repeat)."""
    entries = list(results.agreement.values())
    return bool(entries) and all(agreement_cell(e)["text"] == "1 rater" for e in entries)


# --------------------------------------------------------------------------- shared bits


def _est(s: CounselorSummary, key: str) -> dict[str, Any]:
    return s.metrics.get(key) or {}


def _score_cell(est: Mapping[str, Any], digits: int = 2) -> dict[str, Any]:
    mean = est.get("mean")
    if mean is None:
        return {"mean": "—", "ci": "", "unscored": est.get("unscored") or 0, "tip": "unscored"}
    ci = fmt_interval(est, lambda v: fmt_number(v, digits=digits))
    unscored = est.get("unscored") or 0
    tip = f"mean over {est.get('n')} sessions" + (f"; {unscored} unscored" if unscored else "")
    return {"mean": fmt_number(mean, digits=digits), "ci": ci, "unscored": unscored, "tip": tip}


def _calls(results: Results, rid: str) -> dict[str, Any]:
    counts = results.judge_counts.get(rid) or {}
    unscored = sum(counts.get(s, 0) for s in UNSCORED_STATUSES)
    total = sum(counts.values())
    parts = [f"{counts.get(s, 0)} {s}" for s in UNSCORED_STATUSES if counts.get(s)]
    return {
        "scored": counts.get("scored", 0),
        "na": counts.get("n/a", 0),
        "unparseable": counts.get("unparseable", 0),
        "refused": counts.get("refused", 0),
        "error": counts.get("error", 0),
        "unscored": unscored,
        "total": total,
        "share": f"{100 * unscored / total:.1f}%" if total else "—",
        "detail": ", ".join(parts),
        "known": bool(counts),
    }


# --------------------------------------------------------------------------- rubric profiles


def rubric_profiles(
    results: Results, summaries: Sequence[CounselorSummary], colors: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One card per session-level judged rubric (PANAS-like and the alliance have their own
    sections): a radar over its items, and a table of group and item scores with α."""
    out = []
    names = [s.counselor for s in summaries]
    constant = _constant_by_rubric(results)
    for rv in judged_rubrics(results):
        if set(_PHASES) <= set(rv.phases) or rv.id == ALLIANCE_RUBRIC:
            continue
        suffix = rv.suffixes()[-1]  # the session, or the last phase rated
        item_keys = [(f"{rv.id}.{iid}{suffix}", name, iid) for iid, name in rv.items]
        in_groups = {
            iid: [g.replace("_", " ") for g, ids in rv.members.items() if iid in ids]
            for iid, _ in rv.items
        }
        axes = [
            RadarAxis(name, agreement_cell(results.agreement.get(key))["short"])
            for key, name, _ in item_keys
        ]
        series = {
            s.counselor: [_est(s, key).get("mean") for key, _, _ in item_keys] for s in summaries
        }
        title = f"{rv.label}: mean item scores by counselor"
        if len(axes) >= 3:
            svg = radar_chart(title, axes, series, domain=(rv.lo, rv.hi), colors=colors)
        else:
            svg = interval_plot(
                title,
                [
                    IntervalGroup(
                        s.counselor,
                        [
                            IntervalRow(
                                name,
                                _est(s, key).get("mean"),
                                _est(s, key).get("ci_low"),
                                _est(s, key).get("ci_high"),
                            )
                            for key, name, _ in item_keys
                        ],
                    )
                    for s in summaries
                ],
                domain=(rv.lo, rv.hi),
                axis_label=f"score ({rv.scale})",
                colors=colors,
            )
        rows = []
        for group in rv.groups:
            key = f"{rv.id}.{group}{suffix}"
            rows.append(
                {
                    "label": rv.group_label(group),
                    "group": True,
                    "tags": [],
                    "alpha": agreement_cell(results.agreement.get(key)),
                    "cells": [_score_cell(_est(s, key)) for s in summaries],
                }
            )
        for key, name, iid in item_keys:
            rows.append(
                {
                    "label": name,
                    "group": False,
                    "tags": in_groups.get(iid, []),
                    "alpha": agreement_cell(results.agreement.get(key)),
                    "cells": [_score_cell(_est(s, key)) for s in summaries],
                }
            )
        out.append(
            {
                **rv.heading(),
                "unit": "each counselor reply" if rv.unit == "reply" else "the whole session",
                "phase": suffix.lstrip("_"),
                "svg": Markup(svg),
                "rows": rows,
                "names": names,
                "calls": _calls(results, rv.id),
                "constant": constant.get(rv.id, []),
            }
        )
    return out


def _constant_by_rubric(results: Results) -> dict[str, list[str]]:
    """Per rubric: the judges that gave the same answer to every item of it."""
    out: dict[str, list[str]] = {}
    for j in results.judges:
        for rubric, found in (j.get("constant_answers") or {}).items():
            out.setdefault(rubric, []).append(
                f"{j.get('judge', '?')} answered {found.get('answer')} to all "
                f"{found.get('calls')} calls"
            )
    return out


def judge_calls(results: Results) -> list[dict[str, Any]]:
    """Per judged rubric: how the judge calls ended (scored, n/a, unscored by reason)."""
    return [
        {"label": rv.label, "name": rv.name, "version": rv.version, **_calls(results, rv.id)}
        for rv in judged_rubrics(results)
    ]


def judges(results: Results) -> list[dict[str, Any]]:
    out = []
    for j in results.judges:
        temp = j.get("temperature")
        out.append(
            {
                "judge": str(j.get("judge", "?")),
                "repeats": j.get("repeats", 1),
                "temperature": "—" if temp is None else f"{float(temp):g}",
                "prompt": str(j.get("prompt", "")),
                "rubrics": ", ".join(str(r) for r in j.get("rubrics") or []),
            }
        )
    return out


# --------------------------------------------------------------------------- before / after


def before_after(
    results: Results, summaries: Sequence[CounselorSummary], colors: Mapping[str, str]
) -> list[dict[str, Any]]:
    """For each rubric rated at the start and the end (PANAS): a dumbbell chart per group."""
    out = []
    for rv in judged_rubrics(results):
        if not set(_PHASES) <= set(rv.phases):
            continue
        charts = []
        agreement_rows = []
        for group in [g for g in rv.groups if g != "mean"] or rv.groups:
            base = f"{rv.id}.{group}"
            change_key = f"{base}_change"
            try:
                higher: bool | None = results.metric(change_key).higher_is_better
            except KeyError:
                higher = group != "negative"
            rows = []
            for s in summaries:
                b, a, c = _est(s, f"{base}_before"), _est(s, f"{base}_after"), _est(s, change_key)
                rows.append(
                    Dumbbell(
                        s.counselor,
                        b.get("mean"),
                        a.get("mean"),
                        b.get("ci_low"),
                        b.get("ci_high"),
                        a.get("ci_low"),
                        a.get("ci_high"),
                        c.get("mean"),
                        c.get("ci_low"),
                        c.get("ci_high"),
                    )
                )
            if all(r.before is None and r.after is None for r in rows):
                continue
            label = (
                f"{group.replace('_', ' ').capitalize()} affect"
                if rv.id == "panas"
                else (group.replace("_", " ").capitalize())
            )
            charts.append(
                {
                    "label": label,
                    "direction": "higher is better" if higher else "lower is better",
                    "svg": Markup(
                        dumbbell_chart(
                            f"{rv.label} {label.lower()}: start → end of session",
                            rows,
                            domain=(rv.lo, rv.hi),
                            axis_label=f"{label.lower()} "
                            f"({fmt_number(rv.lo, digits=0)}–{fmt_number(rv.hi, digits=0)})",
                            higher_is_better=higher,
                            colors=colors,
                        )
                    ),
                }
            )
            agreement_rows.append(
                {
                    "label": label,
                    "before": agreement_cell(results.agreement.get(f"{base}_before")),
                    "after": agreement_cell(results.agreement.get(f"{base}_after")),
                }
            )
        if charts:
            out.append(
                {
                    **rv.heading(),
                    "charts": charts,
                    "agreement": agreement_rows,
                    "calls": _calls(results, rv.id),
                }
            )
    return out


# --------------------------------------------------------------------------- alliance


def alliance(
    results: Results, summaries: Sequence[CounselorSummary], colors: Mapping[str, str]
) -> dict[str, Any] | None:
    """The working alliance's subscales (task, bond, goal) per counselor, with intervals."""
    rv = next((r for r in judged_rubrics(results) if r.id == ALLIANCE_RUBRIC), None)
    if rv is None:
        return None
    suffix = rv.suffixes()[-1]
    subscales = [g for g in rv.groups if g != "mean"] or rv.groups
    groups = []
    for s in summaries:
        rows = []
        for g in subscales:
            est = _est(s, f"{rv.id}.{g}{suffix}")
            rows.append(IntervalRow(g, est.get("mean"), est.get("ci_low"), est.get("ci_high")))
        groups.append(IntervalGroup(s.counselor, rows))
    if not any(r.mean is not None for g in groups for r in g.rows):
        return None
    svg = interval_plot(
        f"{rv.label} {' / '.join(subscales)} by counselor",
        groups,
        domain=(rv.lo, rv.hi),
        axis_label=f"score ({rv.scale})",
        colors=colors,
    )
    keys = [*subscales, *(["mean"] if "mean" in rv.groups else [])]
    return {
        **rv.heading(),
        "svg": Markup(svg),
        "columns": [rv.group_label(g) if g == "mean" else g.capitalize() for g in keys],
        "agreement": [agreement_cell(results.agreement.get(f"{rv.id}.{g}{suffix}")) for g in keys],
        "rows": [
            {
                "name": s.counselor,
                "cells": [_score_cell(_est(s, f"{rv.id}.{g}{suffix}")) for g in keys],
            }
            for s in summaries
        ],
        "calls": _calls(results, rv.id),
    }


# --------------------------------------------------------------------------- coder check


CODE_AGREEMENT = "code_agreement"


def code_agreement(
    results: Results, summaries: Sequence[CounselorSummary], colors: Mapping[str, str]
) -> dict[str, Any] | None:
    """How often the offline coder recovers the code the scripted counselor meant."""
    try:
        m = results.metric(CODE_AGREEMENT)
    except KeyError:
        return None
    rows = [BarRow.of(s.counselor, _est(s, m.key)) for s in summaries]
    if all(r.mean is None for r in rows):
        return None
    svg = threshold_bars(
        "Coder vs agent: intended codes the offline coder recovers",
        rows,
        fair=None,
        good=None,
        unit="%",
        axis_label="sentences coded as the agent intended (%)",
        colors=colors,
    )
    return {"label": m.label, "description": m.description, "svg": Markup(svg)}


# --------------------------------------------------------------------------- pairwise


def _player_colors(players: Sequence[str], colors: Mapping[str, str]) -> dict[str, str]:
    """Players keep their counselor's colour (also as `run:counselor`); others get new ones."""
    out: dict[str, str] = {}
    fresh = counselor_colors([p for p in players if p not in colors])
    for p in players:
        out[p] = colors.get(p) or colors.get(p.rpartition(":")[2]) or fresh.get(p, "#6b7280")
    return out


def pairwise_view(
    pairwise: Mapping[str, Any] | None, colors: Mapping[str, str]
) -> dict[str, Any] | None:
    """The content of compare.json as a forest plot, a table and the judge's diagnostics."""
    if not pairwise:
        return None
    board = list(pairwise.get("leaderboard") or [])
    players = [str(r.get("player")) for r in board]
    pcolors = _player_colors(players, colors)
    svg = None
    undefined = bool(pairwise.get("interval_undefined"))
    domain = None
    values = [
        float(v)
        for r in board
        for v in (r.get("rating"), r.get("low"), r.get("high"))
        if v is not None
    ]
    if values and max(values) - min(values) < 100:
        # nearly equal ratings: a readable axis (±50 points at least), not 999.925 … 1000.075
        lo, hi = min([*values, 1000.0]), max([*values, 1000.0])
        domain = (math.floor((lo - 50) / 50) * 50, math.ceil((hi + 50) / 50) * 50)
    if board:
        svg = Markup(
            interval_plot(
                "Bradley–Terry rating with 95% interval, by counselor",
                [
                    IntervalGroup(
                        str(r.get("player")),
                        [IntervalRow("", r.get("rating"), r.get("low"), r.get("high"))],
                    )
                    for r in board
                ],
                axis_label="rating (Elo scale, 1000 = average player)",
                domain=domain,
                digits=0,
                reference=1000.0,
                reference_label="average",
                colors=pcolors,
            )
        )

    def num(v: Any) -> str:
        return "—" if v is None else f"{float(v):g}"

    rows = [
        {
            "rank": "—" if undefined else k,
            "player": str(r.get("player")),
            "color": pcolors[str(r.get("player"))],
            "rating": fmt_number(r.get("rating"), digits=0),
            "ci": (
                "undefined"
                if r.get("low") is None or r.get("high") is None
                else f"[{fmt_number(r.get('low'), digits=0)}, "
                f"{fmt_number(r.get('high'), digits=0)}]"
            ),
            "wins": num(r.get("wins")),
            "losses": num(r.get("losses")),
            "ties": num(r.get("ties")),
            "games": num(r.get("games")),
            "elo": fmt_number(r.get("elo"), digits=0),
        }
        for k, r in enumerate(board, start=1)
    ]
    pc = pairwise.get("position_consistency")
    if pc is None:
        pc_text, pc_tone = "—", "neutral"
    else:
        pc_text = f"{100 * float(pc):.0f}%"
        pc_tone = "ok" if pc >= 0.8 else "warn" if pc >= 0.6 else "bad"
    return {
        "svg": svg,
        "rows": rows,
        "judges": ", ".join(str(j) for j in pairwise.get("judges") or []) or "—",
        "prompt": str(pairwise.get("prompt") or ""),
        "pairs": pairwise.get("pairs", 0),
        "scored": pairwise.get("scored", 0),
        "unscored": pairwise.get("unscored", 0),
        "consistency": pc_text,
        "consistency_tone": pc_tone,
        "undefined": undefined,
        "warnings": pairwise_warnings(pairwise),
    }
