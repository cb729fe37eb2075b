"""Writing to and reading from the journal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection

from ledger.chain import canonical
from ledger.models import Entry, EntryQuerySet, PendingEntry


class LedgerError(Exception):
    pass


def append(
    *,
    kind: str,
    subject: str,
    actor: str,
    actor_org: str,
    at: dt.datetime,
    payload: Mapping[str, Any],
) -> PendingEntry:
    """Record one entry inside the caller's transaction.

    The entry commits or rolls back with the business change. It becomes part of the
    chain (gets its `seq`) when the sequencer picks it up, milliseconds after commit.
    """
    if not connection.in_atomic_block:
        raise LedgerError("ledger.append must run inside the business transaction")
    if at.tzinfo is None:
        raise LedgerError("ledger times must be timezone-aware")
    if "." not in kind:
        raise LedgerError(f"entry kind {kind!r} must be dotted, e.g. 'lc.issued'")
    data = canonical(payload)
    entry = PendingEntry(kind=kind, subject=subject, actor=actor, actor_org=actor_org, at=at, payload=data)
    # One plain INSERT (no ORM save machinery): this runs in every business transaction.
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_intake (kind, subject, actor, actor_org, at, payload) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            [kind, subject, actor, actor_org, at, data],
        )
        entry.id = cur.fetchone()[0]
    entry._state.adding = False
    return entry


def history(subject: str) -> EntryQuerySet:
    return Entry.objects.for_subject(subject)


def pending(subject: str) -> Any:
    return PendingEntry.objects.filter(subject=subject).order_by("id")


def status_of(intake_ids: list[int]) -> dict[int, int | None]:
    """Map intake ids to their seq (None while still pending)."""
    found = dict(Entry.objects.filter(intake_id__in=intake_ids).values_list("intake_id", "seq"))
    return {i: found.get(i) for i in intake_ids}

