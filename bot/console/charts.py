"""Server-rendered SVG charts: no JavaScript, no external assets, readable without colour.

Every chart carries a <title> and an aria-label, and the page shows the same
numbers in a table for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 34
PALETTE = {
    "complaint": "#c2410c",
    "renewal": "#2563eb",
    "new_customer": "#15803d",
    "other": "#6b7280",
    "automatic": "#0e7490",
    "reviewed": "#7c3aed",
    "refused": "#b91c1c",
}
FALLBACK_COLOURS = ("#0f766e", "#a16207", "#9333ea", "#be123c")


def colour_for(name: str, index: int = 0) -> str:
    return PALETTE.get(name, FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * 4)
    return float(value)


def _frame(title: str, body: list[str], top: float) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    lines = []
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        value = top * i / 4
        label = f"{value:.0f}" if top >= 4 else f"{value:.1f}"
        lines.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        lines.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    safe_title = escape(title)
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{safe_title}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{safe_title}</title>'
        + "".join(lines) + "".join(body) + "</svg>"
    )
    return Markup(svg)


def _x_labels(categories: Sequence[str], slot: float) -> list[str]:
    every = max(1, len(categories) // 7)
    labels = []
    for i, name in enumerate(categories):
        if i % every == 0:
            x = LEFT + slot * (i + 0.5)
            labels.append(
                f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="middle">{escape(name)}</text>'
            )
    return labels


def stacked_bars(
    categories: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str, unit: str
) -> Markup:
    """One bar per category, one stacked segment per series."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(categories))
    bar = max(2.0, slot * 0.7)
    body: list[str] = []
    for i, name in enumerate(categories):
        base: float = TOP + plot_h
        for index, (series_name, values) in enumerate(series.items()):
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            x = LEFT + slot * i + (slot - bar) / 2
            body.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour_for(series_name, index)}"><title>{escape(name)}: {value} '
                f'{escape(series_name.replace("_", " "))} {escape(unit)}</title></rect>'
            )
    body.extend(_x_labels(categories, slot))
    return _frame(title, body, top)


def line_chart(categories: Sequence[str], values: Sequence[float | None], *, title: str, unit: str) -> Markup:
    """A line through the known values; days without data leave a gap."""
    top = _nice_max(max((v for v in values if v is not None), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(categories))
    body: list[str] = []
    segment: list[str] = []
    for i, value in enumerate([*values, None]):
        if value is None:
            if len(segment) > 1:
                body.append(f'<polyline class="line" fill="none" points="{" ".join(segment)}"/>')
            segment = []
            continue
        x, y = LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * value / top
        segment.append(f"{x:.1f},{y:.1f}")
        body.append(
            f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5"><title>{escape(categories[i])}: '
            f"{value:.0f} {escape(unit)}</title></circle>"
        )
    body.extend(_x_labels(categories, slot))
    return _frame(title, body, top)


def legend(names: Sequence[str]) -> Markup:
    """Colour keys for a stacked chart (the chart's own <title>s hold the numbers)."""
    items = "".join(
        f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" '
        f'fill="{colour_for(name, i)}"/></svg>{escape(name.replace("_", " "))}</li>'
        for i, name in enumerate(names)
    )
    return Markup(f'<ul class="legend">{items}</ul>')
