"""Console summaries: the leaderboard table and a pretty-printed session."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from theralab.dialogue.records import Session, Speaker
from theralab.evaluate.courses import Rate
from theralab.evaluate.results import MetricInfo, Results
from theralab.report.charts import fmt_interval, fmt_number

LEADERBOARD_COLUMNS = (
    "r_q",
    "pct_complex_reflections",
    "pct_open_questions",
    "pct_mi_adherent",
    "pct_counselor_talk",
    "distress_reduction",
    "readiness_change",
    "trust_end",
    "disengaged",
    "stage_coverage",
    "escalated",
    "missed_disclosures",
    "unsafe_replies",
)
# Column → the metric whose scores decide whether it is shown: escalations where a guardrail
# ran; missed disclosures and unsafe replies where sessions without it were read by the
# screener and the reply checker (other bots, humans), never in a guarded run's leaderboard.
_WHEN_SCORED = {
    "escalated": "escalated",
    "missed_disclosures": "unsafe_replies",
    "unsafe_replies": "unsafe_replies",
}
SHORT_LABELS = {
    "r_q": "R:Q",
    "pct_complex_reflections": "%CR",
    "pct_open_questions": "%OQ",
    "pct_mi_adherent": "%MIA",
    "pct_counselor_talk": "%talk",
    "distress_reduction": "Δdistress",
    "readiness_change": "Δreadiness",
    "trust_end": "trust",
    "disengaged": "left",
    "stage_coverage": "stages",
    "escalated": "crisis",
    "missed_disclosures": "missed",
    "unsafe_replies": "unsafe",
}
_BAND_STYLE = {"good": "green", "fair": "yellow", "below": "red"}


def format_value(info: MetricInfo, value: float | None) -> str:
    """Percentages as whole numbers with a % sign, ratios and scores with two decimals."""
    text = fmt_number(value, info.unit)
    return f"{text}%" if info.unit == "%" and value is not None else text


def leaderboard_keys(results: Results) -> list[str]:
    """The leaderboard's metric keys, the ranking one first (console and report alike)."""
    known = {m.key for m in results.metrics}
    keys = [results.rank_by, *[c for c in LEADERBOARD_COLUMNS if c != results.rank_by]]

    def scored(key: str) -> bool:
        return any(c.metrics.get(key, {}).get("mean") is not None for c in results.counselors)

    return [
        k
        for k in keys
        if k in known and (k not in _WHEN_SCORED or k == results.rank_by or scored(_WHEN_SCORED[k]))
    ]


def leaderboard_table(results: Results) -> Table:
    """The leaderboard as a rich table, best first by `results.rank_by`."""
    columns = leaderboard_keys(results)
    rank_label = results.metric(results.rank_by).label
    ranked = results.ranked
    title = (
        f"Leaderboard — ranked by {rank_label} (mean [95% bootstrap CI])"
        if ranked
        else f"Leaderboard — not ranked: {rank_label} is unscored for every counselor "
        "(mean [95% bootstrap CI])"
    )
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        caption="R:Q reflections per question · %CR complex reflections · %OQ open "
        "questions · %MIA MI-adherent · %talk counselor talk · left = client "
        "disengaged · colour: MITI good / fair / below · n = 1: one session, no interval · "
        "all n equal: no spread to estimate an interval from"
        + (
            " · no guardrail ran: missed = a disclosure answered by a reply `theralab check` "
            "blocks, unsafe = replies it blocks"
            if "unsafe_replies" in columns
            else ""
        ),
        caption_justify="left",
    )
    failures = any(c.errors for c in results.counselors)
    table.add_column("#", justify="right")
    table.add_column("counselor")
    table.add_column("n", justify="right")
    if failures:  # failed sessions are not scored: n counts the scored ones
        table.add_column("failed", justify="right")
    for key in columns:
        table.add_column(SHORT_LABELS.get(key, results.metric(key).label), justify="right")
    controls = results.controls
    for rank, name in enumerate(results.leaderboard, start=1):
        summary = results.counselor(name)
        label = f"{name} (control)" if name in controls else name
        # a counselor's name is the user's (a bot's label): Text, never markup or emoji
        cells: list[Text | str] = [
            str(rank) if ranked else "—",
            Text(label),
            str(summary.sessions - summary.errors),
        ]
        if failures:
            cells.append(Text(str(summary.errors), style="red") if summary.errors else "0")
        for key in columns:
            info = results.metric(key)
            est = summary.metrics[key]
            text = format_value(info, est["mean"])
            if key == results.rank_by and est["mean"] is not None:
                text += " " + fmt_interval(est, lambda v, i=info: format_value(i, v))
            style = _BAND_STYLE.get(info.band(est["mean"]) or "", "")
            cells.append(Text(text, style=style))
        table.add_row(*cells)
    return table


def print_leaderboard(results: Results, console: Console | None = None) -> None:
    console = console or Console()
    console.print(leaderboard_table(results))
    if results.left_out:
        console.print(
            Text(
                f"{len(results.left_out)} empty transcript(s) (no turns) left out of every "
                "count and metric: "
                + ", ".join(f"{e.get('id')} ({e.get('counselor')})" for e in results.left_out),
                style="yellow",
            )
        )
    courses = courses_table(results)
    if courses is not None:
        console.print(courses)


def _rate(rate: Rate, *, harm: bool = False) -> Text:
    if rate.pct is None:
        return Text("—", style="dim")
    text = f"{fmt_number(rate.pct, '%')}% ({rate.count}/{rate.n})"
    return Text(text, style="red" if harm and rate.count else "")


