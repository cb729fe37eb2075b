"""SWIFT messages (issue 18): an MT700 with three MT701s (text blocks of about 5,000-6,000
characters each) parsed and validated, and serialised; p99 targets 1 ms each."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bench import Result
from lc.swift import parse, serialise, terms_to_mt700, validate
from lc.swift.samples import long_credit


def _timings(n: int, work: Callable[[], object]) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def _p99(timings: list[float]) -> float:
    return timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def run(quick: bool) -> list[Result]:
    n = 300 if quick else 3000
    messages = terms_to_mt700(long_credit())
    texts = [serialise(m) for m in messages]
    if [m.message_type for m in messages] != ["700", "701", "701", "701"]:
        raise RuntimeError("the benchmark credit no longer makes an MT700 with three MT701s")

    def read() -> None:
        for text in texts:
            if validate(parse(text)):
                raise RuntimeError("benchmark message does not validate")

    def write() -> None:
        for message in messages:
            serialise(message)

    read_ms, write_ms = _timings(n, read), _timings(n, write)
    build_ms = _timings(max(n // 10, 30), lambda: terms_to_mt700(long_credit()))
    group = f"SWIFT MT700 + 3 MT701 ({sum(len(t) for t in texts):,} characters, {n} runs)"
    return [
        Result(group, "parse + validate p50", statistics.median(read_ms), "ms"),
        Result(group, "parse + validate p99", _p99(read_ms), "ms", "<= 1 ms", _p99(read_ms) <= 1),
        Result(group, "serialise p99", _p99(write_ms), "ms", "<= 1 ms", _p99(write_ms) <= 1),
        Result(group, "terms -> MT700/701 with read-back check p50", statistics.median(build_ms), "ms",
               note="builds the messages, validates them and reads them back to compare with the terms"),
    ]
