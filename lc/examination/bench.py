"""Latency of one examination, for the project's benchmark runner (target p99 <= 20 ms)."""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

from lc.banking import BankingCalendar
from lc.examination.doctypes import DocType
from lc.examination.engine import examine
from lc.examination.samples import complying_presentation, worked_example_credit


def bench_examination(n: int = 2000) -> dict[str, float]:
    """Examine a six-document presentation of the worked example ``n`` times."""
    credit = worked_example_credit()
    credit = replace(
        credit, documents=tuple(r for r in credit.documents if r.doc_type != DocType.INSPECTION_CERTIFICATE)
    )
    base = complying_presentation()
    presentation = replace(
        base, documents=tuple(d for d in base.documents if d.doc_type != DocType.INSPECTION_CERTIFICATE)
    )
    calendar = BankingCalendar.for_country("CN", range(2025, 2027))
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        result = examine(credit, presentation, calendar)
        timings.append((time.perf_counter() - start) * 1000)
    if not result.complying:
        raise RuntimeError(f"benchmark presentation is discrepant: {result.codes}")
    timings.sort()
    return {
        "n": float(n),
        "documents": float(len(presentation.documents)),
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        "max_ms": timings[-1],
    }


if __name__ == "__main__":
    print(bench_examination())
