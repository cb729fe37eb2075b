"""Examination engine speed (issues 6, 16): a six-document presentation of the worked example."""

from __future__ import annotations

from bench import Result
from lc.examination.bench import ROUNDS, bench_examination


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
