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
from lc.banking import DEFAULT_PRESENTATION_PERIOD_DAYS, BankingCalendar
from lc.errors import DomainError
from lc.examination.context import build_context
from lc.examination.serde import decode
from lc.examination.types import CreditTerms
from lc.examination.types import Document as DocumentData
from lc.examination.types import Presentation as PresentationData
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
    calendar_facts,
    calendar_for,
    local_date,
    lock_presentation,
    now_or,
    record,
    years_around,
)
from lc.services.credits import expire_credit, expiry_facts, expiry_place_bank, last_day_for_presentation

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


def _shipment_date(pres: Presentation, today: dt.date) -> dt.date | None:
    """Art. 14(c): the shipment date of the original transport documents presented so far, read
    as the engine reads it (on-board notation, art. 31(b) journeys); None without any."""
    terms = CreditTerms.from_dict(pres.terms_version.terms)
    docs: tuple[Any, ...] = tuple(decode(DocumentData, d.data) for d in pres.documents.all())  # type: ignore[arg-type]
    data = PresentationData(presentation_date=today, documents=docs, complete=False)
    ctx = build_context(terms, data, BankingCalendar())
    return ctx.shipment_date if ctx.original_transport else None


def lapse_facts(credit: LetterOfCredit, pres: Presentation, today: dt.date) -> dict[str, Any]:
    """The last day for a notice of completeness and the facts it was read from: the credit's
    expiry extended by art. 29(a) at the place of presentation, and, once an original transport
    document is among the records, the art. 14(c) period after shipment extended at the bank
    presented to (as the engine's C13 reads it), whichever is earlier."""
    by_expiry = last_day_for_presentation(credit)
    expiry = {"expiry_date": credit.expiry_date, "last_day": by_expiry, "calendar": expiry_facts(credit, by_expiry)}
    period: dict[str, Any] | None = None
    shipped = _shipment_date(pres, today)
    if shipped is not None:
        stated = CreditTerms.from_dict(pres.terms_version.terms).presentation_period_days  # field 48
        days = DEFAULT_PRESENTATION_PERIOD_DAYS if stated is None else stated
        cal = calendar_for(pres.presented_to, years_around(shipped))
        end = cal.extend(shipped + dt.timedelta(days=days))
        period = {"shipment_date": shipped, "days": days, "last_day": end,
                  "calendar": calendar_facts(pres.presented_to, shipped + dt.timedelta(days=days), end)}
    last = min(by_expiry, period["last_day"]) if period else by_expiry
    return {"last_day_for_presentation": last, "expiry": expiry, "presentation_period": period, "decided_on": today}


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
