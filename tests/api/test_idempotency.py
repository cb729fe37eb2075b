"""Idempotency-Key records expire: the hourly purge forgets keys older than the TTL."""

from __future__ import annotations

from typing import Any


def test_idempotency_records_older_than_the_ttl_are_purged(cast: Any, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from lc.models import IdempotencyRecord
    from lc.tasks import purge_idempotency_records

    settings.IDEMPOTENCY_TTL_HOURS = 24
    org = cast.orgs["importer"]
    old = IdempotencyRecord.objects.create(organization=org, key="old", method="POST", path="/x", request_hash="h")
    fresh = IdempotencyRecord.objects.create(organization=org, key="new", method="POST", path="/x", request_hash="h")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]
