"""Benchmarks (`make bench`): each module in this package named bench_*.py exposes
`run(quick: bool) -> list[Result]`; __main__ runs them and writes BENCHMARKS.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    group: str  # e.g. "Ledger write path"
    name: str  # what was measured
    value: float
    unit: str  # "entries/s", "ms", "ratio" ...
    target: str = ""  # e.g. "<= 20 ms", "" when informative only
    met: bool | None = None  # None when there is no target
    note: str = ""
