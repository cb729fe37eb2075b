"""Examination workflow: the engine's findings, the examiner's decisions, the conclusion,
the waiver request and the single refusal notice (UCP 600 arts 14-16)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from lc import events, money
from lc.errors import InvalidInput, NotFound
from lc.examination.doctypes import CommercialInvoice, Draft
from lc.examination.engine import examine, shipment_record
from lc.examination.serde import decode
from lc.examination.types import CreditTerms
from lc.examination.types import Discrepancy as ExamDiscrepancy
from lc.examination.types import Document as DocumentData
from lc.examination.types import Presentation as PresentationData
from lc.integrations.webhooks import emit
from lc.models import (
    Discrepancy,
    DiscrepancyStatus,
    Disposal,
    EngineRun,
    Presentation,
    PresentationState,
    RefusalNotice,
    User,
    WaiverDecision,
    WaiverRequest,
)
from lc.services import messages as swift_messages
from lc.services import money as accounts
from lc.services import printing as printed
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

DRAWN_STATES = (PresentationState.HONOURED, PresentationState.REIMBURSED, PresentationState.SETTLED)


def _pres_payload(pres: Presentation) -> dict[str, Any]:
    return {"credit": str(pres.credit_id), "presentation": str(pres.id), "number": pres.number, "state": pres.state}


def engine_input(pres: Presentation) -> tuple[CreditTerms, PresentationData]:
    """The engine's view: the documents, the earlier drawings, and (from the credit's account)
    what is available to this presentation: its own reservation plus what no one else holds,
    so concurrent reservations count as much as earlier drawings (C17, art. 30)."""
    assert pres.presented_on is not None, "the engine runs only once the examination clock has started"
    terms = CreditTerms.from_dict(pres.terms_version.terms)
    earlier = Presentation.objects.filter(credit_id=pres.credit_id, state__in=DRAWN_STATES).exclude(pk=pres.pk)
    drawn = earlier.aggregate(s=Sum("honoured_amount"))["s"]
    account = accounts.figures(pres.credit)
    data = PresentationData(
        presentation_date=pres.presented_on, documents=_documents(pres), complete=True,
        previous_drawings=drawn or Decimal(0),
        previous_shipments=_shipments(terms, earlier),
        available=account.available + accounts.reserved_by(pres) if account.maximum else None,
    )
    return terms, data


def _documents(pres: Presentation) -> tuple[Any, ...]:
    return tuple(
        decode(DocumentData, d.data)  # type: ignore[arg-type]
        # A corrupted record that was re-presented (eUCP art. e12) counts only as its replacement.
        for d in pres.documents.exclude(pk__in=pres.re_presentations.filter(
            replacement__isnull=False).values("document_id"))
    )


def _shipments(terms: CreditTerms, earlier: Any) -> tuple[Any, ...]:
    """What the credit's drawn presentations shipped, in shipment order (C17 cumulative quantity,
    C18 partial shipments, C19 instalments: art. 30, 31, 32 read across presentations)."""
    found = []
    for done in earlier.order_by("presented_on", "number"):
        data = PresentationData(presentation_date=done.presented_on, documents=_documents(done))
        shipment = shipment_record(terms, data, done.honoured_amount or done.amount_claimed)
        if shipment is not None:
            found.append(shipment)
    return tuple(sorted(found, key=lambda s: s.shipment_date))


def claim_findings(pres: Presentation, terms: CreditTerms, data: PresentationData) -> list[Any]:
    """C17 on the amount claimed itself (the engine reads the documents' amounts)."""
    invoice = next((d.total_amount for d in data.documents
                    if isinstance(d, CommercialInvoice) and d.currency == pres.currency), None)
    draft = next((d.amount for d in data.documents if isinstance(d, Draft) and d.currency == pres.currency), None)
    available = data.available if data.available is not None else terms.amount - data.previous_drawings
    return money.claim_findings(pres.amount_claimed, pres.currency, invoice=invoice, draft=draft,
                                drafts_required=bool(terms.drafts_at.strip()), available=available)


@transaction.atomic
def record_engine_result(*, presentation_id: ObjectId, now: dt.datetime | None = None) -> EngineRun | None:
    """Run the rules engine and record its findings as proposed discrepancies (idempotent:
    a presentation already examined by the engine, or no longer under examination, is left)."""
    now = now_or(now)
    _, pres = lock_presentation(None, presentation_id)
    if pres.state != PresentationState.UNDER_EXAMINATION or pres.engine_runs.exists():
        return None
    terms, data = engine_input(pres)
    result = examine(terms, data, calendar_for(pres.presented_to, years_around(pres.presented_on)))
    extra = claim_findings(pres, terms, data)
    if extra:
        result = replace(result, discrepancies=tuple(sorted((*result.discrepancies, *extra),
                                                            key=ExamDiscrepancy.sort_key)))
    run = EngineRun.objects.create(
        presentation=pres, complying=result.complying, ran_at=now,
        result={"discrepancies": [d.to_dict() for d in result.discrepancies],
                "checks_run": list(result.checks_run), "ignored_documents": list(result.ignored_documents)},
    )
    Discrepancy.objects.bulk_create([
        Discrepancy(presentation=pres, code=d.code, rule=d.rule, document_type=d.document, field=d.field,
                    required=d.required, found=d.found, text=d.text, source="engine",
                    certainty=d.certainty, credit_text=d.credit_text, document_text=d.document_text,
                    status=DiscrepancyStatus.PROPOSED, created_at=now)
        for d in result.discrepancies
    ])
    record(events.ENGINE_EXAMINED, subject=pres.credit.subject, actor=None, at=now, payload={
        **_pres_payload(pres), "complying": result.complying, "codes": list(result.codes),
        "for_examiner": list(result.examiner_codes),
        "discrepancies": run.result["discrepancies"],
    })
    if not result.complying:
        emit(pres.credit, events.ENGINE_EXAMINED, {**_pres_payload(pres),
             "codes": list(result.codes)})
    return run


def _lock_discrepancy(actor: User, discrepancy_id: ObjectId) -> tuple[Presentation, Discrepancy]:
    try:
        pres_id = Discrepancy.objects.values_list("presentation_id", flat=True).get(pk=discrepancy_id)
    except (Discrepancy.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("no such discrepancy") from exc
    _, pres = lock_presentation(actor, pres_id)
    return pres, Discrepancy.objects.select_for_update().get(pk=discrepancy_id)


@transaction.atomic
def decide_discrepancy(
    *, actor: User, discrepancy_id: ObjectId, confirm: bool, reason: str = "", now: dt.datetime | None = None
) -> Discrepancy:
    """The examiner confirms a finding, or withdraws it with a reason (both recorded)."""
    now = now_or(now)
    pres, disc = _lock_discrepancy(actor, discrepancy_id)
    disc.presentation = pres
    check("decide_discrepancy", actor, pres.credit, now, disc, confirm=confirm)
    if not confirm and not reason.strip():
        raise InvalidInput("withdrawing a discrepancy needs a reason", [{"field": "reason", "message": "required"}])
    disc.status = DiscrepancyStatus.CONFIRMED if confirm else DiscrepancyStatus.WITHDRAWN
    disc.reason, disc.decided_by = reason, actor
    disc.save()
    record(events.DISCREPANCY_CONFIRMED if confirm else events.DISCREPANCY_WITHDRAWN, subject=pres.credit.subject,
           actor=actor, at=now, payload={**_pres_payload(pres), "discrepancy": str(disc.id),
                                         "code": disc.code, "reason": reason})
    return disc


@transaction.atomic
def add_discrepancy(
    *, actor: User, presentation_id: ObjectId, code: str, rule: str, text: str, document_type: str = "",
    field: str = "", required: str = "", found: str = "", reason: str = "", now: dt.datetime | None = None,
) -> Discrepancy:
    """The examiner adds a discrepancy the engine did not find."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("add_discrepancy", actor, credit, now, pres)
    if not text.strip() or not code.strip():
        raise InvalidInput("a discrepancy needs a code and a sentence",
                           [{"field": "text", "message": "required"}, {"field": "code", "message": "required"}])
    swift_messages.check_discrepancy_text(text)
    disc = Discrepancy.objects.create(
        presentation=pres, code=code[:4], rule=rule, text=text, document_type=document_type, field=field,
        required=required, found=found, source="examiner", status=DiscrepancyStatus.CONFIRMED,
        reason=reason, decided_by=actor, created_at=now,
    )
    record(events.DISCREPANCY_ADDED, subject=pres.credit.subject, actor=actor, at=now,
           payload={**_pres_payload(pres), "discrepancy": str(disc.id), "code": disc.code, "rule": rule,
                    "text": text, "reason": reason})
    return disc


@transaction.atomic
def conclude_examination(*, actor: User, presentation_id: ObjectId, now: dt.datetime | None = None) -> Presentation:
    """Record the examination result: complying, or discrepant with the confirmed list."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("conclude_examination", actor, credit, now, pres)
    confirmed = list(pres.discrepancies.filter(status=DiscrepancyStatus.CONFIRMED).values_list("code", flat=True))
    target = PresentationState.DISCREPANT if confirmed else PresentationState.COMPLYING
    pres.state, pres.examined_by, pres.examined_at = target, actor, now
    pres.save()
    record(events.FOUND_DISCREPANT if confirmed else events.FOUND_COMPLYING, subject=credit.subject, actor=actor, at=now,
           payload={**_pres_payload(pres), "codes": confirmed})
    return pres


@transaction.atomic
def request_waiver(*, actor: User, presentation_id: ObjectId, note: str = "", now: dt.datetime | None = None) -> WaiverRequest:
    """Art. 16(b): the bank may approach the applicant for a waiver; the deadline does not move."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("request_waiver", actor, credit, now, pres)
    waiver = WaiverRequest.objects.create(presentation=pres, requested_by=actor, requested_at=now, note=note)
    if pres.state != PresentationState.REFUSED:  # after the notice it stays refused (art. 16(c)(iii))
        pres.state = PresentationState.WAIVER_REQUESTED
        pres.save()
    sent = swift_messages.send_discrepancy_advice(credit, pres, actor=actor, now=now)
    record(events.WAIVER_REQUESTED, subject=credit.subject, actor=actor, at=now,
           payload={**_pres_payload(pres), "messages": sent, "waiver": str(waiver.id), "note": note,
                    "examination_deadline": pres.examination_deadline})
    return waiver


@transaction.atomic
def decide_waiver(*, actor: User, presentation_id: ObjectId, waive: bool, note: str = "",
                  now: dt.datetime | None = None) -> WaiverRequest:
    """The applicant waives the discrepancies, or declines."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("decide_waiver", actor, credit, now, pres)
    waiver = pres.waivers.select_for_update().get(decision=WaiverDecision.PENDING)
    waiver.decision = WaiverDecision.WAIVED if waive else WaiverDecision.DECLINED
    # The applicant's note is its own: the requesting bank's note stays as the bank wrote it.
    waiver.decided_by, waiver.decided_at, waiver.decision_note = actor, now, note
    waiver.save()
    sent = swift_messages.send_authorisation(credit, pres, waiver, actor=actor, now=now) if waive else []
    record(events.WAIVED if waive else events.WAIVER_DECLINED, subject=credit.subject,
           actor=actor, at=now, payload={**_pres_payload(pres), "messages": sent, "waiver": str(waiver.id), "note": note})
    return waiver


def refusal_text(pres: Presentation, discrepancies: list[Discrepancy], disposal: str) -> str:
    """The single notice of art. 16(c): refusal, every discrepancy, what happens to the documents."""
    lines = [
        f"Credit {pres.credit.reference}, presentation {pres.number} "
        f"({pres.currency} {pres.amount_claimed}), presented {pres.presented_on}.",
        "We refuse to honour or negotiate. The discrepancies are:",
    ]
    lines += [f"{i}. {d.text} [{d.code}, {d.rule}]" for i, d in enumerate(discrepancies, 1)]
    lines.append(f"Documents: {Disposal(disposal).label}.")
    return "\n".join(lines)


@transaction.atomic
def refuse_presentation(*, actor: User, presentation_id: ObjectId, disposal: str,
                        now: dt.datetime | None = None) -> RefusalNotice:
    """One single refusal notice per presentation, listing every confirmed discrepancy."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("refuse_presentation", actor, credit, now, pres)
    if disposal not in Disposal.values:
        raise InvalidInput("choose what happens to the documents (art. 16(c)(iii))",
                           [{"field": "disposal", "message": f"one of {', '.join(Disposal.values)}"}])
    discrepancies = list(pres.discrepancies.filter(status=DiscrepancyStatus.CONFIRMED).order_by("code", "created_at"))
    notice = RefusalNotice.objects.create(
        presentation=pres, refusing_bank=pres.presented_to, disposal=disposal, sent_by=actor, sent_at=now,
        discrepancies=[{"code": d.code, "rule": d.rule, "text": d.text} for d in discrepancies],
        text=refusal_text(pres, discrepancies, disposal), within_deadline=True,
    )
    held = accounts.reserved_by(pres)
    pres.state = PresentationState.REFUSED
    pres.save()
    released = accounts.release(credit, pres, held, now)  # the claim no longer holds the credit
    sent = swift_messages.send_refusal(credit, pres, discrepancies, disposal, actor=actor, now=now)
    printed_notice = printed.refusal_notice(credit, pres, notice, actor=actor, now=now)
    record(events.REFUSED, subject=credit.subject, actor=actor, at=now, payload={
        **_pres_payload(pres), "messages": sent, "notice": str(notice.id), "disposal": disposal,
        "documents": printed_notice,
        # Art. 16(d): the notice is due by the deadline of art. 14(b); its calendar facts let the
        # entry alone show whether it was in time.
        "refused_on": local_date(now, pres.presented_to), "refusal_deadline": pres.examination_deadline,
        "calendar": calendar_facts(pres.presented_to, pres.presented_on, pres.examination_deadline)
        if pres.presented_on and pres.examination_deadline else None,
        "discrepancies": notice.discrepancies, "text": notice.text, "availability": released.payload(),
    })
    emit(credit, events.REFUSED, {**_pres_payload(pres), "disposal": disposal,
                                          "codes": [d.code for d in discrepancies]})
    return notice
