"""Examination engine speed (issue 6): a six-document presentation of the worked example."""

from __future__ import annotations

from bench import Result
from lc.examination.bench import bench_examination


def run(quick: bool) -> list[Result]:
    n = 300 if quick else 2000
    got = bench_examination(n)
    group = f"Examination engine ({n} runs, six documents)"
    return [
        Result(group, "examination p50", got["p50_ms"], "ms"),
        Result(group, "examination p99", got["p99_ms"], "ms", "<= 20 ms", got["p99_ms"] <= 20),
    ]
