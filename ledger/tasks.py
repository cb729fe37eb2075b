"""Celery entry points of the ledger (thin: the work lives in the modules they call)."""

from __future__ import annotations

import logging

from celery import Task, current_app, shared_task
from django.conf import settings

from ledger.sequencer import drain

log = logging.getLogger(__name__)


@shared_task(name="ledger.tasks.sequence_pending", ignore_result=True)  # type: ignore[untyped-decorator]
def sequence_pending() -> int:
    """Safety net beside the dedicated sequencer: safe to run concurrently (advisory lock)."""
    return drain()


@shared_task(name="ledger.tasks.anchor", ignore_result=True)  # type: ignore[untyped-decorator]
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
    _request_witnessing()
    return checkpoint.size if checkpoint else None


def _request_witnessing() -> None:
    """Every run, new checkpoint or not, so a witness that was down is asked again on the next
    beat; enqueued by name, and a broker error never fails anchoring."""
    if not settings.LEDGER_WITNESS_POLICY_FILE:
        return
    try:
        current_app.send_task("ledger.tasks.witness", expires=settings.LEDGER_ANCHOR_INTERVAL)
    except Exception:  # the checkpoint is signed and committed whatever the broker says
        log.warning("could not enqueue ledger.tasks.witness", exc_info=True)


@shared_task(name="ledger.tasks.witness", ignore_result=True)  # type: ignore[untyped-decorator]
def witness() -> dict[str, str]:
    """Ask the policy's witnesses to cosign the latest checkpoint (ledger.witnessing)."""
    from ledger.witnessing import cosign_latest

    return cosign_latest()


@shared_task(bind=True, name="ledger.tasks.publish_receipt", ignore_result=True)  # type: ignore[untyped-decorator]
def publish_receipt(self: Task, receipt_id: int) -> str:
    """Publish one checkpoint through one publisher, retrying with exponential backoff."""
    from ledger.publishers import attempt_publication, backoff

    limit = settings.LEDGER_PUBLISH_MAX_RETRIES
    outcome = attempt_publication(receipt_id, final=self.request.retries >= limit)
    if outcome == "retry":
        raise self.retry(countdown=backoff(self.request.retries), max_retries=limit)
    return outcome
