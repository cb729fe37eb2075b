"""'Verify the chain' from the audit views: a Celery task walks the ledger (ledger.verify) and
the read-access log, reports progress, stores the result and records it in the ledger."""

from __future__ import annotations

import datetime as dt
import json

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

import ledger
from lc import events
from lc.audit import rules
from lc.audit.models import VerificationRun
from lc.audit.readlog import verify_read_log
from lc.audit.record import record_change
from lc.models import User
from lc.services.common import enqueue_after_commit

TASK = "lc.audit.tasks.verify_chain"
PROGRESS_TTL = 3600


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def _key(run_id: object) -> str:
    return f"audit:verify:{run_id}"


@transaction.atomic
def start_verification(*, actor: User, now: dt.datetime | None = None) -> VerificationRun:
    rules.check("verify_chain", actor)
    run = VerificationRun.objects.create(requested_by=actor, requested_at=now or timezone.now())
    enqueue_after_commit(TASK, str(run.pk), subject=f"audit:verification:{run.pk}")
    return run


def progress(run: VerificationRun) -> tuple[int, int]:
    """(checked, total): the task's live figures while it runs (the walk holds one transaction
    open, so they travel through Redis), then the stored ones."""
    if run.state == VerificationRun.State.RUNNING:
        raw = _redis().get(_key(run.pk))
        if raw:
            checked, total = json.loads(raw)
            return int(checked), int(total)
    return run.checked, run.total


def run_verification(run_id: str) -> bool:
    """The task's work; idempotent: only a queued run is claimed (a redelivery finds it taken)."""
    if VerificationRun.objects.filter(pk=run_id, state=VerificationRun.State.QUEUED).update(
            state=VerificationRun.State.RUNNING) != 1:
        return False
    store = _redis()

    def report(checked: int, total: int) -> None:
        store.set(_key(run_id), json.dumps([checked, total]), ex=PROGRESS_TTL)

    result = ledger.verify(on_progress=report)
    reads = verify_read_log()
    _finish(run_id, result.as_dict(), reads.__dict__)
    return True


@transaction.atomic
def _finish(run_id: str, chain: dict[str, object], reads: dict[str, object]) -> None:
    run = VerificationRun.objects.select_for_update(of=("self",)).select_related("requested_by__organization").get(pk=run_id)
    now = timezone.now()
    run.ok = bool(chain["ok"]) and bool(reads["ok"])
    run.checked = run.total = int(chain["checked"] or 0)  # type: ignore[call-overload]
    run.result = {"chain": chain, "read_log": reads}
    run.state, run.finished_at = VerificationRun.State.DONE, now
    run.save()
    record_change(events.CHAIN_VERIFIED, subject=f"audit:verification:{run.pk}", actor=run.requested_by, at=now,
                  payload={"run": str(run.pk), "ok": run.ok, "requested_at": run.requested_at,
                           "chain": {k: chain[k] for k in ("ok", "checked", "first_seq", "last_seq", "head_hash",
                                                           "broken_seq", "reason")},
                           "read_log": {k: reads[k] for k in ("ok", "checked", "head_hash", "problem")}})
