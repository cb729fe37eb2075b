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


def render(results: list[Result], failures: list[str], seconds: float) -> str:
    lines = [
        "# Benchmarks", "",
        f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Database: {os.environ.get('DATABASE_URL', 'embedded PostgreSQL (pgserver)').split('@')[-1]}",
        f"- Run time: {seconds:.0f} s (`make bench`)", "",
        "Ratios are measured side by side in the same run; absolute numbers are from the machine above,",
        "which is shared and noisy.", "",
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
    for name in names:
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
    print(f"wrote {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
