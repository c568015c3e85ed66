"""A server-rendered SVG bar chart (items per month), readable without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 720
HEIGHT = 260
_TOP, _BOTTOM, _LEFT, _RIGHT = 24, 40, 40, 12


def bar_chart(bars: Sequence[tuple[str, int]], title: str, desc: str = "",
              unit: str = "份") -> str:
    """Return a standalone SVG document of one bar per (label, value), all text escaped.

    Every bar carries its own ``<title>`` (a tooltip and an accessible name) and its value
    as visible text; the chart has ``role="img"`` with ``<title>``/``<desc>``.

    Args:
        bars: (label, value) pairs in display order, e.g. ("2018-03", 12).
        title: the chart's title (also its accessible name).
        desc: a longer description; defaults to the values spelled out.
        unit: the unit word after each value in tooltips.
    """
    desc = desc or "；".join(f"{label}：{value} {unit}" for label, value in bars)
    top = max((v for _, v in bars), default=0) or 1
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    slot = plot_w / max(1, len(bars))
    one_year = len({label[:5] for label, _ in bars}) == 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        'class="chart" font-family="sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{WIDTH - _RIGHT}" y2="{_TOP + plot_h}" '
        'stroke="#444" stroke-width="1"/>',
    ]
    for i, (label, value) in enumerate(bars):
        height = plot_h * value / top
        x = _LEFT + i * slot + slot * 0.15
        y = _TOP + plot_h - height
        centre = x + slot * 0.35
        parts.append(
            f'<g><title>{escape(label)}：{value} {escape(unit)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
            'fill="#1f5f99"/>'
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#222">'
            f'{value}</text>'
            f'<text x="{centre:.1f}" y="{_TOP + plot_h + 16}" text-anchor="middle" '
            f'fill="#222">{escape(_short(label) if one_year else label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str) -> str:
    """``2018-03`` reads as ``3月`` under a bar; other labels are kept."""
    year, _, month = label.partition("-")
    if year.isdigit() and month.isdigit():
        return f"{int(month)}月"
    return label
