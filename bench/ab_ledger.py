"""The real-action ledger benchmark, this tree against an earlier commit, side by side.

    python -m bench.ab_ledger --baseline 6ce5790 [--pairs 3] [--per-writer 300]

A figure from another day or another machine cannot say whether a change cost throughput:
this machine is shared and its speed moves by a factor of two or more. So the same workload
(`bench_ledger`'s 16 writers running `lc.services.update_application`, with and without the
ledger) runs in both trees on this machine, in alternating turns (A B B A A B ...), each turn
in its own process and its own fresh database. The baseline tree is `git archive` of the
commit with this tree's bench/ copied in (one instrument for both), run with this tree's
virtualenv (a superset of what it needs).

Prints one line per turn and a summary: the median changes/s of each tree with the ledger
and without, and the change of the with-ledger figure in per cent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What one turn runs, inside the tree being measured (its own bench/ and lc/).
TURN = """
import json, os, sys, multiprocessing as mp


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")
    import django

    django.setup()
    from bench import bench_ledger as b
    from bench.db import drop_database, fresh_database

    name, per_writer, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.environ.update(fresh_database(name))
    try:
        b._service_setup()
        ctx = mp.get_context("spawn")
        plain = [b._round(ctx, per_writer, False, False, "service")[0] for _ in range(rounds)]
        ledgered = [b._round(ctx, per_writer, True, False, "service")[0] for _ in range(rounds)]
    finally:
        drop_database(name)
    print("RESULT " + json.dumps({"plain": plain, "ledgered": ledgered}))


if __name__ == "__main__":
    main()
"""


def baseline_tree(commit: str) -> Path:
    """The baseline commit's files in a temporary directory, sharing this tree's virtualenv."""
    target = Path(tempfile.gettempdir()) / f"tradechain-ab-{commit}"
    if not (target / "manage.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    # The instrument is this tree's: the same benchmark code measures both trees.
    shutil.rmtree(target / "bench")
    shutil.copytree(ROOT / "bench", target / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    venv = target / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv")
    return target


def turn(tree: Path, label: str, per_writer: int, rounds: int) -> dict[str, list[float]]:
    out = subprocess.run([sys.executable, "-c", TURN, f"tradechain_ab_{label}", str(per_writer), str(rounds)],
                         cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, check=True,
                         capture_output=True, text=True, timeout=1800)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, list[float]] = json.loads(line[len("RESULT "):])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="the commit to compare with")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--per-writer", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=1, help="rounds a side in each turn")
    args = parser.parse_args()
    trees = {"baseline": baseline_tree(args.baseline), "current": ROOT}
    seen: dict[str, dict[str, list[float]]] = {k: {"plain": [], "ledgered": []} for k in trees}
    for i in range(args.pairs):
        order = ["baseline", "current"] if i % 2 == 0 else ["current", "baseline"]
        for label in order:
            r = turn(trees[label], label, args.per_writer, args.rounds)
            for k in ("plain", "ledgered"):
                seen[label][k] += r[k]
            print(f"turn {i + 1} {label:8s} without ledger {[round(x) for x in r['plain']]} "
                  f"with ledger {[round(x) for x in r['ledgered']]} changes/s", flush=True)
    med = {k: {s: statistics.median(v[s]) for s in v} for k, v in seen.items()}
    change = (med["current"]["ledgered"] / med["baseline"]["ledgered"] - 1) * 100
    for label in trees:
        print(f"{label:8s} median: without ledger {med[label]['plain']:.0f}, with ledger "
              f"{med[label]['ledgered']:.0f} changes/s")
    print(f"with-ledger throughput, current vs baseline {args.baseline}: {change:+.1f} %")


if __name__ == "__main__":
    main()
