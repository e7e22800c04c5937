"""Inline SVG charts for the report: paired bars, a line chart and a heatmap, drawn in Python, no JS."""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from markupsafe import Markup, escape

# Okabe–Ito blue and orange: told apart with every common colour-vision deficiency; the charts
# also differ in shape (dashes, markers, legend order) so no meaning rides on colour alone.
REAL, SYNTHETIC = "#0072B2", "#E69F00"
# Diverging purple-white-orange (ColorBrewer PuOr ends), colour-blind safe, for -1 … 1.
NEGATIVE, MIDDLE, POSITIVE, MISSING = (84, 39, 136), (247, 247, 247), (179, 88, 6), "#d4d4d4"
FONT = 12
WIDTH = 640
# Local fonts only (nothing is fetched); the CJK names cover Korean column names where installed.
FAMILY = "DejaVu Sans, Arial, Noto Sans CJK KR, NanumGothic, Malgun Gothic, sans-serif"


def _t(text: object) -> str:
    """Escaped text: every label may come from user data (column names, categories)."""
    return str(escape(str(text)))


def _n(value: float) -> str:
    """A coordinate with one decimal, so the same figures always give the same bytes."""
    return f"{value:.1f}".replace("-0.0", "0.0")


def _text_width(text: str, size: float = FONT) -> float:
    """Rough rendered width: wide (CJK) characters take a full em, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in text)


def _short(text: object, limit: float) -> str:
    """The label cut with an ellipsis to fit ``limit`` pixels (the full name stays in a tooltip)."""
    label = str(text)
    if _text_width(label) <= limit:
        return label
    while len(label) > 1 and _text_width(label + "…") > limit:
        label = label[:-1]
    return label + "…"


def _label(x: float, y: float, text: object, limit: float, anchor: str = "end", extra: str = "") -> str:
    full, shown = str(text), _short(text, limit)
    tip = f"<title>{_t(full)}</title>" if shown != full else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{tip}{_t(shown)}</text>')


def _open(width: float, height: float, title: str, desc: str, kind: str) -> str:
    return (f'<svg class="chart chart-{kind}" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
            f'height="{_n(height)}" role="img" font-size="{FONT}" font-family="{FAMILY}">'
            f"<title>{_t(title)}</title><desc>{_t(desc)}</desc>")


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] in steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        lo, hi = (lo - 0.5, hi + 0.5) if lo else (0.0, 1.0)
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    start, end = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    return [round(start + i * step, 10) for i in range(int(round((end - start) / step)) + 1)]


def _tick_text(value: float, ticks: Sequence[float], percent: bool = False) -> str:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    if percent:
        value, step = value * 100, step * 100
    decimals = 0
    if step < 1:
        exponent = math.floor(math.log10(step) + 1e-9)
        # A step of 0.25 needs one digit more than its power of ten says.
        decimals = min(6, -exponent + (1 if round(step / 10 ** exponent, 6) == 2.5 else 0))
    return f"{value:.{decimals}f}" + ("%" if percent else "")


def _legend(x: float, y: float, entries: Sequence[tuple[str, str, str]]) -> str:
    """Legend swatches: (label, colour, dash pattern or '' for a solid block)."""
    parts = []
    for label, colour, dash in entries:
        if dash:
            parts.append(f'<line x1="{_n(x)}" y1="{_n(y - 4)}" x2="{_n(x + 22)}" y2="{_n(y - 4)}" stroke="{colour}" '
                         f'stroke-width="2.5" stroke-dasharray="{dash}"/>')
        else:
            parts.append(f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="14" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{_n(x + 28)}" y="{_n(y)}">{_t(label)}</text>')
        x += 28 + _text_width(label) + 18
    return "".join(parts)


def paired_bars(*, title: str, desc: str, labels: Sequence[object], real: Sequence[float | None],
                synthetic: Sequence[float | None], width: float = WIDTH) -> Markup:
    """Horizontal bars, real beside synthetic, for each bin or category (values are shares 0 … 1).

    Args:
        title: Accessible name of the chart.
        desc: One sentence saying what the chart shows.
        labels: Bin or category labels (user data: escaped).
        real: Share of real rows per label (None: not available).
        synthetic: Share of synthetic rows per label.
        width: Drawing width in pixels (the report lays bar charts out two to a row at 520).

    Returns:
        The ``<svg>`` element as safe markup.
    """
    values = [v for v in (*real, *synthetic) if isinstance(v, (int, float)) and math.isfinite(v)]
    ticks = nice_ticks(0.0, max(values, default=1.0) or 1.0, 4)
    left = min(max((_text_width(str(label)) for label in labels), default=40), 0.3 * width) + 14
    bar_h, row_h, top = 10, 28, 30
    plot_w = width - left - 56
    height = top + row_h * max(len(labels), 1) + 28
    scale = plot_w / ticks[-1]
    parts = [_open(width, height, title, desc, "bars"),
             _legend(left, 16, [("real data", REAL, ""), ("synthetic data", SYNTHETIC, "")])]
    bottom = top + row_h * len(labels)
    for tick in ticks:
        x = left + tick * scale
        parts.append(f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{_n(x)}" y="{_n(bottom + 16)}" text-anchor="middle" fill="#555">'
                     f"{_tick_text(tick, ticks, percent=True)}</text>")
    for i, label in enumerate(labels):
        y = top + i * row_h
        parts.append(_label(left - 8, y + bar_h + 4, label, left - 12))
        for offset, (series, colour) in enumerate(((real, REAL), (synthetic, SYNTHETIC))):
            value = series[i] if i < len(series) else None
            by = y + 2 + offset * (bar_h + 2)
            if isinstance(value, (int, float)) and math.isfinite(value):
                w = max(value, 0.0) * scale
                parts.append(f'<rect x="{_n(left)}" y="{_n(by)}" width="{_n(w)}" height="{bar_h}" fill="{colour}"/>')
                parts.append(f'<text x="{_n(left + w + 4)}" y="{_n(by + bar_h - 1)}" font-size="10" fill="#333">'
                             f"{value * 100:.1f}%</text>")
            else:
                parts.append(f'<text x="{_n(left + 4)}" y="{_n(by + bar_h - 1)}" font-size="10" fill="#555">n/a</text>')
    parts.append(f'<line x1="{_n(left)}" y1="{_n(top - 4)}" x2="{_n(left)}" y2="{_n(bottom)}" stroke="#333"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(*, title: str, desc: str, x: Sequence[float], series: Sequence[tuple[str, Sequence[float | None]]],
               x_label: str, y_label: str) -> Markup:
    """Lines over x (gaps where a value is None), solid then dashed, with markers and axes.

    Args:
        title: Accessible name of the chart.
        desc: One sentence saying what the chart shows.
        x: The x values (e.g. epochs), ascending.
        series: (name, values) pairs, at most two; values align with ``x``.
        x_label: Axis label under the chart.
        y_label: Axis label beside the chart.

    Returns:
        The ``<svg>`` element as safe markup.
    """
    styles = [(REAL, "", "circle"), (SYNTHETIC, "6 4", "square")]
    values = [v for _, ys in series for v in ys if isinstance(v, (int, float)) and math.isfinite(v)]
    y_ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0), 5)
    x_ticks = nice_ticks(min(x, default=0), max(x, default=1), 6)
    x_ticks = [t for t in x_ticks if t == int(t)] or x_ticks  # epochs are whole numbers
    left, right, top, bottom_pad, height = 64, 16, 34, 44, 280
    plot_w, plot_h = WIDTH - left - right, height - top - bottom_pad

    def px(v: float) -> float:
        return left + (v - x_ticks[0]) / ((x_ticks[-1] - x_ticks[0]) or 1) * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - y_ticks[0]) / ((y_ticks[-1] - y_ticks[0]) or 1) * plot_h

    parts = [_open(WIDTH, height, title, desc, "line"),
             _legend(left, 16, [(name, colour, dash or "none") for (name, _), (colour, dash, _) in zip(series, styles)])]
    for tick in y_ticks:
        parts.append(f'<line x1="{left}" y1="{_n(py(tick))}" x2="{WIDTH - right}" y2="{_n(py(tick))}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{_n(py(tick) + 4)}" text-anchor="end" fill="#555">'
                     f"{_tick_text(tick, y_ticks)}</text>")
    for tick in x_ticks:
        parts.append(f'<text x="{_n(px(tick))}" y="{top + plot_h + 16}" text-anchor="middle" fill="#555">'
                     f"{_tick_text(tick, x_ticks)}</text>")
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append(f'<text x="{_n(left + plot_w / 2)}" y="{height - 6}" text-anchor="middle">{_t(x_label)}</text>')
    parts.append(f'<text x="14" y="{_n(top + plot_h / 2)}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {_n(top + plot_h / 2)})">{_t(y_label)}</text>')
    for (_, ys), (colour, dash, marker) in zip(series, styles):
        points = [(px(xv), py(yv)) if isinstance(yv, (int, float)) and math.isfinite(yv) else None for xv, yv in zip(x, ys)]
        path, pen_down = [], False
        for point in points:
            if point is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{_n(point[0])} {_n(point[1])}")
            pen_down = True
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        if len(points) <= 60:
            for cx, cy in filter(None, points):
                parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="3" fill="{colour}"/>' if marker == "circle" else
                             f'<rect x="{_n(cx - 3)}" y="{_n(cy - 3)}" width="6" height="6" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def colour_for(value: float | None, lo: float = -1.0, hi: float = 1.0) -> str:
    """The heatmap colour of a value: purple below zero, white at zero, orange above; grey for None."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return MISSING
    reach = hi if value >= 0 else -lo  # the distance from zero that gets the full colour
    share = max(-1.0, min(1.0, value / reach)) if reach > 0 else 0.0
    end = POSITIVE if share >= 0 else NEGATIVE
    r, g, b = (round(m + (e - m) * abs(share)) for m, e in zip(MIDDLE, end))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(*, title: str, desc: str, labels: Sequence[object], matrix: Sequence[Sequence[float | None]],
            lo: float = -1.0, hi: float = 1.0, grid: float = 300.0) -> Markup:
    """A square matrix of associations as coloured cells with their values, and a colour legend.

    Args:
        title: Accessible name of the chart.
        desc: One sentence saying what the chart shows.
        labels: Row and column labels (user data: escaped).
        matrix: Values in [lo, hi]; None where the association is not defined.
        lo: Value drawn in full purple.
        hi: Value drawn in full orange.
        grid: Width the cells aim to fill (each cell 16 to 40 pixels; values are written from 26).

    Returns:
        The ``<svg>`` element as safe markup.
    """
    n = max(len(labels), 1)
    cell = max(16.0, min(40.0, grid / n))
    label_w = min(max((_text_width(str(label)) for label in labels), default=30), 120)
    left, top = label_w + 10, label_w * 0.72 + 14
    width = max(left + cell * n + label_w * 0.72 + 8, 300)  # the last rotated label runs right
    height = top + cell * n + 64
    parts = [_open(width, height, title, desc, "heatmap")]
    for i, label in enumerate(labels):
        parts.append(_label(left - 6, top + (i + 0.5) * cell + 4, label, label_w))
        cx, cy = left + (i + 0.5) * cell, top - 6
        parts.append(_label(cx, cy, label, label_w, anchor="start", extra=f' transform="rotate(-45 {_n(cx)} {_n(cy)})"'))
    for i, row in enumerate(matrix[:n]):
        for j in range(n):
            value = row[j] if j < len(row) else None
            finite = isinstance(value, (int, float)) and math.isfinite(value)
            x, y = left + j * cell, top + i * cell
            tip = f"{labels[i]} × {labels[j]}: " + (f"{value:.2f}" if finite else "not defined")
            parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(cell)}" height="{_n(cell)}" '
                         f'fill="{colour_for(value, lo, hi)}" stroke="#fff"><title>{_t(tip)}</title></rect>')
            if cell >= 26:
                ink = "#fff" if finite and abs(value) > 0.6 else "#222"
                shown = (f"{value:.2f}" if abs(value) >= 0.005 else "0.00") if finite else "–"
                parts.append(f'<text x="{_n(x + cell / 2)}" y="{_n(y + cell / 2 + 3.5)}" text-anchor="middle" '
                             f'font-size="10" fill="{ink}">{shown}</text>')
    steps, legend_y, swatch = 10, top + cell * n + 22, 20.0
    parts.append(f'<text x="{_n(left)}" y="{_n(legend_y - 6)}" font-size="10" fill="#555">colour scale</text>')
    for k in range(steps + 1):
        value = lo + (hi - lo) * k / steps
        parts.append(f'<rect x="{_n(left + k * swatch)}" y="{_n(legend_y)}" width="{_n(swatch)}" height="10" '
                     f'fill="{colour_for(value, lo, hi)}"/>')
    for value in (lo, (lo + hi) / 2, hi):
        x = left + (value - lo) / (hi - lo) * steps * swatch + swatch / 2
        shown = f"{value:g}".replace("-", "−")
        parts.append(f'<text x="{_n(x)}" y="{_n(legend_y + 24)}" text-anchor="middle" font-size="10">{shown}</text>')
    grey = left + (steps + 1) * swatch + 14
    parts.append(f'<rect x="{_n(grey)}" y="{_n(legend_y)}" width="10" height="10" fill="{MISSING}"/>'
                 f'<text x="{_n(grey + 14)}" y="{_n(legend_y + 9)}" font-size="10">not defined</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
