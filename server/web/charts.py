"""Charts drawn on the server as inline SVG: no script, no library, nothing fetched.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>`, every mark
carries its value as text (a `<title>` for screen readers and hover, and a printed
label where there is room), and series differ by marker shape and dash as well as by
colour — so a chart reads in greyscale print and without colour. The pages also show
the same figures in a table next to the chart.

Texts come in already translated; everything put into the markup is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour, marker and dash per series: never colour alone.
PALETTE = ("#0b57a4", "#b3261e", "#1e6b30", "#8a5a00", "#6a2c91", "#005f66")
MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = ("", "6 4", "2 3", "10 3 2 3")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: Sequence[tuple[int, float]]  # (x position among the labels, value 0..100)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # 0..100; None: nothing to show
    text: str  # the value as people read it, e.g. "45 %"


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str) -> str:
    tip = f"<title>{escape(tooltip)}</title>"
    if shape == "square":
        body = f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">'
        return f"{body}{tip}</rect>"
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{tip}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{tip}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">{tip}</circle>'


def line_chart(
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    threshold: float | None = None,
    threshold_label: str = "",
    chart_id: str = "chart",
) -> Markup:
    """Percentages (0..100) over the `x_labels` (e.g. session dates), one line per series."""
    width, height = 720, 300
    left, right, top, bottom = 48, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    steps = max(1, len(x_labels) - 1)

    def x_at(i: int) -> float:
        return left + (plot_w * i / steps if len(x_labels) > 1 else plot_w / 2)

    def y_at(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, value)) / 100)

    parts = [
        f'<svg class="chart line-chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        y = y_at(tick)
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{tick}\u00a0%</text>"
        )
    every = max(1, len(x_labels) // 6)  # at most about 6 labels under the axis
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            # The first and last labels lean inwards so they are not cut at the edges.
            anchor = "start" if i == 0 and len(x_labels) > 1 else "middle"
            anchor = "end" if i == len(x_labels) - 1 and len(x_labels) > 1 else anchor
            parts.append(
                f'<text class="axis" x="{x_at(i):.1f}" y="{height - bottom + 18}"'
                f' text-anchor="{anchor}">{escape(label)}</text>'
            )
    if threshold is not None:
        y = y_at(threshold)
        parts.append(
            f'<line class="threshold" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
            f'<text class="threshold-label" x="{width - right}" y="{y - 5:.1f}"'
            f' text-anchor="end">{escape(threshold_label)}</text>'
        )
    for n, line in enumerate(series):
        colour, marker, dash = PALETTE[n % 6], MARKERS[n % 4], DASHES[n % 4]
        coords = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in line.points)
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series" data-series="{escape(line.name)}">')
        if len(line.points) > 1:
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}"'
                f' stroke-width="2.5"{dashing}/>'
            )
        for i, value in line.points:
            tooltip = f"{line.name}, {x_labels[i]}: {value:.0f}\u00a0%"
            parts.append(_marker(marker, x_at(i), y_at(value), colour, tooltip))
        parts.append("</g>")
    legend_y = height - 14
    x = float(left)
    for n, line in enumerate(series):
        colour, marker = PALETTE[n % 6], MARKERS[n % 4]
        parts.append(_marker(marker, x + 5, legend_y - 4, colour, line.name))
        parts.append(
            f'<text class="legend" x="{x + 14:.1f}" y="{legend_y}">{escape(line.name)}</text>'
        )
        x += 24 + 7.5 * len(line.name)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, description: str, bars: Sequence[Bar], chart_id: str = "bars") -> Markup:
    """Horizontal bars 0..100 with their value printed at the end of each bar."""
    row, label_w, value_w, width = 28, 260, 64, 720
    height = row * max(1, len(bars)) + 8
    plot_w = width - label_w - value_w
    parts = [
        f'<svg class="chart bar-chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * row
        label = bar.label if len(bar.label) <= 38 else bar.label[:37] + "…"
        parts.append(
            f'<text class="bar-label" x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
            f"<title>{escape(bar.label)}</title>{escape(label)}</text>"
            f'<rect class="bar-track" x="{label_w}" y="{y + 4}" width="{plot_w}" height="18"/>'
        )
        if bar.value is not None:
            length = plot_w * max(0.0, min(100.0, bar.value)) / 100
            band = "low" if bar.value < 40 else "fair" if bar.value < 70 else "good"
            parts.append(
                f'<rect class="bar bar-{band}" x="{label_w}" y="{y + 4}"'
                f' width="{length:.1f}" height="18">'
                f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            )
        parts.append(
            f'<text class="bar-value" x="{label_w + plot_w + 6}" y="{y + 17}">'
            f"{escape(bar.text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
