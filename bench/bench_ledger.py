"""Ledger write path and verification (issue 3).

1. Business changes per second with 16 concurrent writer processes, side by side in one
   run: the same transaction without the ledger, and with `ledger.append` in it while the
   dedicated sequencer process chains the intake. Rounds alternate (A, B, A, B) so machine
   noise hits both; the ratio uses the median of each.
2. Commit-to-sequenced latency p50/p99 under that load, from a probe that commits one
   entry every 200 ms and polls (every 5 ms) until it has a seq.
3. verify_ledger speed over 1,000,000 entries (generated and COPYed in).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import threading
import time
from typing import Any

from bench import Result

WRITERS = 16
PAYLOAD = "x" * 420  # ~500-byte payloads, as in LEDGER.md's measurements


def _child_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradechain.settings")
    import django

    django.setup()
    from bench.db import follow_parent_database

    follow_parent_database()


ACCOUNTS = 1000


def _business_change(cur: Any, workload: str, w: int, i: int) -> None:
    """`single`: one INSERT, the smallest possible change (the ledger's worst case).
    `tpcb`: the shape of a real business transaction here and of pgbench's TPC-B-like
    default: lock a row, update it, insert a history row (like a credit state change)."""
    if workload == "single":
        cur.execute("INSERT INTO bench_change (writer, n, body) VALUES (%s, %s, %s)", [w, i, PAYLOAD])
        return
    account = (w * 7919 + i * 104729) % ACCOUNTS
    cur.execute("SELECT balance FROM bench_account WHERE id = %s FOR UPDATE", [account])
    cur.execute("UPDATE bench_account SET balance = balance + 1 WHERE id = %s", [account])
    cur.execute("INSERT INTO bench_change (writer, n, body) VALUES (%s, %s, %s)", [w, i, PAYLOAD])


def _service_writer(w: int, n: int, with_ledger: bool, start: Any, out: Any) -> None:
    """A real TradeChain business action: the applicant edits its draft application
    (`lc.services.update_application`: lock, validate the MT700 terms, update, record).
    Without the ledger, the same service runs with its one `record` call made a no-op."""
    from lc import services
    from lc.models import LetterOfCredit, User
    from lc.scenarios import example_terms
    from lc.services import credits

    if not with_ledger:
        credits.record = lambda *args, **kwargs: None  # type: ignore[assignment]
    actor = User.objects.get(username="hhl.treasury")
    credit_id = LetterOfCredit.objects.filter(state="draft").order_by("reference").values_list("pk", flat=True)[w]
    terms = example_terms()
    start.wait()
    t0 = time.perf_counter()
    for i in range(n):
        terms["charges"] = f"All charges outside Hong Kong for beneficiary ({i})"
        services.update_application(actor=actor, credit_id=credit_id, terms=terms)
    out.put((t0, time.perf_counter()))


def _writer(w: int, n: int, with_ledger: bool, workload: str, start: Any, out: Any) -> None:
    _child_setup()
    from django.db import connection, transaction
    from django.utils import timezone

    import ledger

    connection.ensure_connection()
    if workload == "service":
        _service_writer(w, n, with_ledger, start, out)
        return
    start.wait()
    t0 = time.perf_counter()
    for i in range(n):
        with transaction.atomic(), connection.cursor() as cur:
            _business_change(cur, workload, w, i)
            if with_ledger:
                ledger.append(kind="bench.changed", subject=f"bench:{w}:{i}", actor=f"user:w{w}",
                              actor_org="org:BENCH", at=timezone.now(), payload={"n": i, "body": PAYLOAD})
    out.put((t0, time.perf_counter()))


def _sequencer(stop: Any, ready: Any) -> None:
    _child_setup()
    from ledger.sequencer import run_forever, sequence_pending

    sequence_pending()  # connect and warm up before the clock starts
    ready.set()
    run_forever(stop=stop.is_set)


def _round(ctx: Any, per_writer: int, with_ledger: bool, probe: bool, workload: str) -> tuple[float, list[float]]:
    start, out, stop, ready = ctx.Event(), ctx.Queue(), ctx.Event(), ctx.Event()
    seq_proc = ctx.Process(target=_sequencer, args=(stop, ready)) if with_ledger else None
    if seq_proc:
        seq_proc.start()
        ready.wait(60)
    procs = [ctx.Process(target=_writer, args=(w, per_writer, with_ledger, workload, start, out))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    time.sleep(2.0)  # let every child import Django and connect before the clock starts
    latencies: list[float] = []
    done = threading.Event()
    prober = threading.Thread(target=_probe, args=(latencies, done)) if probe else None
    start.set()
    if prober:
        prober.start()
    spans = [out.get() for _ in procs]
    done.set()
    for p in procs:
        p.join()
    if prober:
        prober.join()
    if seq_proc:
        stop.set()
        seq_proc.join()
    elapsed = max(e for _, e in spans) - min(s for s, _ in spans)
    return WRITERS * per_writer / elapsed, latencies


def _probe(latencies: list[float], done: threading.Event) -> None:
    from django.db import connections, transaction
    from django.utils import timezone

    import ledger
    from ledger.models import Entry

    while not done.is_set():
        with transaction.atomic():
            pending = ledger.append(kind="bench.probe", subject="bench:probe", actor="user:probe",
                                    actor_org="org:BENCH", at=timezone.now(), payload={})
        committed = time.perf_counter()
        while not Entry.objects.filter(intake_id=pending.pk).exists():
            if time.perf_counter() - committed > 10:
                break
            time.sleep(0.005)
        latencies.append((time.perf_counter() - committed) * 1000)
        time.sleep(0.2)  # a light probe: it must not itself load the machine it measures
    connections.close_all()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _compare(ctx: Any, per_writer: int, rounds: int, workload: str) -> tuple[list[float], list[float], list[float]]:
    plain, ledgered, latencies = [], [], []
    for _ in range(rounds):  # alternate, so machine noise hits both sides
        plain.append(_round(ctx, per_writer, False, False, workload)[0])
        rate, lat = _round(ctx, per_writer, True, True, workload)
        ledgered.append(rate)
        latencies += lat
    return plain, ledgered, latencies


def _service_setup() -> None:
    """The demo parties and one draft application per writer, made through the services."""
    from django.utils import timezone

    from lc.demo import ensure_cast
    from lc.scenarios import Story

    cast = ensure_cast(with_totp=False)
    for _ in range(WRITERS):
        Story(cast, timezone.now(), shift_days=0).apply()
    from ledger.sequencer import drain

    drain()


def throughput(quick: bool) -> list[Result]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_change (id bigserial PRIMARY KEY, writer int, n int, body text)")
        cur.execute("CREATE TABLE IF NOT EXISTS bench_account (id int PRIMARY KEY, balance bigint NOT NULL)")
        cur.execute("INSERT INTO bench_account SELECT g, 0 FROM generate_series(0, %s) g ON CONFLICT DO NOTHING",
                    [ACCOUNTS - 1])
    _service_setup()
    ctx = mp.get_context("spawn")
    rounds = 1 if quick else 2
    out: list[Result] = []
    all_latencies: list[float] = []
    for workload, label, target in (("service", "lc.services.update_application (a real business action)", True),
                                    ("tpcb", "lock + update + insert (TPC-B-like micro-transaction)", False),
                                    ("single", "single INSERT (worst case)", False)):
        # 16 x 1,250 = 20,000 changes per round; the real service is slower, so fewer.
        per_writer = (60 if quick else 300) if workload == "service" else (150 if quick else 1250)
        # The targeted figure gets more rounds: on this shared 2-core machine two rounds a side
        # gave 15 %, 28 % and 18 % in three runs of the same code.
        plain, ledgered, latencies = _compare(ctx, per_writer, rounds * 2 if target else rounds, workload)
        all_latencies += latencies
        a, b = statistics.median(plain), statistics.median(ledgered)
        cost = (1 - b / a) * 100
        group = f"Ledger write path, 16 writers, {label}"
        out += [
            Result(group, "business changes/s without ledger", a, "changes/s"),
            Result(group, "business changes/s with ledger (intake + sequencer)", b, "changes/s"),
            Result(group, "throughput cost of the ledger", cost, "%", "<= 25 %" if target else "",
                   (cost <= 25) if target else None,
                   note=f"rounds without: {[round(x) for x in plain]}, with: {[round(x) for x in ledgered]}"),
        ]
    group = "Ledger write path, 16 writers"
    p99 = _pct(all_latencies, 0.99)
    out += [
        Result(group, "commit-to-sequenced latency p50", _pct(all_latencies, 0.5), "ms"),
        Result(group, "commit-to-sequenced latency p99", p99, "ms", "<= 200 ms", p99 <= 200,
               note=f"{len(all_latencies)} probes during the ledgered rounds"),
    ]
    return out


def _fill_chain(n: int) -> None:
    """Generate a valid chain of n entries in Python and COPY it in (fast set-up)."""
    import datetime as dt

    from django.db import connection, transaction

    from ledger.chain import GENESIS, canonical, entry_hash

    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev = GENESIS
    cols = "seq, intake_id, kind, subject, actor, actor_org, at, payload, prev_hash, hash, sequenced_at"
    with transaction.atomic(), connection.cursor() as cur, cur.cursor.copy(
        f"COPY ledger_entry ({cols}) FROM STDIN"
    ) as copy:
        for seq in range(1, n + 1):
            at = (base + dt.timedelta(microseconds=seq * 1000)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            payload = canonical({"credit": f"lc-{seq % 5000}", "amount": "125000.00", "n": seq})
            digest = entry_hash(seq=seq, kind="lc.bench", subject=f"lc:{seq % 5000}", actor="user:bench",
                                actor_org="org:BENCH", at=at, payload=payload, prev_hash=prev)
            copy.write_row((seq, seq, "lc.bench", f"lc:{seq % 5000}", "user:bench", "org:BENCH", at, payload,
                            prev, digest, at))
            prev = digest


def verify_speed(quick: bool) -> list[Result]:
    from ledger.verification import verify_parallel

    n = 100_000 if quick else 1_000_000
    _fill_chain(n)
    out = []
    for jobs, canonical, target in ((2, False, ">= 150,000/s"), (1, False, ""), (2, True, "")):
        t0 = time.perf_counter()
        result = verify_parallel(jobs=jobs, canonical=canonical)
        seconds = time.perf_counter() - t0
        assert result.ok and result.checked == n, result
        rate = n / seconds
        label = f"verify_ledger over {n:,} entries, {jobs} process{'es' if jobs > 1 else ''}"
        label += ", with --canonical" if canonical else ""
        out.append(Result("Ledger verification", label, rate, "entries/s", target,
                          rate >= 150_000 if target else None, note=f"{seconds:.2f} s"))
    return out


def run(quick: bool) -> list[Result]:
    from bench.db import drop_database, fresh_database

    name = "tradechain_bench_ledger"
    os.environ.update(fresh_database(name))
    try:
        results = throughput(quick)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ALL")
            cur.execute("DELETE FROM ledger_entry")  # the verify run starts from an empty chain
            cur.execute("DELETE FROM ledger_intake")
        results += verify_speed(quick)
        return results
    finally:
        drop_database(name)
