"""The sequencer ("integrate" step): moves committed intake rows into the chain.

Business transactions never take a global lock; only this step is serialised, by a
transaction-scoped advisory lock, so running it twice at once (a beat task and the
dedicated process, or a redelivered task) is safe: the second caller sees the lock
taken and returns. Each pass is one transaction: it reads the chain head, hashes a
batch of intake rows in id order, COPYs them into ledger_entry and deletes them from
the intake, so a crash leaves either the whole batch sequenced or none of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ledger.chain import GENESIS, entry_hash

log = logging.getLogger(__name__)

# Arbitrary but fixed key for pg_try_advisory_xact_lock (bigint): "TCSEQ".
SEQUENCER_LOCK = 0x5443534551
TIME_SQL = """to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
COLUMNS = "seq, intake_id, kind, subject, actor, actor_org, at, payload, prev_hash, hash, sequenced_at"


def sequence_pending(batch_size: int = 5000) -> int:
    """Sequence up to `batch_size` pending entries; return how many were sequenced."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
        if not cur.fetchone()[0]:
            return 0
        cur.execute(
            f"SELECT id, kind, subject, actor, actor_org, {TIME_SQL}, payload "
            "FROM ledger_intake ORDER BY id LIMIT %s",
            [batch_size],
        )
        rows = cur.fetchall()
        if not rows:
            return 0
        cur.execute("SELECT seq, hash FROM ledger_entry ORDER BY seq DESC LIMIT 1")
        head = cur.fetchone()
        seq, prev = (head[0], bytes(head[1])) if head else (0, GENESIS)
        now = timezone.now()
        out = []
        for intake_id, kind, subject, actor, actor_org, at, payload in rows:
            seq += 1
            payload = bytes(payload)
            digest = entry_hash(seq=seq, kind=kind, subject=subject, actor=actor,
                                actor_org=actor_org, at=at, payload=payload, prev_hash=prev)
            out.append((seq, intake_id, kind, subject, actor, actor_org, at, payload, prev, digest, now))
            prev = digest
        with cur.cursor.copy(f"COPY ledger_entry ({COLUMNS}) FROM STDIN") as copy:
            for row in out:
                copy.write_row(row)
        cur.execute("DELETE FROM ledger_intake WHERE id = ANY(%s)", [[r[0] for r in rows]])
        return len(rows)


def drain(batch_size: int = 5000) -> int:
    """Sequence until the intake is empty (tests, seeding, the beat safety net)."""
    total = 0
    while n := sequence_pending(batch_size):
        total += n
    return total


def run_forever(stop: Callable[[], bool] | None = None) -> None:
    """The dedicated sequencer loop: poll the intake, sleep briefly when idle.

    Polling rather than LISTEN/NOTIFY on purpose: NOTIFY takes a database-wide lock at
    commit, which would serialise every business transaction again.
    """
    idle = settings.LEDGER_SEQUENCER_IDLE_SLEEP
    while not (stop and stop()):
        try:
            if sequence_pending() == 0:
                time.sleep(idle)
        except DatabaseError:
            # The database went away (restart, failover): reconnect and carry on.
            log.exception("sequencer pass failed; retrying")
            connection.close()
            time.sleep(1)
