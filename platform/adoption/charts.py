"""Charts drawn on the server as SVG: no JavaScript, no CDN, works offline. Each chart on a page has a data
table next to it (the chart is marked aria-hidden; the table is what screen readers read)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

VERIFIED_COLOUR = "#0b6e4f"
ONLINE_COLOUR = "#7fb89e"
TARGET_COLOUR = "#c0392b"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def trend_svg(*, points: list[tuple[str, float | None, float | None]], target: float | None,
              title: str) -> SafeString:
    """Line chart of (label, verified %, verified+declared %) with a dashed target line. Percent scale 0-100."""
    width, height, left, right, top, bottom = 640, 260, 40, 12, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(points), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i / (n - 1) if n > 1 else 0.5))

    def y(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
             f'aria-hidden="true" focusable="false"><title>{escape(title)}</title>']
    for tick in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick}%</text>')
    for index, colour in ((2, ONLINE_COLOUR), (1, VERIFIED_COLOUR)):
        coords = [(x(i), y(p[index])) for i, p in enumerate(points) if p[index] is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for cx, cy in coords[-1:]:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{colour}"/>')
    if target is not None:
        parts.append(f'<line class="chart-target" x1="{left}" x2="{width - right}" y1="{y(target):.1f}" '
                     f'y2="{y(target):.1f}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{width - right}" y="{y(target) - 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{TARGET_COLOUR}">{_fmt(target)}%</text>')
    step = max(1, n // 6)
    for i, point in enumerate(points):
        if i % step == 0 or i == n - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{height - 12}" text-anchor="middle" font-size="11">'
                         f'{escape(point[0])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is a number or escaped


def bars_svg(*, rows: list[tuple[str, float | None, float | None]], target: float | None, title: str) -> SafeString:
    """Horizontal bars (label, verified %, verified+declared %), one row each, with the target as a line."""
    row_h, left, right, top = 22, 150, 40, 8
    width = 640
    height = top * 2 + row_h * max(len(rows), 1)
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + plot_w * v / 100

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
             f'aria-hidden="true" focusable="false"><title>{escape(title)}</title>']
    for i, (label, verified, online) in enumerate(rows):
        y0 = top + i * row_h
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{left - 6}" y="{y0 + 15}" text-anchor="end" font-size="11">{escape(short)}</text>')
        if online is not None:
            parts.append(f'<rect x="{left}" y="{y0 + 3}" width="{max(plot_w * online / 100, 0):.1f}" height="16" '
                         f'fill="{ONLINE_COLOUR}"/>')
        if verified is not None:
            parts.append(f'<rect x="{left}" y="{y0 + 3}" width="{max(plot_w * verified / 100, 0):.1f}" height="16" '
                         f'fill="{VERIFIED_COLOUR}"/>')
        if online is not None:
            parts.append(f'<text x="{x(online) + 4:.1f}" y="{y0 + 15}" font-size="11">{_fmt(online)}%</text>')
    if target is not None:
        parts.append(f'<line class="chart-target" x1="{x(target):.1f}" x2="{x(target):.1f}" y1="{top}" '
                     f'y2="{height - top}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def funnel_svg(*, steps: list[tuple[str, int]], title: str) -> SafeString:
    """Horizontal bars of counts, longest = first step."""
    top_count = max((c for _l, c in steps), default=0) or 1
    return bars_svg(rows=[(label, None, 100 * count / top_count) for label, count in steps], target=None,
                    title=title)
