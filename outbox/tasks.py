"""Celery entry points of the outbox (thin: the work is in outbox.consumer and outbox.relay)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from outbox.models import Message


@shared_task(name="outbox.deliver", ignore_result=True, acks_late=True)  # type: ignore[untyped-decorator]
def deliver(message_id: int) -> str:
    """What the relay publishes: run one outbox message (idempotent by its id)."""
    from outbox.consumer import consume

    return consume(int(message_id))


@shared_task(name="outbox.relay", ignore_result=True)  # type: ignore[untyped-decorator]
def relay() -> int:
    """Beat safety net beside the relay thread of the sequencer process (safe to run at once:
    each pass takes its rows with SKIP LOCKED)."""
    from outbox.relay import BrokerUnavailable, Relay

    try:
        return Relay().relay_pending()
    except BrokerUnavailable as exc:
        return exc.sent


@shared_task(name="outbox.purge", ignore_result=True)  # type: ignore[untyped-decorator]
def purge() -> int:
    """Forget messages done more than OUTBOX_KEEP_HOURS ago."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.OUTBOX_KEEP_HOURS)
    deleted, _ = Message.objects.filter(done_at__lt=cutoff).delete()
    return deleted
