"""Small inline-SVG charts for the HTML report: pure functions from numbers to markup.

No JavaScript, fonts or external resources: every chart is one `<svg>` element that inherits
the page's font, carries a `<title>` and `<desc>` for screen readers, and scales with its
container through its `viewBox`. All text is escaped. Counselors keep one colour everywhere
(`counselor_colors`), drawn from the Okabe–Ito palette, which stays distinguishable under
the common forms of colour-vision deficiency.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from theralab.evaluate.base import threshold_band

# Okabe–Ito, reordered so the first few are the most distinct on white; yellow is left out
# (too pale for thin lines) and black comes last.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
)

# The built-in counselors get fixed colours, so a report reads the same whatever the
# ranking; the negative control gets the alarm-like vermillion.
KNOWN_COLORS: dict[str, str] = {
    "cbt": "#0072B2",
    "mi": "#009E73",
    "person_centred": "#E69F00",
    "directive": "#D55E00",
}

BAND_FILL: dict[str, str] = {"good": "#e3f4ea", "fair": "#fdf1d6", "below": "#fbe4df"}
BAND_INK: dict[str, str] = {"good": "#17753f", "fair": "#8a5a00", "below": "#b3261e"}

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

_GOLDEN = 0.6180339887498949


def counselor_colors(names: Iterable[str]) -> dict[str, str]:
    """One colour per counselor: fixed ones for the built-ins, the palette for the rest."""
    out: dict[str, str] = {}
    used = set()
    pending = []
    for name in names:
        if name in out:
            continue
        if name in KNOWN_COLORS:
            out[name] = KNOWN_COLORS[name]
            used.add(KNOWN_COLORS[name])
        else:
            out[name] = ""
            pending.append(name)
    free = [c for c in PALETTE if c not in used] or list(PALETTE)
    for i, name in enumerate(pending):
        out[name] = free[i % len(free)]
    return out


# --------------------------------------------------------------------------- formatting


def fmt_number(value: float | None, unit: str = "", *, digits: int | None = None) -> str:
    """A compact human number: percentages as integers, other values with 2 decimals.

    Uses a real minus sign and never prints a negative zero.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if digits is None:
        digits = 0 if unit == "%" else 2
    text = f"{value:.{digits}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text.replace("-", "−")


def fmt_interval(
    est: Mapping[str, Any] | None, fmt: Callable[[float | None], str] = fmt_number
) -> str:
    """A mean's 95% interval as text, never dressed up as certainty: "[lo, hi]"; "n = 1" for
    a single session (no interval); "all n equal" when every value was the same (the
    percentile interval has zero width, which says nothing about the spread); "" when unscored."""
    est = est or {}
    if est.get("mean") is None:
        return ""
    n = est.get("n")
    lo, hi = est.get("ci_low"), est.get("ci_high")
    if n == 1:
        return "n = 1"
    if lo is None or hi is None:
        return "no interval"
    if lo == hi:
        return f"all {n} equal" if n else "no spread"
    return f"[{fmt(lo)}, {fmt(hi)}]"


def fmt_threshold(value: float) -> str:
    """A threshold as people write it: 1 rather than 1.00, 0.5 rather than 0.50."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _tick_label(value: float, step: float) -> str:
    digits = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if digits and abs(step * 10**digits - round(step * 10**digits)) > 1e-6:
        digits += 1
    return fmt_number(value, digits=digits)


def nice_step(span: float, target: int = 5) -> float:
    """A 1 / 2 / 2.5 / 5 × 10^k step giving about `target` intervals over `span`."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(1, target)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power + 1e-12:
            return m * power
    return 10 * power


def nice_domain(lo: float, hi: float, target: int = 5) -> tuple[float, float, list[float]]:
    """Widen [lo, hi] to whole steps and return it with its tick positions."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, target)
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    ticks = []
    k = 0
    while start + k * step <= stop + step * 1e-6:
        ticks.append(round(start + k * step, 10))
        k += 1
    return start, stop, ticks


def _ticks_within(lo: float, hi: float, target: int = 5) -> list[float]:
    step = nice_step(hi - lo, target)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    k = 0
    while first + k * step <= hi + step * 1e-6:
        out.append(round(first + k * step, 10))
        k += 1
    return out


class _Scale:
    """A linear map from a data domain onto a pixel range."""

    def __init__(self, d0: float, d1: float, r0: float, r1: float) -> None:
        self.d0, self.d1, self.r0, self.r1 = d0, d1, r0, r1

    def __call__(self, v: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        v = min(max(v, self.d0), self.d1)
        return self.r0 + (v - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


def _n(x: float) -> str:
    """A coordinate with at most one decimal."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _text_width(text: str, size: float = 12) -> float:
    return len(text) * size * 0.58


def _open_svg(width: float, height: float, title: str, desc: str, css_class: str) -> str:
    return (
        f'<svg class="chart {css_class}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" aria-label="{escape(title)}" '
        f'font-family="{escape(FONT)}" font-size="12" fill="{INK}" '
        f'preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )


def _x_axis(
    scale: _Scale, ticks: Sequence[float], y_top: float, y_bottom: float, label: str
) -> list[str]:
    """Vertical gridlines with tick labels under the plot, and the axis title."""
    parts = []
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for t in ticks:
        x = _n(scale(t))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(y_top)}" y2="{_n(y_bottom)}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{x}" y="{_n(y_bottom + 15)}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{escape(_tick_label(t, step))}</text>'
        )
    parts.append(
        f'<line x1="{_n(scale.r0)}" x2="{_n(scale.r1)}" y1="{_n(y_bottom)}" '
        f'y2="{_n(y_bottom)}" stroke="#9ca3af"/>'
    )
    if label:
        mid = (scale.r0 + scale.r1) / 2
        parts.append(
            f'<text x="{_n(mid)}" y="{_n(y_bottom + 33)}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="11.5">{escape(label)}</text>'
        )
    return parts


def _stripes(x0: float, x1: float, bands: Iterable[tuple[float, float]]) -> list[str]:
    """Light background rectangles behind every other row band `(y, height)`."""
    return [
        f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(x1 - x0)}" height="{_n(h)}" fill="#f8fafc"/>'
        for k, (y, h) in enumerate(bands)
        if k % 2 == 1
    ]


