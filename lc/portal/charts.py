"""Charts as inline SVG drawn on the server: no chart library, no script, prints and scales.

Colours come from CSS classes (static/portal/portal.css) so the charts follow the theme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    shown: str  # the value as printed beside the bar
    tone: str = ""  # CSS modifier, e.g. "live", "closed", "pending"


ROW = 30
LABEL_W = 150
VALUE_W = 80
WIDTH = 420


def bar_chart(bars: Sequence[Bar], title: str) -> SafeString:
    """Horizontal bars, one row each, scaled to the largest value."""
    if not bars:
        return format_html('<p class="chart-empty">{}</p>', title)
    top = max((float(b.value) for b in bars), default=0) or 1.0
    span = WIDTH - LABEL_W - VALUE_W
    height = ROW * len(bars) + 8
    parts = [
        f'<svg class="chart chart-bars" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * ROW
        width = max(2.0, span * float(bar.value) / top) if bar.value else 0.0
        tone = f" bar-{escape(bar.tone)}" if bar.tone else ""
        parts.append(
            f'<g class="bar-row"><text class="chart-label" x="{LABEL_W - 10}" y="{y + 19}" text-anchor="end">'
            f'{escape(bar.label)}</text>'
            f'<rect class="bar-track" x="{LABEL_W}" y="{y + 5}" width="{span}" height="18" rx="4"/>'
            f'<rect class="bar{tone}" x="{LABEL_W}" y="{y + 5}" width="{width:.1f}" height="18" rx="4"/>'
            f'<text class="chart-value" x="{LABEL_W + span + 8}" y="{y + 19}">{escape(bar.shown)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above


def ring(rate: float | None, caption: str, title: str) -> SafeString:
    """A ring gauge for a ratio in [0, 1] (the discrepancy rate), with the percentage inside."""
    r, stroke, size = 52.0, 14.0, 140
    circumference = 2 * math.pi * r
    shown = "–" if rate is None else f"{rate * 100:.0f}%"
    filled = 0.0 if rate is None else max(0.0, min(1.0, rate)) * circumference
    tone = "ring-high" if rate is not None and rate >= 0.6 else "ring-mid" if rate and rate >= 0.3 else "ring-low"
    c = size / 2
    svg = (
        f'<svg class="chart chart-ring" viewBox="0 0 {size} {size}" role="img" aria-label="{escape(title)}: '
        f'{escape(shown)}"><title>{escape(title)}</title>'
        f'<circle class="ring-track" cx="{c}" cy="{c}" r="{r}" stroke-width="{stroke}" fill="none"/>'
        + (f'<circle class="ring-value {tone}" cx="{c}" cy="{c}" r="{r}" stroke-width="{stroke}" fill="none" '
           f'stroke-dasharray="{filled:.2f} {circumference:.2f}" transform="rotate(-90 {c} {c})" '
           f'stroke-linecap="round"/>' if filled > 0 else "")
        + f'<text class="ring-number" x="{c}" y="{c + 4}" text-anchor="middle">{escape(shown)}</text>'
        f'<text class="ring-caption" x="{c}" y="{c + 24}" text-anchor="middle">{escape(caption)}</text>'
        f"</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every interpolated value is escaped above
