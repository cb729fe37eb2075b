"""Celery entry points of the audit views (thin: the work is in lc.audit.verify and readlog)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="lc.audit.tasks.verify_chain", ignore_result=True, acks_late=True)  # type: ignore[untyped-decorator]
def verify_chain(run_id: str) -> bool:
    from lc.audit.verify import run_verification

    return run_verification(run_id)


@shared_task(name="lc.audit.tasks.seal_read_log", ignore_result=True)  # type: ignore[untyped-decorator]
def seal_read_log() -> int | None:
    """Beat: put the read-access log's head under the ledger's anchors."""
    from lc.audit.readlog import seal

    return seal()
