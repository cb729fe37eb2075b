"""Celery entry points of the ledger (thin: the work lives in the modules they call)."""

from celery import shared_task

from ledger.sequencer import drain


@shared_task(name="ledger.tasks.sequence_pending", ignore_result=True)
def sequence_pending() -> int:
    """Safety net beside the dedicated sequencer: safe to run concurrently (advisory lock)."""
    return drain()
