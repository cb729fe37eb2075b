"""Presentation actions: present, eUCP completeness, add a document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from lc import events, storage
from lc.banking import examination_deadline
from lc.errors import InvalidInput
from lc.examination.serde import ExaminationDataError, decode
from lc.examination.types import Document as DocumentData
from lc.integrations.webhooks import emit
from lc.models import (
    Confirmation,
    Document,
    LetterOfCredit,
    Organization,
    Presentation,
    PresentationState,
    User,
)
from lc.services.common import (
    AmountInput,
    ObjectId,
    calendar_facts,
    calendar_for,
    check,
    enqueue_after_commit,
    local_date,
    lock_credit,
    lock_presentation,
    now_or,
    org_of,
    record,
    years_around,
)
from lc.services.money import check_amount, reserve

EXAMINE_TASK = "lc.tasks.examine_presentation"


@dataclass(frozen=True)
class DocumentInput:
    """One presented document: its structured data and (optionally) the original file."""

    data: dict[str, Any]
    content: bytes | storage.Upload | None = None  # an upload is streamed to the store
    filename: str = ""


def check_document_data(data: dict[str, Any], index: int = 0) -> str:
    """Validate structured data against the examination schema; return its doc type."""
    try:
        parsed: Any = decode(DocumentData, data)  # type: ignore[arg-type]
    except ExaminationDataError as exc:
        errors = [{"field": f"documents[{index}].data.{k}".rstrip("."), "message": m} for k, m in exc.errors.items()]
        raise InvalidInput("document data is invalid", errors) from exc
    return str(parsed.doc_type)


def _presented_to_ok(credit: LetterOfCredit, bank: Organization) -> None:
    allowed = {credit.issuing_bank_id, credit.nominated_bank_id, credit.confirming_bank_id}
    if credit.confirmation != Confirmation.CONFIRMED:
        allowed.discard(credit.confirming_bank_id)
    if bank.pk not in allowed - {None}:
        raise InvalidInput("documents must be presented to the issuing, nominated or confirming bank",
                           [{"field": "presented_to", "message": "not an examining bank of this credit"}])


def _store_documents(pres: Presentation, docs: list[DocumentInput], actor: User, now: dt.datetime,
                     first: int = 0) -> list[Document]:
    out = []
    for i, doc in enumerate(docs):
        doc_type = check_document_data(doc.data, i)
        stored = storage.store(doc.content, f"documents[{i}].file") if doc.content is not None else None
        out.append(Document.objects.create(
            presentation=pres, doc_type=doc_type, data=doc.data, uploaded_by=actor, uploaded_at=now,
            sha256=stored.sha256 if stored else "", size=stored.size if stored else 0,
            content_type=stored.content_type if stored else "", original_name=doc.filename[:255],
            position=first + i,
        ))
    return out


def _doc_payload(doc: Document) -> dict[str, Any]:
    return {"document": str(doc.id), "type": doc.doc_type, "sha256": doc.sha256 or None, "data": doc.data}


def deadline_facts(pres: Presentation) -> dict[str, Any] | None:
    """The calendar facts of the art. 14(b) deadline, for each entry that fixes or relies on it."""
    if pres.presented_on is None or pres.examination_deadline is None:
        return None
    return calendar_facts(pres.presented_to, pres.presented_on, pres.examination_deadline)


def _start_examination(pres: Presentation, now: dt.datetime) -> None:
    """Art. 14(b): the clock runs from the day of presentation, at the examining bank: the day
    in that bank's own time zone (art. 2), counted on that bank's calendar."""
    pres.presented_on = local_date(now, pres.presented_to)
    cal = calendar_for(pres.presented_to, years_around(pres.presented_on))
    pres.examination_deadline = examination_deadline(pres.presented_on, cal)
    pres.state = PresentationState.UNDER_EXAMINATION
    enqueue_after_commit(EXAMINE_TASK, str(pres.pk), subject=pres.subject)


@transaction.atomic
def present_documents(
    *,
    actor: User,
    credit_id: ObjectId,
    presented_to: Organization,
    amount_claimed: AmountInput,
    documents: list[DocumentInput],
    electronic: bool = False,
    now: dt.datetime | None = None,
) -> Presentation:
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("present_documents", actor, credit, now, credit)
    _presented_to_ok(credit, presented_to)
    claimed = check_amount(amount_claimed, credit.currency, "amount_claimed")
    if not documents and not electronic:
        raise InvalidInput("a paper presentation needs documents", [{"field": "documents", "message": "required"}])
    assert credit.current_terms is not None
    number = (credit.presentations.aggregate(n=Max("number"))["n"] or 0) + 1
    pres = Presentation(
        credit=credit, number=number, presenter=org_of(actor), presented_to=presented_to,
        terms_version=credit.current_terms, electronic=electronic, amount_claimed=claimed,
        currency=credit.currency, created_by=actor, created_at=now, state=PresentationState.RECEIVED,
    )
    if not electronic:
        _start_examination(pres, now)
    pres.save()
    # Reserved now, under the credit's lock: of concurrent claims only those the credit can
    # still pay are accepted for examination; the others are refused here (409).
    reserved = reserve(credit, pres, now)
    docs = _store_documents(pres, documents, actor, now)
    record(events.PRESENTATION_MADE, subject=credit.subject, actor=actor, at=now, payload={
        "credit": str(credit.id), "presentation": str(pres.id), "number": number, "state": pres.state,
        "presented_to": presented_to.ledger_id, "amount_claimed": claimed, "currency": pres.currency,
        "availability": reserved.payload(),
        "terms_version": credit.current_terms.number, "electronic": electronic,
        "examination_deadline": pres.examination_deadline, "calendar": deadline_facts(pres),
        "documents": [_doc_payload(d) for d in docs],
    })
    emit(credit, events.PRESENTATION_MADE, {"presentation": str(pres.id), "number": number, "state": pres.state})
    return pres


@transaction.atomic
def add_document(*, actor: User, presentation_id: ObjectId, document: DocumentInput,
                 now: dt.datetime | None = None) -> Document:
    """eUCP: documents may be added until the notice of completeness."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("add_document", actor, credit, now, pres)
    (doc,) = _store_documents(pres, [document], actor, now, first=pres.documents.count())
    record(events.DOCUMENT_ADDED, subject=credit.subject, actor=actor, at=now,
           payload={"presentation": str(pres.id), **_doc_payload(doc)})
    return doc


@transaction.atomic
def notify_completeness(*, actor: User, presentation_id: ObjectId, now: dt.datetime | None = None) -> Presentation:
    """eUCP art. e5/e7: examination time starts on the day after the notice of completeness."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    facts = check("notify_completeness", actor, credit, now, pres)
    _start_examination(pres, now)
    pres.save()
    record(events.PRESENTATION_COMPLETED, subject=credit.subject, actor=actor, at=now, payload={
        "presentation": str(pres.id), "presented_on": pres.presented_on,
        # eUCP art. e6(c): in time only on or before this day (the lapse timer's rule).
        "last_day_for_presentation": facts.last_day_for_presentation(pres),
        "examination_deadline": pres.examination_deadline, "calendar": deadline_facts(pres),
    })
    return pres
