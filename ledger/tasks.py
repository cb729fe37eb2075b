"""Celery entry points of the ledger (thin: the work lives in the modules they call)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

import outbox
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
    beat: an outbox message by task name (the broker's state never fails anchoring), at most
    one waiting at a time (a stopped worker does not pile them up)."""
    if not settings.LEDGER_WITNESS_POLICY_FILE:
        return
    outbox.enqueue("ledger.tasks.witness", subject="ledger:witness", unique=True)


@shared_task(name="ledger.tasks.witness", ignore_result=True)  # type: ignore[untyped-decorator]
def witness() -> dict[str, str]:
    """Ask the policy's witnesses to cosign the latest checkpoint (ledger.witnessing)."""
    from ledger.witnessing import cosign_latest

    return cosign_latest()


@shared_task(name="ledger.tasks.publish_receipt", ignore_result=True)  # type: ignore[untyped-decorator]
def publish_receipt(receipt_id: int | str) -> str | outbox.Later:
    """Publish one checkpoint through one publisher; run from the outbox, which runs it again
    after an exponential backoff while it answers Later."""
    from ledger.models import Receipt
    from ledger.publishers import attempt_publication, backoff

    done = Receipt.objects.filter(id=int(receipt_id)).values_list("attempts", flat=True).first() or 0
    limit = settings.LEDGER_PUBLISH_MAX_RETRIES
    outcome = attempt_publication(int(receipt_id), final=done >= limit)
    if outcome == "retry":
        return outbox.Later(backoff(done), "publication failed; retrying")
    return outcome
