"""Celery entry points of the lc app: thin, idempotent, taking ids."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from outbox import Later


@shared_task(name="lc.tasks.examine_presentation", ignore_result=True, acks_late=True)
def examine_presentation(presentation_id: str) -> bool:
    """Run the rules engine on a presentation that became complete (after its commit)."""
    from lc.services import record_engine_result

    return record_engine_result(presentation_id=presentation_id) is not None


@shared_task(name="lc.tasks.run_timers", ignore_result=True)
def run_timers() -> dict[str, Any]:
    from lc.services import run_timers as _run

    report = _run()
    return {"lapsed": len(report.lapsed), "expired": len(report.expired), "deadline_warnings": len(report.deadline_warnings),
            "expiry_warnings": len(report.expiry_warnings)}


@shared_task(name="lc.tasks.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: str) -> Later | None:
    """One attempt; on failure the outbox runs it again after an exponential backoff (2, 4,
    8 ... s, capped at an hour), as a row in PostgreSQL rather than a countdown in the broker."""
    from lc.integrations.webhooks import deliver

    return deliver(delivery_id)


@shared_task(name="lc.tasks.bump_key_epoch", ignore_result=True)
def bump_key_epoch() -> None:
    """A key, user or organisation changed: every process drops its cached keys. Raises while
    Redis is away, so the outbox tries again until it answers."""
    from lc.integrations.keycache import key_cache

    key_cache.bump(strict=True)


@shared_task(name="lc.tasks.sweep_orphan_files", ignore_result=True)
def sweep_orphan_files() -> int:
    """Remove stored files no presented or printed document refers to (their action rolled back)."""
    from lc.models import Document, PrintedDocument
    from lc.storage import sweep_orphans

    def referenced(hashes: set[str]) -> set[str]:
        presented = Document.objects.filter(sha256__in=hashes).values_list("sha256", flat=True)
        printed = PrintedDocument.objects.filter(sha256__in=hashes).values_list("sha256", flat=True)
        return set(presented) | set(printed)

    return sweep_orphans(referenced)


@shared_task(name="lc.tasks.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget expired Idempotency-Key records (lc.integrations.idempotency.purge_expired)."""
    from lc.integrations.idempotency import purge_expired

    return purge_expired()
