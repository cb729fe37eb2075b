"""Feed mutated messages to the parser and validator: nothing may escape but ``SwiftParseError``.

    python -m lc.swift.fuzz --count 100000 [--seed 1]

Mutations: byte flips, deletions, duplicated lines, truncation, random tags, over seed messages
of every type (golden files written by the serialiser).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections.abc import Callable

from lc.swift.errors import SwiftParseError
from lc.swift.message import parse
from lc.swift.samples import seed_messages
from lc.swift.validate import validate

_TAGS = ["20", "21", "27", "31C", "32B", "41A", "41D", "45A", "46A", "49", "58A", "77J", "99Z", "4", "ZZ"]


def flip(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 0x2FF)])) + text[at + 1:]


def delete(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + text[at + rng.randint(1, 20):]


def duplicate_line(rng: random.Random, text: str) -> str:
    lines = text.split("\r\n")
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return "\r\n".join(lines)


def truncate(rng: random.Random, text: str) -> str:
    return text[:rng.randrange(len(text))]


def random_tag(rng: random.Random, text: str) -> str:
    lines = text.split("\r\n")
    at = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    lines.insert(at, f":{rng.choice(_TAGS)}:{rng.choice(['', 'X', '/', 'USD1,', '250101', '-}', '{'])}")
    return "\r\n".join(lines)


MUTATIONS: list[Callable[[random.Random, str], str]] = [flip, delete, duplicate_line, truncate, random_tag]


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        if text:
            text = rng.choice(MUTATIONS)(rng, text)
    return text


def run(count: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    seeds = seed_messages()
    stats = {"messages": 0, "parse_errors": 0, "valid": 0, "with_findings": 0}
    for _ in range(count):
        text = mutate(rng, rng.choice(seeds))
        stats["messages"] += 1
        try:
            message = parse(text)
        except SwiftParseError as exc:
            assert exc.line >= 1
            stats["parse_errors"] += 1
            continue
        stats["with_findings" if validate(message) else "valid"] += 1
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        stats = run(args.count, args.seed)
    except Exception:
        traceback.print_exc()
        print("FAILED: an exception other than SwiftParseError escaped", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"{stats['messages']} mutated messages in {seconds:.1f} s ({stats['messages'] / seconds:,.0f}/s): "
          f"{stats['parse_errors']} parse errors, {stats['with_findings']} with findings, {stats['valid']} valid; "
          "no other exception")
    return 0


if __name__ == "__main__":
    sys.exit(main())