def _vertical_reference(
    scale: _Scale, reference: float | None, label: str, y_top: float, y_bottom: float
) -> list[str]:
    """A dashed vertical line at `reference` (when inside the scale's domain), titled above."""
    if reference is None or not scale.d0 <= reference <= scale.d1:
        return []
    xr = _n(scale(reference))
    parts = [
        f'<line x1="{xr}" x2="{xr}" y1="{_n(y_top - 4)}" y2="{_n(y_bottom)}" '
        f'stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="4 3"/>'
    ]
    if label:
        parts.append(
            f'<text x="{xr}" y="{_n(y_top - 8)}" text-anchor="middle" font-size="10.5" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    return parts


def _y_grid(scale: _Scale, ticks: Sequence[float], x0: float, x1: float) -> list[str]:
    """Horizontal gridlines with tick labels left of the plot."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    parts = []
    for t in ticks:
        y = _n(scale(t))
        parts.append(f'<line x1="{_n(x0)}" x2="{_n(x1)}" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{_n(x0 - 8)}" y="{_n(scale(t) + 4)}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(_tick_label(t, step))}</text>'
        )
    return parts


def _x_tick(x: float, y_bottom: float, label: str, font_size: float) -> str:
    """A short tick below the plot with its label (for charts whose x positions are counts)."""
    return (
        f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(y_bottom)}" y2="{_n(y_bottom + 4)}" '
        f'stroke="#9ca3af"/>'
        f'<text x="{_n(x)}" y="{_n(y_bottom + 17)}" text-anchor="middle" font-size="{font_size}" '
        f'fill="{MUTED}">{escape(label)}</text>'
    )


def _row_name(x0: float, cy: float, name: str) -> str:
    """A row's name, right-aligned left of the plot."""
    return (
        f'<text x="{_n(x0 - 10)}" y="{_n(cy + 4)}" text-anchor="end" font-weight="600">'
        f"{escape(name)}</text>"
    )


def _unscored(x0: float, x1: float | None, cy: float) -> str:
    """ "unscored" in the plot area, and a dash in the value column when `x1` is given."""
    return (
        f'<text x="{_n(x0 + 6)}" y="{_n(cy + 4)}" fill="{MUTED}" font-style="italic">'
        f"unscored</text>"
    ) + (
        f'<text x="{_n(x1 + 10)}" y="{_n(cy + 4)}" fill="{MUTED}">—</text>'
        if x1 is not None
        else ""
    )


# --------------------------------------------------------------------------- threshold bars


@dataclass(frozen=True)
class BarRow:
    """One counselor's estimate: mean with its interval (any of them may be missing)."""

    name: str
    mean: float | None
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, name: str, estimate: Mapping[str, Any]) -> BarRow:
        """From a results estimate: `{"mean", "ci_low", "ci_high"}`, any of them missing."""
        return cls(name, estimate.get("mean"), estimate.get("ci_low"), estimate.get("ci_high"))


