"""Run every benchmark module and write BENCHMARKS.md (machine, date, table, notes).

    python -m bench            # all
    python -m bench ledger     # only modules whose name contains "ledger"
    python -m bench --quick    # smaller sizes (smoke run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import django

from bench import Result

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _target(target: str) -> tuple[str, float] | None:
    """">= 150,000/s" -> (">=", 150000.0); None when there is no numeric target."""
    import re

    m = re.match(r"\s*(<=|>=|<|>)\s*([\d,.]+)", target)
    return (m.group(1), float(m.group(2).replace(",", ""))) if m else None


def chart(results: list[Result]) -> str:
    """An SVG bar per targeted figure: the share of its budget used (under 100 % = met)."""
    rows = []
    for r in results:
        t = _target(r.target)
        if t and r.value and t[1]:
            share = r.value / t[1] if t[0].startswith("<") else t[1] / r.value
            rows.append((f"{r.group}: {r.name}", share))
    width, bar_x, bar_w, row_h = 980, 520, 380, 26
    height = 40 + row_h * len(rows)
    scale = bar_w / 2.0  # bars are capped at 200 % of the target; the label says the rest
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
             '<text x="10" y="20" font-weight="bold">Share of each target used (left of the line = target met)</text>']
    for i, (label, share) in enumerate(rows):
        y = 32 + i * row_h
        colour = "#2e7d32" if share <= 1 else "#c62828"
        text = label if len(label) <= 80 else label[:77] + "..."
        parts.append(f'<text x="10" y="{y + 14}">{_xml(text)}</text>')
        parts.append(f'<rect x="{bar_x}" y="{y + 3}" width="{min(share, 2.0) * scale:.1f}" height="16" fill="{colour}"/>')
        parts.append(f'<text x="{bar_x + min(share, 2.0) * scale + 4:.1f}" y="{y + 15}">{share * 100:.0f} %</text>')
    line_x = bar_x + scale
    parts.append(f'<line x1="{line_x:.1f}" y1="28" x2="{line_x:.1f}" y2="{height - 4}" stroke="#333" '
                 f'stroke-dasharray="4 3"/></svg>')
    return "\n".join(parts) + "\n"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _database() -> str:
    from urllib.parse import unquote

    url = os.environ.get("DATABASE_URL", "")
    return f"PostgreSQL at {unquote(url.split('@')[-1])}" if url else "embedded PostgreSQL (pgserver)"


def render(results: list[Result], failures: list[str], seconds: float) -> str:
    lines = [
        "# Benchmarks", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Database: {_database()}",
        f"- Run time: {seconds:.0f} s (`make bench`)", "",
        "Ratios are measured side by side in the same run; absolute numbers are from the machine above,",
        "which is shared and noisy.", "",
        "![Share of each target used](BENCHMARKS.svg)", "",
        "| Group | Measurement | Value | Unit | Target | Met |",
        "|---|---|---:|---|---|---|",
    ]
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        value = f"{r.value:,.2f}" if r.value < 100 else f"{r.value:,.0f}"
        lines.append(f"| {r.group} | {r.name} | {value} | {r.unit} | {r.target} | {met} |")
    notes = [f"- {r.group} / {r.name}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "## Notes", "", *notes]
    if failures:
        lines += ["", "## Benchmarks that failed to run", "", *[f"- {f}" for f in failures]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("only", nargs="*")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")
    django.setup()
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if any(o in n for o in args.only)]
    results: list[Result] = []
    failures: list[str] = []
    started = time.monotonic()
    from django.conf import settings
    from django.db import connections

    home_db: Any = dict(settings.DATABASES["default"])
    for name in names:
        # Each benchmark may switch to a database of its own: start every one from home.
        settings.DATABASES["default"].update(home_db)
        connections["default"].settings_dict.update(home_db)
        connections.close_all()
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            got = module.run(quick=args.quick)
        except Exception:
            traceback.print_exc()
            failures.append(f"{name}: {traceback.format_exc().splitlines()[-1]}")
            continue
        for r in got:
            print(f"   {r.name}: {r.value:,.3f} {r.unit} {r.target} {'' if r.met is None else ('OK' if r.met else 'MISSED')}")
        results.extend(got)
    Path(args.output).write_text(render(results, failures, time.monotonic() - started))
    Path(args.output).with_suffix(".svg").write_text(chart(results))
    print(f"wrote {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
