"""Timers run by Celery beat: eUCP presentations deemed not made, expiry (art. 29(a)-extended),
examination-deadline and expiry warnings a banking day before. Each is idempotent: run twice,
it acts once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from lc import events
from lc.deadlines import lapse_facts
from lc.errors import DomainError
from lc.integrations.webhooks import emit
from lc.models import (
    LIVE_STATES,
    OPEN_FOR_EXAMINATION,
    DocumentType,
    LetterOfCredit,
    Organization,
    Presentation,
    PresentationState,
)
from lc.services import money as accounts
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


TRANSPORT_TYPES = (DocumentType.OCEAN_BILL_OF_LADING, DocumentType.AIR_WAYBILL)


@dataclass
class TimerReport:
    lapsed: list[str] = field(default_factory=list)
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
    # Art. 14(b): the deadline is counted at the bank presented to, so is its "today".
    if local_date(now, pres.presented_to) < _eve_of(pres.examination_deadline, pres.presented_to):
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
    place = expiry_place_bank(credit)  # art. 6(d)(ii), 29(a): expiry at the place of presentation
    if local_date(now, place) < _eve_of(last_day, place):
        return False
    credit.expiry_warned_at = now
    credit.save(update_fields=["expiry_warned_at"])
    record(events.EXPIRY_WARNING, subject=credit.subject, actor=None, at=now,
           payload={"credit": str(credit.id), "last_day_for_presentation": last_day})
    return True


@transaction.atomic
def lapse_presentation(*, presentation_id: ObjectId, now: dt.datetime) -> bool:
    """eUCP 2.1 art. e6(c)(iii): a presentation whose notice of completeness has not come by the
    last day for presentation is deemed not made. It closes (expiry and cancellation proceed)
    and its claim no longer holds the credit's availability."""
    credit, pres = lock_presentation(None, presentation_id)
    if pres.state != PresentationState.RECEIVED:
        return False
    today = local_date(now, pres.presented_to)  # the day at the place of presentation
    facts = lapse_facts(credit, pres, today)
    if today <= facts["last_day_for_presentation"]:
        return False
    held = accounts.reserved_by(pres)
    pres.state = PresentationState.LAPSED
    pres.save(update_fields=["state"])
    released = accounts.release(credit, pres, held, now)
    record(events.PRESENTATION_LAPSED, subject=credit.subject, actor=None, at=now, payload={
        "credit": str(credit.id), "presentation": str(pres.id), "number": pres.number, "state": pres.state,
        "documents": pres.documents.count(), **facts, "availability": released.payload(),
    })
    emit(credit, events.PRESENTATION_LAPSED, {"presentation": str(pres.id), "number": pres.number,
                                               "state": pres.state})
    return True


def _lapse_candidates(today: dt.date) -> list[Any]:
    """Incomplete eUCP presentations whose credit's expiry has passed or that hold a transport
    document (whose period may have run): lapse_presentation decides under the locks."""
    return list(Presentation.objects.filter(state=PresentationState.RECEIVED).filter(
        Q(credit__expiry_date__lt=today) | Q(documents__doc_type__in=TRANSPORT_TYPES),
    ).distinct().values_list("pk", flat=True))


def latest_date_anywhere(now: dt.datetime) -> dt.date:
    """The latest business date any bank can have at `now` (UTC+14, the tz database's easternmost
    offset): the candidates' filter; each timer then decides at its own bank's date."""
    return now.astimezone(dt.timezone(dt.timedelta(hours=14))).date()


def run_timers(now: dt.datetime | None = None) -> TimerReport:
    now = now_or(now)
    # Each bank's "today" is its own (art. 2): pick every row some bank may already be due on and
    # let each timer compare with the date at the bank whose calendar governs it.
    today = latest_date_anywhere(now)
    report = TimerReport()
    horizon = today + dt.timedelta(days=10)  # weekends and holidays push warnings back
    for pid in _lapse_candidates(today):  # before expiry: a lapsed presentation no longer holds it
        if lapse_presentation(presentation_id=pid, now=now):
            report.lapsed.append(str(pid))
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