def threshold_bars(
    title: str,
    rows: Sequence[BarRow],
    *,
    fair: float | None,
    good: float | None,
    higher_is_better: bool | None = True,
    unit: str = "",
    axis_label: str = "",
    colors: Mapping[str, str] | None = None,
    domain: tuple[float, float] | None = None,
    width: float = 600,
) -> str:
    """Horizontal bars (one per counselor) with 95% interval whiskers against thresholds.

    The plot background is tinted by band (below / fair / good), dashed lines mark the fair
    and good thresholds, and each row ends with its value and band in words, so nothing
    depends on colour alone. Percentages use a 0–100 axis.
    """
    colors = colors or counselor_colors(r.name for r in rows)
    left, right, top, bottom, row_h = 118.0, 112.0, 30.0, 44.0, 32.0
    height = top + row_h * max(1, len(rows)) + bottom
    x0, x1 = left, width - right
    y_top, y_bottom = top, top + row_h * max(1, len(rows))

    values = [v for r in rows for v in (r.mean, r.low, r.high) if v is not None]
    marks = [v for v in (fair, good) if v is not None]
    if domain is not None:
        d0, d1 = domain
        ticks = _ticks_within(d0, d1)
    elif unit == "%":
        d0, d1, ticks = 0.0, 100.0, [0, 20, 40, 60, 80, 100]
    else:
        lo = min([0.0, *values, *marks])
        hi = max([*values, *marks, 0.0])
        hi = hi + 0.12 * (hi - lo or 1.0)
        d0, d1, ticks = nice_domain(lo, hi)
    sx = _Scale(d0, d1, x0, x1)

    desc_bits = []
    for r in rows:
        band = threshold_band(r.mean, fair, good, higher_is_better)
        if r.mean is None:
            desc_bits.append(f"{r.name}: unscored")
        else:
            ci = (
                f" (95% CI {fmt_number(r.low, unit)} to {fmt_number(r.high, unit)})"
                if r.low is not None and r.high is not None
                else ""
            )
            note = f", {band}" if band else ""
            desc_bits.append(f"{r.name}: {fmt_number(r.mean, unit)}{ci}{note}")
    thresholds = ""
    if fair is not None and good is not None:
        cmp = "≥" if higher_is_better is not False else "<"
        thresholds = (
            f" Thresholds: fair {cmp} {fmt_threshold(fair)}, good {cmp} {fmt_threshold(good)}."
        )
    parts = [_open_svg(width, height, title, "; ".join(desc_bits) + "." + thresholds, "bars")]

    # Band zones behind everything.
    if fair is not None and good is not None:
        if higher_is_better is False:
            zones = [("good", d0, good), ("fair", good, fair), ("below", fair, d1)]
        else:
            zones = [("below", d0, fair), ("fair", fair, good), ("good", good, d1)]
        for band, a, b in zones:
            a, b = max(a, d0), min(b, d1)
            if b <= a:
                continue
            parts.append(
                f'<rect x="{_n(sx(a))}" y="{_n(y_top)}" width="{_n(sx(b) - sx(a))}" '
                f'height="{_n(y_bottom - y_top)}" fill="{BAND_FILL[band]}"/>'
            )
    parts += _x_axis(sx, ticks, y_top, y_bottom, axis_label)

    # Threshold lines, labelled above the plot, pushed apart so they never overlap.
    if fair is not None and good is not None:
        cmp = "≥" if higher_is_better is not False else "<"
        lines = sorted([("fair", fair), ("good", good)], key=lambda p: p[1])
        for i, (name, value) in enumerate(lines):
            if not d0 <= value <= d1:
                continue
            x = sx(value)
            anchor, dx = ("end", -4) if i == 0 else ("start", 4)
            parts.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(y_top - 6)}" y2="{_n(y_bottom)}" '
                f'stroke="{BAND_INK[name]}" stroke-width="1.4" stroke-dasharray="4 3"/>'
            )
            parts.append(
                f'<text x="{_n(x + dx)}" y="{_n(y_top - 10)}" text-anchor="{anchor}" '
                f'font-size="11" font-weight="600" fill="{BAND_INK[name]}">'
                f"{escape(f'{name} {cmp} {fmt_threshold(value)}')}</text>"
            )

    base = sx(min(max(0.0, d0), d1))
    for i, r in enumerate(rows):
        cy = y_top + row_h * i + row_h / 2
        color = colors.get(r.name, PALETTE[i % len(PALETTE)])
        parts.append(_row_name(x0, cy, r.name))
        if r.mean is None:
            parts.append(_unscored(x0, x1, cy))
            continue
        band = threshold_band(r.mean, fair, good, higher_is_better)
        xm = sx(r.mean)
        tip = f"{r.name}: {fmt_number(r.mean, unit)}"
        if r.low is not None and r.high is not None:
            tip += f" [{fmt_number(r.low, unit)}, {fmt_number(r.high, unit)}]"
        if band:
            tip += f" · {band}"
        parts.append(f"<g><title>{escape(tip)}</title>")
        bar_w = max(abs(xm - base), 1.5)
        parts.append(
            f'<rect x="{_n(min(base, xm))}" y="{_n(cy - 8)}" width="{_n(bar_w)}" '
            f'height="16" rx="3" fill="{color}" fill-opacity="0.9"/>'
        )
        if r.low is not None and r.high is not None:
            lo, hi = sx(r.low), sx(r.high)
            parts.append(
                f'<path d="M{_n(lo)} {_n(cy - 6)}v12M{_n(lo)} {_n(cy)}H{_n(hi)}'
                f'M{_n(hi)} {_n(cy - 6)}v12" stroke="{INK}" stroke-width="1.6" fill="none"/>'
            )
        parts.append("</g>")
        label = fmt_number(r.mean, unit) + ("%" if unit == "%" else "")
        parts.append(
            f'<text x="{_n(x1 + 10)}" y="{_n(cy + 4)}" font-weight="700">{escape(label)}'
            + (
                f'<tspan dx="6" font-weight="600" font-size="11" fill="{BAND_INK[band]}">'
                f"{escape(band)}</tspan>"
                if band
                else ""
            )
            + "</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- dot plot


@dataclass(frozen=True)
class DotGroup:
    """One counselor's per-session values (None = unscored), with optional dot labels."""

    name: str
    values: Sequence[float | None]
    labels: Sequence[str] = field(default_factory=tuple)
    low: float | None = None
    high: float | None = None


def dot_plot(
    title: str,
    groups: Sequence[DotGroup],
    *,
    axis_label: str = "",
    unit: str = "",
    colors: Mapping[str, str] | None = None,
    domain: tuple[float, float] | None = None,
    reference: float | None = 0.0,
    reference_label: str = "no change",
    width: float = 600,
) -> str:
    """One row per counselor: a dot per session, jittered vertically, plus the mean.

    Jitter is deterministic (a golden-ratio sequence over the sorted values), so the same
    data always draws the same picture. The mean is a dark tick; when an interval is given
    it is shaded behind the dots. An optional reference line (e.g. zero) is dashed.
    """
    colors = colors or counselor_colors(g.name for g in groups)
    left, right, top, bottom, row_h, amp = 118.0, 104.0, 22.0, 44.0, 46.0, 13.0
    n_rows = max(1, len(groups))
    height = top + row_h * n_rows + bottom
    x0, x1 = left, width - right
    y_top, y_bottom = top, top + row_h * n_rows

    values = [v for g in groups for v in g.values if v is not None]
    if domain is not None:
        d0, d1 = domain
        ticks = _ticks_within(d0, d1)
    else:
        lo = min(values, default=0.0)
        hi = max(values, default=1.0)
        if reference is not None:
            lo, hi = min(lo, reference), max(hi, reference)
        pad = 0.05 * (hi - lo or 1.0)
        d0, d1, ticks = nice_domain(lo - pad, hi + pad)
    sx = _Scale(d0, d1, x0, x1)

    means: list[float | None] = []
    for g in groups:
        scored = [v for v in g.values if v is not None]
        means.append(sum(scored) / len(scored) if scored else None)
    desc = "; ".join(
        f"{g.name}: mean {fmt_number(m, unit)} over {sum(v is not None for v in g.values)} sessions"
        for g, m in zip(groups, means, strict=True)
    )
    parts = [_open_svg(width, height, title, desc + ".", "dots")]
    parts += _stripes(x0, x1, ((y_top + row_h * i, row_h) for i in range(n_rows)))
    parts += _x_axis(sx, ticks, y_top, y_bottom, axis_label)
    parts += _vertical_reference(sx, reference, reference_label, y_top, y_bottom)

    for i, (g, mean) in enumerate(zip(groups, means, strict=True)):
        cy = y_top + row_h * i + row_h / 2
        color = colors.get(g.name, PALETTE[i % len(PALETTE)])
        parts.append(_row_name(x0, cy, g.name))
        if mean is not None and g.low is not None and g.high is not None:
            parts.append(
                f'<rect x="{_n(sx(g.low))}" y="{_n(cy - amp - 3)}" '
                f'width="{_n(max(sx(g.high) - sx(g.low), 1))}" height="{_n(2 * amp + 6)}" '
                f'fill="{INK}" fill-opacity="0.08" rx="2"/>'
            )
        labels = list(g.labels) + [""] * (len(g.values) - len(g.labels))
        points = sorted(
            ((v, lab) for v, lab in zip(g.values, labels, strict=False) if v is not None),
            key=lambda p: p[0],
        )
        parts.append(f'<g fill="{color}" fill-opacity="0.6" stroke="#fff" stroke-width="0.6">')
        for k, (v, lab) in enumerate(points):
            jitter = ((k * _GOLDEN) % 1.0 - 0.5) * 2 * amp
            tip = f"{lab}: {fmt_number(v, unit)}" if lab else fmt_number(v, unit)
            parts.append(
                f'<circle cx="{_n(sx(v))}" cy="{_n(cy + jitter)}" r="3.6">'
                f"<title>{escape(tip)}</title></circle>"
            )
        parts.append("</g>")
        if mean is None:
            parts.append(_unscored(x0, x1, cy))
            continue
        xm = _n(sx(mean))
        parts.append(
            f'<line x1="{xm}" x2="{xm}" y1="{_n(cy - amp - 4)}" y2="{_n(cy + amp + 4)}" '
            f'stroke="#fff" stroke-width="5"/>'
            f'<line x1="{xm}" x2="{xm}" y1="{_n(cy - amp - 4)}" y2="{_n(cy + amp + 4)}" '
            f'stroke="{INK}" stroke-width="2.5"><title>{escape(g.name)} mean '
            f"{escape(fmt_number(mean, unit))}</title></line>"
        )
        label = fmt_number(mean, unit) + ("%" if unit == "%" else "")
        parts.append(
            f'<text x="{_n(x1 + 10)}" y="{_n(cy + 1)}" font-weight="700">{escape(label)}</text>'
            f'<text x="{_n(x1 + 10)}" y="{_n(cy + 14)}" font-size="10.5" fill="{MUTED}">'
            f"mean · n {len(points)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- line chart


def line_chart(
    title: str,
    series: Mapping[str, Sequence[float | None]],
    *,
    x_label: str = "client turn",
    y_label: str = "",
    colors: Mapping[str, str] | None = None,
    y_domain: tuple[float, float] | None = None,
    support: Mapping[str, Sequence[int]] | None = None,
    sparse_share: float = 0.5,
    width: float = 600,
    height: float = 300,
) -> str:
    """One line per counselor over client-turn index (shown 1-based).

    Missing points (None) are skipped and break the line rather than being bridged, so a
    gap is visible. When `support` gives, per counselor, how many sessions each point
    averages, stretches resting on fewer than `sparse_share` of that counselor's sessions
    are drawn dashed with hollow markers, so thin tails are not over-read. A legend sits
    above the plot.
    """
    colors = colors or counselor_colors(series)
    names = list(series)
    left, right, bottom = 52.0, 18.0, 46.0

    def counts_of(name: str) -> list[int] | None:
        if support is None or name not in support:
            return None
        return list(support[name])

    def sparse_flags(name: str) -> list[bool]:
        counts = counts_of(name)
        values = series[name]
        if not counts:
            return [False] * len(values)
        full = max(counts)
        return [k < len(counts) and counts[k] < sparse_share * full for k in range(len(values))]

    flags = {name: sparse_flags(name) for name in names}
    any_sparse = any(
        f and v is not None
        for name in names
        for f, v in zip(flags[name], series[name], strict=True)
    )

    # Legend entries (counselors, then the dashed-line key when needed), wrapped to width.
    entries = [
        (name, colors.get(name, PALETTE[i % len(PALETTE)]), False) for i, name in enumerate(names)
    ]
    if any_sparse:
        entries.append((f"< {round(sparse_share * 100)}% of sessions", MUTED, True))
    legend: list[tuple[str, str, bool, float, float]] = []
    lx, ly = left, 16.0
    for text, color, dashed in entries:
        w = 26 + _text_width(text, 12) + 18
        if lx + w > width - right and lx > left:
            lx, ly = left, ly + 18
        legend.append((text, color, dashed, lx, ly))
        lx += w
    top = ly + 20
    x0, x1 = left, width - right
    y_top, y_bottom = top, height - bottom

    length = max((len(v) for v in series.values()), default=0)
    values = [v for vs in series.values() for v in vs if v is not None]
    if y_domain is not None:
        d0, d1 = y_domain
        yticks = _ticks_within(d0, d1)
    else:
        lo, hi = min(values, default=0.0), max(values, default=1.0)
        d0, d1, yticks = nice_domain(lo, hi)
    sy = _Scale(d0, d1, y_bottom, y_top)
    x_hi = max(2, length)
    sx = _Scale(1, x_hi, x0, x1)
    xticks = [t for t in _ticks_within(1, x_hi, 8) if float(t).is_integer()] or [1]

    desc_bits = []
    for name in names:
        pts = [v for v in series[name] if v is not None]
        if pts:
            desc_bits.append(
                f"{name}: from {fmt_number(pts[0])} to {fmt_number(pts[-1])} over {len(pts)} turns"
            )
        else:
            desc_bits.append(f"{name}: no data")
    parts = [_open_svg(width, height, title, "; ".join(desc_bits) + ".", "lines")]

    parts += _y_grid(sy, yticks, x0, x1)
    parts += [_x_tick(sx(t), y_bottom, str(int(t)), 11) for t in xticks]
    parts.extend(_frame(x0, x1, y_top, y_bottom, height, x_label, y_label, 14))

    for i, name in enumerate(names):
        color = colors.get(name, PALETTE[i % len(PALETTE)])
        counts = counts_of(name)
        sparse = flags[name]
        solid: list[str] = []
        dashed: list[str] = []
        dots: list[str] = []
        prev: tuple[float, float, bool] | None = None
        for k, v in enumerate(series[name]):
            if v is None:
                prev = None
                continue
            x, y = sx(k + 1), sy(v)
            if prev is not None:
                px, py, p_sparse = prev
                target = dashed if (p_sparse or sparse[k]) else solid
                target.append(f"M{_n(px)} {_n(py)}L{_n(x)} {_n(y)}")
            prev = (x, y, sparse[k])
            tip = f"{name}, client turn {k + 1}: {fmt_number(v)}"
            if counts is not None and k < len(counts):
                tip += f" (mean of {counts[k]} session{'s' if counts[k] != 1 else ''})"
            fill = "#fff" if sparse[k] else color
            dots.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.7" fill="{fill}" stroke="{color}" '
                f'stroke-width="1.3"><title>{escape(tip)}</title></circle>'
            )
        parts.append(f"<g><title>{escape(name)}</title>")
        if solid:
            parts.append(
                f'<path d="{"".join(solid)}" fill="none" stroke="{color}" stroke-width="2.4" '
                f'stroke-linejoin="round" stroke-linecap="round"/>'
            )
        if dashed:
            parts.append(
                f'<path d="{"".join(dashed)}" fill="none" stroke="{color}" stroke-width="2" '
                f'stroke-dasharray="4 3" stroke-opacity="0.75"/>'
            )
        parts.append(f"{''.join(dots)}</g>")

    for text, color, is_dashed, lx, ly in legend:
        dash = ' stroke-dasharray="4 3"' if is_dashed else ""
        weight = "400" if is_dashed else "600"
        ink = MUTED if is_dashed else INK
        parts.append(
            f'<line x1="{_n(lx)}" x2="{_n(lx + 20)}" y1="{_n(ly - 4)}" y2="{_n(ly - 4)}" '
            f'stroke="{color}" stroke-width="2.6" stroke-linecap="round"{dash}/>'
            f'<text x="{_n(lx + 26)}" y="{_n(ly)}" font-weight="{weight}" fill="{ink}">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- radar chart


@dataclass(frozen=True)
class RadarAxis:
    """One spoke: its label and an optional second line (e.g. the raters' agreement)."""

    label: str
    note: str = ""


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap to lines of about `width` characters (a long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def radar_chart(
    title: str,
    axes: Sequence[RadarAxis],
    series: Mapping[str, Sequence[float | None]],
    *,
    domain: tuple[float, float],
    colors: Mapping[str, str] | None = None,
    radius: float = 135,
    wrap: int = 22,
    min_width: float = 420,
) -> str:
    """A spider chart: one spoke per axis, one polygon per counselor, centre = scale minimum.

    Spokes start at the top and run clockwise. Rings mark whole scale points (or nice steps
    on a long scale) and are labelled along the first spoke. A counselor with a missing value
    is drawn as an open outline with a gap at that spoke (never pulled to the centre), and
    every vertex has a tooltip, so no value is shown by shape alone. The width follows the
    labels: long item names widen the chart rather than run off its edge.
    """
    colors = colors or counselor_colors(series)
    names = list(series)
    n = len(axes)
    d0, d1 = domain
    line_h, gap, label_size = 13.0, 12.0, 11.5

    def angle(k: int) -> float:
        return -math.pi / 2 + 2 * math.pi * k / max(n, 1)

    def anchor_of(k: int) -> str:
        c = math.cos(angle(k))
        return "middle" if abs(c) < 0.15 else ("start" if c > 0 else "end")

    # Wrapped labels; the horizontal room they need decides the width and the centre.
    labels = [(_wrap(a.label, wrap), a.note) for a in axes]

    def extent(k: int) -> float:
        lines, note = labels[k]
        return max([_text_width(t, label_size) * 1.06 for t in lines] + [_text_width(note, 10.5)])

    left_need = right_need = radius + gap
    for k in range(n):
        reach = (radius + gap) * abs(math.cos(angle(k)))
        anchor = anchor_of(k)
        if anchor == "start":
            right_need = max(right_need, reach + extent(k))
        elif anchor == "end":
            left_need = max(left_need, reach + extent(k))
        else:
            left_need = max(left_need, extent(k) / 2)
            right_need = max(right_need, extent(k) / 2)
    width = max(min_width, left_need + right_need + 16)
    cx = 8 + left_need + (width - 16 - left_need - right_need) / 2

    # Legend, wrapped to the width, above the plot.
    legend: list[tuple[str, str, float, float]] = []
    lx, ly = 8.0, 16.0
    for i, name in enumerate(names):
        w = 26 + _text_width(name, 12) + 18
        if lx + w > width - 8 and lx > 8:
            lx, ly = 8.0, ly + 18
        legend.append((name, colors.get(name, PALETTE[i % len(PALETTE)]), lx, ly))
        lx += w

    def rows_of(k: int) -> int:
        return len(labels[k][0]) + (1 if labels[k][1] else 0)

    above = max(
        [rows_of(k) * line_h - (radius + gap) * (1 + math.sin(angle(k))) for k in range(n)] + [0.0]
    )
    below = max(
        [rows_of(k) * line_h - (radius + gap) * (1 - math.sin(angle(k))) for k in range(n)] + [0.0]
    )
    cy = ly + 16 + above + radius + gap
    height = cy + radius + gap + below + 14

    def point(k: int, value: float) -> tuple[float, float]:
        r = _Scale(d0, d1, 0.0, radius)(value)
        return cx + r * math.cos(angle(k)), cy + r * math.sin(angle(k))

    desc_bits = []
    for name in names:
        vals = [
            f"{a.label} {fmt_number(v)}"
            for a, v in zip(axes, series[name], strict=False)
            if v is not None
        ]
        desc_bits.append(f"{name}: " + (", ".join(vals) if vals else "unscored"))
    scale_note = f"Scale {fmt_threshold(d0)} (centre) to {fmt_threshold(d1)} (rim). "
    svg = _open_svg(width, height, title, scale_note + "; ".join(desc_bits) + ".", "radar")
    # never drawn larger than its natural size, so labels keep the page's type size
    parts = [svg.replace("<svg ", f'<svg style="max-width: {_n(width)}px" ', 1)]

    # Rings and spokes.
    span = d1 - d0
    rings = [float(v) for v in range(math.ceil(d0), math.floor(d1) + 1)] if span <= 10 else []
    if not rings:
        rings = _ticks_within(d0, d1)
    rings = [v for v in rings if v > d0]
    for v in rings:
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(k, v) for k in range(n)))
        strong = v == d1
        parts.append(
            f'<polygon points="{pts}" fill="{"#fafbfc" if strong else "none"}" '
            f'fill-opacity="{0.6 if strong else 1}" stroke="{"#cbd2da" if strong else GRID}"/>'
        )
    for k in range(n):
        x, y = point(k, d1)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID}"/>'
        )
    # Axis labels, outside the rim; the note (agreement) on a muted last line.
    for k, (lines, note) in enumerate(labels):
        a = angle(k)
        lx_ = cx + (radius + gap) * math.cos(a)
        ly_ = cy + (radius + gap) * math.sin(a)
        anchor = anchor_of(k)
        rows = rows_of(k)
        if anchor == "middle":
            y0 = ly_ - (rows - 1) * line_h if math.sin(a) < 0 else ly_ + 10
        else:
            # centred on the spoke's end, nudged away from the horizontal
            y0 = ly_ + 4 - (rows - 1) * line_h / 2 + math.sin(a) * line_h / 2
        spans = []
        for j, text in enumerate(lines):
            spans.append(
                f'<tspan x="{_n(lx_)}" y="{_n(y0 + j * line_h)}" font-weight="600">'
                f"{escape(text)}</tspan>"
            )
        if note:
            spans.append(
                f'<tspan x="{_n(lx_)}" y="{_n(y0 + len(lines) * line_h)}" fill="{MUTED}" '
                f'font-size="10.5">{escape(note)}</tspan>'
            )
        parts.append(
            f'<text text-anchor="{anchor}" font-size="{label_size}">{"".join(spans)}</text>'
        )

    # One shape per counselor.
    for i, name in enumerate(names):
        color = colors.get(name, PALETTE[i % len(PALETTE)])
        values = list(series[name]) + [None] * (n - len(series[name]))
        pts = [point(k, v) if v is not None else None for k, v in enumerate(values[:n])]
        parts.append(f"<g><title>{escape(name)}</title>")
        if all(p is not None for p in pts) and n >= 3:
            poly = " ".join(f"{_n(p[0])},{_n(p[1])}" for p in pts if p is not None)
            parts.append(
                f'<polygon points="{poly}" fill="{color}" fill-opacity="0.1" stroke="{color}" '
                f'stroke-width="2.2" stroke-linejoin="round"/>'
            )
        else:
            segs = []
            for k in range(n):
                p, q = pts[k], pts[(k + 1) % n]
                if p is not None and q is not None and (k + 1 < n or n >= 3):
                    segs.append(f"M{_n(p[0])} {_n(p[1])}L{_n(q[0])} {_n(q[1])}")
            if segs:
                parts.append(
                    f'<path d="{"".join(segs)}" fill="none" stroke="{color}" '
                    f'stroke-width="2.2" stroke-dasharray="5 3"/>'
                )
        for k, p in enumerate(pts):
            if p is None:
                continue
            tip = f"{name} · {axes[k].label}: {fmt_number(values[k])}"
            parts.append(
                f'<circle cx="{_n(p[0])}" cy="{_n(p[1])}" r="3" fill="{color}" stroke="#fff" '
                f'stroke-width="0.8"><title>{escape(tip)}</title></circle>'
            )
        parts.append("</g>")

    # Ring values on top of the shapes, haloed so they stay legible.
    step = rings[1] - rings[0] if len(rings) > 1 else 1.0
    for v in [d0, *rings]:
        _, y = point(0, v)
        parts.append(
            f'<text x="{_n(cx + 4)}" y="{_n(y + 3.5)}" font-size="10" fill="{MUTED}" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">'
            f"{escape(_tick_label(v, step))}</text>"
        )

    for name, color, x, y in legend:
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="20" height="10" rx="2" fill="{color}" '
            f'fill-opacity="0.15" stroke="{color}" stroke-width="2"/>'
            f'<text x="{_n(x + 26)}" y="{_n(y)}" font-weight="600">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- dumbbell chart


