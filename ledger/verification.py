"""Walking the chain in the database: every seq present, every hash recomputed, every link."""

from __future__ import annotations

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
) -> VerifyResult:
    """Verify entries start..end (inclusive); stops at the first broken seq and says why."""
    with transaction.atomic(), connection.cursor() as cur:
        first, last, prev = _bounds(cur, start, end)
        result = VerifyResult(ok=True, first_seq=first, last_seq=last)
        if last < first:
            return result
        total = last - first + 1
        raw = connection.connection.cursor(name="ledger_verify")
        raw.itersize = FETCH
        raw.execute(
            f"SELECT seq, kind, subject, actor, actor_org, {TIME_SQL}, payload, prev_hash, hash "
            "FROM ledger_entry WHERE seq BETWEEN %s AND %s ORDER BY seq",
            [first, last],
        )
        expected = first
        while rows := raw.fetchmany(FETCH):
            for seq, kind, subject, actor, org, at, payload, prev_hash, stored in rows:
                problem = _check(seq, expected, kind, subject, actor, org, at, bytes(payload),
                                 bytes(prev_hash), bytes(stored), prev)
                if problem:
                    reason, detail, broken = problem
                    result.ok, result.broken_seq, result.reason, result.detail = False, broken, reason, detail
                    raw.close()
                    return result
                prev = bytes(stored)
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
        result.head_hash = prev.hex()
        return result


def _check(
    seq: int, expected: int, kind: str, subject: str, actor: str, org: str, at: str,
    payload: bytes, prev_hash: bytes, stored: bytes, prev: bytes
) -> tuple[str, str, int] | None:
    if seq != expected:
        return "gap", f"expected seq {expected}, found {seq}", expected
    if not is_canonical(payload):
        return "bad payload encoding", "payload is not RFC 8785 canonical JSON", seq
    digest = entry_hash(seq=seq, kind=kind, subject=subject, actor=actor, actor_org=org,
                        at=at, payload=payload, prev_hash=prev_hash)
    if digest != stored:
        return "hash mismatch", "the stored hash does not match the entry's contents", seq
    if prev_hash != prev:
        return "broken link", "prev_hash does not equal the previous entry's hash", seq
    return None
