"""The read-access log: which staff member opened which credit, document or evidence bundle.

Each row is chained to the previous one (SHA-256 over the previous hash and the row's canonical
JSON) under a transaction-scoped advisory lock. Reads are short transactions of their own, so
the lock is held for one small INSERT: LEDGER.md's 1,300-2,000 chained rows/s on this machine
is far above what people opening pages produce. Every few minutes (beat) the head is sealed
into the ledger (audit.read_log_sealed: through which row, with which hash), so the anchored
checkpoints cover the read log too: a row changed, removed or re-chained after its seal no
longer matches the sealed head (`verify_read_log`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

import ledger
from lc import events
from lc.audit.record import record_change
from lc.models import User
from ledger.chain import GENESIS, canonical, format_time

LOCK_KEY = 0x7EAD_AC55  # the read log's chain head (any constant no other advisory lock uses)
SUBJECT = "audit:read-log"
FETCH = 10_000


def row_hash(prev: bytes, seq: int, at: dt.datetime, user: str, username: str, org: str, what: str,
             target: str, route: str = "", via: str = "") -> bytes:
    """`route` and `via` are hashed only when set: rows written before they existed keep their hashes."""
    fields = {"seq": seq, "at": format_time(at), "user": user, "username": username, "org": org,
              "what": what, "target": target}
    fields.update({k: v for k, v in (("route", route), ("via", via)) if v})
    return hashlib.sha256(bytes(prev) + canonical(fields)).digest()


def log_read(user: User, what: str, target: str, at: dt.datetime | None = None, *, route: str = "",
             via: str = "") -> int:
    """Append one row (its own short transaction, or the caller's); returns its seq.

    `route` is the URL name that served the read (api:message-raw, audit:evidence ...), `via` the
    credential it came with (an API key's id; empty for a signed-in session)."""
    at = at or timezone.now()
    org = user.organization.ledger_id if user.organization is not None else "org:tradechain"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cur.execute("SELECT seq, hash FROM audit_read_access ORDER BY seq DESC LIMIT 1")
        last = cur.fetchone()
        seq, prev = (last[0] + 1, bytes(last[1])) if last else (1, GENESIS)
        digest = row_hash(prev, seq, at, user.ledger_id, user.username, org, what, target, route, via)
        cur.execute(
            "INSERT INTO audit_read_access (seq, at, \"user\", username, org, what, target, route, via, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [seq, at, user.ledger_id, user.username, org, what, target, route, via, prev, digest],
        )
    return seq


@dataclass
class ReadLogCheck:
    ok: bool
    checked: int
    head_hash: str
    problem: str = ""


def _seals() -> dict[int, str]:
    """through_seq -> head hash, from every seal the ledger holds (sequenced or pending)."""
    rows = list(ledger.history(SUBJECT).values_list("payload", flat=True))
    rows += list(ledger.pending(SUBJECT).values_list("payload", flat=True))
    seals = (json.loads(bytes(p)) for p in rows)
    return {s["through_seq"]: s["head_hash"] for s in seals}


def verify_read_log() -> ReadLogCheck:
    """Recompute every row's hash and link, and compare with every seal in the ledger."""
    seals = _seals()
    prev, expected = GENESIS, 1
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT seq, at, \"user\", username, org, what, target, route, via, prev_hash, hash "
                    "FROM audit_read_access ORDER BY seq")
        while rows := cur.fetchmany(FETCH):
            for seq, at, user, username, org, what, target, route, via, prev_hash, stored in rows:
                if seq != expected:
                    return ReadLogCheck(False, expected - 1, prev.hex(), f"row {expected} is missing")
                if bytes(prev_hash) != prev or \
                        row_hash(prev, seq, at, user, username, org, what, target, route, via) != stored:
                    return ReadLogCheck(False, expected - 1, prev.hex(), f"row {seq} does not match its hash")
                prev = bytes(stored)
                if seq in seals and seals.pop(seq) != prev.hex():
                    return ReadLogCheck(False, seq, prev.hex(), f"row {seq} differs from the sealed head")
                expected += 1
    if seals:
        return ReadLogCheck(False, expected - 1, prev.hex(), f"sealed rows {sorted(seals)} are missing")
    return ReadLogCheck(True, expected - 1, prev.hex())


def _last_sealed() -> int:
    return max(_seals(), default=0)


@transaction.atomic
def seal(now: dt.datetime | None = None) -> int | None:
    """Record the log's head in the ledger if it grew since the last seal (beat, idempotent)."""
    now = now or timezone.now()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cur.execute("SELECT seq, hash FROM audit_read_access ORDER BY seq DESC LIMIT 1")
        head: Any = cur.fetchone()
    since = _last_sealed()
    if head is None or head[0] <= since:
        return None
    record_change(events.READ_LOG_SEALED, subject=SUBJECT, actor=None, at=now,
                  payload={"through_seq": head[0], "head_hash": bytes(head[1]).hex(), "rows": head[0] - since})
    return int(head[0])
