"""Examination engine speed (issues 6, 16): a six-document presentation of the worked example.

The machine is shared: another process taking the core for a time slice (a few ms) lands on
about one run in ten when the load is above the core count, which is what a wall-clock p99 of
a 0.3 ms operation then measures. So the runs are made in rounds and the quietest round's
percentiles are reported (as the ledger bench does), with the CPU time of each run beside them:
CPU time excludes the slices the process did not have.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

from bench import Result
from lc.banking import BankingCalendar
from lc.examination.doctypes import DocType
from lc.examination.engine import examine
from lc.examination.samples import complying_presentation, worked_example_credit
from lc.examination.types import CreditTerms, Presentation

ROUNDS = 5


def six_documents() -> tuple[CreditTerms, Presentation]:
    """The worked example without its inspection certificate: six documents."""
    credit = worked_example_credit()
    credit = replace(
        credit, documents=tuple(r for r in credit.documents if r.doc_type != DocType.INSPECTION_CERTIFICATE)
    )
    base = complying_presentation()
    presentation = replace(
        base, documents=tuple(d for d in base.documents if d.doc_type != DocType.INSPECTION_CERTIFICATE)
    )
    return credit, presentation


def bench_examination(n: int = 2000) -> dict[str, float]:
    """Examine a six-document presentation ``n`` times in each of ``ROUNDS`` rounds."""
    credit, presentation = six_documents()
    calendar = BankingCalendar.for_country("CN", range(2025, 2027))
    rounds = [_round(credit, presentation, calendar, n) for _ in range(ROUNDS)]
    wall, cpu = min(rounds, key=lambda r: _p99(r[0])), min(rounds, key=lambda r: _p99(r[1]))
    return {
        "n": float(n),
        "rounds": float(ROUNDS),
        "documents": float(len(presentation.documents)),
        "p50_ms": statistics.median(wall[0]),
        "p99_ms": _p99(wall[0]),
        "max_ms": wall[0][-1],
        "cpu_p99_ms": _p99(cpu[1]),
        "worst_round_p99_ms": max(_p99(r[0]) for r in rounds),
    }


def _round(
    credit: CreditTerms, presentation: Presentation, calendar: BankingCalendar, n: int
) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.thread_time()
        result = examine(credit, presentation, calendar)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    if not result.complying or result.discrepancies:
        raise RuntimeError(f"benchmark presentation is not clean: {[d.text for d in result.discrepancies]}")
    return sorted(wall), sorted(cpu)


def _p99(timings: list[float]) -> float:
    return timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def run(quick: bool) -> list[Result]:
    n = 300 if quick else 2000
    got = bench_examination(n)
    group = f"Examination engine ({ROUNDS} rounds of {n} runs, six documents)"
    note = f"quietest of {ROUNDS} rounds; the noisiest round's p99 was {got['worst_round_p99_ms']:.2f} ms"
    return [
        Result(group, "examination p50", got["p50_ms"], "ms"),
        Result(group, "examination p99", got["p99_ms"], "ms", "<= 5 ms", got["p99_ms"] <= 5, note),
        Result(group, "examination p99, CPU time", got["cpu_p99_ms"], "ms"),
    ]
