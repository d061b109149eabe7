"""Charts drawn on the server as SVG: no JavaScript, no CDN, works offline. Each chart on a page has a data
table next to it (the chart is marked aria-hidden; the table is what screen readers read). Numbers are written
as the active language writes them (a decimal comma in Vietnamese); long labels wrap onto more lines."""

from __future__ import annotations

import textwrap

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

VERIFIED_COLOUR = "#0b6e4f"
ONLINE_COLOUR = "#7fb89e"
TARGET_COLOUR = "#c0392b"


LABEL_CHARS = 24  # characters per line of a bar's label (its column is 150 of 640 units wide at 11 px)
LABEL_LINES = 3
LINE_HEIGHT = 13


def _fmt(value: float) -> str:
    """One decimal in the active language's format, without a trailing zero (55, 14,3 / 14.3)."""
    rounded = round(float(value), 1)
    return number_format(rounded, decimal_pos=0 if rounded == int(rounded) else 1)


def wrap_label(label: str, *, width: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """``label`` on at most ``lines`` lines of about ``width`` characters, broken between words (a word
    longer than a line is broken inside); only what still does not fit after the last line is cut."""
    wrapped = textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return wrapped


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
    """Horizontal bars (label, verified %, verified+declared %), one row each, with the target as a line.
    A label too long for its column wraps onto up to three lines and its row grows to hold them."""
    left, right, top, bar_h = 150, 48, 8, 16
    width = 640
    plot_w = width - left - right
    labels = [wrap_label(label) for label, _v, _o in rows]
    heights = [max(22, LINE_HEIGHT * len(lines) + 8) for lines in labels]
    height = top * 2 + (sum(heights) if rows else 22)

    def x(v: float) -> float:
        return left + plot_w * v / 100

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
             f'aria-hidden="true" focusable="false"><title>{escape(title)}</title>']
    y0 = top
    for (_label, verified, online), lines, row_h in zip(rows, labels, heights, strict=True):
        middle = y0 + row_h / 2
        first = middle - LINE_HEIGHT * (len(lines) - 1) / 2 + 4
        spans = "".join(f'<tspan x="{left - 6}" y="{first + i * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(f'<text text-anchor="end" font-size="11">{spans}</text>')
        bar_y = middle - bar_h / 2
        if online is not None:
            parts.append(f'<rect x="{left}" y="{bar_y:.1f}" width="{max(plot_w * online / 100, 0):.1f}" '
                         f'height="{bar_h}" fill="{ONLINE_COLOUR}"/>')
        if verified is not None:
            parts.append(f'<rect x="{left}" y="{bar_y:.1f}" width="{max(plot_w * verified / 100, 0):.1f}" '
                         f'height="{bar_h}" fill="{VERIFIED_COLOUR}"/>')
        if online is not None:
            parts.append(f'<text x="{x(online) + 4:.1f}" y="{middle + 4:.1f}" font-size="11">{_fmt(online)}%</text>')
        y0 += row_h
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
