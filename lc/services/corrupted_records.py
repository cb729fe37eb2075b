"""eUCP 2.1 art. e12, data corruption of an electronic record: the examining bank may ask the
presenter to re-present a record that appears corrupted. The time for examination is suspended
from the request and resumes when the record is re-presented; a record not re-presented within
30 calendar days may be treated as not presented, and no deadline is extended for it.

The examination deadline (art. 14(b), five banking days following the day of presentation) is
recomputed at each step: the banking days of the period that had ended before the request are
used; the rest run from the day of re-presentation. Until the record comes back, the deadline
shown is the one the examination has if it resumes on the last day for re-presentation (the
latest it can be), so the deadline timers and the art. 16(f) preclusion keep a date to read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lc import events
from lc.banking import EXAMINATION_BANKING_DAYS
from lc.errors import InvalidInput
from lc.integrations.webhooks import emit
from lc.models import RE_PRESENTATION_DAYS, Document, Presentation, RePresentationRequest, User
from lc.services.common import (
    ObjectId,
    calendar_facts,
    calendar_for,
    check,
    local_date,
    lock_presentation,
    now_or,
    record,
    years_around,
)
from lc.services.presentations import DocumentInput, check_document_data
from lc.services.presentations import _doc_payload as doc_payload
from lc.services.presentations import _store_documents as store_documents


def _payload(pres: Presentation) -> dict[str, Any]:
    return {"credit": str(pres.credit_id), "presentation": str(pres.id), "number": pres.number, "state": pres.state}


def days_used(pres: Presentation, until: dt.date) -> int:
    """The banking days of the examination period (those following the day of presentation)
    that had ended before `until`: the day of the request itself is not counted as used."""
    assert pres.presented_on is not None
    cal = calendar_for(pres.presented_to, years_around(pres.presented_on, until))
    used, day = 0, pres.presented_on + dt.timedelta(days=1)
    while day < until and used < EXAMINATION_BANKING_DAYS:
        used += cal.is_banking_day(day)
        day += dt.timedelta(days=1)
    return used


def resumed_deadline(pres: Presentation, used: int, resumed_on: dt.date) -> dt.date:
    """The close of the banking day on which the unused days run out, counted from the banking
    day following `resumed_on` (as the period itself runs from the day after presentation)."""
    cal = calendar_for(pres.presented_to, years_around(resumed_on))
    return cal.add_banking_days(resumed_on, max(EXAMINATION_BANKING_DAYS - used, 0))


def _record_of(pres: Presentation, document_id: ObjectId) -> Document:
    try:
        found = pres.documents.filter(pk=document_id).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise InvalidInput("no such record in this presentation", [{"field": "document", "message": "not found"}])
    return found


@transaction.atomic
def request_re_presentation(*, actor: User, presentation_id: ObjectId, document_id: ObjectId, reason: str,
                            now: dt.datetime | None = None) -> RePresentationRequest:
    """eUCP art. e12(a)(b): the bank asks for a corrupted record again; the examination stops."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("request_re_presentation", actor, credit, now, pres)
    corrupted = _record_of(pres, document_id)
    if not reason.strip():
        raise InvalidInput("say how the record appears corrupted", [{"field": "reason", "message": "required"}])
    today = local_date(now, pres.presented_to)  # the day at the examining bank's place
    assert pres.examination_deadline is not None
    used = days_used(pres, today)
    request = RePresentationRequest.objects.create(
        presentation=pres, document=corrupted, reason=reason, requested_by=actor, requested_at=now,
        days_used=used, deadline_before=pres.examination_deadline,
        re_present_by=today + dt.timedelta(days=RE_PRESENTATION_DAYS),
    )
    pres.examination_deadline = resumed_deadline(pres, used, request.re_present_by)
    pres.deadline_warned_at = None  # the deadline moved: warn again on its eve
    pres.save(update_fields=["examination_deadline", "deadline_warned_at"])
    record(events.RE_PRESENTATION_REQUESTED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "request": str(request.id), "document": str(corrupted.id), "type": corrupted.doc_type,
        "sha256": corrupted.sha256 or None, "reason": reason, "suspended_on": today, "days_used": used,
        "deadline_before": request.deadline_before, "re_present_by": request.re_present_by,
        "examination_deadline": pres.examination_deadline,
        "calendar": calendar_facts(pres.presented_to, pres.presented_on, pres.examination_deadline)
        if pres.presented_on else None,
    })
    emit(credit, events.RE_PRESENTATION_REQUESTED, {**_payload(pres), "document": str(corrupted.id),
                                                    "re_present_by": request.re_present_by})
    return request


@transaction.atomic
def re_present_record(*, actor: User, presentation_id: ObjectId, document: DocumentInput,
                      now: dt.datetime | None = None) -> RePresentationRequest:
    """eUCP art. e12(b)(i): the presenter re-presents the record; the examination time resumes
    with the banking days it had left."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("re_present_record", actor, credit, now, pres)
    waiting = RePresentationRequest.objects.select_for_update().select_related("document").get(
        presentation=pres, re_presented_at__isnull=True)
    if check_document_data(document.data) != waiting.document.doc_type:
        raise InvalidInput("re-present the same record: a document of the type asked for",
                           [{"field": "data.type", "message": f"must be {waiting.document.doc_type}"}])
    (replacement,) = store_documents(pres, [document], actor, now, first=pres.documents.count())
    waiting.replacement, waiting.re_presented_by, waiting.re_presented_at = replacement, actor, now
    waiting.save(update_fields=["replacement", "re_presented_by", "re_presented_at"])
    today = local_date(now, pres.presented_to)
    pres.examination_deadline = resumed_deadline(pres, waiting.days_used, today)
    pres.deadline_warned_at = None
    pres.save(update_fields=["examination_deadline", "deadline_warned_at"])
    record(events.RECORD_RE_PRESENTED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "request": str(waiting.id), "replaces": str(waiting.document_id),
        **doc_payload(replacement), "resumed_on": today, "days_used": waiting.days_used,
        "examination_deadline": pres.examination_deadline,
        "calendar": calendar_facts(pres.presented_to, today, pres.examination_deadline),
    })
    emit(credit, events.RECORD_RE_PRESENTED, {**_payload(pres), "document": str(replacement.id),
                                              "examination_deadline": pres.examination_deadline})
    return waiting
