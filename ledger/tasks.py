"""Celery entry points of the ledger (thin: the work lives in the modules they call)."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.conf import settings

from ledger.sequencer import drain

log = logging.getLogger(__name__)


@shared_task(name="ledger.tasks.sequence_pending", ignore_result=True)
def sequence_pending() -> int:
    """Safety net beside the dedicated sequencer: safe to run concurrently (advisory lock)."""
    return drain()


@shared_task(name="ledger.tasks.anchor", ignore_result=True)
def anchor() -> int | None:
    """Beat entry point (LEDGER_ANCHOR_INTERVAL): sign the next checkpoint if the log grew.

    Safe when run twice at once or redelivered (see ledger.anchoring). Returns the new tree
    size, or None when there was nothing to do or another anchorer was at work.
    """
    from ledger.anchoring import AnchorError, anchor_checkpoint, requeue_stale_receipts

    requeue_stale_receipts()
    try:
        checkpoint = anchor_checkpoint()
    except AnchorError:
        # Not retried: the log no longer extends what it signed. This needs a human.
        log.critical("LEDGER INTEGRITY: refusing to sign a checkpoint", exc_info=True)
        raise
    return checkpoint.size if checkpoint else None


@shared_task(bind=True, name="ledger.tasks.publish_receipt", ignore_result=True)
def publish_receipt(self: Task, receipt_id: int) -> str:
    """Publish one checkpoint through one publisher, retrying with exponential backoff."""
    from ledger.publishers import attempt_publication, backoff

    limit = settings.LEDGER_PUBLISH_MAX_RETRIES
    outcome = attempt_publication(receipt_id, final=self.request.retries >= limit)
    if outcome == "retry":
        raise self.retry(countdown=backoff(self.request.retries), max_retries=limit)
    return outcome
