"""Timers run by Celery beat: expiry (art. 29(a)-extended), examination-deadline and
expiry warnings a banking day before. Each is idempotent: run twice, it acts once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction

from lc import events
from lc.errors import DomainError
from lc.models import LIVE_STATES, OPEN_FOR_EXAMINATION, LetterOfCredit, Organization, Presentation
from lc.services.common import (
    ObjectId,
    calendar_for,
    local_date,
    lock_presentation,
    now_or,
    record,
    years_around,
)
from lc.services.credits import expire_credit, expiry_place_bank, last_day_for_presentation

log = logging.getLogger(__name__)


@dataclass
class TimerReport:
    expired: list[str] = field(default_factory=list)
    deadline_warnings: list[str] = field(default_factory=list)
    expiry_warnings: list[str] = field(default_factory=list)


def _eve_of(day: dt.date, bank: Organization) -> dt.date:
    """The banking day before `day` at the bank (when the warning is due)."""
    cal = calendar_for(bank, years_around(day))
    eve = day - dt.timedelta(days=1)
    while not cal.is_banking_day(eve):
        eve -= dt.timedelta(days=1)
    return eve


@transaction.atomic
def warn_deadline(*, presentation_id: ObjectId, now: dt.datetime) -> bool:
    # The one lock order, timers included: credit, then presentation (each FOR UPDATE OF itself).
    _, pres = lock_presentation(None, presentation_id)
    if pres.deadline_warned_at or pres.examination_deadline is None:
        return False
    if local_date(now) < _eve_of(pres.examination_deadline, pres.presented_to):
        return False
    pres.deadline_warned_at = now
    pres.save(update_fields=["deadline_warned_at"])
    record(events.DEADLINE_WARNING, subject=pres.credit.subject, actor=None, at=now,
           payload={"presentation": str(pres.id), "examination_deadline": pres.examination_deadline})
    return True


@transaction.atomic
def warn_expiry(*, credit_id: ObjectId, now: dt.datetime) -> bool:
    credit = LetterOfCredit.objects.select_for_update(of=("self",)).select_related(
        "nominated_bank", "confirming_bank", "issuing_bank").get(pk=credit_id)
    if credit.expiry_warned_at or credit.state not in LIVE_STATES:
        return False
    last_day = last_day_for_presentation(credit)
    if local_date(now) < _eve_of(last_day, expiry_place_bank(credit)):
        return False
    credit.expiry_warned_at = now
    credit.save(update_fields=["expiry_warned_at"])
    record(events.EXPIRY_WARNING, subject=credit.subject, actor=None, at=now,
           payload={"credit": str(credit.id), "last_day_for_presentation": last_day})
    return True


def run_timers(now: dt.datetime | None = None) -> TimerReport:
    now = now_or(now)
    today = local_date(now)
    report = TimerReport()
    horizon = today + dt.timedelta(days=10)  # weekends and holidays push warnings back
    open_pres = Presentation.objects.filter(
        state__in=OPEN_FOR_EXAMINATION,
        deadline_warned_at__isnull=True, examination_deadline__lte=horizon,
    ).values_list("pk", flat=True)
    for pid in open_pres:
        if warn_deadline(presentation_id=pid, now=now):
            report.deadline_warnings.append(str(pid))
    live = LetterOfCredit.objects.filter(state__in=LIVE_STATES, expiry_date__lte=horizon)
    for cid in live.filter(expiry_warned_at__isnull=True).values_list("pk", flat=True):
        if warn_expiry(credit_id=cid, now=now):
            report.expiry_warnings.append(str(cid))
    for cid in live.filter(expiry_date__lt=today).values_list("pk", flat=True):
        try:
            expire_credit(credit_id=cid, now=now)
            report.expired.append(str(cid))
        except DomainError as exc:  # extended by art. 29(a), or a presentation still open
            log.info("credit %s not expired: %s", cid, exc)
    return report