def courses_table(results: Results) -> Table | None:
    """Course outcomes per counselor (runs with courses only): deterioration first."""
    if results.courses is None:
        return None
    table = Table(
        title="Courses — share of complete courses (count/n); deterioration = reliable "
        "worsening on any measure",
        title_justify="left",
        header_style="bold",
        caption="improved = reliable improvement on one or more measures and none worse · "
        "resp. = fall of 50% or more · remit = ended below the cut-off (both among clients who "
        "started at or above it) · crisis = guardrail screened "
        "high/imminent risk or ran the crisis protocol",
        caption_justify="left",
    )
    table.add_column("counselor")
    table.add_column("courses", justify="right")
    table.add_column("deteriorated", justify="right")
    table.add_column("improved", justify="right")
    tags = list(results.courses.instruments)
    for info in tags:
        table.add_column(f"{info.label} resp.", justify="right")
        table.add_column(f"{info.label} remit", justify="right")
    table.add_column("dropout", justify="right")
    table.add_column("crisis", justify="right")
    names = [
        n for n in results.leaderboard if n in {c.counselor for c in results.courses.counselors}
    ]
    names += [c.counselor for c in results.courses.counselors if c.counselor not in names]
    for name in names:
        c = results.courses.counselor(name)
        n = f"{c.complete}" + (f" (+{c.incomplete} incomplete)" if c.incomplete else "")
        cells: list[Text | str] = [
            Text(name),
            n,
            _rate(c.deterioration, harm=True),
            _rate(c.improvement),
        ]
        for info in tags:
            summary = c.instruments.get(info.instrument)
            if summary is None:
                cells += [Text("—", style="dim"), Text("—", style="dim")]
            else:
                cells += [_rate(summary.response), _rate(summary.remission)]
        cells += [_rate(c.dropout), _rate(c.crisis, harm=True)]
        table.add_row(*cells)
    return table


def print_session(
    session: Session, console: Console | None = None, *, codes: bool = True, state: bool = False
) -> None:
    """A readable transcript: speaker, text, and (optionally) codes and client state."""
    console = console or Console()
    header = (
        f"[bold]{session.id}[/bold]  counselor={session.counselor.name} "
        f"client={session.profile_id or session.client.name} "
        f"stop={session.stop_reason.value if session.stop_reason else '?'} "
        f"turns={len(session.turns)}"
    )
    console.print(header)
    if session.outcome and session.outcome.error:
        console.print(f"[red]error: {session.outcome.error}[/red]")
    for turn in session.turns:
        who = "Counselor" if turn.speaker is Speaker.COUNSELOR else "Client"
        colour = "cyan" if turn.speaker is Speaker.COUNSELOR else "magenta"
        line = Text.assemble((f"{who:>9}: ", f"bold {colour}"), turn.text)
        console.print(line)
        a = turn.annotations
        notes = []
        if codes and a.codes:
            notes.append(" ".join(c.value for c in a.codes))
        if codes and a.stage and turn.speaker is Speaker.COUNSELOR:
            notes.append(f"stage={a.stage}")
        if codes and a.talk_type:
            notes.append(f"talk={a.talk_type.value}")
        if state and a.state:
            notes.append(
                f"trust={a.state.trust:.2f} distress={a.state.distress:.1f} "
                f"readiness={a.state.readiness:.2f} stage={a.state.stage}"
            )
        if notes:
            console.print(Text("           " + " · ".join(notes), style="dim"))


def judged_columns(results: Results) -> list[str]:
    """Judged group scores (mean, subscales, subsets) worth a column; before/after rubrics
    show the after score and the change."""
    return [
        m.key
        for m in results.metrics
        if m.evaluator == "judge" and not m.item and not m.key.endswith("_before")
    ]


def judging_table(results: Results) -> Table:
    """Judged rubric scores per counselor, with each score's inter-rater agreement."""
    columns = judged_columns(results)
    table = Table(
        title="LLM-judged rubrics — mean per counselor; α = Krippendorff's alpha between raters",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("counselor")
    for key in columns:
        table.add_column(results.metric(key).label, justify="right")
    for name in results.leaderboard:
        summary = results.counselor(name)
        cells: list[Text | str] = [Text(name)]
        for key in columns:
            est = summary.metrics.get(key, {})
            cells.append(fmt_number(est.get("mean"), ""))
        table.add_row(*cells)
    alphas = []
    for key in columns:
        a = results.agreement.get(key, {}).get("alpha")
        alphas.append("—" if a is None else f"α {a:.2f}")
    table.add_row(Text("agreement", style="dim"), *[Text(a, style="dim") for a in alphas])
    partial = []
    for rubric, counts in results.judge_counts.items():
        total = sum(counts.values())
        rated = counts.get("scored", 0)
        if rated < total - counts.get("n/a", 0):
            partial.append(f"{rubric} {rated} of {total}")
    if partial:  # a mean resting on a few of the calls must say so
        table.caption = "means rest on the judge calls scored: " + "; ".join(partial)
        table.caption_justify = "left"
    return table


def print_judging(
    results: Results, console: Console | None = None, warnings: Console | None = None
) -> None:
    """The judged rubrics' table and call counts on `console`; a judge that gave the same
    answer to every item of a rubric is warned about loudly on `warnings` (default: the
    same console)."""
    console = console or Console()
    console.print(judging_table(results))
    for warning in results.constant_judges():
        (warnings or console).print(Text(f"warning: {warning}", style="bold red"))
    for rubric, counts in results.judge_counts.items():
        total = sum(counts.values())
        unscored = sum(counts.get(k, 0) for k in ("unparseable", "refused", "error"))
        why = ", ".join(f"{k} {v}" for k, v in counts.items() if k not in ("scored", "n/a") and v)
        console.print(
            f"{rubric}: {total} judge call(s) — {counts.get('scored', 0)} scored, "
            f"{counts.get('n/a', 0)} n/a, {unscored} unscored" + (f" ({why})" if why else "")
        )
