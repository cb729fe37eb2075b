"""Checkpoints, publication receipts and anchoring lag over time, as inline SVG (no script)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

W, H, PAD = 720, 220, 40


@dataclass
class Point:
    at: dt.datetime
    size: int
    lag_seconds: float  # from the oldest entry it took in being sequenced to the checkpoint's signing
    published: int
    failed: int
    pending: int


def anchoring_points(limit: int = 200) -> list[Point]:
    """The latest checkpoints, oldest first, with their lag and receipt counts (one query)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.created_at, c.size, "
            " extract(epoch FROM c.created_at - e.sequenced_at), "
            " count(*) FILTER (WHERE r.status = 'published'), count(*) FILTER (WHERE r.status = 'failed'), "
            " count(*) FILTER (WHERE r.status = 'pending') "
            "FROM (SELECT * FROM ledger_checkpoint ORDER BY size DESC LIMIT %s) c "
            "LEFT JOIN ledger_checkpoint p ON p.id = c.previous_id "
            "LEFT JOIN ledger_entry e ON e.seq = coalesce(p.size, 0) + 1 "
            "LEFT JOIN ledger_receipt r ON r.checkpoint_id = c.id "
            "GROUP BY c.id, c.created_at, c.size, e.sequenced_at ORDER BY c.size",
            [limit],
        )
        return [Point(at, size, max(float(lag or 0), 0.0), pub, fail, pend)
                for at, size, lag, pub, fail, pend in cur.fetchall()]


def _poly(values: list[float], top: float) -> str:
    n = len(values)
    step = (W - 2 * PAD) / max(n - 1, 1)
    return " ".join(f"{PAD + i * step:.1f},{H - PAD - (v / top) * (H - 2 * PAD):.1f}" for i, v in enumerate(values))


def anchoring_chart(points: list[Point]) -> SafeString:
    title = "Checkpoint size and anchoring lag over time"
    if not points:
        return mark_safe(f'<p class="chart-empty">{escape("No checkpoint has been signed yet.")}</p>')  # noqa: S308
    sizes = [float(p.size) for p in points]
    lags = [p.lag_seconds for p in points]
    top_size, top_lag = max(sizes) or 1.0, max(lags) or 1.0
    first, last = points[0].at, points[-1].at
    parts = [
        f'<svg class="chart chart-anchoring" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}"/>',
        f'<polyline class="series series-size" fill="none" points="{_poly(sizes, top_size)}"/>',
        f'<polyline class="series series-lag" fill="none" points="{_poly(lags, top_lag)}"/>',
        f'<text class="chart-label" x="{PAD}" y="{PAD - 12}">size (max {int(top_size):,})</text>',
        f'<text class="chart-label" x="{W - PAD}" y="{PAD - 12}" text-anchor="end">lag (max {top_lag:.1f} s)</text>',
        f'<text class="chart-label" x="{PAD}" y="{H - 12}">{escape(f"{first:%Y-%m-%d %H:%M}")}</text>',
        f'<text class="chart-label" x="{W - PAD}" y="{H - 12}" text-anchor="end">{escape(f"{last:%Y-%m-%d %H:%M}")}</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only
