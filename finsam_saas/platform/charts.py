"""SVG charts made on the server, so a page and its PDF show the same picture.

Each chart is an <svg role="img"> with a <title> and <desc> for screen readers;
pages should still give the numbers in a table beside it. Every label is escaped.
"""
from __future__ import annotations

import math

from markupsafe import Markup, escape

from finsam_saas.platform.formatting import kronor, percent
from finsam_saas.platform.rounding import round_half_up

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 56
# Colours with ≥ 3:1 contrast against white; the legend names every series too.
COLOURS = ("#0b4f6c", "#b5451b", "#2e7d32", "#6a1b9a", "#8d6e00")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")

_chart_counter = 0


def _next_id(prefix: str) -> str:
    global _chart_counter
    _chart_counter += 1
    return f"{prefix}-{_chart_counter}"


def _nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _scale(values: list[float]) -> tuple[float, float, float]:
    present = [v for v in values if v is not None]
    low, high = min([0, *present]), max([0, *present])
    if low == high:
        high = low + 1
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _label(value: float, unit: str) -> str:
    if unit == "%":
        return percent(value, 0)
    text = kronor(round_half_up(value))
    return f"{text} {unit}" if unit else text


def _frame(chart_id: str, title: str, description: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" font-family="Finsam Sans, DejaVu Sans, sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>"
    )


def _axis(low: float, high: float, step: float, unit: str, y) -> list[str]:
    parts = []
    value = low
    while value <= high + step / 1000:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="{"#333" if value == 0 else "#ccc"}" stroke-width="{1 if value == 0 else 0.5}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
                     f'{escape(_label(value, unit))}</text>')
        value += step
    return parts


def _fit(label: str, width: float, font_size: float = 11) -> str:
    """Shorten a category label to its slot; the full name stays in the chart's description."""
    room = max(int(width / (font_size * 0.55)), 4)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _legend(series: list[tuple[str, list]], kind: str) -> list[str]:
    parts, x = [], LEFT
    for index, (name, _) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        if kind == "bar":
            parts.append(f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>')
        else:
            parts.append(f'<line x1="{x}" x2="{x + 14}" y1="18" y2="18" stroke="{colour}" stroke-width="3" '
                         f'stroke-dasharray="{DASHES[index % len(DASHES)]}"/>')
        parts.append(f'<text x="{x + 18}" y="22" font-size="12" fill="#222">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def _describe(categories, series, unit) -> str:
    return "; ".join(
        f"{name}: " + ", ".join(f"{c} {_label(v, unit) if v is not None else 'saknas'}" for c, v in zip(categories, values))
        for name, values in series
    )


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "tkr",
              description: str | None = None) -> Markup:
    """Grouped bars, one group per category; None is a gap, negatives go below zero."""
    low, high, step = _scale([v for _, values in series for v in values])
    plot_h = HEIGHT - TOP - BOTTOM
    y = lambda v: TOP + (high - v) / (high - low) * plot_h  # noqa: E731
    group = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = _axis(low, high, step, unit, y) + _legend(series, "bar")
    for c_index, category in enumerate(categories):
        x0 = LEFT + c_index * group + group * 0.1
        for s_index, (name, values) in enumerate(series):
            value = values[c_index] if c_index < len(values) else None
            if value is None:
                continue
            top, bottom = sorted((y(value), y(0)))
            parts.append(
                f'<rect class="bar" x="{x0 + s_index * bar:.1f}" y="{top:.1f}" width="{bar * 0.92:.1f}" '
                f'height="{bottom - top:.1f}" fill="{COLOURS[s_index % len(COLOURS)]}" data-value="{value}">'
                f'<title>{escape(name)}, {escape(category)}: {escape(_label(value, unit))}</title></rect>'
            )
        parts.append(f'<text x="{x0 + group * 0.4:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                     f'font-size="11" fill="#222">{escape(_fit(category, group))}</text>')
    return _frame(_next_id("stapel"), title, description or _describe(categories, series, unit), parts)


def line_chart(title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "%",
               description: str | None = None) -> Markup:
    """Lines over categories (years, half-years); None breaks the line."""
    low, high, step = _scale([v for _, values in series for v in values])
    plot_h = HEIGHT - TOP - BOTTOM
    y = lambda v: TOP + (high - v) / (high - low) * plot_h  # noqa: E731
    gap = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    x = lambda i: LEFT + gap * (i + 0.5)  # noqa: E731
    parts = _axis(low, high, step, unit, y) + _legend(series, "line")
    for s_index, (name, values) in enumerate(series):
        colour, dash = COLOURS[s_index % len(COLOURS)], DASHES[s_index % len(DASHES)]
        segment: list[str] = []
        for index, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                                 f'stroke-width="2.5" stroke-dasharray="{dash}"/>')
                segment = []
                continue
            segment.append(f"{x(index):.1f},{y(value):.1f}")
            parts.append(f'<circle class="point" cx="{x(index):.1f}" cy="{y(value):.1f}" r="3.5" fill="{colour}">'
                         f'<title>{escape(name)}, {escape(categories[index])}: {escape(_label(value, unit))}</title></circle>')
        if len(segment) > 1:
            parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2.5" '
                         f'stroke-dasharray="{dash}"/>')
    for index, category in enumerate(categories):
        parts.append(f'<text x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="11" '
                     f'fill="#222">{escape(_fit(category, gap))}</text>')
    return _frame(_next_id("linje"), title, description or _describe(categories, series, unit), parts)
