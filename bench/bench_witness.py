"""Witnesses (issue 19): cosignature round trip and add-checkpoint throughput, on real processes.

Each witness is `python -m ledger.witness serve` on loopback with its own key and SQLite file
(synchronous=FULL: every cosigned checkpoint is on disk before the reply). The checkpoints are
real: signed by a throwaway log key over an RFC 9162 tree, each request carrying the
consistency proof from the previous size, so every request does the full work (signature,
proof, atomic store, cosignature).

  round trip   what ledger.witnessing does after anchoring: both witnesses asked in parallel
               (ledger.witnessing.ask, a fresh connection each), replies verified; p50/p99.
  throughput   one witness, eight clients on keep-alive connections, one log each, every
               request growing its log by one entry.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench import Result
from ledger.merkle import consistency_proof_from_hashes, leaf_hashes, root_from_hashes
from ledger.note import Signer, checkpoint_body, generate_signer, sign_note
from ledger.witness.policy import parse_policy
from ledger.witness.protocol import WitnessConnection, format_request

GROUP = "Witnesses"
ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8


def run(quick: bool) -> list[Result]:
    rounds, per_client = (100, 100) if quick else (400, 300)
    with tempfile.TemporaryDirectory(prefix="bench-witness-") as tmp:
        return [*bench_round_trip(Path(tmp), rounds), bench_throughput(Path(tmp), per_client)]


class Log:
    def __init__(self, origin: str, size: int) -> None:
        skey, self.vkey = generate_signer(origin)
        self.origin, self.signer = origin, Signer.from_string(skey)
        self.hashes = leaf_hashes([i.to_bytes(4, "big") for i in range(size + 1)])

    def request(self, old: int, new: int) -> tuple[bytes, str]:
        body = checkpoint_body(self.origin, new, root_from_hashes(self.hashes[:new]))
        proof = consistency_proof_from_hashes(self.hashes[:new], old) if old else []
        return format_request(old, proof, sign_note(body, [self.signer])), body


@contextmanager
def witness(tmp: Path, name: str, vkeys: list[str]) -> Iterator[tuple[str, str]]:
    """(url, vkey) of a witness process trusting `vkeys`."""
    d = tmp / name
    d.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    vkey = subprocess.run([sys.executable, "-m", "ledger.witness", "keygen", "--name", f"bench.test/{name}", "--key",
                           str(d / "key")], check=True, capture_output=True, text=True, env=env).stdout.strip()
    (d / "logs").write_text("".join(f"log {v}\n" for v in vkeys))
    proc = subprocess.Popen([sys.executable, "-m", "ledger.witness", "serve", "--state", str(d / "state.sqlite"),
                             "--key", str(d / "key"), "--logs", str(d / "logs"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert proc.stdout is not None
        found = re.search(r"on (http://\S+) ", proc.stdout.readline())
        if not found:
            raise RuntimeError("the witness did not start")
        yield found.group(1), vkey
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_round_trip(tmp: Path, rounds: int) -> list[Result]:
    from ledger.witnessing import ask

    log = Log("bench.test/round-trip", rounds)
    with witness(tmp, "a", [log.vkey]) as (url_a, vkey_a), witness(tmp, "b", [log.vkey]) as (url_b, vkey_b):
        policy = parse_policy(f"witness a {vkey_a} {url_a}\nwitness b {vkey_b} {url_b}\nquorum none\n")
        pair = list(policy.witnesses.values())
        latencies = []
        for size in range(1, rounds + 1):
            request, body = log.request(size - 1, size)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=2) as pool:  # as ledger.witnessing._ask_all
                outcomes = list(pool.map(ask, pair, [request] * 2, [body] * 2))
            latencies.append((time.perf_counter() - started) * 1000)
            if not all(o.cosignature for o in outcomes):
                raise RuntimeError(f"round {size}: {[o.detail for o in outcomes]}")
    p99 = statistics.quantiles(latencies, n=100)[98]
    note = (f"{rounds} checkpoints, each sent to both witnesses in parallel and both cosignatures verified; "
            f"p50 {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms")
    return [Result(GROUP, "cosignature round trip to two loopback witnesses, p99", p99, "ms", "<= 20 ms", p99 <= 20, note)]


def bench_throughput(tmp: Path, per_client: int) -> Result:
    logs = [Log(f"bench.test/log-{i}", per_client) for i in range(CLIENTS)]
    requests = [[log.request(size - 1, size)[0] for size in range(1, per_client + 1)] for log in logs]
    with witness(tmp, "single", [log.vkey for log in logs]) as (url, _):
        failures: list[int] = []

        def client(mine: list[bytes]) -> None:
            conn = WitnessConnection(url, timeout=10)
            try:
                failures.extend(reply.status for reply in map(conn.add_checkpoint, mine) if reply.status != 200)
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=(r,)) for r in requests]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} add-checkpoint requests failed: {sorted(set(failures))}")
    rate = CLIENTS * per_client / elapsed
    return Result(GROUP, "add-checkpoint requests per second, one witness", rate, "requests/s", ">= 500/s", rate >= 500,
                  f"{CLIENTS} keep-alive clients x {per_client} requests, each a new signed checkpoint with its "
                  "consistency proof, stored (SQLite WAL, synchronous=FULL) before the reply")
