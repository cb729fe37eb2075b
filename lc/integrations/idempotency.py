"""Idempotency-Key records: the claim a request takes on its key, the response stored with its
business change, and their expiry. The HTTP side (fingerprints, replay) is lc.api.idempotency.

The race this prevents: N concurrent requests with one key must run the action once. The
first request claims the key by inserting the record in its own committed statement
(INSERT ... ON CONFLICT DO NOTHING: exactly one inserter wins).
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lc.models import IdempotencyRecord, Organization

STALE_AFTER = timedelta(minutes=2)


def claim(org: Organization, key: str, method: str, path: str, fingerprint: str) -> int | None:
    """Insert the record (committed at once, outside any business transaction); the id if we won."""
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


def release(record_id: int) -> None:
    """Nothing was done: free the key so a retry can run."""
    if not connection.needs_rollback:
        IdempotencyRecord.objects.filter(pk=record_id, status_code__isnull=True).delete()


def find(org: Organization, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(organization=org, key=key).first()


def take_over_stale(record: IdempotencyRecord) -> bool:
    """A claim never completed within STALE_AFTER: its winner died and committed nothing."""
    cutoff = timezone.now() - STALE_AFTER
    return IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, created_at__lt=cutoff
    ).update(created_at=timezone.now()) == 1


def purge_expired(now: dt.datetime | None = None) -> int:
    """Forget records older than IDEMPOTENCY_TTL_HOURS: a client retrying later than that gets
    a fresh request (as with payment APIs, keys expire after a day)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
