"""Walking the chain in the database: every seq present, every hash recomputed, every link."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection, transaction

from ledger.chain import GENESIS, entry_hash, is_canonical
from ledger.sequencer import TIME_SQL

FETCH = 20_000


@dataclass
class VerifyResult:
    ok: bool
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str | None = None
    broken_seq: int | None = None
    reason: str | None = None
    detail: str | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _bounds(cur: Any, start: int | None, end: int | None) -> tuple[int, int, bytes]:
    cur.execute("SELECT min(seq), max(seq) FROM ledger_entry")
    lo, hi = cur.fetchone()
    if lo is None:
        return 1, 0, GENESIS
    first = max(start or 1, 1)
    last = min(end, hi) if end is not None else hi
    prev = GENESIS
    if first > 1:
        cur.execute("SELECT hash FROM ledger_entry WHERE seq = %s", [first - 1])
        row = cur.fetchone()
        prev = bytes(row[0]) if row else b""
    return first, last, prev


def verify_chain(
    *,
    start: int | None = None,
    end: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    canonical: bool = False,
) -> VerifyResult:
    """Verify entries start..end (inclusive); stops at the first broken seq and says why.

    Every entry's hash is recomputed from its stored fields and payload bytes, so any
    changed byte shows as a hash mismatch. `canonical=True` also re-checks that each payload
    is RFC 8785 canonical JSON ("bad payload encoding"): a writer bug rather than tampering,
    and four times slower, so it is an option.
    """
    with transaction.atomic(), connection.cursor() as cur:
        first, last, prev = _bounds(cur, start, end)
        result = VerifyResult(ok=True, first_seq=first, last_seq=last)
        if last < first:
            return result
        total = last - first + 1
        # Binary transfer: bytea arrives as bytes with no hex decoding.
        raw = connection.connection.cursor(name="ledger_verify", binary=True)
        raw.itersize = FETCH
        raw.execute(
            f"SELECT seq, kind, subject, actor, actor_org, {TIME_SQL}, payload, prev_hash, hash "
            "FROM ledger_entry WHERE seq BETWEEN %s AND %s ORDER BY seq",
            [first, last],
        )
        expected = first
        while rows := raw.fetchmany(FETCH):
            for seq, kind, subject, actor, org, at, payload, prev_hash, stored in rows:
                problem = _check(seq, expected, kind, subject, actor, org, at, payload,
                                 prev_hash, stored, prev, canonical)
                if problem:
                    reason, detail, broken = problem
                    result.ok, result.broken_seq, result.reason, result.detail = False, broken, reason, detail
                    raw.close()
                    return result
                prev = stored
                expected += 1
            result.checked = expected - first
            if on_progress:
                on_progress(result.checked, total)
        raw.close()
        if expected <= last:
            result.ok, result.broken_seq, result.reason = False, expected, "gap"
            result.detail = f"entries {expected}..{last} are missing"
            return result
        result.checked = total
        result.head_hash = bytes(prev).hex()
        return result


def _check(
    seq: int, expected: int, kind: str, subject: str, actor: str, org: str, at: str,
    payload: bytes, prev_hash: bytes, stored: bytes, prev: bytes, canonical: bool
) -> tuple[str, str, int] | None:
    if seq != expected:
        return "gap", f"expected seq {expected}, found {seq}", expected
    if canonical and not is_canonical(payload):
        return "bad payload encoding", "payload is not RFC 8785 canonical JSON", seq
    digest = entry_hash(seq=seq, kind=kind, subject=subject, actor=actor, actor_org=org,
                        at=at, payload=payload, prev_hash=prev_hash)
    if digest != stored:
        return "hash mismatch", "the stored hash does not match the entry's contents", seq
    if prev_hash != prev:
        return "broken link", "prev_hash does not equal the previous entry's hash", seq
    return None


def _verify_part(start: int, end: int, canonical: bool, counter: Any, out: Any, index: int) -> None:
    connection.close()  # a forked child must never reuse the parent's socket
    seen = 0

    def progress(done: int, total: int) -> None:
        nonlocal seen
        with counter.get_lock():
            counter.value += done - seen
        seen = done

    out.put((index, verify_chain(start=start, end=end, on_progress=progress, canonical=canonical).as_dict()))
    connection.close()


def _fork_part(start: int, end: int, canonical: bool, counter: Any, out: Any, index: int) -> int:
    """Fork one verifier with os.fork, not multiprocessing.Process: Process runs the after-fork
    hooks other libraries registered, and kombu's closes the parent's broker channels, which
    blocks for ever on a channel inherited mid-BRPOP (a Celery worker, or any process that
    consumed). The child only reads the database and writes its result to the queue."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _verify_part(start, end, canonical, counter, out, index)
        out.close()
        out.join_thread()  # the queue's feeder thread must flush before the child exits
        code = 0
    finally:
        os._exit(code)


def _exit_status(pid: int, exits: dict[int, int]) -> int | None:
    """The child's exit code once it has ended (reaped once, remembered), None while it runs."""
    if pid not in exits:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            return None
        exits[pid] = os.waitstatus_to_exitcode(status)
    return exits[pid]


def verify_parallel(
    *,
    start: int | None = None,
    end: int | None = None,
    jobs: int = 2,
    on_progress: Callable[[int, int], None] | None = None,
    canonical: bool = False,
) -> VerifyResult:
    """Split the range into `jobs` contiguous parts verified by forked processes.

    Each part checks its first entry's link to the entry before it, so the seams are
    covered; the reported break is the lowest broken seq over all parts.
    """
    import multiprocessing as mp

    with connection.cursor() as cur:
        first, last, _ = _bounds(cur, start, end)
    total = last - first + 1
    if jobs <= 1 or total < 50_000:
        return verify_chain(start=start, end=end, on_progress=on_progress, canonical=canonical)
    step = -(-total // jobs)
    parts = [(a, min(a + step - 1, last)) for a in range(first, last + 1, step)]
    connection.close()
    ctx = mp.get_context("fork")
    counter, out = ctx.Value("q", 0), ctx.Queue()
    pids = [_fork_part(a, b, canonical, counter, out, i) for i, (a, b) in enumerate(parts)]
    exits: dict[int, int] = {}
    got: dict[int, VerifyResult] = {}
    while len(got) < len(pids):
        if on_progress:
            on_progress(min(counter.value, total), total)
        try:
            index, result = out.get(timeout=0.1)
            got[index] = VerifyResult(**result)
        except Exception:  # queue.Empty: keep drawing progress
            if any(_exit_status(pid, exits) not in (None, 0) for pid in pids):
                raise RuntimeError("a verification process died") from None
    for pid in pids:
        if pid not in exits:
            os.waitpid(pid, 0)
    results = [got[i] for i in range(len(pids))]
    broken = [r for r in results if not r.ok]
    if broken:
        worst = min(broken, key=lambda r: r.broken_seq or 0)
        worst.first_seq, worst.last_seq = first, last
        worst.checked = sum(r.checked for r in results)
        return worst
    if on_progress:
        on_progress(total, total)
    return VerifyResult(ok=True, checked=total, first_seq=first, last_seq=last, head_hash=results[-1].head_hash)
