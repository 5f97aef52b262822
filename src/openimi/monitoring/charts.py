"""Server-rendered SVG charts: no JavaScript, no chart library, nothing for the CSP to block.

Each chart is one series drawn in one colour with its value written on every bar, so no
meaning depends on colour; ``role="img"`` with a ``<title>`` and ``<desc>`` names it for
screen readers, and the page shows the same numbers in a table. Only SVG presentation
attributes are used (no ``style``), which the content security policy allows.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 on white
TEXT = "#0b0c0c"
MUTED = "#505a5f"  # GOV.UK secondary text: 7:1 on white
GRID = "#b1b4b6"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

_ids = itertools.count(1)


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _nice_maximum(values: Sequence[float | None], maximum: float | None) -> float:
    if maximum is not None:
        return maximum
    largest = max((v for v in values if v is not None), default=0) or 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if largest <= step * 4:
            return step * 4 if largest > step * 2 else step * 2 if largest > step else step
    return largest


def _frame(chart_id: str, title: str, description: str, width: int, height: int) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="openimi-chart" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-labelledby="{}-title {}-desc" font-family="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        width,
        height,
        chart_id,
        chart_id,
        FONT,
        chart_id,
        title,
        chart_id,
        description,
    )


def column_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str = "",
    maximum: float | None = None,
    empty_label: str = "–",
    axis_label: str = "",
) -> SafeString:
    """Vertical bars over ``labels`` (e.g. months; a newline starts a second line), each with
    its value above it; ``None`` draws no bar and writes ``empty_label``. ``unit`` is shown
    on the axis."""
    chart_id = f"chart-{next(_ids)}"
    width, height = 520, 300
    left, right, top, bottom = 56, 8, 44, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_maximum(values, maximum)
    parts = [_frame(chart_id, title, description, width, height)]
    parts.append(
        format_html('<text x="{}" y="18" font-size="15" fill="{}">{}</text>', 8, MUTED, axis_label)
    )
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = top + plot_h - fraction * plot_h
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="14" text-anchor="end" fill="{}">{}{}</text>',
                left,
                width - right,
                _number(y),
                _number(y),
                GRID,
                left - 6,
                _number(y + 5),
                MUTED,
                _number(top_value * fraction),
                unit,
            )
        )
    count = max(len(labels), 1)
    slot = plot_w / count
    bar_w = min(slot * 0.7, 56)
    # Values are written on the bars while they fit; with many months the table has them.
    value_size = 15 if count <= 8 else 13 if count <= 13 else 0
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = left + slot * index + slot / 2
        if value is not None:
            bar_h = plot_h * min(value / top_value, 1) if top_value else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    _number(centre - bar_w / 2),
                    _number(top + plot_h - bar_h),
                    _number(bar_w),
                    _number(bar_h),
                    BAR,
                )
            )
            value_text, value_y = _number(value), top + plot_h - bar_h - 5
        else:
            value_text, value_y = empty_label, top + plot_h - 5
        if value_size:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" font-weight="bold" '
                    'text-anchor="middle" fill="{}">{}</text>',
                    _number(centre),
                    _number(value_y),
                    value_size,
                    TEXT,
                    value_text,
                )
            )
        for line, text in enumerate(label.split("\n")):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="14" text-anchor="middle" fill="{}">{}</text>',
                    _number(centre),
                    height - bottom + 18 + 16 * line,
                    TEXT,
                    text,
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through format_html


def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str = "",
    maximum: float | None = None,
    empty_label: str = "–",
) -> SafeString:
    """Horizontal bars, one per label (e.g. legislative areas), label left, value right."""
    chart_id = f"chart-{next(_ids)}"
    row_h, label_w, width, top = 48, 210, 520, 6
    height = top * 2 + row_h * max(len(labels), 1)
    plot_w = width - label_w - 64
    top_value = _nice_maximum(values, maximum)
    parts = [_frame(chart_id, title, description, width, height)]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row_h * index
        lines = textwrap.wrap(label, 24, max_lines=2, placeholder="…") or [""]
        first_baseline = y + row_h / 2 + 5 - 9 * (len(lines) - 1)
        for line, text in enumerate(lines):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="15" text-anchor="end" fill="{}">{}</text>',
                    label_w - 8,
                    _number(first_baseline + 18 * line),
                    TEXT,
                    text,
                )
            )
        bar_w = plot_w * min(value / top_value, 1) if value and top_value else 0
        if bar_w:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    label_w,
                    y + 6,
                    _number(bar_w),
                    row_h - 12,
                    BAR,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="15" font-weight="bold" fill="{}">{}</text>',
                _number(label_w + bar_w + 6),
                y + row_h / 2 + 5,
                TEXT,
                f"{_number(value)}{unit}" if value is not None else empty_label,
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            label_w,
            label_w,
            top,
            height - top,
            GRID,
        )
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through format_html