@dataclass(frozen=True)
class Dumbbell:
    """One counselor's score before and after, each with an optional interval, and the change."""

    name: str
    before: float | None
    after: float | None
    before_low: float | None = None
    before_high: float | None = None
    after_low: float | None = None
    after_high: float | None = None
    change: float | None = None
    change_low: float | None = None
    change_high: float | None = None


def _signed(value: float | None, digits: int = 2) -> str:
    """A change with its sign: +0.53, −0.21, 0.00."""
    text = fmt_number(value, digits=digits)
    return "+" + text if value is not None and value > 0 and text.strip("0.") else text


def _scale_ticks(d0: float, d1: float) -> list[float]:
    """Every point of a short whole-number rating scale (1–7, 0–6 …), nice steps otherwise."""
    if float(d0).is_integer() and float(d1).is_integer() and 0 < d1 - d0 <= 10:
        return [float(v) for v in range(int(d0), int(d1) + 1)]
    return _ticks_within(d0, d1)


def dumbbell_chart(
    title: str,
    rows: Sequence[Dumbbell],
    *,
    domain: tuple[float, float],
    axis_label: str = "",
    higher_is_better: bool | None = True,
    colors: Mapping[str, str] | None = None,
    width: float = 600,
) -> str:
    """Before → after per counselor: a hollow dot (before), a filled dot (after) and a bar
    between them, each dot with its 95% interval (before above the line, after below). The
    change and its interval are printed at the right, marked better / worse in words."""
    colors = colors or counselor_colors(r.name for r in rows)
    left, right, top, bottom, row_h = 118.0, 120.0, 34.0, 44.0, 42.0
    n_rows = max(1, len(rows))
    height = top + row_h * n_rows + bottom
    x0, x1 = left, width - right
    y_top, y_bottom = top, top + row_h * n_rows
    d0, d1 = domain
    sx = _Scale(d0, d1, x0, x1)
    ticks = _scale_ticks(d0, d1)

    def verdict(change: float | None) -> str:
        if change is None or higher_is_better is None or abs(change) < 0.005:
            return ""
        better = (change > 0) == bool(higher_is_better)
        return "better" if better else "worse"

    desc_bits = []
    for r in rows:
        if r.before is None and r.after is None:
            desc_bits.append(f"{r.name}: unscored")
            continue
        bit = f"{r.name}: {fmt_number(r.before)} before, {fmt_number(r.after)} after"
        if r.change is not None:
            bit += f", change {_signed(r.change)}"
            if r.change_low is not None and r.change_high is not None:
                bit += f" (95% CI {fmt_number(r.change_low)} to {fmt_number(r.change_high)})"
            if verdict(r.change):
                bit += f", {verdict(r.change)}"
        desc_bits.append(bit)
    parts = [_open_svg(width, height, title, "; ".join(desc_bits) + ".", "dumbbell")]
    parts += _stripes(x0, x1, ((y_top + row_h * i, row_h) for i in range(n_rows)))
    parts += _x_axis(sx, ticks, y_top, y_bottom, axis_label)

    # Key above the plot.
    ky = y_top - 14
    parts.append(
        f'<circle cx="{_n(x0 + 5)}" cy="{_n(ky - 4)}" r="4.5" fill="#fff" stroke="{INK}" '
        f'stroke-width="1.8"/><text x="{_n(x0 + 14)}" y="{_n(ky)}" font-size="11" '
        f'fill="{MUTED}">before</text>'
        f'<circle cx="{_n(x0 + 70)}" cy="{_n(ky - 4)}" r="4.5" fill="{INK}"/>'
        f'<text x="{_n(x0 + 79)}" y="{_n(ky)}" font-size="11" fill="{MUTED}">after</text>'
        f'<path d="M{_n(x0 + 126)} {_n(ky - 7)}v6M{_n(x0 + 126)} {_n(ky - 4)}h16'
        f'M{_n(x0 + 142)} {_n(ky - 7)}v6" stroke="{MUTED}" stroke-width="1.3" fill="none"/>'
        f'<text x="{_n(x0 + 148)} " y="{_n(ky)}" font-size="11" fill="{MUTED}">95% interval'
        f"</text>"
    )
    if higher_is_better is not None:
        parts.append(
            f'<text x="{_n(x1 + 10)}" y="{_n(ky)}" font-size="11" fill="{MUTED}">change</text>'
        )

    def whisker(lo: float | None, hi: float | None, y: float) -> str:
        if lo is None or hi is None:
            return ""
        a, b = sx(lo), sx(hi)
        return (
            f'<path d="M{_n(a)} {_n(y - 3)}v6M{_n(a)} {_n(y)}H{_n(b)}M{_n(b)} {_n(y - 3)}v6" '
            f'stroke="{INK}" stroke-opacity="0.55" stroke-width="1.2" fill="none"/>'
        )

    for i, r in enumerate(rows):
        cy = y_top + row_h * i + row_h / 2
        color = colors.get(r.name, PALETTE[i % len(PALETTE)])
        parts.append(_row_name(x0, cy, r.name))
        if r.before is None and r.after is None:
            parts.append(_unscored(x0, None, cy))
            continue
        tip = f"{r.name}: before {fmt_number(r.before)}"
        if r.before_low is not None and r.before_high is not None:
            tip += f" [{fmt_number(r.before_low)}, {fmt_number(r.before_high)}]"
        tip += f" → after {fmt_number(r.after)}"
        if r.after_low is not None and r.after_high is not None:
            tip += f" [{fmt_number(r.after_low)}, {fmt_number(r.after_high)}]"
        parts.append(f"<g><title>{escape(tip)}</title>")
        parts.append(whisker(r.before_low, r.before_high, cy - 10))
        parts.append(whisker(r.after_low, r.after_high, cy + 10))
        if r.before is not None and r.after is not None:
            xb, xa = sx(r.before), sx(r.after)
            parts.append(
                f'<line x1="{_n(xb)}" x2="{_n(xa)}" y1="{_n(cy)}" y2="{_n(cy)}" '
                f'stroke="{color}" stroke-width="4" stroke-opacity="0.45" '
                f'stroke-linecap="round"/>'
            )
            if abs(xa - xb) > 14:  # an arrowhead just short of the after dot
                d = 1 if xa > xb else -1
                tip_x = xa - d * 7
                parts.append(
                    f'<path d="M{_n(tip_x)} {_n(cy)}l{_n(-d * 7)} -4.5v9z" fill="{color}"/>'
                )
        if r.before is not None:
            parts.append(
                f'<circle cx="{_n(sx(r.before))}" cy="{_n(cy)}" r="5.5" fill="#fff" '
                f'stroke="{color}" stroke-width="2.4"/>'
            )
        if r.after is not None:
            parts.append(
                f'<circle cx="{_n(sx(r.after))}" cy="{_n(cy)}" r="5.5" fill="{color}" '
                f'stroke="#fff" stroke-width="1"/>'
            )
        parts.append("</g>")
        word = verdict(r.change)
        ink = BAND_INK["good"] if word == "better" else BAND_INK["below"] if word else INK
        parts.append(
            f'<text x="{_n(x1 + 10)}" y="{_n(cy + 1)}" font-weight="700" fill="{ink}">'
            f"{escape(_signed(r.change))}"
            + (f'<tspan dx="5" font-size="10.5" font-weight="600">{word}</tspan>' if word else "")
            + "</text>"
        )
        if r.change_low is not None and r.change_high is not None:
            parts.append(
                f'<text x="{_n(x1 + 10)}" y="{_n(cy + 14)}" font-size="10.5" fill="{MUTED}">'
                f"[{escape(fmt_number(r.change_low))}, {escape(fmt_number(r.change_high))}]"
                "</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- interval plot


@dataclass(frozen=True)
class IntervalRow:
    """One estimate in an interval plot: a label (may be empty), mean and interval."""

    label: str
    mean: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class IntervalGroup:
    """A counselor (or player) and its estimates, drawn as consecutive rows in its colour."""

    name: str
    rows: Sequence[IntervalRow]


def interval_plot(
    title: str,
    groups: Sequence[IntervalGroup],
    *,
    domain: tuple[float, float] | None = None,
    axis_label: str = "",
    unit: str = "",
    digits: int | None = None,
    reference: float | None = None,
    reference_label: str = "",
    colors: Mapping[str, str] | None = None,
    width: float = 600,
) -> str:
    """Dots with 95% interval whiskers, grouped: a forest plot when each group has one row,
    several labelled sub-rows (e.g. task / bond / goal) per counselor otherwise. Values and
    intervals are printed at the right; a missing estimate reads "unscored"."""
    colors = colors or counselor_colors(g.name for g in groups)
    multi = any(len(g.rows) > 1 or bool(g.rows and g.rows[0].label) for g in groups)
    left = 168.0 if multi else 118.0
    right, top, bottom = 118.0, 26.0 if reference_label else 14.0, 44.0
    sub_h = 24.0 if multi else 32.0
    gap = 10.0 if multi else 0.0
    n_rows = sum(max(1, len(g.rows)) for g in groups)
    plot_h = sub_h * max(1, n_rows) + gap * max(0, len(groups) - 1)
    height = top + plot_h + bottom
    x0, x1 = left, width - right
    y_top, y_bottom = top, top + plot_h

    values = [v for g in groups for r in g.rows for v in (r.mean, r.low, r.high) if v is not None]
    if domain is not None:
        d0, d1 = domain
        ticks = _scale_ticks(d0, d1)
    else:
        lo, hi = min(values, default=0.0), max(values, default=1.0)
        if reference is not None:
            lo, hi = min(lo, reference), max(hi, reference)
        pad = 0.06 * (hi - lo or 1.0)
        d0, d1, ticks = nice_domain(lo - pad, hi + pad)
    sx = _Scale(d0, d1, x0, x1)

    def show(v: float | None) -> str:
        return fmt_number(v, unit, digits=digits) + ("%" if unit == "%" and v is not None else "")

    desc_bits = []
    for g in groups:
        for r in g.rows:
            who = f"{g.name} {r.label}".strip()
            if r.mean is None:
                desc_bits.append(f"{who}: unscored")
            elif r.low is not None and r.high is not None:
                desc_bits.append(f"{who}: {show(r.mean)} (95% CI {show(r.low)} to {show(r.high)})")
            else:
                desc_bits.append(f"{who}: {show(r.mean)}")
    parts = [_open_svg(width, height, title, "; ".join(desc_bits) + ".", "intervals")]

    y = y_top
    spans: list[tuple[IntervalGroup, float, int]] = []
    for g in groups:
        spans.append((g, y, max(1, len(g.rows))))
        y += sub_h * max(1, len(g.rows)) + gap
    parts += _stripes(x0, x1, ((gy - gap / 2, sub_h * count + gap) for _, gy, count in spans))
    parts += _x_axis(sx, ticks, y_top, y_bottom, axis_label)
    parts += _vertical_reference(sx, reference, reference_label, y_top, y_bottom)

    for k, (g, gy, count) in enumerate(spans):
        color = colors.get(g.name, PALETTE[k % len(PALETTE)])
        name_y = gy + sub_h * count / 2 + 4
        if multi:
            parts.append(
                f'<text x="{_n(16)}" y="{_n(name_y)}" font-weight="600">{escape(g.name)}</text>'
            )
        for j, r in enumerate(g.rows):
            cy = gy + sub_h * j + sub_h / 2
            if multi:
                parts.append(
                    f'<text x="{_n(x0 - 10)}" y="{_n(cy + 4)}" text-anchor="end" '
                    f'font-size="11.5" fill="{MUTED}">{escape(r.label)}</text>'
                )
            else:
                parts.append(_row_name(x0, cy, g.name))
            if r.mean is None:
                parts.append(_unscored(x0, x1, cy))
                continue
            who = f"{g.name} {r.label}".strip()
            tip = f"{who}: {show(r.mean)}"
            ci = r.low is not None and r.high is not None
            if ci:
                tip += f" [{show(r.low)}, {show(r.high)}]"
            parts.append(f"<g><title>{escape(tip)}</title>")
            if r.low is not None and r.high is not None:
                lo, hi = sx(r.low), sx(r.high)
                parts.append(
                    f'<path d="M{_n(lo)} {_n(cy - 5)}v10M{_n(lo)} {_n(cy)}H{_n(hi)}'
                    f'M{_n(hi)} {_n(cy - 5)}v10" stroke="{color}" stroke-width="2" '
                    f'fill="none"/>'
                )
            parts.append(
                f'<circle cx="{_n(sx(r.mean))}" cy="{_n(cy)}" r="5" fill="{color}" '
                f'stroke="#fff" stroke-width="1.2"/></g>'
            )
            parts.append(
                f'<text x="{_n(x1 + 10)}" y="{_n(cy + 4)}"><tspan font-weight="700">'
                f"{escape(show(r.mean))}</tspan>"
                + (
                    f'<tspan dx="5" font-size="10.5" fill="{MUTED}">'
                    f"[{escape(show(r.low))}, {escape(show(r.high))}]</tspan>"
                    if ci
                    else ""
                )
                + "</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- course trajectory


@dataclass(frozen=True)
class ClientLine:
    """One client's totals over a course, by administration index (None: not given)."""

    label: str
    values: Sequence[float | None]
    complete: bool = True
    dropped_out: bool = False


def administration_labels(count: int) -> list[str]:
    """Tick labels for administration indices 0 … count − 1: "before 1" … "before K",
    "after K" (K = count − 1); bare numbers (sessions completed) past seven points."""
    if count > 7:
        return [str(k) for k in range(count)]
    return [f"before {k + 1}" for k in range(count - 1)] + [f"after {count - 1}"]


def course_trajectory(
    title: str,
    clients: Sequence[ClientLine],
    mean: Sequence[float | None],
    low: Sequence[float | None],
    high: Sequence[float | None],
    *,
    color: str = PALETTE[0],
    y_domain: tuple[float, float] | None = None,
    y_label: str = "",
    x_labels: Sequence[str] | None = None,
    x_label: str = "",
    reference: float | None = None,
    reference_label: str = "",
    width: float = 460,
    height: float = 290,
) -> str:
    """A spaghetti plot: one thin line per client (dashed for an incomplete course, a hollow
    end marker for a dropout), the mean as a thick line with markers and its 95% interval as
    a shaded band. x is the administration index (before session 1 … after the last); the
    optional reference line marks e.g. the clinical cut-off. Gaps are not bridged."""
    points = max([len(mean), *(len(c.values) for c in clients)], default=0)
    points = max(points, 2)
    labels = list(x_labels) if x_labels is not None else administration_labels(points)
    labels += [str(k) for k in range(len(labels), points)]
    left, right, top, bottom = 46.0, 16.0, 34.0, 58.0 if x_label else 42.0
    if reference is not None and reference_label:
        # the reference line's label sits in the right margin, outside the plot: inside it
        # would cover the markers of the last administrations
        right = max(right, 10.0 + 6.0 * len(reference_label))
    x0, x1 = left, width - right
    y_top, y_bottom = top, height - bottom

    values = [v for c in clients for v in c.values if v is not None]
    values += [v for seq in (mean, low, high) for v in seq if v is not None]
    if y_domain is not None:
        d0, d1 = y_domain
        yticks = _ticks_within(d0, d1)
    else:
        lo, hi = min(values, default=0.0), max(values, default=1.0)
        if reference is not None:
            lo, hi = min(lo, reference), max(hi, reference)
        d0, d1, yticks = nice_domain(lo, hi)
    sy = _Scale(d0, d1, y_bottom, y_top)
    sx = _Scale(0, points - 1, x0 + 10, x1 - 10)

    scored = [m for m in mean if m is not None]
    n_complete = sum(c.complete for c in clients)
    desc = (
        f"{len(clients)} clients ({n_complete} complete courses); mean "
        + (
            f"from {fmt_number(scored[0])} to {fmt_number(scored[-1])}"
            if scored
            else "not available"
        )
        + f" over {points} administrations."
    )
    parts = [_open_svg(width, height, title, desc, "trajectory")]

    parts += _y_grid(sy, yticks, x0, x1)
    parts += [_x_tick(sx(k), y_bottom, labels[k], 10.5) for k in range(points)]
    parts.extend(_frame(x0, x1, y_top, y_bottom, height, x_label, y_label, 12))
    if reference is not None and d0 <= reference <= d1:
        yr = _n(sy(reference))
        parts.append(
            f'<line x1="{_n(x0)}" x2="{_n(x1)}" y1="{yr}" y2="{yr}" stroke="{MUTED}" '
            f'stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        if reference_label:
            parts.append(
                f'<text class="reference-label" x="{_n(x1 + 4)}" y="{_n(sy(reference) + 3.5)}" '
                f'text-anchor="start" font-size="10.5" fill="{MUTED}">'
                f"{escape(reference_label)}</text>"
            )

    # The mean's interval: one band per run of indices that have both ends.
    run: list[tuple[int, float, float]] = []
    bands: list[list[tuple[int, float, float]]] = []
    for k in range(points):
        lo_v = low[k] if k < len(low) else None
        hi_v = high[k] if k < len(high) else None
        if lo_v is None or hi_v is None:
            if run:
                bands.append(run)
            run = []
            continue
        run.append((k, lo_v, hi_v))
    if run:
        bands.append(run)
    for band in bands:
        upper = [f"{_n(sx(k))} {_n(sy(h))}" for k, _, h in band]
        lower = [f"{_n(sx(k))} {_n(sy(lo_))}" for k, lo_, _ in reversed(band)]
        if len(band) == 1:  # a single point: a short bar instead of a polygon
            k, lo_, h = band[0]
            parts.append(
                f'<rect x="{_n(sx(k) - 4)}" y="{_n(sy(h))}" width="8" '
                f'height="{_n(max(sy(lo_) - sy(h), 1))}" fill="{color}" fill-opacity="0.18"/>'
            )
            continue
        parts.append(
            f'<path d="M{"L".join(upper + lower)}Z" fill="{color}" fill-opacity="0.18" '
            f'stroke="none"/>'
        )

    # One thin line per client.
    parts.append(f'<g fill="none" stroke="{color}" stroke-width="1.1" stroke-opacity="0.4">')
    for c in clients:
        segs: list[str] = []
        prev: tuple[float, float] | None = None
        last: tuple[float, float] | None = None
        for k, v in enumerate(c.values):
            if v is None:
                prev = None
                continue
            x, y = sx(k), sy(v)
            segs.append(f"{'L' if prev is not None else 'M'}{_n(x)} {_n(y)}")
            prev = last = (x, y)
        if not segs:
            continue
        shown = ", ".join("—" if v is None else fmt_number(v, digits=0) for v in c.values)
        note = "" if c.complete else " (incomplete course)"
        note += " (dropped out)" if c.dropped_out else ""
        dash = "" if c.complete else ' stroke-dasharray="3 3"'
        parts.append(
            f'<path d="{"".join(segs)}"{dash}><title>{escape(c.label)}{escape(note)}: '
            f"{escape(shown)}</title></path>"
        )
        if c.dropped_out and last is not None:
            parts.append(
                f'<circle cx="{_n(last[0])}" cy="{_n(last[1])}" r="3" fill="#fff" '
                f'stroke-opacity="0.9"><title>{escape(c.label)}: dropped out</title></circle>'
            )
    parts.append("</g>")

    # The mean.
    segs = []
    dots = []
    prev_ok = False
    for k, v in enumerate(mean):
        if v is None:
            prev_ok = False
            continue
        x, y = sx(k), sy(v)
        segs.append(f"{'L' if prev_ok else 'M'}{_n(x)} {_n(y)}")
        prev_ok = True
        tip = f"{labels[k]}: mean {fmt_number(v)}"
        lo_v = low[k] if k < len(low) else None
        hi_v = high[k] if k < len(high) else None
        if lo_v is not None and hi_v is not None:
            tip += f" [{fmt_number(lo_v)}, {fmt_number(hi_v)}]"
        dots.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.4" fill="{color}" stroke="#fff" '
            f'stroke-width="1.2"><title>{escape(tip)}</title></circle>'
        )
    if segs:
        parts.append(
            f'<path d="{"".join(segs)}" fill="none" stroke="{color}" stroke-width="2.8" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    parts.append("".join(dots))

    # Legend above the plot.
    lx, ly = x0, 16.0
    legend = [
        (
            f'<line x1="{_n(lx)}" x2="{_n(lx + 18)}" y1="{_n(ly - 4)}" y2="{_n(ly - 4)}" '
            f'stroke="{color}" stroke-width="1.1" stroke-opacity="0.5"/>',
            "one client",
        ),
        (
            f'<rect x="{_n(lx + 110)}" y="{_n(ly - 10)}" width="18" height="12" fill="{color}" '
            f'fill-opacity="0.18"/><line x1="{_n(lx + 110)}" x2="{_n(lx + 128)}" '
            f'y1="{_n(ly - 4)}" y2="{_n(ly - 4)}" stroke="{color}" stroke-width="2.8"/>',
            "mean, 95% CI",
        ),
    ]
    for k, (mark, text) in enumerate(legend):
        parts.append(
            mark + f'<text x="{_n(lx + 110 * k + 24)}" y="{_n(ly)}" font-size="11.5" '
            f'fill="{INK}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _frame(
    x0: float,
    x1: float,
    y_top: float,
    y_bottom: float,
    height: float,
    x_label: str | None,
    y_label: str | None,
    y_label_x: float,
) -> list[str]:
    """A chart's axis lines and its axis titles."""
    parts = [
        f'<line x1="{_n(x0)}" x2="{_n(x1)}" y1="{_n(y_bottom)}" y2="{_n(y_bottom)}" '
        f'stroke="#9ca3af"/>'
        f'<line x1="{_n(x0)}" x2="{_n(x0)}" y1="{_n(y_top)}" y2="{_n(y_bottom)}" '
        f'stroke="#9ca3af"/>'
    ]
    if x_label:
        parts.append(
            f'<text x="{_n((x0 + x1) / 2)}" y="{_n(height - 8)}" text-anchor="middle" '
            f'font-size="11.5" fill="{MUTED}">{escape(x_label)}</text>'
        )
    if y_label:
        cy = (y_top + y_bottom) / 2
        parts.append(
            f'<text transform="translate({_n(y_label_x)} {_n(cy)}) rotate(-90)" '
            f'text-anchor="middle" font-size="11.5" fill="{MUTED}">{escape(y_label)}</text>'
        )
    return parts
