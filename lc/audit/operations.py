"""Operators' acts on the machinery: publishing a failed checkpoint publication again,
lifting a sign-in lock-out and purging old sign-in logs (django-axes). Neither changes a credit, but an auditor asks who
did them and when: each is one ledger entry in its transaction, under the named person (or the
operator at a shell), like every configuration change (lc.audit.services). An act that finds
nothing to do records nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone

from lc import events
from lc.audit import rules
from lc.audit.record import Actor, record_change
from lc.models import User
from ledger.models import Receipt
from ledger.publishers import requeue_failed

PUBLICATIONS = "ledger:publications"


@transaction.atomic
def requeue_publications(*, actor: Actor, receipt_ids: list[int], now: dt.datetime | None = None) -> int:
    """Move failed receipts back to pending (ledger.publishers.requeue_failed) and record which."""
    rules.check("requeue_publication", actor)
    failed = list(Receipt.objects.select_for_update(of=("self",)).select_related("checkpoint")
                  .filter(id__in=receipt_ids, status=Receipt.Status.FAILED).order_by("id"))
    if not failed:
        return 0
    count = requeue_failed([r.id for r in failed])
    record_change(events.PUBLICATION_REQUEUED, subject=PUBLICATIONS, actor=actor, at=now or timezone.now(),
                  payload={"receipts": [{"receipt": r.id, "checkpoint": r.checkpoint.size, "publisher": r.publisher,
                                         "attempts": r.attempts, "failure": r.detail[:500]} for r in failed]})
    return count


@transaction.atomic
def reset_lockout(*, actor: Actor, username: str | None = None, ip: str | None = None,
                  now: dt.datetime | None = None) -> int:
    """Clear django-axes' failed attempts for a username, an address, both, or (neither) all.
    Returns how many attempts were removed; the entry names whose and from where."""
    user = User.objects.filter(username=username).first() if username else None
    rules.check("reset_lockout", actor, user)
    attempts = AccessAttempt.objects.select_for_update()
    if username:
        attempts = attempts.filter(username=username)
    if ip:
        attempts = attempts.filter(ip_address=ip)
    cleared: list[dict[str, Any]] = [
        {"username": a.username, "ip_address": a.ip_address, "failures": a.failures_since_start}
        for a in attempts.order_by("id")]
    if not cleared:
        return 0
    count = axes_reset(ip=ip, username=username)  # through axes' handler, in this transaction
    subject = user.ledger_id if user is not None else f"signin:{username or ip or 'all'}"
    record_change(events.LOCKOUT_RESET, subject=subject, actor=actor, at=now or timezone.now(),
                  payload={"username": username, "ip_address": ip, "user": user.ledger_id if user else None,
                           "attempts": count, "cleared": cleared})
    return int(count)


@transaction.atomic
def purge_signin_logs(*, actor: Actor, age_days: int, failures: bool = False, now: dt.datetime | None = None) -> int:
    """Delete django-axes' sign-in logs (or, `failures`, its failure logs) older than `age_days`,
    as its axes_reset_logs / axes_reset_failure_logs do: the record of who signed in from where is
    evidence, so its removal names who removed how much, and up to when. Returns the rows removed."""
    rules.check("purge_signin_logs", actor)
    now = now or timezone.now()
    before = now - dt.timedelta(days=age_days)
    old = (AccessFailureLog if failures else AccessLog).objects.filter(attempt_time__lte=before)
    oldest = old.order_by("attempt_time").values_list("attempt_time", flat=True).first()
    if oldest is None:
        return 0
    count, _ = old.delete()
    record_change(events.SIGNIN_LOGS_PURGED, subject="signin:logs", actor=actor, at=now, payload={
        "log": "failures" if failures else "sign-ins", "age_days": age_days, "older_than": before,
        "oldest": oldest, "removed": count})
    return count
