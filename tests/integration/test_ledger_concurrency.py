"""16 concurrent writers, 20,000 business changes: no gap, no fork, no lost entry."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

import ledger
from ledger.models import Entry, PendingEntry
from ledger.sequencer import drain, run_forever

WRITERS = 16
CHANGES = 20_000


def writer(w: int, per_writer: int, errors: list[BaseException]) -> None:
    try:
        for n in range(per_writer):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("INSERT INTO test_business_change (writer, n) VALUES (%s, %s)", [w, n])
                ledger.append(kind="test.changed", subject=f"change:{w}:{n}", actor=f"user:w{w}",
                              actor_org="org:TEST", at=timezone.now(), payload={"writer": w, "n": n})
    except BaseException as exc:  # reported by the main thread
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_sixteen_writers_leave_one_gapless_unforked_chain() -> None:
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE test_business_change (id bigserial PRIMARY KEY, writer int, n int)")
    stop = threading.Event()
    sequencer = threading.Thread(target=lambda: (run_forever(stop=stop.is_set), connections.close_all()))
    sequencer.start()
    errors: list[BaseException] = []
    threads = [threading.Thread(target=writer, args=(w, CHANGES // WRITERS, errors)) for w in range(WRITERS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop.set()
        sequencer.join()
    assert not errors, errors[:3]
    drain()  # whatever the running sequencer had not reached yet

    assert PendingEntry.objects.count() == 0
    assert Entry.objects.count() == CHANGES
    result = ledger.verify()
    assert result.ok and result.checked == CHANGES and result.last_seq == CHANGES  # no gap, links intact
    with connection.cursor() as cur:
        cur.execute("SELECT count(DISTINCT prev_hash), count(DISTINCT hash) FROM ledger_entry")
        assert cur.fetchone() == (CHANGES, CHANGES)  # no fork: every hash has exactly one successor
        cur.execute("SELECT writer, n FROM test_business_change")
        changes = {f"change:{w}:{n}" for w, n in cur.fetchall()}
        cur.execute("DROP TABLE test_business_change")
    subjects: Any = set(Entry.objects.values_list("subject", flat=True))
    assert len(changes) == CHANGES and subjects == changes  # no lost or extra entry
