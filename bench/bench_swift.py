"""SWIFT messages (issue 18): an MT700 with three MT701s (text blocks of 4,000-6,500 characters)
parsed and validated, and serialised; p99 targets 1 ms each.

As in the examination bench, the machine is shared: the runs are made in rounds, the quietest
round's wall-clock percentiles are reported, with the CPU time of each run beside them (CPU
time excludes the slices another process had the core).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bench import Result
from lc.swift import parse, serialise, terms_to_mt700, validate
from lc.swift.samples import long_credit

ROUNDS = 5
Timings = tuple[list[float], list[float]]  # sorted wall and CPU milliseconds


def _round(n: int, work: Callable[[], object]) -> Timings:
    wall, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.thread_time()
        work()
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return sorted(wall), sorted(cpu)


def _p99(timings: list[float]) -> float:
    return timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def _measure(n: int, work: Callable[[], object]) -> dict[str, float]:
    rounds = [_round(n, work) for _ in range(ROUNDS)]
    wall, cpu = min(rounds, key=lambda r: _p99(r[0])), min(rounds, key=lambda r: _p99(r[1]))
    return {"p50": statistics.median(wall[0]), "p99": _p99(wall[0]), "cpu_p99": _p99(cpu[1]),
            "worst_p99": max(_p99(r[0]) for r in rounds)}


def run(quick: bool) -> list[Result]:
    n = 300 if quick else 2000
    messages = terms_to_mt700(long_credit())
    texts = [serialise(m) for m in messages]
    if [m.message_type for m in messages] != ["700", "701", "701", "701"]:
        raise RuntimeError("the benchmark credit no longer makes an MT700 with three MT701s")
    if any(validate(parse(text)) for text in texts):
        raise RuntimeError("a benchmark message does not validate")

    def read() -> None:
        for text in texts:
            validate(parse(text))

    def write() -> None:
        for message in messages:
            serialise(message)

    got_read, got_write = _measure(n, read), _measure(n, write)
    group = f"SWIFT MT700 + 3 MT701 ({sum(len(t) for t in texts):,} characters; {ROUNDS} rounds of {n} runs)"

    def note(got: dict[str, float]) -> str:
        return f"quietest of {ROUNDS} rounds; the noisiest round's p99 was {got['worst_p99']:.2f} ms"

    return [
        Result(group, "parse + validate p50", got_read["p50"], "ms"),
        Result(group, "parse + validate p99", got_read["p99"], "ms", "<= 1 ms", got_read["p99"] <= 1, note(got_read)),
        Result(group, "parse + validate p99, CPU time", got_read["cpu_p99"], "ms"),
        Result(group, "serialise p99", got_write["p99"], "ms", "<= 1 ms", got_write["p99"] <= 1, note(got_write)),
        Result(group, "serialise p99, CPU time", got_write["cpu_p99"], "ms"),
    ]
