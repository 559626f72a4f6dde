"""Small inline-SVG charts for the HTML report: pure functions from numbers to markup.

No JavaScript, fonts or external resources: every chart is one `<svg>` element that inherits
the page's font, carries a `<title>` and `<desc>` for screen readers, and scales with its
container through its `viewBox`. All text is escaped. Counselors keep one colour everywhere
(`counselor_colors`), drawn from the Okabe–Ito palette, which stays distinguishable under
the common forms of colour-vision deficiency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

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


# --------------------------------------------------------------------------- threshold bars


@dataclass(frozen=True)
class BarRow:
    """One counselor's estimate: mean with its interval (any of them may be missing)."""

    name: str
    mean: float | None
    low: float | None = None
    high: float | None = None


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
        parts.append(
            f'<text x="{_n(x0 - 10)}" y="{_n(cy + 4)}" text-anchor="end" font-weight="600">'
            f"{escape(r.name)}</text>"
        )
        if r.mean is None:
            parts.append(
                f'<text x="{_n(x0 + 6)}" y="{_n(cy + 4)}" fill="{MUTED}" font-style="italic">'
                f"unscored</text>"
            )
            parts.append(f'<text x="{_n(x1 + 10)}" y="{_n(cy + 4)}" fill="{MUTED}">—</text>')
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
    for i in range(n_rows):
        if i % 2 == 1:
            parts.append(
                f'<rect x="{_n(x0)}" y="{_n(y_top + row_h * i)}" width="{_n(x1 - x0)}" '
                f'height="{_n(row_h)}" fill="#f8fafc"/>'
            )
    parts += _x_axis(sx, ticks, y_top, y_bottom, axis_label)
    if reference is not None and d0 <= reference <= d1:
        xr = _n(sx(reference))
        parts.append(
            f'<line x1="{xr}" x2="{xr}" y1="{_n(y_top - 4)}" y2="{_n(y_bottom)}" '
            f'stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        if reference_label:
            parts.append(
                f'<text x="{xr}" y="{_n(y_top - 8)}" text-anchor="middle" font-size="10.5" '
                f'fill="{MUTED}">{escape(reference_label)}</text>'
            )

    for i, (g, mean) in enumerate(zip(groups, means, strict=True)):
        cy = y_top + row_h * i + row_h / 2
        color = colors.get(g.name, PALETTE[i % len(PALETTE)])
        parts.append(
            f'<text x="{_n(x0 - 10)}" y="{_n(cy + 4)}" text-anchor="end" font-weight="600">'
            f"{escape(g.name)}</text>"
        )
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
            parts.append(
                f'<text x="{_n(x0 + 6)}" y="{_n(cy + 4)}" fill="{MUTED}" font-style="italic">'
                f"unscored</text>"
            )
            parts.append(f'<text x="{_n(x1 + 10)}" y="{_n(cy + 4)}" fill="{MUTED}">—</text>')
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

    ystep = yticks[1] - yticks[0] if len(yticks) > 1 else 1.0
    for t in yticks:
        y = _n(sy(t))
        parts.append(f'<line x1="{_n(x0)}" x2="{_n(x1)}" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{_n(x0 - 8)}" y="{_n(sy(t) + 4)}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(_tick_label(t, ystep))}</text>'
        )
    for t in xticks:
        x = _n(sx(t))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(y_bottom)}" y2="{_n(y_bottom + 4)}" '
            f'stroke="#9ca3af"/>'
            f'<text x="{x}" y="{_n(y_bottom + 17)}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{int(t)}</text>'
        )
    parts.append(
        f'<line x1="{_n(x0)}" x2="{_n(x1)}" y1="{_n(y_bottom)}" y2="{_n(y_bottom)}" '
        f'stroke="#9ca3af"/>'
        f'<line x1="{_n(x0)}" x2="{_n(x0)}" y1="{_n(y_top)}" y2="{_n(y_bottom)}" '
        f'stroke="#9ca3af"/>'
    )
    if x_label:
        parts.append(
            f'<text x="{_n((x0 + x1) / 2)}" y="{_n(height - 8)}" text-anchor="middle" '
            f'font-size="11.5" fill="{MUTED}">{escape(x_label)}</text>'
        )
    if y_label:
        cy = (y_top + y_bottom) / 2
        parts.append(
            f'<text transform="translate(14 {_n(cy)}) rotate(-90)" text-anchor="middle" '
            f'font-size="11.5" fill="{MUTED}">{escape(y_label)}</text>'
        )

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
