"""The verifiable log: Merkle root speed, proof latency from the node table, checkpoint cost.

The database part runs in its own database, tradechain_bench_merkle, created on the configured
server and dropped afterwards, so it neither sees nor leaves rows in the real ledger. The
chain is generated in Python (real entry hashes) and COPYed in; the node table and the
checkpoints are then built by the real anchoring code, and proofs are timed through the real
proof function, one call per proof, as the API would make them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.core.management import call_command
from django.db import connection, connections

from bench import Result
from ledger.chain import GENESIS, entry_hash, format_time, leaf_data
from ledger.merkle import merkle_root, verify_inclusion

GROUP = "Verifiable log"
# Its own database: other bench modules may create and drop tradechain_bench on the same server.
BENCH_DB = "tradechain_bench_merkle"
COLUMNS = "seq, intake_id, kind, subject, actor, actor_org, at, payload, prev_hash, hash, sequenced_at"


def run(quick: bool) -> list[Result]:
    results = [bench_root(10_000 if quick else 100_000)]
    with bench_database():
        results += bench_log(entries=20_000 if quick else 1_000_000, extra=2_000 if quick else 10_000,
                             proofs=200 if quick else 1_000)
    return results


def bench_root(n: int) -> Result:
    leaves = [os.urandom(32) for _ in range(n)]
    best = min(_timed(lambda: merkle_root(leaves)) for _ in range(3))
    return Result(GROUP, f"Merkle root of {n:,} entries (pure Python)", best, "s",
                  "<= 0.25 s" if n == 100_000 else "", best <= 0.25 if n == 100_000 else None,
                  "best of 3; leaf hash + RFC 9162 tree, hashlib")


def bench_log(*, entries: int, extra: int, proofs: int) -> list[Result]:
    from ledger.anchoring import anchor_checkpoint
    from ledger.proofs import inclusion_proof_for

    head = _load_chain(1, GENESIS, entries)
    first = _timed(anchor_checkpoint)
    latencies, checked = [], 0
    rng = random.Random(1)
    for seq in (rng.randint(1, entries) for _ in range(proofs)):
        started = time.perf_counter()
        proof = inclusion_proof_for(seq)
        latencies.append((time.perf_counter() - started) * 1000)
        if checked < 20:  # the timed proofs are real: spot-check them
            assert verify_inclusion(_leaf(seq), seq - 1, proof.tree_size, proof.proof, proof.root)
            checked += 1
    _load_chain(entries + 1, head, extra)
    extend = _timed(anchor_checkpoint)
    p99 = _percentile(latencies, 99)
    return [
        Result(GROUP, f"inclusion proof p99 at {entries:,} entries (DB, one call each)", p99, "ms",
               "<= 5 ms" if entries >= 1_000_000 else "", p99 <= 5 if entries >= 1_000_000 else None,
               f"{proofs:,} random entries through ledger.proofs.inclusion_proof_for; "
               f"p50 {statistics.median(latencies):.2f} ms; checkpoint row + one node query"),
        Result(GROUP, f"checkpoint for {extra:,} new entries (verify + extend + sign)", extend * 1000, "ms",
               note="anchor_checkpoint: re-hashes the new entries, writes their nodes, proves consistency, signs"),
        Result(GROUP, f"first checkpoint over {entries:,} entries", first, "s",
               note="the whole log anchored at once (an existing log's first anchoring)"),
    ]


# --- the bench database ----------------------------------------------------------------------------


@contextmanager
def bench_database() -> Iterator[None]:
    """Create BENCH_DB on the configured server, point Django at it, drop it after."""
    params = connection.get_connection_params()
    admin = {**params, "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    default = connections["default"]
    saved = default.settings_dict["NAME"]
    default.close()
    default.settings_dict["NAME"] = BENCH_DB
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = saved
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


_hashes: dict[int, bytes] = {}


def _load_chain(first: int, prev: bytes, count: int) -> bytes:
    """COPY `count` chained entries from seq `first` on; return the last hash."""
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cur, cur.cursor.copy(f"COPY ledger_entry ({COLUMNS}) FROM STDIN") as copy:
        for seq in range(first, first + count):
            at = base + dt.timedelta(microseconds=seq * 1000)
            payload = json.dumps({"amount": "125000.00", "n": seq, "ref": f"LC{seq:08d}"},
                                 sort_keys=True, separators=(",", ":")).encode()
            subject = f"lc:bench-{seq % 5000}"
            digest = entry_hash(seq=seq, kind="lc.noted", subject=subject, actor="user:bench",
                                actor_org="bank:BENCHHKH", at=format_time(at), payload=payload, prev_hash=prev)
            copy.write_row((seq, seq, "lc.noted", subject, "user:bench", "bank:BENCHHKH", at, payload, prev, digest, now))
            _hashes[seq] = digest
            prev = digest
    with connection.cursor() as cur:
        cur.execute("ANALYZE ledger_entry")
    return prev


def _leaf(seq: int) -> bytes:
    return leaf_data(_hashes[seq])


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]
