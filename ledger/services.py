"""Writing to and reading from the journal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection
from django.db.models import QuerySet

from ledger.chain import canonical
from ledger.models import Entry, EntryQuerySet, PendingEntry


class LedgerError(Exception):
    pass


@dataclass(frozen=True)
class Appended:
    """What append() recorded: the intake id identifies the entry until it has a seq."""

    id: int
    kind: str
    subject: str
    at: dt.datetime

    @property
    def pk(self) -> int:
        return self.id


INSERT_INTAKE = (
    "INSERT INTO ledger_intake (kind, subject, actor, actor_org, at, payload) "
    "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
)


def append(
    *,
    kind: str,
    subject: str,
    actor: str,
    actor_org: str,
    at: dt.datetime,
    payload: Mapping[str, Any],
) -> Appended:
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
    # This runs in every business transaction, so it is one prepared INSERT with binary
    # parameters on the transaction's own connection: no ORM machinery, no re-parsing by
    # the server, no hex-escaping of the payload.
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cur:
        cur.execute(INSERT_INTAKE, (kind, subject, actor, actor_org, at, data), prepare=True, binary=True)
        row = cur.fetchone()
    assert row is not None
    return Appended(id=row[0], kind=kind, subject=subject, at=at)


def history(subject: str) -> EntryQuerySet:
    return Entry.objects.for_subject(subject)


def pending(subject: str) -> QuerySet[PendingEntry]:
    return PendingEntry.objects.filter(subject=subject).order_by("id")


def status_of(intake_ids: list[int]) -> dict[int, int | None]:
    """Map intake ids to their seq (None while still pending)."""
    found = dict(Entry.objects.filter(intake_id__in=intake_ids).values_list("intake_id", "seq"))
    return {i: found.get(i) for i in intake_ids}

