"""Celery entry points of the lc app: thin, idempotent, taking ids."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from lc.models import WebhookDelivery


@shared_task(name="lc.tasks.examine_presentation", ignore_result=True, acks_late=True)
def examine_presentation(presentation_id: str) -> bool:
    """Run the rules engine on a presentation that became complete (after its commit)."""
    from lc.services import record_engine_result

    return record_engine_result(presentation_id=presentation_id) is not None


@shared_task(name="lc.tasks.run_timers", ignore_result=True)
def run_timers() -> dict[str, Any]:
    from lc.services import run_timers as _run

    report = _run()
    return {"expired": len(report.expired), "deadline_warnings": len(report.deadline_warnings),
            "expiry_warnings": len(report.expiry_warnings)}


@shared_task(name="lc.tasks.deliver_webhook", bind=True, ignore_result=True, max_retries=None)
def deliver_webhook(self: Any, delivery_id: str) -> None:
    """One attempt; on failure retry with exponential backoff (2, 4, 8 ... s, capped)."""
    from lc.integrations.webhooks import MAX_ATTEMPTS, attempt

    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == "delivered":
        return
    if not attempt(delivery) and delivery.attempts < MAX_ATTEMPTS:
        raise self.retry(countdown=min(2 ** delivery.attempts, 3600))


@shared_task(name="lc.tasks.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget expired Idempotency-Key records (lc.integrations.idempotency.purge_expired)."""
    from lc.integrations.idempotency import purge_expired

    return purge_expired()
