"""Idempotency-Key records: the claim a request takes on its key, the response stored with its
business change, and their expiry. The HTTP side (fingerprints, replay) is lc.api.idempotency.

The race this prevents: N concurrent requests with one key must run the action once. A request
claims the key by inserting the record inside its business transaction (INSERT ... ON CONFLICT
DO NOTHING): the unique index makes every other inserter wait until that transaction ends, and
then either win (it rolled back: the claim went with it) or find the committed record. So a
claim lasts exactly as long as its request, and is never taken over while the request runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lc.models import IdempotencyRecord, Organization


def claim(org: Organization, key: str, method: str, path: str, fingerprint: str) -> int | None:
    """Insert the record in the caller's transaction; the id if we won, None if a committed
    record holds the key (this waits while an uncommitted one does)."""
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (organization_id, key, method, path, request_hash, response_headers, created_at) "
            "VALUES (%s, %s, %s, %s, %s, '{}', %s) ON CONFLICT (organization_id, key) DO NOTHING RETURNING id",
            [org.pk, key, method, path[:500], fingerprint, timezone.now()],
        )
        row = cur.fetchone()
    return row[0] if row else None


def store(record_id: int, status: int, body: bytes, headers: dict[str, str]) -> None:
    """The response, written in the same transaction as the business change it answers."""
    IdempotencyRecord.objects.filter(pk=record_id).update(
        status_code=status, response_body=body, response_headers=headers)


def find(org: Organization, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(organization=org, key=key).first()


def purge_expired(now: dt.datetime | None = None) -> int:
    """Forget records older than IDEMPOTENCY_TTL_HOURS: a client retrying later than that gets
    a fresh request (as with payment APIs, keys expire after a day)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
